package emulator

import (
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// slowPollFactor multiplies the poll period of an event stream whose engine has a storeWaker: the
// waker reports other processes' writes as they happen, so polling is only a safety net.
const slowPollFactor = 20

// recheckAfter is how long after a file wake a stream looks once more, for a commit
// whose WAL frames were written but which was not yet visible at the first look.
const recheckAfter = 50 * time.Millisecond

// storeWaker turns writes to the store's files, by any process, into wake-ups, using
// inotify on the store's directory (fsnotify; a file that is replaced keeps being
// seen, since the directory is watched). An idle event stream then sleeps instead of
// polling. It is started on the first stream of a file-backed engine and closed by
// Close.
type storeWaker struct {
	w      *fsnotify.Watcher
	mu     sync.Mutex
	notify chan struct{} // closed and replaced on every write
	done   chan struct{}
}

// fileChanges returns a channel closed at the next write to the store's files by any
// process, or nil when the engine is in memory or inotify is unavailable (streams
// then poll at the configured interval).
func (e *Engine) fileChanges() <-chan struct{} {
	e.wakerOnce.Do(func() {
		if e.path == "" || e.path == ":memory:" {
			return
		}
		w, err := fsnotify.NewWatcher()
		if err != nil {
			return
		}
		if err := w.Add(filepath.Dir(e.path)); err != nil {
			_ = w.Close()
			return
		}
		sw := &storeWaker{w: w, notify: make(chan struct{}), done: make(chan struct{})}
		go sw.run(filepath.Clean(e.path))
		e.waker = sw
	})
	if e.waker == nil {
		return nil
	}
	e.waker.mu.Lock()
	defer e.waker.mu.Unlock()
	return e.waker.notify
}

// run wakes waiters on every event naming the database or its -wal file. On a
// watcher error or overflow it wakes them too, so nobody misses a write.
func (sw *storeWaker) run(db string) {
	defer close(sw.done)
	wal := db + "-wal"
	for {
		select {
		case ev, ok := <-sw.w.Events:
			if !ok {
				return
			}
			if name := filepath.Clean(ev.Name); name != db && name != wal {
				continue
			}
		case _, ok := <-sw.w.Errors:
			if !ok {
				return
			}
		}
		sw.mu.Lock()
		close(sw.notify)
		sw.notify = make(chan struct{})
		sw.mu.Unlock()
	}
}

// closeWaker stops the waker, if one was started.
func (e *Engine) closeWaker() {
	if e.waker != nil {
		_ = e.waker.w.Close()
		<-e.waker.done
	}
}
