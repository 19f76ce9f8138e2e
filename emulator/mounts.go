package emulator

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
)

var validModes = map[string]bool{
	"ro": true, "rw": true, "z": true, "Z": true, "nocopy": true,
	"shared": true, "slave": true, "private": true, "rshared": true, "rslave": true, "rprivate": true,
	"consistent": true, "cached": true, "delegated": true,
}

// mountReq is one requested mount before volumes are resolved.
type mountReq struct {
	mp   container.MountPoint
	anon bool // an anonymous volume is to be created
}

// parseBind reads a HostConfig.Binds entry ("[src:]dst[:mode]") as dockerd's Linux
// parser does.
func parseBind(spec string) (mountReq, error) {
	parts := strings.Split(spec, ":")
	bad := func() (mountReq, error) { return mountReq{}, errInvalid("invalid volume specification: '%s'", spec) }
	var src, dst, mode string
	switch len(parts) {
	case 1:
		dst = parts[0]
	case 2:
		if validModes[parts[1]] || strings.Contains(parts[1], ",") {
			// "/dst:ro" is a destination with a mode only when the first part is absolute
			if !path.IsAbs(parts[0]) {
				return bad()
			}
			dst, mode = parts[0], parts[1]
		} else {
			src, dst = parts[0], parts[1]
		}
	case 3:
		src, dst, mode = parts[0], parts[1], parts[2]
	default:
		return bad()
	}
	if dst == "" || (len(parts) > 1 && src == "" && mode == "") {
		return bad()
	}
	for _, m := range strings.Split(mode, ",") {
		if m != "" && !validModes[m] {
			return mountReq{}, errInvalid("invalid mode: %s", mode)
		}
	}
	if !path.IsAbs(dst) {
		return mountReq{}, errInternal("invalid volume specification: '%s': invalid mount config for type \"volume\": invalid mount path: '%s' mount path must be absolute", spec, dst)
	}
	rw := !slices.Contains(strings.Split(mode, ","), "ro")
	dst = path.Clean(dst)
	switch {
	case src == "":
		return mountReq{mp: container.MountPoint{Type: mount.TypeVolume, Destination: dst, Driver: "local", RW: rw}, anon: true}, nil
	case path.IsAbs(src):
		return mountReq{mp: container.MountPoint{Type: mount.TypeBind, Source: path.Clean(src), Destination: dst, Mode: mode, RW: rw, Propagation: mount.PropagationRPrivate}}, nil
	default:
		if !validName.MatchString(src) {
			return mountReq{}, errInvalid("create %s: %q includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path", src, src)
		}
		if mode == "" {
			mode = "z"
		}
		return mountReq{mp: container.MountPoint{Type: mount.TypeVolume, Name: src, Destination: dst, Driver: "local", Mode: mode, RW: rw}}, nil
	}
}

// mountRequests gathers the mounts of a container: Binds, HostConfig.Mounts, then
// an anonymous volume for every Config.Volumes path not already mounted.
func mountRequests(cfg *container.Config, hc *container.HostConfig) ([]mountReq, error) {
	var out []mountReq
	seen := map[string]bool{}
	add := func(r mountReq) error {
		if seen[r.mp.Destination] {
			return errInvalid("Duplicate mount point: %s", r.mp.Destination)
		}
		seen[r.mp.Destination] = true
		out = append(out, r)
		return nil
	}
	for _, b := range hc.Binds {
		r, err := parseBind(b)
		if err != nil {
			return nil, err
		}
		if err := add(r); err != nil {
			return nil, err
		}
	}
	for _, m := range hc.Mounts {
		if !path.IsAbs(m.Target) {
			return nil, errInvalid("invalid mount config for type %q: invalid mount path: '%s' mount path must be absolute", m.Type, m.Target)
		}
		var r mountReq
		switch m.Type {
		case mount.TypeVolume:
			r = mountReq{mp: container.MountPoint{Type: mount.TypeVolume, Name: m.Source, Destination: path.Clean(m.Target), Driver: "local", RW: !m.ReadOnly}, anon: m.Source == ""}
		case mount.TypeBind:
			if !path.IsAbs(m.Source) {
				return nil, errInvalid("invalid mount config for type \"bind\": invalid mount path: '%s' mount path must be absolute", m.Source)
			}
			r = mountReq{mp: container.MountPoint{Type: mount.TypeBind, Source: m.Source, Destination: path.Clean(m.Target), RW: !m.ReadOnly, Propagation: mount.PropagationRPrivate}}
		case mount.TypeTmpfs:
			r = mountReq{mp: container.MountPoint{Type: mount.TypeTmpfs, Destination: path.Clean(m.Target), RW: !m.ReadOnly}}
		default:
			return nil, errInvalid("mount type unknown: %q", m.Type)
		}
		if err := add(r); err != nil {
			return nil, err
		}
	}
	dests := make([]string, 0, len(cfg.Volumes))
	for d := range cfg.Volumes {
		dests = append(dests, d)
	}
	slices.Sort(dests)
	for _, d := range dests {
		if !path.IsAbs(d) {
			return nil, errInvalid("invalid mount config for type \"volume\": invalid mount path: '%s' mount path must be absolute", d)
		}
		if seen[path.Clean(d)] {
			continue
		}
		seen[path.Clean(d)] = true
		out = append(out, mountReq{mp: container.MountPoint{Type: mount.TypeVolume, Destination: path.Clean(d), Driver: "local", RW: true}, anon: true})
	}
	return out, nil
}
