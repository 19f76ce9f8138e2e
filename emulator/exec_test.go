package emulator_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// execRun runs cmd in the container as docker exec does (create, attach,
// inspect) and returns its exit code, stdout and stderr.
func execRun(t *testing.T, e *emulator.Engine, ref string, opts client.ExecCreateOptions) (int, string, string) {
	t.Helper()
	ctx := context.Background()
	opts.AttachStdout, opts.AttachStderr = true, true
	x, err := e.ExecCreate(ctx, ref, opts)
	if err != nil {
		t.Fatalf("exec create %v: %v", opts.Cmd, err)
	}
	att, err := e.ExecAttach(ctx, x.ID, client.ExecAttachOptions{})
	if err != nil {
		t.Fatalf("exec attach %v: %v", opts.Cmd, err)
	}
	defer att.Close()
	var out, errOut bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &errOut, att.Reader); err != nil {
		t.Fatalf("exec output: %v", err)
	}
	in, err := e.ExecInspect(ctx, x.ID, client.ExecInspectOptions{})
	if err != nil {
		t.Fatalf("exec inspect: %v", err)
	}
	return in.ExitCode, out.String(), errOut.String()
}

func idle(cfg container.Config) *container.Config {
	cfg.Cmd = []string{"sleep", "infinity"}
	return &cfg
}

func TestExec(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Name: "box", Image: "busybox",
		Config: idle(container.Config{Env: []string{"FOO=bar"}, WorkingDir: "/work", User: "1000", Hostname: "boxhost"})})
	cases := []struct {
		name          string
		opts          client.ExecCreateOptions
		code          int
		stdout, inErr string
	}{
		{"container env", client.ExecCreateOptions{Cmd: []string{"sh", "-c", "echo $FOO"}}, 0, "bar\n", ""},
		{"exec env overrides", client.ExecCreateOptions{Cmd: []string{"sh", "-c", "echo $FOO"}, Env: []string{"FOO=baz"}}, 0, "baz\n", ""},
		{"container workdir", client.ExecCreateOptions{Cmd: []string{"pwd"}}, 0, "/work\n", ""},
		{"exec workdir", client.ExecCreateOptions{Cmd: []string{"pwd"}, WorkingDir: "/tmp"}, 0, "/tmp\n", ""},
		{"container user", client.ExecCreateOptions{Cmd: []string{"id", "-u"}}, 0, "1000\n", ""},
		{"exec user", client.ExecCreateOptions{Cmd: []string{"id", "-u"}, User: "root"}, 0, "0\n", ""},
		{"hostname", client.ExecCreateOptions{Cmd: []string{"hostname"}}, 0, "boxhost\n", ""},
		{"exit code", client.ExecCreateOptions{Cmd: []string{"sh", "-c", "echo x >&2; exit 3"}}, 3, "", "x"},
		// dockerd: runc's message on stdout, CRLF, nothing on stderr
		{"unknown executable", client.ExecCreateOptions{Cmd: []string{"nosuch"}}, 126,
			"OCI runtime exec failed: exec failed: unable to start container process: exec: \"nosuch\": executable file not found in $PATH: unknown\r\n", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := execRun(t, e, id, tc.opts)
			if code != tc.code || out != tc.stdout || !strings.Contains(errOut, tc.inErr) {
				t.Errorf("exit %d stdout %q stderr %q, want %d %q containing %q", code, out, errOut, tc.code, tc.stdout, tc.inErr)
			}
		})
	}
}

func TestExecErrors(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
	if _, err := e.ExecCreate(ctx, id, client.ExecCreateOptions{}); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("exec without command: %v, want invalid argument", err)
	}
	x := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"true"}}))
	must[client.ExecStartResult](t)(e.ExecStart(ctx, x.ID, client.ExecStartOptions{}))
	if _, err := e.ExecStart(ctx, x.ID, client.ExecStartOptions{}); !cerrdefs.IsConflict(err) {
		t.Errorf("second start: %v, want conflict", err)
	}
	if _, err := e.ExecInspect(ctx, "nosuchexec", client.ExecInspectOptions{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("inspect unknown exec: %v, want not found", err)
	}
	pending := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"true"}}))
	stopped(t, e, clk, id)
	before := inspect(t, e, id)
	_, err := e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"true"}})
	if !cerrdefs.IsConflict(err) || !strings.Contains(err.Error(), "is not running") {
		t.Errorf("exec in a stopped container: %v, want dockerd's 409", err)
	}
	if _, err := e.ExecStart(ctx, pending.ID, client.ExecStartOptions{}); !cerrdefs.IsConflict(err) {
		t.Errorf("start an exec of a stopped container: %v, want conflict", err)
	}
	if after := inspect(t, e, id); after.State.FinishedAt != before.State.FinishedAt || after.State.Status != before.State.Status {
		t.Errorf("failed exec changed the container: %+v", after.State)
	}
}

// A long exec runs for its simulated duration.
func TestExecDuration(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
	x := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"sh", "-c", "sleep 5; exit 4"}}))
	must[client.ExecStartResult](t)(e.ExecStart(ctx, x.ID, client.ExecStartOptions{Detach: true}))
	for _, step := range []struct {
		advance time.Duration
		running bool
		code    int
	}{{0, true, 0}, {4 * time.Second, true, 0}, {2 * time.Second, false, 4}} {
		clk.Advance(step.advance)
		in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, x.ID, client.ExecInspectOptions{}))
		if in.Running != step.running || in.ExitCode != step.code {
			t.Errorf("after +%v: running %v exit %d, want %v %d", step.advance, in.Running, in.ExitCode, step.running, step.code)
		}
	}
}

// Files: the writable layer dies with the container, a volume outlives it and
// is shared, tmpfs dies on stop, a read-only mount refuses writes.
func TestExecFiles(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	mk := func(name string) string {
		return run(t, e, client.ContainerCreateOptions{Name: name, Image: "busybox", Config: idle(container.Config{}),
			HostConfig: &container.HostConfig{Binds: []string{"data:/data", "cfg:/etc/app:ro"}, Tmpfs: map[string]string{"/scratch": ""}}})
	}
	sh := func(id, script string) (int, string) {
		code, out, _ := execRun(t, e, id, client.ExecCreateOptions{Cmd: []string{"sh", "-c", script}})
		return code, out
	}
	a := mk("app1")
	for _, script := range []string{"echo kept > /data/f", "echo layer > /root/f", "echo tmp > /scratch/f"} {
		if code, _ := sh(a, script); code != 0 {
			t.Fatalf("%s: exit %d", script, code)
		}
	}
	if code, _ := sh(a, "echo no > /etc/app/f"); code == 0 {
		t.Errorf("write to a read-only volume succeeded")
	}
	b := mk("app2")
	if _, out := sh(b, "cat /data/f"); out != "kept\n" {
		t.Errorf("other container reads the volume: %q", out)
	}
	restarted(t, e, clk, a)
	if _, out := sh(a, "cat /root/f; cat /scratch/f || echo gone"); out != "layer\ngone\n" {
		t.Errorf("after restart: %q, want the layer kept and tmpfs emptied", out)
	}
	must[client.ContainerRemoveResult](t)(e.ContainerRemove(ctx, a, client.ContainerRemoveOptions{Force: true}))
	a = mk("app1")
	if _, out := sh(a, "cat /data/f; test -e /root/f || echo fresh"); out != "kept\nfresh\n" {
		t.Errorf("recreated container: %q, want the volume kept and a fresh layer", out)
	}
	du := must[client.DiskUsageResult](t)(e.DiskUsage(ctx, client.DiskUsageOptions{Volumes: true, Verbose: true}))
	var size int64
	for _, v := range du.Volumes.Items {
		if v.Name == "data" {
			size = v.UsageData.Size
		}
	}
	if want := int64(len("kept\n")); size != want || du.Volumes.TotalSize != want {
		t.Errorf("data volume usage %d, total %d, want %d", size, du.Volumes.TotalSize, want)
	}
}
