package emulator

import (
	"net"
	"net/netip"

	"github.com/moby/moby/api/types/network"
)

// defaultPools are dockerd's default address pools in the order it hands them out:
// 172.17.0.0/16 (the default bridge) through 172.31.0.0/16, then 192.168.0.0/16
// split into /20s.
var defaultPools = func() []netip.Prefix {
	var out []netip.Prefix
	for b := 17; b <= 31; b++ {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{172, byte(b), 0, 0}), 16))
	}
	for c := 0; c < 256; c += 16 {
		out = append(out, netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(c), 0}), 20))
	}
	return out
}()

// subnets lists every subnet in use by a network.
func (s *state) subnets() []netip.Prefix {
	var out []netip.Prefix
	for _, n := range s.networks {
		for _, c := range n.IPAM.Config {
			if c.Subnet.IsValid() {
				out = append(out, c.Subnet.Masked())
			}
		}
	}
	return out
}

func overlapsAny(p netip.Prefix, used []netip.Prefix) bool {
	for _, u := range used {
		if u.Overlaps(p) {
			return true
		}
	}
	return false
}

// nextPool returns the first default pool that overlaps no existing network.
func (s *state) nextPool() (netip.Prefix, error) {
	used := s.subnets()
	for _, p := range defaultPools {
		if !overlapsAny(p, used) {
			return p, nil
		}
	}
	return netip.Prefix{}, errForbidden("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network")
}

// firstHost is the first usable address of p (the conventional gateway).
func firstHost(p netip.Prefix) netip.Addr { return p.Masked().Addr().Next() }

// lastAddr is the broadcast address of an IPv4 prefix.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	bits := p.Bits()
	for i := 0; i < 4; i++ {
		for b := 0; b < 8; b++ {
			if i*8+b >= bits {
				a[i] |= 1 << (7 - b)
			}
		}
	}
	return netip.AddrFrom4(a)
}

// allocAddr hands out an address on n: the requested one, or the next free one after
// the network's cursor (dockerd allocates serially and wraps around).
func (t *txn) allocAddr(n *netRec, want netip.Addr) (netip.Addr, netip.Prefix, netip.Addr, error) {
	var cfg *network.IPAMConfig
	for i := range n.IPAM.Config {
		if n.IPAM.Config[i].Subnet.Addr().Is4() {
			cfg = &n.IPAM.Config[i]
			break
		}
	}
	if cfg == nil {
		if want.IsValid() {
			return netip.Addr{}, netip.Prefix{}, netip.Addr{}, errInvalid("invalid address %s: it does not belong to any of this network's subnets", want)
		}
		return netip.Addr{}, netip.Prefix{}, netip.Addr{}, nil
	}
	subnet := cfg.Subnet.Masked()
	gateway := cfg.Gateway
	if !gateway.IsValid() {
		gateway = firstHost(subnet)
	}
	used := t.s.addrs[n.ID]
	reserved := func(a netip.Addr) bool {
		if a == gateway || a == subnet.Masked().Addr() || a == lastAddr(subnet) {
			return true
		}
		for _, aux := range cfg.AuxAddress {
			if aux == a {
				return true
			}
		}
		_, taken := used[a]
		return taken
	}
	if want.IsValid() {
		if !subnet.Contains(want) {
			return netip.Addr{}, netip.Prefix{}, netip.Addr{}, errInvalid("invalid address %s: it does not belong to any of this network's subnets", want)
		}
		if reserved(want) {
			return netip.Addr{}, netip.Prefix{}, netip.Addr{}, errForbidden("Address already in use")
		}
		return want, subnet, gateway, nil
	}
	pool := subnet
	if cfg.IPRange.IsValid() {
		pool = cfg.IPRange
	}
	first, last := pool.Masked().Addr(), lastAddr(pool)
	start := first
	if c, err := netip.ParseAddr(n.Cursor[subnet.String()]); err == nil && pool.Contains(c) {
		start = c.Next()
	}
	if !pool.Contains(start) {
		start = first
	}
	a := start
	for {
		if !reserved(a) {
			if n.Cursor == nil {
				n.Cursor = map[string]string{}
			}
			n.Cursor[subnet.String()] = a.String()
			t.putNetwork(n)
			return a, subnet, gateway, nil
		}
		if a == last {
			a = first
		} else {
			a = a.Next()
		}
		if a == start {
			return netip.Addr{}, netip.Prefix{}, netip.Addr{}, errInternal("no available IPv4 addresses on this network's address pools: %s (%s)", n.Name, n.ID)
		}
	}
}

// macFor is dockerd 20.10's generated MAC address: 02:42 followed by the IPv4 address.
func macFor(a netip.Addr) network.HardwareAddr {
	b := a.As4()
	return network.HardwareAddr(net.HardwareAddr{0x02, 0x42, b[0], b[1], b[2], b[3]})
}
