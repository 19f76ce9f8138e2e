package main

import (
	"context"
	"os"
	"strings"

	"github.com/jonboulle/clockwork"
	"github.com/mattn/go-isatty"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/reconciler/progress"
)

// newProgress returns the progress writer for --progress, writing to stderr.
func (a *app) newProgress(dryRun bool) progress.Writer {
	term := false
	if f, ok := a.stderr.(*os.File); ok {
		term = isatty.IsTerminal(f.Fd())
	}
	return progress.New(a.stderr, progress.Options{
		Mode:   a.g.progressMode.Resolve(term),
		Clock:  clockwork.NewRealClock(),
		Color:  progress.ColorEnabled(),
		DryRun: dryRun,
	})
}

// progressEvent adapts an executor event to the renderer's vocabulary:
// ID "<Kind> <resource>" as compose prints it, the verb, the state.
func progressEvent(e reconciler.Event) progress.Event {
	ev := progress.Event{Text: e.Verb(), Detail: e.Text}
	if a := e.Action; a != nil {
		ev.ID = kindTitle(a.Kind) + " " + a.Resource
	}
	switch e.Status {
	case reconciler.EventWorking, reconciler.EventProgress:
		ev.State = progress.Working
	case reconciler.EventDone:
		ev.State = progress.Done
	case reconciler.EventWarning, reconciler.EventSkipped:
		ev.State = progress.Warning
	case reconciler.EventError:
		ev.State = progress.Error
		if e.Err != nil {
			ev.Detail = e.Err.Error()
		}
	}
	return ev
}

func kindTitle(k planner.Kind) string {
	s := string(k)
	if s == "" {
		return "Resource"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// summaryOf turns the executor's counts into the closing line's.
func summaryOf(r *reconciler.Result) progress.Summary {
	return progress.Summary{
		Added: r.Summary.Added, Changed: r.Summary.Changed, Destroyed: r.Summary.Destroyed,
		Failed: r.Summary.Failed, Elapsed: r.Duration,
	}
}

// applyPlan executes plan with progress on stderr and prints the summary line.
func (a *app) applyPlan(ctx context.Context, eng reconciler.ExecEngine, plan *planner.Plan, opts reconciler.ExecOptions) (*reconciler.Result, error) {
	pw := a.newProgress(false)
	if len(plan.Actions) == 0 {
		pw.Summary(progress.Summary{NoChanges: true})
		return &reconciler.Result{}, nil
	}
	opts.OnEvent = func(e reconciler.Event) { pw.Event(progressEvent(e)) }
	stop := pw.Start(ctx)
	res, err := reconciler.Execute(ctx, eng, plan, opts)
	stop()
	switch {
	case res == nil:
	case plan.IsEmpty() && err == nil:
		pw.Summary(progress.Summary{NoChanges: true}) // only waits ran
	default:
		pw.Summary(summaryOf(res))
	}
	return res, err
}
