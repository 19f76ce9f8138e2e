package emulator

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

// TestIsBusy: the error SQLite gives a connection that cannot switch a file
// to WAL while another holds a lock on it (what openStore retries) is
// recognised by its code, and other errors are not.
func TestIsBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "busy.db")
	holder, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	hc, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hc.Close()
	for _, q := range []string{"CREATE TABLE t (x)", "BEGIN", "SELECT count(*) FROM t"} {
		if _, err := hc.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	other, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.ExecContext(ctx, "PRAGMA journal_mode=WAL")
	if !isBusy(err) {
		t.Fatalf("switching to WAL under another's lock: %v, want SQLITE_BUSY", err)
	}
	if isBusy(errors.New("database is locked")) || isBusy(nil) {
		t.Error("isBusy matched an error by its text or nil")
	}
}
