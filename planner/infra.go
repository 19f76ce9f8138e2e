package planner

import (
	"fmt"
	"slices"

	"github.com/reconciler/reconciler/spec"
)

// checkVolumes reports missing external volumes and diverged volumes, and records
// the confirmed re-creations.
func (b *builder) checkVolumes() {
	for i := range b.d.Volumes {
		v := &b.d.Volumes[i]
		ov := b.volObs[v.Name]
		switch {
		case v.External:
			if ov == nil {
				b.fail(KindVolume, v.Name, "use", ErrExternalNotFound, "")
			}
		case ov == nil || !b.owned(ov.Labels):
		case ov.Labels[spec.LabelConfigHash] == "" || v.ConfigHash == "" || ov.Labels[spec.LabelConfigHash] == v.ConfigHash:
		case !b.opts.ConfirmVolumeRecreate:
			b.fail(KindVolume, v.Name, "recreate", ErrVolumeDiverged, "")
		default:
			b.volRecreate[v.Name] = true
		}
	}
}

// checkNetworks reports missing external networks and records diverged ones.
func (b *builder) checkNetworks() {
	for i := range b.d.Networks {
		n := &b.d.Networks[i]
		on := b.netObs[n.Name]
		switch {
		case n.External:
			if on == nil {
				b.fail(KindNetwork, n.Name, "use", ErrExternalNotFound, "")
			}
		case on == nil || !b.owned(on.Labels):
		case on.Labels[spec.LabelConfigHash] == "" || n.ConfigHash == "" || on.Labels[spec.LabelConfigHash] == n.ConfigHash:
		default:
			b.replacedNets[n.Name] = true
		}
	}
}

func (b *builder) owned(labels map[string]string) bool {
	return labels[spec.LabelProject] == b.d.Project
}

// imageDecision is the action planned for one image: PullImage, BuildImage or 0.
func (b *builder) imageDecision(img *spec.Image) (ActionType, string) {
	policy := img.Policy
	if policy == "" || policy == spec.PullRefresh {
		policy = spec.PullMissing
	}
	if b.opts.Pull != "" && !(img.Build != nil && policy == spec.PullBuild) {
		policy = b.opts.Pull
	}
	if policy == spec.PullAlways && img.Build != nil && b.buildOnly(img) {
		policy = spec.PullMissing
	}
	_, present := b.imgObs[img.Ref]
	switch {
	case policy == spec.PullBuild && img.Build != nil:
		return BuildImage, "pull_policy build"
	case policy == spec.PullAlways:
		return PullImage, "pull_policy always"
	case present:
		return 0, ""
	case policy == spec.PullNever:
		return -1, ""
	case img.Build != nil:
		return BuildImage, "not found locally"
	default:
		return PullImage, "not found locally"
	}
}

// buildOnly reports whether img is the <project>-<service> image of a service that
// has a build section and no image: name (nothing to pull).
func (b *builder) buildOnly(img *spec.Image) bool {
	for _, s := range img.Services {
		if img.Ref == b.d.Project+"-"+s {
			return true
		}
	}
	return false
}

func (b *builder) imageInScope(img *spec.Image) bool {
	if len(b.opts.Services) == 0 {
		return true
	}
	for _, s := range img.Services {
		if b.inScope(s) {
			return true
		}
	}
	return false
}

func (b *builder) checkImages() {
	for i := range b.d.Images {
		img := &b.d.Images[i]
		if !b.imageInScope(img) {
			continue
		}
		if t, _ := b.imageDecision(img); t == -1 {
			b.fail(KindImage, img.Ref, "pull", ErrImageMissing, "")
		}
	}
}

// knownImageID is the local id of ref when no action of this plan pulls or builds
// it (so the id stays); "" otherwise.
func (b *builder) knownImageID(ref string) string {
	if b.imgNode[ref] != 0 {
		return ""
	}
	return b.imgObs[ref]
}

func (b *builder) emitImages() {
	for i := range b.d.Images {
		img := &b.d.Images[i]
		if !b.imageInScope(img) {
			continue
		}
		t, reason := b.imageDecision(img)
		if t <= 0 {
			continue
		}
		_, present := b.imgObs[img.Ref]
		b.imgNode[img.Ref] = b.add(Action{
			Type: t, Kind: KindImage, Resource: img.Ref, Reason: reason,
			Group: "image:" + img.Ref, ImageDef: img, Refresh: present,
		})
	}
}

// emitVolumes creates missing volumes, warns about unmanaged ones, and re-creates
// confirmed diverged ones after stopping and removing every container mounting them.
func (b *builder) emitVolumes() {
	for i := range b.d.Volumes {
		v := &b.d.Volumes[i]
		if v.External {
			continue
		}
		ov := b.volObs[v.Name]
		switch {
		case ov == nil:
			b.volNode[v.Name] = b.add(Action{
				Type: CreateVolume, Kind: KindVolume, Resource: v.Name, Reason: "not found",
				Group: "volume:" + v.Name, VolumeDef: v,
			})
		case !b.owned(ov.Labels):
			b.warnForeign("volume", v.Name, ov.Labels)
		case b.volRecreate[v.Name]:
			var deps []int
			for j := range b.obs.Containers {
				c := &b.obs.Containers[j]
				if !slices.Contains(c.Volumes, v.Name) || b.destroyed[c.ID] > 0 {
					continue
				}
				id := b.destroy(c, "volume "+v.Name+" is re-created", b.groupOf(c))
				b.destroyed[c.ID] = id
				deps = append(deps, id)
			}
			rm := b.add(Action{
				Type: RemoveVolume, Kind: KindVolume, Resource: v.Name, Target: v.Name,
				Reason: "config diverged (re-creation confirmed)", Group: "volume:" + v.Name, DependsOn: deps,
			})
			b.volNode[v.Name] = b.add(Action{
				Type: CreateVolume, Kind: KindVolume, Resource: v.Name, Reason: "config diverged (re-creation confirmed)",
				Group: "volume:" + v.Name, VolumeDef: v, DependsOn: []int{rm},
			})
		}
	}
}

// groupOf names the output group of an observed container: its final name when it
// is kept (so a destroy-then-create reads as one replacement), else its own name.
func (b *builder) groupOf(c *Container) string {
	if cd := b.byName[c.Name]; cd != nil && cd.want != nil {
		return "container:" + cd.want.Name
	}
	return "container:" + c.Name
}

// destroy emits StopContainer (when running) and RemoveContainer for c and returns
// the remove action.
func (b *builder) destroy(c *Container, reason, group string, deps ...int) int {
	if isRunning(c.State) {
		deps = []int{b.add(Action{
			Type: StopContainer, Kind: KindContainer, Resource: c.Name, Service: c.Labels[spec.LabelService],
			Target: c.ID, Reason: reason, Group: group, StopTimeout: b.opts.StopTimeout, DependsOn: deps,
		})}
	}
	return b.add(Action{
		Type: RemoveContainer, Kind: KindContainer, Resource: c.Name, Service: c.Labels[spec.LabelService],
		Target: c.ID, Reason: reason, Group: group, Force: true, DependsOn: deps,
	})
}

func (b *builder) warnForeign(kind, name string, labels map[string]string) {
	if p := labels[spec.LabelProject]; p != "" {
		b.warn(fmt.Sprintf("%s %s belongs to project %q; it is used as is", kind, name, p))
		return
	}
	b.warn(fmt.Sprintf("%s %s exists but was not created by compose or the reconciler; it is used as is (set external: true to use an existing %s)", kind, name, kind))
}

// emitNetworks creates missing networks, warns about unmanaged ones, and repairs
// diverged ones: disconnect every attached container, remove, create, and
// reconnect the containers that stay.
func (b *builder) emitNetworks() {
	for i := range b.d.Networks {
		n := &b.d.Networks[i]
		if n.External {
			continue
		}
		on := b.netObs[n.Name]
		group := "network:" + n.Name
		switch {
		case on == nil:
			b.netNode[n.Name] = b.add(Action{
				Type: CreateNetwork, Kind: KindNetwork, Resource: n.Name, Reason: "not found",
				Group: group, NetworkDef: n,
			})
		case !b.owned(on.Labels):
			b.warnForeign("network", n.Name, on.Labels)
		case b.replacedNets[n.Name]:
			var deps []int
			attached := slices.Sorted(slices.Values(on.Containers))
			for _, name := range attached {
				if id := b.destroyed[b.containerRef(name)]; id > 0 {
					deps = append(deps, id) // already removed by a volume re-creation
					continue
				}
				deps = append(deps, b.add(Action{
					Type: DisconnectNetwork, Kind: KindNetwork, Resource: n.Name, Network: n.Name,
					Target: b.containerRef(name), Reason: "network is re-created", Group: group,
				}))
			}
			target := on.ID
			if target == "" {
				target = n.Name
			}
			rm := b.add(Action{
				Type: RemoveNetwork, Kind: KindNetwork, Resource: n.Name, Target: target,
				Reason: "config hash differs", Group: group, DependsOn: deps,
			})
			cr := b.add(Action{
				Type: CreateNetwork, Kind: KindNetwork, Resource: n.Name, Reason: "config hash differs",
				Group: group, NetworkDef: n, DependsOn: []int{rm},
			})
			b.netNode[n.Name] = cr
			for _, name := range attached {
				cd := b.byName[name]
				if cd == nil || cd.recreate || cd.want == nil {
					continue // removed or replaced in this plan, or not ours
				}
				var aliases []string
				if nc := cd.want.NetworkingConfig; nc != nil && nc.EndpointsConfig[n.Name] != nil {
					aliases = nc.EndpointsConfig[n.Name].Aliases
				}
				id := b.add(Action{
					Type: ConnectNetwork, Kind: KindNetwork, Resource: n.Name, Network: n.Name,
					Target: cd.c.ID, Aliases: aliases, Reason: "network is re-created", Group: group,
					DependsOn: []int{cr},
				})
				b.connectNode[cd.c.ID] = append(b.connectNode[cd.c.ID], id)
			}
		}
	}
}

// containerRef is the engine reference of an observed container by name: its id
// when it is one of the project's, else the name.
func (b *builder) containerRef(name string) string {
	i, ok := slices.BinarySearchFunc(b.obs.Containers, name, func(c Container, n string) int {
		switch {
		case c.Name < n:
			return -1
		case c.Name > n:
			return 1
		}
		return 0
	})
	if ok && b.obs.Containers[i].ID != "" {
		return b.obs.Containers[i].ID
	}
	return name
}
