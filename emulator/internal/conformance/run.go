package conformance

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"testing"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// RunBadInput runs every bad-input case on a fresh engine of its own from
// newAPI (the emulator, in-process or over its socket): the call must fail with
// dockerd's class and text and leave both the run's State and the whole
// engine's Snapshot unchanged. check, when not nil, is called with each error
// for implementation-specific assertions.
func RunBadInput(t *testing.T, newAPI func(t *testing.T) emulator.API, check func(t *testing.T, err error)) {
	for _, tc := range BadInputCases() {
		t.Run(tc.Name, func(t *testing.T) {
			api := newAPI(t)
			skipOlder(t, api, tc)
			fx := SetupFixture(t, api, NewPrefix(), "")
			before, whole := mustState(t, api, fx), Snapshot(t, api)
			runCase(t, api, fx, tc, check)
			if after := mustState(t, api, fx); after != before {
				t.Errorf("state changed by a failed call:\n%s", lineDiff(before, after))
			} else if after := Snapshot(t, api); after != whole {
				t.Errorf("engine changed by a failed call (outside the run's objects):\n%s", lineDiff(whole, after))
			}
		})
	}
}

// RunBadInputShared runs every bad-input case on one long-lived engine that
// other tests may use at the same time (a real dockerd). The run's objects are
// named under a fresh NewPrefix and labelled with it; the fixture is built once
// and reused while the cases leave its State unchanged (that is what they
// assert), rebuilt after a case that changed it, and removed by Cleanup when
// the test ends. Nothing else on the engine is touched or compared. web
// publishes a host port found free on 127.0.0.1 at the start.
func RunBadInputShared(t *testing.T, api emulator.API, check func(t *testing.T, err error)) {
	prefix, port := NewPrefix(), freeHostPort(t)
	t.Logf("run prefix %s, web on 127.0.0.1:%s", prefix, port)
	t.Cleanup(func() {
		if err := Cleanup(context.Background(), api, prefix); err != nil {
			t.Error(err)
		}
	})
	var fx *Fixture
	for _, tc := range BadInputCases() {
		t.Run(tc.Name, func(t *testing.T) {
			skipOlder(t, api, tc)
			if fx == nil {
				if err := Cleanup(context.Background(), api, prefix); err != nil {
					t.Fatal(err)
				}
				f := SetupFixture(t, api, prefix, port)
				fx = &f
			}
			before := mustState(t, api, *fx)
			runCase(t, api, *fx, tc, check)
			if after := mustState(t, api, *fx); after != before {
				t.Errorf("state changed by a failed call:\n%s", lineDiff(before, after))
				fx = nil // the next case starts from a rebuilt fixture
			}
		})
	}
}

// runCase makes the case's call and checks dockerd's class and text.
func runCase(t *testing.T, api emulator.API, fx Fixture, tc BadInputCase, check func(t *testing.T, err error)) {
	t.Helper()
	err := tc.Call(context.Background(), api, fx)
	if err == nil {
		t.Error("expected an error")
		return
	}
	if !tc.Class(err) {
		t.Errorf("error %q has the wrong class", err)
	}
	msg, want := Message(err), fx.Expand(tc.Msg)
	if p, ok := strings.CutPrefix(want, "prefix:"); ok {
		if !strings.HasPrefix(msg, p) {
			t.Errorf("error %q, want prefix %q", msg, p)
		}
	} else if msg != strings.TrimSpace(want) {
		t.Errorf("error %q\nwant      %q", msg, want)
	}
	if check != nil {
		check(t, err)
	}
}

// skipOlder skips a case whose behaviour belongs to a newer API than the server's.
func skipOlder(t *testing.T, api emulator.API, tc BadInputCase) {
	t.Helper()
	if tc.Since == "" {
		return
	}
	v, err := api.ServerVersion(context.Background(), client.ServerVersionOptions{})
	if err != nil {
		t.Fatalf("server version: %v", err)
	}
	if versionLess(v.APIVersion, tc.Since) {
		t.Skipf("behaviour of API %s; server speaks %s", tc.Since, v.APIVersion)
	}
}

func mustState(t *testing.T, api emulator.API, fx Fixture) string {
	t.Helper()
	s, err := State(context.Background(), api, fx)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// freeHostPort returns a port nothing listens on now in 18000-19999: below the
// kernel's ephemeral range, and apart from internal/dockertest's 20000-31999,
// so neither an outgoing connection nor that package takes it meanwhile.
func freeHostPort(t *testing.T) string {
	t.Helper()
	for range 100 {
		port := 18000 + rand.IntN(2000)
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		l.Close()
		return fmt.Sprint(port)
	}
	t.Fatal("no free host port in 18000-19999")
	return ""
}

// Message is dockerd's message of err: moby's client prefixes the response body's
// message with "Error response from daemon: " and trims it, the emulator returns
// it bare.
func Message(err error) string {
	return strings.TrimSpace(strings.TrimPrefix(err.Error(), "Error response from daemon: "))
}

// lineDiff lists the lines that differ between two renderings, position by
// position (the renderings have a stable order, so a change shows in place).
func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, "- "+x, "+ "+y)
		}
	}
	return strings.Join(out, "\n")
}

// versionLess compares API versions "1.41" < "1.44".
func versionLess(a, b string) bool {
	am, an, _ := strings.Cut(a, ".")
	bm, bn, _ := strings.Cut(b, ".")
	if am != bm {
		return atoi(am) < atoi(bm)
	}
	return atoi(an) < atoi(bn)
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			break
		}
		n = n*10 + int(r-'0')
	}
	return n
}
