package process

import (
	"testing"
	"time"

	"github.com/reconciler/reconciler/emulator/shell"
)

var t0 = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

const (
	ms = time.Millisecond
	s  = time.Second
)

// command runs argv with the interpreter as the engine would at start.
func command(t testing.TB, argv ...string) shell.Result {
	t.Helper()
	res, err := shell.Run(shell.Context{
		Env: []string{"PATH=/bin", "POSTGRES_PASSWORD=pw"}, Hostname: "c0ffee", FS: shell.NewMemFS(), Image: "postgres",
	}, argv)
	if err != nil {
		t.Fatalf("%q: %v", argv, err)
	}
	return res
}

func script(t testing.TB, src string) shell.Result { return command(t, "sh", "-c", src) }

// healthcheck builds a Healthcheck for test (CMD-SHELL) against server.
func healthcheck(t testing.TB, test string, server *shell.Server, hc Healthcheck) *Healthcheck {
	t.Helper()
	nr, r, err := ProbeOutcomes([]string{"CMD-SHELL", test}, shell.Context{FS: shell.NewMemFS()}, server)
	if err != nil {
		t.Fatal(err)
	}
	hc.Test = []string{"CMD-SHELL", test}
	hc.NotReady, hc.Ready = nr, r
	return &hc
}

func start(d time.Duration) Action { return Action{Kind: Start, At: at(d)} }

func stop(d, timeout time.Duration) Action { return Action{Kind: Stop, At: at(d), Timeout: timeout} }

// tr is a compact transition for comparisons: kind@offset(/code or signal or health).
type tr struct {
	kind TransitionKind
	at   time.Duration
	arg  any
}

func compact(ts []Transition) []tr {
	out := make([]tr, len(ts))
	for i, x := range ts {
		var arg any
		switch x.Kind {
		case TDie:
			arg = x.ExitCode
		case TKill:
			arg = x.Signal
		case THealthStatus:
			arg = x.Health
		}
		out[i] = tr{x.Kind, x.At.Sub(t0), arg}
	}
	return out
}

func equalTr(a, b []tr) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
