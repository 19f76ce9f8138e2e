package dockerpy

import (
	"context"
	"errors"
	"fmt"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
)

func TestWrapClassifiesEngineErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       error
		status   int
		notFound bool
		check    func(error) bool
		text     string
	}{
		{"not found", cerrdefs.ErrNotFound.WithMessage("No such container: x"), 404, true, cerrdefs.IsNotFound, `404 Client Error: Not Found ("No such container: x")`},
		{"conflict", cerrdefs.ErrConflict.WithMessage("name in use"), 409, false, cerrdefs.IsConflict, `409 Client Error: Conflict ("name in use")`},
		{"invalid", cerrdefs.ErrInvalidArgument.WithMessage("Invalid filter 'foo'"), 400, false, cerrdefs.IsInvalidArgument, `400 Client Error: Bad Request ("Invalid filter 'foo'")`},
		{"forbidden", cerrdefs.ErrPermissionDenied.WithMessage("bridge is a pre-defined network and cannot be removed"), 403, false, cerrdefs.IsPermissionDenied, `403 Client Error: Forbidden ("bridge is a pre-defined network and cannot be removed")`},
		{"plain", errors.New("boom"), 500, false, func(error) bool { return true }, `500 Server Error: Internal Server Error ("boom")`},
		{"wrapped not found", fmt.Errorf("outer: %w", cerrdefs.ErrNotFound), 404, true, cerrdefs.IsNotFound, `404 Client Error: Not Found ("outer: not found")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := wrap(tt.in)
			var api *APIError
			if !errors.As(err, &api) || api.StatusCode != tt.status {
				t.Fatalf("wrap(%v) = %#v", tt.in, err)
			}
			var nf *NotFound
			if errors.As(err, &nf) != tt.notFound {
				t.Errorf("NotFound: %v", errors.As(err, &nf))
			}
			if !tt.check(err) {
				t.Errorf("engine class lost")
			}
			if !errors.Is(err, tt.in) {
				t.Errorf("errors.Is(wrapped, original) = false")
			}
			if err.Error() != tt.text {
				t.Errorf("text %q, want %q", err.Error(), tt.text)
			}
			if wrap(err) != err {
				t.Errorf("wrap is not idempotent")
			}
		})
	}
	if wrap(nil) != nil {
		t.Errorf("wrap(nil) != nil")
	}
	if err := wrap(context.Canceled); err != context.Canceled {
		t.Errorf("context error wrapped: %v", err)
	}
}

func TestWrapImage(t *testing.T) {
	err := wrapImage(cerrdefs.ErrNotFound.WithMessage("No such image: x:1"))
	var inf *ImageNotFound
	var nf *NotFound
	var api *APIError
	if !errors.As(err, &inf) || !errors.As(err, &nf) || !errors.As(err, &api) || !cerrdefs.IsNotFound(err) {
		t.Fatalf("chain broken: %#v", err)
	}
	if err2 := wrapImage(cerrdefs.ErrConflict.WithMessage("in use")); errors.As(err2, &inf) {
		t.Errorf("conflict became ImageNotFound")
	}
	if wrapImage(err) != err {
		t.Errorf("wrapImage not idempotent")
	}
}

func TestContainerErrorText(t *testing.T) {
	// The text docker-py prints, measured on a real dockerd (docker-engine-api.md §2.6).
	e := &ContainerError{ExitStatus: 7, Command: []string{"sh", "-c", "echo bad >&2; exit 7"}, Image: "busybox", Stderr: []byte("bad\n")}
	want := `Command '['sh', '-c', 'echo bad >&2; exit 7']' in image 'busybox' returned non-zero exit status 7: b'bad\n'`
	if e.Error() != want {
		t.Errorf("got  %s\nwant %s", e.Error(), want)
	}
	e = &ContainerError{ExitStatus: 1, Image: "alpine"}
	if want := `Command 'None' in image 'alpine' returned non-zero exit status 1: None`; e.Error() != want {
		t.Errorf("got %s", e.Error())
	}
}
