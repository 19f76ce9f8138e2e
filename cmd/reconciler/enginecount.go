package main

import (
	"context"
	"sync/atomic"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/reconciler"
)

// countingEngine counts the write calls made through it, so `--debug` can report
// them ("engine write calls: 0" proves a no-op up changed nothing).
type countingEngine struct {
	reconciler.Engine
	writes atomic.Int64
}

func (c *countingEngine) NetworkCreate(ctx context.Context, name string, o client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	c.writes.Add(1)
	return c.Engine.NetworkCreate(ctx, name, o)
}

func (c *countingEngine) NetworkRemove(ctx context.Context, n string, o client.NetworkRemoveOptions) (client.NetworkRemoveResult, error) {
	c.writes.Add(1)
	return c.Engine.NetworkRemove(ctx, n, o)
}

func (c *countingEngine) NetworkConnect(ctx context.Context, n string, o client.NetworkConnectOptions) (client.NetworkConnectResult, error) {
	c.writes.Add(1)
	return c.Engine.NetworkConnect(ctx, n, o)
}

func (c *countingEngine) NetworkDisconnect(ctx context.Context, n string, o client.NetworkDisconnectOptions) (client.NetworkDisconnectResult, error) {
	c.writes.Add(1)
	return c.Engine.NetworkDisconnect(ctx, n, o)
}

func (c *countingEngine) VolumeCreate(ctx context.Context, o client.VolumeCreateOptions) (client.VolumeCreateResult, error) {
	c.writes.Add(1)
	return c.Engine.VolumeCreate(ctx, o)
}

func (c *countingEngine) VolumeRemove(ctx context.Context, id string, o client.VolumeRemoveOptions) (client.VolumeRemoveResult, error) {
	c.writes.Add(1)
	return c.Engine.VolumeRemove(ctx, id, o)
}

func (c *countingEngine) ImagePull(ctx context.Context, ref string, o client.ImagePullOptions) (client.ImagePullResponse, error) {
	c.writes.Add(1)
	return c.Engine.ImagePull(ctx, ref, o)
}

func (c *countingEngine) ImageRemove(ctx context.Context, img string, o client.ImageRemoveOptions) (client.ImageRemoveResult, error) {
	c.writes.Add(1)
	return c.Engine.ImageRemove(ctx, img, o)
}

func (c *countingEngine) ContainerCreate(ctx context.Context, o client.ContainerCreateOptions) (client.ContainerCreateResult, error) {
	c.writes.Add(1)
	return c.Engine.ContainerCreate(ctx, o)
}

func (c *countingEngine) ContainerStart(ctx context.Context, id string, o client.ContainerStartOptions) (client.ContainerStartResult, error) {
	c.writes.Add(1)
	return c.Engine.ContainerStart(ctx, id, o)
}

func (c *countingEngine) ContainerStop(ctx context.Context, id string, o client.ContainerStopOptions) (client.ContainerStopResult, error) {
	c.writes.Add(1)
	return c.Engine.ContainerStop(ctx, id, o)
}

func (c *countingEngine) ContainerRemove(ctx context.Context, id string, o client.ContainerRemoveOptions) (client.ContainerRemoveResult, error) {
	c.writes.Add(1)
	return c.Engine.ContainerRemove(ctx, id, o)
}

func (c *countingEngine) ContainerRename(ctx context.Context, id string, o client.ContainerRenameOptions) (client.ContainerRenameResult, error) {
	c.writes.Add(1)
	return c.Engine.ContainerRename(ctx, id, o)
}
