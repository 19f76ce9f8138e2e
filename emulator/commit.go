package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// call is one engine call's write, queued for the group commit.
type call struct {
	ctx  context.Context
	fn   func(t *txn) error
	err  error
	done bool // set under e.mu once err is final
}

// update runs fn as one write transaction: when it returns nil, fn's changes are
// committed to the store; when it returns an error, nothing fn did is kept (except
// what fn wraps in keep).
//
// Calls made concurrently in one process share a store transaction (a group
// commit): each caller queues its fn, and whoever holds e.mu next runs every
// queued fn in order, each on its own txn, and commits them together. A fn that
// fails is undone alone; the others commit. The caller's ctx governs only whether
// its fn runs; once it has run, the commit completes even if ctx is cancelled.
func (e *Engine) update(ctx context.Context, fn func(t *txn) error) error {
	c := &call{ctx: ctx, fn: fn}
	e.qmu.Lock()
	e.queue = append(e.queue, c)
	e.qmu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if c.done {
		return c.err
	}
	e.qmu.Lock()
	batch := e.queue
	e.queue = nil
	e.qmu.Unlock()
	if e.closed {
		for _, b := range batch {
			b.err, b.done = ErrClosed, true
		}
		return ErrClosed
	}
	e.runBatch(batch)
	return c.err
}

// updateLocked is update with e.mu held, for one fn that does not join a batch.
func (e *Engine) updateLocked(ctx context.Context, fn func(t *txn) error) error {
	c := &call{ctx: ctx, fn: fn}
	e.runBatch([]*call{c})
	return c.err
}

// runBatch runs the calls in order in write transactions and sets each call's
// err and done. Before each fn it brings the simulated processes up to the
// clock's now (advance), in the same transaction. Normally the whole batch is one
// store transaction; a fn that fails after changing the cache ends the current
// transaction early (committing the calls before it), so that the cache can be
// reloaded without its half-made changes.
func (e *Engine) runBatch(batch []*call) {
	ctx := context.WithoutCancel(batch[0].ctx)
	for len(batch) > 0 {
		batch = e.runTxn(ctx, batch)
	}
}

// runTxn runs calls from the head of batch in one store transaction and returns
// the calls it did not get to.
func (e *Engine) runTxn(ctx context.Context, batch []*call) (rest []*call) {
	fail := func(calls []*call, err error) {
		for _, c := range calls {
			c.err, c.done = fmt.Errorf("store: %w", err), true
		}
	}
	if err := e.st.begin(ctx, true); err != nil {
		fail(batch, err)
		return nil
	}
	if err := e.refreshLocked(ctx); err != nil {
		e.st.rollback()
		fail(batch, err)
		return nil
	}
	gen := e.gen + 1
	var written []*call // calls whose changes are in this transaction
	events, dirty := false, false
	i := 0
	for i < len(batch) && !dirty {
		c := batch[i]
		i++
		if err := c.ctx.Err(); err != nil {
			c.err, c.done = err, true
			continue
		}
		t := &txn{e: e, s: e.cache, now: e.now(), ops: map[opKey]bool{}}
		t.advance()
		err := c.fn(t)
		var kept keep
		if err != nil && !errors.As(err, &kept) {
			// A failed call's changes are not written; if it made any, the
			// cache must be reloaded before the next call runs on it.
			c.err, c.done = err, true
			dirty = t.mutated()
			continue
		}
		if err != nil {
			c.err = kept.err
		}
		if !t.mutated() {
			c.done = true
			continue
		}
		if err := e.writeTxn(ctx, t, gen); err != nil {
			e.st.rollback()
			e.gen = -1
			fail(append(written, c), err)
			return batch[i:]
		}
		written = append(written, c)
		events = events || len(t.events) > 0
	}
	if len(written) == 0 {
		e.st.rollback()
	} else if err := e.finishTxn(ctx, gen, events); err != nil {
		e.st.rollback()
		e.gen = -1
		fail(written, err)
		return batch[i:]
	}
	if dirty {
		e.gen = -1
	}
	for _, c := range written {
		c.done = true
	}
	if len(written) > 0 {
		e.wake()
	}
	return batch[i:]
}

// writeTxn writes t's changes and events into the open store transaction, as
// generation gen.
func (e *Engine) writeTxn(ctx context.Context, t *txn, gen int64) error {
	st := e.st
	for _, key := range t.order {
		if !t.ops[key] {
			if _, err := st.stDel[key.k].ExecContext(ctx, key.id); err != nil {
				return err
			}
			if _, err := st.stDelTomb.ExecContext(ctx, gen, string(key.k), key.id); err != nil {
				return err
			}
			continue
		}
		var err error
		switch key.k {
		case kContainer:
			c := t.s.containers[key.id]
			var doc []byte
			if doc, err = json.Marshal(c); err == nil {
				_, err = st.stPutCtr.ExecContext(ctx, c.ID, c.Name, string(c.State.Status), c.Config.Labels[labelProject], gen, doc)
			}
		case kNetwork:
			n := t.s.networks[key.id]
			var doc []byte
			if doc, err = json.Marshal(n); err == nil {
				_, err = st.stPut[kNetwork].ExecContext(ctx, n.ID, n.Name, gen, doc)
			}
		case kVolume:
			var doc []byte
			if doc, err = json.Marshal(t.s.volumes[key.id]); err == nil {
				_, err = st.stPut[kVolume].ExecContext(ctx, key.id, gen, doc)
			}
		case kImage:
			var doc []byte
			if doc, err = json.Marshal(t.s.images[key.id]); err == nil {
				_, err = st.stPut[kImage].ExecContext(ctx, key.id, gen, doc)
			}
		}
		if err != nil {
			return fmt.Errorf("write %s %s: %w", key.k, key.id, err)
		}
	}
	for _, m := range t.events {
		doc, err := json.Marshal(m)
		if err != nil {
			return err
		}
		if _, err := st.stEvent.ExecContext(ctx, m.TimeNano, string(m.Type), string(m.Action), m.Actor.ID, doc); err != nil {
			return err
		}
	}
	return nil
}

// finishTxn prunes, records generation gen and commits the open transaction.
func (e *Engine) finishTxn(ctx context.Context, gen int64, events bool) error {
	st := e.st
	if events && gen%64 == 0 {
		if err := st.pruneEvents(ctx, e.eventLimit); err != nil {
			return err
		}
	}
	if err := st.pruneTombstones(ctx, gen); err != nil {
		return err
	}
	if _, err := st.stSetGen.ExecContext(ctx, gen); err != nil {
		return err
	}
	if err := st.commit(ctx); err != nil {
		return err
	}
	if e.faultsAt == e.gen && e.faultsAt >= 0 {
		e.faultsAt = gen // this commit wrote objects, not fault rules
	}
	e.gen = gen
	return nil
}
