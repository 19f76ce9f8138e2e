package build

import (
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
)

// Reasons: each *Error carries one, so callers test with errors.Is.
var (
	// ErrNotTar: the build context is not a (possibly gzip/bzip2-compressed) tar stream.
	ErrNotTar = errors.New("build context is not a tar archive")
	// ErrNoDockerfile: the Dockerfile named by the options is not in the context.
	ErrNoDockerfile = errors.New("dockerfile not found in build context")
	// ErrSyntax: the Dockerfile does not parse (unknown instruction, bad arguments, empty file).
	ErrSyntax = errors.New("dockerfile syntax error")
	// ErrUnknownInstruction: an instruction keyword is unknown (also ErrSyntax).
	ErrUnknownInstruction = errors.New("unknown instruction")
	// ErrTarget: the --target stage does not exist.
	ErrTarget = errors.New("target stage not found")
	// ErrInvalidTag: a tag of the options is not a valid reference.
	ErrInvalidTag = errors.New("invalid tag")
	// ErrBaseImage: a FROM image (or COPY --from image) could not be resolved.
	ErrBaseImage = errors.New("base image not available")
	// ErrCopy: a COPY or ADD source is missing or invalid.
	ErrCopy = errors.New("copy failed")
	// ErrRunFailed: a RUN command exited non-zero (Error.ExitCode holds the code).
	ErrRunFailed = errors.New("run failed")
	// ErrInstruction: an instruction's arguments are invalid once expanded
	// (bad port, bad signal, unsupported flag, empty volume...).
	ErrInstruction = errors.New("invalid instruction")
)

// Error is a build failure with dockerd's message text. Reason is one of the
// Err* sentinels above; Class is the containerd errdefs class dockerd's
// answer maps to (cerrdefs.ErrInvalidArgument for a 400, ErrInternal for a
// 500, ...). Both are reachable with errors.Is, and Cause (when set) too.
// ExitCode is the RUN exit code for ErrRunFailed, Line the Dockerfile line
// (1-based) for parse errors, 0 otherwise.
type Error struct {
	Reason   error
	Class    error
	Msg      string
	ExitCode int
	Line     int
	Cause    error
	// jsonCode: the stream's errorDetail carries ExitCode as "code" (a RUN
	// that exited non-zero, as dockerd's jsonmessage.JSONError).
	jsonCode bool
}

// Error returns dockerd's message.
func (e *Error) Error() string { return e.Msg }

// Unwrap gives the reason, the errdefs class and the cause.
func (e *Error) Unwrap() []error {
	out := []error{e.Reason, e.Class}
	if e.Cause != nil {
		out = append(out, e.Cause)
	}
	return out
}

func newError(reason, class error, cause error, format string, args ...any) *Error {
	return &Error{Reason: reason, Class: class, Cause: cause, Msg: fmt.Sprintf(format, args...)}
}

// classOf keeps the errdefs class of a resolver error (not found stays not
// found), defaulting to unknown.
func classOf(err error) error {
	for _, c := range []error{cerrdefs.ErrNotFound, cerrdefs.ErrInvalidArgument, cerrdefs.ErrPermissionDenied,
		cerrdefs.ErrUnauthenticated, cerrdefs.ErrUnavailable, cerrdefs.ErrInternal, cerrdefs.ErrConflict} {
		if errors.Is(err, c) {
			return c
		}
	}
	switch {
	case cerrdefs.IsNotFound(err):
		return cerrdefs.ErrNotFound
	case cerrdefs.IsInvalidArgument(err):
		return cerrdefs.ErrInvalidArgument
	case cerrdefs.IsInternal(err):
		return cerrdefs.ErrInternal
	}
	return cerrdefs.ErrUnknown
}
