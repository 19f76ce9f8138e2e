package progress

import (
	"fmt"
	"time"
)

// State is where a resource's current step stands.
type State int

// States. Working resources show a spinner in tty mode; the others are final for the
// step they describe (a later event for the same ID starts a new step).
const (
	Working State = iota
	Done
	Warning
	Error
)

// String returns the lowercase name used in json output.
func (s State) String() string {
	switch s {
	case Working:
		return "working"
	case Done:
		return "done"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Event is one status change of one resource.
//
// ID identifies the line: events with the same ID update the same line in tty mode.
// Compose spells it "<Kind> <name>", e.g. "Container demo-web-1", "Network demo_default".
type Event struct {
	ID string
	// Text is the status verb: Creating/Created, Starting/Started, Waiting/Healthy,
	// Stopping/Stopped, Removing/Removed, Pulling/Pulled, Skipped, Error.
	Text  string
	State State
	// Detail is optional extra text (an error message, a reason).
	Detail string
}

// Summary is what one apply did, for the closing line.
type Summary struct {
	Added, Changed, Destroyed int
	// Failed counts failed actions; when non-zero the line reads "Apply failed".
	Failed int
	// Elapsed is the apply's duration; zero means the writer's own measure
	// (time since New).
	Elapsed time.Duration
	// NoChanges prints "No changes." instead of the counts.
	NoChanges bool
}

// Line returns the summary line without a newline, e.g.
// "Apply complete: 3 added, 1 changed, 0 destroyed in 1.2s".
func (s Summary) Line() string {
	if s.NoChanges {
		return "No changes. The engine matches the configuration."
	}
	verb := "Apply complete"
	if s.Failed > 0 {
		verb = "Apply failed"
	}
	line := fmt.Sprintf("%s: %d added, %d changed, %d destroyed", verb, s.Added, s.Changed, s.Destroyed)
	if s.Failed > 0 {
		line += fmt.Sprintf(", %d failed", s.Failed)
	}
	return line + " in " + FormatDuration(s.Elapsed)
}

// FormatDuration prints d as compose prints elapsed times: seconds with one decimal
// ("0.3s", "12.0s"), minutes past a minute ("2m3s").
func FormatDuration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Truncate(time.Second).String()
}
