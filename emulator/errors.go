package emulator

import (
	"context"
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
)

// Error is an engine error: dockerd's message text plus its class. The class is one
// of the github.com/containerd/errdefs sentinels (ErrNotFound, ErrConflict, ...),
// reachable through errors.Is/Unwrap, so cerrdefs.IsNotFound(err) and friends answer
// exactly as they do for an error returned by moby's HTTP client against dockerd.
// Error() is the text dockerd puts in the response's "message" field.
type Error struct {
	kind error
	msg  string
}

// Error returns dockerd's message.
func (e *Error) Error() string { return e.msg }

// Unwrap returns the errdefs class.
func (e *Error) Unwrap() error { return e.kind }

func newErr(kind error, format string, args ...any) error {
	return &Error{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// Classes, named by the HTTP status dockerd answers with.
func errNotFound(format string, args ...any) error {
	return newErr(cerrdefs.ErrNotFound, format, args...)
}
func errConflict(format string, args ...any) error {
	return newErr(cerrdefs.ErrConflict, format, args...)
}
func errInvalid(format string, args ...any) error {
	return newErr(cerrdefs.ErrInvalidArgument, format, args...)
}
func errForbidden(format string, args ...any) error {
	return newErr(cerrdefs.ErrPermissionDenied, format, args...)
}
func errInternal(format string, args ...any) error {
	return newErr(cerrdefs.ErrInternal, format, args...)
}

// errNotModified is returned internally for the calls dockerd answers with 304
// (start a running container, stop a stopped one). moby's client turns a 304 into a
// nil error, so the exported methods do too, unless the context was marked with
// WithNotModifiedErrors (the HTTP server needs to know to answer 304).
var errNotModified = &Error{kind: cerrdefs.ErrNotModified, msg: "not modified"}

type notModifiedKey struct{}

// WithNotModifiedErrors returns a context under which engine calls that dockerd
// answers with "304 Not Modified" return an error satisfying cerrdefs.IsNotModified
// instead of nil. The moby client reports those calls as successes, so without the
// mark the engine does too; the Engine API server marks its contexts to answer 304.
func WithNotModifiedErrors(ctx context.Context) context.Context {
	return context.WithValue(ctx, notModifiedKey{}, true)
}

// notModified maps errNotModified to nil unless ctx asks for it.
func notModified(ctx context.Context, err error) error {
	if err != nil && errors.Is(err, cerrdefs.ErrNotModified) {
		if v, _ := ctx.Value(notModifiedKey{}).(bool); v {
			return err
		}
		return nil
	}
	return err
}

// Store errors that are not dockerd's: the store is closed or unusable.
var (
	// ErrClosed is returned by calls on a closed Engine.
	ErrClosed = errors.New("emulator: engine is closed")
	// ErrSchemaTooNew is returned by Open when the store was written by a newer binary.
	ErrSchemaTooNew = errors.New("emulator: store schema is newer than this binary supports")
)
