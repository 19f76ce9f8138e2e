package spec

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/network"
)

// ComposeVersion is the docker compose release whose behaviour (labels, config hash)
// the reconciler reproduces; it is written in LabelVersion.
const ComposeVersion = "5.5.0"

// FromProject turns a loaded compose project into the desired state. opts supplies what
// the project does not record (the --env-file list for LabelEnvironmentFile).
// The project is not modified. Desired.Compose keeps p.
func FromProject(p *types.Project, opts Options) (*Desired, error) {
	d := &Desired{
		Project:     p.Name,
		WorkingDir:  p.WorkingDir,
		ConfigFiles: slices.Clone(p.ComposeFiles),
		Compose:     p,
	}
	for name := range p.DisabledServices {
		d.DisabledServices = append(d.DisabledServices, name)
	}
	sort.Strings(d.DisabledServices)

	w := &warner{files: p.ComposeFiles}
	var err error
	if d.Networks, err = desiredNetworks(p, w); err != nil {
		return nil, err
	}
	if d.Volumes, err = desiredVolumes(p); err != nil {
		return nil, err
	}
	envFiles, err := absAll(opts.EnvFiles)
	if err != nil {
		return nil, err
	}
	b := &builder{p: p, w: w, envFiles: envFiles, secretValues: secretValues(p)}
	for _, name := range p.ServiceNames() {
		s, err := b.service(p.Services[name])
		if err != nil {
			return nil, err
		}
		d.Services = append(d.Services, s)
	}
	sort.Slice(d.Services, func(i, j int) bool { return d.Services[i].Name < d.Services[j].Name })
	if d.Images, err = desiredImages(p); err != nil {
		return nil, err
	}
	d.Warnings = w.strings()
	return d, nil
}

// warner collects "cannot honour" warnings, each naming the file and dotted path.
type warner struct {
	files []string
	probs []Problem
}

func (w *warner) add(path, msg string) {
	w.probs = append(w.probs, Problem{Path: path, Message: msg})
}

// strings formats the warnings as "file:line:column: path: message", locating each path
// in the compose files (parsed only when there is a warning).
func (w *warner) strings() []string {
	if len(w.probs) == 0 {
		return nil
	}
	loc := newLocator(w.files)
	out := make([]string, len(w.probs))
	for i := range w.probs {
		loc.fill(&w.probs[i])
		out[i] = w.probs[i].String()
	}
	return out
}

func desiredNetworks(p *types.Project, w *warner) ([]Network, error) {
	out := make([]Network, 0, len(p.Networks))
	for key, n := range p.Networks {
		net := Network{Key: key, Name: n.Name, External: bool(n.External)}
		if net.Name == "" {
			net.Name = p.Name + "_" + key
		}
		if !net.External {
			hash, err := NetworkHash(n)
			if err != nil {
				return nil, err
			}
			net.Driver = n.Driver
			net.DriverOpts = cloneMap(n.DriverOpts)
			net.Internal = n.Internal
			net.Attachable = n.Attachable
			if n.EnableIPv6 != nil {
				net.EnableIPv6 = *n.EnableIPv6
			}
			if n.EnableIPv4 != nil && !*n.EnableIPv4 {
				w.add("networks."+key+".enable_ipv4", "disabling IPv4 is not supported; ignored")
			}
			ipam, err := toIPAM(n.Ipam)
			if err != nil {
				return nil, fmt.Errorf("networks.%s.ipam: %w", key, err)
			}
			net.IPAM = ipam
			net.ConfigHash = hash
			net.Labels = mergeLabels(n.Labels, map[string]string{
				LabelProject:    p.Name,
				LabelNetwork:    key,
				LabelVersion:    ComposeVersion,
				LabelConfigHash: hash,
			})
		}
		out = append(out, net)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func toIPAM(c types.IPAMConfig) (*network.IPAM, error) {
	if c.Driver == "" && len(c.Config) == 0 && len(c.Options) == 0 {
		return nil, nil
	}
	ipam := &network.IPAM{Driver: c.Driver, Options: cloneMap(c.Options)}
	for i, pool := range c.Config {
		var cfg network.IPAMConfig
		var err error
		if pool.Subnet != "" {
			if cfg.Subnet, err = netip.ParsePrefix(pool.Subnet); err != nil {
				return nil, fmt.Errorf("config[%d].subnet: %w", i, err)
			}
		}
		if pool.IPRange != "" {
			if cfg.IPRange, err = netip.ParsePrefix(pool.IPRange); err != nil {
				return nil, fmt.Errorf("config[%d].ip_range: %w", i, err)
			}
		}
		if pool.Gateway != "" {
			if cfg.Gateway, err = netip.ParseAddr(pool.Gateway); err != nil {
				return nil, fmt.Errorf("config[%d].gateway: %w", i, err)
			}
		}
		for k, v := range pool.AuxiliaryAddresses {
			a, err := netip.ParseAddr(v)
			if err != nil {
				return nil, fmt.Errorf("config[%d].aux_addresses.%s: %w", i, k, err)
			}
			if cfg.AuxAddress == nil {
				cfg.AuxAddress = map[string]netip.Addr{}
			}
			cfg.AuxAddress[k] = a
		}
		ipam.Config = append(ipam.Config, cfg)
	}
	return ipam, nil
}

func desiredVolumes(p *types.Project) ([]Volume, error) {
	out := make([]Volume, 0, len(p.Volumes))
	for key, v := range p.Volumes {
		vol := Volume{Key: key, Name: v.Name, External: bool(v.External)}
		if vol.Name == "" {
			vol.Name = p.Name + "_" + key
		}
		if !vol.External {
			hash, err := VolumeHash(v)
			if err != nil {
				return nil, err
			}
			vol.Driver = v.Driver
			vol.DriverOpts = cloneMap(v.DriverOpts)
			vol.ConfigHash = hash
			vol.Labels = mergeLabels(v.Labels, map[string]string{
				LabelProject:    p.Name,
				LabelVolume:     key,
				LabelVersion:    ComposeVersion,
				LabelConfigHash: hash,
			})
		}
		out = append(out, vol)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// pullStrength orders policies when several services share one image reference.
var pullStrength = map[PullPolicy]int{PullNever: 0, PullMissing: 1, PullRefresh: 2, PullBuild: 3, PullAlways: 4}

func desiredImages(p *types.Project) ([]Image, error) {
	byRef := map[string]*Image{}
	for _, name := range p.ServiceNames() {
		s := p.Services[name]
		ref := imageName(p.Name, s)
		pol, err := pullPolicy(s)
		if err != nil {
			return nil, err
		}
		img := byRef[ref]
		if img == nil {
			img = &Image{Ref: ref, Policy: pol}
			byRef[ref] = img
		}
		img.Services = append(img.Services, name)
		if pullStrength[pol] > pullStrength[img.Policy] {
			img.Policy = pol
		}
		if s.Build != nil && img.Build == nil {
			img.Build = toBuild(s.Build)
		}
	}
	out := make([]Image, 0, len(byRef))
	for _, img := range byRef {
		sort.Strings(img.Services)
		out = append(out, *img)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Ref < out[j].Ref })
	return out, nil
}

// imageName is compose's api.GetImageNameOrDefault.
func imageName(project string, s types.ServiceConfig) string {
	if s.Image != "" {
		return s.Image
	}
	return project + "-" + s.Name
}

func pullPolicy(s types.ServiceConfig) (PullPolicy, error) {
	pol, _, err := s.GetPullPolicy()
	if err != nil {
		return "", fmt.Errorf("services.%s.pull_policy: %w", s.Name, err)
	}
	switch pol {
	case types.PullPolicyIfNotPresent, types.PullPolicyMissing:
		return PullMissing, nil
	case types.PullPolicyAlways:
		return PullAlways, nil
	case types.PullPolicyNever:
		return PullNever, nil
	case types.PullPolicyBuild:
		return PullBuild, nil
	default:
		return PullRefresh, nil
	}
}

func toBuild(b *types.BuildConfig) *Build {
	out := &Build{
		Context:    b.Context,
		Dockerfile: b.Dockerfile,
		Target:     b.Target,
		Labels:     cloneMap(b.Labels),
		Tags:       slices.Clone([]string(b.Tags)),
	}
	if out.Dockerfile == "" && b.DockerfileInline == "" {
		out.Dockerfile = "Dockerfile"
	}
	if out.Dockerfile != "" && !filepath.IsAbs(out.Dockerfile) && !strings.Contains(out.Context, "://") {
		out.Dockerfile = filepath.Join(out.Context, out.Dockerfile)
	}
	if len(b.Args) > 0 {
		out.Args = make(map[string]*string, len(b.Args))
		for k, v := range b.Args {
			out.Args[k] = v
		}
	}
	return out
}

func cloneMap[M ~map[string]string](m M) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// mergeLabels returns user labels with ours laid over them (ours win).
func mergeLabels(user map[string]string, ours map[string]string) map[string]string {
	out := make(map[string]string, len(user)+len(ours))
	for k, v := range user {
		out[k] = v
	}
	for k, v := range ours {
		out[k] = v
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
