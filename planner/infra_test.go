package planner

import (
	"errors"
	"slices"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

func netByName(o Observed, name string, f func(*Network)) Observed {
	o.Networks = slices.Clone(o.Networks)
	for i := range o.Networks {
		if o.Networks[i].Name == name {
			n := o.Networks[i]
			n.Labels = cloneMap(n.Labels)
			f(&n)
			o.Networks[i] = n
		}
	}
	return o
}

func volByName(o Observed, name string, f func(*Volume)) Observed {
	o.Volumes = slices.Clone(o.Volumes)
	for i := range o.Volumes {
		if o.Volumes[i].Name == name {
			v := o.Volumes[i]
			v.Labels = cloneMap(v.Labels)
			f(&v)
			o.Volumes[i] = v
		}
	}
	return o
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestUpInfraText(t *testing.T) {
	d := base()
	live := deployed(t, d)
	orphaned := converge(t, base(func(st *stack) { st.svc("old") }), withImages(live, base(func(st *stack) { st.svc("old") })), Options{})
	tests := []struct {
		name     string
		desired  *spec.Desired
		observed Observed
		opts     Options
		want     string
	}{
		{
			name:     "diverged network is repaired in place",
			desired:  d,
			observed: netByName(live, "demo_default", func(n *Network) { n.Labels[spec.LabelConfigHash] = "old" }),
			want: trim(`
-/+ network demo_default must be replaced (config hash differs)

Plan: 1 to add, 0 to change, 1 to destroy.
`),
		},
		{
			name:     "confirmed volume re-creation replaces its containers",
			desired:  d,
			observed: volByName(live, "demo_data", func(v *Volume) { v.Labels[spec.LabelConfigHash] = "old" }),
			opts:     Options{ConfirmVolumeRecreate: true},
			want: trim(`
-/+ volume demo_data must be replaced (config diverged (re-creation confirmed))
-/+ container demo-db-1 must be replaced (volume demo_data is re-created)
  ~ container demo-web-1 will be updated in-place (dependency db is replaced (restart: true))
  ~ container demo-web-2 will be updated in-place (dependency db is replaced (restart: true))

Plan: 2 to add, 2 to change, 2 to destroy.
`),
		},
		{
			name:     "unmanaged network of the same name is reused with a warning",
			desired:  d,
			observed: netByName(live, "demo_default", func(n *Network) { n.Labels = nil }),
			want: trim(`
No changes. Project "demo" matches the configuration.

Warning: network demo_default exists but was not created by compose or the reconciler; it is used as is (set external: true to use an existing network)
`),
		},
		{
			name:     "orphans are warned about",
			desired:  d,
			observed: orphaned,
			want: trim(`
No changes. Project "demo" matches the configuration.

Warning: found orphan containers (demo-old-1) for this project; if you removed or renamed this service in your compose file, plan with remove orphans to clean it up
`),
		},
		{
			name:     "orphans are removed on request",
			desired:  d,
			observed: orphaned,
			opts:     Options{RemoveOrphans: true},
			want: trim(`
  - container demo-old-1 will be destroyed (orphan: service old is not in the project)

Plan: 0 to add, 0 to change, 1 to destroy.
`),
		},
		{
			name:     "profile-disabled services are not orphans",
			desired:  base(func(st *stack) { st.disable("old") }),
			observed: orphaned,
			opts:     Options{RemoveOrphans: true},
			want:     "No changes. Project \"demo\" matches the configuration.\n",
		},
		{
			name:     "pull policy always refreshes present images",
			desired:  base(func(st *stack) { st.pull("web:1", spec.PullAlways) }),
			observed: live,
			want: trim(`
  ~ image web:1 will be pulled (pull_policy always)

Plan: 0 to add, 1 to change, 0 to destroy.
`),
		},
		{
			name:     "absent build image is built",
			desired:  base(func(st *stack) { st.build("demo-api").svc("api", image("demo-api")) }),
			observed: live,
			want: trim(`
  + image demo-api will be built (not found locally)
  + container demo-api-1 will be created (not found)

Plan: 2 to add, 0 to change, 0 to destroy.
`),
		},
		{
			name:     "targeted service brings its dependencies",
			desired:  base(func(st *stack) { st.svc("other") }),
			observed: Observed{Project: "demo"},
			opts:     Options{Services: []string{"web"}, Pull: spec.PullNever},
			want: trim(`
  + network demo_default will be created (not found)
  + volume demo_data will be created (not found)
  + container demo-db-1 will be created (not found)
  + container demo-web-1 will be created (not found)
  + container demo-web-2 will be created (not found)

Plan: 5 to add, 0 to change, 0 to destroy.
`),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.observed
			if tt.opts.Pull == spec.PullNever {
				o = withImages(o, tt.desired)
			}
			p, err := Up(tt.desired, o, tt.opts)
			if err != nil {
				t.Fatalf("Up: %v", err)
			}
			if got := p.String(); got != tt.want {
				t.Errorf("plan text:\n%s\nwant:\n%s\nDAG:\n%s", got, tt.want, p.DAG())
			}
			if _, err := Simulate(o, p); err != nil {
				t.Errorf("the engine model refuses the plan: %v\n%s", err, p.DAG())
			}
		})
	}
}

func TestUpErrors(t *testing.T) {
	d := base()
	live := deployed(t, d)
	tests := []struct {
		name     string
		desired  *spec.Desired
		observed Observed
		opts     Options
		want     []Error // Kind, Name, Op, Err
	}{
		{
			name:     "diverged volume needs confirmation",
			desired:  d,
			observed: volByName(live, "demo_data", func(v *Volume) { v.Labels[spec.LabelConfigHash] = "old" }),
			want:     []Error{{Kind: KindVolume, Name: "demo_data", Op: "recreate", Err: ErrVolumeDiverged}},
		},
		{
			name: "missing external network and volume are both reported",
			desired: base(func(st *stack) {
				st.net("shared", external).vol("backup", externalVol).svcs[1].netKeys = []string{"shared"}
			}),
			observed: live,
			want: []Error{
				{Kind: KindVolume, Name: "backup", Op: "use", Err: ErrExternalNotFound},
				{Kind: KindNetwork, Name: "shared", Op: "use", Err: ErrExternalNotFound},
			},
		},
		{
			name:     "absent image with pull never",
			desired:  d,
			observed: Observed{Project: "demo"},
			opts:     Options{Pull: spec.PullNever},
			want: []Error{
				{Kind: KindImage, Name: "db:1", Op: "pull", Err: ErrImageMissing},
				{Kind: KindImage, Name: "web:1", Op: "pull", Err: ErrImageMissing},
			},
		},
		{
			name:    "unknown targeted service",
			desired: d,
			opts:    Options{Services: []string{"nope"}},
			want:    []Error{{Kind: KindService, Name: "nope", Op: "select", Err: ErrUnknownService}},
		},
		{
			name: "dependency cycle",
			desired: base(func(st *stack) {
				st.svcs[0].s.DependsOn = []spec.Dependency{{Service: "web", Condition: "service_started"}}
			}),
			want: []Error{{Kind: KindService, Name: "db", Op: "order", Err: ErrDependencyCycle}},
		},
		{
			name:    "bad recreate policy",
			desired: d,
			opts:    Options{Recreate: "sometimes"},
			want:    []Error{{Kind: KindService, Name: "sometimes", Op: "configure", Err: ErrInvalidOption}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Up(tt.desired, tt.observed, tt.opts)
			if err == nil {
				t.Fatalf("Up succeeded:\n%s", p)
			}
			if p != nil {
				t.Errorf("Up returned a plan with its error")
			}
			var got []Error
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var pe *Error
				if !errors.As(e, &pe) {
					t.Fatalf("error %v is not a *planner.Error", e)
				}
				got = append(got, Error{Kind: pe.Kind, Name: pe.Name, Op: pe.Op, Err: pe.Err})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("errors = %+v, want %+v (%v)", got, tt.want, err)
			}
			if !errors.Is(err, tt.want[0].Err) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.want[0].Err)
			}
		})
	}
}
