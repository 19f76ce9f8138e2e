package main

import (
	"context"
	"fmt"

	"github.com/compose-spec/compose-go/v2/schema"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

// Most of a no-op `up` is waiting: the compose file is parsed on one core
// while the engine sits idle, then the engine is asked and the process waits
// for its answers. The helpers here overlap the two.

// warmComposeSchema compiles compose-go's JSON schema in the background. The
// loader compiles it once per process, the first time it validates a file,
// after parsing and interpolating it; begun at the start of a command it
// compiles while the file is read. Validating an empty document has no other
// effect, and its result is not needed.
func warmComposeSchema() {
	go func() { _ = schema.Validate(map[string]any{}) }()
}

// earlyEngine is the engine being opened, and the project observed, while the
// compose file loads. Only a real dockerd is opened early: opening it has no
// effect on the engine (a ping), whereas opening the embedded engine creates
// its state and must wait for the state lock before anything is observed.
type earlyEngine struct {
	cancel context.CancelFunc
	done   chan struct{}
	conn   *engineConn
	err    error
	pre    *reconciler.Prefetch // nil without a project name known before loading
}

// openEarly starts opening the engine and, when -p or COMPOSE_PROJECT_NAME
// names the project, observing it. It returns nil for the embedded engine.
func (a *app) openEarly(ctx context.Context) *earlyEngine {
	if a.g.engine != engineDocker {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	e := &earlyEngine{cancel: cancel, done: make(chan struct{})}
	project := ""
	if name := a.g.explicitProjectName(); name != "" {
		project = spec.NormalizeProjectName(name)
	}
	go func() {
		defer close(e.done)
		e.conn, e.err = a.openEngine(ctx)
		if e.err == nil && project != "" {
			e.pre = reconciler.StartObserve(ctx, e.conn, project)
		}
	}()
	return e
}

// wait returns the opened engine, or why it could not be opened.
func (e *earlyEngine) wait() (*engineConn, error) {
	<-e.done
	return e.conn, e.err
}

// observe is reconciler.Observe on c, finishing the early observation when
// there is one (it falls back to a fresh Observe when the loaded project is
// not the one guessed).
func (e *earlyEngine) observe(ctx context.Context, c *engineConn, d *spec.Desired) (planner.Observed, error) {
	if e != nil && e.pre != nil {
		pre := e.pre
		e.pre = nil
		return pre.Observe(ctx, d)
	}
	return reconciler.Observe(ctx, c, d)
}

// discard stops the early work, for a command that will not use it (its load
// failed), and closes the engine once nothing runs on it.
func (e *earlyEngine) discard() {
	if e == nil {
		return
	}
	e.cancel()
	if c, err := e.wait(); err == nil {
		e.settle()
		_ = c.Close()
	}
}

// settle waits for an early observation that was not used and ends the early
// work's context; the engine stays open.
func (e *earlyEngine) settle() {
	if e.pre != nil {
		e.pre.Wait()
		e.pre = nil
	}
	e.cancel()
}

// withEngineEarly is withEngine on the engine early opens, or withEngine
// itself when early is nil (the embedded engine).
func (a *app) withEngineEarly(ctx context.Context, early *earlyEngine, fn func(*engineConn) error) error {
	if early == nil {
		return a.withEngine(ctx, fn)
	}
	c, err := early.wait()
	if err != nil {
		early.cancel()
		return err
	}
	err = fn(c)
	early.settle()
	if cerr := c.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close engine %s: %w", c.where, cerr)
	}
	return err
}
