package api

import (
	"context"
	"io"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
)

// Backend is what the handler needs from an engine: emulator.API, the subset of
// moby's client.APIClient the emulator implements, with identical signatures, so
// *emulator.Engine and even a *client.Client talking to another daemon satisfy it
// unchanged. Optional capabilities are the smaller interfaces below.
type Backend = emulator.API

// Optional capabilities. The handler detects each with a type assertion on the
// Backend; when one is missing, its endpoints answer 501 with a message naming
// the missing capability, and nothing else changes.

// LogsBackend serves GET /containers/{id}/logs. The returned stream must already be
// in wire form: stdcopy-multiplexed frames without a TTY, raw bytes with one.
type LogsBackend interface {
	ContainerLogs(ctx context.Context, container string, options client.ContainerLogsOptions) (client.ContainerLogsResult, error)
}

// AttachBackend serves POST /containers/{id}/attach (hijacked or inline).
type AttachBackend interface {
	ContainerAttach(ctx context.Context, container string, options client.ContainerAttachOptions) (client.ContainerAttachResult, error)
}

// ExecBackend serves POST /containers/{id}/exec and /exec/{id}/{start,json,resize}.
type ExecBackend interface {
	ExecCreate(ctx context.Context, container string, options client.ExecCreateOptions) (client.ExecCreateResult, error)
	ExecInspect(ctx context.Context, execID string, options client.ExecInspectOptions) (client.ExecInspectResult, error)
	ExecStart(ctx context.Context, execID string, options client.ExecStartOptions) (client.ExecStartResult, error)
	ExecAttach(ctx context.Context, execID string, options client.ExecAttachOptions) (client.ExecAttachResult, error)
}

// StatsBackend serves GET /containers/{id}/stats; the body is the wire JSON stream.
type StatsBackend interface {
	ContainerStats(ctx context.Context, container string, options client.ContainerStatsOptions) (client.ContainerStatsResult, error)
}

// BuildBackend serves POST /build; the body of the result is the wire JSON stream.
type BuildBackend interface {
	ImageBuild(ctx context.Context, buildContext io.Reader, options client.ImageBuildOptions) (client.ImageBuildResult, error)
}

// ArchiveBackend serves HEAD, GET and PUT /containers/{id}/archive. Paths reaching
// it are absolute and cleaned ("/a/../../b" arrives as "/b"), so they never name
// anything outside the container's root.
type ArchiveBackend interface {
	ContainerStatPath(ctx context.Context, container string, options client.ContainerStatPathOptions) (client.ContainerStatPathResult, error)
	CopyFromContainer(ctx context.Context, container string, options client.CopyFromContainerOptions) (client.CopyFromContainerResult, error)
	CopyToContainer(ctx context.Context, container string, options client.CopyToContainerOptions) (client.CopyToContainerResult, error)
}

// ResizeBackend serves POST /containers/{id}/resize and /exec/{id}/resize (the
// docker CLI sends them for -t sessions).
type ResizeBackend interface {
	ContainerResize(ctx context.Context, container string, options client.ContainerResizeOptions) (client.ContainerResizeResult, error)
	ExecResize(ctx context.Context, execID string, options client.ExecResizeOptions) (client.ExecResizeResult, error)
}

// UpdateBackend serves POST /containers/{id}/update.
type UpdateBackend interface {
	ContainerUpdate(ctx context.Context, container string, updateConfig client.ContainerUpdateOptions) (client.ContainerUpdateResult, error)
}

// BuildCachePruner serves POST /build/prune. Without it the handler answers an
// empty report: an engine with no builder has no build cache to reclaim.
type BuildCachePruner interface {
	BuildCachePrune(ctx context.Context, opts client.BuildCachePruneOptions) (client.BuildCachePruneResult, error)
}

// CommitBackend serves POST /commit.
type CommitBackend interface {
	ContainerCommit(ctx context.Context, container string, options client.ContainerCommitOptions) (client.ContainerCommitResult, error)
}

// DiffBackend serves GET /containers/{id}/changes.
type DiffBackend interface {
	ContainerDiff(ctx context.Context, container string, options client.ContainerDiffOptions) (client.ContainerDiffResult, error)
}

// ExportBackend serves GET /containers/{id}/export (a tar stream).
type ExportBackend interface {
	ContainerExport(ctx context.Context, container string, options client.ContainerExportOptions) (client.ContainerExportResult, error)
}

// ImageArchiveBackend serves GET /images/get, GET /images/{name}/get and POST
// /images/load (tar archives of images).
type ImageArchiveBackend interface {
	ImageSave(ctx context.Context, images []string, opts ...client.ImageSaveOption) (client.ImageSaveResult, error)
	ImageLoad(ctx context.Context, input io.Reader, opts ...client.ImageLoadOption) (client.ImageLoadResult, error)
}
