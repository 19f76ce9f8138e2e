package reconciler

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/hashicorp/go-multierror"
	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// planOf numbers actions 1..n in order.
func planOf(actions ...planner.Action) *planner.Plan {
	for i := range actions {
		actions[i].ID = i + 1
	}
	return &planner.Plan{Project: "demo", Actions: actions}
}

func createNet(name string) planner.Action {
	return planner.Action{Type: planner.CreateNetwork, Kind: planner.KindNetwork, Resource: name, NetworkDef: &spec.Network{Name: name}}
}

func createCtr(name string, ports bool, deps ...int) planner.Action {
	hc := &container.HostConfig{}
	if ports {
		hc.PortBindings = network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "8080"}}}
	}
	return planner.Action{Type: planner.CreateContainer, Kind: planner.KindContainer, Resource: name, DependsOn: deps,
		Container: &spec.Container{Name: name, Config: &container.Config{}, HostConfig: hc}}
}

func startCtr(name string, deps ...int) planner.Action {
	return planner.Action{Type: planner.StartContainer, Kind: planner.KindContainer, Resource: name, DependsOn: deps}
}

func TestExecuteOrderAndSummary(t *testing.T) {
	f := newFake()
	plan := planOf(
		createNet("demo_default"),
		planner.Action{Type: planner.CreateVolume, Kind: planner.KindVolume, Resource: "demo_data", VolumeDef: &spec.Volume{Name: "demo_data"}},
		createCtr("demo-db-1", false, 1, 2),
		startCtr("demo-db-1", 3),
		createCtr("demo-web-1", true, 1),
		startCtr("demo-web-1", 5, 4),
		planner.Action{Type: planner.RemoveContainer, Kind: planner.KindContainer, Resource: "demo-old-1", Target: "abc"},
	)
	var mu sync.Mutex
	var evs []string
	res, err := Execute(t.Context(), f, plan, ExecOptions{Parallel: 1, OnEvent: func(e Event) {
		mu.Lock()
		defer mu.Unlock()
		evs = append(evs, e.Verb()+" "+e.Action.Resource)
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"NetworkCreate demo_default", "VolumeCreate demo_data", "ContainerCreate demo-db-1",
		"ContainerStart demo-db-1", "ContainerCreate demo-web-1", "ContainerStart demo-web-1", "ContainerRemove abc",
	}
	// Parallel 1 starts the lowest ready ID first.
	if got := f.callLog(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
	if res.Summary != (Summary{Added: 4, Changed: 2, Destroyed: 1}) {
		// 2 starts of containers created here still count as changes of a
		// separate group (no Group set in this plan).
		t.Errorf("summary = %+v", res.Summary)
	}
	for _, r := range res.Actions {
		if r.Status != StatusDone {
			t.Errorf("action %d status %v", r.Action.ID, r.Status)
		}
	}
	if len(evs) != 14 || evs[0] != "Creating demo_default" || evs[1] != "Created demo_default" {
		t.Errorf("events = %q", evs)
	}
}

func TestExecuteFailureSkipsDependentsOnly(t *testing.T) {
	f := newFake()
	f.fail["ContainerCreate demo-db-1"] = cerrdefs.ErrConflict.WithMessage(`Conflict. The container name "/demo-db-1" is already in use`)
	f.fail["VolumeCreate bad"] = cerrdefs.ErrInvalidArgument.WithMessage("bad volume")
	plan := planOf(
		createNet("demo_default"),            // 1
		createCtr("demo-db-1", false, 1),     // 2 fails
		startCtr("demo-db-1", 2),             // 3 skipped
		createCtr("demo-web-1", false, 1),    // 4 ok
		startCtr("demo-web-1", 4, 3),         // 5 skipped (transitively)
		createCtr("demo-worker-1", false, 1), // 6 ok
		startCtr("demo-worker-1", 6),         // 7 ok
		planner.Action{Type: planner.CreateVolume, Kind: planner.KindVolume, Resource: "bad", VolumeDef: &spec.Volume{Name: "bad"}}, // 8 fails
	)
	res, err := Execute(t.Context(), f, plan, ExecOptions{Parallel: 3})
	if err == nil {
		t.Fatal("want error")
	}
	wantStatus := []Status{StatusDone, StatusFailed, StatusSkipped, StatusDone, StatusSkipped, StatusDone, StatusDone, StatusFailed}
	for i, r := range res.Actions {
		if r.Status != wantStatus[i] {
			t.Errorf("action %d: status %v, want %v (err %v)", i+1, r.Status, wantStatus[i], r.Err)
		}
	}
	var skip *SkippedError
	if !errors.As(res.Actions[4].Err, &skip) || skip.Dependency != 3 {
		t.Errorf("action 5 skip reason = %v", res.Actions[4].Err)
	}
	var merr *multierror.Error
	if !errors.As(err, &merr) || len(merr.Errors) != 2 {
		t.Fatalf("err = %#v, want a multierror of 2", err)
	}
	var ae *ActionError
	if !errors.As(merr.Errors[0], &ae) || ae.ID != 2 || ae.Resource != "demo-db-1" || ae.Type != planner.CreateContainer {
		t.Errorf("first error = %v", merr.Errors[0])
	}
	if !cerrdefs.IsConflict(merr.Errors[0]) || !cerrdefs.IsInvalidArgument(merr.Errors[1]) {
		t.Errorf("engine error classes lost: %v", err)
	}
	if !errors.Is(err, cerrdefs.ErrConflict) {
		t.Errorf("errors.Is through the aggregate lost the class")
	}
	if !strings.Contains(err.Error(), "create container demo-db-1: Conflict.") {
		t.Errorf("error text = %q", err.Error())
	}
	if res.Summary.Failed != 2 || res.Summary.Skipped != 2 {
		t.Errorf("summary = %+v", res.Summary)
	}
}

func TestExecuteCreateNetworkConflictIsSuccess(t *testing.T) {
	f := newFake()
	f.fail["NetworkCreate demo_default"] = cerrdefs.ErrConflict.WithMessage("network with name demo_default already exists")
	res, err := Execute(t.Context(), f, planOf(createNet("demo_default"), createCtr("demo-web-1", false, 1)), ExecOptions{})
	if err != nil || res.Actions[1].Status != StatusDone {
		t.Fatalf("err = %v, results %+v", err, res.Actions)
	}
}

func TestExecuteParallelBound(t *testing.T) {
	for _, parallel := range []int{1, 3} {
		f := newFake()
		f.gate = make(chan struct{})
		f.entered = make(chan string, 100)
		var acts []planner.Action
		for i := 0; i < 10; i++ {
			acts = append(acts, createCtr("c"+string(rune('a'+i)), false))
		}
		done := make(chan error, 1)
		go func() {
			_, err := Execute(t.Context(), f, planOf(acts...), ExecOptions{Parallel: parallel})
			done <- err
		}()
		for i := 0; i < parallel; i++ {
			<-f.entered // all `parallel` slots busy at once
		}
		close(f.gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if f.maxAll != parallel {
			t.Errorf("parallel %d: max in flight = %d", parallel, f.maxAll)
		}
	}
}

func TestExecuteSerialisesStartsThatPublishPorts(t *testing.T) {
	f := newFake()
	f.gate = make(chan struct{})
	f.entered = make(chan string, 100)
	plan := planOf(
		createCtr("p1", true), createCtr("p2", true), createCtr("q1", false), createCtr("q2", false),
		startCtr("p1", 1), startCtr("p2", 2), startCtr("q1", 3), startCtr("q2", 4),
	)
	done := make(chan error, 1)
	go func() {
		_, err := Execute(t.Context(), f, plan, ExecOptions{Parallel: 8})
		done <- err
	}()
	for range 4 { // the four creates run together
		<-f.entered
	}
	// Release everything; p1/p2 starts still never overlap.
	close(f.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if f.maxIn["ContainerCreate"] != 4 {
		t.Errorf("creates in parallel = %d, want 4", f.maxIn["ContainerCreate"])
	}
	// With the gate open calls do not block, so check the lock directly: a
	// start of a port-publishing container holds startMu.
	x := &executor{plan: plan}
	for i, want := range []bool{true, true, false, false} {
		if got := x.publishesPorts(&plan.Actions[4+i]); got != want {
			t.Errorf("publishesPorts(%s) = %v, want %v", plan.Actions[4+i].Resource, got, want)
		}
	}
	if !x.publishesPorts(&planner.Action{Type: planner.StartContainer, Resource: "existing"}) {
		t.Error("a start without a create in the plan must be serialised")
	}
}

func TestExecuteStartMutexHeld(t *testing.T) {
	f := newFake()
	f.gate = make(chan struct{})
	f.entered = make(chan string, 10)
	plan := planOf(createCtr("p1", true), startCtr("p1", 1))
	close(f.gate)
	startMu.Lock() // another start holds the lock: ours must wait for it
	done := make(chan error, 1)
	go func() {
		_, err := Execute(t.Context(), f, plan, ExecOptions{})
		done <- err
	}()
	if got := <-f.entered; got != "ContainerCreate p1" {
		t.Fatalf("first call %q", got)
	}
	select {
	case c := <-f.entered:
		t.Fatalf("%s ran while startMu was held", c)
	case err := <-done:
		t.Fatalf("finished while startMu was held: %v", err)
	default:
	}
	startMu.Unlock()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := <-f.entered; got != "ContainerStart p1" {
		t.Errorf("second call %q", got)
	}
}

func TestExecuteRejectsBadPlansAndUnknownTypes(t *testing.T) {
	f := newFake()
	bad := &planner.Plan{Actions: []planner.Action{{ID: 1, Type: planner.CreateNetwork, DependsOn: []int{1}}}}
	var ipe *InvalidPlanError
	if _, err := Execute(t.Context(), f, bad, ExecOptions{}); !errors.As(err, &ipe) {
		t.Errorf("self-dependency: err = %v", err)
	}
	res, err := Execute(t.Context(), f, planOf(planner.Action{Type: 99, Kind: "thing", Resource: "x"}), ExecOptions{})
	if !errors.Is(err, ErrUnsupportedAction) || res.Actions[0].Status != StatusFailed {
		t.Errorf("unknown type: err = %v", err)
	}
	_, err = Execute(t.Context(), f, planOf(planner.Action{Type: planner.CreateContainer, Resource: "x"}), ExecOptions{})
	if !errors.Is(err, ErrMissingPayload) {
		t.Errorf("missing payload: err = %v", err)
	}
	if res, err := Execute(t.Context(), f, nil, ExecOptions{}); err != nil || len(res.Actions) != 0 {
		t.Errorf("nil plan: %v %+v", err, res)
	}
	if len(f.callLog()) != 0 {
		t.Errorf("engine called: %v", f.callLog())
	}
}

func TestExecutePullDrainsStream(t *testing.T) {
	f := newFake()
	f.pullStream["nginx:1"] = `{"status":"Pulling from library/nginx","id":"1"}` + "\n" + `{"status":"Download complete","id":"abc"}` + "\n"
	f.pullStream["bad:1"] = `{"status":"Pulling"}` + "\n" + `{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}` + "\n"
	pull := func(ref string) planner.Action {
		return planner.Action{Type: planner.PullImage, Kind: planner.KindImage, Resource: ref, ImageDef: &spec.Image{Ref: ref}}
	}
	var progress []string
	res, err := Execute(t.Context(), f, planOf(pull("nginx:1"), pull("bad:1")), ExecOptions{Parallel: 1, OnEvent: func(e Event) {
		if e.Status == EventProgress {
			progress = append(progress, e.Text)
		}
	}})
	if !errors.Is(err, ErrPullFailed) || !strings.Contains(err.Error(), "pull image bad:1: pull failed: manifest unknown") {
		t.Fatalf("err = %v", err)
	}
	if res.Actions[0].Status != StatusDone || res.Actions[1].Status != StatusFailed {
		t.Errorf("statuses %v %v", res.Actions[0].Status, res.Actions[1].Status)
	}
	for i, p := range f.pulls {
		if !p.isClosed() {
			t.Errorf("pull %d stream not closed", i)
		}
	}
	if len(progress) < 2 || progress[0] != "1: Pulling from library/nginx" {
		t.Errorf("progress = %q", progress)
	}
}

func TestExecuteCancelledSkipsRest(t *testing.T) {
	f := newFake()
	f.gate = make(chan struct{})
	f.entered = make(chan string, 10)
	ctx, cancel := context.WithCancel(t.Context())
	plan := planOf(createNet("n"), createCtr("a", false, 1), startCtr("a", 2))
	done := make(chan struct{})
	var res *Result
	var err error
	go func() {
		res, err = Execute(ctx, f, plan, ExecOptions{})
		close(done)
	}()
	<-f.entered
	cancel()
	close(f.gate) // the running call finishes (it is not interrupted); nothing new starts
	<-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if res.Actions[1].Status != StatusSkipped || res.Actions[2].Status != StatusSkipped {
		t.Errorf("statuses = %v %v", res.Actions[1].Status, res.Actions[2].Status)
	}
	if got := f.callLog(); len(got) != 1 {
		t.Errorf("calls after cancel: %v", got)
	}
	if res.Actions[0].Status != StatusDone {
		t.Errorf("the running action was interrupted: %v %v", res.Actions[0].Status, res.Actions[0].Err)
	}
}

// runWaits executes a single wait action on a fake clock, advancing it by poll
// steps until Execute returns.
func runWait(t *testing.T, f *fakeEngine, a planner.Action, timeout time.Duration) (*Result, error) {
	t.Helper()
	fc := clockwork.NewFakeClock()
	type out struct {
		res *Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		r, err := Execute(t.Context(), f, planOf(a), ExecOptions{Clock: fc, WaitTimeout: timeout, PollInterval: time.Second})
		done <- out{r, err}
	}()
	want := 1 // the poll timer
	if timeout > 0 {
		want = 2 // plus the deadline
	}
	for {
		select {
		case o := <-done:
			return o.res, o.err
		default:
		}
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		if fc.BlockUntilContext(ctx, want) == nil {
			fc.Advance(time.Second)
		}
		cancel()
	}
}

func running(h container.HealthStatus) container.State {
	s := container.State{Status: container.StateRunning, Running: true}
	if h != "" {
		s.Health = &container.Health{Status: h}
	}
	return s
}

func exited(code int) container.State {
	return container.State{Status: container.StateExited, ExitCode: code}
}

func TestWaits(t *testing.T) {
	wait := func(typ planner.ActionType, required bool, ctrs ...string) planner.Action {
		return planner.Action{Type: typ, Kind: planner.KindService, Resource: "db", Service: "db",
			Wait: &planner.Wait{Service: "db", Containers: ctrs, Required: required}}
	}
	tests := []struct {
		name    string
		action  planner.Action
		states  map[string][]container.State
		timeout time.Duration
		class   error  // nil: success
		text    string // error or warning text
		warning bool
	}{
		{"healthy after starting", wait(planner.WaitHealthy, true, "db-1"),
			map[string][]container.State{"db-1": {running(container.Starting), running(container.Starting), running(container.Healthy)}}, 0, nil, "", false},
		{"unhealthy", wait(planner.WaitHealthy, true, "db-1"),
			map[string][]container.State{"db-1": {running(container.Starting), running(container.Unhealthy)}}, 0, ErrUnhealthy, "container db-1 is unhealthy", false},
		{"exited while waiting healthy", wait(planner.WaitHealthy, true, "db-1"),
			map[string][]container.State{"db-1": {exited(137)}}, 0, ErrExited, "container db-1 exited (137)", false},
		{"no healthcheck", wait(planner.WaitHealthy, true, "db-1"),
			map[string][]container.State{"db-1": {running("")}}, 0, ErrNoHealthcheck, "container db-1 has no healthcheck configured", false},
		{"completed 0", wait(planner.WaitCompleted, true, "db-1"),
			map[string][]container.State{"db-1": {running(""), exited(0)}}, 0, nil, "", false},
		{"completed 2", wait(planner.WaitCompleted, true, "db-1"),
			map[string][]container.State{"db-1": {exited(2)}}, 0, ErrNotCompleted, `service "db" didn't complete successfully: exit 2`, false},
		{"running both", wait(planner.WaitRunning, true, "db-1", "db-2"),
			map[string][]container.State{"db-1": {running("")}, "db-2": {{Status: container.StateCreated}, running(container.Healthy)}}, 0, nil, "", false},
		{"application timeout", wait(planner.WaitRunning, true, "db-1"),
			map[string][]container.State{"db-1": {running(container.Starting)}}, 3 * time.Second, ErrWaitTimeout, "application not healthy after 3s", false},
		{"not required becomes warning", wait(planner.WaitHealthy, false, "db-1"),
			map[string][]container.State{"db-1": {running(container.Unhealthy)}}, 0, nil, "container db-1 is unhealthy", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.inspect = tc.states
			res, err := runWait(t, f, tc.action, tc.timeout)
			switch {
			case tc.class == nil && err != nil:
				t.Fatalf("err = %v", err)
			case tc.class != nil && !errors.Is(err, tc.class):
				t.Fatalf("err = %v, want class %v", err, tc.class)
			case tc.class != nil && !strings.HasSuffix(err.Error(), ": "+tc.text):
				t.Errorf("text = %q, want suffix %q", err.Error(), tc.text)
			}
			if tc.warning {
				if res.Actions[0].Warning != tc.text || res.Actions[0].Status != StatusDone || len(res.Warnings) != 1 {
					t.Errorf("warning = %q status %v", res.Actions[0].Warning, res.Actions[0].Status)
				}
			}
		})
	}
}

func TestExecuteWaitsDoNotHoldASlot(t *testing.T) {
	f := newFake()
	f.entered = make(chan string, 10)
	f.inspect = map[string][]container.State{"db-1": {running(container.Starting), running(container.Healthy)}}
	fc := clockwork.NewFakeClock()
	plan := planOf(
		planner.Action{Type: planner.WaitHealthy, Kind: planner.KindService, Resource: "db", Wait: &planner.Wait{Service: "db", Containers: []string{"db-1"}, Required: true}},
		createCtr("other", false),
	)
	done := make(chan error, 1)
	go func() {
		_, err := Execute(t.Context(), f, plan, ExecOptions{Parallel: 1, Clock: fc})
		done <- err
	}()
	// The create runs while the wait is still polling (the clock has not moved).
	if got := <-f.entered; got != "ContainerCreate other" {
		t.Fatalf("call %q", got)
	}
	must(t, fc.BlockUntilContext(t.Context(), 1))
	fc.Advance(DefaultPollInterval)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
