// Package progress renders apply progress to a terminal or a log, the way docker
// compose does: one status per resource, driven by the executor's events.
//
// It owns the five output modes (auto, tty, plain, json, quiet, with COMPOSE_PROGRESS
// and NO_COLOR honoured), the tty block that redraws one line per resource with its
// status and elapsed time, and the closing summary line in Terraform's spirit:
//
//	Apply complete: 3 added, 1 changed, 0 destroyed in 1.2s
//
// Output always goes to the writer given (the CLI passes stderr), so stdout stays
// parseable. Time comes from an injected clockwork.Clock; tests use a fake clock.
//
// Usage:
//
//	mode, err := progress.ParseMode(flagValue) // "" means COMPOSE_PROGRESS, then auto
//	w := progress.New(os.Stderr, progress.Options{Mode: mode, Clock: clockwork.NewRealClock()})
//	stop := w.Start(ctx) // tty: redraw ticker; other modes: no-op
//	w.Event(progress.Event{ID: "Container demo-web-1", Text: "Creating", State: progress.Working})
//	w.Event(progress.Event{ID: "Container demo-web-1", Text: "Created", State: progress.Done})
//	stop()
//	w.Summary(progress.Summary{Added: 1})
package progress
