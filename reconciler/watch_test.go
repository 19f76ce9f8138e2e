package reconciler

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/jonboulle/clockwork"
)

// watchHarness runs a Watcher on real temp files with a fake debounce clock.
type watchHarness struct {
	t       *testing.T
	fc      *clockwork.FakeClock
	w       *Watcher
	changes chan struct{}
	flushes chan bool
	mu      sync.Mutex
	ops     []string
}

func startWatcher(t *testing.T, files []string, poll time.Duration) *watchHarness {
	t.Helper()
	h := &watchHarness{t: t, fc: clockwork.NewFakeClock(), changes: make(chan struct{}, 100), flushes: make(chan bool, 100)}
	w, err := NewWatcher(WatchConfig{Files: files, Clock: h.fc, Poll: poll,
		OnChange: func() { h.changes <- struct{}{} },
		OnEvent: func(op string) {
			h.mu.Lock()
			h.ops = append(h.ops, op)
			h.mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	w.flushed = func(changed bool) { h.flushes <- changed }
	h.w = w
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	select {
	case <-w.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("watcher not ready")
	}
	return h
}

// settle fires the debounce timer the save's events armed and returns whether
// the re-hash saw a change. The watcher may re-arm the timer while we advance
// (a late event of the same save), so it advances again until a flush comes.
func (h *watchHarness) settle() bool {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.t.Context(), 10*time.Second)
	defer cancel()
	for {
		if err := h.fc.BlockUntilContext(ctx, 1); err != nil {
			h.t.Fatal("no event armed the debounce")
		}
		h.fc.Advance(2 * time.Second) // the cap: fires whatever the burst
		select {
		case c := <-h.flushes:
			return c
		case <-time.After(100 * time.Millisecond): // re-armed meanwhile: advance again
		case <-ctx.Done():
			h.t.Fatal("no flush")
		}
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestWatcherEditorSaves(t *testing.T) {
	saves := map[string]func(t *testing.T, dir, file, content string){
		"in place": func(t *testing.T, _, file, content string) { write(t, file, content) },
		"write temp then rename": func(t *testing.T, dir, file, content string) {
			tmp := filepath.Join(dir, ".compose.yaml.tmp123")
			write(t, tmp, content)
			must(t, os.Rename(tmp, file))
		},
		"vim rename and rewrite": func(t *testing.T, _, file, content string) {
			must(t, os.Rename(file, file+"~"))
			write(t, file, content)
			must(t, os.Remove(file+"~"))
		},
		"jetbrains safe write": func(t *testing.T, _, file, content string) {
			write(t, file+"___jb_tmp___", content)
			must(t, os.Rename(file, file+"___jb_old___"))
			must(t, os.Rename(file+"___jb_tmp___", file))
			must(t, os.Remove(file+"___jb_old___"))
		},
	}
	for name, save := range saves {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "compose.yaml")
			write(t, file, "services: {a: {image: x}}\n")
			h := startWatcher(t, []string{file}, 0)
			for i, content := range []string{"services: {a: {image: y}}\n", "services: {a: {image: z}}\n"} {
				save(t, dir, file, content)
				if !h.settle() {
					t.Fatalf("save %d: no change seen", i+1)
				}
				<-h.changes
			}
			// A save with identical content triggers nothing.
			save(t, dir, file, "services: {a: {image: z}}\n")
			for h.settle() {
				t.Fatal("an unchanged save was reported as a change")
			}
			select {
			case <-h.changes:
				t.Fatal("OnChange for an unchanged save")
			default:
			}
		})
	}
}

func TestWatcherIgnoresOtherFiles(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	write(t, file, "a")
	h := startWatcher(t, []string{file}, 0)
	write(t, filepath.Join(dir, "notes.txt"), "x")
	write(t, filepath.Join(dir, ".compose.yaml.swp"), "x")
	write(t, file, "b") // only this one arms the debounce
	if !h.settle() {
		t.Fatal("no change")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, op := range h.ops {
		if op != "write" && op != "create" {
			t.Errorf("unexpected op %q", op)
		}
	}
}

func TestWatcherKubernetesSymlinkSwap(t *testing.T) {
	dir := t.TempDir()
	version := func(n, content string) {
		must(t, os.Mkdir(filepath.Join(dir, "..ts"+n), 0o755))
		write(t, filepath.Join(dir, "..ts"+n, "compose.yaml"), content)
	}
	version("1", "v1")
	must(t, os.Symlink("..ts1", filepath.Join(dir, "..data")))
	must(t, os.Symlink("..data/compose.yaml", filepath.Join(dir, "compose.yaml")))
	h := startWatcher(t, []string{filepath.Join(dir, "compose.yaml")}, 0)
	for i, n := range []string{"2", "3"} {
		// atomic_writer.go: new dir, ..data_tmp -> it, rename over ..data, drop the old dir.
		version(n, "v"+n)
		must(t, os.Symlink("..ts"+n, filepath.Join(dir, "..data_tmp")))
		must(t, os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")))
		prev := map[string]string{"2": "1", "3": "2"}[n]
		must(t, os.RemoveAll(filepath.Join(dir, "..ts"+prev)))
		if !h.settle() {
			t.Fatalf("swap %d: no change seen", i+1)
		}
	}
}

func TestWatcherOverflowRewatchesAndRechecks(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	write(t, file, "a")
	h := startWatcher(t, []string{file}, 0)
	h.w.errCh <- fsnotify.ErrEventOverflow
	if h.settle() {
		t.Fatal("overflow without a change reported a change")
	}
	// Still watching after the re-add.
	write(t, file, "b")
	if !h.settle() {
		t.Fatal("no change after overflow")
	}
}

func TestWatcherPolling(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "compose.yaml")
	write(t, file, "a")
	h := startWatcher(t, []string{file}, 5*time.Second)
	tick := func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		must(t, h.fc.BlockUntilContext(ctx, 1))
		h.fc.Advance(5 * time.Second)
		select {
		case c := <-h.flushes:
			return c
		case <-ctx.Done():
			t.Fatal("no poll")
		}
		return false
	}
	if tick() {
		t.Fatal("poll without change")
	}
	write(t, file, "b")
	if !tick() {
		t.Fatal("poll missed a change")
	}
}

func TestWatcherSetFiles(t *testing.T) {
	dir1, dir2 := t.TempDir(), t.TempDir()
	f1, f2 := filepath.Join(dir1, "compose.yaml"), filepath.Join(dir2, "app.env")
	write(t, f1, "a")
	write(t, f2, "X=1")
	applied := make(chan struct{}, 1)
	h := startWatcher(t, []string{f1}, 0)
	h.w.applied = func() { applied <- struct{}{} } // ordered before Run reads it by the SetFiles send
	h.w.SetFiles([]string{f1, f2})
	<-applied
	write(t, f1, "b")
	if !h.settle() {
		t.Fatal("no change on f1")
	}
	write(t, f2, "X=2")
	if !h.settle() {
		t.Fatal("the added file is not watched")
	}
}

func TestDebouncer(t *testing.T) {
	fc := clockwork.NewFakeClock()
	d := &debouncer{clock: fc, quiet: 200 * time.Millisecond, max: time.Second}
	fired := func() bool {
		select {
		case <-d.C():
			d.fired()
			return true
		default:
			return false
		}
	}
	// Trailing: each event pushes the deadline.
	d.event()
	fc.Advance(150 * time.Millisecond)
	d.event()
	fc.Advance(150 * time.Millisecond)
	if fired() {
		t.Fatal("fired 150ms after the last event")
	}
	fc.Advance(50 * time.Millisecond)
	if !fired() {
		t.Fatal("did not fire 200ms after the last event")
	}
	// Capped: a steady stream every 100ms fires at 1s from the first event.
	start := fc.Now()
	for fc.Since(start) < 2*time.Second {
		d.event()
		fc.Advance(100 * time.Millisecond)
		if fired() {
			break
		}
	}
	if got := fc.Since(start); got != time.Second {
		t.Fatalf("capped fire after %v, want 1s", got)
	}
	if d.C() != nil {
		t.Error("idle debouncer has a channel")
	}
}
