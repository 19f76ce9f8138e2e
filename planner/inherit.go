package planner

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"

	"github.com/reconciler/reconciler/spec"
)

// inherit gives the replacement c of old (c is createSpec's copy) old's
// anonymous volumes, as compose's recreate does: each is mounted again at its
// destination, unless the new container mounts something explicit there (a
// named volume, a bind, a tmpfs). A service volume without a source at that
// destination takes the old volume. Nothing is inherited with
// Options.RenewAnonymous. c's HostConfig is copied, never changed in place.
func (b *builder) inherit(c *spec.Container, old *Container) *spec.Container {
	if b.opts.RenewAnonymous || len(old.Anonymous) == 0 {
		return c
	}
	var hc container.HostConfig
	if c.HostConfig != nil {
		hc = *c.HostConfig
	}
	taken := map[string]bool{}
	for _, bind := range hc.Binds {
		if parts := strings.Split(bind, ":"); len(parts) >= 2 {
			taken[path.Clean(parts[1])] = true
		}
	}
	for dest := range hc.Tmpfs {
		taken[path.Clean(dest)] = true
	}
	mounts := slices.Clone(hc.Mounts)
	for i, m := range mounts {
		dest := path.Clean(m.Target)
		if name, ok := old.Anonymous[dest]; ok && m.Type == mount.TypeVolume && m.Source == "" {
			mounts[i].Source = name
		}
		taken[dest] = true
	}
	for _, dest := range slices.Sorted(maps.Keys(old.Anonymous)) {
		if !taken[dest] {
			mounts = append(mounts, mount.Mount{Type: mount.TypeVolume, Source: old.Anonymous[dest], Target: dest})
		}
	}
	hc.Mounts = mounts
	c.HostConfig = &hc
	return c
}

// IsAnonymousVolume reports whether a volume name is one the engine made up:
// 64 lowercase hex digits, as dockerd names anonymous volumes.
func IsAnonymousVolume(name string) bool {
	if len(name) != 64 {
		return false
	}
	for _, r := range name {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
