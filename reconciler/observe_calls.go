package reconciler

import (
	"sync"

	"github.com/moby/moby/client"
)

// ConcurrentLister is an optional method of an Observer: whether Observe
// should make its independent list calls concurrently. That pays when each
// call is a round trip to another process (a dockerd, moby's client); an
// in-process engine answering from one store connection only loses by it.
// Without the method, Observe makes them concurrently for moby's
// *client.Client and one after the other for any other engine.
type ConcurrentLister interface {
	// ConcurrentLists reports whether list calls may be made concurrently.
	ConcurrentLists() bool
}

// listsConcurrently applies ConcurrentLister's rule to eng.
func listsConcurrently(eng Observer) bool {
	if c, ok := eng.(ConcurrentLister); ok {
		return c.ConcurrentLists()
	}
	_, ok := eng.(*client.Client)
	return ok
}

// calls runs a set of engine calls, each of which records its own result and
// error, either concurrently or, like a sequential observation, one after the
// other, stopping at the first that fails.
type calls struct {
	concurrent bool
	fns        []func() error
	bg         sync.WaitGroup
}

func (c *calls) add(fn func() error) { c.fns = append(c.fns, fn) }

// run makes the calls and returns once all have returned. The first runs on
// the caller's goroutine: a sequential run starts no goroutine at all.
func (c *calls) run() {
	if len(c.fns) == 0 {
		return
	}
	if !c.concurrent {
		for _, fn := range c.fns {
			if fn() != nil {
				return
			}
		}
		return
	}
	var wg sync.WaitGroup
	for _, fn := range c.fns[1:] {
		wg.Go(func() { _ = fn() })
	}
	_ = c.fns[0]()
	wg.Wait()
}

// start is run in the background; wait waits for it.
func (c *calls) start() { c.bg.Go(c.run) }

// wait returns once the calls start began have returned (at once without start).
func (c *calls) wait() { c.bg.Wait() }
