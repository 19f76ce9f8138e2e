package planner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/mount"

	"github.com/reconciler/reconciler/spec"
)

// SimulateError is an action the engine model refused (missing target, name
// conflict, resource in use), naming the action.
type SimulateError struct {
	Action int
	Type   ActionType
	Target string
	Msg    string
}

func (e *SimulateError) Error() string {
	return fmt.Sprintf("simulate: action #%d %s %s: %s", e.Action, e.Type, e.Target, e.Msg)
}

// Simulate applies plan to a model of an engine holding observed and returns the
// resulting snapshot, as the reconciler would observe it after executing the plan.
// Actions run in plan order; every action succeeds instantly (waits are no-ops,
// started containers with a health check are healthy, pulls of an absent image give
// a deterministic id, a created container gets LabelImage from the local image when
// its spec lacks it, as the executor does). It refuses what dockerd refuses: a name
// already in use, a missing target, removing a network with endpoints or a volume
// in use. It is deterministic and does not modify observed.
//
// It is meant for tests (planning again after Simulate gives an empty plan) and for
// dry runs.
func Simulate(observed Observed, plan *Plan) (Observed, error) {
	m := newModel(observed)
	for i := range plan.Actions {
		if err := m.apply(&plan.Actions[i]); err != nil {
			return m.snapshot(), err
		}
	}
	return m.snapshot(), nil
}

type model struct {
	project    string
	containers []*Container
	networks   []*Network
	volumes    []*Volume
	images     map[string]string
	health     map[string]bool // container id -> created with a health check
	seq        int64
}

func newModel(o Observed) *model {
	m := &model{project: o.Project, images: map[string]string{}, health: map[string]bool{}}
	for _, c := range o.Containers {
		c := c
		c.Labels = maps.Clone(c.Labels)
		c.Networks = maps.Clone(c.Networks)
		c.Volumes = slices.Clone(c.Volumes)
		m.containers = append(m.containers, &c)
		m.seq = max(m.seq, c.Created)
	}
	for _, n := range o.Networks {
		n := n
		n.Labels = maps.Clone(n.Labels)
		n.Containers = slices.Clone(n.Containers)
		m.networks = append(m.networks, &n)
	}
	for _, v := range o.Volumes {
		v := v
		v.Labels = maps.Clone(v.Labels)
		m.volumes = append(m.volumes, &v)
	}
	for _, im := range o.Images {
		m.images[im.Ref] = im.ID
	}
	return m
}

func simID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:])
}

func (m *model) container(ref string) *Container {
	for _, c := range m.containers {
		if c.ID == ref || c.Name == ref {
			return c
		}
	}
	return nil
}

func (m *model) network(ref string) *Network {
	for _, n := range m.networks {
		if n.ID == ref || n.Name == ref {
			return n
		}
	}
	return nil
}

func (m *model) volume(name string) int {
	return slices.IndexFunc(m.volumes, func(v *Volume) bool { return v.Name == name })
}

func (m *model) apply(a *Action) error {
	fail := func(target, format string, args ...any) error {
		return &SimulateError{Action: a.ID, Type: a.Type, Target: target, Msg: fmt.Sprintf(format, args...)}
	}
	switch a.Type {
	case CreateNetwork:
		if m.network(a.Resource) != nil {
			return fail(a.Resource, "network name in use")
		}
		m.seq++
		n := &Network{ID: simID("network", a.Resource, strconv.FormatInt(m.seq, 10)), Name: a.Resource}
		if d := a.NetworkDef; d != nil {
			n.Driver, n.Labels, n.Internal = d.Driver, maps.Clone(d.Labels), d.Internal
		}
		m.networks = append(m.networks, n)
	case RemoveNetwork:
		n := m.network(a.Target)
		if n == nil {
			return fail(a.Target, "no such network")
		}
		if len(n.Containers) > 0 {
			return fail(a.Target, "network has active endpoints (%s)", strings.Join(n.Containers, ", "))
		}
		m.networks = slices.DeleteFunc(m.networks, func(x *Network) bool { return x == n })
	case ConnectNetwork, DisconnectNetwork:
		n, c := m.network(a.Network), m.container(a.Target)
		if n == nil || c == nil {
			return fail(a.Target, "no such network or container")
		}
		if a.Type == ConnectNetwork {
			if c.Networks == nil {
				c.Networks = map[string]string{}
			}
			c.Networks[n.Name] = n.ID
			n.Containers = append(n.Containers, c.Name)
		} else {
			delete(c.Networks, n.Name)
			n.Containers = slices.DeleteFunc(n.Containers, func(x string) bool { return x == c.Name })
		}
	case CreateVolume:
		if m.volume(a.Resource) >= 0 {
			return fail(a.Resource, "volume name in use")
		}
		v := &Volume{Name: a.Resource}
		if d := a.VolumeDef; d != nil {
			v.Driver, v.Labels = d.Driver, maps.Clone(d.Labels)
		}
		m.volumes = append(m.volumes, v)
	case RemoveVolume:
		i := m.volume(a.Target)
		if i < 0 {
			return fail(a.Target, "no such volume")
		}
		for _, c := range m.containers {
			if slices.Contains(c.Volumes, a.Target) {
				return fail(a.Target, "volume is in use by %s", c.Name)
			}
		}
		m.volumes = slices.Delete(m.volumes, i, i+1)
	case PullImage, BuildImage:
		if _, ok := m.images[a.Resource]; !ok {
			m.images[a.Resource] = "sha256:" + simID("image", a.Resource)
		}
	case RemoveImage:
		if _, ok := m.images[a.Target]; !ok {
			return fail(a.Target, "no such image")
		}
		delete(m.images, a.Target)
	case CreateContainer:
		return m.create(a, fail)
	case StartContainer, StopContainer, RemoveContainer, RenameContainer:
		c := m.container(a.Target)
		if c == nil {
			return fail(a.Target, "no such container")
		}
		return m.lifecycle(a, c, fail)
	}
	return nil
}

func (m *model) create(a *Action, fail func(string, string, ...any) error) error {
	s := a.Container
	if s == nil {
		return fail(a.Resource, "no create request")
	}
	if m.container(s.Name) != nil {
		return fail(s.Name, "container name in use")
	}
	m.seq++
	c := &Container{ID: simID("container", s.Name, strconv.FormatInt(m.seq, 10)), Name: s.Name, State: "created", Created: m.seq}
	if s.Config != nil {
		c.Image = s.Config.Image
		c.Labels = maps.Clone(s.Config.Labels)
		hc := s.Config.Healthcheck
		m.health[c.ID] = hc != nil && len(hc.Test) > 0 && hc.Test[0] != "NONE"
	}
	if c.Labels == nil {
		c.Labels = map[string]string{}
	}
	c.ImageID = m.images[c.Image]
	if c.Labels[spec.LabelImage] == "" && c.ImageID != "" {
		c.Labels[spec.LabelImage] = c.ImageID
	}
	if s.HostConfig != nil {
		for _, mt := range s.HostConfig.Mounts {
			switch {
			case mt.Type != mount.TypeVolume || mt.Source == "":
			case IsAnonymousVolume(mt.Source): // an inherited one: the model does not track them
				if c.Anonymous == nil {
					c.Anonymous = map[string]string{}
				}
				c.Anonymous[path.Clean(mt.Target)] = mt.Source
			default:
				c.Volumes = append(c.Volumes, mt.Source)
			}
		}
		for _, bind := range s.HostConfig.Binds {
			src, _, _ := strings.Cut(bind, ":")
			if src != "" && !strings.ContainsAny(src[:1], "/.~") {
				c.Volumes = append(c.Volumes, src)
			}
		}
	}
	for _, v := range c.Volumes {
		if m.volume(v) < 0 {
			return fail(s.Name, "no such volume %s", v)
		}
	}
	slices.Sort(c.Volumes)
	c.Volumes = slices.Compact(c.Volumes)
	if s.NetworkingConfig != nil {
		for _, name := range slices.Sorted(maps.Keys(s.NetworkingConfig.EndpointsConfig)) {
			n := m.network(name)
			if n == nil {
				return fail(s.Name, "no such network %s", name)
			}
			if c.Networks == nil {
				c.Networks = map[string]string{}
			}
			c.Networks[n.Name] = n.ID
			n.Containers = append(n.Containers, c.Name)
		}
	}
	m.containers = append(m.containers, c)
	return nil
}

func (m *model) lifecycle(a *Action, c *Container, fail func(string, string, ...any) error) error {
	switch a.Type {
	case StartContainer:
		if c.State == "paused" || c.State == "dead" || c.State == "removing" {
			return fail(a.Target, "cannot start a %s container", c.State)
		}
		c.State, c.ExitCode = "running", 0
		if m.healthcheck(c) {
			c.Health = "healthy"
		} else {
			c.Health = ""
		}
	case StopContainer:
		if isRunning(c.State) {
			if m.healthcheck(c) {
				m.health[c.ID] = true
			}
			c.State, c.ExitCode, c.Health = "exited", 0, ""
		}
	case RemoveContainer:
		if isRunning(c.State) && !a.Force {
			return fail(a.Target, "cannot remove a running container without force")
		}
		for _, n := range m.networks {
			n.Containers = slices.DeleteFunc(n.Containers, func(x string) bool { return x == c.Name })
		}
		m.containers = slices.DeleteFunc(m.containers, func(x *Container) bool { return x == c })
	case RenameContainer:
		if other := m.container(a.NewName); other != nil && other != c {
			return fail(a.NewName, "container name in use")
		}
		for _, n := range m.networks {
			for i, x := range n.Containers {
				if x == c.Name {
					n.Containers[i] = a.NewName
				}
			}
		}
		c.Name = a.NewName
	}
	return nil
}

// healthcheck reports whether c has a health check: its create request had one in
// this simulation, or it reported a health status before.
func (m *model) healthcheck(c *Container) bool { return m.health[c.ID] || c.Health != "" }

func (m *model) snapshot() Observed {
	o := Observed{Project: m.project}
	for _, c := range m.containers {
		cc := *c
		slices.Sort(cc.Volumes)
		o.Containers = append(o.Containers, cc)
	}
	for _, n := range m.networks {
		nn := *n
		nn.Containers = slices.Sorted(slices.Values(n.Containers))
		o.Networks = append(o.Networks, nn)
	}
	for _, v := range m.volumes {
		o.Volumes = append(o.Volumes, *v)
	}
	for _, ref := range slices.Sorted(maps.Keys(m.images)) {
		o.Images = append(o.Images, Image{Ref: ref, ID: m.images[ref]})
	}
	slices.SortFunc(o.Containers, func(x, y Container) int { return strings.Compare(x.Name, y.Name) })
	slices.SortFunc(o.Networks, func(x, y Network) int { return strings.Compare(x.Name, y.Name) })
	slices.SortFunc(o.Volumes, func(x, y Volume) int { return strings.Compare(x.Name, y.Name) })
	return o
}
