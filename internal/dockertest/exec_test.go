package dockertest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// exec runs cmd in ref as `docker exec` does (create with stdout and stderr
// attached, start attached, read to the end, inspect), records the output
// and the exit code, and returns the exec id and whether inspect showed a pid.
func (e *env) exec(ctx context.Context, t *testing.T, step, ref string, tty bool, cmd ...string) (string, bool) {
	s := e.streams(t)
	cr, err := s.ExecCreate(ctx, ref, client.ExecCreateOptions{AttachStdout: true, AttachStderr: true, TTY: tty, Cmd: cmd})
	if err != nil {
		e.rec.add(step+": create", nil, err)
		return "", false
	}
	att, err := s.ExecAttach(ctx, cr.ID, client.ExecAttachOptions{TTY: tty})
	if err != nil {
		e.rec.add(step+": start", nil, err)
	} else if r := (hijacked{att.HijackedResponse}); tty {
		e.raw(step+": output", r, nil)
	} else {
		e.multiplexed(step+": output", r, nil, false)
	}
	in, err := s.ExecInspect(ctx, cr.ID, client.ExecInspectOptions{})
	e.rec.add(step+": inspect", map[string]any{"ExitCode": in.ExitCode, "Running": in.Running,
		"SameContainer": in.ContainerID == ref}, err)
	return cr.ID, in.PID != 0
}

// TestDiffExec compares exec exit codes and output: success, failure, an exit
// status, a command not found directly (dockerd: 126 or 127 with its message)
// and through sh (127), TTY output, and the errors for a missing command, a
// missing exec id, an exec that already ran and a stopped container.
func TestDiffExec(t *testing.T) {
	runDiff(t, scenario{"exec", func(ctx context.Context, t *testing.T, e *env) {
		s := e.streams(t)
		box := e.create(ctx, "box", nil, nil, "sleep", "600")
		e.start(ctx, "start box", box)
		pids := map[string]bool{}
		for _, x := range []struct {
			step string
			tty  bool
			cmd  []string
		}{
			{"true", false, []string{"true"}},
			{"false", false, []string{"false"}},
			{"exit 3", false, []string{"sh", "-c", "exit 3"}},
			{"output and exit 5", false, []string{"sh", "-c", "echo out; echo err >&2; exit 5"}},
			{"unknown command", false, []string{"nosuchcmd"}},
			{"unknown command through sh", false, []string{"sh", "-c", "nosuchcmd"}},
			{"not executable", false, []string{"/etc"}},
			{"tty", true, []string{"sh", "-c", "echo out; echo err >&2; exit 2"}},
		} {
			_, pids[x.step] = e.exec(ctx, t, x.step, box, x.tty, x.cmd...)
		}
		e.rec.add("pid shown after exit", pids, nil)

		_, err := s.ExecCreate(ctx, box, client.ExecCreateOptions{AttachStdout: true})
		e.rec.add("exec without a command", nil, err)
		_, err = s.ExecInspect(ctx, strings.Repeat("ab", 32), client.ExecInspectOptions{})
		e.rec.add("inspect a missing exec", nil, err)
		ran, _ := e.exec(ctx, t, "ran", box, false, "true")
		e.rec.known(ran, "ran")
		_, err = s.ExecStart(ctx, ran, client.ExecStartOptions{Detach: true})
		e.rec.add("start an exec that ran", nil, err)
		cr, err := s.ExecCreate(ctx, box, client.ExecCreateOptions{Cmd: []string{"sleep", "600"}})
		e.rec.add("create detached", nil, err)
		if err == nil {
			e.rec.known(cr.ID, "detached")
			_, err = s.ExecStart(ctx, cr.ID, client.ExecStartOptions{Detach: true})
			e.rec.add("start detached", nil, err)
			_, err = s.ExecStart(ctx, cr.ID, client.ExecStartOptions{Detach: true})
			e.rec.add("start a running exec", nil, err)
		}
		cr, err = s.ExecCreate(ctx, box, client.ExecCreateOptions{Cmd: []string{"nosuchcmd"}})
		e.rec.add("create detached, unknown command", nil, err)
		if err == nil {
			_, err = s.ExecStart(ctx, cr.ID, client.ExecStartOptions{Detach: true})
			e.rec.add("start detached, unknown command", nil, err)
		}

		zero := 0
		_, err = e.api.ContainerStop(ctx, box, client.ContainerStopOptions{Timeout: &zero})
		e.rec.add("stop box", nil, err)
		e.wait(ctx, "wait box", box, container.WaitConditionNotRunning)
		_, err = s.ExecCreate(ctx, box, client.ExecCreateOptions{AttachStdout: true, Cmd: []string{"true"}})
		e.rec.add("exec in a stopped container", nil, err)
		created := e.create(ctx, "created", nil, nil, "sleep", "600")
		_, err = s.ExecCreate(ctx, created, client.ExecCreateOptions{AttachStdout: true, Cmd: []string{"true"}})
		e.rec.add("exec in a created container", nil, err)
		_, err = s.ExecCreate(ctx, e.name("nope"), client.ExecCreateOptions{AttachStdout: true, Cmd: []string{"true"}})
		e.rec.add("exec in a missing container", nil, err)
	}})
}
