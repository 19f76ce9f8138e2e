package metrics

import (
	"time"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// Pass is the record of one reconcile pass, as the loop reports it. It is plain
// data so this package needs nothing from the reconciler.
type Pass struct {
	// Trigger is one of Triggers; Result one of Results.
	Trigger, Result string
	// End is when the pass finished (the loop clock's now).
	End time.Time
	// Phases are the phases that ran, in order, with their durations.
	Phases []PhaseDuration
	// FailedPhase is the phase that failed ("" on success).
	FailedPhase string
	// Error is the failure's text ("" on success), for /readyz.
	Error string
	// LoadAttempted is set when the pass loaded the spec (then FailedPhase ==
	// PhaseLoad means the reload failed).
	LoadAttempted bool
	// Planned is set when a plan was computed; PlanAdd/Change/Destroy are its
	// terraform-style counts.
	Planned                          bool
	PlanAdd, PlanChange, PlanDestroy int
	// Actions are the executed actions' outcomes.
	Actions []ActionOutcome
	// Drift is set when the pass had to act while the desired state had not changed.
	Drift bool
	// Converged is set when, after the pass, the engine matches the desired state.
	Converged bool
	// Desired is the last good desired state and Observed the latest snapshot;
	// both feed the scrape-time per-service and resource metrics. nil keeps the
	// previous value.
	Desired  *spec.Desired
	Observed *planner.Observed
}

// PhaseDuration is the duration of one phase.
type PhaseDuration struct {
	Name     string
	Duration time.Duration
}

// ActionOutcome is one executed action: its action label (e.g. "create_container")
// and result ("done", "failed", "skipped").
type ActionOutcome struct {
	Action, Result string
}
