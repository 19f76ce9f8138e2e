package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reconciler/reconciler/spec"
)

// infraDeps are the actions a new container of s waits for: its networks, volumes
// and image, and the last actions of the services it depends on.
func (b *builder) infraDeps(s *spec.Service) []int {
	var deps []int
	for _, n := range s.Networks {
		deps = append(deps, b.netNode[n])
	}
	for _, v := range s.Volumes {
		deps = append(deps, b.volNode[v])
	}
	deps = append(deps, b.imgNode[s.Image])
	for _, dep := range s.DependsOn {
		deps = append(deps, b.last(dep.Service)...)
	}
	return deps
}

// startDeps are the actions a StartContainer of s waits for beyond its own
// container's: the last actions of service_started dependencies and a wait node
// per service_healthy / service_completed_successfully dependency.
func (b *builder) startDeps(s *spec.Service) []int {
	var deps []int
	for _, dep := range s.DependsOn {
		if b.services[dep.Service] == nil || !b.inScope(dep.Service) {
			continue
		}
		var t ActionType
		switch dep.Condition {
		case "service_healthy":
			t = WaitHealthy
		case "service_completed_successfully":
			t = WaitCompleted
		default:
			deps = append(deps, b.last(dep.Service)...)
			continue
		}
		deps = append(deps, b.waitFor(dep.Service, t, dep.Required, "depends_on condition "+dep.Condition))
	}
	return deps
}

// waitFor returns the wait action of type t on service name, adding it once.
// 0 when the service will have no containers (nothing to wait for, as compose).
func (b *builder) waitFor(name string, t ActionType, required bool, reason string) int {
	key := name + "\x00" + itoa(int(t)) + "\x00" + fmt.Sprint(required)
	if id, ok := b.waitNodes[key]; ok {
		return id
	}
	names := b.finalNames(name)
	if len(names) == 0 {
		return 0
	}
	id := b.add(Action{
		Type: t, Kind: KindService, Resource: name, Service: name, Reason: reason,
		Group: "wait:" + name, DependsOn: b.last(name),
		Wait: &Wait{Service: name, Containers: names, Required: required},
	})
	b.waitNodes[key] = id
	return id
}

// finalNames are the container names service name has once the plan is applied.
func (b *builder) finalNames(name string) []string {
	sd := b.decisions[name]
	if sd == nil {
		return nil
	}
	var out []string
	for _, cd := range sd.keep {
		if cd.want != nil {
			out = append(out, cd.want.Name)
		} else {
			out = append(out, cd.c.Name)
		}
	}
	for _, n := range sd.create {
		if w := b.specFor(sd.svc, n); w != nil {
			out = append(out, w.Name)
		}
	}
	slices.Sort(out)
	return out
}

// emitService emits the actions of one service: restart stops of dependents,
// replacements, starts, scale down and scale up. It records the service's last
// actions for its dependents.
func (b *builder) emitService(s *spec.Service) {
	sd := b.decisions[s.Name]
	if sd.idle() {
		return
	}
	infra := b.infraDeps(s)
	imageID := b.knownImageID(s.Image)
	var last []int

	var stops []int
	for _, dep := range sd.restartStops {
		c := dep.c
		dep.stopNode = b.add(Action{
			Type: StopContainer, Kind: KindContainer, Resource: c.Name, Service: c.Labels[spec.LabelService],
			Target: c.ID, Reason: "dependency " + s.Name + " is replaced (restart: true)",
			Group: "container:" + c.Name, StopTimeout: b.opts.StopTimeout,
		})
		stops = append(stops, dep.stopNode)
	}
	// Wait nodes are added only when something of s is started.
	var startDepsMemo []int
	startDepsDone := false
	startDeps := func() []int {
		if !startDepsDone && !b.opts.NoStart {
			startDepsMemo, startDepsDone = b.startDeps(s), true
		}
		return startDepsMemo
	}
	// Duplicates go first: a replacement may be renamed to one of their names.
	var dups []int
	for _, cd := range sd.remove {
		if cd.duplicate && b.destroyed[cd.c.ID] == 0 {
			id := b.destroy(cd.c, cd.removeReason, "container:"+cd.c.Name)
			dups = append(dups, id)
			last = append(last, id)
		}
	}
	infra = append(infra, dups...)
	for _, cd := range sd.keep {
		c := cd.c
		switch {
		case cd.recreate && cd.want == nil:
		case cd.recreate && (cd.early || b.destroyed[c.ID] > 0):
			group := "container:" + cd.want.Name
			id := b.add(Action{
				Type: CreateContainer, Kind: KindContainer, Resource: cd.want.Name, Service: s.Name,
				Reason: strings.Join(cd.reasons, ", "), Changes: cd.fields, Group: group,
				Container: b.inherit(createSpec(cd.want, s, cd.want.Name, imageID, ""), c), DependsOn: append(infra, stops...),
			})
			last = append(last, b.start(cd.want.Name, s.Name, group, "replaced", id, startDeps))
		case cd.recreate:
			group := "container:" + cd.want.Name
			tmp := tmpName(c.ID, cd.want.Name)
			create := b.add(Action{
				Type: CreateContainer, Kind: KindContainer, Resource: cd.want.Name, Service: s.Name,
				Reason: strings.Join(cd.reasons, ", "), Changes: cd.fields, Group: group,
				Container: b.inherit(createSpec(cd.want, s, tmp, imageID, s.Name+"-"+itoa(cd.number)), c),
				DependsOn: append(slices.Clip(infra), stops...),
			})
			rm := b.destroy(c, "replaced", group, create)
			rename := b.add(Action{
				Type: RenameContainer, Kind: KindContainer, Resource: cd.want.Name, Service: s.Name,
				Target: tmp, NewName: cd.want.Name, Reason: "finalize replacement", Group: group,
				DependsOn: []int{rm},
			})
			last = append(last, b.start(cd.want.Name, s.Name, group, "replaced", rename, startDeps))
		case cd.start:
			deps := append(slices.Clip(startDeps()), b.connectNode[c.ID]...)
			deps = append(deps, cd.stopNode)
			for _, v := range s.Volumes {
				deps = append(deps, b.volNode[v])
			}
			reason := "container is " + c.State
			if cd.restartStop {
				reason = "restarted after its dependency was replaced"
			}
			id := b.add(Action{
				Type: StartContainer, Kind: KindContainer, Resource: c.Name, Service: s.Name,
				Target: c.ID, Reason: reason, Group: "container:" + c.Name, DependsOn: deps,
			})
			last = append(last, id)
		}
	}
	for _, cd := range sd.remove {
		if b.destroyed[cd.c.ID] > 0 || cd.duplicate {
			continue
		}
		last = append(last, b.destroy(cd.c, cd.removeReason, "container:"+cd.c.Name))
	}
	for _, n := range sd.create {
		want := b.specFor(s, n)
		if want == nil {
			continue
		}
		group := "container:" + want.Name
		reason := "not found"
		if len(b.byService[s.Name]) > 0 {
			reason = "scale up"
		}
		id := b.add(Action{
			Type: CreateContainer, Kind: KindContainer, Resource: want.Name, Service: s.Name,
			Reason: reason, Group: group, Container: createSpec(want, s, want.Name, imageID, ""),
			DependsOn: slices.Clip(infra),
		})
		last = append(last, b.start(want.Name, s.Name, group, "created", id, startDeps))
	}
	sd.last = last
}

// idle reports whether the service needs no action at all.
func (sd *serviceDecision) idle() bool {
	if len(sd.restartStops) > 0 || len(sd.remove) > 0 || len(sd.create) > 0 {
		return false
	}
	for _, cd := range sd.keep {
		if cd.recreate || cd.start {
			return false
		}
	}
	return true
}

// start adds a StartContainer after node (unless NoStart) and returns the last node.
func (b *builder) start(name, svc, group, reason string, node int, deps func() []int) int {
	if b.opts.NoStart {
		return node
	}
	return b.add(Action{
		Type: StartContainer, Kind: KindContainer, Resource: name, Service: svc, Target: name,
		Reason: reason, Group: group, DependsOn: append(slices.Clip(deps()), node),
	})
}

// tmpName is compose's temporary name for a replacement: <oldID[:12]>_<name>.
func tmpName(oldID, name string) string {
	if len(oldID) > 12 {
		oldID = oldID[:12]
	}
	return oldID + "_" + name
}

// emitOrphans warns about, or removes, containers of services the project no
// longer has (profile-disabled services are not orphans) and exited one-offs.
func (b *builder) emitOrphans() {
	known := func(name string) bool {
		return b.services[name] != nil || slices.Contains(b.d.DisabledServices, name)
	}
	var orphans []*Container
	for i := range b.obs.Containers {
		c := &b.obs.Containers[i]
		if c.Labels[spec.LabelOneoff] == "True" {
			if c.State == "exited" || c.State == "dead" {
				orphans = append(orphans, c)
			}
			continue
		}
		if !known(c.Labels[spec.LabelService]) {
			orphans = append(orphans, c)
		}
	}
	if len(orphans) == 0 {
		return
	}
	names := make([]string, len(orphans))
	for i, c := range orphans {
		names[i] = c.Name
	}
	slices.Sort(names)
	b.plan.Orphans = names
	if !b.opts.RemoveOrphans {
		b.warn(fmt.Sprintf("found orphan containers (%s) for this project; if you removed or renamed this service in your compose file, plan with remove orphans to clean it up", strings.Join(names, ", ")))
		return
	}
	for _, c := range orphans {
		if b.destroyed[c.ID] > 0 {
			continue
		}
		b.destroy(c, "orphan: service "+c.Labels[spec.LabelService]+" is not in the project", "container:"+c.Name)
	}
}

// emitUpWaits adds up --wait nodes: per service in scope with containers, wait
// until running (healthy when it has a health check), or completed for services
// another depends on with service_completed_successfully.
func (b *builder) emitUpWaits() {
	if !b.opts.Wait || b.opts.NoStart {
		return
	}
	completed := map[string]bool{}
	for i := range b.d.Services {
		for _, dep := range b.d.Services[i].DependsOn {
			if dep.Condition == "service_completed_successfully" {
				completed[dep.Service] = true
			}
		}
	}
	for _, s := range b.order {
		t := WaitRunning
		if completed[s.Name] {
			t = WaitCompleted
		}
		b.waitFor(s.Name, t, true, "up --wait")
	}
}
