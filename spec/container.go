package spec

import (
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// container builds the create request for replica n, as compose's getCreateConfigs does.
func (b *builder) container(s types.ServiceConfig, n int, hash, fieldsJSON string) (Container, error) {
	name := ContainerName(b.p.Name, s, n)
	exposed, err := exposedPorts(s)
	if err != nil {
		return Container{}, err
	}
	cfg := &container.Config{
		Hostname:     s.Hostname,
		Domainname:   s.DomainName,
		User:         s.User,
		ExposedPorts: exposed,
		Tty:          s.Tty,
		OpenStdin:    s.StdinOpen,
		AttachStdout: true,
		AttachStderr: true,
		Cmd:          nilIfNil(s.Command),
		Image:        imageName(b.p.Name, s),
		WorkingDir:   s.WorkingDir,
		Entrypoint:   nilIfNil(s.Entrypoint),
		Labels:       b.serviceLabels(s, n, hash, fieldsJSON),
		StopSignal:   s.StopSignal,
		Env:          mobyEnv(s.Environment),
		Healthcheck:  healthConfig(s.HealthCheck),
		StopTimeout:  seconds(s.StopGracePeriod),
	}
	cfg.NetworkDisabled = s.NetworkMode == "disabled"

	host, err := b.hostConfig(s, n)
	if err != nil {
		return Container{}, err
	}
	mode, netCfg, err := b.networking(s, n)
	if err != nil {
		return Container{}, err
	}
	host.NetworkMode = mode
	return Container{
		Name:             name,
		Service:          s.Name,
		Number:           n,
		Config:           cfg,
		HostConfig:       host,
		NetworkingConfig: netCfg,
	}, nil
}

func nilIfNil(c types.ShellCommand) []string {
	if c == nil {
		return nil
	}
	return append([]string{}, c...)
}

// mobyEnv is compose's ToMobyEnv, sorted: a nil value passes the name alone.
func mobyEnv(env types.MappingWithEquals) []string {
	if len(env) == 0 {
		return nil
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		if v == nil {
			out = append(out, k)
		} else {
			out = append(out, k+"="+*v)
		}
	}
	sort.Strings(out)
	return out
}

func healthConfig(h *types.HealthCheckConfig) *container.HealthConfig {
	if h == nil {
		return nil
	}
	d := func(p *types.Duration) time.Duration {
		if p == nil {
			return 0
		}
		return time.Duration(*p)
	}
	out := &container.HealthConfig{
		Test:          append([]string{}, h.Test...),
		Interval:      d(h.Interval),
		Timeout:       d(h.Timeout),
		StartPeriod:   d(h.StartPeriod),
		StartInterval: d(h.StartInterval),
	}
	if h.Retries != nil {
		out.Retries = int(*h.Retries)
	}
	if h.Disable {
		out.Test = []string{"NONE"}
	}
	return out
}

func seconds(d *types.Duration) *int {
	if d == nil {
		return nil
	}
	s := int(time.Duration(*d).Seconds())
	return &s
}

// exposedPorts is compose's buildContainerPorts: every published target plus expose.
func exposedPorts(s types.ServiceConfig) (network.PortSet, error) {
	set := network.PortSet{}
	for i, p := range s.Ports {
		port, err := network.ParsePort(fmt.Sprintf("%d/%s", p.Target, protocol(p.Protocol)))
		if err != nil {
			return nil, fmt.Errorf("ports[%d]: %w", i, err)
		}
		set[port] = struct{}{}
	}
	for i, e := range s.Expose {
		r, err := network.ParsePortRange(e)
		if err != nil {
			return nil, fmt.Errorf("expose[%d]: %w", i, err)
		}
		for port := range r.All() {
			set[port] = struct{}{}
		}
	}
	if len(set) == 0 {
		return nil, nil
	}
	return set, nil
}

func protocol(p string) string {
	if p == "" {
		return "tcp"
	}
	return strings.ToLower(p)
}

// portBindings is compose's buildContainerPortBindingOptions.
func portBindings(s types.ServiceConfig) (network.PortMap, error) {
	if len(s.Ports) == 0 {
		return nil, nil
	}
	m := network.PortMap{}
	for i, p := range s.Ports {
		port, err := network.ParsePort(fmt.Sprintf("%d/%s", p.Target, protocol(p.Protocol)))
		if err != nil {
			return nil, fmt.Errorf("ports[%d]: %w", i, err)
		}
		var ip netip.Addr
		if p.HostIP != "" {
			if ip, err = netip.ParseAddr(p.HostIP); err != nil {
				return nil, fmt.Errorf("ports[%d].host_ip: %w", i, err)
			}
		}
		m[port] = append(m[port], network.PortBinding{HostIP: ip, HostPort: p.Published})
	}
	return m, nil
}

// networking is compose's defaultNetworkSettings for API >= 1.44: every network in one
// NetworkingConfig, the highest-priority one as the network mode.
func (b *builder) networking(s types.ServiceConfig, n int) (container.NetworkMode, *network.NetworkingConfig, error) {
	if s.NetworkMode != "" {
		return container.NetworkMode(b.resolveRef(s.NetworkMode)), nil, nil
	}
	if len(b.p.Networks) == 0 {
		return "none", nil, nil
	}
	keys := s.NetworksByPriority()
	if len(keys) == 0 {
		keys = []string{"default"}
	}
	cfg := &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{}}
	for i, key := range keys {
		ep, err := b.endpoint(s, n, key)
		if err != nil {
			return "", nil, fmt.Errorf("networks.%s: %w", key, err)
		}
		if i == 0 && ep.MacAddress == nil && s.MacAddress != "" {
			if ep.MacAddress, err = parseMAC(s.MacAddress); err != nil {
				return "", nil, fmt.Errorf("mac_address: %w", err)
			}
		}
		cfg.EndpointsConfig[b.p.Networks[key].Name] = ep
	}
	return container.NetworkMode(b.p.Networks[keys[0]].Name), cfg, nil
}

func (b *builder) endpoint(s types.ServiceConfig, n int, key string) (*network.EndpointSettings, error) {
	c := s.Networks[key]
	// compose's getAliases with useNetworkAliases: container name, service name (unless
	// use_service_name_alias is false), user aliases
	aliases := []string{ContainerName(b.p.Name, s, n)}
	if c.ServiceNameAliasEnabled() {
		aliases = append(aliases, s.Name)
	}
	ep := &network.EndpointSettings{Aliases: aliases, Links: b.links(s)}
	if c == nil {
		return ep, nil
	}
	ep.Aliases = append(ep.Aliases, c.Aliases...)
	ep.GwPriority = c.GatewayPriority
	ep.DriverOpts = cloneMap(c.DriverOpts)
	if c.InterfaceName != "" {
		if ep.DriverOpts == nil {
			ep.DriverOpts = map[string]string{}
		}
		ep.DriverOpts["com.docker.network.endpoint.ifname"] = c.InterfaceName
	}
	var err error
	if c.MacAddress != "" {
		if ep.MacAddress, err = parseMAC(c.MacAddress); err != nil {
			return nil, fmt.Errorf("mac_address: %w", err)
		}
	}
	ipam := &network.EndpointIPAMConfig{}
	if c.Ipv4Address != "" {
		if ipam.IPv4Address, err = netip.ParseAddr(c.Ipv4Address); err != nil {
			return nil, fmt.Errorf("ipv4_address: %w", err)
		}
	}
	if c.Ipv6Address != "" {
		if ipam.IPv6Address, err = netip.ParseAddr(c.Ipv6Address); err != nil {
			return nil, fmt.Errorf("ipv6_address: %w", err)
		}
	}
	for i, l := range c.LinkLocalIPs {
		a, err := netip.ParseAddr(l)
		if err != nil {
			return nil, fmt.Errorf("link_local_ips[%d]: %w", i, err)
		}
		ipam.LinkLocalIPs = append(ipam.LinkLocalIPs, a)
	}
	ep.IPAMConfig = ipam
	return ep, nil
}

// links is compose's getLinks over the desired replicas of each linked service, plus
// external_links.
func (b *builder) links(s types.ServiceConfig) []string {
	var out []string
	for _, l := range s.Links {
		svc, alias, ok := strings.Cut(l, ":")
		if !ok {
			alias = svc
		}
		target, found := b.p.Services[svc]
		if !found {
			continue
		}
		for i := 1; i <= target.GetScale(); i++ {
			out = append(out, ContainerName(b.p.Name, target, i)+":"+alias)
		}
	}
	for _, l := range s.ExternalLinks {
		name, alias, ok := strings.Cut(l, ":")
		if !ok {
			alias = name
		}
		out = append(out, name+":"+alias)
	}
	return out
}

// resolveRef turns compose's "service:<name>" references into "container:<name of its
// first replica>", the form the engine accepts.
func (b *builder) resolveRef(v string) string {
	svc, ok := strings.CutPrefix(v, types.ServicePrefix)
	if !ok {
		return v
	}
	if target, found := b.p.Services[svc]; found {
		return types.ContainerPrefix + ContainerName(b.p.Name, target, 1)
	}
	return v
}

func parseMAC(s string) (network.HardwareAddr, error) {
	m, err := net.ParseMAC(s)
	return network.HardwareAddr(m), err
}
