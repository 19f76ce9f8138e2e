package emulator

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moby/moby/api/types/network"
	"github.com/reconciler/reconciler/emulator/shell"
)

// Reachability. A container's view of the networks (netView, a shell.Resolver)
// follows Docker's embedded DNS: a name (container name, network alias,
// compose service alias, short id — the endpoint's DNSNames) resolves only on a
// user-defined network the container shares with the target, and only while the
// target is running. Addresses of containers on a shared network resolve too.
// network_mode none reaches nothing; container:X sees what X sees; host sees no
// container names (only published ports on localhost). Internal networks reach
// nothing outside: no external name resolves from anywhere in the emulator. A
// TCP dial succeeds when the target's simulated server is ready and listens on
// the port.

// netView answers reachability from inside one container (shell.Resolver).
type netView struct {
	s    *state
	self *ctrRec
	now  time.Time
}

// resolver returns c's view of the networks at the transaction's time.
func (t *txn) resolver(c *ctrRec) shell.Resolver { return &netView{s: t.s, self: c, now: t.now} }

// endpoints are the networks (by name) c is attached to, following
// network_mode container:X.
func (v *netView) endpoints() map[string]*network.EndpointSettings {
	c := v.self
	for i := 0; i < 4; i++ {
		mode := c.netMode()
		if !strings.HasPrefix(mode, "container:") {
			break
		}
		other, err := v.s.lookupContainer(strings.TrimPrefix(mode, "container:"))
		if err != nil {
			return nil
		}
		c = other
	}
	switch c.netMode() {
	case "none", "host":
		return nil
	}
	return c.Networks
}

// find returns the running container named (or addressed) host on a network
// shared with the viewer, with its address there.
func (v *netView) find(host string) (*ctrRec, string, bool) {
	mine := v.endpoints()
	if len(mine) == 0 {
		return nil, "", false
	}
	for _, c := range v.s.sorted() {
		if !c.State.Running {
			continue
		}
		for name, ep := range c.Networks {
			if _, shared := mine[name]; !shared || !ep.IPAddress.IsValid() {
				continue
			}
			addr := ep.IPAddress.String()
			if addr == host || slices.Contains(ep.DNSNames, host) {
				return c, addr, true
			}
		}
	}
	return nil, "", false
}

// LookupHost implements shell.Resolver.
func (v *netView) LookupHost(name string) ([]string, bool) {
	if _, addr, ok := v.find(name); ok {
		return []string{addr}, true
	}
	return nil, false
}

// Dial implements shell.Resolver.
func (v *netView) Dial(host string, port int) bool {
	c, _, ok := v.find(host)
	return ok && c.serving(port, v.now)
}

// serving reports whether c's simulated server accepts connections on port at
// now.
func (c *ctrRec) serving(port int, now time.Time) bool {
	if !c.State.Running || c.State.Paused || c.Proc == nil || c.Proc.Command.Server == nil {
		return false
	}
	srv := c.Proc.Command.Server
	ready, ok := c.eventAt(srv.ReadyAfter)
	return ok && !now.Before(ready) && srv.Listens(port)
}

// ServingHostPort answers "who serves this host port": the id of the running
// container publishing TCP port on the host (any host IP), and whether its
// server accepts connections there now. ok is false when no container
// publishes it.
func (e *Engine) ServingHostPort(ctx context.Context, port int) (id string, ready, ok bool, err error) {
	err = e.view(ctx, func(s *state) error {
		now := e.now()
		for _, c := range s.sorted() {
			if !c.State.Running {
				continue
			}
			for p, bindings := range c.Ports {
				if p.Proto() != "tcp" {
					continue
				}
				for _, b := range bindings {
					if b.HostPort == strconv.Itoa(port) {
						id, ok = c.ID, true
						ready = c.serving(int(p.Num()), now)
						return nil
					}
				}
			}
		}
		return nil
	})
	return id, ready, ok, err
}
