package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/metrics"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/reconciler/progress"
	"github.com/reconciler/reconciler/spec"
)

// metricsOff disables the metrics server: --metrics-addr none.
const metricsOff = "none"

// runWatch is `up --watch`: the reconciler loop, fed by the file watcher, the
// engine's events and a resync timer, exporting metrics. Ctrl-C stops between
// actions and leaves the stack running (or tears it down with --down-on-exit).
func (a *app) runWatch(cmd *cobra.Command, o upOptions, services []string) error {
	gcForLongRunning()
	ctx := cmd.Context()
	po, err := o.plannerOptions(services)
	if err != nil {
		return err
	}
	if o.dryRun {
		return usageErrorf("--watch and --dry-run are incompatible")
	}
	// A one-shot that exited 0 stays done: restarting it every pass (as a single
	// compose up does) would never converge.
	po.KeepCompleted = true
	// The first load names the files to watch; a bad file at start is an error.
	d, err := a.loadDesired(ctx)
	if err != nil {
		return err
	}
	c, err := a.openEngine(ctx)
	if err != nil {
		return err
	}
	defer c.Close()

	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	if addr := firstNonEmpty(o.metricsAddr, metrics.DefaultAddr); addr != metricsOff {
		srv, err := metrics.Listen(addr, metrics.Handler(reg, m))
		if err != nil {
			return fmt.Errorf("--metrics-addr %s: %w", addr, err)
		}
		defer srv.Shutdown(context.Background())
		fmt.Fprintf(a.stderr, "Serving metrics on http://%s/metrics\n", srv.Addr())
	}

	pw := a.newWatchProgress()
	var last lastDesired
	last.set(d)
	var loop *reconciler.Loop
	w, err := reconciler.NewWatcher(reconciler.WatchConfig{
		Files:    d.WatchFiles,
		Poll:     o.poll,
		OnChange: func() { loop.Trigger(reconciler.TriggerFile) },
		OnEvent:  m.RecordFileEvent,
		OnError:  func(err error) { fmt.Fprintln(a.stderr, "warning: file watcher: "+err.Error()) },
	})
	if err != nil {
		return err
	}
	resync := o.resync
	if resync == 0 {
		resync = -1 // --resync 0 disables; the loop reads 0 as its default
	}
	loop, err = reconciler.NewLoop(reconciler.LoopConfig{
		Load:   a.loadDesired,
		Plan:   func(d *spec.Desired, obs planner.Observed) (*planner.Plan, error) { return planner.Up(d, obs, po) },
		Engine: c.Engine, // the engine itself, so optional capabilities (ImageBuild) stay visible
		Exec: reconciler.ExecOptions{
			Parallel: o.parallel, WaitTimeout: o.waitTimeout,
			OnEvent: func(e reconciler.Event) { pw.Event(progressEvent(e)) },
		},
		// Each pass holds the state lock up and down take, so a pass never
		// interleaves with another process's up or down on the same state.
		Lock:        func(context.Context) (func(), error) { return c.lock() },
		Resync:      resync,
		WatchEngine: true,
		Recorder:    m,
		Files:       w,
		OnPass: func(p reconciler.PassResult) {
			last.set(p.Desired)
			a.reportPass(pw, p)
		},
	})
	if err != nil {
		return err
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go func() {
		if err := w.Run(watchCtx); err != nil {
			fmt.Fprintln(a.stderr, "error: file watcher: "+err.Error())
		}
	}()
	fmt.Fprintf(a.stderr, "Watching %d files of project %s (Ctrl-C to stop)\n", len(d.WatchFiles), d.Project)
	err = loop.Run(ctx)
	stopWatch()
	if err != nil {
		return err
	}
	if o.downOnExit {
		return a.downOnExit(c, last.get())
	}
	fmt.Fprintln(a.stderr, "Stopped watching; the stack keeps running.")
	return nil
}

// newWatchProgress is the progress writer of watch mode: passes come and go, so
// tty redraws give way to plain lines.
func (a *app) newWatchProgress() progress.Writer {
	mode := a.g.progressMode
	if mode != progress.Quiet && mode != progress.JSON {
		mode = progress.Plain
	}
	return progress.New(a.stderr, progress.Options{Mode: mode, Color: progress.ColorEnabled()})
}

// reportPass prints one pass's outcome: errors always, applied changes with their
// summary, no-op passes only with --debug.
func (a *app) reportPass(pw progress.Writer, p reconciler.PassResult) {
	switch {
	case p.Err != nil:
		for _, l := range errorLines(p.Err) {
			fmt.Fprintln(a.stderr, "error: "+l)
		}
		if p.Desired == nil {
			fmt.Fprintln(a.stderr, "Keeping the last good state; fix the file to converge.")
		} else if p.NextRetry > 0 {
			fmt.Fprintf(a.stderr, "Retrying in %s.\n", p.NextRetry)
		}
	case p.Result != nil:
		s := summaryOf(p.Result)
		s.Elapsed = p.Duration
		pw.Summary(s)
	default:
		a.debugf("pass (%s): no changes in %s", p.Trigger, p.Duration.Round(time.Millisecond))
	}
}

// downOnExit tears the project down after the loop stopped (--down-on-exit).
func (a *app) downOnExit(c *engineConn, d *spec.Desired) error {
	if d == nil {
		return fmt.Errorf("--down-on-exit: no project was loaded")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	obs, err := reconciler.Observe(ctx, c, d)
	if err != nil {
		return err
	}
	plan, err := planner.Down(d, obs, planner.DownOptions{})
	if err != nil {
		return err
	}
	_, err = a.applyPlan(ctx, c.Engine, plan, reconciler.ExecOptions{})
	return err
}

// lastDesired is the last successfully loaded desired state.
type lastDesired struct {
	mu sync.Mutex
	d  *spec.Desired
}

func (l *lastDesired) set(d *spec.Desired) {
	if d == nil {
		return
	}
	l.mu.Lock()
	l.d = d
	l.mu.Unlock()
}

func (l *lastDesired) get() *spec.Desired {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.d
}
