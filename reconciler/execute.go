package reconciler

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/go-multierror"
	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/planner"
)

// DefaultParallel is the executor's default bound on concurrent engine calls.
// Chosen by measurement (BenchmarkExecuteParallel: cold up of 200 services,
// 2 shared cores at load ~2, two runs of 4 ups, ms per up, file store / memory):
//
//	parallel  1: 157-182 / 103-106
//	parallel  2: 130-133 / 107-108
//	parallel  4: 117-124 /  93-94
//	parallel  8: 103-103 /  83-86
//	parallel 16:  97-100 /  81-85
//	parallel 32:  92-94  /  59-66
//	parallel 64:  93-97  /  61-63
//
// The emulator serialises its calls, but concurrent writes share one store
// transaction (group commit), so more calls in flight mean fewer commits: a
// cold up of 1000 services through the CLI took 0.76-0.82 s at 32, as at 64,
// against 0.84-0.96 s at 16 (five alternating runs each). A real dockerd has
// its own bound: see DefaultDockerParallel. --parallel overrides both.
const DefaultParallel = 32

// DefaultDockerParallel is the CLI's bound for a real dockerd (--engine docker),
// whose calls are slow (a start is 0.7-1.2 s on these machines) and run
// concurrently inside the daemon. Chosen by measurement (scripts/bench-docker.sh
// stacks, Debian dockerd 20.10 with vfs, 2 shared cores at load 10-50, seconds):
//
//	parallel       1     2     4     8    16    32    64
//	50 cold up  69.2  35.7  37.1  34.0  40.0  37.4  34.1
//	50 down -t0 18.0  10.4  10.7   7.9   7.8   8.5   8.2
//
// That was one alternating round; repeats vary by 50% with the machine's load.
// Three alternating rounds of down -t 0 at 50 (load 15-43) did not separate 4
// (7.8, 12.1, 20.1 s) from 16 (11.4, 15.1, 15.7 s): on a saturated machine
// only the 1 -> 2 step is clear; on a quieter one more calls overlap more of
// the daemon's waits (docker-compose 1.29 uses 64, docker compose v2 no bound).
// A cold up is bound by the daemon's own CPU from 2 calls on: each create and
// start costs dockerd, containerd, the shim, runc and the libnetwork-setkey
// hook (a re-exec of dockerd) about one CPU-second, so two cores are saturated
// whatever the client does. Nothing is gained above 8-16, and dockerd 20.10
// can leak a network's endpoint count under concurrent removals from it
// ("network ... has active endpoints" until the daemon restarts; seen in 2 of
// 4 downs at 32, in none of 17 at 16 or below, and reported for docker-compose
// 1.29, whose limit is 64: moby/moby#43286), so the bound stays moderate.
const DefaultDockerParallel = 16

// DefaultPollInterval is how often wait actions inspect containers (compose: 500 ms).
const DefaultPollInterval = 500 * time.Millisecond

// ExecEngine is what Execute needs: the write calls plus ContainerInspect for
// waits and ImageInspect for the id of an image a pull or build produced.
type ExecEngine interface {
	Executor
	ContainerInspect(ctx context.Context, container string, options client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	ImageInspect(ctx context.Context, image string, opts ...client.ImageInspectOption) (client.ImageInspectResult, error)
}

// ExecOptions tune Execute. The zero value is usable.
type ExecOptions struct {
	// Parallel bounds concurrent engine calls. Waits do not count: they sleep
	// between inspects. 0 means DefaultParallel.
	Parallel int
	// Clock drives waits (poll interval and timeout). nil means the real clock.
	Clock clockwork.Clock
	// WaitTimeout bounds each wait action; 0 means no bound other than ctx.
	WaitTimeout time.Duration
	// PollInterval is the wait actions' inspect period. 0 means DefaultPollInterval.
	PollInterval time.Duration
	// OnEvent receives progress events. Calls are serialised (never concurrent),
	// so the callback needs no locking; it must not block for long.
	OnEvent func(Event)
}

func (o *ExecOptions) defaults() {
	if o.Parallel <= 0 {
		o.Parallel = DefaultParallel
	}
	if o.Clock == nil {
		o.Clock = clockwork.NewRealClock()
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
}

// InvalidPlanError reports a plan that breaks planner.Action's invariants
// (IDs 1..n in order, dependencies on smaller IDs only). Nothing was executed.
type InvalidPlanError struct {
	ID     int
	Reason string
}

func (e *InvalidPlanError) Error() string {
	return fmt.Sprintf("invalid plan: action %d: %s", e.ID, e.Reason)
}

// startMu serialises ContainerStart of containers that publish host ports,
// process-wide as docker compose does: engines allocate published ports non-atomically.
var startMu sync.Mutex

// Execute walks plan's DAG, one engine call (or one wait) per action, at most
// opts.Parallel engine calls at a time (waits run beside them), ready actions
// started in ID order. It makes no
// decisions: whatever the plan says is done.
//
// A failed action fails only its dependents (transitively skipped and reported);
// independent branches go on. When ctx is cancelled no new action starts, running
// engine calls finish (waits and pulls are interrupted), and the rest are
// reported skipped.
//
// The Result is always returned and complete. The error is nil when every action
// succeeded; otherwise a *multierror.Error holding one *ActionError per failed
// action in ID order (plus ctx's error if cancelled). Each ActionError wraps the
// engine's error, so errors.Is/As and cerrdefs.Is* work through the aggregate.
func Execute(ctx context.Context, eng ExecEngine, plan *planner.Plan, opts ExecOptions) (*Result, error) {
	opts.defaults()
	if plan == nil {
		return &Result{}, nil
	}
	if err := validatePlan(plan); err != nil {
		return &Result{}, err
	}
	x := &executor{eng: eng, plan: plan, opts: opts, results: make([]ActionResult, len(plan.Actions))}
	for i := range plan.Actions {
		x.results[i].Action = &plan.Actions[i]
	}
	start := opts.Clock.Now()
	x.walk(ctx)
	res := &Result{Actions: x.results, Duration: opts.Clock.Since(start)}
	res.Summary = summarize(plan, x.results)
	var merr *multierror.Error
	for _, r := range x.results {
		if r.Warning != "" {
			res.Warnings = append(res.Warnings, r.Warning)
		}
		if r.Status == StatusFailed {
			merr = multierror.Append(merr, r.Err)
		}
	}
	if err := ctx.Err(); err != nil && res.Summary.Skipped > 0 {
		merr = multierror.Append(merr, err)
	}
	if merr != nil {
		merr.ErrorFormat = formatErrors
	}
	return res, merr.ErrorOrNil()
}

func formatErrors(es []error) string {
	if len(es) == 1 {
		return es[0].Error()
	}
	s := fmt.Sprintf("%d errors:", len(es))
	for _, e := range es {
		s += "\n  * " + e.Error()
	}
	return s
}

func validatePlan(plan *planner.Plan) error {
	for i, a := range plan.Actions {
		if a.ID != i+1 {
			return &InvalidPlanError{ID: a.ID, Reason: fmt.Sprintf("ID must be its 1-based index %d", i+1)}
		}
		for _, d := range a.DependsOn {
			if d < 1 || d >= a.ID {
				return &InvalidPlanError{ID: a.ID, Reason: fmt.Sprintf("depends on %d, not an earlier action", d)}
			}
		}
	}
	return nil
}

type executor struct {
	eng     ExecEngine
	plan    *planner.Plan
	opts    ExecOptions
	results []ActionResult
	eventMu sync.Mutex
	images  imageIDs // ids of the images this plan's pulls and builds produced
}

func (x *executor) emit(e Event) {
	if x.opts.OnEvent == nil {
		return
	}
	e.Time = x.opts.Clock.Now()
	x.eventMu.Lock()
	defer x.eventMu.Unlock()
	x.opts.OnEvent(e)
}

// walk is the dispatcher: only this goroutine touches the bookkeeping; workers
// write their own results[i] and report i on done.
func (x *executor) walk(ctx context.Context) {
	acts := x.plan.Actions
	n := len(acts)
	pending := make([]int, n) // unfinished dependencies
	dependents := make([][]int, n)
	for i, a := range acts {
		for _, d := range uniqueInts(a.DependsOn) {
			pending[i]++
			dependents[d-1] = append(dependents[d-1], i)
		}
	}
	var ready []int // indexes, kept sorted
	for i := range acts {
		if pending[i] == 0 {
			ready = append(ready, i)
		}
	}
	finished := make([]bool, n)
	// running counts every action in flight; calls only those that hold a
	// Parallel slot (waits do not: they sleep between inspects, and holding a
	// slot would stall independent branches behind a slow health check).
	nfinished, running, calls := 0, 0, 0
	done := make(chan int, n)
	ctxDone := ctx.Done()

	var skip func(i, because int)
	skip = func(i, because int) {
		if finished[i] {
			return
		}
		finished[i] = true
		nfinished++
		x.results[i].Status = StatusSkipped
		x.results[i].Err = &SkippedError{ID: i + 1, Dependency: because + 1}
		x.emit(Event{Action: &acts[i], Status: EventSkipped, Err: x.results[i].Err})
		for _, j := range dependents[i] {
			skip(j, i)
		}
	}

	for nfinished < n {
		for len(ready) > 0 && ctx.Err() == nil {
			k := slices.IndexFunc(ready, func(i int) bool { return isWait(acts[i].Type) || calls < x.opts.Parallel })
			if k < 0 {
				break
			}
			i := ready[k]
			ready = slices.Delete(ready, k, k+1)
			if finished[i] {
				continue
			}
			running++
			if !isWait(acts[i].Type) {
				calls++
			}
			go func(i int) {
				x.run(ctx, i)
				done <- i
			}(i)
		}
		if ctx.Err() != nil && running == 0 {
			for i := range acts {
				if !finished[i] {
					finished[i] = true
					nfinished++
					x.results[i].Status = StatusSkipped
					x.results[i].Err = ctx.Err()
					x.emit(Event{Action: &acts[i], Status: EventSkipped, Err: ctx.Err()})
				}
			}
			return
		}
		select {
		case i := <-done:
			running--
			if !isWait(acts[i].Type) {
				calls--
			}
			finished[i] = true
			nfinished++
			ok := x.results[i].Status == StatusDone
			var newly []int
			for _, j := range dependents[i] {
				if !ok {
					skip(j, i)
					continue
				}
				pending[j]--
				if pending[j] == 0 && !finished[j] {
					newly = append(newly, j)
				}
			}
			if len(newly) > 0 {
				ready = append(ready, newly...)
				sort.Ints(ready)
			}
		case <-ctxDone:
			ctxDone = nil // stop dispatching; keep collecting running actions
		}
	}
}

func isWait(t planner.ActionType) bool {
	return t == planner.WaitHealthy || t == planner.WaitCompleted || t == planner.WaitRunning
}

func uniqueInts(xs []int) []int {
	if len(xs) < 2 {
		return xs
	}
	seen := make(map[int]bool, len(xs))
	out := make([]int, 0, len(xs))
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// run executes action i and records its result.
func (x *executor) run(ctx context.Context, i int) {
	a := &x.plan.Actions[i]
	r := &x.results[i]
	r.Started = x.opts.Clock.Now()
	x.emit(Event{Action: a, Status: EventWorking})
	callCtx := ctx
	switch a.Type {
	case planner.WaitHealthy, planner.WaitCompleted, planner.WaitRunning, planner.PullImage, planner.BuildImage:
	default:
		// A short engine call, once started, finishes even if ctx is cancelled:
		// cancellation stops the run between actions, never half-way through one.
		callCtx = context.WithoutCancel(ctx)
	}
	warning, err := x.do(callCtx, a)
	r.Duration = x.opts.Clock.Since(r.Started)
	switch {
	case err != nil:
		r.Status = StatusFailed
		r.Err = &ActionError{ID: a.ID, Type: a.Type, Kind: a.Kind, Resource: a.Resource, Err: err}
		x.emit(Event{Action: a, Status: EventError, Err: r.Err, Text: err.Error(), Elapsed: r.Duration})
	case warning != "":
		r.Status = StatusDone
		r.Warning = warning
		x.emit(Event{Action: a, Status: EventWarning, Text: warning, Elapsed: r.Duration})
	default:
		r.Status = StatusDone
		x.emit(Event{Action: a, Status: EventDone, Elapsed: r.Duration})
	}
}
