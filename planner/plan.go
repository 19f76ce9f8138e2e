package planner

import (
	"errors"
	"slices"
	"strconv"

	"github.com/reconciler/reconciler/spec"
)

// Up computes the plan that takes observed to desired (docker compose up/create).
// It is named Up, not Plan, because Plan is the result type; Down is its mirror.
// It is pure: no context,
// no I/O, no clock; the same inputs always give the same Plan (same String and JSON).
//
// It follows docker compose's rules (see doc.go). Every problem found (missing
// external resources, a diverged volume without confirmation, a missing image
// with pull policy never, an unknown targeted service) is reported at once: the
// error joins one *Error per problem, and the Plan is nil.
func Up(desired *spec.Desired, observed Observed, opts Options) (*Plan, error) {
	if desired == nil {
		return nil, &Error{Kind: KindService, Op: "plan", Err: ErrInvalidInput, Detail: "desired state is nil"}
	}
	b := newBuilder(desired, &observed, opts)
	b.run()
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return b.plan, nil
}

// builder holds the indexes and the plan under construction for one Plan call.
type builder struct {
	d    *spec.Desired
	obs  *Observed
	opts Options
	plan *Plan
	errs []error

	services map[string]*spec.Service
	order    []*spec.Service // services in scope, dependencies first
	// scope and targeted are filled only when Options.Services is set; use
	// inScope and isTargeted.
	scope    map[string]bool
	targeted map[string]bool

	byService map[string][]*Container // observed service containers (not one-off)
	netObs    map[string]*Network
	volObs    map[string]*Volume
	imgObs    map[string]string // ref -> local image id

	decisions    map[string]*serviceDecision
	byName       map[string]*containerDecision // kept containers by observed name
	replacedNets map[string]bool
	volRecreate  map[string]bool // confirmed diverged volumes

	imgNode     map[string]int
	netNode     map[string]int
	volNode     map[string]int
	connectNode map[string][]int // observed container id -> reconnect actions
	destroyed   map[string]int   // observed container id -> its RemoveContainer, when a volume re-creation removes it first
	waitNodes   map[string]int   // "svc\x00condition\x00required" -> wait action

	sdArena []serviceDecision
	cdArena []containerDecision
}

func newBuilder(d *spec.Desired, obs *Observed, opts Options) *builder {
	b := &builder{
		d: d, obs: obs, opts: opts,
		plan:         &Plan{Project: d.Project},
		services:     make(map[string]*spec.Service, len(d.Services)),
		scope:        map[string]bool{},
		targeted:     map[string]bool{},
		byService:    make(map[string][]*Container, len(d.Services)),
		netObs:       make(map[string]*Network, len(obs.Networks)),
		volObs:       make(map[string]*Volume, len(obs.Volumes)),
		imgObs:       make(map[string]string, len(obs.Images)),
		decisions:    make(map[string]*serviceDecision, len(d.Services)),
		byName:       make(map[string]*containerDecision, len(obs.Containers)),
		replacedNets: map[string]bool{},
		volRecreate:  map[string]bool{},
		imgNode:      map[string]int{},
		netNode:      map[string]int{},
		volNode:      map[string]int{},
		connectNode:  map[string][]int{},
		destroyed:    map[string]int{},
		waitNodes:    map[string]int{},
	}
	if d.Project == "" {
		b.plan.Project = obs.Project
	}
	for i := range d.Services {
		b.services[d.Services[i].Name] = &d.Services[i]
	}
	for i := range obs.Networks {
		b.netObs[obs.Networks[i].Name] = &obs.Networks[i]
	}
	for i := range obs.Volumes {
		b.volObs[obs.Volumes[i].Name] = &obs.Volumes[i]
	}
	for _, im := range obs.Images {
		b.imgObs[im.Ref] = im.ID
	}
	return b
}

func (b *builder) fail(kind Kind, name, op string, err error, detail string) {
	b.errs = append(b.errs, &Error{Kind: kind, Name: name, Op: op, Err: err, Detail: detail})
}

func (b *builder) warn(s string) { b.plan.Warnings = append(b.plan.Warnings, s) }

// add appends a to the plan, giving it the next ID, and returns that ID.
// DependsOn is sorted and de-duplicated; zero IDs (no node) are dropped.
func (b *builder) add(a Action) int {
	a.ID = len(b.plan.Actions) + 1
	a.DependsOn = normDeps(a.DependsOn)
	b.plan.Actions = append(b.plan.Actions, a)
	return a.ID
}

func normDeps(deps []int) []int {
	out := deps[:0:0]
	for _, d := range deps {
		if d > 0 {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (b *builder) run() {
	switch b.opts.Recreate {
	case "", RecreateDiverged, RecreateForce, RecreateNever:
	default:
		b.fail(KindService, string(b.opts.Recreate), "configure", ErrInvalidOption, "recreate policy must be diverged, force or never")
	}
	switch b.opts.Pull {
	case "", spec.PullAlways, spec.PullMissing, spec.PullNever:
	default:
		b.fail(KindImage, string(b.opts.Pull), "configure", ErrInvalidOption, "pull override must be always, missing or never")
	}
	b.selectScope()
	if len(b.errs) > 0 {
		return
	}
	b.indexContainers()
	b.checkVolumes()
	b.checkNetworks()
	b.checkImages()
	if len(b.errs) > 0 {
		return
	}
	for _, s := range b.order {
		b.decideService(s)
	}
	b.markRestartDependents()
	b.emitImages()
	b.emitVolumes()
	b.emitNetworks()
	for _, s := range b.order {
		b.emitService(s)
	}
	b.emitOrphans()
	b.emitUpWaits()
}

// selectScope resolves Options.Services (plus dependencies) and orders the services
// in scope, dependencies first, ties by name.
func (b *builder) selectScope() {
	for _, name := range b.opts.Services {
		if b.services[name] == nil {
			b.fail(KindService, name, "select", ErrUnknownService, "")
			continue
		}
		b.targeted[name] = true
	}
	var visit func(name string)
	visit = func(name string) {
		if b.scope[name] {
			return
		}
		b.scope[name] = true
		for _, dep := range b.services[name].DependsOn {
			if b.services[dep.Service] != nil {
				visit(dep.Service)
			}
		}
	}
	for _, name := range b.opts.Services {
		if b.services[name] != nil {
			visit(name)
		}
	}
	order, cycle := topoOrder(b.d.Services, b.inScope)
	if cycle != "" {
		b.fail(KindService, cycle, "order", ErrDependencyCycle, "")
		return
	}
	b.order = order
}

// inScope reports whether service name is planned (targeted or a dependency).
func (b *builder) inScope(name string) bool {
	return len(b.opts.Services) == 0 || b.scope[name]
}

// isTargeted reports whether service name was named in Options.Services (all
// services are when none is named).
func (b *builder) isTargeted(name string) bool {
	return len(b.opts.Services) == 0 || b.targeted[name]
}

// last returns the final actions of service name (none when it is not planned).
func (b *builder) last(name string) []int {
	if sd := b.decisions[name]; sd != nil {
		return sd.last
	}
	return nil
}

// topoOrder returns the services in scope sorted by (depth, name), where depth is
// 0 for a service without dependencies and 1+max(depth of deps) otherwise. On a
// cycle it returns the name of a service on it.
func topoOrder(svcs []spec.Service, scope func(string) bool) ([]*spec.Service, string) {
	idx := make(map[string]int, len(svcs))
	for i := range svcs {
		idx[svcs[i].Name] = i
	}
	depth := make([]int, len(svcs))
	state := make([]uint8, len(svcs)) // 0 new, 1 visiting, 2 done
	cycle := ""
	var visit func(i int) int
	visit = func(i int) int {
		switch state[i] {
		case 2:
			return depth[i]
		case 1:
			if cycle == "" {
				cycle = svcs[i].Name
			}
			return 0
		}
		state[i] = 1
		d := 0
		for _, dep := range svcs[i].DependsOn {
			j, ok := idx[dep.Service]
			if !ok {
				continue
			}
			if dd := visit(j) + 1; dd > d {
				d = dd
			}
		}
		state[i] = 2
		depth[i] = d
		return d
	}
	var out []*spec.Service
	for i := range svcs {
		if scope(svcs[i].Name) {
			visit(i)
			out = append(out, &svcs[i])
		}
	}
	if cycle != "" {
		return nil, cycle
	}
	slices.SortStableFunc(out, func(x, y *spec.Service) int {
		if dx, dy := depth[idx[x.Name]], depth[idx[y.Name]]; dx != dy {
			return dx - dy
		}
		if x.Name < y.Name {
			return -1
		}
		if x.Name > y.Name {
			return 1
		}
		return 0
	})
	return out, ""
}

// indexContainers groups the observed service containers by service label.
// One-off containers (compose run) are left out: they are orphans when exited.
func (b *builder) indexContainers() {
	// Two passes: count, then carve every service's slice from one buffer.
	counts := make(map[string]int, len(b.d.Services))
	for i := range b.obs.Containers {
		c := &b.obs.Containers[i]
		if c.Labels[spec.LabelOneoff] != "True" {
			counts[c.Labels[spec.LabelService]]++
		}
	}
	buf := make([]*Container, 0, len(b.obs.Containers))
	for i := range b.obs.Containers {
		c := &b.obs.Containers[i]
		if c.Labels[spec.LabelOneoff] == "True" {
			continue
		}
		svc := c.Labels[spec.LabelService]
		cs, ok := b.byService[svc]
		if !ok {
			n := counts[svc]
			cs, buf = buf[len(buf):len(buf):len(buf)+n], buf[:len(buf)+n]
		}
		b.byService[svc] = append(cs, c)
	}
}

// number returns a container's replica number, 0 when the label is missing or bad.
func number(c *Container) int {
	n, err := strconv.Atoi(c.Labels[spec.LabelContainerNumber])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// isRunning reports whether the container's process is up (stop it before removal,
// do not start it).
func isRunning(state string) bool {
	return state == "running" || state == "restarting" || state == "paused"
}
