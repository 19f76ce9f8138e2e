package reconciler

import (
	"errors"
	"fmt"
	"time"

	"github.com/reconciler/reconciler/planner"
)

// ActionError is the failure of one plan action. It names the action and the
// resource and wraps the engine's error unchanged, so errors.Is/As and
// cerrdefs.IsConflict, IsNotFound, ... still classify it.
type ActionError struct {
	// ID is the action's ID in the plan.
	ID       int
	Type     planner.ActionType
	Kind     planner.Kind
	Resource string
	Err      error
}

func (e *ActionError) Error() string {
	switch e.Type {
	case planner.WaitHealthy, planner.WaitCompleted, planner.WaitRunning:
		return fmt.Sprintf("wait for %s %s: %v", e.Kind, e.Resource, e.Err)
	}
	return fmt.Sprintf("%s %s %s: %v", ActionVerb(e.Type), e.Kind, e.Resource, e.Err)
}

// Unwrap returns the engine (or wait) error.
func (e *ActionError) Unwrap() error { return e.Err }

// ErrUnsupportedAction is wrapped by an ActionError for an action type the
// executor does not know (or cannot run on this engine, such as BuildImage).
var ErrUnsupportedAction = errors.New("unsupported action")

// Wait failure classes, wrapped by WaitError so callers can tell them apart with errors.Is.
var (
	// ErrUnhealthy: a container's health check reports unhealthy.
	ErrUnhealthy = errors.New("container is unhealthy")
	// ErrExited: a container that should be running (or healthy) exited.
	ErrExited = errors.New("container exited")
	// ErrNotCompleted: a one-shot container exited non-zero.
	ErrNotCompleted = errors.New("service did not complete successfully")
	// ErrNoHealthcheck: a health wait on a container without a health check.
	ErrNoHealthcheck = errors.New("container has no healthcheck configured")
	// ErrWaitTimeout: the wait did not succeed in time.
	ErrWaitTimeout = errors.New("wait timed out")
)

// WaitError is a failed wait action. Its text follows docker compose's
// (`container X is unhealthy`, `container X exited (N)`,
// `service "x" didn't complete successfully: exit N`,
// `application not healthy after 1m0s`); Unwrap returns one of the Err* classes above.
type WaitError struct {
	Class     error
	Service   string
	Container string
	ExitCode  int
	// After is the timeout, for ErrWaitTimeout.
	After time.Duration
	// ForApplication marks an `up --wait` (WaitRunning) timeout.
	ForApplication bool
}

func (e *WaitError) Error() string {
	switch e.Class {
	case ErrUnhealthy:
		return fmt.Sprintf("container %s is unhealthy", e.Container)
	case ErrExited:
		return fmt.Sprintf("container %s exited (%d)", e.Container, e.ExitCode)
	case ErrNotCompleted:
		return fmt.Sprintf("service %q didn't complete successfully: exit %d", e.Service, e.ExitCode)
	case ErrNoHealthcheck:
		return fmt.Sprintf("container %s has no healthcheck configured", e.Container)
	case ErrWaitTimeout:
		if e.ForApplication {
			return fmt.Sprintf("application not healthy after %s", e.After)
		}
		return fmt.Sprintf("timeout waiting for dependencies: service %q not ready after %s", e.Service, e.After)
	}
	return fmt.Sprintf("waiting for service %q: %v", e.Service, e.Class)
}

// Unwrap returns the failure class.
func (e *WaitError) Unwrap() error { return e.Class }

// ActionVerb is a short, stable lower-case verb for an action type ("create",
// "start", "wait healthy", ...), used in error texts and metric labels.
func ActionVerb(t planner.ActionType) string {
	switch t {
	case planner.CreateNetwork, planner.CreateVolume, planner.CreateContainer:
		return "create"
	case planner.RemoveNetwork, planner.RemoveVolume, planner.RemoveImage, planner.RemoveContainer:
		return "remove"
	case planner.ConnectNetwork:
		return "connect"
	case planner.DisconnectNetwork:
		return "disconnect"
	case planner.PullImage:
		return "pull"
	case planner.BuildImage:
		return "build"
	case planner.StartContainer:
		return "start"
	case planner.StopContainer:
		return "stop"
	case planner.RenameContainer:
		return "rename"
	case planner.WaitHealthy:
		return "wait_healthy"
	case planner.WaitCompleted:
		return "wait_completed"
	case planner.WaitRunning:
		return "wait_running"
	}
	return fmt.Sprintf("action(%d)", int(t))
}

// ActionName is ActionVerb joined with the kind ("create_container",
// "wait_healthy"): the `action` label of the apply metrics.
func ActionName(t planner.ActionType, k planner.Kind) string {
	switch t {
	case planner.WaitHealthy, planner.WaitCompleted, planner.WaitRunning:
		return ActionVerb(t)
	case planner.ConnectNetwork, planner.DisconnectNetwork:
		return ActionVerb(t) + "_network"
	}
	return ActionVerb(t) + "_" + string(k)
}
