package emulator

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
)

// queueBatch holds e.mu while every fn is queued by its own goroutine, then
// releases it, so that the calls run as one group commit. It returns each
// call's error, in the order of fns.
func queueBatch(t *testing.T, e *Engine, ctxs []context.Context, fns []func(*txn) error) []error {
	t.Helper()
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	e.mu.Lock()
	for i := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.update(ctxs[i], fns[i])
		}()
		for { // queue in order: wait until call i is queued
			e.qmu.Lock()
			n := len(e.queue)
			e.qmu.Unlock()
			if n == i+1 {
				break
			}
			runtime.Gosched()
		}
	}
	e.mu.Unlock()
	wg.Wait()
	return errs
}

// fileEngine opens an engine on a new store file; reopen opens a second engine
// on it, as another process would.
func fileEngine(t *testing.T) (*Engine, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "engine.db")
	return reopen(t, path), path
}

func reopen(t *testing.T, path string) *Engine {
	t.Helper()
	e, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func volumeFn(name string, failAfter bool) func(*txn) error {
	return func(t *txn) error {
		if _, err := t.createVolume(name, "", nil, nil, false); err != nil {
			return err
		}
		if failAfter {
			return errInvalid("volume %s: failed after creating it", name)
		}
		return nil
	}
}

// TestGroupCommit: calls queued together commit as one store transaction; a call
// that fails after changing the cache is undone alone, a call whose context is
// cancelled before its turn does not run, and the store another process opens
// agrees with the cache.
func TestGroupCommit(t *testing.T) {
	e, path := fileEngine(t)
	ctx := context.Background()
	gen0, err := e.st.gen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	ctxs := []context.Context{ctx, ctx, ctx, cancelled, ctx}
	fns := []func(*txn) error{
		volumeFn("vol-a", false), volumeFn("vol-b", false), volumeFn("vol-bad", true),
		volumeFn("vol-never", false), volumeFn("vol-c", false),
	}
	errs := queueBatch(t, e, ctxs, fns)
	for i, want := range []error{nil, nil, cerrdefs.ErrInvalidArgument, context.Canceled, nil} {
		if (want == nil) != (errs[i] == nil) || (want != nil && !errors.Is(errs[i], want)) {
			t.Errorf("call %d: err = %v, want %v", i, errs[i], want)
		}
	}
	gen1, err := e.st.gen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// a and b share one commit; the failure ends that transaction so the
	// cache is reloaded; c commits in a second one.
	if gen1-gen0 != 2 {
		t.Errorf("generations used by the batch = %d, want 2", gen1-gen0)
	}

	other := reopen(t, path)
	for _, eng := range []*Engine{e, other} {
		err := eng.view(ctx, func(s *state) error {
			for _, name := range []string{"vol-a", "vol-b", "vol-c"} {
				if s.volumes[name] == nil {
					t.Errorf("volume %s missing after the batch", name)
				}
			}
			for _, name := range []string{"vol-bad", "vol-never"} {
				if s.volumes[name] != nil {
					t.Errorf("volume %s exists, but its call failed", name)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestGroupCommitConcurrent: many goroutines writing at once all get their
// writes committed, and each sees its own write when its call returns.
func TestGroupCommitConcurrent(t *testing.T) {
	e, path := fileEngine(t)
	ctx := context.Background()
	const n = 64
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "v" + string(rune('A'+i%26)) + string(rune('a'+i/26))
			if errs[i] = e.update(ctx, volumeFn(name, false)); errs[i] != nil {
				return
			}
			errs[i] = e.view(ctx, func(s *state) error {
				if s.volumes[name] == nil {
					return errNotFound("volume %s not visible after its call returned", name)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	other := reopen(t, path)
	var count int
	if err := other.view(ctx, func(s *state) error { count = len(s.volumes); return nil }); err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Errorf("another process sees %d volumes, want %d", count, n)
	}
}
