// Package reconciler drives one compose project towards its desired state.
//
// It owns:
//
//   - Engine, the subset of moby's client.APIClient it calls (same signatures,
//     so *client.Client and *emulator.Engine both satisfy it), split into an
//     Observer (lists, inspect, events) and an Executor (one write call per
//     plan action); BuildImage uses the optional ImageBuilder.
//   - Observe / ObserveProject: one planner.Observed snapshot from list calls
//     only (containers, networks, volumes by project label; desired networks and
//     volumes without it by name; local images).
//   - Execute: walks a planner.Plan DAG with at most ExecOptions.Parallel engine
//     calls in flight (waits run beside them); a failed action skips only its
//     dependents; errors are aggregated (go-multierror) as *ActionError values
//     that keep the engine's error class; ContainerStart of containers that
//     publish host ports is serialised; waits poll ContainerInspect on an
//     injected clock with docker compose's error texts.
//   - Loop: level-triggered passes (load, observe, plan, apply). File changes,
//     resync ticks and engine events only mark the project dirty; at most one
//     pass runs and one waits; failures back off exponentially; a bad spec leaves
//     the running stack alone; acting on an unchanged spec counts as drift.
//   - Watcher: fsnotify on the parent directories of the spec's files, filtered
//     by name, debounced on the injected clock, content-hashed; or polling.
//
// One pass by hand:
//
//	desired, err := spec.Load(ctx, spec.Options{Files: []string{"stack.yml"}})
//	if err != nil {
//		return err
//	}
//	observed, err := reconciler.Observe(ctx, eng, desired)
//	if err != nil {
//		return err
//	}
//	plan, err := planner.Up(desired, observed, planner.Options{})
//	if err != nil {
//		return err
//	}
//	res, err := reconciler.Execute(ctx, eng, plan, reconciler.ExecOptions{
//		OnEvent: func(e reconciler.Event) { fmt.Println(e.Verb(), e.Action.Resource) },
//	})
//	// res is complete even when err != nil: res.Actions[i].Status says what ran,
//	// failed or was skipped; err holds one *ActionError per failed action.
//
// Watch mode:
//
//	var loop *reconciler.Loop
//	w, _ := reconciler.NewWatcher(reconciler.WatchConfig{
//		Files:    desired.WatchFiles,
//		OnChange: func() { loop.Trigger(reconciler.TriggerFile) },
//		OnEvent:  m.RecordFileEvent, // m := metrics.New(reg)
//	})
//	loop, _ = reconciler.NewLoop(reconciler.LoopConfig{
//		Load:   func(ctx context.Context) (*spec.Desired, error) { return spec.Load(ctx, opts) },
//		Plan:   func(d *spec.Desired, o planner.Observed) (*planner.Plan, error) { return planner.Up(d, o, planner.Options{}) },
//		Engine: eng, WatchEngine: true, Recorder: m, Files: w,
//	})
//	go w.Run(ctx)
//	err := loop.Run(ctx) // until ctx is cancelled; the stack keeps running
package reconciler
