package spec

import (
	"fmt"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/network"
)

func readFile(f string) ([]byte, error) { return os.ReadFile(f) }

// checkProject reports every consistency problem of p: compose-go's own consistency
// rules (which it stops at the first of) and what it leaves to the tool: container_name
// with several replicas, host port conflicts, invalid image references, network_mode
// naming an unknown service, depends_on cycles. Paths only; files are filled in later.
func checkProject(p *types.Project) []Problem {
	var probs []Problem
	add := func(path, format string, a ...any) {
		probs = append(probs, Problem{Path: path, Message: fmt.Sprintf(format, a...)})
	}
	names := p.ServiceNames()
	sort.Strings(names)
	containerNames := map[string]string{}
	for _, name := range names {
		s := p.Services[name]
		at := "services." + name
		if s.Build == nil && s.Image == "" && s.Provider == nil {
			add(at, "neither an image nor a build context is specified")
		}
		if s.Image != "" {
			if _, err := reference.ParseNormalizedNamed(s.Image); err != nil {
				add(at+".image", "invalid image reference %q: %v", s.Image, err)
			}
		} else if s.Build != nil {
			if _, err := reference.ParseNormalizedNamed(imageName(p.Name, s)); err != nil {
				add(at+".build", "the default image name %q is not a valid reference (set image:): %v", imageName(p.Name, s), err)
			}
		}
		if s.Build != nil && s.Build.DockerfileInline != "" && s.Build.Dockerfile != "" {
			add(at+".build", "dockerfile and dockerfile_inline are mutually exclusive")
		}
		if s.Build != nil {
			for _, sec := range s.Build.Secrets {
				if _, ok := p.Secrets[sec.Source]; !ok {
					add(at+".build.secrets", "undefined secret %q", sec.Source)
				}
			}
		}
		if _, _, err := s.GetPullPolicy(); err != nil {
			add(at+".pull_policy", "%v", err)
		}
		if s.NetworkMode != "" && len(s.Networks) > 0 {
			add(at+".network_mode", "network_mode and networks are mutually exclusive")
		}
		for _, net := range sortedKeys(s.Networks) {
			if _, ok := p.Networks[net]; !ok {
				add(at+".networks."+net, "undefined network %q", net)
			}
			if c := s.Networks[net]; c != nil {
				checkAddr(add, at+".networks."+net+".ipv4_address", c.Ipv4Address)
				checkAddr(add, at+".networks."+net+".ipv6_address", c.Ipv6Address)
				for i, ip := range c.LinkLocalIPs {
					checkAddr(add, fmt.Sprintf("%s.networks.%s.link_local_ips[%d]", at, net, i), ip)
				}
				checkMAC(add, at+".networks."+net+".mac_address", c.MacAddress)
			}
		}
		for _, key := range []struct{ attr, val string }{{"network_mode", s.NetworkMode}, {"ipc", s.Ipc}, {"pid", s.Pid}} {
			if ref, ok := strings.CutPrefix(key.val, types.ServicePrefix); ok {
				if _, found := p.Services[ref]; !found {
					add(at+"."+key.attr, "unknown service %q in %s", ref, key.attr)
				}
			}
		}
		if s.HealthCheck != nil && len(s.HealthCheck.Test) > 0 {
			switch s.HealthCheck.Test[0] {
			case "CMD", "CMD-SHELL", "NONE":
			default:
				add(at+".healthcheck.test", `must start with "CMD", "CMD-SHELL" or "NONE"`)
			}
		}
		for _, dep := range sortedKeys(s.DependsOn) {
			if _, ok := p.Services[dep]; ok {
				continue
			}
			if _, disabled := p.DisabledServices[dep]; disabled && !s.DependsOn[dep].Required {
				continue
			}
			if impliedBy(s, dep) {
				continue // reported at network_mode, ipc or pid
			}
			add(at+".depends_on."+dep, "depends on undefined service %q", dep)
		}
		for i, v := range s.Volumes {
			if v.Type == types.VolumeTypeVolume && v.Source != "" {
				if _, ok := p.Volumes[v.Source]; !ok {
					add(fmt.Sprintf("%s.volumes[%d]", at, i), "undefined volume %q", v.Source)
				}
			}
		}
		for i, sec := range s.Secrets {
			if _, ok := p.Secrets[sec.Source]; !ok {
				add(fmt.Sprintf("%s.secrets[%d]", at, i), "undefined secret %q", sec.Source)
			}
		}
		for i, cfg := range s.Configs {
			if _, ok := p.Configs[cfg.Source]; !ok {
				add(fmt.Sprintf("%s.configs[%d]", at, i), "undefined config %q", cfg.Source)
			}
		}
		for _, m := range sortedKeys(s.Models) {
			if _, ok := p.Models[m]; !ok {
				add(at+".models."+m, "undefined model %q", m)
			}
		}
		checkScale(add, at, s)
		checkResources(add, at, s)
		if s.Develop != nil {
			for i, w := range s.Develop.Watch {
				if w.Target == "" && w.Action != types.WatchActionRebuild && w.Action != types.WatchActionRestart {
					add(fmt.Sprintf("%s.develop.watch[%d]", at, i), "target is required for non-rebuild actions")
				}
			}
		}
		checkMountTargets(add, at, s)
		checkMAC(add, at+".mac_address", s.MacAddress)
		for i, e := range s.Expose {
			if _, err := network.ParsePortRange(e); err != nil {
				add(fmt.Sprintf("%s.expose[%d]", at, i), "invalid port %q", e)
			}
		}
		for i, d := range s.DNS {
			checkAddr(add, fmt.Sprintf("%s.dns[%d]", at, i), d)
		}
		for i, port := range s.Ports {
			checkAddr(add, fmt.Sprintf("%s.ports[%d].host_ip", at, i), port.HostIP)
		}
		if s.ContainerName != "" {
			if other, dup := containerNames[s.ContainerName]; dup {
				add(at+".container_name", "container name %q is already used by service %q", s.ContainerName, other)
			}
			containerNames[s.ContainerName] = name
		}
	}
	for _, key := range sortedKeys(p.Networks) {
		n := p.Networks[key]
		if n.External {
			continue
		}
		if _, err := toIPAM(n.Ipam); err != nil {
			add("networks."+key+".ipam", "%v", err)
		}
	}
	probs = append(probs, checkPorts(p, names)...)
	probs = append(probs, checkCycles(p, names)...)
	for _, name := range sortedKeys(p.Secrets) {
		sec := p.Secrets[name]
		if !bool(sec.External) && sec.File == "" && sec.Environment == "" && sec.Content == "" {
			add("secrets."+name, "one of file or environment must be set")
		}
	}
	return probs
}

func checkAddr(add func(string, string, ...any), path, v string) {
	if v == "" {
		return
	}
	if _, err := netip.ParseAddr(v); err != nil {
		add(path, "invalid IP address %q", v)
	}
}

func checkMAC(add func(string, string, ...any), path, v string) {
	if v == "" {
		return
	}
	if _, err := parseMAC(v); err != nil {
		add(path, "invalid MAC address %q", v)
	}
}

func checkScale(add func(string, string, ...any), at string, s types.ServiceConfig) {
	if s.Scale != nil && *s.Scale < 0 {
		add(at+".scale", "must be greater than or equal to 0")
	}
	if s.Deploy != nil && s.Deploy.Replicas != nil {
		if *s.Deploy.Replicas < 0 {
			add(at+".deploy.replicas", "must be greater than or equal to 0")
		}
		if s.Scale != nil && *s.Scale != *s.Deploy.Replicas {
			add(at+".scale", "scale (%d) and deploy.replicas (%d) differ", *s.Scale, *s.Deploy.Replicas)
		}
	}
	if s.ContainerName != "" && s.GetScale() > 1 {
		attr := "scale"
		if s.Scale == nil {
			attr = "deploy.replicas"
		}
		add(at+".container_name", "container_name %q cannot be used with %s %d: container names must be unique", s.ContainerName, attr, s.GetScale())
	}
}

func checkResources(add func(string, string, ...any), at string, s types.ServiceConfig) {
	if s.Deploy == nil {
		return
	}
	if l := s.Deploy.Resources.Limits; l != nil {
		if s.CPUS != 0 && l.NanoCPUs != 0 && l.NanoCPUs.Value() != s.CPUS {
			add(at+".cpus", "differs from deploy.resources.limits.cpus")
		}
		if s.MemLimit != 0 && l.MemoryBytes != 0 && l.MemoryBytes != s.MemLimit {
			add(at+".mem_limit", "differs from deploy.resources.limits.memory")
		}
		if s.PidsLimit != 0 && l.Pids != 0 && l.Pids != s.PidsLimit {
			add(at+".pids_limit", "differs from deploy.resources.limits.pids")
		}
	}
	if r := s.Deploy.Resources.Reservations; r != nil && s.MemReservation != 0 && r.MemoryBytes != 0 && r.MemoryBytes != s.MemReservation {
		add(at+".mem_reservation", "differs from deploy.resources.reservations.memory")
	}
}

func checkMountTargets(add func(string, string, ...any), at string, s types.ServiceConfig) {
	mounts := map[string]string{}
	for i, t := range s.Tmpfs {
		loc := fmt.Sprintf("%s.tmpfs[%d]", at, i)
		target, _, _ := strings.Cut(t, ":")
		if prev, ok := mounts[target]; ok {
			add(loc, "target %s is already mounted by %s", target, prev)
		}
		mounts[target] = loc
	}
	for i, v := range s.Volumes {
		loc := fmt.Sprintf("%s.volumes[%d]", at, i)
		if prev, ok := mounts[v.Target]; ok {
			add(loc, "target %s is already mounted by %s", v.Target, prev)
		}
		mounts[v.Target] = loc
	}
}

// checkPorts reports host ports published twice: by two services, or by one service
// with several replicas. An unspecified host IP conflicts with every address. Port ranges
// are expanded by compose-go into one entry per port, so after maxPortProblems problems
// between the same two services the rest are summed up in one.
func checkPorts(p *types.Project, names []string) []Problem {
	const maxPortProblems = 5
	type use struct {
		path, service, ip string
	}
	used := map[string][]use{} // "port/proto" -> uses
	var probs []Problem
	listed := map[[2]string]int{} // {service, other service} -> problems listed
	extra := map[[2]string]int{}  // and not listed
	report := func(pair [2]string, pr Problem) {
		if listed[pair] < maxPortProblems {
			listed[pair]++
			probs = append(probs, pr)
			return
		}
		extra[pair]++
	}
	for _, name := range names {
		s := p.Services[name]
		for i, port := range s.Ports {
			if port.Published == "" {
				continue
			}
			path := fmt.Sprintf("services.%s.ports[%d]", name, i)
			lo, hi, err := portRange(port.Published)
			if err != nil {
				probs = append(probs, Problem{Path: path + ".published", Message: err.Error()})
				continue
			}
			ip := normIP(port.HostIP)
			if lo == hi && s.GetScale() > 1 {
				report([2]string{name, name}, Problem{Path: path, Message: fmt.Sprintf("host port %d is published by %d replicas", lo, s.GetScale())})
			}
			for n := lo; n <= hi; n++ {
				key := strconv.Itoa(n) + "/" + protocol(port.Protocol)
				for _, u := range used[key] {
					if u.ip == "" || ip == "" || u.ip == ip {
						report([2]string{name, u.service}, Problem{Path: path, Message: fmt.Sprintf("host port %s is already published by %s", key, u.path)})
						break
					}
				}
				used[key] = append(used[key], use{path: path, service: name, ip: ip})
			}
		}
	}
	for _, pair := range sortedPairs(extra) {
		what := fmt.Sprintf("service %q", pair[1])
		if pair[0] == pair[1] {
			what = "its own replicas"
		}
		probs = append(probs, Problem{Path: "services." + pair[0] + ".ports",
			Message: fmt.Sprintf("%d more host ports conflict with %s", extra[pair], what)})
	}
	return probs
}

func sortedPairs(m map[[2]string]int) [][2]string {
	out := make([][2]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

func normIP(ip string) string {
	if ip == "0.0.0.0" || ip == "::" {
		return ""
	}
	return ip
}

func portRange(s string) (int, int, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.Atoi(lo)
	if err != nil || a < 0 || a > 65535 {
		return 0, 0, fmt.Errorf("invalid published port %q", s)
	}
	if !isRange {
		return a, a, nil
	}
	b, err := strconv.Atoi(hi)
	if err != nil || b < a || b > 65535 {
		return 0, 0, fmt.Errorf("invalid published port range %q", s)
	}
	return a, b, nil
}

// checkCycles reports each depends_on cycle once, named from its smallest service.
func checkCycles(p *types.Project, names []string) []Problem {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	seen := map[string]bool{}
	var probs []Problem
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		s := p.Services[n]
		for _, dep := range sortedKeys(s.DependsOn) {
			if _, ok := p.Services[dep]; !ok {
				continue
			}
			switch color[dep] {
			case grey:
				i := len(stack) - 1
				for stack[i] != dep {
					i--
				}
				cycle := rotate(stack[i:])
				key := strings.Join(cycle, ">")
				if !seen[key] {
					seen[key] = true
					probs = append(probs, Problem{
						Path:    "services." + cycle[0] + ".depends_on",
						Message: "dependency cycle: " + strings.Join(append(cycle, cycle[0]), " -> "),
					})
				}
			case white:
				visit(dep)
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
	}
	for _, n := range names {
		if color[n] == white {
			visit(n)
		}
	}
	return probs
}

// rotate starts a cycle at its smallest name.
func rotate(c []string) []string {
	m := 0
	for i := range c {
		if c[i] < c[m] {
			m = i
		}
	}
	return append(append([]string{}, c[m:]...), c[:m]...)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// impliedBy reports whether dep is a depends_on entry compose-go added for a
// "service:<dep>" network_mode, ipc or pid.
func impliedBy(s types.ServiceConfig, dep string) bool {
	ref := types.ServicePrefix + dep
	return s.NetworkMode == ref || s.Ipc == ref || s.Pid == ref
}
