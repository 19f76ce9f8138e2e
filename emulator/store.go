package emulator

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"modernc.org/sqlite" // pure-Go SQLite driver, registered as "sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// schemaVersion is the store layout this binary writes. Open migrates older stores
// step by step (migrations[i] takes version i to i+1) and refuses newer ones.
const schemaVersion = 4

var migrations = []string{
	// 0 -> 1: the initial layout. Objects are rows keyed by id holding the JSON of the
	// engine's record, plus the columns lists and tools filter on. rev is the store
	// generation that last wrote the row: a process whose cache is at generation g
	// reloads rows with rev > g and drops the ids in tombstones with rev > g.
	`
CREATE TABLE meta (k TEXT PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE containers (
	id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, state TEXT NOT NULL,
	project TEXT NOT NULL DEFAULT '', rev INTEGER NOT NULL, doc BLOB NOT NULL) WITHOUT ROWID;
CREATE INDEX containers_rev ON containers(rev);
CREATE INDEX containers_state ON containers(state);
CREATE INDEX containers_project ON containers(project);
CREATE TABLE networks (id TEXT PRIMARY KEY, name TEXT NOT NULL, rev INTEGER NOT NULL, doc BLOB NOT NULL);
CREATE INDEX networks_name ON networks(name);
CREATE TABLE volumes (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, doc BLOB NOT NULL);
CREATE TABLE images (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, doc BLOB NOT NULL);
CREATE TABLE tombstones (rev INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX tombstones_rev ON tombstones(rev);
CREATE TABLE events (seq INTEGER PRIMARY KEY, time_nano INTEGER NOT NULL,
	type TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, doc BLOB NOT NULL);
INSERT INTO meta(k, v) VALUES ('gen', 0), ('tomb_floor', 0);
`,
	// 1 -> 2: fault rules (faults_store.go), built images' files and build cache (build_image.go).
	migrateFaultsAndBuilds,
	// 2 -> 3: the engine never looks containers up by state or project (its cache
	// does), and each index cost a page per container write: about a quarter of
	// the pages a commit wrote. The columns stay for people reading the store.
	`
DROP INDEX IF EXISTS containers_state;
DROP INDEX IF EXISTS containers_project;
`,
	// 3 -> 4: containers becomes a rowid table. Keyed by its random id, a
	// WITHOUT ROWID table put each 6 KB row at a random place in the b-tree
	// (page splits and overflow pages on every insert); rows now append in
	// creation order, the id and name keys are small unique indexes. Cold up of
	// 1000 services: 1.13-1.21 s -> 1.07-1.12 s, five alternating runs.
	`
CREATE TABLE containers_v4 (
	seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, name TEXT NOT NULL UNIQUE, state TEXT NOT NULL,
	project TEXT NOT NULL DEFAULT '', rev INTEGER NOT NULL, doc BLOB NOT NULL);
INSERT INTO containers_v4(id, name, state, project, rev, doc)
	SELECT id, name, state, project, rev, doc FROM containers ORDER BY rev;
DROP TABLE containers;
ALTER TABLE containers_v4 RENAME TO containers;
CREATE INDEX containers_rev ON containers(rev);
`,
}

// kind names an object table.
type kind string

const (
	kContainer kind = "containers"
	kNetwork   kind = "networks"
	kVolume    kind = "volumes"
	kImage     kind = "images"
)

var kinds = []kind{kContainer, kNetwork, kVolume, kImage}

// store is the SQLite side of the engine: one connection, used under Engine.mu.
type store struct {
	db   *sql.DB
	conn *sql.Conn
	mem  bool
	// prepared statements, by purpose
	stGen, stSetGen, stPutCtr, stDelTomb, stEvent *sql.Stmt
	stPut, stDel                                  map[kind]*sql.Stmt
}

// openBusyWait bounds how long Open retries a store that another process is
// creating or converting at that moment: SQLite answers SQLITE_BUSY at once,
// without its busy handler, to the connection that switches a new file to WAL
// or finds another doing so (seen when two CLI processes open a fresh state).
const openBusyWait = 10 * time.Second

// openStore opens the store at path, retrying while another process holds
// the lock the opening needs (see openBusyWait). The retry waits real time:
// the lock is another process's.
func openStore(ctx context.Context, path string) (*store, error) {
	deadline := time.Now().Add(openBusyWait)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		s, err := openStoreOnce(ctx, path)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return s, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(wait):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func openStoreOnce(ctx context.Context, path string) (*store, error) {
	mem := path == ":memory:"
	var dsn string
	if mem {
		dsn = "file::memory:?_pragma=foreign_keys(0)"
	} else {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		// A checkpoint copies the WAL's pages into the database and fsyncs both;
		// at 4000 pages a cold up of 1000 services ran five of them. 16000
		// pages (a WAL of up to 64 MB) leaves most of that work to the one at
		// close: apply 0.66-0.71 s -> 0.55-0.60 s, four alternating runs.
		q.Add("_pragma", "wal_autocheckpoint(16000)")
		q.Add("_pragma", "mmap_size(268435456)")
		dsn = "file:" + path + "?" + q.Encode()
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &store{db: db, conn: conn, mem: mem}
	if err := s.migrate(ctx); err != nil {
		s.close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.prepare(ctx); err != nil {
		s.close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

func (s *store) close() error {
	if s.conn != nil {
		s.conn.Close()
	}
	return s.db.Close()
}

// migrate brings the schema to schemaVersion inside one write transaction.
func (s *store) migrate(ctx context.Context) error {
	if _, err := s.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	err := func() error {
		var v int
		if err := s.conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		if v > schemaVersion {
			return fmt.Errorf("%w: version %d, supported %d", ErrSchemaTooNew, v, schemaVersion)
		}
		for ; v < schemaVersion; v++ {
			if _, err := s.conn.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrate schema %d->%d: %w", v, v+1, err)
			}
		}
		_, err := s.conn.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(schemaVersion))
		return err
	}()
	if err != nil {
		s.conn.ExecContext(ctx, "ROLLBACK") //nolint:errcheck // the original error wins
		return err
	}
	_, err = s.conn.ExecContext(ctx, "COMMIT")
	return err
}

func (s *store) prepare(ctx context.Context) error {
	var err error
	p := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = s.conn.PrepareContext(ctx, q)
		return st
	}
	s.stGen = p("SELECT v FROM meta WHERE k = 'gen'")
	s.stSetGen = p("UPDATE meta SET v = ? WHERE k = 'gen'")
	// An upsert updates the row in place: unlike INSERT OR REPLACE it leaves the
	// name index alone when the name did not change.
	s.stPutCtr = p("INSERT INTO containers(id, name, state, project, rev, doc) VALUES (?, ?, ?, ?, ?, ?) " +
		"ON CONFLICT(id) DO UPDATE SET name = excluded.name, state = excluded.state, " +
		"project = excluded.project, rev = excluded.rev, doc = excluded.doc")
	s.stDelTomb = p("INSERT INTO tombstones(rev, kind, id) VALUES (?, ?, ?)")
	s.stEvent = p("INSERT INTO events(time_nano, type, action, actor, doc) VALUES (?, ?, ?, ?, ?)")
	s.stPut = map[kind]*sql.Stmt{
		kNetwork: p("INSERT OR REPLACE INTO networks(id, name, rev, doc) VALUES (?, ?, ?, ?)"),
		kVolume:  p("INSERT OR REPLACE INTO volumes(id, rev, doc) VALUES (?, ?, ?)"),
		kImage:   p("INSERT OR REPLACE INTO images(id, rev, doc) VALUES (?, ?, ?)"),
	}
	s.stDel = map[kind]*sql.Stmt{}
	for _, k := range kinds {
		s.stDel[k] = p("DELETE FROM " + string(k) + " WHERE id = ?")
	}
	return err
}

func (s *store) exec(ctx context.Context, q string, args ...any) error {
	_, err := s.conn.ExecContext(ctx, q, args...)
	return err
}

// begin opens a transaction; write transactions take the write lock up front so two
// processes never deadlock upgrading a read lock.
func (s *store) begin(ctx context.Context, write bool) error {
	if write {
		return s.exec(ctx, "BEGIN IMMEDIATE")
	}
	return s.exec(ctx, "BEGIN")
}

func (s *store) commit(ctx context.Context) error { return s.exec(ctx, "COMMIT") }

func (s *store) rollback() {
	// Rollback must run even when ctx is cancelled.
	s.conn.ExecContext(context.Background(), "ROLLBACK") //nolint:errcheck // nothing to do on failure
}

func (s *store) gen(ctx context.Context) (int64, error) {
	var g int64
	err := s.stGen.QueryRowContext(ctx).Scan(&g)
	return g, err
}

func (s *store) metaInt(ctx context.Context, k string) (int64, error) {
	var v int64
	err := s.conn.QueryRowContext(ctx, "SELECT v FROM meta WHERE k = ?", k).Scan(&v)
	return v, err
}

func (s *store) setMeta(ctx context.Context, k string, v any) error {
	return s.exec(ctx, "UPDATE meta SET v = ? WHERE k = ?", v, k)
}

// rows calls fn for every row of kind k with rev > since.
func (s *store) rows(ctx context.Context, k kind, since int64, fn func(id string, doc []byte) error) error {
	rs, err := s.conn.QueryContext(ctx, "SELECT id, doc FROM "+string(k)+" WHERE rev > ?", since)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var id string
		var doc []byte
		if err := rs.Scan(&id, &doc); err != nil {
			return err
		}
		if err := fn(id, doc); err != nil {
			return err
		}
	}
	return rs.Err()
}

// tombstones calls fn for every deletion recorded after generation since.
func (s *store) tombstones(ctx context.Context, since int64, fn func(k kind, id string)) error {
	rs, err := s.conn.QueryContext(ctx, "SELECT kind, id FROM tombstones WHERE rev > ?", since)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var k, id string
		if err := rs.Scan(&k, &id); err != nil {
			return err
		}
		fn(kind(k), id)
	}
	return rs.Err()
}

// tombKeep is how many generations of deletions are kept for other processes' caches;
// a cache older than that reloads everything.
const tombKeep = 20000

func (s *store) pruneTombstones(ctx context.Context, gen int64) error {
	if gen%1000 != 0 || gen <= tombKeep {
		return nil
	}
	floor := gen - tombKeep
	if err := s.exec(ctx, "DELETE FROM tombstones WHERE rev <= ?", floor); err != nil {
		return err
	}
	return s.setMeta(ctx, "tomb_floor", floor)
}

// pruneEvents keeps the newest limit events.
func (s *store) pruneEvents(ctx context.Context, limit int) error {
	return s.exec(ctx, "DELETE FROM events WHERE seq <= (SELECT max(seq) FROM events) - ?", limit)
}

// eventRow is one stored event.
type eventRow struct {
	seq int64
	doc []byte
}

// eventsAfter returns the events with seq > after, oldest first.
func (s *store) eventsAfter(ctx context.Context, after int64) ([]eventRow, error) {
	rs, err := s.conn.QueryContext(ctx, "SELECT seq, doc FROM events WHERE seq > ? ORDER BY seq", after)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []eventRow
	for rs.Next() {
		var r eventRow
		if err := rs.Scan(&r.seq, &r.doc); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

func (s *store) lastEventSeq(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	err := s.conn.QueryRowContext(ctx, "SELECT max(seq) FROM events").Scan(&v)
	return v.Int64, err
}

// integrityCheck runs PRAGMA integrity_check and returns its verdict.
func (s *store) integrityCheck(ctx context.Context) error {
	var res string
	if err := s.conn.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return errors.New("integrity check: " + res)
	}
	return nil
}
