package reconciler_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

var _ reconciler.Engine = (*emulator.Engine)(nil)

const stack = `name: itest
services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_PASSWORD: example
    volumes:
      - data:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 1s
      timeout: 1s
      retries: 5
  migrate:
    image: alpine:3.20
    command: ["sleep", "1"]
    depends_on:
      db:
        condition: service_healthy
  web:
    image: nginx:1.27-alpine
    ports:
      - "8080:80"
    environment:
      LOG_LEVEL: info
    depends_on:
      migrate:
        condition: service_completed_successfully
volumes:
  data:
`

type env struct {
	t    *testing.T
	fc   *clockwork.FakeClock
	eng  *emulator.Engine
	file string
}

func newEnv(t *testing.T, compose string) *env {
	t.Helper()
	fc := clockwork.NewFakeClock()
	eng, err := emulator.Open(":memory:", emulator.WithClock(fc))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	file := filepath.Join(t.TempDir(), "compose.yaml")
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, fc: fc, eng: eng, file: file}
}

func (e *env) load(ctx context.Context) (*spec.Desired, error) {
	return spec.Load(ctx, spec.Options{Files: []string{e.file}, Environ: []string{}})
}

// driveClock advances the fake clock whenever a wait action sleeps on it, so
// health checks and `sleep 1` play out without real time passing.
func (e *env) driveClock(ctx context.Context) {
	go func() {
		for ctx.Err() == nil {
			if e.fc.BlockUntilContext(ctx, 1) != nil {
				return
			}
			e.fc.Advance(250 * time.Millisecond)
		}
	}()
}

func (e *env) pass(ctx context.Context, opts planner.Options) (*planner.Plan, *reconciler.Result, error) {
	e.t.Helper()
	d, err := e.load(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	obs, err := reconciler.Observe(ctx, e.eng, d)
	if err != nil {
		e.t.Fatal(err)
	}
	plan, err := planner.Up(d, obs, opts)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := reconciler.Execute(ctx, e.eng, plan, reconciler.ExecOptions{Clock: e.fc, PollInterval: 500 * time.Millisecond})
	return plan, res, err
}

func acting(p *planner.Plan) []string {
	var out []string
	for _, a := range p.Actions {
		switch a.Type {
		case planner.WaitHealthy, planner.WaitCompleted, planner.WaitRunning:
		default:
			out = append(out, reconciler.ActionName(a.Type, a.Kind)+" "+a.Resource)
		}
	}
	return out
}

func TestUpOnEmulatorConvergesAndIsIdempotent(t *testing.T) {
	e := newEnv(t, stack)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	e.driveClock(ctx)

	plan, res, err := e.pass(ctx, planner.Options{})
	if err != nil {
		t.Fatalf("up: %v\n%s", err, plan)
	}
	if res.Summary.Added == 0 || res.Summary.Failed != 0 {
		t.Errorf("summary = %+v", res.Summary)
	}
	list, err := e.eng.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]string{}
	for _, c := range list.Items {
		states[strings.TrimPrefix(c.Names[0], "/")] = string(c.State)
	}
	want := map[string]string{"itest-db-1": "running", "itest-migrate-1": "exited", "itest-web-1": "running"}
	for n, s := range want {
		if states[n] != s {
			t.Errorf("%s: state %q, want %q (all: %v)", n, states[n], s, states)
		}
	}

	// A second pass only re-runs the exited one-shot, as docker compose does.
	plan2, _, err := e.pass(ctx, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := acting(plan2); len(a) != 1 || a[0] != "start_container itest-migrate-1" {
		t.Errorf("second up acts: %v", a)
	}
}

func TestUpOnEmulatorIdempotent(t *testing.T) {
	e := newEnv(t, `name: idem
services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_PASSWORD: example
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
      interval: 1s
  web:
    image: nginx:1.27-alpine
    deploy:
      replicas: 3
    depends_on:
      db:
        condition: service_healthy
`)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	e.driveClock(ctx)
	if _, res, err := e.pass(ctx, planner.Options{}); err != nil || res.Summary.Added != 7 {
		// 2 images, 1 network, 4 containers
		t.Fatalf("up: %v, summary %+v", err, res.Summary)
	}
	plan, res, err := e.pass(ctx, planner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := acting(plan); len(a) != 0 || res.Summary != (reconciler.Summary{}) {
		t.Errorf("second up acts: %v (%+v)", a, res.Summary)
	}
}

func TestUpOnEmulatorReportsFailedDependencyAndGoesOn(t *testing.T) {
	e := newEnv(t, strings.Replace(stack, `["sleep", "1"]`, `["sh", "-c", "exit 3"]`, 1))
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	e.driveClock(ctx)
	_, res, err := e.pass(ctx, planner.Options{})
	if err == nil {
		t.Fatal("want the migration's failure")
	}
	if !strings.Contains(err.Error(), `service "migrate" didn't complete successfully: exit 3`) {
		t.Errorf("err = %v", err)
	}
	var skipped, failed []string
	for _, r := range res.Actions {
		switch r.Status {
		case reconciler.StatusSkipped:
			skipped = append(skipped, r.Action.Resource)
		case reconciler.StatusFailed:
			failed = append(failed, r.Action.Resource)
		}
	}
	if len(failed) != 1 || len(skipped) == 0 {
		t.Errorf("failed %v skipped %v", failed, skipped)
	}
	for _, s := range skipped {
		if !strings.Contains(s, "web") {
			t.Errorf("skipped %q: only web depends on the failed wait", s)
		}
	}
}
