package emulator

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// migrateFaultsAndBuilds is schema step 1 -> 2 (see store.go). It only adds tables,
// so a version-1 store opens and migrates in place with its objects untouched.
//
//   - faults: fault-injection rules (faults.go), one JSON document per rule,
//     ordered by seq (the rule id is derived from it);
//   - image_files: the files of images built by ImageBuild, by image id;
//   - build_cache: ids of the intermediate images a build committed (dockerd keeps
//     them), so a later build reports " ---> Using cache".
const migrateFaultsAndBuilds = `
CREATE TABLE faults (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc BLOB NOT NULL);
CREATE TABLE image_files (id TEXT PRIMARY KEY, doc BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE build_cache (id TEXT PRIMARY KEY) WITHOUT ROWID;
`

// rawTx runs fn inside one store transaction that does not touch the object cache
// (fault rules, image files, build cache live outside it). A write transaction
// takes the write lock up front and changes the fault rules: it also bumps the
// store generation, so that every process's fault gate (faultsMayApply) reads
// the rules again. fn's error rolls everything back.
func (e *Engine) rawTx(ctx context.Context, write bool, fn func(c *sql.Conn) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if err := e.st.begin(ctx, write); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := fn(e.st.conn); err != nil {
		e.st.rollback()
		return err
	}
	if write {
		e.faultsAt = -1
		if err := e.st.exec(ctx, "UPDATE meta SET v = v + 1 WHERE k = 'gen'"); err != nil {
			e.st.rollback()
			return fmt.Errorf("store: %w", err)
		}
	}
	if err := e.st.commit(ctx); err != nil {
		e.st.rollback()
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// faultsMayApply reports whether a fault rule may affect a call of op: a rule
// for op (or any op) or a crash or unhealthy rule exists. It is the gate the
// hot calls pass inside their own transaction or view (updateOp, viewOp),
// with e.mu held and the cache at the store's generation: the rules are read
// again only when that generation is not the one they were read at (another
// process wrote; this process's own commits carry them forward, finishTxn).
func (e *Engine) faultsMayApply(ctx context.Context, op string) (bool, error) {
	if e.faultsAt < 0 || e.faultsAt != e.gen {
		rules, err := e.readFaultsLocked(ctx)
		if err != nil {
			return false, err
		}
		e.faults, e.faultsAt = rules, e.gen
	}
	for _, f := range e.faults {
		if f.Kind == FaultCrash || f.Kind == FaultUnhealthy || f.opMatches(op) {
			return true, nil
		}
	}
	return false, nil
}

// rawRead runs fn on the store connection under the engine lock, outside any
// transaction: for a single SELECT (atomic on its own), cheaper than BEGIN/COMMIT.
func (e *Engine) rawRead(fn func(c *sql.Conn) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	return fn(e.st.conn)
}

const selectFaults = "SELECT doc FROM faults ORDER BY seq"

// readFaultsLocked reads every rule with a statement prepared once per Engine:
// every hooked call runs it, and preparing costs more than the query. e.mu is held.
func (e *Engine) readFaultsLocked(ctx context.Context) ([]Fault, error) {
	if e.faultStmt == nil {
		st, err := e.st.conn.PrepareContext(ctx, selectFaults)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		e.faultStmt = st
	}
	rs, err := e.faultStmt.QueryContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return scanFaults(rs)
}

// loadFaults reads every rule, oldest first.
func loadFaults(ctx context.Context, c *sql.Conn) ([]Fault, error) {
	rs, err := c.QueryContext(ctx, selectFaults)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return scanFaults(rs)
}

func scanFaults(rs *sql.Rows) ([]Fault, error) {
	defer rs.Close()
	var out []Fault
	for rs.Next() {
		var doc []byte
		if err := rs.Scan(&doc); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		var f Fault
		if err := json.Unmarshal(doc, &f); err != nil {
			return nil, fmt.Errorf("store: decode fault: %w", err)
		}
		out = append(out, f)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return out, nil
}

// insertFault stores f under the next sequence number and returns it with its id.
func insertFault(ctx context.Context, c *sql.Conn, f Fault) (Fault, error) {
	var seq int64
	if err := c.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM faults").Scan(&seq); err != nil {
		return f, fmt.Errorf("store: %w", err)
	}
	f.ID = fmt.Sprintf("f%d", seq)
	doc, err := json.Marshal(f)
	if err != nil {
		return f, err
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO faults(seq, id, doc) VALUES (?, ?, ?)", seq, f.ID, doc); err != nil {
		return f, fmt.Errorf("store: %w", err)
	}
	return f, nil
}

// saveFault rewrites a rule (its remaining Times).
func saveFault(ctx context.Context, c *sql.Conn, f Fault) error {
	doc, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, "UPDATE faults SET doc = ? WHERE id = ?", doc, f.ID); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}

// deleteFault removes a rule; it reports whether the rule existed.
func deleteFault(ctx context.Context, c *sql.Conn, id string) (bool, error) {
	r, err := c.ExecContext(ctx, "DELETE FROM faults WHERE id = ?", id)
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	n, err := r.RowsAffected()
	return n > 0, err
}
