package reconciler

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/reconciler/reconciler/metrics"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// Trigger is why a pass runs. Values are the `trigger` label of
// reconciler_reconcile_total.
type Trigger string

// Triggers, from the highest priority down: when several collapse into one
// pending pass, the pass is labelled with the highest.
const (
	TriggerStartup Trigger = metrics.TriggerStartup
	TriggerFile    Trigger = metrics.TriggerFile
	TriggerEngine  Trigger = metrics.TriggerEngine
	TriggerRetry   Trigger = metrics.TriggerRetry
	TriggerResync  Trigger = metrics.TriggerResync
)

var triggerRank = map[Trigger]int{TriggerStartup: 5, TriggerFile: 4, TriggerEngine: 3, TriggerRetry: 2, TriggerResync: 1}

func mergeTrigger(a, b Trigger) Trigger {
	if triggerRank[b] > triggerRank[a] {
		return b
	}
	return a
}

// LoadFunc reads the spec afresh (spec.Load with the CLI's options).
type LoadFunc func(ctx context.Context) (*spec.Desired, error)

// PlanFunc computes a plan (planner.Plan with the CLI's options). It must be pure.
type PlanFunc func(desired *spec.Desired, observed planner.Observed) (*planner.Plan, error)

// Recorder receives one record per pass; *metrics.Metrics implements it.
type Recorder interface {
	RecordPass(metrics.Pass)
}

// FileSetter is told the files to watch after every successful load
// (*Watcher implements it).
type FileSetter interface {
	SetFiles(files []string)
}

// LoopConfig configures a Loop. Load, Plan and Engine are required; every
// other field has a documented default.
type LoopConfig struct {
	Load   LoadFunc
	Plan   PlanFunc
	Engine Engine
	// Exec tunes Execute; its Clock defaults to Clock.
	Exec ExecOptions
	// Clock drives resync, backoff and the passes' timestamps. Default: real clock.
	Clock clockwork.Clock
	// Resync is the period of passes without any trigger (drift safety net).
	// 0 means 30 s; negative disables.
	Resync time.Duration
	// Jitter spreads each resync over [Resync, Resync*(1+Jitter)]. 0 means 0.1;
	// negative means none.
	Jitter float64
	// BackoffBase and BackoffMax bound the retry delay after a failed pass:
	// base * 2^(failures-1), capped. Defaults 1 s and 2 min.
	BackoffBase, BackoffMax time.Duration
	// WatchEngine subscribes to the engine's events: container die/destroy/
	// health_status of the project and destroy of its networks and volumes
	// trigger a pass.
	WatchEngine bool
	// Recorder (metrics) and Files (the file watcher) are optional.
	Recorder Recorder
	Files    FileSetter
	// Lock, when set, is taken after the spec loads and held through observe,
	// plan and apply, so that a pass never interleaves with another writer of
	// the same engine state (the CLI's state lock, also taken by up and down).
	// A Lock error fails the pass in the observe phase; nothing is applied.
	Lock func(ctx context.Context) (unlock func(), err error)
	// OnPass is called after every pass, from the loop's goroutine, before the
	// next pass starts.
	OnPass func(PassResult)
	// Rand returns a number in [0,1) for jitter. Default math/rand/v2.
	Rand func() float64
}

// PassResult reports one pass.
type PassResult struct {
	Trigger Trigger
	Start   time.Time
	// Duration is the whole pass.
	Duration time.Duration
	// Desired is the spec this pass loaded (nil when the load failed: the last
	// good state is left running untouched).
	Desired *spec.Desired
	Plan    *planner.Plan
	// Result is nil when nothing was executed.
	Result *Result
	// Err is the pass's failure; FailedPhase its phase (metrics.Phase*).
	Err         error
	FailedPhase string
	// SpecChanged: the desired state differs from the previous pass's.
	SpecChanged bool
	// Drift: the pass had to act although the spec had not changed since a
	// pass that converged.
	Drift bool
	// Converged: the pass succeeded and, after it, the engine matches the spec.
	Converged bool
	// NextRetry is the backoff delay before the next retry (0 on success or a
	// spec load failure, which waits for the next file change or resync).
	NextRetry time.Duration
}

// Loop runs level-triggered reconcile passes for one project: triggers only
// mark it dirty; at most one pass runs and at most one waits; every pass
// re-reads the spec and re-observes the engine.
type Loop struct {
	cfg    LoopConfig
	notify chan struct{}

	mu      sync.Mutex
	pending Trigger // "" when not dirty

	// Owned by the pass goroutine (passes never overlap).
	lastHash      [32]byte
	haveHash      bool
	lastConverged bool

	desired atomic.Pointer[spec.Desired] // the last good desired, for event filtering
}

// NewLoop checks cfg and fills defaults.
func NewLoop(cfg LoopConfig) (*Loop, error) {
	if cfg.Load == nil || cfg.Plan == nil || cfg.Engine == nil {
		return nil, errors.New("reconciler: LoopConfig needs Load, Plan and Engine")
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Exec.Clock == nil {
		cfg.Exec.Clock = cfg.Clock
	}
	if cfg.Resync == 0 {
		cfg.Resync = 30 * time.Second
	}
	if cfg.Jitter == 0 {
		cfg.Jitter = 0.1
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = time.Second
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = 2 * time.Minute
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	l := &Loop{cfg: cfg, notify: make(chan struct{}, 1)}
	return l, nil
}

// Trigger marks the project dirty. It never blocks; bursts collapse.
func (l *Loop) Trigger(t Trigger) {
	l.mu.Lock()
	l.pending = mergeTrigger(l.pending, t)
	l.mu.Unlock()
	select {
	case l.notify <- struct{}{}:
	default:
	}
}

func (l *Loop) takePending() Trigger {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.pending
	l.pending = ""
	return t
}

// backoff is the retry delay after n consecutive failures.
func (l *Loop) backoff(n int) time.Duration {
	d := l.cfg.BackoffBase
	for i := 1; i < n && d < l.cfg.BackoffMax; i++ {
		d *= 2
	}
	return min(d, l.cfg.BackoffMax)
}

func (l *Loop) resyncDelay() time.Duration {
	d := l.cfg.Resync
	if l.cfg.Jitter > 0 {
		d += time.Duration(float64(d) * l.cfg.Jitter * l.cfg.Rand())
	}
	return d
}

// Run runs passes until ctx is cancelled, starting with one (TriggerStartup).
// On cancellation the running pass stops between actions (nothing new starts,
// running calls finish) and Run returns nil, leaving everything running.
func (l *Loop) Run(ctx context.Context) error {
	passCtx, cancelPasses := context.WithCancel(ctx)
	defer cancelPasses()
	if l.cfg.WatchEngine {
		go l.watchEngine(passCtx)
	}
	l.Trigger(TriggerStartup)

	var (
		dirty      Trigger
		running    bool
		done       = make(chan PassResult, 1)
		failures   int
		retryTimer clockwork.Timer
		retryC     <-chan time.Time
		resyncC    <-chan time.Time
		resync     clockwork.Timer
	)
	stopTimer := func(t clockwork.Timer) {
		if t != nil {
			t.Stop()
		}
	}
	defer func() { stopTimer(retryTimer); stopTimer(resync) }()

	for {
		// A file or startup trigger is new input: it does not wait out a backoff.
		if !running && dirty != "" && (retryC == nil || dirty == TriggerFile || dirty == TriggerStartup) {
			t := dirty
			dirty = ""
			running = true
			go func() { done <- l.pass(passCtx, t) }()
		}
		select {
		case <-l.notify:
			if t := l.takePending(); t != "" {
				dirty = mergeTrigger(dirty, t)
			}
		case <-retryC:
			retryC = nil
			dirty = mergeTrigger(dirty, TriggerRetry)
		case <-resyncC:
			resyncC = nil
			dirty = mergeTrigger(dirty, TriggerResync)
		case r := <-done:
			running = false
			switch {
			case r.Err == nil:
				failures = 0
				stopTimer(retryTimer)
				retryC = nil
			case r.FailedPhase == metrics.PhaseLoad || errors.Is(r.Err, context.Canceled):
				// The same input would fail again: wait for a file change or resync.
			default:
				failures++
				r.NextRetry = l.backoff(failures)
				stopTimer(retryTimer)
				retryTimer = l.cfg.Clock.NewTimer(r.NextRetry)
				retryC = retryTimer.Chan()
			}
			if l.cfg.Resync > 0 {
				stopTimer(resync)
				resync = l.cfg.Clock.NewTimer(l.resyncDelay())
				resyncC = resync.Chan()
			}
			if l.cfg.OnPass != nil {
				l.cfg.OnPass(r)
			}
		case <-ctx.Done():
			cancelPasses()
			if running {
				r := <-done
				if l.cfg.OnPass != nil {
					l.cfg.OnPass(r)
				}
			}
			return nil
		}
	}
}

func desiredHash(d *spec.Desired) [32]byte {
	b, err := json.Marshal(d)
	if err != nil {
		return [32]byte{}
	}
	return sha256.Sum256(b)
}
