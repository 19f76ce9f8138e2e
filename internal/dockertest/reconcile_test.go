package dockertest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

// stackFile is a small project: a published web service on a network with a
// named volume and two workers after it; a short stop grace period (busybox
// sleep as PID 1 ignores SIGTERM, so every stop waits for it). %d is the host port, %s web's command.
const stackFile = `services:
  web:
    image: busybox:latest
    command: ["sleep", "%s"]
    ports: ["%d:80"]
    networks: [front]
    volumes: ["data:/data"]
    labels: {role: web}
    stop_grace_period: 1s
  worker:
    image: busybox:latest
    command: ["sleep", "600"]
    depends_on: [web]
    networks: [front]
    deploy: {replicas: 2}
    stop_grace_period: 1s
networks:
  front: {}
volumes:
  data: {}
`

// TestDiffReconcile drives the same planner and executor against both
// engines: cold up, no-op, a changed command (recreate), down with volumes.
// The plans, the action outcomes and what is left must agree.
func TestDiffReconcile(t *testing.T) {
	port := freeHostPort(t)
	dir := t.TempDir()
	runDiff(t, scenario{"reconcile", func(ctx context.Context, t *testing.T, e *env) {
		load := func(step, sleep string) *spec.Desired {
			f := filepath.Join(dir, "compose.yml")
			if err := os.WriteFile(f, fmt.Appendf(nil, stackFile, sleep, port), 0o644); err != nil {
				t.Fatal(err)
			}
			d, err := spec.Load(ctx, spec.Options{Files: []string{f}, ProjectName: e.id, Environ: []string{}})
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			return d
		}
		eng := e.api.(reconciler.Engine)
		pass := func(step string, d *spec.Desired, down bool) {
			obs, err := reconciler.Observe(ctx, eng, d)
			if err != nil {
				e.rec.add(step+": observe", nil, err)
				return
			}
			var plan *planner.Plan
			if down {
				plan, err = planner.Down(d, obs, planner.DownOptions{RemoveVolumes: true})
			} else {
				plan, err = planner.Up(d, obs, planner.Options{})
			}
			if err != nil {
				e.rec.add(step+": plan", nil, err)
				return
			}
			var actions []string
			for _, a := range plan.Actions {
				actions = append(actions, fmt.Sprintf("%s %s %s", a.Type, a.Kind, a.Resource))
			}
			e.rec.add(step+": plan", actions, nil)
			res, err := reconciler.Execute(ctx, eng, plan, reconciler.ExecOptions{})
			var outcomes []string
			for _, r := range res.Actions {
				o := fmt.Sprintf("%s %s: %s", r.Action.Type, r.Action.Resource, r.Status)
				if r.Err != nil {
					o += " (" + errClass(r.Err) + ": " + message(r.Err) + ")"
				}
				outcomes = append(outcomes, o)
			}
			e.rec.add(step+": execute", outcomes, err)
		}
		left := func(step string) {
			l, err := e.api.ContainerList(ctx, client.ContainerListOptions{All: true,
				Filters: make(client.Filters).Add("label", "com.docker.compose.project="+e.id)})
			var out []string
			for _, c := range l.Items {
				out = append(out, c.Names[0]+" "+string(c.State))
			}
			sort.Strings(out)
			e.rec.add(step+": containers", out, err)
		}
		d := load("v1", "600")
		pass("cold up", d, false)
		left("after up")
		pass("no-op up", d, false)
		d2 := load("v2", "700")
		pass("changed command", d2, false)
		left("after change")
		pass("down -v", d2, true)
		left("after down")
		_, err := e.api.VolumeInspect(ctx, e.id+"_data", client.VolumeInspectOptions{})
		e.rec.add("volume after down -v", nil, err)
	}})
}
