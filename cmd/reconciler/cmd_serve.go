package main

import (
	"fmt"
	"net"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

// newEngineServeCmd is `engine serve`: the embedded engine over the Docker
// Engine API, so the docker CLI, docker-py or `--engine docker` can use it.
func newEngineServeCmd(a *app) *cobra.Command {
	var host string
	var allowRemote bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the embedded engine over the Docker Engine API (DOCKER_HOST for docker and docker-py)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			gcForLongRunning()
			if a.g.engine != engineEmbedded {
				return usageErrorf("engine serve serves the embedded engine; --engine %s is not served", a.g.engine)
			}
			path, err := a.g.statePath()
			if err != nil {
				return err
			}
			var l net.Listener
			switch {
			case strings.HasPrefix(host, "unix://"):
				l, err = api.ListenUnix(strings.TrimPrefix(host, "unix://"))
			case strings.HasPrefix(host, "tcp://"):
				l, err = api.ListenTCP(host, allowRemote)
			default:
				return usageErrorf("--host %q: want unix:///path or tcp://127.0.0.1:PORT", host)
			}
			if err != nil {
				return err
			}
			c, err := a.openEngine(cmd.Context())
			if err != nil {
				l.Close()
				return err
			}
			defer c.Close()
			eng, ok := c.raw.(*emulator.Engine)
			if !ok {
				l.Close()
				return notSupported("engine serve", c.kind)
			}
			scheme := "unix://"
			if l.Addr().Network() == "tcp" {
				scheme = "tcp://"
			}
			fmt.Fprintf(a.stderr, "Serving %s on %s%s (DOCKER_HOST); Ctrl-C to stop\n", path, scheme, l.Addr())
			return api.Serve(cmd.Context(), l, eng, api.Options{RequestContext: emulator.WithNotModifiedErrors})
		},
	}
	cmd.Flags().StringVarP(&host, "host", "H", "unix:///tmp/reconciler.sock", "Address: unix:///path or tcp://127.0.0.1:PORT")
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "Allow a non-loopback TCP address (the API is unauthenticated)")
	return cmd
}
