package main

import (
	"errors"
	"testing"
	"time"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/reconciler/progress"
)

func TestProgressEventAdapter(t *testing.T) {
	create := &planner.Action{ID: 1, Type: planner.CreateContainer, Kind: planner.KindContainer, Resource: "demo-web-1"}
	wait := &planner.Action{ID: 2, Type: planner.WaitHealthy, Kind: planner.KindService, Resource: "db"}
	tests := []struct {
		in   reconciler.Event
		want progress.Event
	}{
		{reconciler.Event{Action: create, Status: reconciler.EventWorking},
			progress.Event{ID: "Container demo-web-1", Text: "Creating", State: progress.Working}},
		{reconciler.Event{Action: create, Status: reconciler.EventDone},
			progress.Event{ID: "Container demo-web-1", Text: "Created", State: progress.Done}},
		{reconciler.Event{Action: create, Status: reconciler.EventError, Err: errors.New("boom")},
			progress.Event{ID: "Container demo-web-1", Text: "Error", State: progress.Error, Detail: "boom"}},
		{reconciler.Event{Action: create, Status: reconciler.EventSkipped},
			progress.Event{ID: "Container demo-web-1", Text: "Skipped", State: progress.Warning}},
		{reconciler.Event{Action: wait, Status: reconciler.EventDone},
			progress.Event{ID: "Service db", Text: "Healthy", State: progress.Done}},
		{reconciler.Event{Action: wait, Status: reconciler.EventProgress, Text: "starting"},
			progress.Event{ID: "Service db", Text: "Waiting", State: progress.Working, Detail: "starting"}},
	}
	for _, tc := range tests {
		if got := progressEvent(tc.in); got != tc.want {
			t.Errorf("progressEvent(%v %v) = %+v, want %+v", tc.in.Action.Type, tc.in.Status, got, tc.want)
		}
	}
}

func TestSummaryOf(t *testing.T) {
	r := &reconciler.Result{Summary: reconciler.Summary{Added: 3, Changed: 1, Destroyed: 2, Failed: 1}, Duration: 1200 * time.Millisecond}
	want := "Apply failed: 3 added, 1 changed, 2 destroyed, 1 failed in 1.2s"
	if got := summaryOf(r).Line(); got != want {
		t.Errorf("summary line = %q, want %q", got, want)
	}
}
