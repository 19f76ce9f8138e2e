package dockerpy

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// withBuild adds a canned ImageBuild to the emulator; it records the context
// and options it was given.
type withBuild struct {
	*emulator.Engine
	stream  func() string
	gotTar  []byte
	gotOpts client.ImageBuildOptions
}

func (w *withBuild) ImageBuild(_ context.Context, buildContext io.Reader, o client.ImageBuildOptions) (client.ImageBuildResult, error) {
	b, err := io.ReadAll(buildContext)
	if err != nil {
		return client.ImageBuildResult{}, err
	}
	w.gotTar, w.gotOpts = b, o
	return client.ImageBuildResult{Body: io.NopCloser(strings.NewReader(w.stream()))}, nil
}

func TestBuild(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM alpine\nCMD [\"true\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "app.py"), []byte("print(1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		stream  func(id string) string
		wantErr string
		wantLog int
	}{
		{"aux id", func(id string) string {
			return `{"stream":"Step 1/2 : FROM alpine\n"}` + "\r\n" + `{"aux":{"ID":"` + id + `"}}` + "\r\n" + `{"stream":"Successfully tagged myapp:latest\n"}` + "\r\n"
		}, "", 3},
		{"successfully built", func(id string) string {
			return `{"stream":"Step 1/2 : FROM alpine\n"}` + "\n" + `{"stream":"Successfully built ` + id[7:19] + `\n"}` + "\n"
		}, "", 2},
		{"error chunk", func(string) string {
			return `{"stream":"Step 2/2 : RUN exit 3\n"}` + "\n" + `{"errorDetail":{"code":3,"message":"The command '/bin/sh -c exit 3' returned a non-zero code: 3"},"error":"The command '/bin/sh -c exit 3' returned a non-zero code: 3"}` + "\n"
		}, "The command '/bin/sh -c exit 3' returned a non-zero code: 3", 2},
		{"no id", func(string) string { return `{"stream":"Step 1/1 : FROM alpine\n"}` + "\n" }, "Unknown", 1},
		{"garbage", func(string) string { return "{not json" }, "reading the build stream", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := testEngine(t)
			cli := New(eng)
			base, err := cli.Images.Pull(ctx, "alpine", PullOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wb := &withBuild{Engine: eng, stream: func() string { return tt.stream(base.ID()) }}
			cli = New(wb)
			img, log, err := cli.Images.Build(ctx, BuildOptions{Path: dir, Tag: "myapp:latest", BuildArgs: map[string]string{"V": "1"}})
			if len(log) != tt.wantLog {
				t.Errorf("%d log messages, want %d", len(log), tt.wantLog)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				var be *BuildError
				if tt.name != "garbage" && !errors.As(err, &be) {
					t.Errorf("err %T, want *BuildError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if img.ID() != base.ID() {
				t.Errorf("built image %s, want %s", img.ID(), base.ID())
			}
			if len(wb.gotOpts.Tags) != 1 || wb.gotOpts.Tags[0] != "myapp:latest" || *wb.gotOpts.BuildArgs["V"] != "1" {
				t.Errorf("options %+v", wb.gotOpts)
			}
			names := tarNames(t, wb.gotTar)
			if strings.Join(names, ",") != "Dockerfile,src/,src/app.py" { // directories end in / as in docker build contexts
				t.Errorf("context entries %v", names)
			}
		})
	}
}

func tarNames(t *testing.T, b []byte) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

func TestBuildWithoutBuilder(t *testing.T) {
	cli := New(&fakeEngine{})
	_, _, err := cli.Images.Build(context.Background(), BuildOptions{Path: t.TempDir()})
	if !errors.Is(err, ErrBuildUnsupported) || !cerrdefs.IsNotImplemented(err) {
		t.Errorf("err %v", err)
	}
	_, _, err = New(&withBuild{}).Images.Build(context.Background(), BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), "either path or fileobj") {
		t.Errorf("no context: %v", err)
	}
	_, _, err = New(&withBuild{}).Images.Build(context.Background(), BuildOptions{Path: filepath.Join(t.TempDir(), "missing")})
	if err == nil || !strings.Contains(err.Error(), "context") {
		t.Errorf("missing dir: %v", err)
	}
}
