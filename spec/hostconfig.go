package spec

import (
	"fmt"
	"net/netip"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/docker/go-units"
	"github.com/moby/moby/api/types/blkiodev"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

// hostConfig builds the HostConfig of replica n (NetworkMode is set by the caller),
// following compose's getCreateConfigs.
func (b *builder) hostConfig(s types.ServiceConfig, n int) (*container.HostConfig, error) {
	ports, err := portBindings(s)
	if err != nil {
		return nil, err
	}
	dns, err := parseAddrs(s.DNS, "dns")
	if err != nil {
		return nil, err
	}
	binds, mounts, err := b.mounts(s)
	if err != nil {
		return nil, err
	}
	secOpts, unconfined, err := securityOpts(s.SecurityOpt)
	if err != nil {
		return nil, err
	}
	h := &container.HostConfig{
		Binds:          binds,
		Mounts:         mounts,
		Annotations:    cloneMap(s.Annotations),
		CapAdd:         s.CapAdd,
		CapDrop:        s.CapDrop,
		Init:           s.Init,
		IpcMode:        container.IpcMode(b.resolveRef(s.Ipc)),
		PidMode:        container.PidMode(b.resolveRef(s.Pid)),
		UTSMode:        container.UTSMode(s.Uts),
		UsernsMode:     container.UsernsMode(s.UserNSMode),
		CgroupnsMode:   container.CgroupnsMode(s.Cgroup),
		ReadonlyRootfs: s.ReadOnly,
		RestartPolicy:  restartPolicy(s),
		ShmSize:        int64(s.ShmSize),
		Sysctls:        cloneMap(s.Sysctls),
		PortBindings:   ports,
		Resources:      resources(s),
		VolumeDriver:   s.VolumeDriver,
		DNS:            dns,
		DNSSearch:      s.DNSSearch,
		DNSOptions:     s.DNSOpts,
		SecurityOpt:    secOpts,
		StorageOpt:     cloneMap(s.StorageOpt),
		Privileged:     s.Privileged,
		Tmpfs:          tmpfsMap(s.Tmpfs),
		Isolation:      container.Isolation(s.Isolation),
		Runtime:        s.Runtime,
		LogConfig:      logConfig(s),
		GroupAdd:       s.GroupAdd,
		OomScoreAdj:    int(s.OomScoreAdj),
		Umask:          s.Umask,
	}
	h.Links = b.links(s)
	if len(s.ExtraHosts) > 0 {
		h.ExtraHosts = s.ExtraHosts.AsList(":")
	}
	for _, v := range s.VolumesFrom {
		if ref, ok := strings.CutPrefix(v, types.ContainerPrefix); ok {
			h.VolumesFrom = append(h.VolumesFrom, ref)
			continue
		}
		svc, mode, _ := strings.Cut(v, ":")
		if target, ok := b.p.Services[svc]; ok {
			ref := ContainerName(b.p.Name, target, 1)
			if mode != "" {
				ref += ":" + mode
			}
			h.VolumesFrom = append(h.VolumesFrom, ref)
		}
	}
	if unconfined {
		h.MaskedPaths = []string{}
		h.ReadonlyPaths = []string{}
	}
	return h, nil
}

func parseAddrs(in []string, key string) ([]netip.Addr, error) {
	var out []netip.Addr
	for i, s := range in {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		out = append(out, a)
	}
	return out, nil
}

func tmpfsMap(list []string) map[string]string {
	if len(list) == 0 {
		return nil
	}
	m := make(map[string]string, len(list))
	for _, t := range list {
		k, v, _ := strings.Cut(t, ":")
		m[k] = v
	}
	return m
}

func logConfig(s types.ServiceConfig) container.LogConfig {
	if s.Logging != nil {
		return container.LogConfig{Type: s.Logging.Driver, Config: cloneMap(s.Logging.Options)}
	}
	return container.LogConfig{Type: s.LogDriver, Config: cloneMap(s.LogOpt)}
}

// securityOpts is compose's parseSecurityOpts: a seccomp profile file is inlined, and
// systempaths=unconfined clears the masked and read-only paths.
func securityOpts(opts []string) ([]string, bool, error) {
	var out []string
	unconfined := false
	for _, o := range opts {
		if o == "systempaths=unconfined" {
			unconfined = true
			continue
		}
		k, v, ok := strings.Cut(o, "=")
		if !ok {
			k, v, ok = strings.Cut(o, ":")
		}
		if ok && k == "seccomp" && v != "unconfined" && v != "builtin" {
			b, err := os.ReadFile(v)
			if err != nil {
				return nil, false, fmt.Errorf("security_opt: opening seccomp profile %s: %w", v, err)
			}
			out = append(out, "seccomp="+string(b))
			continue
		}
		out = append(out, o)
	}
	return out, unconfined, nil
}

// restartPolicy is compose's getRestartPolicy: deploy.restart_policy wins over restart.
func restartPolicy(s types.ServiceConfig) container.RestartPolicy {
	var rp container.RestartPolicy
	if s.Restart != "" {
		name, count, _ := strings.Cut(s.Restart, ":")
		attempts, _ := strconv.Atoi(count)
		rp = container.RestartPolicy{Name: restartMode(name), MaximumRetryCount: attempts}
	}
	if s.Deploy != nil && s.Deploy.RestartPolicy != nil {
		p := s.Deploy.RestartPolicy
		attempts := 0
		if p.MaxAttempts != nil {
			attempts = int(*p.MaxAttempts)
		}
		rp = container.RestartPolicy{Name: restartMode(p.Condition), MaximumRetryCount: attempts}
	}
	return rp
}

func restartMode(c string) container.RestartPolicyMode {
	switch c {
	case "none", "no":
		return container.RestartPolicyDisabled
	case "on-failure":
		return container.RestartPolicyOnFailure
	case "unless-stopped":
		return container.RestartPolicyUnlessStopped
	case "any", "always":
		return container.RestartPolicyAlways
	default:
		return container.RestartPolicyMode(c)
	}
}

// resources is compose's getDeployResources (blkio and gpus are warned about instead).
func resources(s types.ServiceConfig) container.Resources {
	r := container.Resources{
		CgroupParent:       s.CgroupParent,
		Memory:             int64(s.MemLimit),
		MemorySwap:         int64(s.MemSwapLimit),
		MemoryReservation:  int64(s.MemReservation),
		OomKillDisable:     &s.OomKillDisable,
		CPUCount:           s.CPUCount,
		CPUPeriod:          s.CPUPeriod,
		CPUQuota:           s.CPUQuota,
		CPURealtimePeriod:  s.CPURTPeriod,
		CPURealtimeRuntime: s.CPURTRuntime,
		CPUShares:          s.CPUShares,
		NanoCPUs:           int64(s.CPUS * 1e9),
		CPUPercent:         int64(s.CPUPercent * 100),
		CpusetCpus:         s.CPUSet,
		DeviceCgroupRules:  s.DeviceCgroupRules,
	}
	if s.MemSwappiness != 0 {
		v := int64(s.MemSwappiness)
		r.MemorySwappiness = &v
	}
	if s.PidsLimit != 0 {
		v := s.PidsLimit
		r.PidsLimit = &v
	}
	if s.Deploy != nil {
		if l := s.Deploy.Resources.Limits; l != nil {
			if l.MemoryBytes != 0 {
				r.Memory = int64(l.MemoryBytes)
			}
			if l.NanoCPUs != 0 {
				r.NanoCPUs = int64(l.NanoCPUs * 1e9)
			}
			if l.Pids > 0 {
				v := l.Pids
				r.PidsLimit = &v
			}
		}
		if res := s.Deploy.Resources.Reservations; res != nil {
			if res.MemoryBytes > 0 {
				r.MemoryReservation = int64(res.MemoryBytes)
			}
			for _, d := range res.Devices {
				r.DeviceRequests = append(r.DeviceRequests, container.DeviceRequest{
					Capabilities: [][]string{d.Capabilities},
					Count:        int(d.Count),
					DeviceIDs:    d.IDs,
					Driver:       d.Driver,
					Options:      cloneMap(d.Options),
				})
			}
		}
	}
	var cdi []string
	for _, d := range s.Devices {
		if d.Source == d.Target && reCDIName.MatchString(d.Source) {
			cdi = append(cdi, d.Source)
			continue
		}
		r.Devices = append(r.Devices, container.DeviceMapping{
			PathOnHost: d.Source, PathInContainer: d.Target, CgroupPermissions: d.Permissions,
		})
	}
	if len(cdi) > 0 {
		r.DeviceRequests = append(r.DeviceRequests, container.DeviceRequest{Driver: "cdi", DeviceIDs: cdi})
	}
	for _, g := range s.Gpus {
		r.DeviceRequests = append(r.DeviceRequests, container.DeviceRequest{
			Driver:       g.Driver,
			Count:        int(g.Count),
			DeviceIDs:    g.IDs,
			Capabilities: [][]string{append(append([]string{}, g.Capabilities...), "gpu")},
			Options:      cloneMap(g.Options),
		})
	}
	setBlkio(s.BlkioConfig, &r)
	for name, u := range s.Ulimits {
		soft, hard := int64(u.Single), int64(u.Single)
		if u.Soft != 0 {
			soft = int64(u.Soft)
		}
		if u.Hard != 0 {
			hard = int64(u.Hard)
		}
		r.Ulimits = append(r.Ulimits, &units.Ulimit{Name: name, Soft: soft, Hard: hard})
	}
	sortUlimits(r.Ulimits)
	return r
}

// reCDIName matches a fully qualified CDI device name, vendor.com/class=name.
var reCDIName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*=[A-Za-z0-9_.:-]+$`)

// setBlkio is compose's setBlkio.
func setBlkio(b *types.BlkioConfig, r *container.Resources) {
	if b == nil {
		return
	}
	r.BlkioWeight = b.Weight
	for _, d := range b.WeightDevice {
		r.BlkioWeightDevice = append(r.BlkioWeightDevice, &blkiodev.WeightDevice{Path: d.Path, Weight: d.Weight})
	}
	throttle := func(in []types.ThrottleDevice) []*blkiodev.ThrottleDevice {
		var out []*blkiodev.ThrottleDevice
		for _, d := range in {
			out = append(out, &blkiodev.ThrottleDevice{Path: d.Path, Rate: uint64(d.Rate)})
		}
		return out
	}
	r.BlkioDeviceReadBps = throttle(b.DeviceReadBps)
	r.BlkioDeviceReadIOps = throttle(b.DeviceReadIOps)
	r.BlkioDeviceWriteBps = throttle(b.DeviceWriteBps)
	r.BlkioDeviceWriteIOps = throttle(b.DeviceWriteIOps)
}

func sortUlimits(u []*units.Ulimit) {
	for i := 1; i < len(u); i++ {
		for j := i; j > 0 && u[j].Name < u[j-1].Name; j-- {
			u[j], u[j-1] = u[j-1], u[j]
		}
	}
}

// mounts is compose's buildContainerVolumes: binds that need no Mount API option as Binds
// strings (the Bind API creates a missing host path), everything else, and secrets and
// configs as read-only binds, as Mounts, in file order.
func (b *builder) mounts(s types.ServiceConfig) ([]string, []mount.Mount, error) {
	var binds []string
	var mounts []mount.Mount
	for _, v := range s.Volumes {
		switch v.Type {
		case types.VolumeTypeBind:
			if !bindNeedsMountAPI(v.Bind) {
				binds = append(binds, bindString(v.Source, v))
				continue
			}
			m := mount.Mount{Type: mount.TypeBind, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly,
				Consistency: mount.Consistency(v.Consistency)}
			if v.Bind != nil {
				m.BindOptions = &mount.BindOptions{
					Propagation:      mount.Propagation(v.Bind.Propagation),
					CreateMountpoint: bool(v.Bind.CreateHostPath),
				}
				switch v.Bind.Recursive {
				case "disabled":
					m.BindOptions.NonRecursive = true
				case "writable":
					m.BindOptions.ReadOnlyNonRecursive = true
				case "readonly":
					m.BindOptions.ReadOnlyForceRecursive = true
				}
			}
			mounts = append(mounts, m)
		case types.VolumeTypeVolume:
			source := v.Source
			if vol, ok := b.p.Volumes[v.Source]; ok && v.Source != "" {
				source = vol.Name
			}
			m := mount.Mount{Type: mount.TypeVolume, Source: source, Target: v.Target, ReadOnly: v.ReadOnly,
				Consistency: mount.Consistency(v.Consistency)}
			if v.Volume != nil {
				m.VolumeOptions = &mount.VolumeOptions{NoCopy: v.Volume.NoCopy, Labels: cloneMap(v.Volume.Labels), Subpath: v.Volume.Subpath}
			}
			mounts = append(mounts, m)
		case types.VolumeTypeTmpfs:
			m := mount.Mount{Type: mount.TypeTmpfs, Target: v.Target, ReadOnly: v.ReadOnly}
			if v.Tmpfs != nil {
				m.TmpfsOptions = &mount.TmpfsOptions{SizeBytes: int64(v.Tmpfs.Size), Mode: os.FileMode(v.Tmpfs.Mode)}
			}
			mounts = append(mounts, m)
		case types.VolumeTypeImage:
			m := mount.Mount{Type: mount.TypeImage, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly}
			if v.Image != nil && v.Image.SubPath != "" {
				m.ImageOptions = &mount.ImageOptions{Subpath: v.Image.SubPath}
			}
			mounts = append(mounts, m)
		}
	}
	for _, sec := range s.Secrets {
		def := b.p.Secrets[sec.Source]
		if def.File == "" {
			continue
		}
		target := sec.Target
		if target == "" {
			target = "/run/secrets/" + sec.Source
		} else if !path.IsAbs(target) {
			target = "/run/secrets/" + target
		}
		// compose mounts secrets with create_host_path: false
		mounts = append(mounts, mount.Mount{Type: mount.TypeBind, Source: def.File, Target: target, ReadOnly: true,
			BindOptions: &mount.BindOptions{}})
	}
	for _, cfg := range s.Configs {
		def := b.p.Configs[cfg.Source]
		if def.File == "" {
			continue
		}
		target := cfg.Target
		if target == "" {
			target = "/" + cfg.Source
		} else if !path.IsAbs(target) {
			target = "/" + target
		}
		mounts = append(mounts, mount.Mount{Type: mount.TypeBind, Source: def.File, Target: target, ReadOnly: true})
	}
	return binds, mounts, nil
}

func bindNeedsMountAPI(b *types.ServiceVolumeBind) bool {
	return b != nil && (!bool(b.CreateHostPath) || b.Propagation != "" || b.Recursive != "")
}

// bindString is compose's toBindString: source:target:rw|ro[,selinux][,propagation][,nocopy].
func bindString(source string, v types.ServiceVolumeConfig) string {
	opts := []string{"rw"}
	if v.ReadOnly {
		opts[0] = "ro"
	}
	if v.Bind != nil && v.Bind.SELinux != "" {
		opts = append(opts, v.Bind.SELinux)
	}
	if v.Bind != nil && v.Bind.Propagation != "" {
		opts = append(opts, v.Bind.Propagation)
	}
	if v.Volume != nil && v.Volume.NoCopy {
		opts = append(opts, "nocopy")
	}
	return source + ":" + v.Target + ":" + strings.Join(opts, ",")
}
