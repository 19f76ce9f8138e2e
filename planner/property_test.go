package planner

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

var propCases = flag.Int("prop.cases", 400, "number of generated cases in the property tests")

// genStack generates a random project: up to 6 services with 0-3 replicas, random
// env, images (some built), depends_on on earlier services with random
// condition/required/restart, networks and volumes.
func genStack(r *rand.Rand) *stack {
	st := newStack("prop")
	netKeys := []string{"default"}
	for _, k := range []string{"front", "back"} {
		if r.IntN(2) == 0 {
			st.net(k)
			netKeys = append(netKeys, k)
		}
	}
	var volKeys []string
	for _, k := range []string{"data", "cache"} {
		if r.IntN(2) == 0 {
			st.vol(k)
			volKeys = append(volKeys, k)
		}
	}
	n := 1 + r.IntN(6)
	for i := range n {
		name := fmt.Sprintf("s%d", i)
		mods := []svcMod{replicas(r.IntN(4)), env("V", fmt.Sprint(r.IntN(3)))}
		switch r.IntN(3) {
		case 0:
			mods = append(mods, image("img-a:1"))
		case 1:
			mods = append(mods, image("img-b:1"))
		default:
			mods = append(mods, image("prop-"+name))
			st.build("prop-" + name)
		}
		if r.IntN(2) == 0 {
			mods = append(mods, healthcheck())
		}
		if r.IntN(3) == 0 {
			mods = append(mods, secretEnv("PASSWORD", fmt.Sprint(r.IntN(2))))
		}
		for j := range i {
			if r.IntN(3) == 0 {
				conds := []string{"service_started", "service_healthy", "service_completed_successfully"}
				mods = append(mods, dependsOn(fmt.Sprintf("s%d", j), conds[r.IntN(3)], r.IntN(4) > 0, r.IntN(2) == 0))
			}
		}
		var ns []string
		for _, k := range netKeys {
			if r.IntN(2) == 0 {
				ns = append(ns, k)
			}
		}
		if len(ns) > 0 {
			mods = append(mods, nets(ns...))
		}
		var vs []string
		for _, k := range volKeys {
			if r.IntN(2) == 0 {
				vs = append(vs, k)
			}
		}
		mods = append(mods, vols(vs...))
		if r.IntN(5) == 0 {
			mods = append(mods, noConfigLabel())
		}
		if i > 0 && r.IntN(6) == 0 {
			mods = append(mods, networkMode("s0", "container:prop-s0-1"))
		}
		st.svc(name, mods...)
	}
	return st
}

// evolve returns a copy of st with random edits: env changes, scale changes,
// removed and added services, changed network and volume configs.
func evolve(r *rand.Rand, st *stack) *stack {
	out := &stack{project: st.project, policy: maps.Clone(st.policy), builds: maps.Clone(st.builds), disabled: slices.Clone(st.disabled)}
	for _, n := range st.nets {
		if r.IntN(4) == 0 {
			n.ConfigHash += "'"
			n.Labels = maps.Clone(n.Labels)
			n.Labels[spec.LabelConfigHash] = n.ConfigHash
		}
		out.nets = append(out.nets, n)
	}
	for _, v := range st.vols {
		if r.IntN(4) == 0 {
			v.ConfigHash += "'"
			v.Labels = maps.Clone(v.Labels)
			v.Labels[spec.LabelConfigHash] = v.ConfigHash
		}
		out.vols = append(out.vols, v)
	}
	removed := map[string]bool{}
	for _, b := range st.svcs {
		if r.IntN(8) == 0 {
			removed[b.s.Name] = true
			if r.IntN(2) == 0 {
				out.disabled = append(out.disabled, b.s.Name)
			}
			continue
		}
		nb := *b
		nb.s.Fields = maps.Clone(b.s.Fields)
		nb.s.DependsOn = slices.DeleteFunc(slices.Clone(b.s.DependsOn), func(d spec.Dependency) bool { return removed[d.Service] })
		switch r.IntN(4) {
		case 0:
			nb.s.Fields["environment.V"] = fmt.Sprint(r.IntN(3))
		case 1:
			nb.s.Replicas = r.IntN(4)
		case 2:
			if r.IntN(2) == 0 {
				nb.s.Image = "img-a:1"
			} else {
				nb.s.Image = "img-b:1"
			}
		}
		out.svcs = append(out.svcs, &nb)
	}
	if r.IntN(3) == 0 {
		out.svc("late", env("X", "1"), image("img-a:1"))
	}
	return out
}

// drift changes the observed state the way users and crashes do.
func drift(t testing.TB, r *rand.Rand, o Observed) Observed {
	for _, c := range slices.Clone(o.Containers) {
		switch r.IntN(12) {
		case 0:
			o = mutate(t, o, c.Name, func(c *Container) { c.State = "exited"; c.ExitCode = 1 })
		case 1:
			o = mutate(t, o, c.Name, func(c *Container) { c.State = "created" })
		case 2:
			o = mutate(t, o, c.Name, func(c *Container) { c.Labels[spec.LabelConfigHash] = "stale" })
		case 3:
			o = mutate(t, o, c.Name, func(c *Container) { c.State = "dead" })
		case 4: // removed behind our back
			o.Containers = slices.DeleteFunc(slices.Clone(o.Containers), func(x Container) bool { return x.Name == c.Name })
			o.Networks = slices.Clone(o.Networks)
			for i := range o.Networks {
				o.Networks[i].Containers = slices.DeleteFunc(slices.Clone(o.Networks[i].Containers), func(n string) bool { return n == c.Name })
			}
		case 5: // a leftover of a failed replacement, same number
			dup := c
			dup.ID, dup.Name, dup.Created = "dup"+c.ID, tmpName(c.ID, c.Name), c.Created+1000
			dup.Labels = maps.Clone(c.Labels)
			dup.Networks = maps.Clone(c.Networks)
			o.Containers = append(slices.Clone(o.Containers), dup)
			o.Networks = slices.Clone(o.Networks)
			for i := range o.Networks {
				if _, ok := dup.Networks[o.Networks[i].Name]; ok {
					o.Networks[i].Containers = append(slices.Clone(o.Networks[i].Containers), dup.Name)
				}
			}
		}
	}
	if r.IntN(3) == 0 && len(o.Images) > 0 {
		o.Images = slices.Clone(o.Images)
		i := r.IntN(len(o.Images))
		o.Images[i].ID += "-new"
	}
	if r.IntN(3) == 0 {
		o.Containers = append(slices.Clone(o.Containers), Container{
			ID: "ghost", Name: "prop-ghost-1", State: "running",
			Labels: map[string]string{spec.LabelProject: "prop", spec.LabelService: "ghost", spec.LabelContainerNumber: "1", spec.LabelOneoff: "False"},
		})
	}
	slices.SortFunc(o.Containers, func(x, y Container) int { return cmpStr(x.Name, y.Name) })
	return o
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkInvariants asserts Plan's documented invariants.
func checkInvariants(t testing.TB, p *Plan) {
	t.Helper()
	for i, a := range p.Actions {
		if a.ID != i+1 {
			t.Fatalf("action %d has ID %d", i+1, a.ID)
		}
		if !slices.IsSorted(a.DependsOn) || slices.Compact(slices.Clone(a.DependsOn)) == nil && a.DependsOn != nil {
			t.Fatalf("action #%d: DependsOn %v not sorted", a.ID, a.DependsOn)
		}
		for _, d := range a.DependsOn {
			if d < 1 || d >= a.ID {
				t.Fatalf("action #%d depends on #%d: not topological", a.ID, d)
			}
		}
		ok := true
		switch a.Type {
		case CreateContainer:
			ok = a.Container != nil
		case CreateNetwork:
			ok = a.NetworkDef != nil
		case CreateVolume:
			ok = a.VolumeDef != nil
		case PullImage, BuildImage:
			ok = a.ImageDef != nil
		case StartContainer, StopContainer, RemoveContainer, RemoveNetwork, RemoveVolume, RemoveImage:
			ok = a.Target != ""
		case RenameContainer:
			ok = a.Target != "" && a.NewName != ""
		case ConnectNetwork, DisconnectNetwork:
			ok = a.Target != "" && a.Network != ""
		case WaitHealthy, WaitCompleted, WaitRunning:
			ok = a.Wait != nil && len(a.Wait.Containers) > 0
		default:
			ok = false
		}
		if !ok {
			t.Fatalf("action #%d %s lacks its payload", a.ID, a.Type)
		}
	}
}

func renderBoth(t testing.TB, p *Plan) (string, []byte) {
	j, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return p.String(), j
}

// TestPlanApplyReplanIsEmpty: for generated desired and observed states, applying
// the plan to the engine model and planning again gives an empty plan, and
// planning is deterministic.
func TestPlanApplyReplanIsEmpty(t *testing.T) {
	for seed := range uint64(*propCases) {
		r := rand.New(rand.NewPCG(seed, 7))
		st1 := genStack(r)
		d1 := st1.desired()
		o1 := converge(t, d1, Observed{Project: "prop"}, Options{})
		d2 := evolve(r, st1).desired()
		o := drift(t, r, o1)
		opts := Options{
			RemoveOrphans:         r.IntN(2) == 0,
			ConfirmVolumeRecreate: true,
			Wait:                  r.IntN(2) == 0,
			NoStart:               r.IntN(8) == 0,
			KeepCompleted:         r.IntN(4) == 0,
			StopTimeout:           new(int),
		}
		if r.IntN(6) == 0 {
			opts.Recreate = RecreateNever
		}
		p, err := Up(d2, o, opts)
		if err != nil {
			t.Fatalf("seed %d: Up: %v", seed, err)
		}
		checkInvariants(t, p)
		again, err := Up(d2, o, opts)
		if err != nil {
			t.Fatal(err)
		}
		s1, j1 := renderBoth(t, p)
		s2, j2 := renderBoth(t, again)
		if s1 != s2 || !bytes.Equal(j1, j2) || p.DAG() != again.DAG() {
			t.Fatalf("seed %d: planning twice differs:\n%s\n---\n%s", seed, s1, s2)
		}
		o2, err := Simulate(o, p)
		if err != nil {
			t.Fatalf("seed %d: the engine model refuses the plan: %v\n%s", seed, err, p.DAG())
		}
		p2, err := Up(d2, o2, opts)
		if err != nil {
			t.Fatalf("seed %d: replan: %v", seed, err)
		}
		if !p2.IsEmpty() {
			t.Fatalf("seed %d: plan after apply is not empty:\n%s\nfirst plan:\n%s\n%s", seed, p2.DAG(), p, p.DAG())
		}
		if opts.Recreate != RecreateNever && !opts.NoStart && !opts.KeepCompleted {
			for _, c := range o2.Containers {
				inProject := slices.ContainsFunc(d2.Services, func(s spec.Service) bool { return s.Name == c.Labels[spec.LabelService] })
				if inProject && c.State != "running" {
					t.Fatalf("seed %d: container %s is %s after apply", seed, c.Name, c.State)
				}
			}
		}
	}
}
