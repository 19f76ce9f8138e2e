package reconciler

import (
	"strconv"
	"strings"
	"time"

	"github.com/reconciler/reconciler/planner"
)

// Status is the outcome of one action.
type Status int

// Action statuses. Values are stable.
const (
	// StatusPending: not started (only seen in events before a run finishes).
	StatusPending Status = iota
	// StatusDone: the engine call (or wait) succeeded. A non-required wait that
	// failed is also Done, with ActionResult.Warning set.
	StatusDone
	// StatusFailed: the engine call or wait failed; ActionResult.Err says why.
	StatusFailed
	// StatusSkipped: not run because a dependency failed or was skipped, or
	// because the context was cancelled first.
	StatusSkipped
)

func (s Status) String() string {
	switch s {
	case StatusPending:
		return "pending"
	case StatusDone:
		return "done"
	case StatusFailed:
		return "failed"
	case StatusSkipped:
		return "skipped"
	}
	return "unknown"
}

// ActionResult is what happened to one action.
type ActionResult struct {
	Action *planner.Action
	Status Status
	// Err is the *ActionError of a failed action; for a skipped one, the reason
	// (a *SkippedError or the context's error).
	Err error
	// Warning is set when a non-required wait failed (Status is then Done).
	Warning  string
	Started  time.Time
	Duration time.Duration
}

// SkippedError says why an action was skipped: the dependency that did not succeed.
type SkippedError struct {
	ID, Dependency int
}

func (e *SkippedError) Error() string {
	return "skipped: dependency " + strconv.Itoa(e.Dependency) + " did not succeed"
}

// Summary counts changes in terraform's terms, once per logical change (the
// actions sharing a planner Group): a group that creates (or pulls/builds a new
// image) is added, one that removes is destroyed, one that does both (a
// recreate) or only starts, stops, renames, connects, disconnects or refreshes
// an image is changed. Waits are not counted. Only actions that succeeded count.
type Summary struct {
	Added, Changed, Destroyed int
	Failed, Skipped           int
}

// Result is the outcome of Execute. It is complete even when actions failed.
//
// Invariants: Actions[i] is the result of plan.Actions[i] (ID i+1).
type Result struct {
	Actions  []ActionResult
	Summary  Summary
	Warnings []string
	Duration time.Duration
}

// EngineCalls is how many engine calls the run made: one per action that ran
// (done or failed), waits excluded, since each non-wait action is exactly one call.
func (r *Result) EngineCalls() int {
	n := 0
	for _, a := range r.Actions {
		if a.Action.Type.IsWait() || (a.Status != StatusDone && a.Status != StatusFailed) {
			continue
		}
		n++
	}
	return n
}

// summarize computes the Summary by logical change: actions sharing a Group
// count once.
func summarize(plan *planner.Plan, results []ActionResult) Summary {
	var s Summary
	type group struct{ create, remove, other, recreate bool }
	groups := map[string]*group{}
	var order []string
	for i := range plan.Actions {
		a := &plan.Actions[i]
		r := results[i]
		switch r.Status {
		case StatusFailed:
			s.Failed++
		case StatusSkipped:
			s.Skipped++
		}
		if r.Status != StatusDone {
			continue
		}
		key := a.Group
		if key == "" {
			key = "#" + strconv.Itoa(a.ID)
		}
		g := groups[key]
		if g == nil {
			g = &group{recreate: strings.HasPrefix(a.Group, "recreate:")}
			groups[key] = g
			order = append(order, key)
		}
		switch a.Type {
		case planner.CreateContainer, planner.CreateNetwork, planner.CreateVolume:
			g.create = true
		case planner.RemoveContainer, planner.RemoveNetwork, planner.RemoveVolume, planner.RemoveImage:
			g.remove = true
		case planner.PullImage, planner.BuildImage:
			if a.Refresh {
				g.other = true
			} else {
				g.create = true
			}
		case planner.StartContainer, planner.StopContainer, planner.RenameContainer,
			planner.ConnectNetwork, planner.DisconnectNetwork:
			g.other = true
		}
	}
	for _, k := range order {
		g := groups[k]
		switch {
		case g.recreate || (g.create && g.remove):
			s.Changed++
		case g.create:
			s.Added++
		case g.remove:
			s.Destroyed++
		case g.other:
			s.Changed++
		}
	}
	return s
}
