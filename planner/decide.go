package planner

import (
	"slices"
	"strings"

	"github.com/reconciler/reconciler/spec"
)

// serviceDecision is what the planner decided for one service, before emitting.
type serviceDecision struct {
	svc    *spec.Service
	keep   []*containerDecision // sorted by number
	remove []*containerDecision // scale down and duplicates
	create []int                // new replica numbers, ascending
	// recreated is set when any kept container is replaced.
	recreated bool
	// last are the service's final actions (its dependents wait for them).
	last []int
	// restartStops are the running containers of restart:true dependents to stop
	// before this service's containers are replaced.
	restartStops []*containerDecision
}

// containerDecision is the fate of one observed container.
type containerDecision struct {
	c      *Container
	number int
	want   *spec.Container // desired create request for this number (kept only)
	// recreate replaces the container; reasons and fields explain why.
	recreate bool
	reasons  []string
	fields   []FieldChange
	// early: the container is destroyed first (its volume is re-created), so the
	// replacement is created under its final name, not a temporary one.
	early bool
	// start: the container is kept, not running, and gets a StartContainer.
	start bool
	// restartStop is the action stopping it because a restart:true dependency is
	// replaced (0 when none); it is then started again.
	restartStop bool
	stopNode    int
	// removeReason explains a removal (scale down, duplicate).
	removeReason string
	// nameOK: the observed name is the desired one for its number.
	nameOK bool
	// duplicate: removed because another container holds its number; removed
	// before the service's creates and renames, which may reuse its name.
	duplicate bool
}

// policyFor is the recreate policy of one service: Options.Recreate for targeted
// services; for their dependencies diverged (or never), or force with
// Options.AlwaysRecreateDeps.
func (b *builder) policyFor(name string) RecreatePolicy {
	p := b.opts.Recreate
	if p == "" {
		p = RecreateDiverged
	}
	switch {
	case b.isTargeted(name) || p == RecreateNever:
		return p
	case b.opts.AlwaysRecreateDeps:
		return RecreateForce
	case p == RecreateForce:
		return RecreateDiverged
	}
	return p
}

// decideService classifies the observed containers of s: kept (maybe replaced or
// started), removed (scale down, duplicates) and the new replica numbers.
func (b *builder) decideService(s *spec.Service) {
	sd := b.newServiceDecision()
	sd.svc = s
	b.decisions[s.Name] = sd
	policy := b.policyFor(s.Name)
	observed := b.byService[s.Name]
	parent := b.replacedParent(s)

	// One container per number: prefer not obsolete, then running, then the newest.
	all := make([]*containerDecision, 0, len(observed))
	maxNum := 0
	for _, c := range observed {
		cd := b.newContainerDecision()
		cd.c, cd.number = c, number(c)
		if cd.number > maxNum {
			maxNum = cd.number
		}
		b.judge(s, cd, policy)
		if parent != "" && policy == RecreateDiverged && !cd.recreate {
			cd.recreate = true
			cd.reasons = append(cd.reasons, "namespace or volumes_from parent "+parent+" is replaced")
		}
		if cd.number > 0 && len(s.Containers) > 0 {
			cd.want = b.specFor(s, cd.number)
			cd.nameOK = c.Name == cd.want.Name
			if !cd.nameOK && !cd.recreate && policy != RecreateNever {
				cd.recreate = true
				cd.reasons = append(cd.reasons, "name differs")
			}
		}
		all = append(all, cd)
	}
	slices.SortFunc(all, func(x, y *containerDecision) int {
		if x.recreate != y.recreate {
			if !x.recreate {
				return -1
			}
			return 1
		}
		if x.number != y.number {
			return x.number - y.number
		}
		if x.nameOK != y.nameOK {
			if x.nameOK {
				return -1
			}
			return 1
		}
		if rx, ry := isRunning(x.c.State), isRunning(y.c.State); rx != ry {
			if rx {
				return -1
			}
			return 1
		}
		if x.c.Created != y.c.Created {
			if x.c.Created > y.c.Created {
				return -1
			}
			return 1
		}
		return strings.Compare(x.c.Name, y.c.Name)
	})
	candidates := all[:0:0]
	if len(all) == 1 && all[0].number > 0 {
		candidates = all
	} else {
		for _, cd := range all {
			if cd.number == 0 || slices.ContainsFunc(candidates, func(x *containerDecision) bool { return x.number == cd.number }) {
				cd.removeReason, cd.duplicate = "duplicate replica number", true
				sd.remove = append(sd.remove, cd)
				continue
			}
			candidates = append(candidates, cd)
		}
	}
	// candidates: up-to-date by number, then obsolete by number. Keep the first
	// Replicas, remove the rest (obsolete first, then the highest numbers).
	for i, cd := range candidates {
		if i >= s.Replicas {
			cd.removeReason = "scale down"
			sd.remove = append(sd.remove, cd)
			continue
		}
		if cd.recreate {
			sd.recreated = true
		} else if !isRunning(cd.c.State) && cd.c.State != "dead" && cd.c.State != "removing" && !b.opts.NoStart && !b.completed(cd) {
			cd.start = true
		}
		if cd.c.State == "paused" && !cd.recreate {
			b.warn("container " + cd.c.Name + " is paused; it is left as is (unpause it to resume)")
		}
		sd.keep = append(sd.keep, cd)
		b.byName[cd.c.Name] = cd
	}
	slices.SortFunc(sd.keep, func(x, y *containerDecision) int { return x.number - y.number })
	slices.SortFunc(sd.remove, func(x, y *containerDecision) int { return strings.Compare(x.c.Name, y.c.Name) })
	for n := len(sd.keep); n < s.Replicas; n++ {
		maxNum++
		sd.create = append(sd.create, maxNum)
	}
}

// newServiceDecision and newContainerDecision hand out zeroed values from
// arenas sized for the inputs (one allocation each instead of one per value).
func (b *builder) newServiceDecision() *serviceDecision {
	if len(b.sdArena) == 0 {
		b.sdArena = make([]serviceDecision, max(len(b.d.Services), 8))
	}
	sd := &b.sdArena[0]
	b.sdArena = b.sdArena[1:]
	return sd
}

func (b *builder) newContainerDecision() *containerDecision {
	if len(b.cdArena) == 0 {
		b.cdArena = make([]containerDecision, max(len(b.obs.Containers), 8))
	}
	cd := &b.cdArena[0]
	b.cdArena = b.cdArena[1:]
	return cd
}

// replacedParent returns the service whose container s shares a namespace with
// (network_mode/ipc/pid "container:<name>") or takes volumes from, when that
// service has a container replaced in this plan: s must be re-created too, as
// the engine resolved the reference to the old container's id. "" otherwise.
func (b *builder) replacedParent(s *spec.Service) string {
	if len(s.Containers) == 0 || s.Containers[0].HostConfig == nil {
		return ""
	}
	hc := s.Containers[0].HostConfig
	refs := []string{string(hc.NetworkMode), string(hc.IpcMode), string(hc.PidMode)}
	for _, v := range hc.VolumesFrom {
		name, _, _ := strings.Cut(v, ":")
		refs = append(refs, "container:"+name)
	}
	for _, r := range refs {
		name, ok := strings.CutPrefix(r, "container:")
		if !ok || name == "" {
			continue
		}
		for _, dep := range s.DependsOn {
			sd := b.decisions[dep.Service]
			if sd == nil || !sd.recreated {
				continue
			}
			for _, cd := range sd.keep {
				if cd.recreate && cd.want != nil && (cd.want.Name == name || cd.c.Name == name) {
					return dep.Service
				}
			}
		}
	}
	return ""
}

// completed reports whether Options.KeepCompleted leaves cd alone: it exited 0
// and its restart policy never restarts it (a one-shot task that is done).
func (b *builder) completed(cd *containerDecision) bool {
	if !b.opts.KeepCompleted || cd.c.State != "exited" || cd.c.ExitCode != 0 || cd.want == nil {
		return false
	}
	hc := cd.want.HostConfig
	return hc == nil || hc.RestartPolicy.Name == "" || hc.RestartPolicy.Name == "no"
}

// judge decides whether cd must be replaced under policy, and why.
func (b *builder) judge(s *spec.Service, cd *containerDecision, policy RecreatePolicy) {
	c := cd.c
	// A confirmed volume re-creation removes the container whatever the policy.
	for _, v := range c.Volumes {
		if b.volRecreate[v] {
			cd.recreate, cd.early = true, true
			cd.reasons = append(cd.reasons, "volume "+v+" is re-created")
			return
		}
	}
	switch policy {
	case RecreateNever:
		return
	case RecreateForce:
		cd.recreate = true
		cd.reasons = append(cd.reasons, "forced")
		return
	}
	if c.State == "dead" || c.State == "removing" {
		cd.recreate = true
		cd.reasons = append(cd.reasons, "container is "+c.State)
	}
	if c.Labels[spec.LabelConfigHash] != s.ConfigHash {
		cd.recreate = true
		cd.fields = explain(c.Labels[spec.LabelServiceConfig], s)
		if len(cd.fields) > 0 {
			cd.reasons = append(cd.reasons, "config changed")
		} else {
			cd.reasons = append(cd.reasons, "config hash differs")
		}
	}
	if old := c.Labels[spec.LabelImage]; old != "" {
		if id, ok := b.imgObs[s.Image]; ok && id != "" && id != old {
			cd.recreate = true
			cd.reasons = append(cd.reasons, "image changed")
			cd.fields = append(cd.fields, FieldChange{Path: "(image id)", Before: shortID(old), After: shortID(id)})
		}
	}
	if c.State == "running" {
		for _, n := range s.Networks {
			if id, attached := c.Networks[n]; attached {
				on := b.netObs[n]
				if b.replacedNets[n] || on == nil || on.ID == "" || id == "" || id == on.ID {
					continue
				}
			}
			cd.recreate = true
			cd.reasons = append(cd.reasons, "not connected to network "+n)
		}
	}
	for _, v := range s.Volumes {
		if !slices.Contains(c.Volumes, v) {
			cd.recreate = true
			cd.reasons = append(cd.reasons, "volume "+v+" not mounted")
		}
	}
}

// markRestartDependents finds, for every replaced service, the running containers
// of services that depend on it with restart: true; they are stopped before the
// replacement and started again after it.
func (b *builder) markRestartDependents() {
	for _, s := range b.order {
		sd := b.decisions[s.Name]
		for _, dep := range s.DependsOn {
			if !dep.Restart {
				continue
			}
			parent := b.decisions[dep.Service]
			if parent == nil || !parent.recreated {
				continue
			}
			for _, cd := range sd.keep {
				if cd.recreate || cd.restartStop || !isRunning(cd.c.State) {
					continue
				}
				cd.restartStop = true
				cd.start = !b.opts.NoStart
				parent.restartStops = append(parent.restartStops, cd)
			}
		}
	}
}

// specFor returns the desired create request for replica n of s. Numbers beyond
// the spec's (gaps are never refilled, as compose) are derived from the first
// replica with the name and number replaced. Nil when s has no replicas.
func (b *builder) specFor(s *spec.Service, n int) *spec.Container {
	if n >= 1 && n <= len(s.Containers) && s.Containers[n-1].Number == n {
		return &s.Containers[n-1]
	}
	for i := range s.Containers {
		if s.Containers[i].Number == n {
			return &s.Containers[i]
		}
	}
	if len(s.Containers) == 0 {
		return nil
	}
	return deriveReplica(&s.Containers[0], b.d.Project+"-"+s.Name+"-"+itoa(n), n)
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
