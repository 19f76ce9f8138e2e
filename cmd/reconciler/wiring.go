package main

import (
	"context"
	"fmt"
	"os"
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

// openDocker connects to a real Docker Engine at the address the docker CLI would use
// (--host, DOCKER_HOST, DOCKER_CONTEXT, the config's currentContext; see dockerHost),
// with DOCKER_API_VERSION, DOCKER_CERT_PATH and DOCKER_TLS_VERIFY from the environment,
// and checks it answers.
// moby's *client.Client satisfies reconciler.Engine unchanged.
func openDocker(ctx context.Context, flagHost string) (*engineConn, error) {
	host, err := dockerHost(flagHost, os.Getenv, dockerConfigDir(os.Getenv))
	if err != nil {
		return nil, fmt.Errorf("--engine docker: %w", err)
	}
	opts := []client.Opt{client.FromEnv}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	cli, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("--engine docker: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// The ping also negotiates the API version, which the client would
	// otherwise do with a second /_ping before its first versioned call.
	if _, err := cli.Ping(pingCtx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		// A daemon that answers but whose version cannot be negotiated is
		// left to the client's lazy negotiation, as before; only one that
		// does not answer is an error here.
		if _, err := cli.Ping(pingCtx, client.PingOptions{}); err != nil {
			cli.Close()
			return nil, fmt.Errorf("--engine docker: engine at %s does not answer: %w", cli.DaemonHost(), err)
		}
	}
	return &engineConn{Engine: cli, raw: cli, kind: engineDocker, where: cli.DaemonHost(), close: cli.Close}, nil
}
