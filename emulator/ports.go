package emulator

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/network"
)

// parseHostPort reads a HostPort: "" (random), "N" or "N-M".
func parseHostPort(s string) (lo, hi int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, isRange := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(a)
	hi = lo
	var err2 error
	if isRange {
		hi, err2 = strconv.Atoi(b)
	}
	if err1 != nil || err2 != nil || lo < 1 || hi > 65535 || hi < lo {
		return 0, 0, errInvalid("invalid port specification: %q", s)
	}
	return lo, hi, nil
}

// checkPortBindings validates PortBindings at create, as dockerd does.
func checkPortBindings(pm network.PortMap) error {
	for p, bs := range pm {
		if !p.IsValid() || p.Num() == 0 {
			return errInvalid("invalid port specification: %q", p.String())
		}
		for _, b := range bs {
			if _, _, err := parseHostPort(b.HostPort); err != nil {
				return err
			}
		}
	}
	return nil
}

const ephemeralLo, ephemeralHi = 32768, 60999

type hostPortKey struct {
	proto string
	port  int
}

// boundPorts returns the host ports held by running containers, with the host IPs.
func (s *state) boundPorts() map[hostPortKey][]netip.Addr {
	out := map[hostPortKey][]netip.Addr{}
	for _, c := range s.containers {
		if !c.State.Running {
			continue
		}
		for p, bs := range c.Ports {
			for _, b := range bs {
				n, _ := strconv.Atoi(b.HostPort)
				k := hostPortKey{string(p.Proto()), n}
				out[k] = append(out[k], b.HostIP)
			}
		}
	}
	return out
}

func ipsOverlap(a, b netip.Addr) bool {
	if !a.IsValid() || !b.IsValid() || a == b {
		return true
	}
	if a.Is4() != b.Is4() {
		return false
	}
	return a.IsUnspecified() || b.IsUnspecified()
}

// bindPorts chooses the host ports for c's PortBindings (and, with PublishAllPorts,
// its exposed ports), failing as dockerd does when a port is taken. It returns the
// NetworkSettings.Ports map: exposed ports without binding map to nil.
func (s *state) bindPorts(c *ctrRec, endpointID string) (network.PortMap, error) {
	out := network.PortMap{}
	mode := c.netMode()
	if mode == "host" || mode == "none" || strings.HasPrefix(mode, "container:") {
		return out, nil
	}
	for p := range c.Config.ExposedPorts {
		out[p] = nil
	}
	// dockerd publishes only exposed ports: PortBindings of a port that is not in
	// Config.ExposedPorts bind nothing (compose and the CLI expose bound ports).
	req := network.PortMap{}
	for p, bs := range c.HostConfig.PortBindings {
		if _, exposed := c.Config.ExposedPorts[p]; exposed {
			req[p] = bs
		}
	}
	if c.HostConfig.PublishAllPorts {
		for p := range c.Config.ExposedPorts {
			if len(req[p]) == 0 {
				req[p] = []network.PortBinding{{}}
			}
		}
	}
	ports := make([]network.Port, 0, len(req))
	for p := range req {
		ports = append(ports, p)
	}
	if len(ports) == 0 {
		return out, nil // nothing to bind: skip the scan of every container's ports
	}
	slices.SortFunc(ports, func(a, b network.Port) int { return strings.Compare(a.String(), b.String()) })
	taken := s.boundPorts()
	free := func(proto string, port int, ip netip.Addr) bool {
		for _, other := range taken[hostPortKey{proto, port}] {
			if ipsOverlap(other, ip) {
				return false
			}
		}
		return true
	}
	for _, p := range ports {
		proto := string(p.Proto())
		for _, b := range req[p] {
			ip := b.HostIP
			lo, hi, err := parseHostPort(b.HostPort)
			if err != nil {
				return nil, err
			}
			if lo == 0 {
				lo, hi = ephemeralLo, ephemeralHi
			}
			chosen := 0
			for port := lo; port <= hi; port++ {
				if free(proto, port, ip) {
					chosen = port
					break
				}
			}
			if chosen == 0 {
				shown := "0.0.0.0"
				if ip.IsValid() {
					shown = ip.String()
				}
				return nil, errInternal("driver failed programming external connectivity on endpoint %s (%s): Bind for %s:%d failed: port is already allocated",
					c.Name, endpointID, shown, lo)
			}
			key := hostPortKey{proto, chosen}
			hp := strconv.Itoa(chosen)
			if !ip.IsValid() {
				v4, v6 := netip.IPv4Unspecified(), netip.IPv6Unspecified()
				out[p] = append(out[p], network.PortBinding{HostIP: v4, HostPort: hp}, network.PortBinding{HostIP: v6, HostPort: hp})
				taken[key] = append(taken[key], v4, v6)
			} else {
				out[p] = append(out[p], network.PortBinding{HostIP: ip, HostPort: hp})
				taken[key] = append(taken[key], ip)
			}
		}
	}
	return out, nil
}
