package emulator

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"

	"github.com/reconciler/reconciler/emulator/registry"
)

// Fault injection. Rules live in the store (table faults), so every process that
// opens the same file obeys them: a test harness or `reconciler engine fault add`
// in one process makes calls fail in another. Rules are checked at the top of the
// engine methods listed with the Op* constants; a method with no rule pays one
// small read of the faults table.

// FaultKind is what a rule does.
type FaultKind string

const (
	// FaultFail makes matching calls fail with Error (class and message).
	FaultFail FaultKind = "fail"
	// FaultLatency delays matching calls by Latency on the engine clock (a fake
	// clock must be advanced; nothing sleeps in real time).
	FaultLatency FaultKind = "latency"
	// FaultCrash makes the running container Match.Name die with ExitCode, now
	// (After 0) or After from when the rule is added; its restart policy then
	// applies as for any exit. The rule is removed once applied.
	FaultCrash FaultKind = "crash"
	// FaultUnhealthy makes the health check of container Match.Name fail: its
	// status turns unhealthy at once (a failing probe in its log, FailingStreak
	// at the retries, a health_status event) and is turned unhealthy again by
	// every hooked call (ContainerInspect, ContainerList, ...) while the rule
	// exists, so a passing probe or a restart in between shows only until the
	// next call (its health_status events included).
	FaultUnhealthy FaultKind = "unhealthy"
	// FaultDenyPull makes pulls of Match.Image fail as the registry does: a
	// repository without a tag ("user/app") with "pull access denied ...", a
	// tagged or digested reference ("nginx:9.99") with "manifest unknown".
	// Builds whose FROM needs the pull fail the same way.
	FaultDenyPull FaultKind = "deny-pull"
)

// ErrorClass names the containerd errdefs class (and so the HTTP status dockerd
// would answer with) of an injected error.
type ErrorClass string

// Error classes of FaultFail rules.
const (
	ClassNotFound       ErrorClass = "not-found"       // 404, cerrdefs.IsNotFound
	ClassConflict       ErrorClass = "conflict"        // 409, cerrdefs.IsConflict
	ClassInvalid        ErrorClass = "invalid"         // 400, cerrdefs.IsInvalidArgument
	ClassForbidden      ErrorClass = "forbidden"       // 403, cerrdefs.IsPermissionDenied
	ClassUnauthorized   ErrorClass = "unauthorized"    // 401, cerrdefs.IsUnauthorized (ErrUnauthenticated)
	ClassUnavailable    ErrorClass = "unavailable"     // 503, cerrdefs.IsUnavailable
	ClassInternal       ErrorClass = "internal"        // 500, cerrdefs.IsInternal
	ClassNotImplemented ErrorClass = "not-implemented" // 501, cerrdefs.IsNotImplemented
)

var classErrs = map[ErrorClass]error{
	ClassNotFound: cerrdefs.ErrNotFound, ClassConflict: cerrdefs.ErrConflict,
	ClassInvalid: cerrdefs.ErrInvalidArgument, ClassForbidden: cerrdefs.ErrPermissionDenied,
	ClassUnauthorized: cerrdefs.ErrUnauthenticated, ClassUnavailable: cerrdefs.ErrUnavailable,
	ClassInternal: cerrdefs.ErrInternal, ClassNotImplemented: cerrdefs.ErrNotImplemented,
}

// ErrorClasses lists the classes AddFault accepts, for help texts.
func ErrorClasses() []ErrorClass {
	return []ErrorClass{ClassNotFound, ClassConflict, ClassInvalid, ClassForbidden, ClassUnauthorized,
		ClassUnavailable, ClassInternal, ClassNotImplemented}
}

// Operations a FaultFail or FaultLatency rule can target (Fault.Op): the names of
// the engine methods that check rules. OpAny matches all of them.
const (
	OpAny              = "*"
	OpContainerCreate  = "ContainerCreate"
	OpContainerStart   = "ContainerStart"
	OpContainerStop    = "ContainerStop"
	OpContainerRestart = "ContainerRestart"
	OpContainerKill    = "ContainerKill"
	OpContainerRemove  = "ContainerRemove"
	OpContainerInspect = "ContainerInspect"
	OpContainerList    = "ContainerList"
	OpContainerLogs    = "ContainerLogs"
	OpExecCreate       = "ExecCreate"
	// OpExecStart is checked by ExecStart and ExecAttach (an attached start),
	// against the exec's container; Match.Name may also be the exec id.
	OpExecStart     = "ExecStart"
	OpNetworkCreate = "NetworkCreate"
	OpNetworkRemove = "NetworkRemove"
	OpVolumeCreate  = "VolumeCreate"
	OpVolumeRemove  = "VolumeRemove"
	OpImagePull     = "ImagePull"
	OpImageBuild    = "ImageBuild"
)

// FaultOps lists the operations rules can target, OpAny excluded.
func FaultOps() []string {
	return []string{OpContainerCreate, OpContainerStart, OpContainerStop, OpContainerRestart, OpContainerKill,
		OpContainerRemove, OpContainerInspect, OpContainerList, OpContainerLogs, OpExecCreate, OpExecStart, OpNetworkCreate, OpNetworkRemove,
		OpVolumeCreate, OpVolumeRemove, OpImagePull, OpImageBuild, OpContainerWait}
}

// FaultMatch narrows a rule to some objects; empty fields match everything.
//   - Name: the container, network or volume name (or id, or the reference the
//     caller passed); for ImageBuild one of the tags.
//   - Label: "key" or "key=value" on the object (container config labels,
//     network/volume labels, build labels).
//   - Image: the image a container is created from / runs, or the reference
//     pulled, compared after normalisation ("nginx" = "docker.io/library/nginx:latest").
type FaultMatch struct {
	Name  string `json:",omitempty"`
	Label string `json:",omitempty"`
	Image string `json:",omitempty"`
}

// FaultError is the error a FaultFail rule returns. An empty Message becomes
// "injected fault: <op>".
type FaultError struct {
	Class   ErrorClass
	Message string `json:",omitempty"`
}

// Fault is one fault-injection rule.
//
// Invariants (AddFault checks them): Kind is one of the Fault* kinds; FaultFail
// has a known Error.Class; FaultLatency has Latency > 0; FaultFail and
// FaultLatency have an Op of FaultOps or OpAny; FaultCrash and FaultUnhealthy
// name an existing container in Match.Name (a crash needs it running);
// FaultDenyPull has a valid reference in Match.Image. Times >= 0.
type Fault struct {
	// ID is assigned by AddFault ("f1", "f2", ... in creation order).
	ID   string
	Kind FaultKind
	// Op is the engine method a FaultFail/FaultLatency rule targets.
	Op    string     `json:",omitempty"`
	Match FaultMatch `json:",omitempty"`
	Error FaultError `json:",omitempty"`
	// Times is how many more matching calls the rule affects; it is removed
	// when it reaches zero. 0 means every call until removed.
	Times int `json:",omitempty"`
	// Latency is FaultLatency's delay.
	Latency time.Duration `json:",omitempty"`
	// ExitCode is FaultCrash's exit code; After its delay from Created.
	ExitCode int           `json:",omitempty"`
	After    time.Duration `json:",omitempty"`
	// ContainerID is the container a crash or health rule resolved to.
	ContainerID string `json:",omitempty"`
	// Created is the engine-clock time the rule was added.
	Created time.Time
}

// ErrFaultRule is wrapped by AddFault's and RemoveFault's errors for a bad or
// unknown rule (also cerrdefs.IsInvalidArgument / IsNotFound).
var ErrFaultRule = errors.New("fault rule")

func faultRuleErr(class error, format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrFaultRule, newErr(class, format, args...))
}

// AddFault validates f, stores it and returns it with its ID and Created set.
// A crash rule with After 0 is applied at once.
func (e *Engine) AddFault(ctx context.Context, f Fault) (Fault, error) {
	if err := e.validateFault(ctx, &f); err != nil {
		return Fault{}, err
	}
	f.Created = e.now()
	var out Fault
	err := e.rawTx(ctx, true, func(c *sql.Conn) error {
		var err error
		out, err = insertFault(ctx, c, f)
		return err
	})
	if err != nil {
		return Fault{}, err
	}
	switch f.Kind {
	case FaultCrash:
		err = e.applyDueCrashes(ctx)
	case FaultUnhealthy:
		err = e.markUnhealthy(ctx, out)
	}
	return out, err
}

// Faults lists the rules in force, oldest first (due crashes are applied first,
// so a listed crash rule has not happened yet).
func (e *Engine) Faults(ctx context.Context) ([]Fault, error) {
	if err := e.applyDueCrashes(ctx); err != nil {
		return nil, err
	}
	return e.readFaults(ctx)
}

// RemoveFault removes one rule; an unknown id is not found (ErrFaultRule).
func (e *Engine) RemoveFault(ctx context.Context, id string) error {
	err := e.rawTx(ctx, true, func(c *sql.Conn) error {
		ok, err := deleteFault(ctx, c, id)
		if err == nil && !ok {
			err = faultRuleErr(cerrdefs.ErrNotFound, "no such fault: %s", id)
		}
		return err
	})
	if err != nil {
		return err
	}
	return e.endHealthFaults(ctx) // an unhealthy rule's probes pass again
}

// ClearFaults removes every rule.
func (e *Engine) ClearFaults(ctx context.Context) error {
	err := e.rawTx(ctx, true, func(c *sql.Conn) error {
		_, err := c.ExecContext(ctx, "DELETE FROM faults")
		return err
	})
	if err != nil {
		return err
	}
	return e.endHealthFaults(ctx) // unhealthy rules' probes pass again
}

func (e *Engine) readFaults(ctx context.Context) ([]Fault, error) {
	var out []Fault
	err := e.rawRead(func(*sql.Conn) error {
		var err error
		out, err = e.readFaultsLocked(ctx)
		return err
	})
	return out, err
}

func (e *Engine) validateFault(ctx context.Context, f *Fault) error {
	f.ID, f.Created = "", time.Time{}
	if f.Times < 0 {
		return faultRuleErr(cerrdefs.ErrInvalidArgument, "fault times must not be negative: %d", f.Times)
	}
	if f.Match.Label != "" && strings.HasPrefix(f.Match.Label, "=") {
		return faultRuleErr(cerrdefs.ErrInvalidArgument, "fault label must be key or key=value: %q", f.Match.Label)
	}
	if f.Match.Image != "" && !strings.HasPrefix(f.Match.Image, "sha256:") {
		if _, err := registry.ParseReference(f.Match.Image); err != nil {
			return faultRuleErr(cerrdefs.ErrInvalidArgument, "fault image %q: invalid reference format", f.Match.Image)
		}
	}
	opOK := func() error {
		if f.Op == OpAny {
			return nil
		}
		for _, op := range FaultOps() {
			if op == f.Op {
				return nil
			}
		}
		return faultRuleErr(cerrdefs.ErrInvalidArgument, "unknown fault operation %q (want one of %s or %q)",
			f.Op, strings.Join(FaultOps(), ", "), OpAny)
	}
	switch f.Kind {
	case FaultFail:
		if classErrs[f.Error.Class] == nil {
			return faultRuleErr(cerrdefs.ErrInvalidArgument, "unknown fault error class %q", f.Error.Class)
		}
		return opOK()
	case FaultLatency:
		if f.Latency <= 0 {
			return faultRuleErr(cerrdefs.ErrInvalidArgument, "latency fault needs a positive latency, got %s", f.Latency)
		}
		return opOK()
	case FaultDenyPull:
		if f.Match.Image == "" || strings.HasPrefix(f.Match.Image, "sha256:") {
			return faultRuleErr(cerrdefs.ErrInvalidArgument, "deny-pull fault needs an image reference")
		}
		f.Op = OpImagePull
		return nil
	case FaultCrash, FaultUnhealthy:
		if f.After < 0 {
			return faultRuleErr(cerrdefs.ErrInvalidArgument, "fault delay must not be negative: %s", f.After)
		}
		if f.Kind == FaultCrash && (f.ExitCode < 0 || f.ExitCode > 255) {
			return faultRuleErr(cerrdefs.ErrInvalidArgument, "crash exit code must be 0-255, got %d", f.ExitCode)
		}
		return e.view(ctx, func(s *state) error {
			c, err := s.lookupContainer(f.Match.Name)
			if err != nil {
				return fmt.Errorf("%w: %w", ErrFaultRule, err)
			}
			if f.Kind == FaultCrash && !c.State.Running {
				return faultRuleErr(cerrdefs.ErrConflict, "Container %s is not running", c.ID)
			}
			f.ContainerID = c.ID
			return nil
		})
	default:
		return faultRuleErr(cerrdefs.ErrInvalidArgument, "unknown fault kind %q", f.Kind)
	}
}

// injected is the error of a FaultFail rule: an *Error of the rule's class.
func (f Fault) injected(op string) error {
	msg := f.Error.Message
	if msg == "" {
		msg = "injected fault: " + op
	}
	return &Error{kind: classErrs[f.Error.Class], msg: msg}
}

// denied is the registry's refusal for a FaultDenyPull rule.
func (f Fault) denied() error {
	named, err := reference.ParseNormalizedNamed(f.Match.Image)
	if err != nil {
		return &registry.PullAccessDeniedError{Repository: f.Match.Image}
	}
	if _, ok := named.(reference.NamedTagged); ok {
		return &registry.ManifestUnknownError{Reference: reference.FamiliarString(named)}
	}
	if _, ok := named.(reference.Digested); ok {
		return &registry.ManifestUnknownError{Reference: reference.FamiliarString(named)}
	}
	return &registry.PullAccessDeniedError{Repository: reference.FamiliarName(named)}
}
