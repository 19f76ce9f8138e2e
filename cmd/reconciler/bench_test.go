package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// genStack writes an n-service compose file (no health checks, no published
// ports: the benchmark measures load, observe, plan and apply).
func genStack(b *testing.B, dir string, n int) string {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("name: bench\nservices:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "  svc%04d:\n    image: busybox:1.36\n    command: [\"sleep\", \"86400\"]\n    environment:\n      INDEX: \"%d\"\n", i, i)
	}
	p := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

func benchRun(b *testing.B, dir, state string, args ...string) {
	b.Helper()
	c := exec.Command(bin, args...)
	c.Dir = dir
	c.Env = append(cleanEnv(), "RECONCILER_STATE="+state, "COMPOSE_PROGRESS=quiet")
	if out, err := c.CombinedOutput(); err != nil {
		b.Fatalf("reconciler %v: %v\n%s", args, err, out)
	}
}

var benchSizes = []int{100, 1000}

// BenchmarkColdUp: `up` of n services on an empty state (one fresh state per
// iteration; creating the state is outside the timer).
func BenchmarkColdUp(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			genStack(b, dir, n)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				state := filepath.Join(b.TempDir(), "state.db")
				benchRun(b, dir, state, "engine", "info")
				b.StartTimer()
				benchRun(b, dir, state, "up")
			}
		})
	}
}

// BenchmarkNoopUp: `up` of n services that are already converged.
func BenchmarkNoopUp(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			genStack(b, dir, n)
			state := filepath.Join(b.TempDir(), "state.db")
			benchRun(b, dir, state, "up")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				benchRun(b, dir, state, "up")
			}
		})
	}
}

// BenchmarkConfigQ: `config -q` of n services, the floor a no-op up compares to.
func BenchmarkConfigQ(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			genStack(b, dir, n)
			for i := 0; i < b.N; i++ {
				benchRun(b, dir, "", "config", "-q")
			}
		})
	}
}
