package reconciler_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/reconciler/reconciler/metrics"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

const watchStack = `name: watch
services:
  web:
    image: nginx:1.27-alpine
    environment:
      LOG_LEVEL: info
`

// TestWatchLoopOnEmulator wires Watcher -> Loop -> emulator: a save converges,
// a container removed behind the tool's back comes back (drift), a bad edit
// keeps the stack running and reports, the fix converges.
func TestWatchLoopOnEmulator(t *testing.T) {
	e := newEnv(t, watchStack)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	passes := make(chan reconciler.PassResult, 10)
	loop, err := reconciler.NewLoop(reconciler.LoopConfig{
		Load: e.load,
		Plan: func(d *spec.Desired, o planner.Observed) (*planner.Plan, error) {
			return planner.Up(d, o, planner.Options{})
		},
		Engine: e.eng, Clock: e.fc, Resync: -1, WatchEngine: true, Recorder: m,
		OnPass: func(r reconciler.PassResult) { passes <- r },
	})
	if err != nil {
		t.Fatal(err)
	}
	w, err := reconciler.NewWatcher(reconciler.WatchConfig{Files: []string{e.file}, Clock: e.fc,
		OnChange: func() { loop.Trigger(reconciler.TriggerFile) }, OnEvent: m.RecordFileEvent})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go w.Run(runCtx)
	<-w.Ready()
	loopDone := make(chan error, 1)
	go func() { loopDone <- loop.Run(runCtx) }()

	next := func(want reconciler.Trigger) reconciler.PassResult {
		t.Helper()
		for {
			select {
			case r := <-passes:
				if r.Trigger == want {
					return r
				}
				// our own actions' events may add a no-op engine pass
				if r.Trigger != reconciler.TriggerEngine || r.Result != nil {
					t.Fatalf("unexpected pass %s: %+v", r.Trigger, r)
				}
			case <-ctx.Done():
				t.Fatalf("no %s pass", want)
			}
		}
	}
	// The watcher's debounce is the only timer on the clock (no resync, no
	// waits in this stack): fire it whenever it is armed.
	go func() {
		for e.fc.BlockUntilContext(runCtx, 1) == nil {
			e.fc.Advance(time.Second)
		}
	}()
	save := func(content string) { // write temp then rename: no half-written reads
		t.Helper()
		if err := os.WriteFile(e.file+".tmp", []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(e.file+".tmp", e.file); err != nil {
			t.Fatal(err)
		}
	}
	inspect := func() (string, error) {
		r, err := e.eng.ContainerInspect(ctx, "watch-web-1", client.ContainerInspectOptions{})
		if err != nil {
			return "", err
		}
		return string(r.Container.State.Status), nil
	}

	if r := next(reconciler.TriggerStartup); !r.Converged {
		t.Fatalf("startup: %v", r.Err)
	}
	if st, err := inspect(); err != nil || st != "running" {
		t.Fatalf("web: %q %v", st, err)
	}

	// Drift: removed behind our back, restored by the destroy event's pass.
	if _, err := e.eng.ContainerRemove(ctx, "watch-web-1", client.ContainerRemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	var r reconciler.PassResult
	for r = next(reconciler.TriggerEngine); r.Result == nil; r = next(reconciler.TriggerEngine) {
	}
	if !r.Drift || !r.Converged {
		t.Errorf("self-heal pass: drift %v converged %v err %v", r.Drift, r.Converged, r.Err)
	}
	if st, err := inspect(); err != nil || st != "running" {
		t.Fatalf("web after self-heal: %q %v", st, err)
	}

	// A bad edit: reported, nothing touched.
	save("services: [broken\n")
	r = next(reconciler.TriggerFile)
	if r.FailedPhase != metrics.PhaseLoad || r.Err == nil {
		t.Fatalf("bad edit pass: %+v", r)
	}
	if st, err := inspect(); err != nil || st != "running" {
		t.Fatalf("web after a bad edit: %q %v", st, err)
	}

	// The fix with a changed env var: converges with a replacement. Every pass
	// loads the file, so a pass that an engine event of the self-heal triggered
	// late may be the one that reads the fix first; either way exactly one
	// pass applies it.
	save(watchStack[:len(watchStack)-len("info\n")] + "debug\n")
	for r = (reconciler.PassResult{}); r.Result == nil || !r.SpecChanged; {
		select {
		case r = <-passes:
		case <-ctx.Done():
			t.Fatal("no pass applied the fix")
		}
		if r.Trigger != reconciler.TriggerEngine && r.Trigger != reconciler.TriggerFile {
			t.Fatalf("unexpected pass %s before the fix: %+v", r.Trigger, r)
		}
	}
	if !r.Converged || r.Result.Summary.Changed != 1 || r.Drift {
		t.Fatalf("fix pass (%s): err %v result %+v drift %v", r.Trigger, r.Err, r.Result, r.Drift)
	}

	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "reconciler_drift_detected_total" {
			if v := mf.GetMetric()[0].GetCounter().GetValue(); v != 1 {
				t.Errorf("drift_detected_total = %v, want 1", v)
			}
		}
	}
	if n, _ := testutil.GatherAndCount(reg, "reconciler_file_events_total"); n == 0 {
		t.Error("no file events counted")
	}
	stop()
	if err := <-loopDone; err != nil {
		t.Errorf("loop: %v", err)
	}
	// Stopping leaves the stack running.
	if st, err := inspect(); err != nil || st != "running" {
		t.Errorf("web after stop: %q %v", st, err)
	}
	_, err = e.eng.ContainerInspect(ctx, "nope", client.ContainerInspectOptions{})
	if !errors.Is(err, cerrdefs.ErrNotFound) && !cerrdefs.IsNotFound(err) {
		t.Errorf("emulator error class: %v", err)
	}
}

// TestWatchLoopLeavesCompletedOneShots: in watch mode the die event of a
// finished one-shot triggers a pass; with planner.Options.KeepCompleted that
// pass does nothing (without it, every pass would re-run the migration).
func TestWatchLoopLeavesCompletedOneShots(t *testing.T) {
	e := newEnv(t, `name: oneshot
services:
  migrate:
    image: alpine:3.20
    command: ["sleep", "1"]
  web:
    image: nginx:1.27-alpine
    depends_on:
      migrate:
        condition: service_completed_successfully
`)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	e.driveClock(ctx)
	passes := make(chan reconciler.PassResult, 10)
	loop, err := reconciler.NewLoop(reconciler.LoopConfig{
		Load: e.load,
		Plan: func(d *spec.Desired, o planner.Observed) (*planner.Plan, error) {
			return planner.Up(d, o, planner.Options{KeepCompleted: true})
		},
		Engine: e.eng, Clock: e.fc, Resync: -1, WatchEngine: true,
		OnPass: func(r reconciler.PassResult) { passes <- r },
	})
	if err != nil {
		t.Fatal(err)
	}
	go loop.Run(ctx)
	if r := <-passes; !r.Converged || r.Trigger != reconciler.TriggerStartup {
		t.Fatalf("startup: %v", r.Err)
	}
	select {
	case r := <-passes:
		if r.Trigger != reconciler.TriggerEngine || r.Result != nil {
			t.Fatalf("after the one-shot's die: %s pass acted: %+v", r.Trigger, r.Plan)
		}
	case <-ctx.Done():
		t.Fatal("the one-shot's die event triggered no pass")
	}
}
