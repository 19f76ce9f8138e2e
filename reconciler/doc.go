// Package reconciler drives one compose project towards its desired state.
//
// It owns the Engine interface (a subset of moby's client.APIClient, split into
// an Observer and an Executor), Observe (one snapshot of the engine from list
// calls only), Execute (walks a planner.Plan DAG, one engine call or one wait per
// action, bounded parallelism, failures isolated to their dependents and
// aggregated), the Loop (level-triggered passes: load, observe, plan, apply, with
// debounce, backoff, resync and drift detection) and the file Watcher that feeds it.
//
// One pass, by hand:
//
//	desired, err := spec.Load(ctx, spec.Options{Files: []string{"stack.yml"}})
//	if err != nil {
//		return err
//	}
//	observed, err := reconciler.Observe(ctx, eng, desired)
//	if err != nil {
//		return err
//	}
//	plan, err := planner.Plan(desired, observed, planner.Options{})
//	if err != nil {
//		return err
//	}
//	res, err := reconciler.Execute(ctx, eng, plan, reconciler.ExecOptions{
//		OnEvent: func(e reconciler.Event) { fmt.Println(e.Action.Resource, e.Verb()) },
//	})
//	// res is complete even when err != nil: res.Actions[i].Status says what ran,
//	// failed or was skipped; err aggregates one *ActionError per failure.
//
// Watch mode wires a Loop to a Watcher and the engine's events:
//
//	loop := reconciler.NewLoop(reconciler.LoopConfig{Load: load, Engine: eng, Plan: plan})
//	w, _ := reconciler.NewWatcher(reconciler.WatchConfig{OnChange: func() { loop.Trigger(reconciler.TriggerFile) }})
//	go w.Run(ctx)
//	err := loop.Run(ctx) // until ctx is cancelled; leaves everything running
package reconciler
