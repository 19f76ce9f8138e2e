package build

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
)

func TestErrors(t *testing.T) {
	dockerfileOnly := func(df string) func(t *testing.T) io.Reader {
		return func(t *testing.T) io.Reader { return tarOf(t, map[string]string{"Dockerfile": df}) }
	}
	tests := []struct {
		name     string
		context  func(t *testing.T) io.Reader
		opts     Options
		reason   error
		class    func(error) bool
		msg      string
		streamed bool // the error is in the stream (dockerd: 200 + error chunk)
		code     int  // errorDetail.code in the stream
	}{
		{"not a tar", func(*testing.T) io.Reader { return strings.NewReader("FROM alpine\n") }, Options{},
			ErrNotTar, cerrdefs.IsInternal, "Error processing tar file(exit status 1): unexpected EOF", false, 0},
		{"garbage block", func(*testing.T) io.Reader { return bytes.NewReader(bytes.Repeat([]byte("x"), 1024)) }, Options{},
			ErrNotTar, cerrdefs.IsInternal, "Error processing tar file(exit status 1): archive/tar: invalid tar header", false, 0},
		{"no Dockerfile", func(t *testing.T) io.Reader { return tarOf(t, map[string]string{"a": "b"}) }, Options{},
			ErrNoDockerfile, cerrdefs.IsInternal, "Cannot locate specified Dockerfile: Dockerfile", false, 0},
		{"no custom Dockerfile", func(t *testing.T) io.Reader { return tarOf(t, map[string]string{"Dockerfile": "FROM alpine\n"}) }, Options{Dockerfile: "web.Dockerfile"},
			ErrNoDockerfile, cerrdefs.IsInternal, "Cannot locate specified Dockerfile: web.Dockerfile", false, 0},
		{"empty Dockerfile", dockerfileOnly(""), Options{},
			ErrSyntax, cerrdefs.IsInvalidArgument, "the Dockerfile (Dockerfile) cannot be empty", false, 0},
		{"unknown instruction", dockerfileOnly("FROM alpine\nRUN true\nFOO bar\n"), Options{},
			ErrUnknownInstruction, cerrdefs.IsInvalidArgument, "dockerfile parse error line 3: unknown instruction: FOO", false, 0},
		{"misspelt FROM", dockerfileOnly("FROMM alpine\n"), Options{},
			ErrSyntax, cerrdefs.IsInvalidArgument, "dockerfile parse error line 1: unknown instruction: FROMM", false, 0},
		{"FROM arguments", dockerfileOnly("FROM alpine AS\n"), Options{},
			ErrSyntax, cerrdefs.IsInvalidArgument, "dockerfile parse error line 1: FROM requires either one or three arguments", false, 0},
		{"instruction before FROM", dockerfileOnly("RUN true\n"), Options{},
			ErrSyntax, cerrdefs.IsInvalidArgument, "dockerfile parse error line 1: no build stage in current context", false, 0},
		{"bad healthcheck flag", dockerfileOnly("FROM alpine\nHEALTHCHECK --interval=abc CMD true\n"), Options{},
			ErrSyntax, cerrdefs.IsInvalidArgument, "dockerfile parse error line 2: ", false, 0},
		{"missing target", dockerfileOnly("FROM alpine AS a\n"), Options{Target: "nope"},
			ErrTarget, cerrdefs.IsInvalidArgument, "failed to reach build target nope in Dockerfile", false, 0},
		{"bad tag", dockerfileOnly("FROM alpine\n"), Options{Tags: []string{"Bad:Tag"}},
			ErrInvalidTag, cerrdefs.IsInvalidArgument, "invalid reference format", false, 0},
		{"unknown base image", dockerfileOnly("FROM nosuchuser/private-thing\n"), Options{},
			ErrBaseImage, cerrdefs.IsNotFound, "pull access denied for nosuchuser/private-thing", true, 0},
		{"copy missing file", dockerfileOnly("FROM alpine\nCOPY x /x\n"), Options{},
			ErrCopy, cerrdefs.IsNotFound, "COPY failed: file not found in build context or excluded by .dockerignore: stat x: file does not exist", true, 0},
		{"copy ignored file", func(t *testing.T) io.Reader {
			return tarOf(t, map[string]string{"Dockerfile": "FROM alpine\nCOPY secret /s\n", ".dockerignore": "secret\n", "secret": "s"})
		}, Options{},
			ErrCopy, cerrdefs.IsNotFound, "COPY failed: file not found in build context or excluded by .dockerignore: stat secret: file does not exist", true, 0},
		{"copy wildcard without match", dockerfileOnly("FROM alpine\nCOPY *.none /x/\n"), Options{},
			ErrCopy, cerrdefs.IsNotFound, "COPY failed: no source files were specified", true, 0},
		{"copy many to a file", func(t *testing.T) io.Reader {
			return tarOf(t, map[string]string{"Dockerfile": "FROM alpine\nCOPY a b /dest\n", "a": "1", "b": "2"})
		}, Options{},
			ErrCopy, cerrdefs.IsInvalidArgument, "When using COPY with more than one source file, the destination must be a directory and end with a /", true, 0},
		{"copy from unknown stage index", dockerfileOnly("FROM alpine\nCOPY --from=3 /a /a\n"), Options{},
			ErrCopy, cerrdefs.IsInvalidArgument, "invalid from flag value 3: index out of bounds", true, 0},
		{"run exit 1", dockerfileOnly("FROM alpine\nRUN exit 1\n"), Options{},
			ErrRunFailed, cerrdefs.IsUnknown, "The command '/bin/sh -c exit 1' returned a non-zero code: 1", true, 1},
		{"run exit 3 exec form", dockerfileOnly("FROM alpine\nRUN [\"sh\", \"-c\", \"exit 3\"]\n"), Options{},
			ErrRunFailed, cerrdefs.IsUnknown, "The command 'sh -c exit 3' returned a non-zero code: 3", true, 3},
		{"run unknown executable", dockerfileOnly("FROM alpine\nRUN [\"nosuchtool\"]\n"), Options{},
			ErrRunFailed, cerrdefs.IsUnknown, "failed to create shim task: OCI runtime create failed", true, 0},
		{"run mount flag", dockerfileOnly("FROM alpine\nRUN --mount=type=cache,target=/c true\n"), Options{},
			ErrInstruction, cerrdefs.IsInvalidArgument, "the --mount option requires BuildKit", true, 0},
		{"run heredoc", dockerfileOnly("FROM alpine\nRUN <<EOF\necho hi\nEOF\n"), Options{},
			ErrInstruction, cerrdefs.IsInvalidArgument, "heredocs require BuildKit", true, 0},
		{"copy heredoc", dockerfileOnly("FROM alpine\nCOPY <<EOF /f\nhi\nEOF\n"), Options{},
			ErrInstruction, cerrdefs.IsInvalidArgument, "heredocs require BuildKit", true, 0},
		{"bad stop signal", dockerfileOnly("FROM alpine\nSTOPSIGNAL SIGNOPE\n"), Options{},
			ErrInstruction, cerrdefs.IsInvalidArgument, "Invalid signal: SIGNOPE", true, 0},
		{"bad port", dockerfileOnly("FROM alpine\nEXPOSE eighty\n"), Options{},
			ErrInstruction, cerrdefs.IsInvalidArgument, "invalid", true, 0},
		{"duplicate stage name", dockerfileOnly("FROM alpine AS a\nFROM alpine AS a\n"), Options{},
			ErrSyntax, cerrdefs.IsInvalidArgument, "a stage name already used", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Build(context.Background(), tt.context(t), tt.opts, newResolver())
			if err == nil {
				t.Fatalf("no error; stream:\n%s", res.Stream)
			}
			var be *Error
			if !errors.As(err, &be) {
				t.Fatalf("error %T %v is not *Error", err, err)
			}
			if !errors.Is(err, tt.reason) {
				t.Errorf("error %q: reason %v, want %v", err, be.Reason, tt.reason)
			}
			if !tt.class(err) {
				t.Errorf("error %q: class %v is not the expected errdefs class", err, be.Class)
			}
			if !strings.HasPrefix(err.Error(), tt.msg) {
				t.Errorf("error %q, want prefix %q", err, tt.msg)
			}
			if tt.reason == ErrRunFailed && be.ExitCode == 0 {
				t.Errorf("ExitCode = 0 for a failed RUN")
			}
			if !tt.streamed {
				if len(res.Stream) != 0 {
					t.Errorf("error before the stream started, but the stream holds:\n%s", res.Stream)
				}
				return
			}
			ms := messages(t, res.Stream)
			last := ms[len(ms)-1]
			if last.Error != err.Error() || last.ErrorDetail == nil || last.ErrorDetail.Message != err.Error() || last.ErrorDetail.Code != tt.code {
				t.Errorf("last stream message %+v (detail %+v), want the error with code %d", last, last.ErrorDetail, tt.code)
			}
			if strings.Contains(string(res.Stream), "Successfully built") {
				t.Error("a failed build reports success")
			}
			if tt.reason == ErrRunFailed && !strings.HasPrefix(ms[len(ms)-2].Stream, " ---> Running in ") {
				t.Errorf("failed RUN: message before the error = %q, want its container", ms[len(ms)-2].Stream)
			}
		})
	}
}

func TestRunFailureShowsOutput(t *testing.T) {
	res, err := build(t, map[string]string{"Dockerfile": "FROM alpine\nRUN echo before && echo bad >&2 && exit 7\n"}, Options{})
	if !errors.Is(err, ErrRunFailed) {
		t.Fatalf("err = %v", err)
	}
	text := texts(messages(t, res.Stream))
	if !strings.Contains(text, "before\n\033[91mbad\n\033[0m") || strings.Contains(text, "Removing intermediate container") {
		t.Errorf("stream:\n%s", text)
	}
}
