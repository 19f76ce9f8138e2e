package planner

import (
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/mount"
)

// A replacement mounts its predecessor's anonymous volumes again (compose's
// recreate inherits them), except where it mounts something explicit; with
// RenewAnonymous (up -V) it gets new ones.
func TestReplacementInheritsAnonymousVolumes(t *testing.T) {
	d := base()
	live := converge(t, d, withImages(Observed{Project: "demo"}, d), Options{})
	cache, shadowed := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	live = mutate(t, live, "demo-web-1", func(c *Container) { c.Anonymous = map[string]string{"/cache": cache} })
	dbData := ""
	for _, s := range d.Services {
		if s.Name == "db" {
			dbData = s.Containers[0].HostConfig.Mounts[0].Target // a named volume's
		}
	}
	live = mutate(t, live, "demo-db-1", func(c *Container) { c.Anonymous = map[string]string{dbData: shadowed} })
	changed := base(func(st *stack) {
		env("LOG_LEVEL", "debug")(st.svcs[1])
		env("PGDATA", "/other")(st.svcs[0])
	})
	mountsOf := func(p *Plan, name string) []mount.Mount {
		for _, a := range p.Actions {
			if a.Type == CreateContainer && a.Resource == name {
				return a.Container.HostConfig.Mounts
			}
		}
		t.Fatalf("no CreateContainer for %s in\n%s", name, p.DAG())
		return nil
	}
	p, err := Up(changed, live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := mount.Mount{Type: mount.TypeVolume, Source: cache, Target: "/cache"}
	if !slices.Contains(mountsOf(p, "demo-web-1"), want) {
		t.Errorf("web's replacement mounts %+v, want %+v among them", mountsOf(p, "demo-web-1"), want)
	}
	if ms := mountsOf(p, "demo-db-1"); slices.ContainsFunc(ms, func(m mount.Mount) bool { return m.Source == shadowed }) {
		t.Errorf("db's replacement inherits %s where it mounts a named volume: %+v", shadowed, ms)
	}
	for _, s := range changed.Services { // the desired state is not changed by planning
		for _, c := range s.Containers {
			if slices.ContainsFunc(c.HostConfig.Mounts, func(m mount.Mount) bool { return m.Source == cache }) {
				t.Errorf("desired container %s was given the inherited volume", c.Name)
			}
		}
	}
	p, err = Up(changed, live, Options{RenewAnonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	if ms := mountsOf(p, "demo-web-1"); slices.ContainsFunc(ms, func(m mount.Mount) bool { return m.Source == cache }) {
		t.Errorf("with RenewAnonymous web's replacement still inherits: %+v", ms)
	}
}

func TestIsAnonymousVolume(t *testing.T) {
	for name, want := range map[string]bool{
		strings.Repeat("0a", 32): true,
		strings.Repeat("0A", 32): false,
		"demo_data":              false,
		strings.Repeat("a", 63):  false,
	} {
		if got := IsAnonymousVolume(name); got != want {
			t.Errorf("IsAnonymousVolume(%q) = %v, want %v", name, got, want)
		}
	}
}
