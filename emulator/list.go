package emulator

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

var validHealth = map[string]bool{"starting": true, "healthy": true, "unhealthy": true, "none": true}

// ContainerList lists containers newest first, filtered as dockerd filters them.
// Without All (or a status filter, or a Limit) only running containers are listed.
func (e *Engine) ContainerList(ctx context.Context, options client.ContainerListOptions) (client.ContainerListResult, error) {
	out := client.ContainerListResult{Items: []container.Summary{}}
	f, err := newFilter(options.Filters, containerListFilters)
	if err != nil {
		return out, err
	}
	all := options.All || options.Limit > 0 || options.Latest
	for _, v := range f["status"] {
		if !slices.Contains([]string{"created", "restarting", "running", "removing", "paused", "exited", "dead"}, v) {
			return out, errInvalid("Invalid filter 'status=%s'", v)
		}
		all = true
	}
	for _, v := range f["health"] {
		if !validHealth[v] {
			return out, errInvalid("Unrecognised filter value for health: %s", v)
		}
	}
	exited := map[int]bool{}
	for _, v := range f["exited"] {
		n, err := strconv.Atoi(v)
		if err != nil {
			return out, errInvalid("Invalid filter 'exited=%s'", v)
		}
		exited[n] = true
	}
	var portFilter = func(k string) ([]network.PortRange, error) {
		var rs []network.PortRange
		for _, v := range f[k] {
			r, err := network.ParsePortRange(v)
			if err != nil {
				return nil, errInvalid("Invalid filter '%s=%s'", k, v)
			}
			rs = append(rs, r)
		}
		return rs, nil
	}
	publish, err := portFilter("publish")
	if err != nil {
		return out, err
	}
	expose, err := portFilter("expose")
	if err != nil {
		return out, err
	}
	limit := options.Limit
	if options.Latest {
		limit = 1
	}
	err = e.viewOp(ctx, OpContainerList, faultTarget{}, func(s *state) error {
		var beforeSeq, sinceSeq int64 = -1, -1
		for _, v := range append(slices.Clone(f["before"]), options.Before) {
			if v == "" {
				continue
			}
			c, err := s.lookupContainer(v)
			if err != nil {
				return err
			}
			beforeSeq = c.Seq
		}
		for _, v := range append(slices.Clone(f["since"]), options.Since) {
			if v == "" {
				continue
			}
			c, err := s.lookupContainer(v)
			if err != nil {
				return err
			}
			sinceSeq = c.Seq
		}
		var ancestors map[string]bool
		if f.has("ancestor") {
			ancestors = map[string]bool{}
			for _, v := range f["ancestor"] {
				if im, err := s.lookupImage(v); err == nil {
					ancestors[im.ID] = true
				}
			}
		}
		now := e.now()
		candidates := s.sorted()
		if f.has("label") {
			candidates = s.byLabels(f["label"])
		}
		for _, c := range candidates {
			if sinceSeq >= 0 && c.Seq <= sinceSeq {
				break
			}
			if beforeSeq >= 0 && c.Seq >= beforeSeq {
				continue
			}
			if !all && !c.State.Running {
				continue
			}
			if !f.kvMatch("label", c.Config.Labels) || !f.exact("status", string(c.State.Status)) ||
				!f.match("name", "/"+c.Name) || !f.match("id", c.ID) {
				continue
			}
			if ancestors != nil && !ancestors[c.ImageID] {
				continue
			}
			if len(exited) > 0 && (c.State.Status != container.StateExited || !exited[c.State.ExitCode]) {
				continue
			}
			if f.has("health") && !f.exact("health", c.healthStatus()) {
				continue
			}
			if f.has("isolation") && !f.exact("isolation", string(c.HostConfig.Isolation)) {
				continue
			}
			if f.has("is-task") {
				continue
			}
			if f.has("network") && !c.onNetwork(s, f["network"]) {
				continue
			}
			if f.has("volume") && !slices.ContainsFunc(c.Mounts, func(m container.MountPoint) bool {
				return f.exact("volume", m.Name) || f.exact("volume", m.Destination) || (m.Type == "bind" && f.exact("volume", m.Source))
			}) {
				continue
			}
			if len(publish) > 0 && !c.publishes(publish) {
				continue
			}
			if len(expose) > 0 && !c.exposes(expose) {
				continue
			}
			out.Items = append(out.Items, c.summary(s, now, options.Size))
			if limit > 0 && len(out.Items) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

func (c *ctrRec) healthStatus() string {
	if c.State.Health == nil {
		return "none"
	}
	return string(c.State.Health.Status)
}

func (c *ctrRec) onNetwork(s *state, refs []string) bool {
	for name, ep := range c.Networks {
		for _, r := range refs {
			if r == name || (ep.NetworkID != "" && strings.HasPrefix(ep.NetworkID, r)) {
				return true
			}
			if n, err := s.lookupNetwork(r); err == nil && n.Name == name {
				return true
			}
		}
	}
	return false
}

func inRanges(rs []network.PortRange, num uint16, proto network.IPProtocol) bool {
	for _, r := range rs {
		if num >= r.Start() && num <= r.End() && r.Proto() == proto {
			return true
		}
	}
	return false
}

// publishes reports whether a bound port (container or host side) is in rs.
func (c *ctrRec) publishes(rs []network.PortRange) bool {
	if !c.State.Running {
		return false
	}
	for p, bs := range c.Ports {
		if len(bs) == 0 {
			continue
		}
		if inRanges(rs, p.Num(), p.Proto()) {
			return true
		}
		for _, b := range bs {
			if n, err := strconv.Atoi(b.HostPort); err == nil && inRanges(rs, uint16(n), p.Proto()) {
				return true
			}
		}
	}
	return false
}

func (c *ctrRec) exposes(rs []network.PortRange) bool {
	for p := range c.Config.ExposedPorts {
		if inRanges(rs, p.Num(), p.Proto()) {
			return true
		}
	}
	return false
}
