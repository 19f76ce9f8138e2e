package emulator_test

import (
	"context"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// TestExecAsDockerd: what internal/dockertest found dockerd 20.10 doing with
// execs: the pid stays in inspect after the exec exits (none when the command
// never started), starting a running exec is "already running", and a
// detached start of a command that is not found fails with runc's message
// while the exec is recorded with exit code 126.
func TestExecAsDockerd(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})

	done := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"true"}}))
	must[client.ExecStartResult](t)(e.ExecStart(ctx, done.ID, client.ExecStartOptions{}))
	in := must[client.ExecInspectResult](t)(e.ExecInspect(ctx, done.ID, client.ExecInspectOptions{}))
	if in.Running || in.PID == 0 {
		t.Errorf("exited exec: running %v pid %d, want not running with its pid kept", in.Running, in.PID)
	}

	long := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"sleep", "60"}}))
	must[client.ExecStartResult](t)(e.ExecStart(ctx, long.ID, client.ExecStartOptions{}))
	_, err := e.ExecStart(ctx, long.ID, client.ExecStartOptions{})
	if !cerrdefs.IsConflict(err) || err.Error() != "Error: Exec command "+long.ID+" is already running" {
		t.Errorf("start a running exec: %v, want 409 already running", err)
	}

	missing := must[client.ExecCreateResult](t)(e.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: []string{"nosuch"}}))
	_, err = e.ExecStart(ctx, missing.ID, client.ExecStartOptions{})
	want := `OCI runtime exec failed: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown`
	if !cerrdefs.IsInvalidArgument(err) || err.Error() != want {
		t.Errorf("detached start of a missing command: %v, want 400 %q", err, want)
	}
	in = must[client.ExecInspectResult](t)(e.ExecInspect(ctx, missing.ID, client.ExecInspectOptions{}))
	if in.Running || in.ExitCode != 126 || in.PID != 0 {
		t.Errorf("exec of a missing command: running %v exit %d pid %d, want false 126 0", in.Running, in.ExitCode, in.PID)
	}
	if _, err := e.ExecStart(ctx, missing.ID, client.ExecStartOptions{}); err == nil || !strings.Contains(err.Error(), "has already run") {
		t.Errorf("second start of the failed exec: %v, want has already run", err)
	}
}

// TestRunnablePathsAsDockerd: an exec-form command that is a path runc cannot
// run fails as on dockerd 20.10 (measured): a directory or other file the
// interpreter does not run is "permission denied" (start: exit 126), a
// missing path is runc's stat error (start: exit 127); an exec says the same
// on stdout, exit 126.
func TestRunnablePathsAsDockerd(t *testing.T) {
	for _, tc := range []struct {
		cmd      string
		reason   string
		startRC  int
		notFound bool
	}{
		{"/etc", "permission denied", 126, false},
		{"/nope/x", "stat /nope/x: no such file or directory", 127, false},
		{"nosuch", "executable file not found in $PATH", 127, true},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			e, _ := newEngine(t)
			ctx := context.Background()
			pull(t, e, "busybox")
			c := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{
				Image: "busybox", Config: &container.Config{Cmd: []string{tc.cmd}}}))
			_, err := e.ContainerStart(ctx, c.ID, client.ContainerStartOptions{})
			want := `failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "` +
				tc.cmd + `": ` + tc.reason + `: unknown`
			if err == nil || err.Error() != want {
				t.Fatalf("start: %v, want %q", err, want)
			}
			if st := inspect(t, e, c.ID).State; st.ExitCode != tc.startRC || st.Error != want {
				t.Errorf("after the failed start: exit %d error %q, want %d and the same message", st.ExitCode, st.Error, tc.startRC)
			}

			id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
			code, out, errOut := execRun(t, e, id, client.ExecCreateOptions{Cmd: []string{tc.cmd}})
			wantOut := `OCI runtime exec failed: exec failed: unable to start container process: exec: "` + tc.cmd + `": ` + tc.reason + ": unknown\r\n"
			if code != 126 || out != wantOut || errOut != "" {
				t.Errorf("exec: exit %d stdout %q stderr %q, want 126 %q", code, out, errOut, wantOut)
			}
		})
	}
}

// TestPartialLastLine: output that ends without a newline keeps it so in the
// logs and in an exec's output, as dockerd's json-file log and exec stream do.
func TestPartialLastLine(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	done := run(t, e, client.ContainerCreateOptions{Image: "busybox",
		Config: &container.Config{Cmd: []string{"sh", "-c", "echo a; printf b"}}})
	if out, _ := readLogs(t, e, done, client.ContainerLogsOptions{ShowStdout: true}); out != "a\nb" {
		t.Errorf("logs %q, want %q", out, "a\nb")
	}
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{})})
	if code, out, _ := execRun(t, e, id, client.ExecCreateOptions{Cmd: []string{"printf", "x"}}); code != 0 || out != "x" {
		t.Errorf("exec printf x: exit %d output %q, want 0 %q", code, out, "x")
	}
}
