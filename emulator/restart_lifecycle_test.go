package emulator_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// Each automatic restart re-runs the command: its output is appended to the
// log again, at the new run's time, and reflects what earlier runs did.
func TestRestartPolicyFreshRuns(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox",
		Config:     &container.Config{Cmd: []string{"sh", "-c", "echo x >> /count; cat /count; exit 1"}},
		HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 2}}})
	clk.Advance(time.Minute)
	c := inspect(t, e, id)
	if c.State.Status != container.StateExited || c.State.ExitCode != 1 || c.RestartCount != 2 {
		t.Fatalf("after the retries: %s (%d), %d restarts", c.State.Status, c.State.ExitCode, c.RestartCount)
	}
	out, _ := readLogs(t, e, id, client.ContainerLogsOptions{ShowStdout: true, Timestamps: true})
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		ts, text, _ := strings.Cut(l, " ")
		at, _ := time.Parse(time.RFC3339Nano, ts)
		got = append(got, at.Sub(epoch).String()+" "+text)
	}
	// dockerd's backoff: 100ms, then 200ms.
	want := []string{"0s x", "100ms x", "100ms x", "300ms x", "300ms x", "300ms x"}
	if !slices.Equal(got, want) {
		t.Errorf("logs\n got %q\nwant %q", got, want)
	}
	// dockerd emits die and start for a policy restart (no restart event).
	evs := lifeEvents(t, e, clk, id)
	wantEv := []string{"die 1 @0s", "start @100ms", "die 1 @100ms", "start @300ms", "die 1 @300ms"}
	if !slices.Equal(evs, wantEv) {
		t.Errorf("events\n got %q\nwant %q", evs, wantEv)
	}
}

// dockerd's restart manager: the delay starts at 100ms and doubles, and goes
// back to 100ms after a run of 10s or more.
func TestRestartBackoff(t *testing.T) {
	cases := []struct {
		name   string
		script string
		starts []time.Duration // the first starts
	}{
		{"short runs double the delay", "sleep 1; exit 1",
			[]time.Duration{0, 1100 * time.Millisecond, 2300 * time.Millisecond, 3700 * time.Millisecond, 5500 * time.Millisecond}},
		{"a 10s run resets it", "sleep 12; exit 1",
			[]time.Duration{0, 12100 * time.Millisecond, 24200 * time.Millisecond}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, clk := newEngine(t)
			pull(t, e, "busybox")
			id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sh", "-c", tc.script}},
				HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyAlways}}})
			clk.Advance(tc.starts[len(tc.starts)-1] + 900*time.Millisecond) // history is read to the whole second
			var got []time.Duration
			for _, m := range history(t, e, clk.Now(), client.Filters{}.Add("container", id).Add("event", "start")) {
				got = append(got, time.Unix(0, m.TimeNano).Sub(epoch))
			}
			if !slices.Equal(got, tc.starts) {
				t.Errorf("starts %v, want %v", got, tc.starts)
			}
			if c := inspect(t, e, id); c.RestartCount != len(tc.starts)-1 || !c.State.Running {
				t.Errorf("RestartCount %d running %v, want %d running", c.RestartCount, c.State.Running, len(tc.starts)-1)
			}
		})
	}
}

// ContainerRestart's stop half is a stop (signal, timeout, kill) and the start
// follows at the time the process died.
func TestContainerRestartStopsThenStarts(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "300"}}})
	clk.Advance(time.Second)
	restarted(t, e, clk, id)
	c := inspect(t, e, id)
	started, _ := time.Parse(time.RFC3339Nano, c.State.StartedAt)
	if !c.State.Running || started.Sub(epoch) != 11*time.Second || finishedAt(t, c.State) != 11*time.Second || c.State.ExitCode != 0 {
		t.Errorf("after restart: running %v started +%v finished +%v exit %d", c.State.Running, started.Sub(epoch), finishedAt(t, c.State), c.State.ExitCode)
	}
	want := []string{"kill 15 @1s", "kill 9 @11s", "die 137 @11s", "stop @11s", "start @11s", "restart @11s"}
	if got := lifeEvents(t, e, clk, id); !slices.Equal(got, want) {
		t.Errorf("events\n got %q\nwant %q", got, want)
	}
}

// A forced remove kills at once (no stop signal, no timeout), as dockerd.
func TestRemoveForceKillsAtOnce(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "300"}}})
	clk.Advance(time.Second)
	must[client.ContainerRemoveResult](t)(e.ContainerRemove(context.Background(), id, client.ContainerRemoveOptions{Force: true}))
	want := []string{"kill 9 @1s", "die 137 @1s", "destroy @1s"}
	if got := lifeEvents(t, e, clk, id); !slices.Equal(got, want) {
		t.Errorf("events\n got %q\nwant %q", got, want)
	}
}

// Opening the store again (another CLI process, or after the engine was
// closed) is not a daemon restart: processes are functions of the clock, so
// whatever ran on goes on, policies restarted what exited in between, and
// a container stopped by hand stays stopped.
func TestReopenKeepsProcessesGoing(t *testing.T) {
	clk := clockwork.NewFakeClockAt(epoch)
	path := filepath.Join(t.TempDir(), "engine.db")
	e, err := emulator.Open(path, emulator.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	pull(t, e, "busybox")
	mk := func(name string, cmd []string, policy container.RestartPolicyMode) string {
		return run(t, e, client.ContainerCreateOptions{Name: name, Image: "busybox", Config: &container.Config{Cmd: cmd},
			HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: policy}, Init: &[]bool{true}[0]}})
	}
	mk("always", []string{"sh", "-c", "echo up; sleep 20; exit 1"}, container.RestartPolicyAlways)
	mk("unless", []string{"sleep", "3600"}, container.RestartPolicyUnlessStopped)
	mk("handstopped", []string{"sleep", "3600"}, container.RestartPolicyUnlessStopped)
	mk("none", []string{"sleep", "5"}, container.RestartPolicyDisabled)
	must[client.ContainerStopResult](t)(e.ContainerStop(context.Background(), "handstopped", client.ContainerStopOptions{}))
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	clk.Advance(30 * time.Second) // nobody has the store open
	e2, err := emulator.Open(path, emulator.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	cases := []struct {
		name     string
		status   container.ContainerState
		code     int
		restarts int
	}{
		{"always", container.StateRunning, 0, 1},
		{"unless", container.StateRunning, 0, 0},
		{"handstopped", container.StateExited, 143, 0},
		{"none", container.StateExited, 0, 0},
	}
	for _, tc := range cases {
		c := inspect(t, e2, tc.name)
		if c.State.Status != tc.status || c.State.ExitCode != tc.code || c.RestartCount != tc.restarts {
			t.Errorf("%s after reopen: %s (%d) restarts %d, want %s (%d) restarts %d",
				tc.name, c.State.Status, c.State.ExitCode, c.RestartCount, tc.status, tc.code, tc.restarts)
		}
	}
	if out, _ := readLogs(t, e2, "always", client.ContainerLogsOptions{ShowStdout: true}); out != "up\nup\n" {
		t.Errorf("always logs %q: the restart while closed ran the command again", out)
	}
}
