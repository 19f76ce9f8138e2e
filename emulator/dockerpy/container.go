package dockerpy

import (
	"context"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Container is docker-py's Container model: the inspect document it was
// loaded with (Attrs) and the calls on that container. Attrs is a snapshot:
// it changes only on Reload, never behind the caller's back.
type Container struct {
	client *Client
	attrs  container.InspectResponse
	sparse bool
}

// Attrs is the inspect document (GET /containers/{id}/json) as last loaded.
func (c *Container) Attrs() container.InspectResponse { return c.attrs }

// ID is the full 64-hex container id.
func (c *Container) ID() string { return c.attrs.ID }

// ShortID is the first 12 characters of the id (docker-py 6.0+).
func (c *Container) ShortID() string { return short(c.attrs.ID, 12) }

// Name is the container name without dockerd's leading slash.
func (c *Container) Name() string { return strings.TrimPrefix(c.attrs.Name, "/") }

// Status is State.Status as last loaded: "created", "running", "paused",
// "restarting", "removing", "exited" or "dead".
func (c *Container) Status() string {
	if c.attrs.State == nil {
		return ""
	}
	return string(c.attrs.State.Status)
}

// Labels are Config.Labels as last loaded (an empty, non-nil map when none).
func (c *Container) Labels() map[string]string {
	if c.attrs.Config == nil || c.attrs.Config.Labels == nil {
		return map[string]string{}
	}
	return c.attrs.Config.Labels
}

// Health is State.Health.Status, or "unknown" without a healthcheck (docker-py 7).
func (c *Container) Health() string {
	if c.attrs.State == nil || c.attrs.State.Health == nil || c.attrs.State.Health.Status == "" {
		return "unknown"
	}
	return string(c.attrs.State.Health.Status)
}

// Ports is NetworkSettings.Ports as last loaded.
func (c *Container) Ports() network.PortMap {
	if c.attrs.NetworkSettings == nil {
		return nil
	}
	return c.attrs.NetworkSettings.Ports
}

// Image loads the container's image (docker-py's container.image).
func (c *Container) Image(ctx context.Context) (*Image, error) {
	return c.client.Images.Get(ctx, c.attrs.Image)
}

// Reload re-inspects the container and replaces Attrs.
func (c *Container) Reload(ctx context.Context) error {
	res, err := c.client.engine.ContainerInspect(ctx, c.attrs.ID, client.ContainerInspectOptions{})
	if err != nil {
		return wrap(err)
	}
	c.attrs, c.sparse = res.Container, false
	return nil
}

// Start starts the container; Attrs are not reloaded (as docker-py).
func (c *Container) Start(ctx context.Context) error {
	_, err := c.client.engine.ContainerStart(ctx, c.attrs.ID, client.ContainerStartOptions{})
	return wrap(err)
}

// Stop stops the container; timeout nil uses the container's stop timeout.
func (c *Container) Stop(ctx context.Context, timeout *int) error {
	_, err := c.client.engine.ContainerStop(ctx, c.attrs.ID, client.ContainerStopOptions{Timeout: timeout})
	return wrap(err)
}

// Restart restarts the container; timeout nil uses the container's stop timeout.
func (c *Container) Restart(ctx context.Context, timeout *int) error {
	_, err := c.client.engine.ContainerRestart(ctx, c.attrs.ID, client.ContainerRestartOptions{Timeout: timeout})
	return wrap(err)
}

// Kill sends signal ("" means SIGKILL).
func (c *Container) Kill(ctx context.Context, signal string) error {
	_, err := c.client.engine.ContainerKill(ctx, c.attrs.ID, client.ContainerKillOptions{Signal: signal})
	return wrap(err)
}

// Pause pauses the container.
func (c *Container) Pause(ctx context.Context) error {
	_, err := c.client.engine.ContainerPause(ctx, c.attrs.ID, client.ContainerPauseOptions{})
	return wrap(err)
}

// Unpause unpauses the container.
func (c *Container) Unpause(ctx context.Context) error {
	_, err := c.client.engine.ContainerUnpause(ctx, c.attrs.ID, client.ContainerUnpauseOptions{})
	return wrap(err)
}

// Rename renames the container; Attrs are not reloaded.
func (c *Container) Rename(ctx context.Context, name string) error {
	_, err := c.client.engine.ContainerRename(ctx, c.attrs.ID, client.ContainerRenameOptions{NewName: name})
	return wrap(err)
}

// RemoveOptions are docker-py's container.remove arguments.
type RemoveOptions struct {
	// V removes the container's anonymous volumes.
	V bool
	// Link removes the link (legacy links only).
	Link bool
	// Force kills a running container first.
	Force bool
}

// Remove removes the container.
func (c *Container) Remove(ctx context.Context, opts RemoveOptions) error {
	_, err := c.client.engine.ContainerRemove(ctx, c.attrs.ID, client.ContainerRemoveOptions{RemoveVolumes: opts.V, RemoveLinks: opts.Link, Force: opts.Force})
	return wrap(err)
}

// WaitResult is docker-py's wait() dict: {"StatusCode": N, "Error": ...}.
type WaitResult struct {
	StatusCode int64
	Error      string
}

// Wait blocks until the container meets condition ("" means not-running) or
// ctx ends.
func (c *Container) Wait(ctx context.Context, condition container.WaitCondition) (WaitResult, error) {
	if condition == "" {
		condition = container.WaitConditionNotRunning
	}
	w := c.client.engine.ContainerWait(ctx, c.attrs.ID, client.ContainerWaitOptions{Condition: condition})
	select {
	case r := <-w.Result:
		out := WaitResult{StatusCode: r.StatusCode}
		if r.Error != nil {
			out.Error = r.Error.Message
		}
		return out, nil
	case err := <-w.Error:
		return WaitResult{}, wrap(err)
	}
}

// short returns the first n characters of s, or s when shorter.
func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
