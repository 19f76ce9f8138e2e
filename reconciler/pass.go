package reconciler

import (
	"context"

	"github.com/reconciler/reconciler/metrics"
	"github.com/reconciler/reconciler/planner"
)

// pass runs one load -> observe -> plan -> apply pass and records it.
func (l *Loop) pass(ctx context.Context, trig Trigger) PassResult {
	clock := l.cfg.Clock
	r := PassResult{Trigger: trig, Start: clock.Now()}
	rec := metrics.Pass{Trigger: string(trig)}
	phaseStart := r.Start
	endPhase := func(name string) {
		now := clock.Now()
		rec.Phases = append(rec.Phases, metrics.PhaseDuration{Name: name, Duration: now.Sub(phaseStart)})
		phaseStart = now
	}
	fail := func(phase string, err error) PassResult {
		r.Err, r.FailedPhase = err, phase
		return l.finish(r, rec)
	}

	// Load.
	rec.LoadAttempted = true
	d, err := l.cfg.Load(ctx)
	endPhase(metrics.PhaseLoad)
	if err != nil {
		return fail(metrics.PhaseLoad, err)
	}
	r.Desired = d
	rec.Desired = d
	l.desired.Store(d)
	if l.cfg.Files != nil {
		l.cfg.Files.SetFiles(d.WatchFiles)
	}
	h := desiredHash(d)
	r.SpecChanged = !l.haveHash || h != l.lastHash
	prevConverged := l.lastConverged && !r.SpecChanged
	l.lastHash, l.haveHash = h, true

	// Observe, plan and apply under the state lock.
	if l.cfg.Lock != nil {
		unlock, err := l.cfg.Lock(ctx)
		if err != nil {
			endPhase(metrics.PhaseObserve)
			return fail(metrics.PhaseObserve, err)
		}
		defer unlock()
	}
	obs, err := Observe(ctx, l.cfg.Engine, d)
	endPhase(metrics.PhaseObserve)
	if err != nil {
		return fail(metrics.PhaseObserve, err)
	}
	rec.Observed = &obs

	// Plan.
	plan, err := l.cfg.Plan(d, obs)
	endPhase(metrics.PhasePlan)
	if err != nil {
		return fail(metrics.PhasePlan, err)
	}
	r.Plan = plan
	planned := summarize(plan, allDone(plan))
	rec.Planned = true
	rec.PlanAdd, rec.PlanChange, rec.PlanDestroy = planned.Added, planned.Changed, planned.Destroyed
	acting := actingActions(plan)
	r.Drift = acting > 0 && prevConverged
	rec.Drift = r.Drift

	// Apply.
	if len(plan.Actions) > 0 {
		res, err := Execute(ctx, l.cfg.Engine, plan, l.cfg.Exec)
		endPhase(metrics.PhaseApply)
		r.Result = res
		for _, ar := range res.Actions {
			rec.Actions = append(rec.Actions, metrics.ActionOutcome{Action: ActionName(ar.Action.Type, ar.Action.Kind), Result: ar.Status.String()})
		}
		if err != nil {
			return fail(metrics.PhaseApply, err)
		}
		if acting > 0 {
			// A fresh snapshot for the scrape-time service metrics.
			if after, err := Observe(ctx, l.cfg.Engine, d); err == nil {
				rec.Observed = &after
			}
		}
	}
	r.Converged = true
	return l.finish(r, rec)
}

func (l *Loop) finish(r PassResult, rec metrics.Pass) PassResult {
	now := l.cfg.Clock.Now()
	r.Duration = now.Sub(r.Start)
	l.lastConverged = r.Err == nil && r.Converged
	if r.Err != nil {
		rec.Result = metrics.ResultError
		rec.FailedPhase = r.FailedPhase
		rec.Error = r.Err.Error()
	} else {
		rec.Result = metrics.ResultSuccess
		rec.Converged = r.Converged
	}
	rec.End = now
	if l.cfg.Recorder != nil {
		l.cfg.Recorder.RecordPass(rec)
	}
	return r
}

// actingActions counts the actions that change something: not waits, and not
// the refresh pulls/builds that pull_policy always/build plans on every pass
// (a new image shows up as a recreate in the next plan).
func actingActions(p *planner.Plan) int {
	n := 0
	for _, a := range p.Actions {
		switch {
		case isWait(a.Type):
		case (a.Type == planner.PullImage || a.Type == planner.BuildImage) && a.Refresh:
		default:
			n++
		}
	}
	return n
}

func allDone(p *planner.Plan) []ActionResult {
	rs := make([]ActionResult, len(p.Actions))
	for i := range rs {
		rs[i].Status = StatusDone
	}
	return rs
}
