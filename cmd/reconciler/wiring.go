package main

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/reconciler"
)

// openEmbedded opens the embedded engine stored at path.
func openEmbedded(path string) (reconciler.Engine, func() error, error) {
	e, err := emulator.Open(path)
	if err != nil {
		return nil, nil, err
	}
	return e, e.Close, nil
}

// openDocker connects to a real Docker Engine from the environment (DOCKER_HOST,
// DOCKER_API_VERSION, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY) and checks it answers.
// moby's *client.Client satisfies reconciler.Engine unchanged.
func openDocker(ctx context.Context) (*engineConn, error) {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("--engine docker: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := cli.Ping(pingCtx, client.PingOptions{}); err != nil {
		cli.Close()
		return nil, fmt.Errorf("--engine docker: engine at %s does not answer: %w", cli.DaemonHost(), err)
	}
	return &engineConn{Engine: cli, raw: cli, kind: engineDocker, where: cli.DaemonHost(), close: cli.Close}, nil
}
