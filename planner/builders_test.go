package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"

	"github.com/reconciler/reconciler/spec"
)

// stack builds a spec.Desired by hand, the way spec.Load shapes one: engine names
// <project>_<key>, compose's labels, one image per distinct reference, a config
// hash derived from the service's fields.
type stack struct {
	project  string
	nets     []spec.Network
	vols     []spec.Volume
	svcs     []*svcB
	disabled []string
	policy   map[string]spec.PullPolicy
	builds   map[string]bool
}

type svcB struct {
	s        spec.Service
	netKeys  []string
	volKeys  []string
	secrets  []string
	healthck bool
	noLabel  bool // do not record LabelServiceConfig on the create request
	netMode  string
}

type svcMod func(*svcB)

func newStack(project string) *stack {
	return &stack{project: project, policy: map[string]spec.PullPolicy{}, builds: map[string]bool{}}
}

func (st *stack) net(key string, mods ...func(*spec.Network)) *stack {
	n := spec.Network{Key: key, Name: st.project + "_" + key, Driver: "bridge", ConfigHash: "nethash-" + key}
	for _, m := range mods {
		m(&n)
	}
	if !n.External {
		n.Labels = map[string]string{spec.LabelProject: st.project, spec.LabelNetwork: key, spec.LabelConfigHash: n.ConfigHash}
	} else {
		n.Name, n.ConfigHash = key, ""
	}
	st.nets = append(st.nets, n)
	return st
}

func (st *stack) vol(key string, mods ...func(*spec.Volume)) *stack {
	v := spec.Volume{Key: key, Name: st.project + "_" + key, Driver: "local", ConfigHash: "volhash-" + key}
	for _, m := range mods {
		m(&v)
	}
	if !v.External {
		v.Labels = map[string]string{spec.LabelProject: st.project, spec.LabelVolume: key, spec.LabelConfigHash: v.ConfigHash}
	} else {
		v.Name, v.ConfigHash = key, ""
	}
	st.vols = append(st.vols, v)
	return st
}

func external(n *spec.Network)   { n.External = true }
func externalVol(v *spec.Volume) { v.External = true }

func (st *stack) svc(name string, mods ...svcMod) *stack {
	b := &svcB{s: spec.Service{Name: name, Image: name + ":1", Replicas: 1, Fields: map[string]string{}}}
	for _, m := range mods {
		m(b)
	}
	st.svcs = append(st.svcs, b)
	return st
}

func replicas(n int) svcMod   { return func(b *svcB) { b.s.Replicas = n } }
func image(ref string) svcMod { return func(b *svcB) { b.s.Image = ref } }
func env(k, v string) svcMod  { return func(b *svcB) { b.s.Fields["environment."+k] = v } }
func secretEnv(k, v string) svcMod {
	return func(b *svcB) { env(k, v)(b); b.secrets = append(b.secrets, "environment."+k) }
}
func nets(keys ...string) svcMod { return func(b *svcB) { b.netKeys = keys } }
func vols(keys ...string) svcMod { return func(b *svcB) { b.volKeys = keys } }
func healthcheck() svcMod        { return func(b *svcB) { b.healthck = true; b.s.HasHealthcheck = true } }
func noConfigLabel() svcMod      { return func(b *svcB) { b.noLabel = true } }

// networkMode shares the network namespace of container ref ("container:<name>"),
// with the implied depends_on (restart: true) compose-go adds.
func networkMode(parentSvc, ref string) svcMod {
	return func(b *svcB) {
		b.netMode, b.netKeys = ref, []string{}
		dependsOn(parentSvc, "service_started", true, true)(b)
	}
}
func dependsOn(svc, cond string, required, restart bool) svcMod {
	return func(b *svcB) {
		b.s.DependsOn = append(b.s.DependsOn, spec.Dependency{Service: svc, Condition: cond, Required: required, Restart: restart})
	}
}

func (st *stack) disable(names ...string) *stack {
	st.disabled = append(st.disabled, names...)
	return st
}

func (st *stack) pull(ref string, p spec.PullPolicy) *stack { st.policy[ref] = p; return st }

func (st *stack) build(ref string) *stack { st.builds[ref] = true; return st }

func fieldsHash(image string, f map[string]string) string {
	h := sha256.New()
	h.Write([]byte(image))
	for _, k := range slices.Sorted(maps.Keys(f)) {
		h.Write([]byte("\x00" + k + "=" + f[k]))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// desired returns the spec.Desired; every service uses the "default" network
// unless it names networks, and "default" is added when used.
func (st *stack) desired() *spec.Desired {
	d := &spec.Desired{Project: st.project, WorkingDir: "/work/" + st.project, DisabledServices: st.disabled}
	nets := slices.Clone(st.nets)
	hasDefault := slices.ContainsFunc(nets, func(n spec.Network) bool { return n.Key == "default" })
	images := map[string]*spec.Image{}
	for _, b := range st.svcs {
		s := b.s
		s.Fields = maps.Clone(b.s.Fields)
		s.Fields["image"] = s.Image
		keys := b.netKeys
		if keys == nil {
			keys = []string{"default"}
		}
		if slices.Contains(keys, "default") {
			if !hasDefault {
				hasDefault = true
				st2 := &stack{project: st.project}
				st2.net("default")
				nets = append(nets, st2.nets[0])
			}
		}
		for _, k := range keys {
			s.Networks = append(s.Networks, engineName(nets, k, st.project))
		}
		for _, k := range b.volKeys {
			s.Volumes = append(s.Volumes, volName(st.vols, k, st.project))
		}
		sort.Strings(s.Networks)
		sort.Strings(s.Volumes)
		for _, k := range b.secrets {
			if s.Secret == nil {
				s.Secret = map[string]bool{}
			}
			s.Secret[k] = true
		}
		s.ConfigHash = fieldsHash(s.Image, s.Fields)
		cfgJSON, _ := json.Marshal(s.Fields)
		for n := 1; n <= s.Replicas; n++ {
			name := st.project + "-" + s.Name + "-" + itoa(n)
			labels := map[string]string{
				spec.LabelProject: st.project, spec.LabelService: s.Name, spec.LabelContainerNumber: itoa(n),
				spec.LabelOneoff: "False", spec.LabelConfigHash: s.ConfigHash, spec.LabelVersion: "test",
			}
			var deps []string
			for _, dep := range s.DependsOn {
				deps = append(deps, dep.Service+":"+dep.Condition+":"+fmt.Sprint(dep.Restart))
			}
			labels[spec.LabelDependsOn] = strings.Join(deps, ",")
			if !b.noLabel {
				labels[spec.LabelServiceConfig] = string(cfgJSON)
			}
			cfg := &container.Config{Image: s.Image, Labels: labels}
			if b.healthck {
				cfg.Healthcheck = &container.HealthConfig{Test: []string{"CMD", "true"}}
			}
			hc := &container.HostConfig{NetworkMode: container.NetworkMode(b.netMode)}
			for _, v := range s.Volumes {
				hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: v, Target: "/data/" + v})
			}
			nc := &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{}}
			for _, n := range s.Networks {
				nc.EndpointsConfig[n] = &network.EndpointSettings{Aliases: []string{s.Name, name}}
			}
			s.Containers = append(s.Containers, spec.Container{Name: name, Service: s.Name, Number: n, Config: cfg, HostConfig: hc, NetworkingConfig: nc})
		}
		d.Services = append(d.Services, s)
		img := images[s.Image]
		if img == nil {
			img = &spec.Image{Ref: s.Image, Policy: spec.PullMissing}
			if p, ok := st.policy[s.Image]; ok {
				img.Policy = p
			}
			if st.builds[s.Image] {
				img.Build = &spec.Build{Context: "/work/" + st.project + "/" + s.Name, Dockerfile: "Dockerfile"}
			}
			images[s.Image] = img
		}
		img.Services = append(img.Services, s.Name)
	}
	for _, ref := range slices.Sorted(maps.Keys(images)) {
		d.Images = append(d.Images, *images[ref])
	}
	d.Networks = nets
	d.Volumes = slices.Clone(st.vols)
	sort.Slice(d.Networks, func(i, j int) bool { return d.Networks[i].Key < d.Networks[j].Key })
	sort.Slice(d.Volumes, func(i, j int) bool { return d.Volumes[i].Key < d.Volumes[j].Key })
	sort.Slice(d.Services, func(i, j int) bool { return d.Services[i].Name < d.Services[j].Name })
	return d
}

func engineName(nets []spec.Network, key, project string) string {
	for _, n := range nets {
		if n.Key == key {
			return n.Name
		}
	}
	return project + "_" + key
}

func volName(vols []spec.Volume, key, project string) string {
	for _, v := range vols {
		if v.Key == key {
			return v.Name
		}
	}
	return project + "_" + key
}

// converge plans d against o and applies the plan to the model.
func converge(t testing.TB, d *spec.Desired, o Observed, opts Options) Observed {
	t.Helper()
	p, err := Up(d, o, opts)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	out, err := Simulate(o, p)
	if err != nil {
		t.Fatalf("Simulate: %v\n%s", err, p.DAG())
	}
	return out
}

// deployed is the engine state after `up` of d on an empty engine, with every
// image present.
func deployed(t testing.TB, d *spec.Desired) Observed {
	t.Helper()
	return converge(t, d, withImages(Observed{Project: d.Project}, d), Options{})
}

// withImages marks every image of d present locally with id sha256:<ref>.
func withImages(o Observed, d *spec.Desired) Observed {
	for _, im := range d.Images {
		if !slices.ContainsFunc(o.Images, func(x Image) bool { return x.Ref == im.Ref }) {
			o.Images = append(o.Images, Image{Ref: im.Ref, ID: "sha256:" + strings.Repeat("0", 4) + im.Ref})
		}
	}
	slices.SortFunc(o.Images, func(x, y Image) int { return strings.Compare(x.Ref, y.Ref) })
	return o
}

// mutate applies f to the observed container called name.
func mutate(t testing.TB, o Observed, name string, f func(*Container)) Observed {
	t.Helper()
	o.Containers = slices.Clone(o.Containers)
	for i := range o.Containers {
		if o.Containers[i].Name == name {
			c := o.Containers[i]
			c.Labels = maps.Clone(c.Labels)
			f(&c)
			o.Containers[i] = c
			return o
		}
	}
	t.Fatalf("no observed container %s", name)
	return o
}
