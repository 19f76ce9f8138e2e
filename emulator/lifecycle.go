package emulator

import (
	"context"
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
)

// ContainerStart starts a container: its endpoints get addresses, its ports are bound
// (a taken host port fails the start and leaves ExitCode 128 and State.Error, as
// dockerd does). Starting a running container is "not modified" (nil error, as
// moby's client reports a 304).
func (e *Engine) ContainerStart(ctx context.Context, ref string, options client.ContainerStartOptions) (client.ContainerStartResult, error) {
	if err := e.faultContainer(ctx, OpContainerStart, ref); err != nil { // fault injection (faults.go)
		return client.ContainerStartResult{}, err
	}
	err := e.update(ctx, func(t *txn) error {
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
		// dockerd: the start fails (400) and the container keeps exit code 127.
		c.State.ExitCode = 127
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
	if n := len(c.Runs); n > 0 && c.Runs[n-1].End.IsZero() {
		c.Runs[n-1].End, c.Runs[n-1].ExitCode = t.now, code
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

// afterExit applies the restart policy and AutoRemove to a container that exited on
// its own or by a signal other than a stop. A restart waits dockerd's backoff
// (100ms, doubling up to a minute, reset after a run of 10s) in state restarting.
func (t *txn) afterExit(c *ctrRec, manual bool) error {
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

// stop sends the stop signal and, when the process ignores it, SIGKILL after the
// timeout (the emulator does not wait: the kill happens in the same call).
func (t *txn) stop(c *ctrRec, signal string) error {
	sigName := signal
	if sigName == "" {
		sigName = c.Config.StopSignal
	}
	if sigName == "" {
		sigName = "SIGTERM"
	}
	sig, err := parseSignal(sigName)
	if err != nil {
		return err
	}
	t.containerEvent(events.ActionKill, c, map[string]string{"signal": strconv.Itoa(int(sig))})
	if exits, code := c.signalExit(sig); exits {
		t.exit(c, code, "")
	} else {
		t.exit(c, 137, "9")
	}
	t.containerEvent(events.ActionStop, c, nil)
	return nil
}

// ContainerStop stops a running container. Stopping a stopped one is "not
// modified" (nil error, as moby's client reports a 304).
func (e *Engine) ContainerStop(ctx context.Context, ref string, options client.ContainerStopOptions) (client.ContainerStopResult, error) {
	if err := e.faultContainer(ctx, OpContainerStop, ref); err != nil { // fault injection (faults.go)
		return client.ContainerStopResult{}, err
	}
	err := e.update(ctx, func(t *txn) error {
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
		if err := t.stop(c, options.Signal); err != nil {
			return err
		}
		if c.HostConfig.AutoRemove {
			return t.removeContainer(c, true, true)
		}
		return nil
	})
	return client.ContainerStopResult{}, notModified(ctx, err)
}

// ContainerRestart stops (if running) and starts a container.
func (e *Engine) ContainerRestart(ctx context.Context, ref string, options client.ContainerRestartOptions) (client.ContainerRestartResult, error) {
	if err := e.faultContainer(ctx, OpContainerRestart, ref); err != nil { // fault injection (faults.go)
		return client.ContainerRestartResult{}, err
	}
	err := e.update(ctx, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		c = cloneContainer(c)
		if c.State.Running || c.State.Restarting {
			if err := t.stop(c, options.Signal); err != nil {
				return err
			}
		}
		if err := t.start(c); err != nil {
			return err
		}
		t.containerEvent(events.ActionRestart, c, nil)
		return nil
	})
	return client.ContainerRestartResult{}, err
}

// ContainerKill sends a signal (default SIGKILL) to a running container. A kill
// that ends the process counts as a manual stop: the restart policy does not
// restart it.
func (e *Engine) ContainerKill(ctx context.Context, ref string, options client.ContainerKillOptions) (client.ContainerKillResult, error) {
	if err := e.faultContainer(ctx, OpContainerKill, ref); err != nil { // fault injection (faults.go)
		return client.ContainerKillResult{}, err
	}
	name := options.Signal
	if name == "" {
		name = "SIGKILL"
	}
	sig, err := parseSignal(name)
	if err != nil {
		return client.ContainerKillResult{}, err
	}
	err = e.update(ctx, func(t *txn) error {
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

// ContainerPause pauses a running container.
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
		t.putContainer(c)
		t.containerEvent(events.ActionUnPause, c, nil)
		return nil
	})
	return client.ContainerUnpauseResult{}, err
}

// ContainerWait waits for a container to reach the condition: not-running (default;
// at once for a container that is not running), next-exit, or removed. Exits made by
// other processes are seen through the event log.
func (e *Engine) ContainerWait(ctx context.Context, ref string, options client.ContainerWaitOptions) client.ContainerWaitResult {
	resC := make(chan container.WaitResponse, 1)
	errC := make(chan error, 1)
	out := client.ContainerWaitResult{Result: resC, Error: errC}
	cond := options.Condition
	switch cond {
	case "", container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
	default:
		errC <- errInvalid("invalid condition: %q", cond)
		return out
	}
	var id string
	var code int
	var running bool
	var seq int64
	err := e.view(ctx, func(s *state) error {
		c, err := s.lookupContainer(ref)
		if err != nil {
			return err
		}
		id, code, running = c.ID, c.State.ExitCode, c.State.Running || c.State.Restarting
		seq, err = e.st.lastEventSeq(ctx)
		return err
	})
	if err != nil {
		errC <- err
		return out
	}
	if (cond == "" || cond == container.WaitConditionNotRunning) && !running {
		resC <- container.WaitResponse{StatusCode: int64(code)}
		return out
	}
	e.streams.Add(1)
	go func() {
		defer e.streams.Done()
		err := e.watch(ctx, seq, zeroTime, func(evs []storedEvent) (bool, error) {
			for _, ev := range evs {
				if ev.msg.Type != events.ContainerEventType || ev.msg.Actor.ID != id {
					continue
				}
				switch ev.msg.Action {
				case events.ActionDie:
					code, _ = strconv.Atoi(ev.msg.Actor.Attributes["exitCode"])
					if cond != container.WaitConditionRemoved {
						resC <- container.WaitResponse{StatusCode: int64(code)}
						return false, nil
					}
				case events.ActionDestroy:
					resC <- container.WaitResponse{StatusCode: int64(code)}
					return false, nil
				}
			}
			return true, nil
		})
		if err != nil {
			errC <- err
		}
	}()
	return out
}

// simulatedPid is a stable, plausible host pid for a container's current run.
func simulatedPid(c *ctrRec) int { return 1000 + int(c.Seq%3000)*10 + c.RestartCount%10 }
