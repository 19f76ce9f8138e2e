package planner

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// goldenCase is one compose project taken through a sequence of plans whose text
// forms are compared, together, with testdata/<name>.golden.
type goldenCase struct {
	name    string
	project string
	files   []string // under testdata/compose
	env     []string
	// next, when set, is the project edited (another file or environment): its
	// plan against the deployed first state is recorded.
	next    []string
	nextEnv []string
	opts    Options
	// json records the drift plan's JSON form too.
	json bool
}

var goldenCases = []goldenCase{
	{name: "nginx-golang-postgres", project: "nginx-golang-postgres", files: []string{"awesome-compose/nginx-golang-postgres/compose.yaml"}, json: true},
	{name: "prometheus-grafana", project: "prometheus-grafana", files: []string{"awesome-compose/prometheus-grafana/compose.yaml"}},
	{name: "gitea-postgres", project: "gitea-postgres", files: []string{"awesome-compose/gitea-postgres/compose.yaml"}},
	{name: "wordpress-mysql", project: "wordpress-mysql", files: []string{"awesome-compose/wordpress-mysql/compose.yaml"}},
	{name: "react-java-mysql", project: "react-java-mysql", files: []string{"awesome-compose/react-java-mysql/compose.yaml"}},
	{
		name: "e2e-network-recreate", project: "network-recreate", files: []string{"compose-e2e/network-recreate/compose.yaml"},
		nextEnv: []string{"FOO=bar"},
	},
	{
		name: "e2e-recreate-volumes", project: "recreate-volumes", files: []string{"compose-e2e/recreate-volumes/compose.yaml"},
		next: []string{"compose-e2e/recreate-volumes/compose2.yaml"},
	},
	{
		name: "e2e-scale", project: "scale", files: []string{"compose-e2e/scale/compose.yaml"},
		nextEnv: []string{"MAYBE=yes"},
	},
	{
		name: "e2e-restart-depends-on", project: "restart", files: []string{"compose-e2e/restart-test/compose-depends-on.yaml"},
		nextEnv: []string{"LABEL=changed"}, opts: Options{Wait: true},
	},
	{name: "e2e-deps-completed-successfully", project: "deps", files: []string{"compose-e2e/dependencies/deps-completed-successfully.yaml"}, opts: Options{Wait: true}},
	{name: "e2e-deps-not-required", project: "deps-not-required", files: []string{"compose-e2e/dependencies/deps-not-required.yaml"}},
}

func loadGolden(t *testing.T, project string, files, env []string) *spec.Desired {
	t.Helper()
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join("testdata", "compose", f))
	}
	if env == nil {
		env = []string{}
	}
	d, err := spec.Load(t.Context(), spec.Options{Files: paths, ProjectName: project, Environ: env})
	if err != nil {
		t.Fatalf("spec.Load(%v): %v", files, err)
	}
	return d
}

// dagText is DAG with container ids (random-looking hashes of the model) replaced
// by the container's name, so golden files read well and stay stable.
func dagText(p *Plan, o Observed) string {
	s := p.DAG()
	for _, c := range o.Containers {
		s = strings.ReplaceAll(s, c.ID[:12]+"_", "<id "+c.Name+">_")
		s = strings.ReplaceAll(s, c.ID, "<id "+c.Name+">")
	}
	for _, n := range o.Networks {
		s = strings.ReplaceAll(s, n.ID, "<id "+n.Name+">")
	}
	return s
}

func replaceIDs(s string, o Observed) string {
	for _, c := range o.Containers {
		s = strings.ReplaceAll(s, c.ID, "<id "+c.Name+">")
	}
	return s
}

func TestGoldenPlans(t *testing.T) {
	for _, gc := range goldenCases {
		t.Run(gc.name, func(t *testing.T) {
			var out strings.Builder
			section := func(title string, body string) { fmt.Fprintf(&out, "### %s\n%s\n", title, body) }
			d := loadGolden(t, gc.project, gc.files, gc.env)
			empty := Observed{Project: d.Project}

			p, err := Up(d, empty, gc.opts)
			if err != nil {
				t.Fatalf("Up from empty: %v", err)
			}
			section("up on an empty engine", p.String())
			section("up on an empty engine: DAG", dagText(p, empty))
			live, err := Simulate(empty, p)
			if err != nil {
				t.Fatalf("Simulate: %v", err)
			}
			again, err := Up(d, live, gc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if !again.IsEmpty() {
				t.Errorf("plan after up is not empty:\n%s", again.DAG())
			}
			section("up again", again.String())

			drifted := driftForGolden(t, live)
			p, err = Up(d, drifted, gc.opts)
			if err != nil {
				t.Fatal(err)
			}
			section("drift: first container stopped, last one's image field edited by hand", p.String())
			if gc.json {
				j, err := p.JSON()
				if err != nil {
					t.Fatal(err)
				}
				section("drift: JSON", replaceIDs(string(j), live)+"\n")
			}

			if gc.next != nil || gc.nextEnv != nil {
				files := gc.files
				if gc.next != nil {
					files = gc.next
				}
				d2 := loadGolden(t, gc.project, files, gc.nextEnv)
				p, err := Up(d2, live, gc.opts)
				if err != nil {
					section("edited project", "error: "+err.Error()+"\n")
					opts := gc.opts
					opts.ConfirmVolumeRecreate = true
					if p, err = Up(d2, live, opts); err != nil {
						t.Fatal(err)
					}
					section("edited project, volume re-creation confirmed", p.String())
				} else {
					section("edited project", p.String())
				}
				section("edited project: DAG", dagText(p, live))
				if after, err := Simulate(live, p); err != nil {
					t.Errorf("Simulate edited: %v", err)
				} else if p2, err := Up(d2, after, Options{ConfirmVolumeRecreate: true}); err != nil || !p2.IsEmpty() {
					t.Errorf("edited project does not converge: %v\n%s", err, p2.DAG())
				}
			}

			p, err = Down(d, live, DownOptions{RemoveVolumes: true, RemoveImages: "all"})
			if err != nil {
				t.Fatal(err)
			}
			section("down -v --rmi all", p.String())
			p, err = Down(nil, live, DownOptions{})
			if err != nil {
				t.Fatal(err)
			}
			section("down without the file (project from labels)", dagText(p, live))

			golden(t, filepath.Join("testdata", gc.name+".golden"), out.String())
		})
	}
}

// driftForGolden stops the first container and edits the image field recorded on
// the last one (with a stale hash), as a hand edit of the engine would.
func driftForGolden(t *testing.T, o Observed) Observed {
	t.Helper()
	if len(o.Containers) == 0 {
		return o
	}
	o = mutate(t, o, o.Containers[0].Name, func(c *Container) { c.State = "exited"; c.ExitCode = 0 })
	last := o.Containers[len(o.Containers)-1].Name
	return mutate(t, o, last, func(c *Container) {
		var fields map[string]string
		if err := json.Unmarshal([]byte(c.Labels[spec.LabelServiceConfig]), &fields); err != nil {
			t.Fatalf("%s: LabelServiceConfig: %v", c.Name, err)
		}
		fields["image"] = "edited-by-hand:0"
		buf, _ := json.Marshal(fields)
		c.Labels[spec.LabelServiceConfig] = string(buf)
		c.Labels[spec.LabelConfigHash] = "stale"
	})
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./planner -run Golden -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s", path, got)
	}
}
