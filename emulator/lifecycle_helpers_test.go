package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// whileBlocked runs call and, once something waits on the fake clock (the
// call itself: no other stream may be waiting), advances the clock by d, once.
// A call that returns without waiting leaves the clock alone. It is how a test
// lets a stop's timeout pass: the engine waits on its clock, never in real time.
func whileBlocked(t testing.TB, clk *clockwork.FakeClock, d time.Duration, call func() error) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- call()
		cancel()
	}()
	if clk.BlockUntilContext(ctx, 1) == nil {
		clk.Advance(d)
	}
	return <-errc
}

// stopped stops ref as `docker stop` does: a process that ignores SIGTERM is
// killed after the default 10s, which the fake clock is advanced by.
func stopped(t testing.TB, e *emulator.Engine, clk *clockwork.FakeClock, ref string) {
	t.Helper()
	err := whileBlocked(t, clk, 10*time.Second, func() error {
		_, err := e.ContainerStop(context.Background(), ref, client.ContainerStopOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("stop %s: %v", ref, err)
	}
}

// restarted restarts ref as `docker restart` does (the stop half as stopped).
func restarted(t testing.TB, e *emulator.Engine, clk *clockwork.FakeClock, ref string) {
	t.Helper()
	err := whileBlocked(t, clk, 10*time.Second, func() error {
		_, err := e.ContainerRestart(context.Background(), ref, client.ContainerRestartOptions{})
		return err
	})
	if err != nil {
		t.Fatalf("restart %s: %v", ref, err)
	}
}
