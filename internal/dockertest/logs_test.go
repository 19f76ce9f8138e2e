package dockertest_test

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/internal/dockertest"
)

// createTTY makes a labelled busybox container with a TTY running cmd.
func (e *env) createTTY(ctx context.Context, name string, cmd ...string) string {
	res, err := e.api.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name:   e.name(name),
		Config: &container.Config{Image: dockertest.Image, Cmd: cmd, Labels: e.labels(), Tty: true},
	})
	e.rec.add("create "+name, nil, err)
	if err == nil {
		e.rec.known(res.ID, name)
	}
	return res.ID
}

// run starts ref and waits for it to exit.
func (e *env) run(ctx context.Context, name, ref string) {
	e.start(ctx, "start "+name, ref)
	e.wait(ctx, "wait "+name, ref, container.WaitConditionNotRunning)
}

// TestDiffLogs compares ContainerLogs of exited containers: multiplexed frames
// (one per line, stream ids 1 and 2) without a TTY, with stream selection,
// timestamps and tail; raw bytes with a TTY; and the errors.
func TestDiffLogs(t *testing.T) {
	runDiff(t, scenario{"logs", func(ctx context.Context, t *testing.T, e *env) {
		s := e.streams(t)
		both := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true}
		mixed := e.create(ctx, "mixed", nil, nil, "sh", "-c",
			"echo out1; echo err1 >&2; echo 'out 2  spaced'; echo err2 >&2; echo; echo out3")
		e.run(ctx, "mixed", mixed)
		r, err := s.ContainerLogs(ctx, mixed, both)
		e.multiplexed("logs", r, err, true)
		r, err = s.ContainerLogs(ctx, mixed, client.ContainerLogsOptions{ShowStdout: true})
		e.multiplexed("logs stdout only", r, err, true)
		r, err = s.ContainerLogs(ctx, mixed, client.ContainerLogsOptions{ShowStderr: true})
		e.multiplexed("logs stderr only", r, err, true)
		r, err = s.ContainerLogs(ctx, mixed, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true})
		if err != nil {
			e.rec.add("logs --timestamps", nil, err)
		} else {
			b, rerr := readStream(r)
			r.Close()
			frames, ferr := demux(b)
			frames, ordered := stamped(frames)
			got := byStream(frames, true)
			got["stamps ordered"] = ordered
			if ferr != nil {
				got["framing error"] = ferr.Error()
			}
			if rerr != nil {
				got["read error"] = rerr.Error()
			}
			e.rec.add("logs --timestamps", got, nil)
		}

		partial := e.create(ctx, "partial", nil, nil, "sh", "-c", "echo whole; printf no-newline")
		e.run(ctx, "partial", partial)
		r, err = s.ContainerLogs(ctx, partial, both)
		e.multiplexed("logs of a last line without newline", r, err, true)

		lines := e.create(ctx, "lines", nil, nil, "sh", "-c", "echo l1; echo l2; echo l3; echo l4; echo l5")
		e.run(ctx, "lines", lines)
		for _, tail := range []string{"2", "0", "all", "10", ""} {
			r, err := s.ContainerLogs(ctx, lines, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: tail})
			e.multiplexed("logs --tail="+tail, r, err, true)
		}

		tty := e.createTTY(ctx, "tty", "sh", "-c", "echo out1; echo err1 >&2; echo out2")
		e.run(ctx, "tty", tty)
		r, err = s.ContainerLogs(ctx, tty, both)
		e.raw("tty logs", r, err)
		r, err = s.ContainerLogs(ctx, tty, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Tail: "1"})
		e.raw("tty logs --tail=1", r, err)

		_, err = s.ContainerLogs(ctx, mixed, client.ContainerLogsOptions{})
		e.rec.add("logs of no stream", nil, err)
		_, err = s.ContainerLogs(ctx, e.name("nope"), both)
		e.rec.add("logs of a missing container", nil, err)
	}})
}

// TestDiffAttach compares what an attach made before start receives until
// the container exits: multiplexed stdout and stderr without a TTY, raw bytes
// with one; and an attach with logs=1 and no stream after the exit.
func TestDiffAttach(t *testing.T) {
	runDiff(t, scenario{"attach", func(ctx context.Context, t *testing.T, e *env) {
		s := e.streams(t)
		opts := client.ContainerAttachOptions{Stream: true, Stdout: true, Stderr: true}
		plain := e.create(ctx, "plain", nil, nil, "sh", "-c", "echo out1; echo err1 >&2; echo out2; exit 4")
		att, err := s.ContainerAttach(ctx, plain, opts)
		if err != nil {
			e.rec.add("attach plain", nil, err)
		} else {
			r := hijacked{att.HijackedResponse}
			wait := readAsync(r)
			e.run(ctx, "plain", plain)
			e.multiplexedBytes("attach plain output", live(wait), r, false)
			r.Close()
		}
		replay, err := s.ContainerAttach(ctx, plain, client.ContainerAttachOptions{Logs: true, Stdout: true, Stderr: true})
		if err != nil {
			e.rec.add("attach logs=1 after exit", nil, err)
		} else {
			e.multiplexed("attach logs=1 after exit", hijacked{replay.HijackedResponse}, nil, false)
		}

		tty := e.createTTY(ctx, "tty", "sh", "-c", "echo out1; echo err1 >&2; exit 5")
		att, err = s.ContainerAttach(ctx, tty, opts)
		if err != nil {
			e.rec.add("attach tty", nil, err)
		} else {
			r := hijacked{att.HijackedResponse}
			wait := readAsync(r)
			e.run(ctx, "tty", tty)
			e.rawBytes("attach tty output", live(wait), r)
			r.Close()
		}
		_, err = s.ContainerAttach(ctx, e.name("nope"), opts)
		e.rec.add("attach to a missing container", nil, err)
	}})
}
