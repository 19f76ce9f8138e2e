package process

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/reconciler/reconciler/emulator/shell"
)

func TestHealth(t *testing.T) {
	pg := command(t, "docker-entrypoint.sh", "postgres") // first initialisation: ready after 2.25s
	ready := pg.Server.ReadyAfter
	if ready <= 2*s || ready >= 3*s {
		t.Fatalf("postgres ready after %v; the cases below assume (2s, 3s)", ready)
	}
	forever := command(t, "sleep", "infinity")
	for _, tc := range []struct {
		name    string
		cmd     shell.Result
		test    string
		hc      Healthcheck
		history []Action
		now     time.Duration
		status  string
		streak  int
		logAt   []time.Duration // start times of the Log entries
		trans   []tr            // health transitions only
	}{
		{name: "starting before the first probe", cmd: pg, test: "pg_isready -U postgres", hc: Healthcheck{Interval: 5 * s},
			history: []Action{start(0)}, now: 4 * s, status: Starting},
		{name: "pg_isready healthy at first probe", cmd: pg, test: "pg_isready -U postgres", hc: Healthcheck{Interval: 5 * s},
			history: []Action{start(0)}, now: 12 * s, status: Healthy, logAt: []time.Duration{5 * s, 10 * s},
			trans: []tr{{THealthStatus, 5 * s, Healthy}}},
		{name: "exit 1 unhealthy after retries", cmd: forever, test: "exit 1", hc: Healthcheck{Interval: s},
			history: []Action{start(0)}, now: 3 * s, status: Unhealthy, streak: 3, logAt: []time.Duration{s, 2 * s, 3 * s},
			trans: []tr{{THealthStatus, 3 * s, Unhealthy}}},
		{name: "failing streak keeps counting, log keeps 5", cmd: forever, test: "exit 1", hc: Healthcheck{Interval: s},
			history: []Action{start(0)}, now: 10 * s, status: Unhealthy, streak: 10,
			logAt: []time.Duration{6 * s, 7 * s, 8 * s, 9 * s, 10 * s}, trans: []tr{{THealthStatus, 3 * s, Unhealthy}}},
		{name: "start period: failures not counted, start interval", cmd: forever, test: "false",
			hc:      Healthcheck{Interval: 5 * s, StartPeriod: 10 * s, StartInterval: 2 * s, Retries: 2},
			history: []Action{start(0)}, now: 15 * s, status: Unhealthy, streak: 2,
			logAt: []time.Duration{4 * s, 6 * s, 8 * s, 10 * s, 15 * s}, trans: []tr{{THealthStatus, 15 * s, Unhealthy}}},
		{name: "start period ends early on success", cmd: pg, test: "pg_isready",
			hc:      Healthcheck{Interval: 30 * s, StartPeriod: 30 * s, StartInterval: s},
			history: []Action{start(0)}, now: 40 * s, status: Healthy, logAt: []time.Duration{s, 2 * s, 3 * s, 33 * s},
			trans: []tr{{THealthStatus, 3 * s, Healthy}}},
		{name: "unhealthy then healthy when the server gets ready", cmd: pg, test: "pg_isready", hc: Healthcheck{Interval: s, Retries: 1},
			history: []Action{start(0)}, now: 3 * s, status: Healthy, logAt: []time.Duration{s, 2 * s, 3 * s},
			trans: []tr{{THealthStatus, s, Unhealthy}, {THealthStatus, 3 * s, Healthy}}},
		{name: "timeout", cmd: forever, test: "sleep 60", hc: Healthcheck{Interval: 5 * s, Timeout: 2 * s, Retries: 1},
			history: []Action{start(0)}, now: 8 * s, status: Unhealthy, streak: 1, logAt: []time.Duration{5 * s},
			trans: []tr{{THealthStatus, 7 * s, Unhealthy}}},
		{name: "stopped container is unhealthy, no event", cmd: pg, test: "pg_isready", hc: Healthcheck{Interval: 5 * s},
			history: []Action{start(0), stop(7*s, 10*s)}, now: time.Hour, status: Unhealthy, logAt: []time.Duration{5 * s},
			trans: []tr{{THealthStatus, 5 * s, Healthy}}},
		{name: "restart: starting again, log kept", cmd: pg, test: "pg_isready", hc: Healthcheck{Interval: 5 * s},
			history: []Action{start(0), stop(7*s, 10*s), start(20 * s)}, now: 21 * s, status: Starting, logAt: []time.Duration{5 * s},
			trans: []tr{{THealthStatus, 5 * s, Healthy}}},
		{name: "no probes while paused", cmd: forever, test: "true", hc: Healthcheck{Interval: s},
			history: []Action{start(0), {Kind: Pause, At: at(1500 * ms)}, {Kind: Unpause, At: at(10 * s)}}, now: 11 * s, status: Healthy,
			logAt: []time.Duration{s, 10*s + 500*ms}, trans: []tr{{THealthStatus, s, Healthy}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := &Spec{Command: tc.cmd, Health: healthcheck(t, tc.test, tc.cmd.Server, tc.hc)}
			st := Evaluate(spec, tc.history, at(tc.now))
			h := st.Health
			if h == nil {
				t.Fatal("no health")
			}
			if h.Status != tc.status || h.FailingStreak != tc.streak {
				t.Errorf("status %s streak %d, want %s %d", h.Status, h.FailingStreak, tc.status, tc.streak)
			}
			var logAt []time.Duration
			for _, r := range h.Log {
				logAt = append(logAt, r.Start.Sub(t0))
				if r.End.Before(r.Start) {
					t.Errorf("log entry ends before it starts: %+v", r)
				}
			}
			if !reflect.DeepEqual(logAt, tc.logAt) {
				t.Errorf("log at %v, want %v", logAt, tc.logAt)
			}
			var got []tr
			for _, x := range compact(st.Transitions) {
				if x.kind == THealthStatus {
					got = append(got, x)
				}
			}
			if !equalTr(got, tc.trans) {
				t.Errorf("health transitions %v, want %v", got, tc.trans)
			}
		})
	}
}

func TestHealthLogContent(t *testing.T) {
	pg := command(t, "docker-entrypoint.sh", "postgres")
	spec := &Spec{Command: pg, Health: healthcheck(t, "pg_isready -U postgres", pg.Server, Healthcheck{Interval: s, Retries: 5})}
	st := Evaluate(spec, []Action{start(0)}, at(3*s))
	want := []HealthResult{
		{Start: at(s), End: at(s), ExitCode: 2, Output: "/var/run/postgresql:5432 - no response\n"},
		{Start: at(2 * s), End: at(2 * s), ExitCode: 2, Output: "/var/run/postgresql:5432 - no response\n"},
		{Start: at(3 * s), End: at(3 * s), ExitCode: 0, Output: "/var/run/postgresql:5432 - accepting connections\n"},
	}
	if !reflect.DeepEqual(st.Health.Log, want) {
		t.Errorf("log %+v", st.Health.Log)
	}
	d := st.Health.Docker()
	if d.Status != container.Healthy || len(d.Log) != 3 || d.Log[2].Output != want[2].Output || !d.Log[0].Start.Equal(at(s)) {
		t.Errorf("Docker() = %+v", d)
	}
	if (*Health)(nil).Docker() != nil {
		t.Error("nil Health converts to non-nil")
	}
	if st := Evaluate(spec, nil, at(time.Hour)); st.Health != nil {
		t.Error("a never-started container has a Health")
	}
	if st := Evaluate(&Spec{Command: pg}, []Action{start(0)}, at(time.Hour)); st.Health != nil {
		t.Error("a container without health check has a Health")
	}
}

// TestFastForward: counting steady probes gives exactly what running every
// probe gives.
func TestFastForward(t *testing.T) {
	pg := command(t, "docker-entrypoint.sh", "postgres")
	forever := command(t, "sleep", "infinity")
	cases := []*Spec{
		{Command: pg, Health: healthcheck(t, "pg_isready", pg.Server, Healthcheck{Interval: 3 * s})},
		{Command: forever, Health: healthcheck(t, "exit 1", nil, Healthcheck{Interval: 2 * s, Retries: 4, StartPeriod: 7 * s, StartInterval: s})},
		{Command: pg, Restart: RestartPolicy{Name: RestartAlways},
			Health: healthcheck(t, "pg_isready", pg.Server, Healthcheck{Interval: 7 * s, Timeout: 3 * s, StartPeriod: 20 * s, StartInterval: 2 * s})},
		{Command: forever, Health: healthcheck(t, "sleep 5", nil, Healthcheck{Interval: 2 * s, Timeout: 3 * s})},
	}
	h := []Action{start(0), {Kind: Pause, At: at(100 * s)}, {Kind: Unpause, At: at(130 * s)},
		{Kind: Crash, At: at(500 * s), ExitCode: 1}, start(600 * s), stop(4000*s, 10*s), start(5000 * s)}
	for i, spec := range cases {
		for _, now := range []time.Duration{0, 3 * s, 59 * s, 101 * s, 499 * s, 599 * s, 1000 * s, 5000 * s, 10 * time.Hour} {
			fast := Evaluate(spec, h, at(now))
			noFastForward = true
			slow := Evaluate(spec, h, at(now))
			noFastForward = false
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("spec %d now %v: fast-forward differs\nfast %+v\nslow %+v", i, now, fast.Health, slow.Health)
			}
		}
	}
}

func TestNewHealthcheck(t *testing.T) {
	srv := &shell.Server{Name: "redis-server", Ports: []int{6379}}
	c := shell.Context{FS: shell.NewMemFS()}
	for _, tc := range []struct {
		name          string
		cfg           *container.HealthConfig
		nil_          bool
		err           error
		notReady, rdy int
		outPrefix     string
	}{
		{name: "nil", cfg: nil, nil_: true},
		{name: "empty test", cfg: &container.HealthConfig{}, nil_: true},
		{name: "NONE", cfg: &container.HealthConfig{Test: []string{"NONE"}}, nil_: true},
		{name: "bad form", cfg: &container.HealthConfig{Test: []string{"redis-cli", "ping"}}, err: ErrBadHealthcheck},
		{name: "CMD-SHELL with args", cfg: &container.HealthConfig{Test: []string{"CMD-SHELL", "a", "b"}}, err: ErrBadHealthcheck},
		{name: "CMD", cfg: &container.HealthConfig{Test: []string{"CMD", "redis-cli", "ping"}, Interval: 3 * s, Retries: 7}, notReady: 1, rdy: 0},
		{name: "CMD-SHELL", cfg: &container.HealthConfig{Test: []string{"CMD-SHELL", "redis-cli ping | grep PONG"}}, notReady: 1, rdy: 0},
		{name: "other port", cfg: &container.HealthConfig{Test: []string{"CMD-SHELL", "curl -f http://localhost:8080/"}}, notReady: 7, rdy: 7},
		{name: "exit 1", cfg: &container.HealthConfig{Test: []string{"CMD-SHELL", "exit 1"}}, notReady: 1, rdy: 1},
		{name: "unknown binary", cfg: &container.HealthConfig{Test: []string{"CMD", "nosuch"}}, notReady: -1, rdy: -1, outPrefix: "OCI runtime exec failed"},
	} {
		hc, err := NewHealthcheck(tc.cfg, c, srv)
		switch {
		case tc.err != nil:
			if !errors.Is(err, tc.err) || hc != nil {
				t.Errorf("%s: %v %v", tc.name, hc, err)
			}
		case tc.nil_:
			if hc != nil || err != nil {
				t.Errorf("%s: %v %v", tc.name, hc, err)
			}
		default:
			if err != nil || hc.NotReady.ExitCode != tc.notReady || hc.Ready.ExitCode != tc.rdy || !strings.HasPrefix(hc.Ready.Output, tc.outPrefix) {
				t.Errorf("%s: %+v %v", tc.name, hc, err)
			} else if hc.Interval != tc.cfg.Interval || hc.Retries != tc.cfg.Retries {
				t.Errorf("%s: timings not copied: %+v", tc.name, hc)
			}
		}
	}
}
