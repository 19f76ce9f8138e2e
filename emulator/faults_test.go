package emulator_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
)

func addFault(t testing.TB, e *emulator.Engine, f emulator.Fault) emulator.Fault {
	t.Helper()
	out, err := e.AddFault(context.Background(), f)
	if err != nil {
		t.Fatalf("AddFault(%+v): %v", f, err)
	}
	return out
}

// sleeper runs a busybox container that sleeps for an hour.
func sleeper(t testing.TB, e *emulator.Engine, name string, labels map[string]string) string {
	t.Helper()
	return run(t, e, client.ContainerCreateOptions{Name: name, Image: "busybox",
		Config: &container.Config{Cmd: []string{"sleep", "3600"}, Labels: labels}})
}

func TestFaultFailClasses(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		class emulator.ErrorClass
		is    func(error) bool
	}{
		{emulator.ClassNotFound, cerrdefs.IsNotFound},
		{emulator.ClassConflict, cerrdefs.IsConflict},
		{emulator.ClassInvalid, cerrdefs.IsInvalidArgument},
		{emulator.ClassForbidden, cerrdefs.IsPermissionDenied},
		{emulator.ClassUnauthorized, cerrdefs.IsUnauthorized},
		{emulator.ClassUnavailable, cerrdefs.IsUnavailable},
		{emulator.ClassInternal, cerrdefs.IsInternal},
		{emulator.ClassNotImplemented, cerrdefs.IsNotImplemented},
	}
	for _, tc := range tests {
		t.Run(string(tc.class), func(t *testing.T) {
			e, _ := newEngine(t)
			pull(t, e, "busybox")
			for _, n := range []string{"web", "other"} {
				must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: n, Image: "busybox",
					Config: &container.Config{Cmd: []string{"sleep", "3600"}}}))
			}
			addFault(t, e, emulator.Fault{Kind: emulator.FaultFail, Op: emulator.OpContainerStart,
				Match: emulator.FaultMatch{Name: "web"}, Error: emulator.FaultError{Class: tc.class, Message: "boom " + string(tc.class)}, Times: 2})
			// Another container is not affected.
			if _, err := e.ContainerStart(ctx, "other", client.ContainerStartOptions{}); err != nil {
				t.Fatalf("unmatched start failed: %v", err)
			}
			for i := 0; i < 2; i++ {
				_, err := e.ContainerStart(ctx, "web", client.ContainerStartOptions{})
				if !tc.is(err) || err.Error() != "boom "+string(tc.class) {
					t.Fatalf("call %d: err = %v", i, err)
				}
				var ee *emulator.Error
				if !errors.As(err, &ee) {
					t.Errorf("injected error is %T, not *emulator.Error", err)
				}
				if inspect(t, e, "web").State.Running {
					t.Fatal("a failed start started the container")
				}
			}
			// The rule is used up and gone.
			if _, err := e.ContainerStart(ctx, "web", client.ContainerStartOptions{}); err != nil {
				t.Fatalf("third start: %v", err)
			}
			if fs := must[[]emulator.Fault](t)(e.Faults(ctx)); len(fs) != 0 {
				t.Errorf("rules left: %+v", fs)
			}
		})
	}
}

func TestFaultMatchLabelImageAndAnyOp(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	pull(t, e, "nginx")
	addFault(t, e, emulator.Fault{Kind: emulator.FaultFail, Op: emulator.OpContainerCreate,
		Match: emulator.FaultMatch{Label: "tier=db"}, Error: emulator.FaultError{Class: emulator.ClassConflict}})
	addFault(t, e, emulator.Fault{Kind: emulator.FaultFail, Op: emulator.OpAny,
		Match: emulator.FaultMatch{Image: "nginx"}, Error: emulator.FaultError{Class: emulator.ClassUnavailable}})
	create := func(name, image string, labels map[string]string) error {
		_, err := e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name, Image: image,
			Config: &container.Config{Labels: labels, Cmd: []string{"sleep", "3600"}}})
		return err
	}
	if err := create("db", "busybox", map[string]string{"tier": "db"}); !cerrdefs.IsConflict(err) || err.Error() != "injected fault: ContainerCreate" {
		t.Errorf("labelled create: %v", err)
	}
	if err := create("cache", "busybox", map[string]string{"tier": "cache"}); err != nil {
		t.Errorf("other label: %v", err)
	}
	if err := create("web", "docker.io/library/nginx:latest", nil); !cerrdefs.IsUnavailable(err) {
		t.Errorf("image match (normalised): %v", err)
	}
	if _, err := e.ImagePull(ctx, "nginx:latest", client.ImagePullOptions{}); !cerrdefs.IsUnavailable(err) {
		t.Errorf("any op, pull of the image: %v", err)
	}
	// Unlimited rules stay.
	if fs := must[[]emulator.Fault](t)(e.Faults(ctx)); len(fs) != 2 || fs[0].ID != "f1" || fs[1].ID != "f2" {
		t.Errorf("rules = %+v", fs)
	}
	must[struct{}](t)(struct{}{}, e.RemoveFault(ctx, "f1"))
	if err := create("db", "busybox", map[string]string{"tier": "db"}); err != nil {
		t.Errorf("after RemoveFault: %v", err)
	}
	if err := e.RemoveFault(ctx, "f1"); !cerrdefs.IsNotFound(err) || !errors.Is(err, emulator.ErrFaultRule) {
		t.Errorf("remove twice: %v", err)
	}
	must[struct{}](t)(struct{}{}, e.ClearFaults(ctx))
	if err := create("web", "nginx", nil); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
}

func TestFaultNetworkVolumeTargets(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	addFault(t, e, emulator.Fault{Kind: emulator.FaultFail, Op: emulator.OpNetworkRemove,
		Match: emulator.FaultMatch{Label: "keep"}, Error: emulator.FaultError{Class: emulator.ClassForbidden, Message: "network is pinned"}})
	addFault(t, e, emulator.Fault{Kind: emulator.FaultFail, Op: emulator.OpVolumeCreate,
		Match: emulator.FaultMatch{Name: "data"}, Error: emulator.FaultError{Class: emulator.ClassInternal}, Times: 1})
	net := must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "front", client.NetworkCreateOptions{Labels: map[string]string{"keep": "1"}}))
	if _, err := e.NetworkRemove(ctx, net.ID[:12], client.NetworkRemoveOptions{}); !cerrdefs.IsPermissionDenied(err) {
		t.Errorf("remove by id prefix of a labelled network: %v", err)
	}
	if _, err := e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "data"}); !cerrdefs.IsInternal(err) {
		t.Errorf("volume create: %v", err)
	}
	if _, err := e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "data"}); err != nil {
		t.Errorf("second volume create: %v", err)
	}
}

func TestFaultLatencyUsesEngineClock(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	addFault(t, e, emulator.Fault{Kind: emulator.FaultLatency, Op: emulator.OpContainerList, Latency: 3 * time.Second, Times: 1})
	delayed(ctx, t, clk, 3*time.Second, func() error {
		_, err := e.ContainerList(ctx, client.ContainerListOptions{})
		return err
	})
	// Used up: the next call does not wait.
	if _, err := e.ContainerList(ctx, client.ContainerListOptions{}); err != nil {
		t.Fatal(err)
	}
	// A cancelled context ends the wait.
	addFault(t, e, emulator.Fault{Kind: emulator.FaultLatency, Op: emulator.OpContainerList, Latency: time.Hour})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.ContainerList(cctx, client.ContainerListOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

func TestFaultCrash(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	sleeper(t, e, "now", nil)
	later := sleeper(t, e, "later", nil)
	addFault(t, e, emulator.Fault{Kind: emulator.FaultCrash, Match: emulator.FaultMatch{Name: "now"}, ExitCode: 42})
	st := inspect(t, e, "now").State
	if st.Running || st.ExitCode != 42 || st.Status != container.StateExited {
		t.Errorf("crash now: %+v", st)
	}
	f := addFault(t, e, emulator.Fault{Kind: emulator.FaultCrash, Match: emulator.FaultMatch{Name: later[:12]}, ExitCode: 3, After: 10 * time.Second})
	if f.ContainerID != later {
		t.Errorf("rule resolved to %q", f.ContainerID)
	}
	clk.Advance(9 * time.Second)
	if !inspect(t, e, "later").State.Running {
		t.Fatal("crashed before its time")
	}
	clk.Advance(5 * time.Second) // seen late: stamped with the crash time
	st = inspect(t, e, "later").State
	if st.Running || st.ExitCode != 3 || st.FinishedAt != epoch.Add(10*time.Second).Format(time.RFC3339Nano) {
		t.Errorf("crash after 10s: %+v", st)
	}
	if fs := must[[]emulator.Fault](t)(e.Faults(ctx)); len(fs) != 0 {
		t.Errorf("applied crash rules kept: %+v", fs)
	}
	// A crash needs a running container.
	if _, err := e.AddFault(ctx, emulator.Fault{Kind: emulator.FaultCrash, Match: emulator.FaultMatch{Name: "now"}}); !cerrdefs.IsConflict(err) {
		t.Errorf("crash of a stopped container: %v", err)
	}
}

func TestFaultCrashRestartPolicy(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	run(t, e, client.ContainerCreateOptions{Name: "svc", Image: "busybox",
		Config:     &container.Config{Cmd: []string{"sleep", "3600"}},
		HostConfig: &container.HostConfig{RestartPolicy: container.RestartPolicy{Name: container.RestartPolicyAlways}}})
	addFault(t, e, emulator.Fault{Kind: emulator.FaultCrash, Match: emulator.FaultMatch{Name: "svc"}, ExitCode: 1})
	clk.Advance(time.Second)
	c := inspect(t, e, "svc")
	if !c.State.Running || c.RestartCount != 1 {
		t.Errorf("always policy after crash: running=%v restarts=%d", c.State.Running, c.RestartCount)
	}
}

func TestFaultUnhealthy(t *testing.T) {
	ctx := context.Background()
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	run(t, e, client.ContainerCreateOptions{Name: "db", Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "3600"},
		Healthcheck: &container.HealthConfig{Test: []string{"CMD-SHELL", "exit 0"}, Interval: time.Second, Retries: 2}}})
	addFault(t, e, emulator.Fault{Kind: emulator.FaultUnhealthy, Match: emulator.FaultMatch{Name: "db"},
		Error: emulator.FaultError{Message: "connection refused"}})
	h := inspect(t, e, "db").State.Health
	if h == nil || h.Status != container.Unhealthy || h.FailingStreak < 2 || h.Log[len(h.Log)-1].Output != "connection refused" {
		t.Fatalf("health = %+v", h)
	}
	clk.Advance(10 * time.Second) // passing probes do not undo it
	if h := inspect(t, e, "db").State.Health; h.Status != container.Unhealthy {
		t.Errorf("health after 10s = %s", h.Status)
	}
	if _, err := e.AddFault(ctx, emulator.Fault{Kind: emulator.FaultUnhealthy, Match: emulator.FaultMatch{Name: "nosuch"}}); !cerrdefs.IsNotFound(err) {
		t.Errorf("unknown container: %v", err)
	}
}

func TestFaultDenyPull(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	addFault(t, e, emulator.Fault{Kind: emulator.FaultDenyPull, Match: emulator.FaultMatch{Image: "user/private"}})
	addFault(t, e, emulator.Fault{Kind: emulator.FaultDenyPull, Match: emulator.FaultMatch{Image: "alpine:3.21"}})
	tests := []struct{ ref, text string }{
		{"user/private", "pull access denied for user/private, repository does not exist or may require 'docker login'"},
		{"user/private:2", "pull access denied for user/private"},
		{"alpine:3.21", "manifest for alpine:3.21 not found: manifest unknown"},
	}
	for _, tc := range tests {
		_, err := e.ImagePull(ctx, tc.ref, client.ImagePullOptions{})
		if !cerrdefs.IsNotFound(err) || !strings.Contains(err.Error(), tc.text) {
			t.Errorf("pull %s: %v", tc.ref, err)
		}
	}
	pull(t, e, "alpine:3.20") // another tag of the repository still pulls
	// A build whose FROM needs the denied pull fails in its stream.
	stream, err := buildStream(t, e, map[string]string{"Dockerfile": "FROM alpine:3.21\n"}, client.ImageBuildOptions{Tags: []string{"x"}})
	if err == nil && !strings.Contains(stream, "manifest unknown") {
		t.Errorf("build stream: %s", stream)
	}
	if err != nil && !cerrdefs.IsNotFound(err) {
		t.Errorf("build: %v", err)
	}
}

func TestFaultValidation(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	bad := []emulator.Fault{
		{Kind: "explode"},
		{Kind: emulator.FaultFail, Op: emulator.OpContainerStart, Error: emulator.FaultError{Class: "teapot"}},
		{Kind: emulator.FaultFail, Op: "ContainerFly", Error: emulator.FaultError{Class: emulator.ClassInternal}},
		{Kind: emulator.FaultFail, Op: emulator.OpAny, Error: emulator.FaultError{Class: emulator.ClassInternal}, Times: -1},
		{Kind: emulator.FaultLatency, Op: emulator.OpContainerList},
		{Kind: emulator.FaultDenyPull},
		{Kind: emulator.FaultDenyPull, Match: emulator.FaultMatch{Image: "not a reference!"}},
		{Kind: emulator.FaultCrash, Match: emulator.FaultMatch{Name: "x"}, ExitCode: 300},
	}
	for _, f := range bad {
		if _, err := e.AddFault(ctx, f); !errors.Is(err, emulator.ErrFaultRule) || !cerrdefs.IsInvalidArgument(err) {
			t.Errorf("AddFault(%+v) = %v", f, err)
		}
	}
	if fs := must[[]emulator.Fault](t)(e.Faults(ctx)); len(fs) != 0 {
		t.Errorf("bad rules stored: %+v", fs)
	}
}

// Rules live in the store: a second process sees them and shares their count.
func TestFaultPersistenceAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	e1, path := newFileEngine(t)
	e2, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	f := addFault(t, e1, emulator.Fault{Kind: emulator.FaultFail, Op: emulator.OpVolumeCreate,
		Error: emulator.FaultError{Class: emulator.ClassUnavailable}, Times: 2})
	got := must[[]emulator.Fault](t)(e2.Faults(ctx))
	if len(got) != 1 || got[0].ID != f.ID || got[0].Times != 2 || !got[0].Created.Equal(f.Created) {
		t.Fatalf("other process sees %+v, want %+v", got, f)
	}
	if _, err := e2.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "vol-a"}); !cerrdefs.IsUnavailable(err) {
		t.Fatalf("other process call: %v", err)
	}
	if got := must[[]emulator.Fault](t)(e1.Faults(ctx)); len(got) != 1 || got[0].Times != 1 {
		t.Fatalf("count not shared: %+v", got)
	}
	if _, err := e1.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "vol-a"}); !cerrdefs.IsUnavailable(err) {
		t.Fatalf("last use: %v", err)
	}
	if _, err := e2.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "vol-a"}); err != nil {
		t.Fatalf("after the rule is used up: %v", err)
	}
}

// A store written before fault rules existed (schema 1) opens, keeps its objects
// and gains the new tables.
func TestFaultStoreMigratesFromSchema1(t *testing.T) {
	ctx := context.Background()
	e, path := newFileEngine(t)
	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "keep"}))
	e.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"DROP TABLE faults", "DROP TABLE image_files", "DROP TABLE build_cache", "PRAGMA user_version = 1"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	e2, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if _, err := e2.VolumeInspect(ctx, "keep", client.VolumeInspectOptions{}); err != nil {
		t.Errorf("volume lost in migration: %v", err)
	}
	addFault(t, e2, emulator.Fault{Kind: emulator.FaultLatency, Op: emulator.OpAny, Latency: time.Second})
}

// With a fake clock the same calls give the same rules and the same outcome.
func TestFaultDeterminism(t *testing.T) {
	ctx := context.Background()
	runOnce := func() ([]emulator.Fault, container.State) {
		e, clk := newEngine(t)
		pull(t, e, "busybox")
		sleeper(t, e, "app-a", nil)
		addFault(t, e, emulator.Fault{Kind: emulator.FaultFail, Op: emulator.OpAny, Error: emulator.FaultError{Class: emulator.ClassInternal}, Times: 5,
			Match: emulator.FaultMatch{Name: "zzz"}})
		addFault(t, e, emulator.Fault{Kind: emulator.FaultCrash, Match: emulator.FaultMatch{Name: "app-a"}, ExitCode: 7, After: time.Minute})
		fs := must[[]emulator.Fault](t)(e.Faults(ctx))
		clk.Advance(2 * time.Minute)
		return fs, *inspect(t, e, "app-a").State
	}
	f1, s1 := runOnce()
	f2, s2 := runOnce()
	if len(f1) != len(f2) {
		t.Fatalf("rules differ: %+v vs %+v", f1, f2)
	}
	for i := range f1 {
		a, b := f1[i], f2[i]
		a.ContainerID, b.ContainerID = "", "" // container ids are random, as dockerd's
		if a != b {
			t.Errorf("rule %d differs: %+v vs %+v", i, a, b)
		}
	}
	if s1.ExitCode != s2.ExitCode || s1.FinishedAt != s2.FinishedAt || s1.Status != s2.Status {
		t.Errorf("states differ: %+v vs %+v", s1, s2)
	}
}

// delayed runs call, checks it is still waiting once it blocked on the fake
// clock, advances the clock by d and checks it then returns without error.
func delayed(ctx context.Context, t *testing.T, clk *clockwork.FakeClock, d time.Duration, call func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- call() }()
	if err := clk.BlockUntilContext(ctx, 1); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		t.Fatalf("call returned before the latency elapsed: %v", err)
	default:
	}
	clk.Advance(d)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A rule added by another process applies to this process's very next call,
// also when this process has just checked (and cached) that no rule exists,
// and a rule removed there stops applying at once: for calls checked inside
// their own transaction (create, start, stop, remove) and views (inspect, list).
func TestFaultRulesFromAnotherProcessApplyAtOnce(t *testing.T) {
	ctx := context.Background()
	calls := []struct {
		op   string
		call func(e *emulator.Engine, name string) error
	}{
		{emulator.OpContainerCreate, func(e *emulator.Engine, name string) error {
			_, err := e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name + "-new", Image: "busybox",
				Config: &container.Config{Cmd: []string{"sleep", "60"}}})
			return err
		}},
		{emulator.OpContainerInspect, func(e *emulator.Engine, name string) error {
			_, err := e.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
			return err
		}},
		{emulator.OpContainerList, func(e *emulator.Engine, _ string) error {
			_, err := e.ContainerList(ctx, client.ContainerListOptions{All: true})
			return err
		}},
		{emulator.OpContainerStop, func(e *emulator.Engine, name string) error {
			_, err := e.ContainerStop(ctx, name, client.ContainerStopOptions{Timeout: new(int)})
			return err
		}},
		{emulator.OpContainerRemove, func(e *emulator.Engine, name string) error {
			_, err := e.ContainerRemove(ctx, name, client.ContainerRemoveOptions{Force: true})
			return err
		}},
	}
	for _, tc := range calls {
		t.Run(tc.op, func(t *testing.T) {
			e1, path := newFileEngine(t)
			e2 := reopenEngine(t, path)
			pull(t, e1, "busybox")
			sleeper(t, e1, "app-a", nil)
			if _, err := e2.ContainerInspect(ctx, "app-a", client.ContainerInspectOptions{}); err != nil {
				t.Fatal(err) // e2 has now read the (empty) rules
			}
			f := addFault(t, e1, emulator.Fault{Kind: emulator.FaultFail, Op: tc.op,
				Error: emulator.FaultError{Class: emulator.ClassUnavailable}})
			if err := tc.call(e2, "app-a"); !cerrdefs.IsUnavailable(err) {
				t.Fatalf("%s right after another process added a rule for it: %v, want unavailable", tc.op, err)
			}
			if err := e1.RemoveFault(ctx, f.ID); err != nil {
				t.Fatal(err)
			}
			if err := tc.call(e2, "app-a"); err != nil {
				t.Fatalf("%s right after the rule was removed: %v", tc.op, err)
			}
		})
	}
}
