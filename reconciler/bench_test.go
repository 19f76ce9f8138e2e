package reconciler_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

// BenchmarkExecuteParallel measures a cold `up` (observe, plan, execute) of
// 200 services on a file-backed emulator, as the CLI runs it, for several
// Parallel values: the figure behind DefaultParallel.
//
//	go test -run '^$' -bench ExecuteParallel -benchtime 5x ./reconciler/
func BenchmarkExecuteParallel(b *testing.B) {
	const services = 200
	var sb strings.Builder
	sb.WriteString("name: bench\nservices:\n")
	for i := range services {
		fmt.Fprintf(&sb, "  svc%03d:\n    image: nginx:1.27-alpine\n    environment:\n      N: \"%d\"\n", i, i)
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	d, err := spec.Load(ctx, spec.Options{Files: []string{file}, Environ: []string{}})
	if err != nil {
		b.Fatal(err)
	}
	for _, store := range []string{"file", "memory"} {
		for _, parallel := range []int{1, 2, 4, 8, 16, 32, 64} {
			b.Run(fmt.Sprintf("store=%s/parallel=%d", store, parallel), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					b.StopTimer()
					path := ":memory:"
					if store == "file" {
						path = filepath.Join(b.TempDir(), fmt.Sprintf("state-%d.db", i))
					}
					eng, err := emulator.Open(path)
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					obs, err := reconciler.Observe(ctx, eng, d)
					if err != nil {
						b.Fatal(err)
					}
					plan, err := planner.Up(d, obs, planner.Options{})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := reconciler.Execute(ctx, eng, plan, reconciler.ExecOptions{Parallel: parallel}); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					eng.Close()
					b.StartTimer()
				}
			})
		}
	}
}
