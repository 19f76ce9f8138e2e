package reconciler

import (
	"time"

	"github.com/reconciler/reconciler/planner"
)

// EventStatus is the state an Event reports, in docker compose's vocabulary.
type EventStatus int

// Event statuses.
const (
	// EventWorking: the action started (Creating, Starting, Waiting, Pulling...).
	EventWorking EventStatus = iota
	// EventProgress: an update while working (pull progress); Text carries it.
	EventProgress
	// EventDone: the action finished successfully.
	EventDone
	// EventWarning: a non-required wait failed; the run goes on.
	EventWarning
	// EventError: the action failed; Err is set.
	EventError
	// EventSkipped: the action was not run (dependency failed or cancelled).
	EventSkipped
)

func (s EventStatus) String() string {
	switch s {
	case EventWorking:
		return "working"
	case EventProgress:
		return "progress"
	case EventDone:
		return "done"
	case EventWarning:
		return "warning"
	case EventError:
		return "error"
	case EventSkipped:
		return "skipped"
	}
	return "unknown"
}

// Event is one progress report of Execute, for the CLI's progress output.
type Event struct {
	// Time is the executor clock's now.
	Time   time.Time
	Action *planner.Action
	Status EventStatus
	// Text is a human detail (pull progress, the warning text); may be empty.
	Text string
	Err  error
	// Elapsed is the time since the action started (0 for EventWorking).
	Elapsed time.Duration
}

// Verb is compose's present/past status word for the event
// ("Creating"/"Created", "Starting"/"Started", "Waiting"/"Healthy", ...).
func (e Event) Verb() string {
	if e.Action == nil {
		return ""
	}
	working := e.Status == EventWorking || e.Status == EventProgress
	pair := func(a, b string) string {
		if working {
			return a
		}
		return b
	}
	switch e.Status {
	case EventError:
		return "Error"
	case EventSkipped:
		return "Skipped"
	case EventWarning:
		return "Warning"
	}
	switch e.Action.Type {
	case planner.CreateNetwork, planner.CreateVolume, planner.CreateContainer:
		return pair("Creating", "Created")
	case planner.RemoveNetwork, planner.RemoveVolume, planner.RemoveImage, planner.RemoveContainer:
		return pair("Removing", "Removed")
	case planner.ConnectNetwork:
		return pair("Connecting", "Connected")
	case planner.DisconnectNetwork:
		return pair("Disconnecting", "Disconnected")
	case planner.PullImage:
		return pair("Pulling", "Pulled")
	case planner.BuildImage:
		return pair("Building", "Built")
	case planner.StartContainer:
		return pair("Starting", "Started")
	case planner.StopContainer:
		return pair("Stopping", "Stopped")
	case planner.RenameContainer:
		return pair("Renaming", "Renamed")
	case planner.WaitHealthy:
		return pair("Waiting", "Healthy")
	case planner.WaitCompleted:
		return pair("Waiting", "Exited")
	case planner.WaitRunning:
		return pair("Waiting", "Running")
	}
	return ""
}
