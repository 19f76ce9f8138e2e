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

// TestMigrateDropsContainerIndexes: a version-2 store (with the state and
// project indexes) opens as version 3 without them, its containers intact, and
// containers written afterwards (upserts) keep their name index consistent.
func TestMigrateDropsContainerIndexes(t *testing.T) {
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
	for _, q := range []string{
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
	if version != 3 || indexes != 0 {
		t.Errorf("after migration: user_version %d, %d of the dropped indexes left; want 3 and 0", version, indexes)
	}
	var state string
	if err := db.QueryRow("SELECT state FROM containers WHERE name = 'renamed'").Scan(&state); err != nil {
		t.Fatal(err)
	}
	if state != "running" {
		t.Errorf("state column of the renamed container = %q, want running", state)
	}
}
