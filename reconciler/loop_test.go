package reconciler

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/events"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/reconciler/reconciler/metrics"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// loopHarness runs a Loop on a fake clock and a fake engine. The spec is one
// network; the plan creates it when it is missing.
type loopHarness struct {
	t      *testing.T
	fc     *clockwork.FakeClock
	eng    *fakeEngine
	loop   *Loop
	passes chan PassResult
	t0     time.Time
	cancel context.CancelFunc
	ran    chan error

	mu        sync.Mutex
	loadErr   error
	planErr   error
	label     string        // changes the spec when set
	loadGate  chan struct{} // when set, Load blocks on it
	loadEnter chan struct{}
	loading   int
	maxLoad   int
}

func newHarness(t *testing.T, mod func(*LoopConfig), init ...func(*loopHarness)) *loopHarness {
	h := &loopHarness{t: t, fc: clockwork.NewFakeClock(), eng: newFake(), passes: make(chan PassResult, 100), ran: make(chan error, 1)}
	h.t0 = h.fc.Now()
	cfg := LoopConfig{
		Load: h.load, Plan: h.plan, Engine: h.eng, Clock: h.fc,
		Resync: -1, OnPass: func(r PassResult) { h.passes <- r },
		BackoffBase: time.Second, BackoffMax: 4 * time.Second,
	}
	if mod != nil {
		mod(&cfg)
	}
	l, err := NewLoop(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.loop = l
	for _, f := range init {
		f(h)
	}
	ctx, cancel := context.WithCancel(t.Context())
	h.cancel = cancel
	go func() { h.ran <- l.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		h.mu.Lock()
		if h.loadGate != nil {
			close(h.loadGate)
			h.loadGate = nil
		}
		h.mu.Unlock()
		<-h.ran
	})
	return h
}

func (h *loopHarness) load(ctx context.Context) (*spec.Desired, error) {
	h.mu.Lock()
	h.loading++
	h.maxLoad = max(h.maxLoad, h.loading)
	gate, enter := h.loadGate, h.loadEnter
	err, label := h.loadErr, h.label
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.loading--
		h.mu.Unlock()
	}()
	if enter != nil {
		enter <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
	if err != nil {
		return nil, err
	}
	labels := map[string]string{spec.LabelProject: "demo"}
	if label != "" {
		labels["x"] = label
	}
	return &spec.Desired{Project: "demo", Networks: []spec.Network{{Key: "default", Name: "demo_default", Labels: labels}}}, nil
}

func (h *loopHarness) plan(d *spec.Desired, o planner.Observed) (*planner.Plan, error) {
	h.mu.Lock()
	err := h.planErr
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for _, n := range o.Networks {
		if n.Name == "demo_default" {
			return &planner.Plan{Project: "demo"}, nil
		}
	}
	return planOf(createNet("demo_default")), nil
}

func (h *loopHarness) set(f func(h *loopHarness)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f(h)
}

// next returns the next pass (generous timeout: real goroutines, fake time).
func (h *loopHarness) next() PassResult {
	h.t.Helper()
	select {
	case r := <-h.passes:
		return r
	case <-time.After(10 * time.Second):
		h.t.Fatal("no pass")
	}
	return PassResult{}
}

// advance waits until the loop armed n timers, then moves the clock.
func (h *loopHarness) advance(n int, d time.Duration) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.t.Context(), 10*time.Second)
	defer cancel()
	if err := h.fc.BlockUntilContext(ctx, n); err != nil {
		h.t.Fatalf("loop never armed %d timers", n)
	}
	h.fc.Advance(d)
}

func (h *loopHarness) at(r PassResult) time.Duration { return r.Start.Sub(h.t0) }

func TestLoopResyncWithJitter(t *testing.T) {
	h := newHarness(t, func(c *LoopConfig) {
		c.Resync = 30 * time.Second
		c.Jitter = 0.5
		c.Rand = func() float64 { return 0.5 }
	})
	r := h.next()
	if r.Trigger != TriggerStartup || r.Err != nil || !r.Converged || r.Result == nil || r.Result.Summary.Added != 1 {
		t.Fatalf("startup pass = %+v", r)
	}
	h.advance(1, 37*time.Second) // jittered delay is 30s * (1 + 0.5*0.5) = 37.5s
	h.advance(1, 500*time.Millisecond)
	r = h.next()
	if r.Trigger != TriggerResync || h.at(r) != 37500*time.Millisecond {
		t.Fatalf("resync pass %s at %v, want resync at 37.5s", r.Trigger, h.at(r))
	}
	if r.Result != nil || r.Drift {
		t.Errorf("a converged resync acted: %+v", r.Result)
	}
}

func TestLoopBackoff(t *testing.T) {
	h := newHarness(t, nil, func(h *loopHarness) { h.planErr = errors.New("planner down") })
	var at time.Duration
	for i, want := range []time.Duration{1, 2, 4, 4} { // capped at 4s
		r := h.next()
		if r.Err == nil || r.FailedPhase != metrics.PhasePlan || r.NextRetry != want*time.Second {
			t.Fatalf("pass %d: err %v phase %q next %v, want retry in %vs", i, r.Err, r.FailedPhase, r.NextRetry, int(want))
		}
		if h.at(r) != at {
			t.Fatalf("pass %d ran at %v, want %v", i, h.at(r), at)
		}
		h.advance(1, r.NextRetry)
		at += r.NextRetry
	}
	// An engine event during backoff waits for the retry timer...
	r := h.next() // the retry at `at`
	h.loop.Trigger(TriggerEngine)
	h.advance(1, r.NextRetry)
	r2 := h.next()
	if r2.Trigger != TriggerEngine || h.at(r2) != h.at(r)+4*time.Second {
		t.Errorf("engine trigger during backoff ran at %v (%s), want %v", h.at(r2), r2.Trigger, h.at(r)+4*time.Second)
	}
	// ...a file change does not, and success resets the backoff.
	h.set(func(h *loopHarness) { h.planErr = nil })
	h.loop.Trigger(TriggerFile)
	r3 := h.next()
	if r3.Trigger != TriggerFile || h.at(r3) != h.at(r2) || r3.Err != nil || r3.NextRetry != 0 {
		t.Fatalf("file pass = %s at %v err %v", r3.Trigger, h.at(r3), r3.Err)
	}
	h.set(func(h *loopHarness) { h.planErr = errors.New("again") })
	h.loop.Trigger(TriggerFile)
	if r := h.next(); r.NextRetry != time.Second {
		t.Errorf("after a success the backoff starts over: next %v", r.NextRetry)
	}
}

func TestLoopOneRunningOnePending(t *testing.T) {
	h := newHarness(t, nil)
	h.next() // startup
	gate := make(chan struct{})
	enter := make(chan struct{}, 10)
	h.set(func(h *loopHarness) { h.loadGate, h.loadEnter = gate, enter })
	h.loop.Trigger(TriggerEngine)
	<-enter // pass 2 is running, blocked in Load
	for range 10 {
		h.loop.Trigger(TriggerResync)
		h.loop.Trigger(TriggerFile)
		h.loop.Trigger(TriggerEngine)
	}
	h.set(func(h *loopHarness) { h.loadGate = nil })
	close(gate)
	if r := h.next(); r.Trigger != TriggerEngine {
		t.Fatalf("pass 2 trigger %s", r.Trigger)
	}
	if r := h.next(); r.Trigger != TriggerFile {
		t.Fatalf("the one pending pass: trigger %s, want file (the highest of the burst)", r.Trigger)
	}
	// The burst collapsed into that one pass: the next pass is the next trigger's.
	h.loop.Trigger(TriggerEngine)
	if r := h.next(); r.Trigger != TriggerEngine {
		t.Fatalf("after the burst: trigger %s, want engine", r.Trigger)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.maxLoad != 1 {
		t.Errorf("%d passes ran at once", h.maxLoad)
	}
}

func TestLoopBadSpecKeepsLastGoodAndReports(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := metrics.New(reg)
	h := newHarness(t, func(c *LoopConfig) { c.Recorder = m })
	h.next()
	writes := len(h.eng.callLog())
	h.set(func(h *loopHarness) { h.loadErr = errors.New("stack.yml: services.web.image: must be a string") })
	h.loop.Trigger(TriggerFile)
	r := h.next()
	if r.FailedPhase != metrics.PhaseLoad || r.Desired != nil || r.NextRetry != 0 {
		t.Fatalf("bad spec pass = %+v", r)
	}
	if got := len(h.eng.callLog()); got != writes {
		t.Errorf("a bad spec touched the engine: %v", h.eng.callLog()[writes:])
	}
	if v := testutil.ToFloat64(gaugeNamed(t, reg, "reconciler_config_last_reload_successful")); v != 0 {
		t.Errorf("config_last_reload_successful = %v", v)
	}
	if ok, why := m.Ready(); ok || why == "" {
		t.Errorf("ready = %v %q", ok, why)
	}
	h.set(func(h *loopHarness) { h.loadErr = nil })
	h.loop.Trigger(TriggerFile)
	if r := h.next(); r.Err != nil || !r.Converged {
		t.Fatalf("fixed spec pass = %+v", r)
	}
	if v := testutil.ToFloat64(gaugeNamed(t, reg, "reconciler_config_last_reload_successful")); v != 1 {
		t.Errorf("config_last_reload_successful = %v after the fix", v)
	}
}

func gaugeNamed(t *testing.T, g prometheus.Gatherer, name string) prometheus.Collector {
	t.Helper()
	mfs, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			gauge := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x", Help: "x"})
			gauge.Set(mf.GetMetric()[0].GetGauge().GetValue())
			return gauge
		}
	}
	t.Fatalf("no %s", name)
	return nil
}

func TestLoopDrift(t *testing.T) {
	h := newHarness(t, nil)
	if r := h.next(); r.Drift || r.Result == nil {
		t.Fatalf("startup acted on a new spec: drift must be false: %+v", r)
	}
	h.loop.Trigger(TriggerResync)
	if r := h.next(); r.Drift || r.Result != nil {
		t.Fatalf("no-op pass: %+v", r)
	}
	h.eng.dropNetworks() // removed behind our back
	h.loop.Trigger(TriggerEngine)
	if r := h.next(); !r.Drift || r.SpecChanged || r.Result.Summary.Added != 1 {
		t.Fatalf("restore after removal: drift %v specChanged %v", r.Drift, r.SpecChanged)
	}
	h.eng.dropNetworks()
	h.set(func(h *loopHarness) { h.label = "v2" }) // and the file changed too
	h.loop.Trigger(TriggerFile)
	if r := h.next(); r.Drift || !r.SpecChanged {
		t.Fatalf("a spec change is not drift: drift %v specChanged %v", r.Drift, r.SpecChanged)
	}
}

func TestLoopEngineEventsTrigger(t *testing.T) {
	var h *loopHarness
	eng := make(chan events.Message)
	h = newHarness(t, func(c *LoopConfig) {
		c.WatchEngine = true
		c.Engine.(*fakeEngine).events = eng
	})
	h.next()
	eng <- events.Message{Type: events.ContainerEventType, Action: events.ActionDie,
		Actor: events.Actor{ID: "c1", Attributes: map[string]string{spec.LabelProject: "demo"}}}
	if r := h.next(); r.Trigger != TriggerEngine {
		t.Fatalf("trigger = %s", r.Trigger)
	}
}

func TestRelevantEvents(t *testing.T) {
	l := &Loop{}
	l.desired.Store(&spec.Desired{Project: "demo", Networks: []spec.Network{{Name: "demo_default"}}, Volumes: []spec.Volume{{Name: "demo_data"}}})
	ctr := func(project string, a events.Action) events.Message {
		return events.Message{Type: events.ContainerEventType, Action: a, Actor: events.Actor{Attributes: map[string]string{spec.LabelProject: project}}}
	}
	tests := []struct {
		m    events.Message
		want bool
	}{
		{ctr("demo", events.ActionDie), true},
		{ctr("demo", events.ActionDestroy), true},
		{ctr("demo", events.ActionHealthStatusUnhealthy), true},
		{ctr("demo", events.ActionStart), false},
		{ctr("other", events.ActionDie), false},
		{events.Message{Type: events.NetworkEventType, Action: events.ActionDestroy, Actor: events.Actor{Attributes: map[string]string{"name": "demo_default"}}}, true},
		{events.Message{Type: events.NetworkEventType, Action: events.ActionDestroy, Actor: events.Actor{Attributes: map[string]string{"name": "else"}}}, false},
		{events.Message{Type: events.VolumeEventType, Action: events.ActionDestroy, Actor: events.Actor{ID: "demo_data"}}, true},
		{events.Message{Type: events.VolumeEventType, Action: events.ActionCreate, Actor: events.Actor{ID: "demo_data"}}, false},
	}
	for _, tc := range tests {
		if got := l.relevant(tc.m); got != tc.want {
			t.Errorf("relevant(%s %s %v) = %v", tc.m.Type, tc.m.Action, tc.m.Actor.Attributes, got)
		}
	}
}

func TestLoopStopsCleanly(t *testing.T) {
	h := newHarness(t, nil)
	h.next()
	gate := make(chan struct{})
	enter := make(chan struct{}, 1)
	h.set(func(h *loopHarness) { h.loadGate, h.loadEnter = gate, enter })
	h.loop.Trigger(TriggerFile)
	<-enter
	h.cancel()
	h.set(func(h *loopHarness) { h.loadGate = nil })
	close(gate)
	if err := <-h.ran; err != nil {
		t.Errorf("Run = %v, want nil on cancel", err)
	}
	h.ran <- nil // for Cleanup
	if r := h.next(); r.Trigger != TriggerFile {
		t.Errorf("the running pass was not reported: %+v", r)
	}
}

func TestTriggersMatchMetrics(t *testing.T) {
	var ours []string
	for tr := range triggerRank {
		ours = append(ours, string(tr))
	}
	if len(ours) != len(metrics.Triggers) {
		t.Fatalf("triggers %v vs metrics %v", ours, metrics.Triggers)
	}
	for _, m := range metrics.Triggers {
		if _, ok := triggerRank[Trigger(m)]; !ok {
			t.Errorf("metrics trigger %q unknown to the loop", m)
		}
	}
}

func TestActingActions(t *testing.T) {
	p := planOf(
		planner.Action{Type: planner.PullImage, Resource: "a", Refresh: true},
		planner.Action{Type: planner.PullImage, Resource: "b"},
		planner.Action{Type: planner.WaitRunning, Resource: "web"},
		createCtr("c", false),
	)
	if got := actingActions(p); got != 2 {
		t.Errorf("actingActions = %d, want 2 (new pull + create)", got)
	}
}
