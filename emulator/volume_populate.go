package emulator

import (
	"path"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/container"
)

// Populating volumes from the image, as dockerd does when it sets up a
// container's mounts: a volume mount (named or anonymous, never a bind or a
// tmpfs) whose volume is empty gets a copy of what the container's image has
// under the mount point, unless the mount says nocopy (a "nocopy" bind mode,
// HostConfig.Mounts' VolumeOptions.NoCopy, compose's volume.nocopy). A volume
// that holds anything is left as it is. It happens once per container, when
// its filesystem is first set up (first start, or a first copy into it), so
// a volume emptied later is not filled again by a restart.

// copyUp copies the files of c's root filesystem o (the image's files) under
// the volume mount point m into v, when v is empty and m copies data; it
// reports whether it copied anything. v.Files must be non-nil.
func (o overlay) copyUp(c *ctrRec, m container.MountPoint, v *volRec) bool {
	if m.Type != "volume" || len(v.Files) > 0 || !c.copiesData(m.Destination) {
		return false
	}
	copied := false
	for p, e := range o.under(m.Destination) {
		v.Files[p[len(m.Destination):]] = fileEntry{Dir: e.Dir, Data: slices.Clone(e.Data)}
		copied = true
	}
	return copied
}

// copiesData reports whether the volume mounted at dest is populated from the
// image: false when its Binds entry has the nocopy mode or its Mounts entry
// sets VolumeOptions.NoCopy.
func (c *ctrRec) copiesData(dest string) bool {
	for _, b := range c.HostConfig.Binds {
		r, err := parseBind(b)
		if err != nil || r.mp.Destination != dest {
			continue
		}
		parts := strings.Split(b, ":")
		if len(parts) > 1 && slices.Contains(strings.Split(parts[len(parts)-1], ","), "nocopy") {
			return false
		}
	}
	for _, m := range c.HostConfig.Mounts {
		if path.Clean(m.Target) == dest && m.VolumeOptions != nil && m.VolumeOptions.NoCopy {
			return false
		}
	}
	return true
}
