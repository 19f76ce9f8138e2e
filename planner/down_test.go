package planner

import (
	"errors"
	"strings"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

// shortIDs renames the observed containers' ids to "id-<name>" so DAG text is readable.
func shortIDs(t testing.TB, o Observed) Observed {
	for _, c := range o.Containers {
		o = mutate(t, o, c.Name, func(c *Container) { c.ID = "id-" + c.Name })
	}
	return o
}

func TestRecreateSequenceDAG(t *testing.T) {
	d := base()
	live := shortIDs(t, deployed(t, d))
	d2 := base(func(st *stack) { st.svcs[0].s.Fields["environment.PGDATA"] = "/var/lib/pg" })
	p, err := Up(d2, live, Options{StopTimeout: new(int)})
	if err != nil {
		t.Fatal(err)
	}
	want := trim(`
[] -> #1 container demo-web-1, StopContainer id-demo-web-1, dependency db is replaced (restart: true) [container:demo-web-1]
[] -> #2 container demo-web-2, StopContainer id-demo-web-2, dependency db is replaced (restart: true) [container:demo-web-2]
[1 2] -> #3 container demo-db-1, CreateContainer, config changed [container:demo-db-1]
[3] -> #4 container demo-db-1, StopContainer id-demo-db-1, replaced [container:demo-db-1]
[4] -> #5 container demo-db-1, RemoveContainer id-demo-db-1, replaced [container:demo-db-1]
[5] -> #6 container demo-db-1, RenameContainer id-demo-db-1_demo-db-1 -> demo-db-1, finalize replacement [container:demo-db-1]
[6] -> #7 container demo-db-1, StartContainer, replaced [container:demo-db-1]
[7] -> #8 service db, WaitHealthy {demo-db-1 required=true}, depends_on condition service_healthy [wait:db]
[1 8] -> #9 container demo-web-1, StartContainer id-demo-web-1, restarted after its dependency was replaced [container:demo-web-1]
[2 8] -> #10 container demo-web-2, StartContainer id-demo-web-2, restarted after its dependency was replaced [container:demo-web-2]
`)
	if got := p.DAG(); got != want {
		t.Errorf("DAG:\n%s\nwant:\n%s", got, want)
	}
	create := p.Actions[2]
	labels := create.Container.Config.Labels
	if create.Container.Name != "id-demo-db-1_demo-db-1" || labels[spec.LabelReplace] != "db-1" {
		t.Errorf("replacement created as %q with replace label %q", create.Container.Name, labels[spec.LabelReplace])
	}
	if labels[spec.LabelImage] != live.Images[0].ID {
		t.Errorf("LabelImage = %q, want the local id %q", labels[spec.LabelImage], live.Images[0].ID)
	}
	if d2.Services[0].Containers[0].Config.Labels[spec.LabelReplace] != "" {
		t.Error("Up modified the desired state")
	}
	for _, a := range p.Actions {
		if a.Type == StopContainer && (a.StopTimeout == nil || *a.StopTimeout != 0) {
			t.Errorf("action #%d: StopTimeout not carried", a.ID)
		}
	}
}

func TestDown(t *testing.T) {
	d := base(func(st *stack) { st.net("shared", external).svcs[1].netKeys = []string{"default", "shared"} })
	o := withImages(Observed{Project: "demo", Networks: []Network{{ID: "ext", Name: "shared"}}}, d)
	live := shortIDs(t, converge(t, d, o, Options{}))
	live = mutate(t, live, "demo-web-2", func(c *Container) { c.State = "exited" })
	tests := []struct {
		name    string
		desired *spec.Desired
		opts    DownOptions
		want    string
	}{
		{
			name:    "stop in reverse dependency order, keep volumes and images",
			desired: d,
			want: trim(`
[] -> #1 container demo-web-1, StopContainer id-demo-web-1, down [container:demo-web-1]
[1] -> #2 container demo-web-1, RemoveContainer id-demo-web-1, down [container:demo-web-1]
[] -> #3 container demo-web-2, RemoveContainer id-demo-web-2, down [container:demo-web-2]
[1] -> #4 container demo-db-1, StopContainer id-demo-db-1, down [container:demo-db-1]
[4] -> #5 container demo-db-1, RemoveContainer id-demo-db-1, down [container:demo-db-1]
[2 3 5] -> #6 network demo_default, RemoveNetwork, down [network:demo_default]
`),
		},
		{
			name:    "without a file the order comes from the depends_on labels",
			desired: nil,
			opts:    DownOptions{RemoveVolumes: true, RemoveImages: "all"},
			want: trim(`
[] -> #1 container demo-web-1, StopContainer id-demo-web-1, down [container:demo-web-1]
[1] -> #2 container demo-web-1, RemoveContainer id-demo-web-1, down [container:demo-web-1]
[] -> #3 container demo-web-2, RemoveContainer id-demo-web-2, down [container:demo-web-2]
[1] -> #4 container demo-db-1, StopContainer id-demo-db-1, down [container:demo-db-1]
[4] -> #5 container demo-db-1, RemoveContainer id-demo-db-1, down [container:demo-db-1]
[2 3 5] -> #6 network demo_default, RemoveNetwork, down [network:demo_default]
[2 3 5] -> #7 volume demo_data, RemoveVolume, down [volume:demo_data]
[2 3 5] -> #8 image db:1, RemoveImage, down [image:db:1]
[2 3 5] -> #9 image web:1, RemoveImage, down [image:web:1]
`),
		},
		{
			name:    "local images are only the built ones",
			desired: d,
			opts:    DownOptions{RemoveImages: "local"},
			want: trim(`
[] -> #1 container demo-web-1, StopContainer id-demo-web-1, down [container:demo-web-1]
[1] -> #2 container demo-web-1, RemoveContainer id-demo-web-1, down [container:demo-web-1]
[] -> #3 container demo-web-2, RemoveContainer id-demo-web-2, down [container:demo-web-2]
[1] -> #4 container demo-db-1, StopContainer id-demo-db-1, down [container:demo-db-1]
[4] -> #5 container demo-db-1, RemoveContainer id-demo-db-1, down [container:demo-db-1]
[2 3 5] -> #6 network demo_default, RemoveNetwork, down [network:demo_default]
`),
		},
		{
			name:    "with a 0 s timeout a running container is removed by force, still dependents first",
			desired: d,
			opts:    DownOptions{StopTimeout: new(int)},
			want: trim(`
[] -> #1 container demo-web-1, RemoveContainer id-demo-web-1, down [container:demo-web-1]
[] -> #2 container demo-web-2, RemoveContainer id-demo-web-2, down [container:demo-web-2]
[1] -> #3 container demo-db-1, RemoveContainer id-demo-db-1, down [container:demo-db-1]
[1 2 3] -> #4 network demo_default, RemoveNetwork, down [network:demo_default]
`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Down(tt.desired, live, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			// network ids are hashes: blank them out of the comparison.
			got := p.DAG()
			for _, n := range live.Networks {
				got = replaceAll(got, " "+n.ID+",", ",")
			}
			if got != tt.want {
				t.Errorf("DAG:\n%s\nwant:\n%s", got, tt.want)
			}
			after, err := Simulate(live, p)
			if err != nil {
				t.Fatalf("model refuses the plan: %v", err)
			}
			if len(after.Containers) != 0 {
				t.Errorf("containers left: %v", after.Containers)
			}
			if len(after.Networks) != 1 || after.Networks[0].Name != "shared" {
				t.Errorf("networks left: %+v, want only the external one", after.Networks)
			}
			if got, want := len(after.Volumes), map[bool]int{true: 0, false: 1}[tt.opts.RemoveVolumes]; got != want {
				t.Errorf("%d volumes left, want %d", got, want)
			}
		})
	}
	if _, err := Down(d, live, DownOptions{RemoveImages: "some"}); !errors.Is(err, ErrInvalidOption) {
		t.Errorf("bad RemoveImages: err = %v", err)
	}
}

func TestDownKeepsOrphansAndTheirNetwork(t *testing.T) {
	withOld := base(func(st *stack) { st.svc("old") })
	live := converge(t, withOld, withImages(Observed{Project: "demo"}, withOld), Options{})
	p, err := Down(base(), live, DownOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := trim(`
  - container demo-db-1 will be destroyed (down)
  - container demo-web-1 will be destroyed (down)
  - container demo-web-2 will be destroyed (down)

Warning: found orphan containers (demo-old-1) for this project; they are kept (remove orphans to remove them)
Warning: network demo_default is still in use by demo-old-1 and is left in place

Plan: 0 to add, 0 to change, 3 to destroy.
`)
	if got := p.String(); got != want {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
	p, err = Down(base(), live, DownOptions{RemoveOrphans: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Summary(); s != (Summary{Destroy: 5}) {
		t.Errorf("summary with orphans removed = %+v, want 5 destroyed (4 containers, 1 network)\n%s", s, p)
	}
}

func replaceAll(s, old, new string) string {
	if old == " ," {
		return s
	}
	return strings.ReplaceAll(s, old, new)
}
