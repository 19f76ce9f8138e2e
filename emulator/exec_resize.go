package emulator

import (
	"context"
	"strconv"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// Resizing TTYs. The emulator keeps no terminal, so a resize changes no state
// anything shows; the methods only answer as dockerd does, so that clients
// (the docker CLI resizes every -t session) behave as against a daemon.

// ExecResize sets the TTY size of a running exec, as dockerd does: an unknown
// exec is not found ("No such exec instance: <id>"); a container that is not
// running, paused or restarting is a conflict, as for ExecStart; an exec that
// is not running (not started yet, or ended) has no process, which containerd
// reports as not found ("no such exec"). A running exec without a TTY accepts
// it with no effect, as containerd does.
func (e *Engine) ExecResize(ctx context.Context, execID string, options client.ExecResizeOptions) (client.ExecResizeResult, error) {
	err := e.view(ctx, func(s *state) error {
		c, x, err := s.lookupExec(execID)
		if err != nil {
			return err
		}
		if err := c.runnable(); err != nil {
			return err
		}
		if !x.running(c, e.now()) {
			return errNotFound("no such exec")
		}
		return nil
	})
	return client.ExecResizeResult{}, err
}

// ContainerResize sets the TTY size of a running (or paused) container's
// process and emits a resize event with its height and width, as dockerd
// does; a container that is not running is a conflict ("Container <id> is not
// running") and nothing changes.
func (e *Engine) ContainerResize(ctx context.Context, ref string, options client.ContainerResizeOptions) (client.ContainerResizeResult, error) {
	err := e.update(ctx, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		if !c.State.Running {
			return errConflict("Container %s is not running", c.ID)
		}
		t.containerEvent(events.Action("resize"), c, map[string]string{
			"height": strconv.FormatUint(uint64(options.Height), 10),
			"width":  strconv.FormatUint(uint64(options.Width), 10),
		})
		return nil
	})
	return client.ContainerResizeResult{}, err
}
