package dockerpy

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/reconciler/reconciler/emulator/registry"
)

// RunOptions are the keyword arguments of docker-py's containers.run and
// containers.create that this layer supports; each maps to the Engine API
// field docker-py sets (see docker-py's _create_container_args).
type RunOptions struct {
	// Command overrides the image's Cmd; nil keeps it.
	Command []string
	// Entrypoint overrides the image's Entrypoint; nil keeps it.
	Entrypoint []string
	// Name is the container name; "" lets the engine pick one.
	Name string
	// Environment is set as Config.Env, sorted by key.
	Environment map[string]string
	// Labels is Config.Labels.
	Labels map[string]string
	// Ports maps a container port ("80/tcp", "53/udp"; "80" means tcp) to a
	// host binding: "8080", "127.0.0.1:8080", "127.0.0.1:" (random port on an
	// address) or "" (random port). Each key is also exposed.
	Ports map[string]string
	// Volumes maps a volume name or host path to "target" or "target:mode"
	// ("ro"/"rw"), as docker-py's {name: {'bind': target, 'mode': mode}}.
	Volumes map[string]string
	// Network connects the container to this network at create (docker-py's
	// network=): HostConfig.NetworkMode and one EndpointsConfig entry.
	Network string
	// NetworkAliases are DNS aliases on Network.
	NetworkAliases []string
	// NetworkMode is HostConfig.NetworkMode ("host", "none", "container:x");
	// it must not be combined with Network.
	NetworkMode string
	// WorkingDir, User, Hostname, Domainname are the Config fields.
	WorkingDir string
	User       string
	Hostname   string
	Domainname string
	// RestartPolicy is HostConfig.RestartPolicy ({"Name": "always"} ...).
	RestartPolicy container.RestartPolicy
	// Healthcheck is Config.Healthcheck.
	Healthcheck *container.HealthConfig
	// StopSignal is Config.StopSignal.
	StopSignal string
	// Tty and StdinOpen are Config.Tty and Config.OpenStdin.
	Tty       bool
	StdinOpen bool
	// Privileged, CapAdd, CapDrop, ExtraHosts, DNS are the HostConfig fields.
	Privileged bool
	CapAdd     []string
	CapDrop    []string
	ExtraHosts []string
	DNS        []string
	// AutoRemove is HostConfig.AutoRemove (docker-py's auto_remove).
	AutoRemove bool
	// MemLimit is the memory limit, in bytes or with a unit ("512m", "1g"),
	// as docker-py's mem_limit; "" means none.
	MemLimit string
	// NanoCPUs is HostConfig.NanoCpus (docker-py's nano_cpus); CPUShares is
	// HostConfig.CpuShares.
	NanoCPUs  int64
	CPUShares int64
	// ShmSize is /dev/shm's size, in bytes or with a unit ("64m"); "" is the default.
	ShmSize string
	// ReadOnly is HostConfig.ReadonlyRootfs; Init runs an init process as PID 1.
	ReadOnly bool
	Init     bool
	// Tmpfs maps a path to its mount options ("size=64m"), HostConfig.Tmpfs.
	Tmpfs map[string]string
	// Mounts are HostConfig.Mounts (docker-py's mounts=).
	Mounts []mount.Mount
	// VolumesFrom, Links, SecurityOpt, GroupAdd are the HostConfig lists.
	VolumesFrom []string
	Links       []string
	SecurityOpt []string
	GroupAdd    []string
	// Sysctls is HostConfig.Sysctls; PidMode and IpcMode the namespace modes.
	Sysctls map[string]string
	PidMode string
	IpcMode string
	// LogConfig is HostConfig.LogConfig (docker-py's log_config).
	LogConfig container.LogConfig
	// Platform ("linux/arm64") is sent with the create request, and used for
	// the pull when the image is missing.
	Platform string

	// Detach makes Run return the started container; otherwise Run waits for
	// the container to exit and returns its output.
	Detach bool
	// Remove removes the container after an attached Run (docker-py's remove=).
	Remove bool
	// Stdout and Stderr select the streams an attached Run returns; both
	// false means stdout only, docker-py's default.
	Stdout, Stderr bool
}

// createOptions converts opts for image into the engine's create request, as
// docker-py does. Invalid combinations return an error naming the option.
func (o RunOptions) createOptions(image string) (client.ContainerCreateOptions, error) {
	if image == "" {
		return client.ContainerCreateOptions{}, fmt.Errorf("dockerpy: create: image is required")
	}
	if o.Network != "" && o.NetworkMode != "" {
		return client.ContainerCreateOptions{}, fmt.Errorf("dockerpy: create: network and network_mode are mutually exclusive (network=%q, network_mode=%q)", o.Network, o.NetworkMode)
	}
	if o.AutoRemove && o.Remove {
		return client.ContainerCreateOptions{}, fmt.Errorf("dockerpy: run: the options auto_remove and remove are mutually exclusive")
	}
	cfg := &container.Config{
		Image:        image,
		Cmd:          o.Command,
		Entrypoint:   o.Entrypoint,
		Labels:       o.Labels,
		WorkingDir:   o.WorkingDir,
		User:         o.User,
		Hostname:     o.Hostname,
		Domainname:   o.Domainname,
		Healthcheck:  o.Healthcheck,
		StopSignal:   o.StopSignal,
		Tty:          o.Tty,
		OpenStdin:    o.StdinOpen,
		AttachStdout: !o.Detach,
		AttachStderr: !o.Detach,
	}
	for _, k := range slices.Sorted(maps.Keys(o.Environment)) {
		cfg.Env = append(cfg.Env, k+"="+o.Environment[k])
	}
	host := &container.HostConfig{
		NetworkMode:    container.NetworkMode(o.NetworkMode),
		RestartPolicy:  o.RestartPolicy,
		AutoRemove:     o.AutoRemove,
		Privileged:     o.Privileged,
		CapAdd:         o.CapAdd,
		CapDrop:        o.CapDrop,
		ExtraHosts:     o.ExtraHosts,
		ReadonlyRootfs: o.ReadOnly,
		Tmpfs:          o.Tmpfs,
		Mounts:         o.Mounts,
		VolumesFrom:    o.VolumesFrom,
		Links:          o.Links,
		SecurityOpt:    o.SecurityOpt,
		GroupAdd:       o.GroupAdd,
		Sysctls:        o.Sysctls,
		PidMode:        container.PidMode(o.PidMode),
		IpcMode:        container.IpcMode(o.IpcMode),
		LogConfig:      o.LogConfig,
	}
	host.NanoCPUs, host.CPUShares = o.NanoCPUs, o.CPUShares
	if o.Init {
		host.Init = &o.Init
	}
	for _, sz := range []struct {
		name, in string
		out      *int64
	}{{"mem_limit", o.MemLimit, &host.Memory}, {"shm_size", o.ShmSize, &host.ShmSize}} {
		if sz.in == "" {
			continue
		}
		n, err := units.RAMInBytes(sz.in)
		if err != nil || n < 0 {
			return client.ContainerCreateOptions{}, fmt.Errorf("dockerpy: create: %s %q: invalid size", sz.name, sz.in)
		}
		*sz.out = n
	}
	if len(o.Ports) > 0 {
		exposed, bindings, err := portSpecs(o.Ports)
		if err != nil {
			return client.ContainerCreateOptions{}, err
		}
		cfg.ExposedPorts = exposed
		host.PortBindings = bindings
	}
	for _, src := range slices.Sorted(maps.Keys(o.Volumes)) {
		target := o.Volumes[src]
		if target == "" || src == "" {
			return client.ContainerCreateOptions{}, fmt.Errorf("dockerpy: create: volume %q: source and target are required", src+":"+target)
		}
		mode := "rw"
		if t, m, ok := strings.Cut(target, ":"); ok {
			target, mode = t, m
		}
		host.Binds = append(host.Binds, src+":"+target+":"+mode)
	}
	out := client.ContainerCreateOptions{Config: cfg, HostConfig: host, Name: o.Name}
	if o.Platform != "" {
		p, err := registry.ParsePlatform(o.Platform)
		if err != nil {
			return client.ContainerCreateOptions{}, fmt.Errorf("dockerpy: create: platform: %w", err)
		}
		out.Platform = &ocispec.Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant}
	}
	if o.Network != "" {
		host.NetworkMode = container.NetworkMode(o.Network)
		out.NetworkingConfig = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			o.Network: {Aliases: o.NetworkAliases},
		}}
	} else if len(o.NetworkAliases) > 0 {
		return client.ContainerCreateOptions{}, fmt.Errorf("dockerpy: create: network_aliases needs network")
	}
	if host.NetworkMode == "" {
		host.NetworkMode = "default"
	}
	if len(o.DNS) > 0 {
		if err := setDNS(host, o.DNS); err != nil {
			return client.ContainerCreateOptions{}, err
		}
	}
	return out, nil
}

// portSpecs converts docker-py's ports mapping into exposed ports and bindings.
func portSpecs(ports map[string]string) (network.PortSet, network.PortMap, error) {
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, key := range slices.Sorted(maps.Keys(ports)) {
		p, err := network.ParsePort(key)
		if err != nil {
			return nil, nil, fmt.Errorf("dockerpy: create: ports: %w", err)
		}
		exposed[p] = struct{}{}
		var b network.PortBinding
		spec := ports[key]
		if host, port, ok := strings.Cut(spec, ":"); ok && strings.Count(spec, ":") == 1 {
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return nil, nil, fmt.Errorf("dockerpy: create: ports: %s: host ip %q: %w", key, host, err)
			}
			b.HostIP, b.HostPort = ip, port
		} else {
			b.HostPort = spec
		}
		if b.HostPort != "" {
			if _, err := network.ParsePortRange(b.HostPort); err != nil {
				return nil, nil, fmt.Errorf("dockerpy: create: ports: %s: host port %q: %w", key, b.HostPort, err)
			}
		}
		bindings[p] = append(bindings[p], b)
	}
	return exposed, bindings, nil
}

// setDNS parses the DNS server addresses into HostConfig.DNS.
func setDNS(host *container.HostConfig, servers []string) error {
	for _, s := range servers {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return fmt.Errorf("dockerpy: create: dns %q: %w", s, err)
		}
		host.DNS = append(host.DNS, a)
	}
	return nil
}
