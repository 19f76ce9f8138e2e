package planner

import (
	"strings"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

// base is a two-service stack used by most table cases: db (volume, health
// check, a secret) and web (2 replicas, depends on db healthy with restart).
func base(mods ...func(*stack)) *spec.Desired {
	st := newStack("demo").vol("data")
	dbMods := []svcMod{vols("data"), healthcheck(), secretEnv("DB_PASSWORD", "s3cret"), env("PGDATA", "/data")}
	webMods := []svcMod{replicas(2), env("LOG_LEVEL", "info"), dependsOn("db", "service_healthy", true, true)}
	st.svc("db", dbMods...).svc("web", webMods...)
	for _, m := range mods {
		m(st)
	}
	return st.desired()
}

func trim(s string) string { return strings.TrimLeft(s, "\n") }

func TestUpText(t *testing.T) {
	d := base()
	live := deployed(t, d)
	tests := []struct {
		name     string
		desired  *spec.Desired
		observed Observed
		opts     Options
		want     string
	}{
		{
			name:     "empty engine creates everything",
			desired:  d,
			observed: Observed{Project: "demo"},
			want: trim(`
  + image db:1 will be pulled (not found locally)
  + image web:1 will be pulled (not found locally)
  + network demo_default will be created (not found)
  + volume demo_data will be created (not found)
  + container demo-db-1 will be created (not found)
  + container demo-web-1 will be created (not found)
  + container demo-web-2 will be created (not found)

Plan: 7 to add, 0 to change, 0 to destroy.
`),
		},
		{
			name:     "converged project has no changes",
			desired:  d,
			observed: live,
			want:     "No changes. Project \"demo\" matches the configuration.\n",
		},
		{
			name: "changed env var is named with old and new value",
			desired: newStack("demo").vol("data").
				svc("db", vols("data"), healthcheck(), secretEnv("DB_PASSWORD", "s3cret"), env("PGDATA", "/data")).
				svc("web", replicas(2), env("LOG_LEVEL", "debug"), env("NEW", "1"), dependsOn("db", "service_healthy", true, true)).desired(),
			observed: live,
			want: trim(`
-/+ container demo-web-1 must be replaced (config changed)
      ~ environment.LOG_LEVEL: "info" -> "debug"
      + environment.NEW: "1"
-/+ container demo-web-2 must be replaced (config changed)
      ~ environment.LOG_LEVEL: "info" -> "debug"
      + environment.NEW: "1"

Plan: 2 to add, 0 to change, 2 to destroy.
`),
		},
		{
			name: "secret values are masked and restart dependents are restarted",
			desired: newStack("demo").vol("data").
				svc("db", vols("data"), healthcheck(), secretEnv("DB_PASSWORD", "other"), env("API_TOKEN", "t")).
				svc("web", replicas(2), env("LOG_LEVEL", "info"), dependsOn("db", "service_healthy", true, true)).desired(),
			observed: live,
			want: trim(`
-/+ container demo-db-1 must be replaced (config changed)
      + environment.API_TOKEN: (sensitive value)
      ~ environment.DB_PASSWORD: (sensitive value) -> (sensitive value)
      - environment.PGDATA: "/data"
  ~ container demo-web-1 will be updated in-place (dependency db is replaced (restart: true))
  ~ container demo-web-2 will be updated in-place (dependency db is replaced (restart: true))

Plan: 1 to add, 2 to change, 1 to destroy.
`),
		},
		{
			name:     "container made by docker compose is explained by its hash",
			desired:  base(func(st *stack) { st.svcs[1].s.Fields["environment.LOG_LEVEL"] = "warn" }),
			observed: mutate(t, live, "demo-web-1", func(c *Container) { delete(c.Labels, spec.LabelServiceConfig) }),
			want: trim(`
-/+ container demo-web-1 must be replaced (config hash differs)
-/+ container demo-web-2 must be replaced (config changed)
      ~ environment.LOG_LEVEL: "info" -> "warn"

Plan: 2 to add, 0 to change, 2 to destroy.
`),
		},
		{
			name:    "image id change recreates",
			desired: d,
			observed: func() Observed {
				o := live
				o.Images = []Image{{Ref: "db:1", ID: live.Images[0].ID}, {Ref: "web:1", ID: "sha256:feedfacefeedface00"}}
				return o
			}(),
			want: trim(`
-/+ container demo-web-1 must be replaced (image changed)
      ~ (image id): "0000web:1" -> "feedfacefeed"
-/+ container demo-web-2 must be replaced (image changed)
      ~ (image id): "0000web:1" -> "feedfacefeed"

Plan: 2 to add, 0 to change, 2 to destroy.
`),
		},
		{
			name:     "stopped container is started",
			desired:  d,
			observed: mutate(t, live, "demo-web-2", func(c *Container) { c.State = "exited"; c.ExitCode = 137 }),
			want: trim(`
  ~ container demo-web-2 will be started (container is exited)

Plan: 0 to add, 1 to change, 0 to destroy.
`),
		},
		{
			name:     "keep completed leaves a one-shot container that exited 0 alone",
			desired:  d,
			observed: mutate(t, live, "demo-web-2", func(c *Container) { c.State = "exited" }),
			opts:     Options{KeepCompleted: true},
			want:     "No changes. Project \"demo\" matches the configuration.\n",
		},
		{
			name:     "keep completed still starts a container that failed",
			desired:  d,
			observed: mutate(t, live, "demo-web-2", func(c *Container) { c.State = "exited"; c.ExitCode = 2 }),
			opts:     Options{KeepCompleted: true},
			want: trim(`
  ~ container demo-web-2 will be started (container is exited)

Plan: 0 to add, 1 to change, 0 to destroy.
`),
		},
		{
			name:     "a paused container is left alone with a warning",
			desired:  d,
			observed: mutate(t, live, "demo-db-1", func(c *Container) { c.State = "paused" }),
			want: trim(`
No changes. Project "demo" matches the configuration.

Warning: container demo-db-1 is paused; it is left as is (unpause it to resume)
`),
		},
		{
			name:     "a dead container is replaced",
			desired:  d,
			observed: mutate(t, live, "demo-web-1", func(c *Container) { c.State = "dead" }),
			want: trim(`
-/+ container demo-web-1 must be replaced (container is dead)

Plan: 1 to add, 0 to change, 1 to destroy.
`),
		},
		{
			name:     "no start leaves a stopped container alone",
			desired:  d,
			observed: mutate(t, live, "demo-web-2", func(c *Container) { c.State = "exited" }),
			opts:     Options{NoStart: true},
			want:     "No changes. Project \"demo\" matches the configuration.\n",
		},
		{
			name:     "scale up numbers from max+1",
			desired:  base(func(st *stack) { st.svcs[1].s.Replicas = 4 }),
			observed: live,
			want: trim(`
  + container demo-web-3 will be created (scale up)
  + container demo-web-4 will be created (scale up)

Plan: 2 to add, 0 to change, 0 to destroy.
`),
		},
		{
			name:     "scale down removes the highest numbers",
			desired:  base(func(st *stack) { st.svcs[1].s.Replicas = 1 }),
			observed: live,
			want: trim(`
  - container demo-web-2 will be destroyed (scale down)

Plan: 0 to add, 0 to change, 1 to destroy.
`),
		},
		{
			name:     "scale down removes obsolete containers first",
			desired:  base(func(st *stack) { st.svcs[1].s.Replicas = 1 }),
			observed: mutate(t, live, "demo-web-1", func(c *Container) { c.Labels[spec.LabelConfigHash] = "old" }),
			want: trim(`
  - container demo-web-1 will be destroyed (scale down)

Plan: 0 to add, 0 to change, 1 to destroy.
`),
		},
		{
			name:     "force recreates up-to-date containers",
			desired:  d,
			observed: live,
			opts:     Options{Recreate: RecreateForce, Services: []string{"web"}},
			want: trim(`
-/+ container demo-web-1 must be replaced (forced)
-/+ container demo-web-2 must be replaced (forced)

Plan: 2 to add, 0 to change, 2 to destroy.
`),
		},
		{
			name:     "always-recreate-deps also recreates the dependencies of the named services",
			desired:  d,
			observed: live,
			opts:     Options{Services: []string{"web"}, AlwaysRecreateDeps: true},
			want: trim(`
-/+ container demo-db-1 must be replaced (forced)
  ~ container demo-web-1 will be updated in-place (dependency db is replaced (restart: true))
  ~ container demo-web-2 will be updated in-place (dependency db is replaced (restart: true))

Plan: 1 to add, 2 to change, 1 to destroy.
`),
		},
		{
			name: "a namespace child is re-created with its parent",
			desired: newStack("demo").svc("vpn", env("REGION", "us")).
				svc("app", networkMode("vpn", "container:demo-vpn-1")).desired(),
			observed: deployed(t, newStack("demo").svc("vpn", env("REGION", "eu")).
				svc("app", networkMode("vpn", "container:demo-vpn-1")).desired()),
			want: trim(`
-/+ container demo-app-1 must be replaced (namespace or volumes_from parent vpn is replaced)
-/+ container demo-vpn-1 must be replaced (config changed)
      ~ environment.REGION: "eu" -> "us"

Plan: 2 to add, 0 to change, 2 to destroy.
`),
		},
		{
			name:     "never keeps diverged containers",
			desired:  base(func(st *stack) { st.svcs[1].s.Fields["environment.LOG_LEVEL"] = "warn" }),
			observed: live,
			opts:     Options{Recreate: RecreateNever},
			want:     "No changes. Project \"demo\" matches the configuration.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Up(tt.desired, tt.observed, tt.opts)
			if err != nil {
				t.Fatalf("Up: %v", err)
			}
			if got := p.String(); got != tt.want {
				t.Errorf("plan text:\n%s\nwant:\n%s\nDAG:\n%s", got, tt.want, p.DAG())
			}
		})
	}
}
