package process

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/reconciler/reconciler/emulator/shell"
)

func TestEvaluate(t *testing.T) {
	sleep5 := Spec{Command: script(t, "sleep 5")}
	sleep30 := Spec{Command: command(t, "sleep", "30")}
	sleep30init := Spec{Command: command(t, "sleep", "30"), Init: true}
	forever := Spec{Command: command(t, "sleep", "infinity")}
	nginx := Spec{Command: command(t, "/docker-entrypoint.sh", "nginx", "-g", "daemon off;"), StopSignal: "SIGQUIT"}
	pg := Spec{Command: command(t, "docker-entrypoint.sh", "postgres"), StopSignal: "SIGINT"}
	exit3 := Spec{Command: script(t, "exit 3")}

	for _, tc := range []struct {
		name     string
		spec     Spec
		history  []Action
		now      time.Duration
		state    string
		exit     int
		finished time.Duration // -1: zero
		restarts int
		trans    []tr
	}{
		{name: "created", spec: sleep5, now: 10 * s, state: StateCreated, finished: -1},
		{name: "sleep running", spec: sleep5, history: []Action{start(0)}, now: 4 * s, state: StateRunning, finished: -1,
			trans: []tr{{TStart, 0, nil}}},
		{name: "sleep exits 0 after 5s", spec: sleep5, history: []Action{start(0)}, now: 5 * s, state: StateExited, finished: 5 * s,
			trans: []tr{{TStart, 0, nil}, {TDie, 5 * s, 0}}},
		{name: "exit 3", spec: exit3, history: []Action{start(s)}, now: 2 * s, state: StateExited, exit: 3, finished: s,
			trans: []tr{{TStart, s, nil}, {TDie, s, 3}}},
		{name: "future actions ignored", spec: sleep5, history: []Action{start(0), stop(20*s, 10*s)}, now: 10 * s, state: StateExited, finished: 5 * s,
			trans: []tr{{TStart, 0, nil}, {TDie, 5 * s, 0}}},
		{name: "stop sleep pid1 ignores TERM: killed after timeout", spec: sleep30, history: []Action{start(0), stop(s, 10*s)}, now: 20 * s,
			state: StateExited, exit: 137, finished: 11 * s,
			trans: []tr{{TStart, 0, nil}, {TKill, s, 15}, {TKill, 11 * s, 9}, {TDie, 11 * s, 137}, {TStop, 11 * s, nil}}},
		{name: "stop in progress", spec: sleep30, history: []Action{start(0), stop(s, 10*s)}, now: 5 * s, state: StateRunning, finished: -1,
			trans: []tr{{TStart, 0, nil}, {TKill, s, 15}}},
		{name: "stop with init: 143", spec: sleep30init, history: []Action{start(0), stop(s, 10*s)}, now: 2 * s,
			state: StateExited, exit: 143, finished: s,
			trans: []tr{{TStart, 0, nil}, {TKill, s, 15}, {TDie, s, 143}, {TStop, s, nil}}},
		{name: "stop t=0 kills at once", spec: forever, history: []Action{start(0), stop(s, 0)}, now: s,
			state: StateExited, exit: 137, finished: s,
			trans: []tr{{TStart, 0, nil}, {TKill, s, 15}, {TKill, s, 9}, {TDie, s, 137}, {TStop, s, nil}}},
		{name: "stop: command ends before timeout", spec: sleep5, history: []Action{start(0), stop(s, 10*s)}, now: 20 * s,
			state: StateExited, exit: 0, finished: 5 * s,
			trans: []tr{{TStart, 0, nil}, {TKill, s, 15}, {TDie, 5 * s, 0}, {TStop, 5 * s, nil}}},
		{name: "stop nginx: SIGQUIT graceful exit 0", spec: nginx, history: []Action{start(0), stop(10*s, 10*s)}, now: 11 * s,
			state: StateExited, exit: 0, finished: 10*s + 100*ms,
			trans: []tr{{TStart, 0, nil}, {TKill, 10 * s, 3}, {TDie, 10*s + 100*ms, 0}, {TStop, 10*s + 100*ms, nil}}},
		{name: "stop postgres with SIGINT", spec: pg, history: []Action{start(0), stop(10*s, 10*s)}, now: 11 * s,
			state: StateExited, exit: 0, finished: 10*s + 100*ms,
			trans: []tr{{TStart, 0, nil}, {TKill, 10 * s, 2}, {TDie, 10*s + 100*ms, 0}, {TStop, 10*s + 100*ms, nil}}},
		{name: "stop server t=0: killed", spec: nginx, history: []Action{start(0), stop(s, 0)}, now: 2 * s,
			state: StateExited, exit: 137, finished: s,
			trans: []tr{{TStart, 0, nil}, {TKill, s, 3}, {TKill, s, 9}, {TDie, s, 137}, {TStop, s, nil}}},
		{name: "stop waits forever", spec: sleep30, history: []Action{start(0), stop(s, -1)}, now: 100 * s,
			state: StateExited, exit: 0, finished: 30 * s,
			trans: []tr{{TStart, 0, nil}, {TKill, s, 15}, {TDie, 30 * s, 0}, {TStop, 30 * s, nil}}},
		{name: "kill default SIGKILL", spec: forever, history: []Action{start(0), {Kind: Kill, At: at(2 * s)}}, now: 3 * s,
			state: StateExited, exit: 137, finished: 2 * s,
			trans: []tr{{TStart, 0, nil}, {TKill, 2 * s, 9}, {TDie, 2 * s, 137}}},
		{name: "kill TERM ignored by pid1 sleep", spec: sleep30, history: []Action{start(0), {Kind: Kill, At: at(2 * s), Signal: "TERM"}}, now: 3 * s,
			state: StateRunning, finished: -1, trans: []tr{{TStart, 0, nil}, {TKill, 2 * s, 15}}},
		{name: "kill USR1 with init: 138", spec: sleep30init, history: []Action{start(0), {Kind: Kill, At: at(2 * s), Signal: "SIGUSR1"}}, now: 3 * s,
			state: StateExited, exit: 138, finished: 2 * s, trans: []tr{{TStart, 0, nil}, {TKill, 2 * s, 10}, {TDie, 2 * s, 138}}},
		{name: "kill HUP: nginx reloads", spec: nginx, history: []Action{start(0), {Kind: Kill, At: at(2 * s), Signal: "HUP"}}, now: 3 * s,
			state: StateRunning, finished: -1, trans: []tr{{TStart, 0, nil}, {TKill, 2 * s, 1}}},
		{name: "kill USR2 on postgres: 140", spec: pg, history: []Action{start(0), {Kind: Kill, At: at(2 * s), Signal: "12"}}, now: 3 * s,
			state: StateExited, exit: 140, finished: 2 * s, trans: []tr{{TStart, 0, nil}, {TKill, 2 * s, 12}, {TDie, 2 * s, 140}}},
		{name: "timers run on while paused: an exit due during the pause happens at the unpause", spec: sleep5,
			history: []Action{start(0), {Kind: Pause, At: at(2 * s)}, {Kind: Unpause, At: at(10 * s)}}, now: 20 * s,
			state: StateExited, finished: 10 * s,
			trans: []tr{{TStart, 0, nil}, {TPause, 2 * s, nil}, {TUnpause, 10 * s, nil}, {TDie, 10 * s, 0}}},
		{name: "paused", spec: sleep5, history: []Action{start(0), {Kind: Pause, At: at(2 * s)}}, now: 20 * s,
			state: StatePaused, finished: -1, trans: []tr{{TStart, 0, nil}, {TPause, 2 * s, nil}}},
		{name: "stop a paused container", spec: sleep30, history: []Action{start(0), {Kind: Pause, At: at(2 * s)}, stop(3*s, 10*s)}, now: 20 * s,
			state: StateExited, exit: 137, finished: 13 * s,
			trans: []tr{{TStart, 0, nil}, {TPause, 2 * s, nil}, {TKill, 3 * s, 15}, {TKill, 13 * s, 9}, {TDie, 13 * s, 137}, {TStop, 13 * s, nil}}},
		{name: "crash", spec: forever, history: []Action{start(0), {Kind: Crash, At: at(4 * s), ExitCode: 42}}, now: 5 * s,
			state: StateExited, exit: 42, finished: 4 * s, trans: []tr{{TStart, 0, nil}, {TDie, 4 * s, 42}}},
		{name: "start again after exit", spec: exit3, history: []Action{start(0), start(10 * s)}, now: 11 * s,
			state: StateExited, exit: 3, finished: 10 * s,
			trans: []tr{{TStart, 0, nil}, {TDie, 0, 3}, {TStart, 10 * s, nil}, {TDie, 10 * s, 3}}},
		{name: "start while running is a no-op", spec: forever, history: []Action{start(0), start(s)}, now: 2 * s,
			state: StateRunning, finished: -1, trans: []tr{{TStart, 0, nil}}},
		{name: "restart action", spec: sleep30, history: []Action{start(0), {Kind: Restart, At: at(5 * s), Timeout: s}}, now: 10 * s,
			state: StateRunning, exit: 0, finished: 6 * s,
			trans: []tr{{TStart, 0, nil}, {TKill, 5 * s, 15}, {TKill, 6 * s, 9}, {TDie, 6 * s, 137}, {TStop, 6 * s, nil}, {TStart, 6 * s, nil}, {TRestart, 6 * s, nil}}},
		{name: "restart action on exited", spec: sleep5, history: []Action{start(0), {Kind: Restart, At: at(8 * s), Timeout: s}}, now: 9 * s,
			state: StateRunning, finished: 5 * s,
			trans: []tr{{TStart, 0, nil}, {TDie, 5 * s, 0}, {TStart, 8 * s, nil}, {TRestart, 8 * s, nil}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			st := Evaluate(&spec, tc.history, at(tc.now))
			if st.State != tc.state || st.ExitCode != tc.exit || st.RestartCount != tc.restarts {
				t.Errorf("state %s exit %d restarts %d, want %s %d %d", st.State, st.ExitCode, st.RestartCount, tc.state, tc.exit, tc.restarts)
			}
			if st.Running != (tc.state == StateRunning || tc.state == StatePaused) || st.Paused != (tc.state == StatePaused) {
				t.Errorf("Running %v Paused %v in state %s", st.Running, st.Paused, st.State)
			}
			wantFin := time.Time{}
			if tc.finished >= 0 {
				wantFin = at(tc.finished)
			}
			if !st.FinishedAt.Equal(wantFin) {
				t.Errorf("FinishedAt %v, want %v", st.FinishedAt, wantFin)
			}
			if got := compact(st.Transitions); !equalTr(got, tc.trans) {
				t.Errorf("transitions\n got %v\nwant %v", got, tc.trans)
			}
		})
	}
}

func TestRestartPolicies(t *testing.T) {
	fail := Spec{Command: script(t, "exit 1")}
	ok := Spec{Command: script(t, "exit 0")}
	long := Spec{Command: script(t, "sleep 15; exit 1")}
	for _, tc := range []struct {
		name     string
		spec     Spec
		policy   RestartPolicy
		history  []Action
		now      time.Duration
		state    string
		restarts int
		starts   []time.Duration // start transition times
	}{
		{name: "no", spec: fail, policy: RestartPolicy{Name: "no"}, history: []Action{start(0)}, now: time.Minute, state: StateExited, starts: []time.Duration{0}},
		{name: "always backoff doubles", spec: fail, policy: RestartPolicy{Name: RestartAlways}, history: []Action{start(0)}, now: 1600 * ms,
			state: StateRestarting, restarts: 4, starts: []time.Duration{0, 100 * ms, 300 * ms, 700 * ms, 1500 * ms}},
		{name: "always restarting between", spec: fail, policy: RestartPolicy{Name: RestartAlways}, history: []Action{start(0)}, now: 50 * ms,
			state: StateRestarting, starts: []time.Duration{0}},
		{name: "always backoff capped at 1 min", spec: fail, policy: RestartPolicy{Name: RestartAlways}, history: []Action{start(0)}, now: 5 * time.Minute,
			state: StateRestarting, restarts: 13},
		{name: "always after exit 0", spec: ok, policy: RestartPolicy{Name: RestartAlways}, history: []Action{start(0)}, now: 350 * ms,
			state: StateRestarting, restarts: 2, starts: []time.Duration{0, 100 * ms, 300 * ms}},
		{name: "backoff resets after 10s runs", spec: long, policy: RestartPolicy{Name: RestartAlways}, history: []Action{start(0)}, now: 31 * s,
			state: StateRunning, restarts: 2, starts: []time.Duration{0, 15*s + 100*ms, 30*s + 200*ms}},
		{name: "on-failure", spec: fail, policy: RestartPolicy{Name: RestartOnFailure}, history: []Action{start(0)}, now: 200 * ms,
			state: StateRestarting, restarts: 1},
		{name: "on-failure max", spec: fail, policy: RestartPolicy{Name: RestartOnFailure, MaxRetries: 2}, history: []Action{start(0)}, now: time.Hour,
			state: StateExited, restarts: 2, starts: []time.Duration{0, 100 * ms, 300 * ms}},
		{name: "on-failure exit 0", spec: ok, policy: RestartPolicy{Name: RestartOnFailure}, history: []Action{start(0)}, now: time.Hour,
			state: StateExited, starts: []time.Duration{0}},
		{name: "unless-stopped stopped by hand", spec: Spec{Command: command(t, "sleep", "infinity"), Init: true}, policy: RestartPolicy{Name: RestartUnlessStopped},
			history: []Action{start(0), stop(s, 10*s)}, now: time.Hour, state: StateExited, starts: []time.Duration{0}},
		{name: "always killed by hand", spec: Spec{Command: command(t, "sleep", "infinity")}, policy: RestartPolicy{Name: RestartAlways},
			history: []Action{start(0), {Kind: Kill, At: at(s)}}, now: time.Hour, state: StateExited, starts: []time.Duration{0}},
		{name: "always crash restarts", spec: Spec{Command: command(t, "sleep", "infinity")}, policy: RestartPolicy{Name: RestartAlways},
			history: []Action{start(0), {Kind: Crash, At: at(20 * s), ExitCode: 1}}, now: time.Hour, state: StateRunning, restarts: 1,
			starts: []time.Duration{0, 20*s + 100*ms}},
		{name: "stop while restarting", spec: fail, policy: RestartPolicy{Name: RestartAlways}, history: []Action{start(0), stop(50*ms, 10*s)}, now: time.Hour,
			state: StateExited, starts: []time.Duration{0}},
		{name: "manual start resets backoff", spec: fail, policy: RestartPolicy{Name: RestartOnFailure, MaxRetries: 1},
			history: []Action{start(0), start(10 * s)}, now: 10*s + 150*ms, state: StateExited, restarts: 1,
			starts: []time.Duration{0, 100 * ms, 10 * s}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.Restart = tc.policy
			st := Evaluate(&spec, tc.history, at(tc.now))
			if st.State != tc.state || st.RestartCount != tc.restarts || st.Restarting != (tc.state == StateRestarting) {
				t.Errorf("state %s restarts %d, want %s %d", st.State, st.RestartCount, tc.state, tc.restarts)
			}
			if tc.starts != nil {
				var got []time.Duration
				for _, x := range st.Transitions {
					if x.Kind == TStart {
						got = append(got, x.At.Sub(t0))
					}
				}
				if !reflect.DeepEqual(got, tc.starts) {
					t.Errorf("starts %v, want %v", got, tc.starts)
				}
			}
			if len(st.Runs) != tc.restarts+countStarts(tc.history) {
				t.Errorf("%d runs for %d restarts", len(st.Runs), tc.restarts)
			}
		})
	}
}

func countStarts(h []Action) int {
	n := 0
	for _, a := range h {
		if a.Kind == Start {
			n++
		}
	}
	return n
}

func TestDaemonRestart(t *testing.T) {
	nginx := command(t, "nginx", "-g", "daemon off;")
	for _, tc := range []struct {
		name    string
		policy  string
		history []Action
		state   string
		exit    int
	}{
		{"always running comes back", RestartAlways, []Action{start(0), {Kind: DaemonRestart, At: at(time.Minute)}}, StateRunning, 0},
		{"unless-stopped running comes back", RestartUnlessStopped, []Action{start(0), {Kind: DaemonRestart, At: at(time.Minute)}}, StateRunning, 0},
		{"no policy stays down", RestartNo, []Action{start(0), {Kind: DaemonRestart, At: at(time.Minute)}}, StateExited, 0},
		{"on-failure stays down after clean shutdown", RestartOnFailure, []Action{start(0), {Kind: DaemonRestart, At: at(time.Minute)}}, StateExited, 0},
		{"unless-stopped stopped by hand stays down", RestartUnlessStopped, []Action{start(0), stop(s, 10*s), {Kind: DaemonRestart, At: at(time.Minute)}}, StateExited, 0},
		{"always stopped by hand comes back", RestartAlways, []Action{start(0), stop(s, 10*s), {Kind: DaemonRestart, At: at(time.Minute)}}, StateRunning, 0},
		{"never started stays created", RestartAlways, []Action{{Kind: DaemonRestart, At: at(time.Minute)}}, StateCreated, 0},
	} {
		spec := Spec{Command: nginx, Restart: RestartPolicy{Name: tc.policy}}
		st := Evaluate(&spec, tc.history, at(2*time.Minute))
		if st.State != tc.state || st.ExitCode != tc.exit || st.RestartCount != 0 {
			t.Errorf("%s: state %s exit %d restarts %d", tc.name, st.State, st.ExitCode, st.RestartCount)
		}
	}
}

func TestParseSignal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{{"SIGTERM", 15}, {"TERM", 15}, {"term", 15}, {"9", 9}, {"SIGKILL", 9}, {"SIGQUIT", 3}, {"SIGWINCH", 28}, {"SIGRTMIN+3", 37}, {"64", 64}} {
		if n, err := ParseSignal(tc.in); err != nil || n != tc.want {
			t.Errorf("%q: %d %v", tc.in, n, err)
		}
	}
	for _, bad := range []string{"FOO", "0", "65", "-1", "SIG", ""} {
		_, err := ParseSignal(bad)
		var se *SignalError
		if !errors.Is(err, ErrInvalidSignal) || !errors.As(err, &se) || err.Error() != "Invalid signal: "+bad {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestResponse(t *testing.T) {
	nginx := Spec{Command: command(t, "nginx", "-g", "daemon off;")}
	httpd := Spec{Command: command(t, "httpd-foreground")}
	sleepS := Spec{Command: command(t, "sleep", "100")}
	sleepInit := Spec{Command: command(t, "sleep", "100"), Init: true}
	for _, tc := range []struct {
		name  string
		spec  Spec
		sig   int
		exits bool
		code  int
	}{
		{"kill always", sleepS, 9, true, 137},
		{"pid1 ignores TERM", sleepS, 15, false, 0},
		{"pid1 ignores INT", sleepS, 2, false, 0},
		{"init forwards TERM", sleepInit, 15, true, 143},
		{"init: WINCH is ignored by default", sleepInit, 28, false, 0},
		{"nginx TERM", nginx, 15, true, 0},
		{"nginx QUIT", nginx, 3, true, 0},
		{"nginx HUP reload", nginx, 1, false, 0},
		{"nginx ALRM default action", nginx, 14, true, 142},
		{"httpd WINCH graceful", httpd, 28, true, 0},
	} {
		exits, code, _ := tc.spec.Response(tc.sig)
		if exits != tc.exits || code != tc.code {
			t.Errorf("%s: exits %v code %d", tc.name, exits, code)
		}
	}
}

func TestLogs(t *testing.T) {
	spec := Spec{Command: script(t, "echo one; sleep 2; echo two >&2; sleep 2; exit 1"), Restart: RestartPolicy{Name: RestartOnFailure, MaxRetries: 1}}
	st := Evaluate(&spec, []Action{start(0)}, at(5*s))
	logs := Logs(&spec.Command, st.Runs, at(5*s))
	want := []LogEntry{{Time: at(0), Stream: 1, Text: "one"}, {Time: at(2 * s), Stream: 2, Text: "two"}, {Time: at(4*s + 100*ms), Stream: 1, Text: "one"}}
	if !reflect.DeepEqual(logs, want) {
		t.Errorf("logs %v, want %v", logs, want)
	}
	stopped := Evaluate(&spec, []Action{start(0), {Kind: Kill, At: at(s)}}, at(time.Hour))
	if logs := Logs(&spec.Command, stopped.Runs, at(time.Hour)); len(logs) != 1 || logs[0].Text != "one" {
		t.Errorf("a killed run printed lines after its end: %v", logs)
	}
}

// TestDeterminism: identical inputs give deeply equal Status values.
func TestDeterminism(t *testing.T) {
	pg := command(t, "docker-entrypoint.sh", "postgres")
	mk := func() *Spec {
		return &Spec{Command: pg, StopSignal: "SIGINT", Restart: RestartPolicy{Name: RestartAlways},
			Health: healthcheck(t, "pg_isready -U postgres", pg.Server, Healthcheck{Interval: 5 * s, StartPeriod: 10 * s, StartInterval: s})}
	}
	h := []Action{start(0), {Kind: Crash, At: at(time.Minute), ExitCode: 3}, {Kind: Pause, At: at(2 * time.Minute)},
		{Kind: Unpause, At: at(3 * time.Minute)}, stop(time.Hour, 10*s), start(2 * time.Hour)}
	for _, now := range []time.Duration{0, 30 * s, 90 * s, time.Hour, 5 * time.Hour} {
		a := Evaluate(mk(), h, at(now))
		b := Evaluate(mk(), h, at(now))
		if !reflect.DeepEqual(a, b) {
			t.Errorf("now %v: results differ", now)
		}
	}
}

// TestPrefixStable: evaluating at later times (with actions appended at or
// after the previous now) only appends transitions.
func TestPrefixStable(t *testing.T) {
	pg := command(t, "docker-entrypoint.sh", "postgres")
	spec := &Spec{Command: pg, Restart: RestartPolicy{Name: RestartAlways},
		Health: healthcheck(t, "pg_isready", pg.Server, Healthcheck{Interval: 3 * s, Retries: 2})}
	full := []Action{start(0), {Kind: Crash, At: at(20 * s), ExitCode: 1}, {Kind: Pause, At: at(40 * s)}, {Kind: Unpause, At: at(45 * s)}, stop(60*s, 5*s), start(70 * s)}
	var prev []Transition
	for now := time.Duration(0); now <= 100*s; now += 500 * ms {
		var h []Action
		for _, a := range full {
			if !a.At.After(at(now)) {
				h = append(h, a)
			}
		}
		st := Evaluate(spec, h, at(now))
		if len(st.Transitions) < len(prev) || !slices.Equal(st.Transitions[:len(prev)], prev) {
			t.Fatalf("now %v: transitions are not an extension of the previous ones", now)
		}
		if got := st.Since(len(prev)); len(got) != len(st.Transitions)-len(prev) {
			t.Fatalf("Since(%d) = %d transitions", len(prev), len(got))
		}
		prev = st.Transitions
	}
	if len(prev) < 8 {
		t.Errorf("only %d transitions: %v", len(prev), compact(prev))
	}
}

func TestNewSpec(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		err  error
		exit int
	}{
		{name: "ok", cfg: Config{Argv: []string{"sh", "-c", "exit 4"}}, exit: 4},
		{name: "not found", cfg: Config{Argv: []string{"nosuch"}}, err: shell.ErrNotFound},
		{name: "empty", cfg: Config{}, err: shell.ErrNoCommand},
		{name: "malformed script still starts", cfg: Config{Argv: []string{"sh", "-c", "echo 'x"}}, exit: 2},
		{name: "bad healthcheck", cfg: Config{Argv: []string{"true"}, Healthcheck: &container.HealthConfig{Test: []string{"BOGUS"}}}, err: ErrBadHealthcheck},
	} {
		spec, err := NewSpec(tc.cfg)
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.err)
			continue
		}
		if err == nil && spec.Command.ExitCode != tc.exit {
			t.Errorf("%s: exit %d", tc.name, spec.Command.ExitCode)
		}
		if err != nil && spec != nil {
			t.Errorf("%s: a Spec with an error", tc.name)
		}
	}
}

// TestJSONRoundTrip: Spec and Actions are plain data the engine can store; a
// decoded copy evaluates to the same Status.
func TestJSONRoundTrip(t *testing.T) {
	pg := command(t, "docker-entrypoint.sh", "postgres")
	spec := &Spec{Command: pg, StopSignal: "SIGINT", Restart: RestartPolicy{Name: RestartOnFailure, MaxRetries: 3},
		Health: healthcheck(t, "pg_isready", pg.Server, Healthcheck{Interval: 5 * s})}
	h := []Action{start(0), {Kind: Kill, At: at(time.Minute), Signal: "SIGUSR2"}, {Kind: Crash, At: at(2 * time.Minute), ExitCode: 9}}
	b, err := json.Marshal(struct {
		Spec    *Spec
		History []Action
	}{spec, h})
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Spec    *Spec
		History []Action
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	want := Evaluate(spec, h, at(time.Hour))
	got := Evaluate(back.Spec, back.History, at(time.Hour))
	wj, _ := json.Marshal(want)
	gj, _ := json.Marshal(got)
	if string(wj) != string(gj) {
		t.Errorf("decoded spec evaluates differently:\n%s\n%s", wj, gj)
	}
}

func TestNext(t *testing.T) {
	sleep5 := &Spec{Command: script(t, "sleep 5")}
	forever := &Spec{Command: command(t, "sleep", "infinity")}
	probed := &Spec{Command: command(t, "sleep", "infinity"), Health: healthcheck(t, "true", nil, Healthcheck{Interval: 7 * s})}
	fail := &Spec{Command: script(t, "exit 1"), Restart: RestartPolicy{Name: RestartAlways}}
	for _, tc := range []struct {
		name    string
		spec    *Spec
		history []Action
		now     time.Duration
		next    time.Duration // -1: zero
	}{
		{"created", sleep5, nil, 0, -1},
		{"exit pending", sleep5, []Action{start(0)}, s, 5 * s},
		{"exited", sleep5, []Action{start(0)}, 6 * s, -1},
		{"forever", forever, []Action{start(0)}, time.Hour, -1},
		{"stop timeout pending", forever, []Action{start(0), stop(s, 10*s)}, 2 * s, 11 * s},
		{"next probe", probed, []Action{start(0)}, 8 * s, 14 * s},
		{"restart pending", fail, []Action{start(0)}, 50 * ms, 100 * ms},
		{"paused", sleep5, []Action{start(0), {Kind: Pause, At: at(s)}}, 2 * s, -1},
	} {
		st := Evaluate(tc.spec, tc.history, at(tc.now))
		want := time.Time{}
		if tc.next >= 0 {
			want = at(tc.next)
		}
		if !st.Next.Equal(want) {
			t.Errorf("%s: Next %v, want %v", tc.name, st.Next, want)
		}
		if !st.Next.IsZero() {
			// Nothing changes before Next; something does at Next.
			before := Evaluate(tc.spec, tc.history, st.Next.Add(-1))
			after := Evaluate(tc.spec, tc.history, st.Next)
			if !reflect.DeepEqual(withoutNext(before), withoutNext(st)) || reflect.DeepEqual(withoutNext(after), withoutNext(st)) {
				t.Errorf("%s: Next is not when the state changes", tc.name)
			}
		}
	}
}

func withoutNext(st Status) Status {
	st.Next = time.Time{}
	return st
}

func TestListening(t *testing.T) {
	pg := &Spec{Command: command(t, "docker-entrypoint.sh", "postgres")}
	nc := &Spec{Command: command(t, "nc", "-l", "-p", "8080")}
	sleep := &Spec{Command: command(t, "sleep", "infinity")}
	ready := pg.Command.Server.ReadyAfter
	for _, tc := range []struct {
		name    string
		spec    *Spec
		history []Action
		now     time.Duration
		port    int
		want    bool
	}{
		{"before ready", pg, []Action{start(0)}, ready - 1, 5432, false},
		{"ready", pg, []Action{start(0)}, ready, 5432, true},
		{"default port", pg, []Action{start(0)}, ready, 0, true},
		{"other port", pg, []Action{start(0)}, ready, 80, false},
		{"paused", pg, []Action{start(0), {Kind: Pause, At: at(time.Minute)}}, 2 * time.Minute, 5432, false},
		{"stopped", pg, []Action{start(0), stop(time.Minute, 10*s)}, 2 * time.Minute, 5432, false},
		{"never started", pg, nil, time.Hour, 5432, false},
		{"nc -l", nc, []Action{start(0)}, 0, 8080, true},
		{"nc -l other port", nc, []Action{start(0)}, 0, 8081, false},
		{"no server", sleep, []Action{start(0)}, time.Hour, 80, false},
	} {
		st := Evaluate(tc.spec, tc.history, at(tc.now))
		if got := st.Listening(tc.spec, tc.port, at(tc.now)); got != tc.want {
			t.Errorf("%s: Listening = %v", tc.name, got)
		}
	}
}
