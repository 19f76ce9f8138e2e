package emulator

import (
	"context"
	"errors"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/process"
	"github.com/reconciler/reconciler/emulator/shell"
)

// ContainerStart starts a container: its endpoints get addresses, its ports are bound
// (a taken host port fails the start and leaves ExitCode 128 and State.Error, as
// dockerd does). Starting a running container is "not modified" (nil error, as
// moby's client reports a 304).
func (e *Engine) ContainerStart(ctx context.Context, ref string, options client.ContainerStartOptions) (client.ContainerStartResult, error) {
	err := e.updateOp(ctx, OpContainerStart, faultTarget{ref: ref, kind: 'c'}, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if c.State.Paused {
			return errConflict("cannot start a paused container, try unpause instead")
		}
		if c.State.Running {
			return errNotModified
		}
		return t.start(cloneContainer(c))
	})
	return client.ContainerStartResult{}, notModified(ctx, err)
}

func (t *txn) start(c *ctrRec) error {
	// Everything that can fail is checked before anything changes.
	names := slices.Sorted(maps.Keys(c.Networks))
	for _, name := range names {
		if _, err := t.s.lookupNetwork(name); err != nil {
			return err
		}
	}
	if mode := c.netMode(); strings.HasPrefix(mode, "container:") {
		other, err := t.s.lookupContainer(strings.TrimPrefix(mode, "container:"))
		if err != nil {
			return err
		}
		if !other.State.Running {
			return errConflict("cannot join network of a non running container: %s", other.ID)
		}
	}
	spec, err := t.procSpec(c)
	if err != nil {
		// dockerd: the start fails (400) and the container keeps exit code
		// 127 (not found) or 126 (not executable).
		c.State.ExitCode = 127
		if nf := (*shell.NotFoundError)(nil); errors.As(err, &nf) {
			c.State.ExitCode = nf.ExitCode()
		}
		c.State.Error = err.Error()
		t.putContainer(c)
		return keep{err}
	}
	ports, err := t.s.bindPorts(c, newID())
	if err != nil {
		c.State.ExitCode = 128
		c.State.Error = err.Error()
		t.putContainer(c)
		return keep{err}
	}
	for _, name := range names {
		n, _ := t.s.lookupNetwork(name)
		if err := t.attach(c, n, c.Networks[name]); err != nil {
			return err
		}
	}
	for _, m := range c.Mounts {
		if m.Type == "volume" {
			if v := t.s.volumes[m.Name]; v != nil {
				t.volumeEvent(events.ActionMount, v, map[string]string{"container": c.ID, "destination": m.Destination,
					"propagation": string(m.Propagation), "read/write": strconv.FormatBool(m.RW)})
			}
		}
	}
	c.Ports = ports
	c.keepRunLines()
	c.Proc = spec
	c.Runs = append(c.Runs, process.Run{Start: t.now})
	if len(c.Runs) > maxRuns {
		c.Runs = c.Runs[len(c.Runs)-maxRuns:]
	}
	c.State = ctrState{
		Status: container.StateRunning, Running: true, Pid: simulatedPid(c), StartedAt: t.now,
		FinishedAt: c.State.FinishedAt,
	}
	if hc := c.Config.Healthcheck; hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE" {
		c.State.Health = &container.Health{Status: container.Starting, Log: []*container.HealthcheckResult{}}
	}
	t.putContainer(c)
	t.containerEvent(events.ActionStart, c, nil)
	return nil
}

// exit records that c's process ended with code: endpoints and ports are released
// and die is emitted. kill is the signal that caused it ("" for none).
func (t *txn) exit(c *ctrRec, code int, kill string) {
	if kill != "" {
		t.containerEvent(events.ActionKill, c, map[string]string{"signal": kill})
	}
	c.State.Running, c.State.Paused, c.State.Restarting = false, false, false
	c.State.Status = container.StateExited
	c.State.Pid = 0
	c.State.ExitCode = code
	c.State.FinishedAt = t.now
	c.Tmpfs = nil // tmpfs contents die with the process
	if r := c.lastRun(); r != nil && r.End.IsZero() {
		*r = r.Resume(t.now) // a paused process can be killed: its pause ends
		r.End, r.ExitCode = t.now, code
	}
	c.Ports = nil
	t.containerEvent(events.ActionDie, c, map[string]string{"exitCode": strconv.Itoa(code)})
	for _, name := range slices.Sorted(maps.Keys(c.Networks)) {
		t.detach(c, c.Networks[name])
	}
	for _, m := range c.Mounts {
		if m.Type == "volume" {
			if v := t.s.volumes[m.Name]; v != nil {
				t.volumeEvent(events.ActionUnmount, v, map[string]string{"container": c.ID})
			}
		}
	}
	t.putContainer(c)
}

// afterExit applies what follows a die: a stop in progress completes
// (finishStop); else the restart policy (unless manual: a kill) and
// AutoRemove. A restart waits dockerd's backoff (100ms, doubling up to a
// minute, reset after a run of 10s) in state restarting; the restart itself
// re-runs the command (transition -> start), so each run prints afresh.
func (t *txn) afterExit(c *ctrRec, manual bool) error {
	if p := c.stopPending(); p != nil {
		return t.finishStop(c, p)
	}
	rp := c.HostConfig.RestartPolicy
	restart := !manual && (rp.Name == container.RestartPolicyAlways || rp.Name == container.RestartPolicyUnlessStopped ||
		(rp.Name == container.RestartPolicyOnFailure && c.State.ExitCode != 0 &&
			(rp.MaximumRetryCount == 0 || c.RestartCount < rp.MaximumRetryCount)))
	if restart {
		c.RestartCount++
		switch {
		case c.RestartDelay == 0 || t.now.Sub(c.State.StartedAt) >= 10*time.Second:
			c.RestartDelay = minRestartDelay
		default:
			c.RestartDelay = min(2*c.RestartDelay, maxRestartDelay)
		}
		c.State.Restarting, c.State.Status = true, container.StateRestarting
		c.RestartAt = t.now.Add(c.RestartDelay)
		t.putContainer(c)
		return nil
	}
	if c.HostConfig.AutoRemove {
		return t.removeContainer(c, true, true)
	}
	return nil
}

// ignoresTerm reports whether the container's PID 1 ignores SIGTERM/SIGINT: a shell
// or sleep run as PID 1 has no default handlers, so only SIGKILL ends it.
func (c *ctrRec) ignoresTerm() bool {
	switch path.Base(c.Path) {
	case "sh", "bash", "ash", "dash", "sleep", "tail", "cat", "top":
		return true
	}
	return false
}

// parseSignal reads a signal name ("SIGTERM", "TERM", "RTMIN+3") or number
// as dockerd does (process.ParseSignal); a bad one is dockerd's 400
// "Invalid signal: FOO".
func parseSignal(s string) (syscall.Signal, error) {
	n, err := process.ParseSignal(s)
	if err != nil {
		return 0, errInvalid("%s", err.Error())
	}
	return syscall.Signal(n), nil
}

// signalExit decides what a signal does to c's process: whether it ends and with
// which exit code.
func (c *ctrRec) signalExit(sig syscall.Signal) (exits bool, code int) {
	if c.Proc != nil {
		exits, code, _ := c.Proc.Response(int(sig))
		return exits, code
	}
	switch sig {
	case syscall.SIGKILL:
		return true, 137
	case syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGCHLD, syscall.SIGCONT, syscall.SIGURG:
		return false, 0
	case syscall.SIGSTOP, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return false, 0
	}
	if c.ignoresTerm() {
		return false, 0
	}
	stop := syscall.SIGTERM
	if c.Config.StopSignal != "" {
		if s, err := parseSignal(c.Config.StopSignal); err == nil {
			stop = s
		}
	}
	if sig == stop || sig == syscall.SIGTERM {
		return true, 0
	}
	return true, 128 + int(sig)
}

// ContainerKill sends a signal (default SIGKILL) to a running container. A kill
// that ends the process counts as a manual stop: the restart policy does not
// restart it.
func (e *Engine) ContainerKill(ctx context.Context, ref string, options client.ContainerKillOptions) (client.ContainerKillResult, error) {
	name := options.Signal
	if name == "" {
		name = "SIGKILL"
	}
	sig, err := parseSignal(name)
	if err != nil {
		return client.ContainerKillResult{}, err
	}
	err = e.updateOp(ctx, OpContainerKill, faultTarget{ref: ref, kind: 'c'}, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if !c.State.Running {
			return errConflict("Cannot kill container: %s: Container %s is not running", ref, c.ID)
		}
		c = cloneContainer(c)
		exits, code := c.signalExit(sig)
		if c.State.Paused && sig != syscall.SIGKILL {
			exits = false
		}
		if !exits {
			t.containerEvent(events.ActionKill, c, map[string]string{"signal": strconv.Itoa(int(sig))})
			return nil
		}
		t.exit(c, code, strconv.Itoa(int(sig)))
		// dockerd marks a killed container manually stopped: no restart policy
		// applies until it is started again (AutoRemove still does).
		return t.afterExit(c, true)
	})
	return client.ContainerKillResult{}, err
}

// ContainerPause pauses a running container until ContainerUnpause: its
// command does nothing but its timers run on, as under dockerd's freezer (a
// `sleep 5` paused from 1 s to 4 s still exits at 5 s; paused until 7 s, it
// exits at the unpause), health probes do not run and its CPU time does not
// grow.
func (e *Engine) ContainerPause(ctx context.Context, ref string, options client.ContainerPauseOptions) (client.ContainerPauseResult, error) {
	err := e.update(ctx, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if !c.State.Running {
			return errConflict("Container %s is not running", c.ID)
		}
		if c.State.Paused {
			return errConflict("Container %s is already paused", c.ID)
		}
		c = cloneContainer(c)
		c.State.Paused, c.State.Status = true, container.StatePaused
		c.pauseRun(t.now, true)
		t.putContainer(c)
		t.containerEvent(events.ActionPause, c, nil)
		return nil
	})
	return client.ContainerPauseResult{}, err
}

// ContainerUnpause resumes a paused container.
func (e *Engine) ContainerUnpause(ctx context.Context, ref string, options client.ContainerUnpauseOptions) (client.ContainerUnpauseResult, error) {
	err := e.update(ctx, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if !c.State.Paused {
			return errInternal("Container %s is not paused", c.ID)
		}
		c = cloneContainer(c)
		c.State.Paused, c.State.Status = false, container.StateRunning
		c.pauseRun(t.now, false)
		t.putContainer(c)
		t.containerEvent(events.ActionUnPause, c, nil)
		return nil
	})
	return client.ContainerUnpauseResult{}, err
}

// simulatedPid is a stable, plausible host pid for a container's current run.
func simulatedPid(c *ctrRec) int { return 1000 + int(c.Seq%3000)*10 + c.RestartCount%10 }
