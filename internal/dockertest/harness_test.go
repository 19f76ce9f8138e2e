package dockertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/internal/dockertest"
)

// env is what a scenario sees: one engine, the test's name prefix and label,
// and the recorder its observations go to.
type env struct {
	api emulator.API
	id  string
	rec *recorder
}

func (e *env) name(s string) string { return e.id + "-" + s }

// labels returns the test label plus extra key=value pairs.
func (e *env) labels(kv ...string) map[string]string {
	m := map[string]string{dockertest.LabelKey: e.id}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// filter returns the test's label filter plus the given term=value pairs.
func (e *env) filter(kv ...string) client.Filters {
	f := make(client.Filters).Add("label", dockertest.LabelKey+"="+e.id)
	for i := 0; i+1 < len(kv); i += 2 {
		f.Add(kv[i], kv[i+1])
	}
	return f
}

// scenario is a sequence of engine calls whose observations are recorded
// in order; the same scenario runs on the real dockerd and on the emulator.
type scenario struct {
	name string
	run  func(ctx context.Context, t *testing.T, e *env)
}

// step is one observation: a name and its normalised JSON.
type step struct{ name, got string }

// recorder collects observations, normalising what legitimately differs
// between two engines: ids, times, addresses.
type recorder struct {
	steps []step
	names map[string]string // full id -> name, to report ids by name
}

func (r *recorder) add(name string, v any, err error) {
	var got string
	if err != nil {
		got = fmt.Sprintf("error %s: %s", errClass(err), message(err))
	} else {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if jerr := enc.Encode(v); jerr != nil {
			got = "marshal error: " + jerr.Error()
		} else {
			got = strings.TrimSuffix(b.String(), "\n")
		}
	}
	r.steps = append(r.steps, step{name, r.normalise(got)})
}

// known maps an id to a stable name so that lists of ids compare.
func (r *recorder) known(id, name string) {
	if r.names == nil {
		r.names = map[string]string{}
	}
	r.names[id] = name
}

var (
	reID    = regexp.MustCompile(`(sha256:)?\b[0-9a-f]{64}\b`)
	reShort = regexp.MustCompile(`\b[0-9a-f]{12}\b`)
	reTime  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	reIPv4  = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(/\d+)?\b`)
)

func (r *recorder) normalise(s string) string {
	s = reID.ReplaceAllStringFunc(s, func(id string) string {
		if n, ok := r.names[strings.TrimPrefix(id, "sha256:")]; ok {
			return "<id:" + n + ">"
		}
		return "<id>"
	})
	s = reShort.ReplaceAllStringFunc(s, func(id string) string {
		for full, n := range r.names {
			if strings.HasPrefix(full, id) {
				return "<id:" + n + ">"
			}
		}
		return "<sid>"
	})
	s = reTime.ReplaceAllString(s, "<time>")
	return reIPv4.ReplaceAllString(s, "<ip>")
}

// message is dockerd's text: moby's client prefixes it, the emulator does not.
func message(err error) string {
	return strings.TrimPrefix(err.Error(), "Error response from daemon: ")
}

// errClass names the containerd errdefs class of err, as dockerd's status
// codes map to them through moby's client.
func errClass(err error) string {
	for _, c := range []struct {
		name string
		is   func(error) bool
	}{
		{"NotFound", cerrdefs.IsNotFound}, {"Conflict", cerrdefs.IsConflict},
		{"InvalidArgument", cerrdefs.IsInvalidArgument}, {"PermissionDenied", cerrdefs.IsPermissionDenied},
		{"NotModified", cerrdefs.IsNotModified}, {"Unavailable", cerrdefs.IsUnavailable},
		{"Internal", cerrdefs.IsInternal}, {"Unknown", cerrdefs.IsUnknown},
	} {
		if c.is(err) {
			return c.name
		}
	}
	return fmt.Sprintf("unclassified(%T)", err)
}

// keys returns the sorted set of JSON key paths of v down to depth levels,
// the "shape" of an inspect answer.
func keys(v any, depth int) []string {
	b, err := json.Marshal(v)
	if err != nil {
		return []string{"marshal error: " + err.Error()}
	}
	var m any
	if err := json.Unmarshal(b, &m); err != nil {
		return []string{"unmarshal error: " + err.Error()}
	}
	var out []string
	var walk func(prefix string, v any, d int)
	walk = func(prefix string, v any, d int) {
		obj, ok := v.(map[string]any)
		if !ok || d == 0 {
			return
		}
		for k, sub := range obj {
			p := prefix + k
			out = append(out, p)
			walk(p+".", sub, d-1)
		}
	}
	walk("", m, depth)
	sort.Strings(out)
	return out
}

// target is an emulator engine a scenario's dockerd observations are compared with.
type target struct {
	name string // "in-process" or "served"
	api  emulator.API
}

// engines returns the real dockerd (skipping without one), the emulator
// targets (in-process, and served over a unix socket through moby's client,
// each a fresh engine holding busybox:latest), and the shared test id.
func engines(t *testing.T) (dk emulator.API, emus []target, id string) {
	t.Helper()
	d := dockertest.Start(t)
	return d.Client, []target{{"in-process", newEmulator(t)}, {"served", serveEmulator(t, newEmulator(t))}}, d.ID
}

// newEmulator opens a fresh in-memory emulator on the real clock holding
// busybox:latest.
func newEmulator(t *testing.T) *emulator.Engine {
	t.Helper()
	eng, err := emulator.Open(":memory:")
	if err != nil {
		t.Fatalf("emulator.Open: %v", err)
	}
	t.Cleanup(func() { eng.Close() })
	ctx := context.Background()
	rc, err := eng.ImagePull(ctx, dockertest.Image, client.ImagePullOptions{})
	if err == nil {
		err = rc.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("emulator: pull %s: %v", dockertest.Image, err)
	}
	return eng
}

// runDiff runs sc on dockerd and on each emulator target and compares the
// observations step by step. A difference fails the test unless the allowlist
// explains it: allowlist[target+":"+sc.name+"/"+step] for one target, else
// allowlist[sc.name+"/"+step] for both.
func runDiff(t *testing.T, sc scenario) {
	dk, emus, id := engines(t)
	ctx := t.Context()
	want := &env{api: dk, id: id, rec: &recorder{}}
	sc.run(ctx, t, want)
	if testing.Verbose() {
		for _, s := range want.rec.steps {
			t.Logf("dockerd %s: %s", s.name, s.got)
		}
	}
	for _, tg := range emus {
		got := &env{api: tg.api, id: id, rec: &recorder{}}
		sc.run(ctx, t, got)
		compare(t, tg.name, sc.name, want.rec.steps, got.rec.steps)
	}
}

func compare(t *testing.T, target, scenario string, want, got []step) {
	t.Helper()
	n := max(len(want), len(got))
	for i := range n {
		var w, g step
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w == g {
			continue
		}
		key := scenario + "/" + w.name
		if w.name == "" {
			key = scenario + "/" + g.name
		}
		for _, k := range []string{target + ":" + key, key} {
			if reason, ok := allowlist[k]; ok {
				used.Store(k, true)
				t.Logf("allowed difference %s (%s):\n dockerd:  %s\n %s: %s", k, reason, w.got, target, g.got)
				goto next
			}
		}
		t.Errorf("difference at %s (%s):\n dockerd:  %s\n %s: %s", key, target, w.got, target, g.got)
	next:
	}
}
