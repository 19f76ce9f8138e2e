package emulator_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// epoch is the fake clock's start in every test.
var epoch = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// newEngine opens a private in-memory engine on a fake clock.
func newEngine(t testing.TB) (*emulator.Engine, *clockwork.FakeClock) {
	t.Helper()
	clk := clockwork.NewFakeClockAt(epoch)
	e, err := emulator.Open(":memory:", emulator.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, clk
}

// newFileEngine opens an engine on a store file in a temp dir.
func newFileEngine(t testing.TB, opts ...emulator.Option) (*emulator.Engine, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "engine.db")
	e, err := emulator.Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, path
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func pull(t testing.TB, api emulator.API, ref string) {
	t.Helper()
	ctx := context.Background()
	rc, err := api.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
	if err := rc.Wait(ctx); err != nil {
		t.Fatalf("pull %s: %v", ref, err)
	}
}

// run creates and starts a container, returning its id.
// run creates and starts a container. busybox without a command is run as
// `docker run -dit busybox` would: its shell waits on the open stdin (a bare
// `sh` with stdin closed exits at once, as in Docker).
func run(t testing.TB, api emulator.API, opts client.ContainerCreateOptions) string {
	t.Helper()
	ctx := context.Background()
	if opts.Image == "busybox" && (opts.Config == nil || (len(opts.Config.Cmd) == 0 && len(opts.Config.Entrypoint) == 0)) {
		cfg := container.Config{}
		if opts.Config != nil {
			cfg = *opts.Config
		}
		cfg.OpenStdin, cfg.Tty = true, true
		opts.Config = &cfg
	}
	res, err := api.ContainerCreate(ctx, opts)
	if err != nil {
		t.Fatalf("create %s: %v", opts.Name, err)
	}
	if _, err := api.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("start %s: %v", opts.Name, err)
	}
	return res.ID
}

func inspect(t testing.TB, api emulator.API, ref string) container.InspectResponse {
	t.Helper()
	res, err := api.ContainerInspect(context.Background(), ref, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatalf("inspect %s: %v", ref, err)
	}
	return res.Container
}

func emulatorNotModified(ctx context.Context) context.Context {
	return emulator.WithNotModifiedErrors(ctx)
}
