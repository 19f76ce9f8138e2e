package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func TestRuntimeCommands(t *testing.T) {
	cases := []struct {
		name    string
		cmd     []string
		at      time.Duration // observed this long after start
		status  container.ContainerState
		code    int
		finHint time.Duration // FinishedAt - StartedAt when exited
	}{
		{"true exits 0 at once", []string{"true"}, 0, container.StateExited, 0, 0},
		{"false exits 1", []string{"false"}, 0, container.StateExited, 1, 0},
		{"sh -c exit 3", []string{"sh", "-c", "exit 3"}, 0, container.StateExited, 3, 0},
		{"sleep 5 runs before 5s", []string{"sleep", "5"}, 4 * time.Second, container.StateRunning, 0, 0},
		{"sleep 5 exits 0 at 5s", []string{"sleep", "5"}, 7 * time.Second, container.StateExited, 0, 5 * time.Second},
		{"script sleep then exit", []string{"sh", "-c", "sleep 2; exit 4"}, 3 * time.Second, container.StateExited, 4, 2 * time.Second},
		{"server runs until stopped", []string{"nginx", "-g", "daemon off;"}, time.Hour, container.StateRunning, 0, 0},
		{"echo then exit 0 ends", []string{"sh", "-c", "echo hi; exit 0"}, 0, container.StateExited, 0, 0},
		{"|| and a variable", []string{"sh", "-c", `false || exit $((2+3))`}, 0, container.StateExited, 5, 0},
		{"malformed script: sh exits 2", []string{"sh", "-c", "echo 'unterminated"}, 0, container.StateExited, 2, 0},
		{"sleep infinity runs", []string{"sleep", "infinity"}, time.Hour, container.StateRunning, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, clk := newEngine(t)
			pull(t, e, "busybox")
			id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: tc.cmd}})
			clk.Advance(tc.at)
			st := inspect(t, e, id).State
			if st.Status != tc.status || st.ExitCode != tc.code {
				t.Fatalf("state %s (%d), want %s (%d)", st.Status, st.ExitCode, tc.status, tc.code)
			}
			if tc.status == container.StateExited {
				started, _ := time.Parse(time.RFC3339Nano, st.StartedAt)
				finished, _ := time.Parse(time.RFC3339Nano, st.FinishedAt)
				if finished.Sub(started) != tc.finHint {
					t.Errorf("ran %v, want %v (FinishedAt is when it exited, not when it was seen)", finished.Sub(started), tc.finHint)
				}
			}
		})
	}
}

func TestRuntimeHealth(t *testing.T) {
	cases := []struct {
		name  string
		hc    *container.HealthConfig
		steps []time.Duration // cumulative observation times
		want  []container.HealthStatus
	}{
		{"passing check turns healthy at the first interval",
			&container.HealthConfig{Test: []string{"CMD", "true"}, Interval: 2 * time.Second},
			[]time.Duration{time.Second, 2 * time.Second}, []container.HealthStatus{container.Starting, container.Healthy}},
		{"failing check turns unhealthy after retries",
			&container.HealthConfig{Test: []string{"CMD-SHELL", "exit 1"}, Interval: time.Second, Retries: 2},
			[]time.Duration{time.Second, 2 * time.Second}, []container.HealthStatus{container.Starting, container.Unhealthy}},
		{"failures in the start period do not count",
			&container.HealthConfig{Test: []string{"CMD", "false"}, Interval: time.Second, Retries: 1, StartPeriod: 3 * time.Second},
			[]time.Duration{2 * time.Second, 3 * time.Second}, []container.HealthStatus{container.Starting, container.Unhealthy}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, clk := newEngine(t)
			pull(t, e, "busybox")
			id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "3600"}, Healthcheck: tc.hc}})
			var elapsed time.Duration
			for i, at := range tc.steps {
				clk.Advance(at - elapsed)
				elapsed = at
				if got := inspect(t, e, id).State.Health.Status; got != tc.want[i] {
					t.Errorf("at %v: %s, want %s", at, got, tc.want[i])
				}
			}
			evs := history(t, e, clk.Now(), client.Filters{}.Add("event", "health_status: "+string(tc.want[len(tc.want)-1])))
			if len(evs) != 1 || evs[0].TimeNano != epoch.Add(tc.steps[len(tc.steps)-1]).UnixNano() {
				t.Errorf("health event %+v, want one stamped at the flip", evs)
			}
			l := must[client.ContainerListResult](t)(e.ContainerList(context.Background(), client.ContainerListOptions{
				Filters: client.Filters{}.Add("health", string(tc.want[len(tc.want)-1]))}))
			if len(l.Items) != 1 {
				t.Errorf("health filter found %d", len(l.Items))
			}
		})
	}
}

func TestRuntimeRestartPolicy(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sh", "-c", "sleep 1; exit 2"}},
		HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 2}}})
	clk.Advance(time.Second)
	c := inspect(t, e, id)
	if c.State.Status != container.StateRestarting || c.RestartCount != 1 {
		t.Fatalf("after first exit: %s restarts %d", c.State.Status, c.RestartCount)
	}
	clk.Advance(100 * time.Millisecond)
	if c = inspect(t, e, id); c.State.Status != container.StateRunning {
		t.Fatalf("after backoff: %s", c.State.Status)
	}
	clk.Advance(time.Hour)
	c = inspect(t, e, id)
	if c.State.Status != container.StateExited || c.RestartCount != 2 || c.State.ExitCode != 2 {
		t.Errorf("after retries: %s restarts %d exit %d", c.State.Status, c.RestartCount, c.State.ExitCode)
	}
	starts := history(t, e, clk.Now(), client.Filters{}.Add("event", "start"))
	if len(starts) != 3 {
		t.Errorf("%d starts, want 3", len(starts))
	}
}

func TestWaitOnSimulatedExit(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sh", "-c", "sleep 5; exit 7"}}})
	w := e.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	clk.Advance(5 * time.Second)
	select {
	case r := <-w.Result:
		if r.StatusCode != 7 {
			t.Errorf("wait %+v", r)
		}
	case err := <-w.Error:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("wait did not see the simulated exit")
	}
}

func TestKillDisablesRestart(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "600"}},
		HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyAlways}}})
	must[client.ContainerKillResult](t)(e.ContainerKill(ctx, id, client.ContainerKillOptions{}))
	clk.Advance(time.Minute)
	if st := inspect(t, e, id).State; st.Status != container.StateExited || st.ExitCode != 137 {
		t.Errorf("killed restart=always container: %s (%d)", st.Status, st.ExitCode)
	}
}

func TestRuntimeUnknownExecutable(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	id := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "busybox",
		Config: &container.Config{Cmd: []string{"no-such-binary"}}})).ID
	_, err := e.ContainerStart(ctx, id, client.ContainerStartOptions{})
	if !cerrdefs.IsInvalidArgument(err) || !strings.Contains(err.Error(), "no-such-binary") {
		t.Fatalf("start error %v, want 400 naming the executable", err)
	}
	st := inspect(t, e, id).State
	if st.Running || st.ExitCode != 127 || st.Error != err.Error() {
		t.Errorf("state running=%v exit=%d error=%q, want exited 127 with the start error", st.Running, st.ExitCode, st.Error)
	}
}

// A catalog server's health probe fails until its start-up delay has passed,
// then passes: starting -> healthy; an `exit 1` check ends unhealthy.
func TestRuntimeServerHealth(t *testing.T) {
	cases := []struct {
		name string
		test []string
		want container.HealthStatus
	}{
		{"pg_isready after start-up", []string{"CMD-SHELL", "pg_isready -U postgres"}, container.Healthy},
		{"exit 1 always fails", []string{"CMD-SHELL", "exit 1"}, container.Unhealthy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, clk := newEngine(t)
			pull(t, e, "postgres")
			id := run(t, e, client.ContainerCreateOptions{Image: "postgres", Config: &container.Config{
				Env:         []string{"POSTGRES_PASSWORD=x"},
				Healthcheck: &container.HealthConfig{Test: tc.test, Interval: time.Second, Retries: 3}}})
			if got := inspect(t, e, id).State.Health.Status; got != container.Starting {
				t.Fatalf("at start %s, want starting", got)
			}
			clk.Advance(time.Minute)
			h := inspect(t, e, id).State.Health
			if h.Status != tc.want || len(h.Log) == 0 {
				t.Fatalf("after a minute %s (%d log entries), want %s", h.Status, len(h.Log), tc.want)
			}
		})
	}
}

// Kill signals are read as dockerd reads them; a bad one is a 400 that changes nothing.
func TestKillSignals(t *testing.T) {
	cases := []struct {
		signal string
		ok     bool
		code   int
	}{
		{"SIGKILL", true, 137},
		{"9", true, 137},
		{"term", true, 0}, // nginx shuts down cleanly on SIGTERM
		{"SIGRTMIN+3", true, 128 + 37},
		{"FOO", false, 0},
		{"65", false, 0},
	}
	for _, tc := range cases {
		t.Run(tc.signal, func(t *testing.T) {
			e, _ := newEngine(t)
			pull(t, e, "nginx")
			id := run(t, e, client.ContainerCreateOptions{Image: "nginx"})
			_, err := e.ContainerKill(context.Background(), id, client.ContainerKillOptions{Signal: tc.signal})
			st := inspect(t, e, id).State
			if !tc.ok {
				if !cerrdefs.IsInvalidArgument(err) || err.Error() != "Invalid signal: "+tc.signal || !st.Running {
					t.Fatalf("kill %s: %v, running %v; want 400 Invalid signal and no change", tc.signal, err, st.Running)
				}
				return
			}
			if err != nil || st.Running || st.ExitCode != tc.code {
				t.Errorf("kill %s: err %v running %v exit %d, want exit %d", tc.signal, err, st.Running, st.ExitCode, tc.code)
			}
		})
	}
}
