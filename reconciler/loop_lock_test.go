package reconciler

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/metrics"
)

// lockCheckEngine reports each observe (ContainerList, NetworkList) and apply
// (NetworkCreate) call to seen before passing it on.
type lockCheckEngine struct {
	Engine
	seen func()
}

func (e lockCheckEngine) ContainerList(ctx context.Context, o client.ContainerListOptions) (client.ContainerListResult, error) {
	e.seen()
	return e.Engine.ContainerList(ctx, o)
}

func (e lockCheckEngine) NetworkList(ctx context.Context, o client.NetworkListOptions) (client.NetworkListResult, error) {
	e.seen()
	return e.Engine.NetworkList(ctx, o)
}

func (e lockCheckEngine) NetworkCreate(ctx context.Context, name string, o client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	e.seen()
	return e.Engine.NetworkCreate(ctx, name, o)
}

// lockRecorder is a LoopConfig.Lock that records what the engine saw while
// the lock was held.
type lockRecorder struct {
	mu               sync.Mutex
	held             bool
	takes, releases  int
	callsWhileHeld   int
	callsWhileUnheld int
	err              error
}

func (l *lockRecorder) lock(context.Context) (func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return nil, l.err
	}
	if l.held {
		return nil, errors.New("lock taken twice")
	}
	l.held = true
	l.takes++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.held = false
		l.releases++
	}, nil
}

// TestLoopHoldsLockAcrossPass: every engine call of a pass (observe and apply)
// happens with the lock held, the lock is released when the pass ends, and a
// lock that cannot be taken fails the pass in the observe phase, before any
// engine call.
func TestLoopHoldsLockAcrossPass(t *testing.T) {
	lr := &lockRecorder{}
	seen := func() {
		lr.mu.Lock()
		defer lr.mu.Unlock()
		if lr.held {
			lr.callsWhileHeld++
		} else {
			lr.callsWhileUnheld++
		}
	}
	h := newHarness(t, func(c *LoopConfig) {
		c.Lock = lr.lock
		c.Engine = lockCheckEngine{Engine: c.Engine, seen: seen}
	})
	r := h.next() // startup: observe, create the network
	if r.Err != nil || r.Result == nil || r.Result.Summary.Added != 1 {
		t.Fatalf("startup pass = %+v", r)
	}
	lr.mu.Lock()
	if lr.takes != 1 || lr.releases != 1 || lr.callsWhileHeld == 0 || lr.callsWhileUnheld != 0 {
		t.Errorf("after one pass: %d takes, %d releases, %d engine calls held, %d unheld; want 1, 1, >0, 0",
			lr.takes, lr.releases, lr.callsWhileHeld, lr.callsWhileUnheld)
	}
	before := lr.callsWhileHeld + lr.callsWhileUnheld
	lr.err = errors.New("state lock: busy")
	lr.mu.Unlock()

	h.loop.Trigger(TriggerFile)
	r = h.next()
	if r.Err == nil || r.FailedPhase != metrics.PhaseObserve || r.Result != nil {
		t.Fatalf("pass without the lock: err %v phase %q result %v; want an observe failure and nothing applied", r.Err, r.FailedPhase, r.Result)
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if after := lr.callsWhileHeld + lr.callsWhileUnheld; after != before {
		t.Errorf("the engine got %d calls in a pass that had no lock", after-before)
	}
}
