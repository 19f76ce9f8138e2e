package emulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// The end-to-end scenario of issue 3: postgres with a health check and an app
// waiting for it on a shared network; the app resolves `db` and reaches 5432,
// a container on another network cannot; a row written by exec into the db
// volume survives removing and re-creating the db container.
func TestEndToEndPostgresApp(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	for _, img := range []string{"postgres:16-alpine", "busybox"} {
		pull(t, e, img)
	}
	for _, n := range []string{"shop_default", "elsewhere"} {
		must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, n, client.NetworkCreateOptions{}))
	}
	createDB := func() string {
		return run(t, e, client.ContainerCreateOptions{Name: "shop-db-1", Image: "postgres:16-alpine",
			Config: &container.Config{Env: []string{"POSTGRES_PASSWORD=secret"},
				Healthcheck: &container.HealthConfig{Test: []string{"CMD-SHELL", "pg_isready -U postgres"}, Interval: time.Second, Retries: 5}},
			HostConfig: &container.HostConfig{NetworkMode: "shop_default", Binds: []string{"shop_dbdata:/var/lib/postgresql/data"}},
			NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
				"shop_default": {Aliases: []string{"db"}}}}})
	}
	db := createDB()
	if h := inspect(t, e, db).State.Health.Status; h != container.Starting {
		t.Fatalf("db health at start %s, want starting", h)
	}
	// The app waits (as depends_on: service_healthy would) until db is healthy.
	waitHealthy(t, e, clk, db)

	app := run(t, e, client.ContainerCreateOptions{Name: "shop-app-1", Image: "busybox",
		Config:     &container.Config{Cmd: []string{"sh", "-c", "nc -z db 5432 && echo db reachable; sleep infinity"}},
		HostConfig: &container.HostConfig{NetworkMode: "shop_default"}})
	out, _ := readLogs(t, e, app, client.ContainerLogsOptions{ShowStdout: true})
	if out != "db reachable\n" {
		t.Errorf("app log %q, want db reachable", out)
	}
	outsider := run(t, e, client.ContainerCreateOptions{Name: "outsider", Image: "busybox", Config: idle(container.Config{}),
		HostConfig: &container.HostConfig{NetworkMode: "elsewhere"}})
	dbIP := inspect(t, e, db).NetworkSettings.Networks["shop_default"].IPAddress.String()
	probes := []struct {
		from, script string
		want         int
	}{
		{app, "getent hosts db", 0},
		{app, "nc -z db 5432", 0},
		{app, "nc -z shop-db-1 5432", 0},
		{app, "nc -z " + dbIP + " 5432", 0},
		{app, "nc -z db 5433", 1},
		{outsider, "getent hosts db", 2},
		{outsider, "nc -z db 5432", 1},
		{outsider, "nc -z " + dbIP + " 5432", 1},
	}
	for _, p := range probes {
		code, _, _ := execRun(t, e, p.from, client.ExecCreateOptions{Cmd: []string{"sh", "-c", p.script}})
		if (code == 0) != (p.want == 0) {
			t.Errorf("%s from %s: exit %d, want %d", p.script, inspect(t, e, p.from).Name, code, p.want)
		}
	}

	// A row written by exec into the db volume survives remove + re-create.
	if code, _, errOut := execRun(t, e, db, client.ExecCreateOptions{Cmd: []string{"sh", "-c",
		"echo 'INSERT 1 order-42' >> /var/lib/postgresql/data/rows"}}); code != 0 {
		t.Fatalf("write row: exit %d %s", code, errOut)
	}
	must[client.ContainerRemoveResult](t)(e.ContainerRemove(ctx, db, client.ContainerRemoveOptions{Force: true}))
	db = createDB()
	waitHealthy(t, e, clk, db)
	if code, out, _ := execRun(t, e, db, client.ExecCreateOptions{Cmd: []string{"cat", "/var/lib/postgresql/data/rows"}}); code != 0 || out != "INSERT 1 order-42\n" {
		t.Errorf("row after re-create: exit %d %q", code, out)
	}
	logs, errLogs := readLogs(t, e, db, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if !strings.Contains(logs+errLogs, "Skipping initialization") {
		t.Errorf("re-created postgres did not find its data directory:\n%s%s", logs, errLogs)
	}
}

// waitHealthy advances the clock a second at a time until id is healthy.
func waitHealthy(t *testing.T, e *emulator.Engine, clk interface{ Advance(time.Duration) }, id string) {
	t.Helper()
	for i := 0; i < 120; i++ {
		if h := inspect(t, e, id).State.Health; h != nil && h.Status == container.Healthy {
			return
		}
		clk.Advance(time.Second)
	}
	t.Fatalf("%s not healthy after 2 minutes: %+v", id, inspect(t, e, id).State.Health)
}
