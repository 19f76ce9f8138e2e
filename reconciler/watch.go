package reconciler

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/jonboulle/clockwork"
)

// WatchConfig configures a Watcher. The zero value of every field but OnChange
// has a documented default.
type WatchConfig struct {
	// Files are the files to watch (Desired.WatchFiles); SetFiles replaces them.
	Files []string
	// Clock drives the debounce and polling. Default: real clock.
	Clock clockwork.Clock
	// Debounce is the quiet period after the last event (default 200 ms);
	// MaxDelay caps the wait from the first event of a burst (default 2 s).
	Debounce, MaxDelay time.Duration
	// Poll > 0 replaces fsnotify by re-reading the files every Poll (file
	// systems without inotify: NFS, SMB, FUSE).
	Poll time.Duration
	// OnChange is called, from the watcher's goroutine, when the content of the
	// watched files changed (a save that changes nothing calls nothing).
	OnChange func()
	// OnEvent is called for every accepted file event with its operation in
	// lower case (create, write, remove, rename): the file_events_total metric.
	OnEvent func(op string)
	// OnError reports watcher errors (the watches are re-added after each).
	OnError func(error)
}

// Watcher watches the parent directory of every file (never the file itself:
// editors replace files) and filters events by name, so it survives in-place
// writes, write-temp-then-rename, vim's rename-and-rewrite, JetBrains' safe
// write and Kubernetes' `..data` symlink swaps. After a trailing debounce it
// hashes the files' contents and calls OnChange only when they changed.
type Watcher struct {
	cfg    WatchConfig
	setCh  chan []string
	errCh  chan error // test hook: injected watcher errors
	readyC chan struct{}

	// flushed, when set (tests), is called after every debounced re-hash;
	// applied after a SetFiles took effect.
	flushed func(changed bool)
	applied func()

	// Owned by Run's goroutine.
	files  []string
	names  map[string]map[string]bool // dir -> base names of interest
	dirs   map[string]bool            // dirs currently watched
	hashes map[string][32]byte
}

// NewWatcher checks cfg and fills defaults. Call Run to start watching.
func NewWatcher(cfg WatchConfig) (*Watcher, error) {
	if cfg.OnChange == nil {
		return nil, errors.New("reconciler: WatchConfig needs OnChange")
	}
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Debounce <= 0 {
		cfg.Debounce = 200 * time.Millisecond
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 2 * time.Second
	}
	return &Watcher{cfg: cfg, setCh: make(chan []string, 1), errCh: make(chan error, 1), readyC: make(chan struct{})}, nil
}

// SetFiles replaces the set of watched files (after a pass loaded a spec that
// reads other files). Safe from any goroutine; never blocks.
func (w *Watcher) SetFiles(files []string) {
	files = append([]string(nil), files...)
	for {
		select {
		case w.setCh <- files:
			return
		default:
		}
		select { // drop a stale, not yet applied set
		case <-w.setCh:
		default:
		}
	}
}

// Ready is closed once the watches are in place and the baseline is hashed.
func (w *Watcher) Ready() <-chan struct{} { return w.readyC }

// Run watches until ctx is cancelled. It returns an error only when the
// file system watcher cannot be created at all.
func (w *Watcher) Run(ctx context.Context) error {
	var fsw *fsnotify.Watcher
	var evC <-chan fsnotify.Event
	var errC <-chan error
	var tickC <-chan time.Time
	if w.cfg.Poll > 0 {
		t := w.cfg.Clock.NewTicker(w.cfg.Poll)
		defer t.Stop()
		tickC = t.Chan()
	} else {
		var err error
		if fsw, err = fsnotify.NewWatcher(); err != nil {
			return err
		}
		defer fsw.Close()
		evC, errC = fsw.Events, fsw.Errors
	}
	w.setFiles(fsw, w.cfg.Files)
	w.hashes = w.hashAll()
	close(w.readyC)

	deb := &debouncer{clock: w.cfg.Clock, quiet: w.cfg.Debounce, max: w.cfg.MaxDelay}
	defer deb.stop()
	settleRetries := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case files := <-w.setCh:
			w.setFiles(fsw, files)
			for f, h := range w.hashAll() {
				if _, known := w.hashes[f]; !known {
					w.hashes[f] = h // a new file is a baseline, not a change
				}
			}
			if w.applied != nil {
				w.applied()
			}
		case ev, ok := <-evC:
			if !ok {
				return nil
			}
			if op, ok := w.accept(ev); ok {
				if w.cfg.OnEvent != nil {
					w.cfg.OnEvent(op)
				}
				deb.event()
			}
		case err, ok := <-errC:
			if !ok {
				return nil
			}
			w.handleError(fsw, err, deb)
		case err := <-w.errCh:
			w.handleError(fsw, err, deb)
		case <-deb.C():
			deb.fired()
			if w.unsettled() && settleRetries < 3 {
				// An editor truncated and has not written yet: wait for it.
				settleRetries++
				deb.event()
				continue
			}
			settleRetries = 0
			w.flush()
		case <-tickC:
			w.flush()
		}
	}
}

func (w *Watcher) handleError(fsw *fsnotify.Watcher, err error, deb *debouncer) {
	if w.cfg.OnError != nil {
		w.cfg.OnError(err)
	}
	// Events may have been lost (overflow) or a watch may be gone: re-add the
	// watches and re-check the contents.
	if fsw != nil {
		for d := range w.dirs {
			_ = fsw.Remove(d)
			delete(w.dirs, d)
		}
		w.addDirs(fsw)
	}
	deb.event()
}

// flush re-hashes and calls OnChange if anything changed.
func (w *Watcher) flush() {
	now := w.hashAll()
	changed := len(now) != len(w.hashes)
	for f, h := range now {
		if old, ok := w.hashes[f]; !ok || old != h {
			changed = true
		}
	}
	w.hashes = now
	if changed {
		w.cfg.OnChange()
	}
	if w.flushed != nil {
		w.flushed(changed)
	}
}

// unsettled: a file that had content reads empty now (a truncate-then-write save
// caught in the middle).
func (w *Watcher) unsettled() bool {
	for _, f := range w.files {
		if fi, err := os.Stat(f); err == nil && fi.Size() == 0 {
			if old, ok := w.hashes[f]; ok && old != emptyHash {
				return true
			}
		}
	}
	return false
}

var emptyHash = sha256.Sum256([]byte("present:"))

func (w *Watcher) hashAll() map[string][32]byte {
	out := make(map[string][32]byte, len(w.files))
	for _, f := range w.files {
		b, err := os.ReadFile(f) // follows symlinks: a ..data swap changes the content
		if err != nil {
			out[f] = sha256.Sum256([]byte("missing"))
			continue
		}
		out[f] = sha256.Sum256(append([]byte("present:"), b...))
	}
	return out
}

// setFiles computes the directories and names of interest and (re)adds watches.
func (w *Watcher) setFiles(fsw *fsnotify.Watcher, files []string) {
	w.files = nil
	w.names = map[string]map[string]bool{}
	seen := map[string]bool{}
	add := func(p string) {
		dir, base := filepath.Split(p)
		dir = filepath.Clean(dir)
		if w.names[dir] == nil {
			w.names[dir] = map[string]bool{}
		}
		w.names[dir][base] = true
	}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil || seen[abs] {
			continue
		}
		seen[abs] = true
		w.files = append(w.files, abs)
		add(abs)
		// A symlink's target may live elsewhere: watch there too.
		// (Not into a Kubernetes "..<timestamp>" directory: it is replaced
		// on every update, and the "..data" events in the parent cover it.)
		if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs &&
			!strings.HasPrefix(filepath.Base(filepath.Dir(real)), "..") {
			add(real)
		}
	}
	sort.Strings(w.files)
	if fsw == nil {
		return
	}
	if w.dirs == nil {
		w.dirs = map[string]bool{}
	}
	for d := range w.dirs {
		if w.names[d] == nil {
			_ = fsw.Remove(d)
			delete(w.dirs, d)
		}
	}
	w.addDirs(fsw)
}

func (w *Watcher) addDirs(fsw *fsnotify.Watcher) {
	for d := range w.names {
		if w.dirs[d] {
			continue
		}
		if err := fsw.Add(d); err != nil {
			if w.cfg.OnError != nil {
				w.cfg.OnError(err)
			}
			continue // retried on the next error or SetFiles
		}
		w.dirs[d] = true
	}
}

// accept filters an event: a watched name in a watched directory, or a
// Kubernetes atomic-writer entry ("..data", "..2024_..."). Chmod alone is ignored.
func (w *Watcher) accept(ev fsnotify.Event) (string, bool) {
	if ev.Op == fsnotify.Chmod || ev.Op == 0 {
		return "", false
	}
	dir, base := filepath.Split(ev.Name)
	names := w.names[filepath.Clean(dir)]
	if names == nil || !(names[base] || strings.HasPrefix(base, "..")) {
		return "", false
	}
	switch {
	case ev.Has(fsnotify.Create):
		return "create", true
	case ev.Has(fsnotify.Write):
		return "write", true
	case ev.Has(fsnotify.Remove):
		return "remove", true
	case ev.Has(fsnotify.Rename):
		return "rename", true
	}
	return "", false
}
