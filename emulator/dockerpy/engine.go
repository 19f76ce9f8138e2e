package dockerpy

import (
	"context"
	"io"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
)

// Engine is what this package calls: emulator.API, the part of moby's
// client.APIClient (github.com/moby/moby/client v0.6.2) the emulator implements,
// with identical signatures, so *client.Client (a real dockerd or `reconciler
// engine serve`) and *emulator.Engine both satisfy it unchanged.
type Engine = emulator.API

// logsEngine is the optional ContainerLogs method. Attached runs return the
// container's output only when the engine has it (as docker-py returns None
// when the log driver cannot be read).
type logsEngine interface {
	ContainerLogs(ctx context.Context, container string, options client.ContainerLogsOptions) (client.ContainerLogsResult, error)
}

// buildEngine is the optional ImageBuild method used by Images.Build.
type buildEngine interface {
	ImageBuild(ctx context.Context, buildContext io.Reader, options client.ImageBuildOptions) (client.ImageBuildResult, error)
}

// The moby client satisfies every interface here.
var (
	_ Engine      = (*client.Client)(nil)
	_ logsEngine  = (*client.Client)(nil)
	_ buildEngine = (*client.Client)(nil)
)
