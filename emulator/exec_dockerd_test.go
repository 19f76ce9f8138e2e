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
