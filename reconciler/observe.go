package reconciler

import (
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"
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
// project's) and one ImageList. It never inspects and never writes. The
// calls that need only the project name run concurrently, then those that
// depend on their results; the result and the error returned when several
// calls fail are those of making the calls one after the other.
//
// The result honours planner.Observed's invariants (sorted by name, no duplicates).
func Observe(ctx context.Context, eng Observer, desired *spec.Desired) (planner.Observed, error) {
	netNames, volNames, imageRefs := desiredNames(desired)
	return observe(ctx, eng, desired.Project, netNames, volNames, imageRefs)
}

// desiredNames is what Observe looks for beside the project's labels: the
// desired networks' and volumes' names and the images' references (nil when
// there are none: then the containers' images are observed).
func desiredNames(desired *spec.Desired) (netNames, volNames, imageRefs []string) {
	for _, n := range desired.Networks {
		netNames = append(netNames, n.Name)
	}
	for _, v := range desired.Volumes {
		volNames = append(volNames, v.Name)
	}
	for _, im := range desired.Images {
		imageRefs = append(imageRefs, im.Ref)
	}
	return netNames, volNames, imageRefs
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
	p := projectListCalls(ctx, eng, project, imageRefs != nil, listsConcurrently(eng))
	p.calls.run()
	return p.finish(ctx, eng, netNames, volNames, imageRefs)
}

// projectLists are the list calls of one observation that need only the
// project name: containers, networks and volumes by project label, and (when
// the references to match are known up front) local images, concurrently or
// in that order (see ConcurrentLister). Once they have returned (calls.run, or
// calls.start and wait), finish makes the calls that depend on their results.
type projectLists struct {
	project    string
	concurrent bool
	calls      calls

	containers    client.ContainerListResult
	containersErr error
	networks      client.NetworkListResult
	networksErr   error
	volumes       client.VolumeListResult
	volumesErr    error
	listedImages  bool
	images        client.ImageListResult
	imagesErr     error
}

// projectListCalls prepares the project-label lists, and ImageList when
// listImages; each call gets its own filter value.
func projectListCalls(ctx context.Context, eng Observer, project string, listImages, concurrent bool) *projectLists {
	p := &projectLists{project: project, concurrent: concurrent, listedImages: listImages}
	p.calls.concurrent = concurrent
	p.calls.add(func() error {
		p.containers, p.containersErr = eng.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: projectFilter(project)})
		return p.containersErr
	})
	p.calls.add(func() error {
		p.networks, p.networksErr = eng.NetworkList(ctx, client.NetworkListOptions{Filters: projectFilter(project)})
		return p.networksErr
	})
	p.calls.add(func() error {
		p.volumes, p.volumesErr = eng.VolumeList(ctx, client.VolumeListOptions{Filters: projectFilter(project)})
		return p.volumesErr
	})
	if listImages {
		p.calls.add(func() error {
			p.images, p.imagesErr = eng.ImageList(ctx, client.ImageListOptions{})
			return p.imagesErr
		})
	}
	return p
}

// wait waits for calls begun with calls.start.
func (p *projectLists) wait() { p.calls.wait() }

// finish completes the observation: it waits for the project lists, then lists
// by name the desired networks and volumes those did not find, and local
// images when they were not listed yet and imageRefs (or, when nil, the
// containers' images) names any. When several calls fail it returns the error
// a sequential observation would: containers, networks, volumes, images.
func (p *projectLists) finish(ctx context.Context, eng Observer, netNames, volNames, imageRefs []string) (planner.Observed, error) {
	p.wait()
	obs := planner.Observed{Project: p.project}
	if p.containersErr != nil {
		return obs, &ObserveError{Kind: planner.KindContainer, Err: p.containersErr}
	}
	attached := map[string][]string{} // network name -> container names
	seen := map[string]bool{}
	for _, s := range p.containers.Items {
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
	if p.networksErr != nil {
		return obs, &ObserveError{Kind: planner.KindNetwork, Err: p.networksErr}
	}
	if imageRefs == nil {
		imageRefs = containerImageRefs(obs.Containers)
	}

	nets := map[string]planner.Network{}
	addNetworks(nets, p.networks.Items, attached)
	vols := map[string]planner.Volume{}
	addVolumes(vols, p.volumes.Items)
	missingNets := missingNames(netNames, func(n string) bool { _, ok := nets[n]; return ok })
	var missingVols []string
	if p.volumesErr == nil {
		missingVols = missingNames(volNames, func(n string) bool { _, ok := vols[n]; return ok })
	}
	// The calls that depend on the project lists.
	var (
		next            = calls{concurrent: p.concurrent}
		netRes          client.NetworkListResult
		volRes          client.VolumeListResult
		netErr, volErr  error
		images          = p.images
		imagesErr       = p.imagesErr
		imagesRequested = p.listedImages
	)
	if len(missingNets) > 0 {
		next.add(func() error {
			netRes, netErr = eng.NetworkList(ctx, client.NetworkListOptions{Filters: make(client.Filters).Add("name", missingNets...)})
			return netErr
		})
	}
	if p.volumesErr != nil {
		next.add(func() error { return p.volumesErr }) // a sequential observation stops here
	}
	if len(missingVols) > 0 {
		next.add(func() error {
			volRes, volErr = eng.VolumeList(ctx, client.VolumeListOptions{Filters: make(client.Filters).Add("name", missingVols...)})
			return volErr
		})
	}
	if !imagesRequested && len(imageRefs) > 0 {
		imagesRequested = true
		next.add(func() error {
			images, imagesErr = eng.ImageList(ctx, client.ImageListOptions{})
			return imagesErr
		})
	}
	next.run()

	if netErr != nil {
		return obs, &ObserveError{Kind: planner.KindNetwork, Err: netErr}
	}
	// dockerd's name filter matches substrings: keep exact names only.
	addNetworks(nets, exactNames(netRes.Items, missingNets, func(n network.Summary) string { return n.Name }), attached)
	obs.Networks = sortedValues(nets, func(n planner.Network) string { return n.Name })
	if p.volumesErr != nil {
		return obs, &ObserveError{Kind: planner.KindVolume, Err: p.volumesErr}
	}
	if volErr != nil {
		return obs, &ObserveError{Kind: planner.KindVolume, Err: volErr}
	}
	addVolumes(vols, exactNames(volRes.Items, missingVols, func(v volume.Volume) string { return v.Name }))
	obs.Volumes = sortedValues(vols, func(v planner.Volume) string { return v.Name })
	if len(imageRefs) > 0 && imagesRequested {
		if imagesErr != nil {
			return obs, &ObserveError{Kind: planner.KindImage, Err: imagesErr}
		}
		obs.Images = matchImages(images, imageRefs)
	}
	return obs, nil
}

// containerImageRefs is the sorted set of the references containers were
// created from (the image label, else the image field): the images to observe
// when the caller names none.
func containerImageRefs(cs []planner.Container) []string {
	var refs []string
	set := map[string]bool{}
	for _, c := range cs {
		ref := c.Labels[spec.LabelImage]
		if ref == "" {
			ref = c.Image
		}
		if ref != "" && !set[ref] {
			set[ref] = true
			refs = append(refs, ref)
		}
	}
	sort.Strings(refs)
	return refs
}

func addNetworks(byName map[string]planner.Network, items []network.Summary, attached map[string][]string) {
	for _, n := range items {
		cs := append([]string(nil), attached[n.Name]...)
		sort.Strings(cs)
		byName[n.Name] = planner.Network{ID: n.ID, Name: n.Name, Driver: n.Driver, Labels: n.Labels, Internal: n.Internal, Containers: cs}
	}
}

func addVolumes(byName map[string]planner.Volume, items []volume.Volume) {
	for _, v := range items {
		byName[v.Name] = planner.Volume{Name: v.Name, Driver: v.Driver, Labels: v.Labels}
	}
}

// exactNames keeps the items whose name is one of names.
func exactNames[T any](items []T, names []string, name func(T) string) []T {
	if len(items) == 0 {
		return nil
	}
	want := toSet(names)
	var kept []T
	for _, it := range items {
		if want[name(it)] {
			kept = append(kept, it)
		}
	}
	return kept
}

// sortedValues is m's values sorted by key(v).
func sortedValues[T any](m map[string]T, key func(T) string) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

// matchImages keeps the local images matching refs, each reported under the
// reference as the spec spells it.
func matchImages(res client.ImageListResult, refs []string) []planner.Image {
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
	return out
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
		switch {
		case m.Type != mount.TypeVolume || m.Name == "":
		case planner.IsAnonymousVolume(m.Name):
			if c.Anonymous == nil {
				c.Anonymous = map[string]string{}
			}
			c.Anonymous[path.Clean(m.Destination)] = m.Name
		default:
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
