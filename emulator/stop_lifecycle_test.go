package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// lifeEvents renders the container events of id as "action attr @offset"
// (attr: the kill signal or the die exit code; offset from epoch).
func lifeEvents(t testing.TB, e *emulator.Engine, clk *clockwork.FakeClock, id string) []string {
	t.Helper()
	var out []string
	for _, m := range history(t, e, clk.Now(), client.Filters{}.Add("container", id)) {
		if m.Type != "container" || m.Action == "create" || m.Action == "start" && len(out) == 0 {
			continue // the run before the call under test
		}
		attr := m.Actor.Attributes["signal"] + m.Actor.Attributes["exitCode"]
		s := string(m.Action)
		if attr != "" {
			s += " " + attr
		}
		out = append(out, fmt.Sprintf("%s @%v", s, time.Unix(0, m.TimeNano).Sub(epoch)))
	}
	return out
}

func intp(n int) *int { return &n }

func finishedAt(t testing.TB, st *container.State) time.Duration {
	t.Helper()
	f, err := time.Parse(time.RFC3339Nano, st.FinishedAt)
	if err != nil {
		t.Fatal(err)
	}
	return f.Sub(epoch)
}

// ContainerStop plays out the stop signal and the timeout on the engine
// clock: the call blocks while the process ignores the signal, other callers
// see it running, and the kill comes at stop time + timeout.
func TestStopSignalAndTimeout(t *testing.T) {
	cases := []struct {
		name    string
		image   string
		cmd     []string
		init    bool
		stopSig string
		cfgTO   *int          // Config.StopTimeout
		callTO  *int          // options.Timeout
		paused  bool          // paused before the stop
		blocks  time.Duration // how long the call waits on the clock (0: returns at once)
		code    int
		events  []string
	}{
		{name: "server shuts down on its stop signal (nginx: SIGQUIT)", image: "nginx", code: 0,
			events: []string{"kill 3 @1s", "die 0 @1s", "stop @1s"}},
		{name: "redis shuts down on SIGTERM", image: "redis", code: 0,
			events: []string{"kill 15 @1s", "die 0 @1s", "stop @1s"}},
		{name: "sleep as PID 1 ignores SIGTERM: killed after 10s", image: "busybox", cmd: []string{"sleep", "300"},
			blocks: 10 * time.Second, code: 137,
			events: []string{"kill 15 @1s", "kill 9 @11s", "die 137 @11s", "stop @11s"}},
		{name: "shell as PID 1 ignores SIGTERM", image: "busybox", cmd: []string{"sh", "-c", "echo hi; sleep 300"},
			blocks: 10 * time.Second, code: 137,
			events: []string{"kill 15 @1s", "kill 9 @11s", "die 137 @11s", "stop @11s"}},
		{name: "init forwards SIGTERM: 143", image: "busybox", cmd: []string{"sleep", "300"}, init: true, code: 143,
			events: []string{"kill 15 @1s", "die 143 @1s", "stop @1s"}},
		{name: "container StopTimeout", image: "busybox", cmd: []string{"sleep", "300"}, cfgTO: intp(4),
			blocks: 4 * time.Second, code: 137,
			events: []string{"kill 15 @1s", "kill 9 @5s", "die 137 @5s", "stop @5s"}},
		{name: "call timeout wins over StopTimeout", image: "busybox", cmd: []string{"sleep", "300"}, cfgTO: intp(4), callTO: intp(2),
			blocks: 2 * time.Second, code: 137,
			events: []string{"kill 15 @1s", "kill 9 @3s", "die 137 @3s", "stop @3s"}},
		{name: "timeout 0 kills at once", image: "busybox", cmd: []string{"sleep", "300"}, callTO: intp(0), code: 137,
			events: []string{"kill 15 @1s", "kill 9 @1s", "die 137 @1s", "stop @1s"}},
		{name: "command ends before the timeout", image: "busybox", cmd: []string{"sleep", "5"},
			blocks: 10 * time.Second, code: 0,
			events: []string{"kill 15 @1s", "die 0 @5s", "stop @5s"}},
		{name: "a paused container is resumed by the stop signal (as measured on dockerd 20.10)", image: "busybox",
			cmd: []string{"sleep", "300"}, paused: true, callTO: intp(1), blocks: time.Second, code: 137,
			events: []string{"pause @0s", "kill 15 @1s", "unpause @1s", "kill 9 @2s", "die 137 @2s", "stop @2s"}},
		{name: "StopSignal SIGKILL", image: "busybox", cmd: []string{"sleep", "300"}, stopSig: "SIGKILL", code: 137,
			events: []string{"kill 9 @1s", "die 137 @1s", "stop @1s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, clk := newEngine(t)
			ctx := context.Background()
			pull(t, e, tc.image)
			id := run(t, e, client.ContainerCreateOptions{Image: tc.image,
				Config:     &container.Config{Cmd: tc.cmd, StopSignal: tc.stopSig, StopTimeout: tc.cfgTO},
				HostConfig: &container.HostConfig{Init: &tc.init}})
			if tc.paused {
				pause(t, e, id)
			}
			clk.Advance(time.Second)
			done := make(chan error, 1)
			go func() {
				_, err := e.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: tc.callTO})
				done <- err
			}()
			if tc.blocks > 0 {
				clk.BlockUntilContext(ctx, 1)
				select {
				case err := <-done:
					t.Fatalf("stop returned (%v) before the clock moved", err)
				default:
				}
				if st := inspect(t, e, id).State; !st.Running || st.Status != container.StateRunning {
					t.Fatalf("during the stop: %s, want running", st.Status)
				}
				clk.Advance(tc.blocks - time.Millisecond)
				if st := inspect(t, e, id).State; tc.code == 137 && !st.Running {
					t.Fatalf("killed before the timeout")
				}
				clk.Advance(time.Millisecond)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			st := inspect(t, e, id).State
			if st.Running || st.ExitCode != tc.code {
				t.Errorf("after stop: running %v exit %d, want exited %d", st.Running, st.ExitCode, tc.code)
			}
			if got := lifeEvents(t, e, clk, id); !slices.Equal(got, tc.events) {
				t.Errorf("events\n got %q\nwant %q", got, tc.events)
			}
			last := tc.events[len(tc.events)-1]
			if want := last[len("stop @"):]; finishedAt(t, st).String() != want {
				t.Errorf("FinishedAt +%v, want +%s", finishedAt(t, st), want)
			}
		})
	}
}

// Timeout -1 waits for the process forever: the call ends with its context
// and the container keeps running; a kill then completes the stop.
func TestStopTimeoutForever(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "infinity"}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	live := e.Events(ctx, client.EventsListOptions{Filters: client.Filters{}.Add("event", "kill")})
	done := make(chan error, 1)
	go func() {
		_, err := e.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: intp(-1)})
		done <- err
	}()
	<-live.Messages // the stop signal was sent; nothing is due on the clock
	clk.Advance(time.Hour)
	if st := inspect(t, e, id).State; !st.Running {
		t.Fatalf("timeout -1: %s (%d) after an hour, want still running", st.Status, st.ExitCode)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("stop ended with %v, want its context's error", err)
	}
	must[client.ContainerKillResult](t)(e.ContainerKill(context.Background(), id, client.ContainerKillOptions{}))
	got := lifeEvents(t, e, clk, id)
	want := []string{"kill 15 @0s", "kill 9 @1h0m0s", "die 137 @1h0m0s", "stop @1h0m0s"}
	if !slices.Equal(got, want) {
		t.Errorf("events\n got %q\nwant %q", got, want)
	}
}

// Another process (a second Engine on the same store file) sees the container
// running while a stop waits, and the kill at its time whoever observes first.
func TestStopSeenByOtherProcess(t *testing.T) {
	clk := clockwork.NewFakeClockAt(epoch)
	a, path := newFileEngine(t, emulator.WithClock(clk))
	b, err := emulator.Open(path, emulator.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pull(t, a, "busybox")
	id := run(t, a, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "300"}}})
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		_, err := a.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: intp(5)})
		done <- err
	}()
	clk.BlockUntilContext(ctx, 1)
	if st := inspect(t, b, id).State; !st.Running {
		t.Fatalf("other process during the stop: %s, want running", st.Status)
	}
	if _, err := b.ContainerStart(emulator.WithNotModifiedErrors(ctx), id, client.ContainerStartOptions{}); err == nil {
		t.Fatalf("start during the stop succeeded: the container must still be running")
	}
	clk.Advance(5 * time.Second)
	st := inspect(t, b, id).State // b may apply the kill before a sees it
	if st.Running || st.ExitCode != 137 || finishedAt(t, st) != 5*time.Second {
		t.Fatalf("other process after the timeout: running %v exit %d finished +%v", st.Running, st.ExitCode, finishedAt(t, st))
	}
	if err := <-done; err != nil {
		t.Fatalf("stop: %v", err)
	}
	want := []string{"kill 15 @0s", "kill 9 @5s", "die 137 @5s", "stop @5s"}
	if got := lifeEvents(t, a, clk, id); !slices.Equal(got, want) {
		t.Errorf("events\n got %q\nwant %q", got, want)
	}
}
