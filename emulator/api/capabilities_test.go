package api_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/api"
)

// Tests of the optional capabilities' wire mapping, on small fakes.

// fakeExec adds exec: the command's output is its arguments joined, on stdout.
type fakeExec struct {
	*fake
	cmd     []string
	started bool
}

func (f *fakeExec) ExecCreate(_ context.Context, _ string, o client.ExecCreateOptions) (client.ExecCreateResult, error) {
	if len(o.Cmd) == 0 {
		return client.ExecCreateResult{}, cerrdefs.ErrInvalidArgument.WithMessage("No exec command specified")
	}
	f.cmd = o.Cmd
	return client.ExecCreateResult{ID: "e1"}, nil
}

func (f *fakeExec) ExecInspect(_ context.Context, id string, _ client.ExecInspectOptions) (client.ExecInspectResult, error) {
	if id != "e1" {
		return client.ExecInspectResult{}, cerrdefs.ErrNotFound.WithMessage("No such exec instance: " + id)
	}
	return client.ExecInspectResult{ID: id, Running: !f.started, ExitCode: 7}, nil
}

func (f *fakeExec) ExecStart(context.Context, string, client.ExecStartOptions) (client.ExecStartResult, error) {
	f.started = true
	return client.ExecStartResult{}, nil
}

func (f *fakeExec) ExecAttach(context.Context, string, client.ExecAttachOptions) (client.ExecAttachResult, error) {
	f.started = true
	srv, cli := net.Pipe()
	go func() {
		srv.Write(frame(1, strings.Join(f.cmd, " ")+"\n"))
		srv.Close()
	}()
	return client.ExecAttachResult{HijackedResponse: client.NewHijackedResponse(cli, "")}, nil
}

// TestExecHijacked runs an exec as the docker CLI does: create, attach (hijacked
// start), inspect for the exit code; at API 1.41 as well as the newest.
func TestExecHijacked(t *testing.T) {
	for _, version := range []string{"1.41", client.MaxAPIVersion} {
		t.Run(version, func(t *testing.T) {
			fe := &fakeExec{fake: &fake{}}
			srv := httptest.NewServer(api.NewHandler(fe, api.Options{}))
			defer srv.Close()
			cli, err := client.New(client.WithHost("tcp://"+srv.Listener.Addr().String()), client.WithHTTPClient(srv.Client()), client.WithAPIVersion(version))
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			ctx := context.Background()
			if _, err := cli.ExecCreate(ctx, "c", client.ExecCreateOptions{}); !cerrdefs.IsInvalidArgument(err) {
				t.Errorf("exec without a command: %v, want invalid argument", err)
			}
			ex, err := cli.ExecCreate(ctx, "c", client.ExecCreateOptions{Cmd: []string{"echo", "hi"}, AttachStdout: true})
			if err != nil {
				t.Fatal(err)
			}
			ins, err := cli.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
			if err != nil || !ins.Running {
				t.Fatalf("inspect before start = %+v, %v", ins, err)
			}
			att, err := cli.ExecAttach(ctx, ex.ID, client.ExecAttachOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			if _, err := stdcopy.StdCopy(&out, io.Discard, att.Reader); err != nil {
				t.Fatal(err)
			}
			att.Close()
			if out.String() != "echo hi\n" {
				t.Errorf("exec output %q", out.String())
			}
			ins, err = cli.ExecInspect(ctx, ex.ID, client.ExecInspectOptions{})
			if err != nil || ins.Running || ins.ExitCode != 7 {
				t.Errorf("inspect after = %+v, %v", ins, err)
			}
			if _, err := cli.ExecInspect(ctx, "nope", client.ExecInspectOptions{}); !cerrdefs.IsNotFound(err) {
				t.Errorf("missing exec: %v", err)
			}
		})
	}
}

// fakeResize records resizes and updates.
type fakeResize struct {
	*fake
	sizes   []client.ContainerResizeOptions
	updates []client.ContainerUpdateOptions
}

func (f *fakeResize) ContainerResize(_ context.Context, _ string, o client.ContainerResizeOptions) (client.ContainerResizeResult, error) {
	f.sizes = append(f.sizes, o)
	return client.ContainerResizeResult{}, nil
}

func (f *fakeResize) ExecResize(_ context.Context, _ string, o client.ExecResizeOptions) (client.ExecResizeResult, error) {
	f.sizes = append(f.sizes, client.ContainerResizeOptions(o))
	return client.ExecResizeResult{}, nil
}

func (f *fakeResize) ContainerUpdate(_ context.Context, _ string, o client.ContainerUpdateOptions) (client.ContainerUpdateResult, error) {
	f.updates = append(f.updates, o)
	return client.ContainerUpdateResult{}, nil
}

func TestResizeAndUpdate(t *testing.T) {
	f := &fakeResize{fake: &fake{}}
	srv, _ := fakeServer(t, f)
	for _, tt := range []struct {
		path string
		code int
	}{
		{"/containers/c/resize?h=24&w=80", 200},
		{"/exec/e/resize?h=50&w=132", 200},
		{"/containers/c/resize?h=tall&w=80", 400},
		{"/containers/c/resize?w=80", 400},
	} {
		if r := do(t, srv, "POST", tt.path, "", ""); r.code != tt.code {
			t.Errorf("POST %s = %d %q, want %d", tt.path, r.code, r.body, tt.code)
		}
	}
	want := []client.ContainerResizeOptions{{Height: 24, Width: 80}, {Height: 50, Width: 132}}
	if fmt.Sprint(f.sizes) != fmt.Sprint(want) {
		t.Errorf("resizes reaching the backend = %v, want %v", f.sizes, want)
	}
	r := do(t, srv, "POST", "/containers/c/update", "application/json", `{"Memory":67108864,"MemorySwap":-1}`)
	if r.code != 200 || !strings.Contains(r.body, `"Warnings"`) {
		t.Fatalf("update = %d %q", r.code, r.body)
	}
	if len(f.updates) != 1 || f.updates[0].Resources.Memory != 67108864 || f.updates[0].RestartPolicy != nil {
		t.Errorf("update reached the backend as %+v", f.updates)
	}
}

// fakeBuild records build options and answers a one-line stream.
type fakeBuild struct {
	*fake
	got     client.ImageBuildOptions
	context string
}

func (f *fakeBuild) ImageBuild(_ context.Context, ctxReader io.Reader, o client.ImageBuildOptions) (client.ImageBuildResult, error) {
	b, _ := io.ReadAll(ctxReader)
	f.got, f.context = o, string(b)
	return client.ImageBuildResult{Body: io.NopCloser(strings.NewReader(`{"stream":"Successfully built 0123456789ab\n"}` + "\n"))}, nil
}

// TestBuildParams maps docker-py's build query onto the backend's options.
func TestBuildParams(t *testing.T) {
	f := &fakeBuild{fake: &fake{}}
	srv, _ := fakeServer(t, f)
	r := do(t, srv, "POST", `/v1.41/build?t=app:1&t=app:latest&q=False&nocache=True&rm=&forcerm=False&pull=False&dockerfile=Dockerfile.dev&buildargs=%7B%22A%22%3A%221%22%7D&labels=%7B%22l%22%3A%22v%22%7D&target=final`, "application/tar", "TARBYTES")
	if r.code != 200 || !strings.Contains(r.body, "Successfully built") {
		t.Fatalf("build = %d %q", r.code, r.body)
	}
	g := f.got
	if fmt.Sprint(g.Tags) != "[app:1 app:latest]" || g.SuppressOutput || !g.NoCache || !g.Remove || g.ForceRemove || g.PullParent ||
		g.Dockerfile != "Dockerfile.dev" || g.BuildArgs["A"] == nil || *g.BuildArgs["A"] != "1" || g.Labels["l"] != "v" || g.Target != "final" {
		t.Errorf("build options = %+v", g)
	}
	if f.context != "TARBYTES" {
		t.Errorf("build context = %q", f.context)
	}
	if r := do(t, srv, "POST", "/build?version=2", "application/tar", "x"); r.code != 501 {
		t.Errorf("BuildKit build = %d, want 501", r.code)
	}
	if r := do(t, srv, "POST", "/build?buildargs=notjson", "application/tar", "x"); r.code != 400 {
		t.Errorf("bad buildargs = %d, want 400", r.code)
	}
}

type fakeCommit struct {
	*fake
	ctr  string
	opts client.ContainerCommitOptions
}

func (f *fakeCommit) ContainerCommit(_ context.Context, ctr string, o client.ContainerCommitOptions) (client.ContainerCommitResult, error) {
	f.ctr, f.opts = ctr, o
	return client.ContainerCommitResult{ID: "sha256:abc"}, nil
}

// TestCommitParams maps docker-py's commit call onto the backend's options.
func TestCommitParams(t *testing.T) {
	f := &fakeCommit{fake: &fake{}}
	srv, _ := fakeServer(t, f)
	r := do(t, srv, "POST", "/v1.41/commit?container=c1&repo=img&tag=2&comment=msg&author=me&changes=CMD+sh&changes=ENV+A%3D1&pause=False", "application/json", `{"Labels":{"k":"v"}}`)
	if r.code != 201 || !strings.Contains(r.body, `"Id":"sha256:abc"`) {
		t.Fatalf("commit = %d %q", r.code, r.body)
	}
	o := f.opts
	if f.ctr != "c1" || o.Reference != "img:2" || o.Comment != "msg" || o.Author != "me" || !o.NoPause ||
		fmt.Sprint(o.Changes) != "[CMD sh ENV A=1]" || o.Config == nil || o.Config.Labels["k"] != "v" {
		t.Errorf("commit reached the backend as %q %+v", f.ctr, o)
	}
	if r := do(t, srv, "POST", "/commit?container=c1", "", ""); r.code != 201 || f.opts.Config != nil || f.opts.NoPause {
		t.Errorf("bare commit = %d, options %+v", r.code, f.opts)
	}
}
