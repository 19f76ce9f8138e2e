package dockerpy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
)

// APIError is docker-py's APIError: an engine call failed. StatusCode is the
// HTTP status dockerd answers for the error's class (404, 409, 400, 403, 500,
// ...), Explanation the engine's message. It unwraps to the engine's error, so
// cerrdefs checks (cerrdefs.IsConflict ...) and errors.Is keep working.
type APIError struct {
	StatusCode  int
	Explanation string
	Err         error
}

func (e *APIError) Error() string {
	kind := "Server"
	if e.StatusCode < 500 {
		kind = "Client"
	}
	return fmt.Sprintf("%d %s Error: %s (%q)", e.StatusCode, kind, http.StatusText(e.StatusCode), e.Explanation)
}

// Unwrap returns the engine's error.
func (e *APIError) Unwrap() error { return e.Err }

// NotFound is docker-py's NotFound: an APIError with status 404. errors.As
// finds both the *NotFound and its *APIError.
type NotFound struct {
	API *APIError
}

func (e *NotFound) Error() string { return e.API.Error() }

// Unwrap returns the *APIError.
func (e *NotFound) Unwrap() error { return e.API }

// ImageNotFound is docker-py's ImageNotFound: a NotFound about an image. errors.As
// finds the *ImageNotFound, its *NotFound and its *APIError.
type ImageNotFound struct {
	NotFound *NotFound
}

func (e *ImageNotFound) Error() string { return e.NotFound.Error() }

// Unwrap returns the *NotFound.
func (e *ImageNotFound) Unwrap() error { return e.NotFound }

// ContainerError is docker-py's ContainerError: an attached Run whose container
// exited non-zero. Stderr is the container's standard error when the engine
// serves logs, else nil.
type ContainerError struct {
	Container  *Container
	ExitStatus int
	Command    []string
	Image      string
	Stderr     []byte
}

func (e *ContainerError) Error() string {
	cmd := "None"
	if e.Command != nil {
		quoted := make([]string, len(e.Command))
		for i, c := range e.Command {
			quoted[i] = "'" + c + "'"
		}
		cmd = "[" + strings.Join(quoted, ", ") + "]"
	}
	return fmt.Sprintf("Command '%s' in image '%s' returned non-zero exit status %d: %s", cmd, e.Image, e.ExitStatus, pyBytes(e.Stderr))
}

// BuildError is docker-py's BuildError: the build stream reported an error, or
// named no image.
type BuildError struct {
	Msg      string
	BuildLog []string
}

func (e *BuildError) Error() string { return e.Msg }

// pyBytes renders b as Python prints a bytes value: b'...'.
func pyBytes(b []byte) string {
	if b == nil {
		return "None"
	}
	var sb strings.Builder
	sb.WriteString("b'")
	for _, c := range b {
		switch {
		case c == '\n':
			sb.WriteString(`\n`)
		case c == '\t':
			sb.WriteString(`\t`)
		case c == '\r':
			sb.WriteString(`\r`)
		case c == '\'' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&sb, `\x%02x`, c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteString("'")
	return sb.String()
}

// statusOf maps an engine error to the HTTP status dockerd answers for its
// class, as moby's errdefs do.
func statusOf(err error) int {
	switch {
	case cerrdefs.IsNotFound(err):
		return http.StatusNotFound
	case cerrdefs.IsInvalidArgument(err):
		return http.StatusBadRequest
	case cerrdefs.IsConflict(err), cerrdefs.IsAlreadyExists(err):
		return http.StatusConflict
	case cerrdefs.IsUnauthorized(err):
		return http.StatusUnauthorized
	case cerrdefs.IsPermissionDenied(err):
		return http.StatusForbidden
	case cerrdefs.IsNotModified(err):
		return http.StatusNotModified
	case cerrdefs.IsNotImplemented(err):
		return http.StatusNotImplemented
	case cerrdefs.IsUnavailable(err):
		return http.StatusServiceUnavailable
	case cerrdefs.IsFailedPrecondition(err):
		return http.StatusPreconditionFailed
	default:
		return http.StatusInternalServerError
	}
}

// wrap turns an engine error into docker-py's class: *NotFound for 404s,
// *APIError otherwise. Context errors (cancellation, deadline) and nil pass
// through unchanged.
func wrap(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var api *APIError
	if errors.As(err, &api) {
		return err
	}
	api = &APIError{StatusCode: statusOf(err), Explanation: err.Error(), Err: err}
	if api.StatusCode == http.StatusNotFound {
		return &NotFound{API: api}
	}
	return api
}

// wrapImage is wrap for calls whose subject is an image: a 404 is an
// *ImageNotFound.
func wrapImage(err error) error {
	err = wrap(err)
	var nf *NotFound
	if errors.As(err, &nf) {
		var inf *ImageNotFound
		if errors.As(err, &inf) {
			return err
		}
		return &ImageNotFound{NotFound: nf}
	}
	return err
}
