package planner

import (
	"errors"
	"fmt"
)

// Sentinel causes of planning errors; match with errors.Is on an *Error (or on the
// joined error Plan returns).
var (
	// ErrExternalNotFound: an external network or volume does not exist.
	ErrExternalNotFound = errors.New("declared as external, but could not be found")
	// ErrVolumeDiverged: a volume exists with another config and recreation was not confirmed.
	ErrVolumeDiverged = errors.New("exists but does not match the configuration; re-creating it loses its data (confirm volume recreation to proceed)")
	// ErrImageMissing: an image is not present locally and its pull policy is never.
	ErrImageMissing = errors.New("not present locally and pull policy is never")
	// ErrUnknownService: a targeted service is not in the project.
	ErrUnknownService = errors.New("no such service in the project")
	// ErrDependencyCycle: depends_on forms a cycle.
	ErrDependencyCycle = errors.New("dependency cycle")
	// ErrInvalidOption: an option has a value the planner does not know.
	ErrInvalidOption = errors.New("invalid option")
	// ErrInvalidInput: the desired or observed state breaks its documented invariants.
	ErrInvalidInput = errors.New("invalid input")
)

// Error is one planning error, naming the resource and what was being planned.
// Plan and Down report every problem at once: several *Error joined with errors.Join.
type Error struct {
	Kind Kind
	// Name is the resource's engine name (or the service, or the option).
	Name string
	// Op is what the planner was deciding: "create", "recreate", "pull", "select"...
	Op string
	// Detail adds context to Err (e.g. the cycle); may be "".
	Detail string
	Err    error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("plan: %s %s %q: %v", e.Op, e.Kind, e.Name, e.Err)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns the sentinel cause.
func (e *Error) Unwrap() error { return e.Err }
