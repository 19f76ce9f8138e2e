package reconciler

import (
	"testing"

	"github.com/reconciler/reconciler/planner"
)

func TestResultEngineCalls(t *testing.T) {
	act := func(typ planner.ActionType) *planner.Action { return &planner.Action{Type: typ} }
	res := &Result{Actions: []ActionResult{
		{Action: act(planner.CreateNetwork), Status: StatusDone},
		{Action: act(planner.CreateContainer), Status: StatusFailed}, // the call was made
		{Action: act(planner.StartContainer), Status: StatusSkipped}, // never called
		{Action: act(planner.WaitHealthy), Status: StatusDone},       // a wait, not a call
		{Action: act(planner.BuildImage), Status: StatusDone},
		{Action: act(planner.RemoveContainer), Status: StatusPending}, // not run
	}}
	if got := res.EngineCalls(); got != 3 {
		t.Errorf("EngineCalls = %d, want 3 (network create, failed container create, build)", got)
	}
	if got := (&Result{}).EngineCalls(); got != 0 {
		t.Errorf("empty result: EngineCalls = %d, want 0", got)
	}
}
