package emulator

import (
	"net/netip"
	"slices"
	"strings"
	"time"
)

// state is the in-process cache of the whole store, decoded. It is valid for one
// store generation (Engine.gen); every engine call first checks the generation and
// reloads what changed, so lists never decode rows.
type state struct {
	containers map[string]*ctrRec
	names      map[string]string // container name (no slash) -> id
	networks   map[string]*netRec
	volumes    map[string]*volRec
	images     map[string]*imgRec
	tags       map[string]string                // normalized tag or digest reference -> image id
	addrs      map[string]map[netip.Addr]string // network id -> address -> running container id
	labels     map[string]map[string]*ctrRec    // "key" and "key=value" -> container id -> container

	order []*ctrRec  // containers newest first; nil when stale
	due   *time.Time // earliest Due over containers; nil when stale
	// maxSeq is the highest container creation number held. Inside a write
	// transaction the cache is the store, so maxSeq+1 is the next number.
	maxSeq int64
}

func newState() *state {
	return &state{
		containers: map[string]*ctrRec{},
		names:      map[string]string{},
		networks:   map[string]*netRec{},
		volumes:    map[string]*volRec{},
		images:     map[string]*imgRec{},
		tags:       map[string]string{},
		addrs:      map[string]map[netip.Addr]string{},
		labels:     map[string]map[string]*ctrRec{},
	}
}

func (s *state) setContainer(c *ctrRec) {
	c.rawInspect = nil // the inspect JSON cache is per stored version
	if old := s.containers[c.ID]; old != nil && old.Name != c.Name && s.names[old.Name] == c.ID {
		delete(s.names, old.Name)
	}
	s.order = nil
	old := s.containers[c.ID]
	if old != nil {
		s.indexAddrs(old, false)
		s.indexLabels(old, false)
	}
	s.indexLabels(c, true)
	if s.due != nil {
		switch {
		case old != nil && !old.Due.IsZero() && !old.Due.After(*s.due):
			s.due = nil // the earliest may have moved later: rescan
		case !c.Due.IsZero() && (s.due.IsZero() || c.Due.Before(*s.due)):
			d := c.Due
			s.due = &d
		}
	}
	if c.Seq > s.maxSeq {
		s.maxSeq = c.Seq
	}
	s.indexAddrs(c, true)
	s.containers[c.ID] = c
	s.names[c.Name] = c.ID
}

func (s *state) dropContainer(id string) {
	if old := s.containers[id]; old != nil {
		if s.names[old.Name] == id {
			delete(s.names, old.Name)
		}
		s.indexAddrs(old, false)
		s.indexLabels(old, false)
		delete(s.containers, id)
		s.order = nil
		if s.due != nil && !old.Due.IsZero() && !old.Due.After(*s.due) {
			s.due = nil
		}
	}
}

// indexLabels adds (or removes) c under each of its "key" and "key=value".
func (s *state) indexLabels(c *ctrRec, add bool) {
	for k, v := range c.Config.Labels {
		for _, key := range []string{k, k + "=" + v} {
			m := s.labels[key]
			if add {
				if m == nil {
					m = map[string]*ctrRec{}
					s.labels[key] = m
				}
				m[c.ID] = c
			} else if m != nil {
				delete(m, c.ID)
				if len(m) == 0 {
					delete(s.labels, key)
				}
			}
		}
	}
}

// byLabels returns the containers carrying every "key" or "key=value" of want,
// newest first, through the label index.
func (s *state) byLabels(want []string) []*ctrRec {
	var smallest map[string]*ctrRec
	for i, w := range want {
		m := s.labels[w]
		if i == 0 || len(m) < len(smallest) {
			smallest = m
		}
	}
	out := make([]*ctrRec, 0, len(smallest))
	for _, c := range smallest {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *ctrRec) int {
		switch {
		case a.Seq > b.Seq:
			return -1
		case a.Seq < b.Seq:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// indexAddrs adds (or removes) the addresses c holds while running.
func (s *state) indexAddrs(c *ctrRec, add bool) {
	if !c.State.Running && !c.State.Restarting {
		return
	}
	for _, ep := range c.Networks {
		if ep.NetworkID == "" || !ep.IPAddress.IsValid() {
			continue
		}
		m := s.addrs[ep.NetworkID]
		if add {
			if m == nil {
				m = map[netip.Addr]string{}
				s.addrs[ep.NetworkID] = m
			}
			m[ep.IPAddress] = c.ID
		} else if m[ep.IPAddress] == c.ID {
			delete(m, ep.IPAddress)
		}
	}
}

func (s *state) setImage(im *imgRec) {
	s.dropImage(im.ID)
	s.images[im.ID] = im
	for _, r := range im.RepoTags {
		s.tags[r] = im.ID
	}
	for _, r := range im.RepoDigests {
		s.tags[r] = im.ID
	}
}

func (s *state) dropImage(id string) {
	if old := s.images[id]; old != nil {
		for _, r := range append(slices.Clone(old.RepoTags), old.RepoDigests...) {
			if s.tags[r] == id {
				delete(s.tags, r)
			}
		}
		delete(s.images, id)
	}
}

// sorted returns the containers newest first.
func (s *state) sorted() []*ctrRec {
	if s.order == nil {
		s.order = make([]*ctrRec, 0, len(s.containers))
		for _, c := range s.containers {
			s.order = append(s.order, c)
		}
		slices.SortFunc(s.order, func(a, b *ctrRec) int {
			switch {
			case a.Seq > b.Seq:
				return -1
			case a.Seq < b.Seq:
				return 1
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	return s.order
}

// nextDue returns the earliest time a container's simulated process changes state
// (zero: none pending).
func (s *state) nextDue() time.Time {
	if s.due == nil {
		var min time.Time
		for _, c := range s.containers {
			if !c.Due.IsZero() && (min.IsZero() || c.Due.Before(min)) {
				min = c.Due
			}
		}
		s.due = &min
	}
	return *s.due
}
