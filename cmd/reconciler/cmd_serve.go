package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

// newEngineServeCmd is `engine serve`: the embedded engine over the Docker
// Engine API, so the docker CLI, docker-py or `--engine docker` can use it.
// It listens on a unix socket (mode 0600), by default engine.sock beside the
// state file, or on a loopback TCP address; -H takes either, as dockerd's does.
func newEngineServeCmd(a *app) *cobra.Command {
	var host, socket, listen string
	var insecure bool
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
			addr, err := serveAddress(host, socket, listen, path)
			if err != nil {
				return err
			}
			// The state's directory holds the default socket; opening the
			// engine would create it, but the listener comes first.
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			var l net.Listener
			if strings.HasPrefix(addr, "unix://") {
				l, err = api.ListenUnix(strings.TrimPrefix(addr, "unix://"))
			} else {
				l, err = api.ListenTCP(addr, insecure)
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
	f := cmd.Flags()
	f.StringVar(&socket, "socket", "", "Unix socket to serve on, mode 0600 (default: engine.sock beside the state file)")
	f.StringVar(&listen, "listen", "", "TCP address to serve on instead: tcp://127.0.0.1:PORT (loopback only unless --insecure-listen)")
	f.BoolVar(&insecure, "insecure-listen", false, "Allow a non-loopback --listen address (the API is unauthenticated)")
	f.StringVarP(&host, "host", "H", "", "Address as dockerd's -H: unix:///path or tcp://127.0.0.1:PORT")
	f.BoolVar(&insecure, "allow-remote", false, "Same as --insecure-listen")
	cmd.MarkFlagsMutuallyExclusive("socket", "listen", "host")
	return cmd
}

// serveAddress is where engine serve listens, as unix:///path or
// tcp://host:port: -H, --socket or --listen (at most one is set), else the
// socket engine.sock beside the state file statePath.
func serveAddress(host, socket, listen, statePath string) (string, error) {
	switch {
	case host != "":
		if !strings.HasPrefix(host, "unix://") && !strings.HasPrefix(host, "tcp://") {
			return "", usageErrorf("--host %q: want unix:///path or tcp://127.0.0.1:PORT", host)
		}
		return host, nil
	case socket != "":
		return "unix://" + socket, nil
	case listen != "":
		return "tcp://" + strings.TrimPrefix(listen, "tcp://"), nil
	}
	return "unix://" + filepath.Join(filepath.Dir(statePath), "engine.sock"), nil
}
