// Package process evaluates a container's simulated process over time. A
// process is a description, not a goroutine: Evaluate(spec, history, now)
// returns the state at now and every transition passed on the way, each stamped
// with the time it happened, so the state is a function of (spec, history, now)
// and every CLI invocation that evaluates it agrees.
//
// It owns the rules: a command that ends exits at start + its simulated
// duration with its exit code; a server runs until signalled and is ready at
// start + its start-up delay; stop sends the stop signal and kills (137) after
// the timeout; kill with a signal exits 128+n unless the program handles it
// (servers exit 0 on their graceful signals; PID 1 without init ignores
// catchable signals, init forwards them); pause stops the process acting while
// its timers run on (what falls due in a pause happens at the unpause);
// restart policies no/always/unless-stopped/on-failure[:max] with dockerd's
// backoff (100 ms doubling to 1 min, reset after a 10 s run); a manual stop or
// kill disables restarts until the next start; health checks (starting, probes
// every start_interval inside start_period then every interval, healthy after a
// success, unhealthy after `retries` consecutive counted failures, the last 5
// results, unhealthy once the process stops).
//
// Events: every dockerd container event that follows from an action or from
// time (start, kill with the stop signal and later 9, die with exitCode, stop,
// restart, pause, unpause, health_status) is a Transition, stamped with its
// time; the engine emits those (Status.Since) rather than emitting its own for
// recorded actions. Status.Next says when the state will next change by itself,
// so a ContainerWait or an event stream can sleep on the engine clock until then.
//
// Invariants: Evaluate is pure and deterministic; it never reads a clock.
// Transitions are prefix-stable as long as the history only grows by actions at
// or after the previous now (internal events at time t are processed before
// actions at t). The cost is O(actions + restarts + health status changes):
// steady health probes are counted, not simulated.
//
// Simplifications (documented deviations): probes are not run while paused;
// a probe's outcome depends only on whether the server is ready at its start
// (its filesystem effects are applied once, by ProbeOutcomes); a stop signal
// delivered to a paused container unpauses it; Evaluate's automatic restart
// reuses the first run's shell.Result. The engine (emulator) re-runs shell.Run
// at every start, automatic restarts included, and keeps each run's lines in
// its Run (Kept, Lines, Wakes), which Logs prints; Run.Pauses and
// Run.WallTime map the command's own time to wall time around pauses.
//
// Pause, as measured on dockerd 20.10: `sh -c 'echo a; sleep 5; echo b'`
// paused from 1 s to 4 s prints b and exits at 5 s; paused from 1 s to 7 s,
// at 7 s. Each wait (shell.Result.Wakes) starts when the command last acted,
// so Run.WallTime maps its own time to wall time. Health probes and CPU time
// use the other frame, which stands still while paused (Run.ActiveWall,
// Run.Active); a probe's readiness is judged on that frame, so after a pause
// during a server's start-up a probe can see it not ready a little longer
// than its logs say (a documented simplification).
//
// Usage sketch (the engine; see Example):
//
//	// at start (a *shell.NotFoundError fails the start with dockerd's message):
//	spec, err := process.NewSpec(process.Config{Argv: append(cfg.Entrypoint, cfg.Cmd...),
//		Context: shell.Context{Env: cfg.Env, Dir: cfg.WorkingDir, User: cfg.User,
//			Hostname: cfg.Hostname, FS: fs, Resolver: net, Image: repo, Tty: cfg.Tty},
//		Init: hc.Init != nil && *hc.Init, StopSignal: cfg.StopSignal,
//		Restart: process.RestartPolicy{Name: string(rp.Name), MaxRetries: rp.MaximumRetryCount},
//		Healthcheck: effectiveHealthcheck})
//	actions = append(actions, process.Action{Kind: process.Start, At: now})
//	// whenever observed:
//	st := process.Evaluate(spec, actions, clock.Now())
//	for _, t := range st.Since(emitted) { emitEvent(t.At, t.Event(), t.ExitCode, t.Signal) }
//	state.Health = st.Health.Docker()
//	logs := process.Logs(&spec.Command, st.Runs, clock.Now())
package process
