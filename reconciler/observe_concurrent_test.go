package reconciler

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// The list calls of an observation, in the order a sequential observation
// makes them, with the kind its error is reported under.
var observeCalls = []struct {
	key  string
	kind planner.Kind
}{
	{"containers", planner.KindContainer},
	{"networks", planner.KindNetwork},
	{"networks by name", planner.KindNetwork},
	{"volumes", planner.KindVolume},
	{"volumes by name", planner.KindVolume},
	{"images", planner.KindImage},
}

// listFaultEngine is the seeded fake with list calls that fail on demand, by
// call key (observeCalls), and that may hold the project-label lists until
// several are in flight.
type listFaultEngine struct {
	*fakeEngine
	fail       map[string]error
	concurrent bool // its ConcurrentLists

	mu       sync.Mutex
	inFlight int
	maxIn    int
	// hold, when set, blocks each call without a name filter until release
	// is closed.
	hold    bool
	release chan struct{}
	entered chan struct{}
}

func (e *listFaultEngine) ConcurrentLists() bool { return e.concurrent }

func listKey(base string, f client.Filters) string {
	if len(f["name"]) > 0 {
		return base + " by name"
	}
	return base
}

func (e *listFaultEngine) enter(key string) error {
	e.mu.Lock()
	e.inFlight++
	e.maxIn = max(e.maxIn, e.inFlight)
	e.mu.Unlock()
	if e.hold && key != "networks by name" && key != "volumes by name" {
		e.entered <- struct{}{}
		select {
		case <-e.release:
		case <-time.After(10 * time.Second): // a sequential observe never releases
		}
	}
	e.mu.Lock()
	e.inFlight--
	e.mu.Unlock()
	return e.fail[key]
}

func (e *listFaultEngine) ContainerList(ctx context.Context, o client.ContainerListOptions) (client.ContainerListResult, error) {
	r, _ := e.fakeEngine.ContainerList(ctx, o)
	return r, e.enter("containers")
}

func (e *listFaultEngine) NetworkList(ctx context.Context, o client.NetworkListOptions) (client.NetworkListResult, error) {
	r, _ := e.fakeEngine.NetworkList(ctx, o)
	return r, e.enter(listKey("networks", o.Filters))
}

func (e *listFaultEngine) VolumeList(ctx context.Context, o client.VolumeListOptions) (client.VolumeListResult, error) {
	r, _ := e.fakeEngine.VolumeList(ctx, o)
	return r, e.enter(listKey("volumes", o.Filters))
}

func (e *listFaultEngine) ImageList(ctx context.Context, o client.ImageListOptions) (client.ImageListResult, error) {
	r, _ := e.fakeEngine.ImageList(ctx, o)
	return r, e.enter("images")
}

// demoDesired wants one network and one volume found by label, one of each
// found by name only, and images.
func demoDesired(project string) *spec.Desired {
	return &spec.Desired{
		Project:  project,
		Networks: []spec.Network{{Key: "default", Name: "demo_default"}, {Key: "shared", Name: "shared", External: true}},
		Volumes:  []spec.Volume{{Key: "data", Name: "demo_data"}, {Key: "ext", Name: "ext", External: true}},
		Images:   []spec.Image{{Ref: "docker.io/library/nginx"}, {Ref: "postgres:16"}, {Ref: "redis:7"}},
	}
}

// TestObserveErrorIsTheSequentialOne fails every subset of the six list calls
// and checks that Observe and a Prefetch report the failure of the first
// failing call in sequential order, typed and wrapped.
func TestObserveErrorIsTheSequentialOne(t *testing.T) {
	ways := map[string]func(context.Context, Observer, *spec.Desired) (planner.Observed, error){
		"Observe": Observe,
		"Prefetch": func(ctx context.Context, eng Observer, d *spec.Desired) (planner.Observed, error) {
			return StartObserve(ctx, eng, d.Project).Observe(ctx, d)
		},
	}
	for way, observe := range ways {
		for _, concurrent := range []bool{false, true} {
			name := fmt.Sprintf("%s, concurrent=%v", way, concurrent)
			for mask := range 1 << len(observeCalls) {
				e := &listFaultEngine{fakeEngine: seededFake(), fail: map[string]error{}, concurrent: concurrent}
				want := -1
				for i, c := range observeCalls {
					if mask&(1<<i) != 0 {
						e.fail[c.key] = errors.New(c.key + " failed")
						if want < 0 {
							want = i
						}
					}
				}
				_, err := observe(t.Context(), e, demoDesired("demo"))
				if want < 0 {
					if err != nil {
						t.Errorf("%s, no failure: %v", name, err)
					}
					continue
				}
				var oe *ObserveError
				c := observeCalls[want]
				if !errors.As(err, &oe) || oe.Kind != c.kind || !errors.Is(err, e.fail[c.key]) {
					t.Errorf("%s, failing %v: err = %v, want ObserveError{%s} wrapping %q", name, e.fail, err, c.kind, e.fail[c.key])
				}
			}
		}
	}
}

// TestObserveProjectErrorIsTheSequentialOne: the same for ObserveProject, whose
// image list depends on the containers found.
func TestObserveProjectErrorIsTheSequentialOne(t *testing.T) {
	calls := []int{0, 1, 3, 5} // containers, networks, volumes, images: no name lists
	for mask := range 2 << len(calls) {
		concurrent := mask&(1<<len(calls)) != 0
		e := &listFaultEngine{fakeEngine: seededFake(), fail: map[string]error{}, concurrent: concurrent}
		want := -1
		for bit, i := range calls {
			if mask&(1<<bit) != 0 {
				e.fail[observeCalls[i].key] = errors.New(observeCalls[i].key + " failed")
				if want < 0 {
					want = i
				}
			}
		}
		_, err := ObserveProject(t.Context(), e, "demo")
		if want < 0 {
			if err != nil {
				t.Errorf("concurrent=%v, no failure: %v", concurrent, err)
			}
			continue
		}
		var oe *ObserveError
		c := observeCalls[want]
		if !errors.As(err, &oe) || oe.Kind != c.kind || !errors.Is(err, e.fail[c.key]) {
			t.Errorf("concurrent=%v, failing %v: err = %v, want ObserveError{%s} wrapping %q", concurrent, e.fail, err, c.kind, e.fail[c.key])
		}
	}
}

// TestObserveListsConcurrently holds each project-label list until all four
// have started: a sequential Observe would see only one in flight.
func TestObserveListsConcurrently(t *testing.T) {
	e := &listFaultEngine{fakeEngine: seededFake(), fail: map[string]error{}, concurrent: true, hold: true,
		release: make(chan struct{}), entered: make(chan struct{}, 4)}
	go func() {
		for range 4 {
			<-e.entered
		}
		close(e.release)
	}()
	obs, err := Observe(t.Context(), e, demoDesired("demo"))
	if err != nil {
		t.Fatal(err)
	}
	if e.maxIn != 4 {
		t.Errorf("at most %d list calls in flight, want 4 (containers, networks, volumes, images)", e.maxIn)
	}
	want, err := Observe(t.Context(), seededFake(), demoDesired("demo"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("concurrent observation differs:\n got %+v\nwant %+v", obs, want)
	}
}

// TestPrefetchObservesAsObserve: whatever the desired state, a Prefetch gives
// Observe's result, whether the project it was started for is the desired one
// or not.
func TestPrefetchObservesAsObserve(t *testing.T) {
	noImages := demoDesired("demo")
	noImages.Images = nil
	cases := []struct {
		name     string
		prefetch string
		desired  *spec.Desired
	}{
		{"same project", "demo", demoDesired("demo")},
		{"other project", "other", demoDesired("demo")},
		{"no desired images: the containers' images", "demo", noImages},
		{"empty project", "ghost", demoDesired("ghost")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := Observe(t.Context(), seededFake(), tc.desired)
			if err != nil {
				t.Fatal(err)
			}
			f := seededFake()
			p := StartObserve(t.Context(), f, tc.prefetch)
			if p.Project() != tc.prefetch {
				t.Errorf("Project() = %q, want %q", p.Project(), tc.prefetch)
			}
			got, err := p.Observe(t.Context(), tc.desired)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Prefetch:\n got %+v\nwant %+v", got, want)
			}
			if calls := f.callLog(); len(calls) != 0 {
				t.Errorf("non-list calls %v", calls)
			}
		})
	}
}

// TestPrefetchWaitReturnsAfterCalls: Wait returns only once the prefetched
// calls have.
func TestPrefetchWaitReturnsAfterCalls(t *testing.T) {
	e := &listFaultEngine{fakeEngine: seededFake(), fail: map[string]error{}, concurrent: true, hold: true,
		release: make(chan struct{}), entered: make(chan struct{}, 4)}
	p := StartObserve(t.Context(), e, "demo")
	for range 4 {
		<-e.entered
	}
	close(e.release)
	p.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.inFlight != 0 {
		t.Errorf("%d calls in flight after Wait", e.inFlight)
	}
}

// TestListsConcurrently: moby's client and an engine saying so get concurrent
// lists; an engine saying not, or saying nothing, gets them one at a time,
// each call starting after the previous returned.
func TestListsConcurrently(t *testing.T) {
	cli, err := client.New(client.WithHost("unix:///nonexistent/docker.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	for _, tc := range []struct {
		name string
		eng  Observer
		want bool
	}{
		{"moby client", cli, true},
		{"says concurrent", &listFaultEngine{fakeEngine: newFake(), concurrent: true}, true},
		{"says not", &listFaultEngine{fakeEngine: newFake()}, false},
		{"says nothing", newFake(), false},
	} {
		if got := listsConcurrently(tc.eng); got != tc.want {
			t.Errorf("%s: listsConcurrently = %v, want %v", tc.name, got, tc.want)
		}
	}
	e := &listFaultEngine{fakeEngine: seededFake(), fail: map[string]error{}}
	if _, err := Observe(t.Context(), e, demoDesired("demo")); err != nil {
		t.Fatal(err)
	}
	if e.maxIn != 1 {
		t.Errorf("sequential observation had %d calls in flight", e.maxIn)
	}
}
