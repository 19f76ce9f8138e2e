package reconciler_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

// BenchmarkSaveToConverged measures watch mode end to end on the real clock:
// an in-place save changing an environment variable of one or two services of
// a 100-service stack, until the pass that recreated them converged (debounce
// 200 ms included). Reports p50/p90 across iterations.
//
//	go test -run '^$' -bench SaveToConverged -benchtime 20x ./reconciler/
func BenchmarkSaveToConverged(b *testing.B) {
	const services = 100
	compose := func(gen int) string {
		var sb strings.Builder
		sb.WriteString("name: benchwatch\nservices:\n")
		for i := range services {
			v := 0
			if i == gen%services {
				v = gen
			}
			fmt.Fprintf(&sb, "  svc%03d:\n    image: nginx:1.27-alpine\n    environment:\n      GEN: \"%d\"\n", i, v)
		}
		return sb.String()
	}
	dir := b.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(compose(0)), 0o644); err != nil {
		b.Fatal(err)
	}
	eng, err := emulator.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	passes := make(chan reconciler.PassResult, 100)
	load := func(ctx context.Context) (*spec.Desired, error) {
		return spec.Load(ctx, spec.Options{Files: []string{file}, Environ: []string{}})
	}
	var loop *reconciler.Loop
	w, err := reconciler.NewWatcher(reconciler.WatchConfig{Files: []string{file}, OnChange: func() { loop.Trigger(reconciler.TriggerFile) }})
	if err != nil {
		b.Fatal(err)
	}
	loop, err = reconciler.NewLoop(reconciler.LoopConfig{
		Load: load, Engine: eng, Resync: -1, Files: w,
		Plan: func(d *spec.Desired, o planner.Observed) (*planner.Plan, error) {
			return planner.Up(d, o, planner.Options{})
		},
		OnPass: func(r reconciler.PassResult) { passes <- r },
	})
	if err != nil {
		b.Fatal(err)
	}
	go w.Run(ctx)
	<-w.Ready()
	go loop.Run(ctx)
	if r := <-passes; !r.Converged {
		b.Fatalf("startup: %v", r.Err)
	}

	var lat, passDur []time.Duration
	gen := 0
	for b.Loop() {
		gen++
		start := time.Now()
		if err := os.WriteFile(file, []byte(compose(gen)), 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			r := <-passes
			if r.Err != nil {
				b.Fatalf("pass: %v", r.Err)
			}
			if r.Trigger == reconciler.TriggerFile && r.Result != nil && r.Result.Summary.Changed > 0 {
				passDur = append(passDur, r.Duration)
				break
			}
		}
		lat = append(lat, time.Since(start))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*9/10].Milliseconds()), "p90-ms")
	sort.Slice(passDur, func(i, j int) bool { return passDur[i] < passDur[j] })
	b.ReportMetric(float64(passDur[len(passDur)/2].Milliseconds()), "pass-p50-ms")
}
