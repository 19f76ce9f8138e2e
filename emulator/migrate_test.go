package emulator_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// TestMigrateFromVersion2: a version-2 store (containers WITHOUT ROWID, with
// the state and project indexes) opens as version 4 (a rowid table, without
// those indexes), its containers intact, and
// containers written afterwards (upserts) keep their name index consistent.
func TestMigrateFromVersion2(t *testing.T) {
	path := filepath.Join(t.TempDir(), "engine.db")
	e, err := emulator.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pull(t, e, "busybox:1.36")
	created := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: "old", Config: &container.Config{Image: "busybox:1.36", Cmd: []string{"sleep", "60"}},
	}))
	e.Close()

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// Put the store back in the version-2 layout: containers keyed WITHOUT ROWID
	// by id, with the state and project indexes.
	for _, q := range []string{
		`CREATE TABLE containers_v2 (
			id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, state TEXT NOT NULL,
			project TEXT NOT NULL DEFAULT '', rev INTEGER NOT NULL, doc BLOB NOT NULL) WITHOUT ROWID`,
		"INSERT INTO containers_v2 SELECT id, name, state, project, rev, doc FROM containers",
		"DROP TABLE containers",
		"ALTER TABLE containers_v2 RENAME TO containers",
		"CREATE INDEX containers_rev ON containers(rev)",
		"CREATE INDEX containers_state ON containers(state)",
		"CREATE INDEX containers_project ON containers(project)",
		"PRAGMA user_version = 2",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	e, err = emulator.Open(path)
	if err != nil {
		t.Fatalf("open a version-2 store: %v", err)
	}
	if _, err := e.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ContainerRename(ctx, created.ID, client.ContainerRenameOptions{NewName: "renamed"}); err != nil {
		t.Fatal(err)
	}
	// the old name is free again: the upsert moved the row's name index entry
	if _, err := e.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: "old", Config: &container.Config{Image: "busybox:1.36"},
	}); err != nil {
		t.Fatalf("create with the old name after the rename: %v", err)
	}
	if err := e.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	e.Close()

	db, err = sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version, indexes int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('containers_state', 'containers_project')").Scan(&indexes); err != nil {
		t.Fatal(err)
	}
	if version != 4 || indexes != 0 {
		t.Errorf("after migration: user_version %d, %d of the dropped indexes left; want 4 and 0", version, indexes)
	}
	var rowid int
	if err := db.QueryRow("SELECT count(*) FROM pragma_table_info('containers') WHERE name = 'seq' AND pk = 1").Scan(&rowid); err != nil {
		t.Fatal(err)
	}
	if rowid != 1 {
		t.Error("after migration containers is not keyed by its rowid (seq)")
	}
	var state string
	if err := db.QueryRow("SELECT state FROM containers WHERE name = 'renamed'").Scan(&state); err != nil {
		t.Fatal(err)
	}
	if state != "running" {
		t.Errorf("state column of the renamed container = %q, want running", state)
	}
}
