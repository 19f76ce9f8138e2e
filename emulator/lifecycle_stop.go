package emulator

import (
	"context"
	"strconv"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// Stopping, as dockerd's containerStop does it: the stop signal (the call's,
// else Config.StopSignal, else SIGTERM) is sent; a process that exits on it
// dies at once (a server that shuts down cleanly: 0; a command run under
// `init: true`: 128+n, 143 for SIGTERM); one that ignores it (a shell or
// `sleep` as PID 1) keeps running until the timeout (the call's, else
// Config.StopTimeout, else 10s; -1: forever) and is then killed: kill
// (signal 9), die (137), FinishedAt = the stop time + the timeout. The stop in
// progress is stored with the container (pendingStop), so the kill happens at
// its time whoever observes the engine, and every process sees the container
// running until then. ContainerStop and ContainerRestart block until the stop
// completes, waiting on the engine clock (a fake clock must be advanced).

// defaultStopTimeout is dockerd's stop timeout when neither the call nor the
// container sets one.
const defaultStopTimeout = 10 * time.Second

// stopTimeout is the call's timeout (seconds), else the container's
// StopTimeout, else 10s; negative means wait forever.
func (c *ctrRec) stopTimeout(call *int) time.Duration {
	switch {
	case call != nil:
		return time.Duration(*call) * time.Second
	case c.Config.StopTimeout != nil:
		return time.Duration(*c.Config.StopTimeout) * time.Second
	}
	return defaultStopTimeout
}

// stopSignal is the call's signal, else the container's StopSignal, else
// SIGTERM; a bad one is dockerd's 400.
func (c *ctrRec) stopSignal(call string) (syscall.Signal, error) {
	name := call
	if name == "" {
		name = c.Config.StopSignal
	}
	if name == "" {
		return syscall.SIGTERM, nil
	}
	return parseSignal(name)
}

// unpausedBy reports whether sending sig to a paused c resumes it, as
// dockerd's killWithSignal does: for its stop signal and for SIGKILL.
func (c *ctrRec) unpausedBy(sig syscall.Signal) bool {
	if c.Config.StopSignal == "" || sig == syscall.SIGKILL {
		return true
	}
	own, err := parseSignal(c.Config.StopSignal)
	return err == nil && own == sig
}

// beginStop sends the stop signal to the running c (a clone the caller owns)
// and records the stop in progress; the process dies now when it exits on the
// signal or timeout is 0, else at the timeout (never when negative). done
// reports that the stop (and, with restart, the start) completed in this call.
func (t *txn) beginStop(c *ctrRec, sig syscall.Signal, timeout time.Duration, restart bool) (done bool, err error) {
	p := pendingStop{Since: t.now, Restart: restart}
	if timeout >= 0 {
		p.KillAt = t.now.Add(timeout)
	}
	if old := c.stopPending(); old != nil {
		// dockerd: each stop call kills at its own deadline; the earliest wins.
		p.Since, p.Restart = old.Since, old.Restart || restart
		if !old.KillAt.IsZero() && (p.KillAt.IsZero() || old.KillAt.Before(p.KillAt)) {
			p.KillAt = old.KillAt
		}
	}
	c.setStop(&p)
	t.containerEvent(events.ActionKill, c, map[string]string{"signal": strconv.Itoa(int(sig))})
	if c.State.Paused && c.unpausedBy(sig) {
		c.State.Paused, c.State.Status = false, container.StateRunning
		c.pauseRun(t.now, false)
		t.containerEvent(events.ActionUnPause, c, nil)
	}
	exits, code := c.signalExit(sig)
	if c.State.Paused && sig != syscall.SIGKILL {
		exits = false // a frozen process handles nothing
	}
	switch {
	case exits:
		t.exit(c, code, "")
	case !p.KillAt.IsZero() && !p.KillAt.After(t.now):
		t.exit(c, 137, strconv.Itoa(int(syscall.SIGKILL)))
	default:
		t.putContainer(c) // running until KillAt (transition) or its own exit
		return false, nil
	}
	return true, t.afterExit(c, true)
}

// finishStop completes the stop in progress p of c, whose process has just
// died: stop event; a restart starts it again (restart event); else
// AutoRemove removes it. No restart policy applies.
func (t *txn) finishStop(c *ctrRec, p *pendingStop) error {
	c.setStop(nil)
	t.containerEvent(events.ActionStop, c, nil)
	if p.Restart {
		if err := t.start(c); err != nil {
			c.State.Error = err.Error()
			t.putContainer(c)
			return nil // the failed start is recorded; the restart call reports it
		}
		t.containerEvent(events.ActionRestart, c, nil)
		return nil
	}
	if c.HostConfig.AutoRemove {
		return t.removeContainer(c, true, true)
	}
	t.putContainer(c)
	return nil
}

// ContainerStop stops a running container: the stop signal, then SIGKILL
// after the timeout (options.Timeout seconds, else Config.StopTimeout, else
// 10; -1 waits forever). It returns once the container has stopped, waiting
// on the engine clock; when ctx ends first it returns ctx's error and the stop
// carries on (the kill still happens at its time). Stopping a stopped one is
// "not modified" (nil error, as moby's client reports a 304).
func (e *Engine) ContainerStop(ctx context.Context, ref string, options client.ContainerStopOptions) (client.ContainerStopResult, error) {
	var id string
	done := true
	err := e.updateOp(ctx, OpContainerStop, faultTarget{ref: ref, kind: 'c'}, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if !c.State.Running && !c.State.Restarting {
			return errNotModified
		}
		c = cloneContainer(c)
		if c.State.Restarting {
			c.State.Restarting, c.State.Status = false, container.StateExited
			t.putContainer(c)
			t.containerEvent(events.ActionStop, c, nil)
			return nil
		}
		sig, err := c.stopSignal(options.Signal)
		if err != nil {
			return err
		}
		id = c.ID
		done, err = t.beginStop(c, sig, c.stopTimeout(options.Timeout), false)
		return err
	})
	if err == nil && !done {
		err = e.awaitStop(ctx, id)
	}
	return client.ContainerStopResult{}, notModified(ctx, err)
}

// ContainerRestart stops a running container as ContainerStop does (same
// signal and timeout rules, blocking on the engine clock) and starts it again
// at the time it stopped: kill, [kill 9,] die, stop, start, restart. A
// container that is not running is just started (start, restart).
func (e *Engine) ContainerRestart(ctx context.Context, ref string, options client.ContainerRestartOptions) (client.ContainerRestartResult, error) {
	var id string
	done := true
	err := e.updateOp(ctx, OpContainerRestart, faultTarget{ref: ref, kind: 'c'}, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		c = cloneContainer(c)
		id = c.ID
		if c.State.Running {
			sig, err := c.stopSignal(options.Signal)
			if err != nil {
				return err
			}
			done, err = t.beginStop(c, sig, c.stopTimeout(options.Timeout), true)
			if err == nil && done && !c.State.Running {
				err = keep{errInvalid("%s", c.State.Error)} // the start after the stop failed
			}
			return err
		}
		c.State.Restarting = false
		if err := t.start(c); err != nil {
			return err
		}
		t.containerEvent(events.ActionRestart, c, nil)
		return nil
	})
	if err == nil && !done {
		err = e.awaitStop(ctx, id)
	}
	return client.ContainerRestartResult{}, err
}

// awaitStop blocks until container id has no stop in progress (it stopped,
// was restarted, or was removed), waking on the engine clock at the stop's
// deadline and on every change of the store.
func (e *Engine) awaitStop(ctx context.Context, id string) error {
	seq, err := e.st.lastEventSeq(ctx)
	if err != nil {
		return err
	}
	return e.watch(ctx, seq, zeroTime, func([]storedEvent) (bool, error) {
		pending := false
		err := e.view(ctx, func(s *state) error {
			c := s.containers[id]
			pending = c != nil && c.stopPending() != nil
			return nil
		})
		return pending, err
	})
}
