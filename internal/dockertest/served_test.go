package dockertest_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/api"
)

// serveEmulator serves eng over the Engine API on a unix socket, as
// `reconciler engine serve` does, and returns moby's client on it: the
// second of issue 7's three targets (the emulator over its socket).
func serveEmulator(t *testing.T, eng *emulator.Engine) *client.Client {
	t.Helper()
	dir, err := os.MkdirTemp("", "dtsrv") // short: unix socket paths are bounded
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "engine.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- api.Serve(ctx, l, eng, api.Options{RequestContext: emulator.WithNotModifiedErrors})
	}()
	cli, err := client.New(client.WithHost("unix://"+sock), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cli.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("emulator api.Serve: %v", err)
		}
	})
	return cli
}
