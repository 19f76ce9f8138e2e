package emulator

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/api/types/events"
)

// Engine is an emulated Docker engine whose state lives in a SQLite store. Its
// methods have the signatures of github.com/moby/moby/client.APIClient, so it can
// stand in for a moby client. Every call's changes commit atomically to the store
// before it returns (concurrent calls may share a transaction: see update), so
// separate processes opening the same path see one engine. An Engine is safe for
// concurrent use; calls within one process are serialised.
type Engine struct {
	mu     sync.Mutex
	st     *store
	path   string
	clock  clockwork.Clock
	closed bool

	cache *state
	gen   int64 // store generation the cache reflects; -1 = must reload all

	qmu   sync.Mutex
	queue []*call // write calls waiting for e.mu; the holder runs them as one batch (commit.go)

	eventLimit int
	pollEvery  time.Duration
	images     ImageSource
	faultStmt  *sql.Stmt // prepared read of the fault rules (faults_store.go)
	faults     []Fault   // the fault rules as of store generation faultsAt (-1: unknown), under mu
	faultsAt   int64
	lowerCache map[string]fileTree // image files by image id, under mu (files_overlay.go)

	notifyMu sync.Mutex
	notify   chan struct{} // closed and replaced after every local commit

	wakerOnce sync.Once
	waker     *storeWaker   // other processes' writes, for streams (storewatch.go)
	done      chan struct{} // closed by Close: stops streams
	streams   sync.WaitGroup
}

// Option configures Open.
type Option func(*Engine)

// WithClock sets the engine clock (default: the real clock). Every timestamp the
// engine records (Created, StartedAt, event times, ...) is read from it.
func WithClock(c clockwork.Clock) Option { return func(e *Engine) { e.clock = c } }

// WithEventHistory bounds how many past events the store keeps (default 1024).
func WithEventHistory(n int) Option {
	return func(e *Engine) {
		if n > 0 {
			e.eventLimit = n
		}
	}
}

// WithPollInterval sets how often event streams and waits look for changes made by
// other processes (default 100ms, real time). Changes made through this Engine wake
// them at once.
func WithPollInterval(d time.Duration) Option {
	return func(e *Engine) {
		if d > 0 {
			e.pollEvery = d
		}
	}
}

// WithImageSource sets where ImagePull resolves references (default: the built-in
// deterministic source).
func WithImageSource(src ImageSource) Option { return func(e *Engine) { e.images = src } }

// Open opens (creating if needed) the engine stored at path, a SQLite file shared
// with any other process that opens it. The path ":memory:" gives a private
// in-memory engine. A new store starts with dockerd's predefined networks bridge,
// host and none.
func Open(path string, opts ...Option) (*Engine, error) {
	e := &Engine{
		path:       path,
		clock:      clockwork.NewRealClock(),
		gen:        -1,
		faultsAt:   -1,
		eventLimit: 1024,
		pollEvery:  100 * time.Millisecond,
		notify:     make(chan struct{}),
		done:       make(chan struct{}),
	}
	for _, o := range opts {
		o(e)
	}
	if e.images == nil {
		e.images = defaultImageSource()
	}
	ctx := context.Background()
	st, err := openStore(ctx, path)
	if err != nil {
		return nil, err
	}
	e.st = st
	if err := e.ensureDefaults(ctx); err != nil {
		st.close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return e, nil
}

// Close stops the engine's streams and closes the store. Other processes' engines on
// the same path are unaffected.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	close(e.done)
	e.mu.Unlock()
	e.streams.Wait()
	e.closeWaker()
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.close()
}

// IntegrityCheck runs SQLite's integrity check on the store.
func (e *Engine) IntegrityCheck(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	return e.st.integrityCheck(ctx)
}

func (e *Engine) now() time.Time { return e.clock.Now().UTC() }

// txn is one engine call's write transaction. Mutations go to the cache at once and
// are recorded in ops; commit writes them to the store. On failure the cache is
// reloaded, so a failed call changes nothing.
type txn struct {
	e      *Engine
	s      *state
	now    time.Time
	ops    map[opKey]bool // true = put, false = delete
	order  []opKey
	events []events.Message
}

type opKey struct {
	k  kind
	id string
}

func (t *txn) mark(k kind, id string, put bool) {
	key := opKey{k, id}
	if _, ok := t.ops[key]; !ok {
		t.order = append(t.order, key)
	}
	t.ops[key] = put
}

func (t *txn) mutated() bool { return len(t.ops) > 0 || len(t.events) > 0 }

func (t *txn) putContainer(c *ctrRec) {
	c.Due = c.nextTransition()
	t.s.setContainer(c)
	t.mark(kContainer, c.ID, true)
}
func (t *txn) delContainer(id string) { t.s.dropContainer(id); t.mark(kContainer, id, false) }
func (t *txn) putNetwork(n *netRec)   { t.s.networks[n.ID] = n; t.mark(kNetwork, n.ID, true) }
func (t *txn) delNetwork(id string)   { delete(t.s.networks, id); t.mark(kNetwork, id, false) }
func (t *txn) putVolume(v *volRec)    { t.s.volumes[v.Name] = v; t.mark(kVolume, v.Name, true) }
func (t *txn) delVolume(name string)  { delete(t.s.volumes, name); t.mark(kVolume, name, false) }
func (t *txn) putImage(im *imgRec)    { t.s.setImage(im); t.mark(kImage, im.ID, true) }
func (t *txn) delImage(id string)     { t.s.dropImage(id); t.mark(kImage, id, false) }

func (t *txn) nextSeq() int64 { return t.s.maxSeq + 1 }

// keep wraps an error that must not undo the call's changes: dockerd records some
// failures in the object (a start that fails on a port conflict leaves ExitCode 128
// and State.Error) and still answers with an error.
type keep struct{ err error }

func (k keep) Error() string { return k.err.Error() }
func (k keep) Unwrap() error { return k.err }

// view runs fn on the cache brought up to date with the store.
func (e *Engine) view(ctx context.Context, fn func(s *state) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if !e.st.mem || e.gen < 0 {
		g, err := e.st.gen(ctx)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if g != e.gen {
			if err := e.st.begin(ctx, false); err != nil {
				return fmt.Errorf("store: %w", err)
			}
			err := e.refreshLocked(ctx)
			e.st.rollback()
			if err != nil {
				e.gen = -1
				return fmt.Errorf("store: %w", err)
			}
		}
	}
	if due := e.cache.nextDue(); !due.IsZero() && !due.After(e.now()) {
		if err := e.updateLocked(ctx, func(*txn) error { return nil }); err != nil {
			return err
		}
	}
	return fn(e.cache)
}

// refreshLocked brings the cache to the store's generation, inside a transaction.
func (e *Engine) refreshLocked(ctx context.Context) error {
	g, err := e.st.gen(ctx)
	if err != nil {
		return err
	}
	if g == e.gen && e.cache != nil {
		return nil
	}
	floor, err := e.st.metaInt(ctx, "tomb_floor")
	if err != nil {
		return err
	}
	since := e.gen
	if e.cache == nil || e.gen < 0 || e.gen < floor {
		e.cache = newState()
		since = -1
	} else {
		s := e.cache
		err := e.st.tombstones(ctx, since, func(k kind, id string) {
			switch k {
			case kContainer:
				s.dropContainer(id)
			case kNetwork:
				delete(s.networks, id)
			case kVolume:
				delete(s.volumes, id)
			case kImage:
				s.dropImage(id)
			}
		})
		if err != nil {
			return err
		}
	}
	s := e.cache
	for _, k := range kinds {
		err := e.st.rows(ctx, k, since, func(id string, doc []byte) error {
			switch k {
			case kContainer:
				c := &ctrRec{}
				if err := json.Unmarshal(doc, c); err != nil {
					return fmt.Errorf("decode container %s: %w", id, err)
				}
				s.setContainer(c)
			case kNetwork:
				n := &netRec{}
				if err := json.Unmarshal(doc, n); err != nil {
					return fmt.Errorf("decode network %s: %w", id, err)
				}
				s.networks[id] = n
			case kVolume:
				v := &volRec{}
				if err := json.Unmarshal(doc, v); err != nil {
					return fmt.Errorf("decode volume %s: %w", id, err)
				}
				s.volumes[id] = v
			case kImage:
				im := &imgRec{}
				if err := json.Unmarshal(doc, im); err != nil {
					return fmt.Errorf("decode image %s: %w", id, err)
				}
				s.setImage(im)
			}
			return nil
		})
		if err != nil {
			e.cache, e.gen = nil, -1
			return err
		}
	}
	e.gen = g
	return nil
}

// wake tells this process's streams that something changed.
func (e *Engine) wake() {
	e.notifyMu.Lock()
	close(e.notify)
	e.notify = make(chan struct{})
	e.notifyMu.Unlock()
}

// changed returns a channel closed at the next local commit.
func (e *Engine) changed() <-chan struct{} {
	e.notifyMu.Lock()
	defer e.notifyMu.Unlock()
	return e.notify
}
