package reconciler

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// ObserveError is a failed list call during Observe, naming the kind listed.
type ObserveError struct {
	Kind planner.Kind
	Err  error
}

func (e *ObserveError) Error() string { return fmt.Sprintf("observe: list %ss: %v", e.Kind, e.Err) }

// Unwrap returns the engine error.
func (e *ObserveError) Unwrap() error { return e.Err }

// Observe takes one snapshot of what eng holds for desired.Project, with list
// calls only: ContainerList (all states, project label filter), NetworkList and
// VolumeList (project label filter, plus one name-filtered list for the desired
// networks/volumes that carry no project label: external, unmanaged or another
// project's) and one ImageList. It never inspects and never writes.
//
// The result honours planner.Observed's invariants (sorted by name, no duplicates).
func Observe(ctx context.Context, eng Observer, desired *spec.Desired) (planner.Observed, error) {
	var netNames, volNames, imageRefs []string
	for _, n := range desired.Networks {
		netNames = append(netNames, n.Name)
	}
	for _, v := range desired.Volumes {
		volNames = append(volNames, v.Name)
	}
	for _, im := range desired.Images {
		imageRefs = append(imageRefs, im.Ref)
	}
	return observe(ctx, eng, desired.Project, netNames, volNames, imageRefs)
}

// ObserveProject is Observe without a compose file (`down -p NAME`): it finds the
// project by its labels only. Images are those the project's containers were
// created from.
func ObserveProject(ctx context.Context, eng Observer, project string) (planner.Observed, error) {
	return observe(ctx, eng, project, nil, nil, nil)
}

func projectFilter(project string) client.Filters {
	return make(client.Filters).Add("label", spec.LabelProject+"="+project)
}

func observe(ctx context.Context, eng Observer, project string, netNames, volNames, imageRefs []string) (planner.Observed, error) {
	obs := planner.Observed{Project: project}

	cl, err := eng.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
	if err != nil {
		return obs, &ObserveError{Kind: planner.KindContainer, Err: err}
	}
	attached := map[string][]string{} // network name -> container names
	seen := map[string]bool{}
	for _, s := range cl.Items {
		if seen[s.ID] {
			continue
		}
		seen[s.ID] = true
		c := containerFromSummary(s)
		for n := range c.Networks {
			attached[n] = append(attached[n], c.Name)
		}
		obs.Containers = append(obs.Containers, c)
	}
	sort.Slice(obs.Containers, func(i, j int) bool { return obs.Containers[i].Name < obs.Containers[j].Name })

	if obs.Networks, err = observeNetworks(ctx, eng, project, netNames, attached); err != nil {
		return obs, err
	}
	if obs.Volumes, err = observeVolumes(ctx, eng, project, volNames); err != nil {
		return obs, err
	}
	if imageRefs == nil {
		set := map[string]bool{}
		for _, c := range obs.Containers {
			ref := c.Labels[spec.LabelImage]
			if ref == "" {
				ref = c.Image
			}
			if ref != "" && !set[ref] {
				set[ref] = true
				imageRefs = append(imageRefs, ref)
			}
		}
		sort.Strings(imageRefs)
	}
	if len(imageRefs) > 0 {
		if obs.Images, err = observeImages(ctx, eng, imageRefs); err != nil {
			return obs, err
		}
	}
	return obs, nil
}

func observeNetworks(ctx context.Context, eng Observer, project string, names []string, attached map[string][]string) ([]planner.Network, error) {
	byName := map[string]planner.Network{}
	add := func(items client.NetworkListResult) {
		for _, n := range items.Items {
			cs := append([]string(nil), attached[n.Name]...)
			sort.Strings(cs)
			byName[n.Name] = planner.Network{ID: n.ID, Name: n.Name, Driver: n.Driver, Labels: n.Labels, Internal: n.Internal, Containers: cs}
		}
	}
	res, err := eng.NetworkList(ctx, client.NetworkListOptions{Filters: projectFilter(project)})
	if err != nil {
		return nil, &ObserveError{Kind: planner.KindNetwork, Err: err}
	}
	add(res)
	if missing := missingNames(names, func(n string) bool { _, ok := byName[n]; return ok }); len(missing) > 0 {
		res, err := eng.NetworkList(ctx, client.NetworkListOptions{Filters: make(client.Filters).Add("name", missing...)})
		if err != nil {
			return nil, &ObserveError{Kind: planner.KindNetwork, Err: err}
		}
		// dockerd's name filter matches substrings: keep exact names only.
		want := toSet(missing)
		kept := res.Items[:0]
		for _, n := range res.Items {
			if want[n.Name] {
				kept = append(kept, n)
			}
		}
		res.Items = kept
		add(res)
	}
	out := make([]planner.Network, 0, len(byName))
	for _, n := range byName {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func observeVolumes(ctx context.Context, eng Observer, project string, names []string) ([]planner.Volume, error) {
	byName := map[string]planner.Volume{}
	res, err := eng.VolumeList(ctx, client.VolumeListOptions{Filters: projectFilter(project)})
	if err != nil {
		return nil, &ObserveError{Kind: planner.KindVolume, Err: err}
	}
	for _, v := range res.Items {
		byName[v.Name] = planner.Volume{Name: v.Name, Driver: v.Driver, Labels: v.Labels}
	}
	if missing := missingNames(names, func(n string) bool { _, ok := byName[n]; return ok }); len(missing) > 0 {
		res, err := eng.VolumeList(ctx, client.VolumeListOptions{Filters: make(client.Filters).Add("name", missing...)})
		if err != nil {
			return nil, &ObserveError{Kind: planner.KindVolume, Err: err}
		}
		want := toSet(missing)
		for _, v := range res.Items {
			if want[v.Name] {
				byName[v.Name] = planner.Volume{Name: v.Name, Driver: v.Driver, Labels: v.Labels}
			}
		}
	}
	out := make([]planner.Volume, 0, len(byName))
	for _, v := range byName {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// observeImages lists local images once and keeps those matching refs, each
// reported under the reference as the spec spells it.
func observeImages(ctx context.Context, eng Observer, refs []string) ([]planner.Image, error) {
	res, err := eng.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return nil, &ObserveError{Kind: planner.KindImage, Err: err}
	}
	local := map[string]string{} // normalised ref -> image id
	for _, im := range res.Items {
		for _, t := range im.RepoTags {
			local[normalizeRef(t)] = im.ID
		}
		for _, d := range im.RepoDigests {
			local[normalizeRef(d)] = im.ID
		}
	}
	var out []planner.Image
	for _, r := range refs {
		if id, ok := local[normalizeRef(r)]; ok {
			out = append(out, planner.Image{Ref: r, ID: id})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out, nil
}

// normalizeRef gives "nginx", "nginx:latest" and "docker.io/library/nginx:latest"
// one spelling; an unparsable reference is kept as written.
func normalizeRef(r string) string {
	named, err := reference.ParseNormalizedNamed(r)
	if err != nil {
		return r
	}
	return reference.TagNameOnly(named).String()
}

var exitCodeRe = regexp.MustCompile(`^Exited \((-?\d+)\)`)

func containerFromSummary(s container.Summary) planner.Container {
	c := planner.Container{
		ID:      s.ID,
		Image:   s.Image,
		ImageID: s.ImageID,
		Labels:  s.Labels,
		State:   string(s.State),
		Created: s.Created,
	}
	if len(s.Names) > 0 {
		c.Name = strings.TrimPrefix(s.Names[0], "/")
	}
	if ref := s.Labels[spec.LabelImage]; ref != "" && c.Image == "" {
		c.Image = ref
	}
	if s.Health != nil && s.Health.Status != container.NoHealthcheck {
		c.Health = string(s.Health.Status)
	}
	// The list summary carries the exit code only in its Status text ("Exited (3) 2 minutes ago").
	if m := exitCodeRe.FindStringSubmatch(s.Status); m != nil {
		c.ExitCode, _ = strconv.Atoi(m[1])
	}
	if s.NetworkSettings != nil && len(s.NetworkSettings.Networks) > 0 {
		c.Networks = map[string]string{}
		for name, ep := range s.NetworkSettings.Networks {
			id := ""
			if ep != nil {
				id = ep.NetworkID
			}
			c.Networks[name] = id
		}
	}
	for _, m := range s.Mounts {
		if m.Type == mount.TypeVolume && m.Name != "" {
			c.Volumes = append(c.Volumes, m.Name)
		}
	}
	sort.Strings(c.Volumes)
	return c
}

func missingNames(names []string, have func(string) bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if !have(n) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func toSet(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}
