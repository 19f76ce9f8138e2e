package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func pause(t *testing.T, e interface {
	ContainerPause(context.Context, string, client.ContainerPauseOptions) (client.ContainerPauseResult, error)
}, id string) {
	t.Helper()
	if _, err := e.ContainerPause(context.Background(), id, client.ContainerPauseOptions{}); err != nil {
		t.Fatal(err)
	}
}

// A paused command does nothing, but its timers keep running, as under
// dockerd's cgroup freeze (measured on dockerd 20.10: `sh -c 'echo a; sleep
// 5; echo b'` paused from 1 s to 4 s prints b and exits at 5 s): what falls
// due during a pause happens at the unpause, and the next wait starts then.
func TestPauseKeepsTimersRunning(t *testing.T) {
	const oneSleep, twoSleeps = "echo a; sleep 5; echo b", "echo a; sleep 2; echo b; sleep 3; echo c"
	cases := []struct {
		name        string
		script      string
		pauseAt     time.Duration
		pauseFor    time.Duration
		exitAt      time.Duration
		logs        string // "offset text" per line, timestamps relative to the start
		pausedTwice bool
	}{
		{"not paused", oneSleep, 0, 0, 5 * time.Second, "0s a|5s b", false},
		{"paused 3s within the sleep", oneSleep, time.Second, 3 * time.Second, 5 * time.Second, "0s a|5s b", false},
		{"the sleep ends during the pause", oneSleep, time.Second, 6 * time.Second, 7 * time.Second, "0s a|7s b", false},
		{"paused twice, the sleep ends in the second", oneSleep, time.Second, 2 * time.Second, 6 * time.Second, "0s a|6s b", true},
		{"a wait that ends in the pause delays the next", twoSleeps, time.Second, 3 * time.Second, 7 * time.Second, "0s a|4s b|7s c", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, clk := newEngine(t)
			ctx := context.Background()
			pull(t, e, "busybox")
			id := run(t, e, client.ContainerCreateOptions{Image: "busybox",
				Config: &container.Config{Cmd: []string{"sh", "-c", tc.script}}})
			elapsed := time.Duration(0)
			step := func(to time.Duration) { clk.Advance(to - elapsed); elapsed = to }
			if tc.pauseFor > 0 {
				step(tc.pauseAt)
				pause(t, e, id)
				step(tc.pauseAt + tc.pauseFor)
				if st := inspect(t, e, id).State; st.Status != container.StatePaused {
					t.Fatalf("paused: %s", st.Status)
				}
				must[client.ContainerUnpauseResult](t)(e.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}))
				if tc.pausedTwice {
					step(tc.pauseAt + tc.pauseFor + time.Second)
					pause(t, e, id)
					step(tc.pauseAt + tc.pauseFor + 3*time.Second)
					must[client.ContainerUnpauseResult](t)(e.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}))
				}
			}
			step(tc.exitAt - time.Millisecond)
			if st := inspect(t, e, id).State; !st.Running {
				t.Fatalf("exited (%d) before %v", st.ExitCode, tc.exitAt)
			}
			step(tc.exitAt + time.Minute)
			st := inspect(t, e, id).State
			if st.Running || st.ExitCode != 0 || finishedAt(t, st) != tc.exitAt {
				t.Fatalf("running %v exit %d finished +%v, want exited 0 at +%v", st.Running, st.ExitCode, finishedAt(t, st), tc.exitAt)
			}
			out, _ := readLogs(t, e, id, client.ContainerLogsOptions{ShowStdout: true, Timestamps: true})
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
				ts, text, _ := strings.Cut(l, " ")
				at, err := time.Parse(time.RFC3339Nano, ts)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, at.Sub(epoch).String()+" "+text)
			}
			if strings.Join(got, "|") != tc.logs {
				t.Errorf("logs %q, want %q", strings.Join(got, "|"), tc.logs)
			}
		})
	}
}

// Health probes do not run while paused; they resume, shifted by the pause.
func TestPauseHoldsHealthChecks(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "3600"},
		Healthcheck: &container.HealthConfig{Test: []string{"CMD", "true"}, Interval: 2 * time.Second}}})
	clk.Advance(time.Second)
	pause(t, e, id)
	clk.Advance(10 * time.Second)
	if h := inspect(t, e, id).State.Health; h.Status != container.Starting || len(h.Log) != 0 {
		t.Fatalf("paused 10s: %s with %d probes, want starting with none", h.Status, len(h.Log))
	}
	must[client.ContainerUnpauseResult](t)(e.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}))
	clk.Advance(time.Second - time.Millisecond)
	if h := inspect(t, e, id).State.Health; h.Status != container.Starting {
		t.Fatalf("before the shifted probe: %s", h.Status)
	}
	clk.Advance(time.Millisecond)
	h := inspect(t, e, id).State.Health
	if h.Status != container.Healthy || len(h.Log) != 1 || !h.Log[0].Start.Equal(epoch.Add(12*time.Second)) {
		t.Fatalf("health %s %+v, want healthy by the probe at +12s (2s of running time)", h.Status, h.Log)
	}
	evs := history(t, e, clk.Now(), client.Filters{}.Add("event", "health_status: healthy"))
	if len(evs) != 1 || evs[0].TimeNano != epoch.Add(12*time.Second).UnixNano() {
		t.Errorf("health events %+v, want one at +12s", evs)
	}
}

// CPU time does not grow while paused and goes on from where it stopped.
func TestPauseFreezesCPU(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "redis")
	id := run(t, e, client.ContainerCreateOptions{Image: "redis"})
	clk.Advance(10 * time.Second)
	atPause := oneStats(t, e, id, false).CPUStats.CPUUsage.TotalUsage
	pause(t, e, id)
	clk.Advance(time.Minute)
	paused := oneStats(t, e, id, true)
	if paused.CPUStats.CPUUsage.TotalUsage != atPause || paused.PreCPUStats.CPUUsage.TotalUsage != atPause {
		t.Fatalf("paused a minute: cpu %d (pre %d), want frozen at %d",
			paused.CPUStats.CPUUsage.TotalUsage, paused.PreCPUStats.CPUUsage.TotalUsage, atPause)
	}
	must[client.ContainerUnpauseResult](t)(e.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}))
	clk.Advance(10 * time.Second)
	if got := oneStats(t, e, id, false).CPUStats.CPUUsage.TotalUsage; atPause == 0 || got != 2*atPause {
		t.Errorf("10s after unpause: cpu %d, want %d (twice the 10s before the pause)", got, 2*atPause)
	}
}
