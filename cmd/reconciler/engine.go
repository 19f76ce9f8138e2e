package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/reconciler/reconciler/reconciler"
)

// engineConn is an open engine and how to release it.
type engineConn struct {
	reconciler.Engine
	// raw is the concrete engine, for optional capabilities (logs, exec, prune).
	raw   any
	kind  string
	where string
	close func() error
}

// Close releases the engine (closes the embedded store).
func (c *engineConn) Close() error {
	if c.close == nil {
		return nil
	}
	return c.close()
}

// openEngine opens the engine selected by --engine.
func (a *app) openEngine(ctx context.Context) (*engineConn, error) {
	if a.g.engine == engineDocker {
		return openDocker(ctx, a.g.host)
	}
	path, err := a.g.statePath()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("state %s: create directory: %w", path, err)
	}
	e, closeFn, err := openEmbedded(path)
	if err != nil {
		return nil, fmt.Errorf("state %s: open embedded engine: %w", path, err)
	}
	return &engineConn{Engine: e, raw: e, kind: engineEmbedded, where: path, close: closeFn}, nil
}

// ConcurrentLists tells reconciler.Observe to make its independent list calls
// concurrently over a dockerd's API, where each is a round trip, and one at a
// time on the embedded engine, where concurrent calls only queue for its one
// store connection (measured: observe 1.1 ms sequential, 2.1 ms concurrent at
// 50 services).
func (c *engineConn) ConcurrentLists() bool { return c.kind == engineDocker }

// lock serialises write passes on the embedded engine's state (see lockState);
// other engines need no lock here.
func (c *engineConn) lock() (unlock func(), err error) {
	if c.kind != engineEmbedded {
		return func() {}, nil
	}
	return lockState(c.where)
}

// withEngine opens the engine, runs fn and closes the engine, keeping fn's error first.
func (a *app) withEngine(ctx context.Context, fn func(*engineConn) error) error {
	c, err := a.openEngine(ctx)
	if err != nil {
		return err
	}
	err = fn(c)
	if cerr := c.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close engine %s: %w", c.where, cerr)
	}
	return err
}
