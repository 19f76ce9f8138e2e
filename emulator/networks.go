package emulator

import (
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// builtinNetworks are dockerd's predefined networks; they cannot be removed.
var builtinNetworks = map[string]string{"bridge": "bridge", "host": "host", "none": "null"}

func isBuiltin(n *netRec) bool { _, ok := builtinNetworks[n.Name]; return ok }

// ensureDefaults creates bridge, host and none in a new store.
func (e *Engine) ensureDefaults(ctx context.Context) error {
	have := false
	if err := e.view(ctx, func(s *state) error {
		for _, n := range s.networks {
			if n.Name == "bridge" {
				have = true
			}
		}
		return nil
	}); err != nil || have {
		return err
	}
	return e.update(ctx, func(t *txn) error {
		for _, n := range t.s.networks {
			if n.Name == "bridge" {
				return nil
			}
		}
		for _, name := range []string{"bridge", "host", "none"} {
			n := &netRec{Network: network.Network{
				Name: name, ID: newID(), Created: t.now, Scope: "local", Driver: builtinNetworks[name],
				EnableIPv4: name == "bridge", IPAM: network.IPAM{Driver: "default", Config: []network.IPAMConfig{}},
				Options: map[string]string{}, Labels: map[string]string{},
			}}
			if name == "bridge" {
				sub := defaultPools[0]
				n.IPAM.Config = []network.IPAMConfig{{Subnet: sub, Gateway: firstHost(sub)}}
				n.Options = map[string]string{
					"com.docker.network.bridge.default_bridge":       "true",
					"com.docker.network.bridge.enable_icc":           "true",
					"com.docker.network.bridge.enable_ip_masquerade": "true",
					"com.docker.network.bridge.host_binding_ipv4":    "0.0.0.0",
					"com.docker.network.bridge.name":                 "docker0",
					"com.docker.network.driver.mtu":                  "1500",
				}
			}
			t.putNetwork(n)
		}
		return nil
	})
}

// NetworkCreate creates a network. Without IPAM config it gets the next free default
// pool; user subnets must not overlap existing networks.
func (e *Engine) NetworkCreate(ctx context.Context, name string, options client.NetworkCreateOptions) (client.NetworkCreateResult, error) {
	var out client.NetworkCreateResult
	err := e.updateOp(ctx, OpNetworkCreate, faultTarget{Names: []string{name}, Labels: options.Labels}, func(t *txn) error {
		if strings.TrimSpace(name) == "" {
			return errInternal("invalid name: %s", name)
		}
		for _, n := range t.s.networks {
			if n.Name == name {
				return errConflict("network with name %s already exists", name)
			}
		}
		driver := options.Driver
		if driver == "" {
			driver = "bridge"
		}
		switch driver {
		case "bridge", "macvlan", "ipvlan":
		case "host", "null":
			return errForbidden("only one instance of %q network is allowed", driver)
		default:
			return errNotFound("plugin %q not found", driver)
		}
		ipam := network.IPAM{Driver: "default", Config: []network.IPAMConfig{}}
		auto := false
		if options.IPAM != nil {
			if options.IPAM.Driver != "" && options.IPAM.Driver != "default" {
				return errNotFound("plugin %q not found", options.IPAM.Driver)
			}
			ipam.Options = cloneMap(options.IPAM.Options)
			used := t.s.subnets()
			for _, c := range options.IPAM.Config {
				cfg, err := checkIPAMConfig(c, used)
				if err != nil {
					return err
				}
				used = append(used, cfg.Subnet)
				ipam.Config = append(ipam.Config, cfg)
			}
		}
		if !slices.ContainsFunc(ipam.Config, func(c network.IPAMConfig) bool { return c.Subnet.Addr().Is4() }) {
			p, err := t.s.nextPool()
			if err != nil {
				return err
			}
			ipam.Config = append([]network.IPAMConfig{{Subnet: p, Gateway: firstHost(p)}}, ipam.Config...)
			auto = true
		}
		scope := options.Scope
		if scope == "" {
			scope = "local"
		}
		opts := cloneMap(options.Options)
		if opts == nil {
			opts = map[string]string{}
		}
		n := &netRec{Network: network.Network{
			Name: name, ID: newID(), Created: t.now, Scope: scope, Driver: driver,
			EnableIPv4: options.EnableIPv4 == nil || *options.EnableIPv4,
			EnableIPv6: options.EnableIPv6 != nil && *options.EnableIPv6,
			IPAM:       ipam, Internal: options.Internal, Attachable: options.Attachable, Ingress: options.Ingress,
			ConfigOnly: options.ConfigOnly, ConfigFrom: network.ConfigReference{Network: options.ConfigFrom},
			Options: opts, Labels: cloneMap(options.Labels),
		}, AutoSubnet: auto}
		if n.Labels == nil {
			n.Labels = map[string]string{}
		}
		t.putNetwork(n)
		t.networkEvent(events.ActionCreate, n, "")
		out.ID = n.ID
		return nil
	})
	return out, err
}

// checkIPAMConfig validates one user IPAM entry as libnetwork does.
func checkIPAMConfig(c network.IPAMConfig, used []netip.Prefix) (network.IPAMConfig, error) {
	if !c.Subnet.IsValid() {
		return c, errInternal("Invalid subnet  : invalid CIDR address: ")
	}
	if overlapsAny(c.Subnet.Masked(), used) {
		return c, errForbidden("Pool overlaps with other one on this address space")
	}
	if c.IPRange.IsValid() && (c.IPRange.Bits() < c.Subnet.Bits() || !c.Subnet.Contains(c.IPRange.Addr())) {
		return c, errInvalid("invalid ip-range %s: it must be a subset of subnet %s", c.IPRange, c.Subnet)
	}
	if c.Gateway.IsValid() && !c.Subnet.Contains(c.Gateway) {
		return c, errInternal("failed to allocate gateway (%s): Requested address is out of range", c.Gateway)
	}
	for k, a := range c.AuxAddress {
		if !c.Subnet.Contains(a) {
			return c, errInvalid("invalid auxiliary address %s=%s: it does not belong to subnet %s", k, a, c.Subnet)
		}
	}
	return c, nil
}

func (n *netRec) public() network.Network {
	out := n.Network
	out.IPAM.Config = slices.Clone(n.IPAM.Config)
	out.IPAM.Options = cloneMap(n.IPAM.Options)
	out.Options = cloneMap(n.Options)
	out.Labels = cloneMap(n.Labels)
	return out
}

// endpoints lists the running containers attached to n.
func (s *state) endpoints(n *netRec) map[string]network.EndpointResource {
	out := map[string]network.EndpointResource{}
	for _, c := range s.containers {
		if !c.State.Running {
			continue
		}
		for _, ep := range c.Networks {
			if ep.NetworkID != n.ID || ep.EndpointID == "" {
				continue
			}
			r := network.EndpointResource{Name: c.Name, EndpointID: ep.EndpointID, MacAddress: slices.Clone(ep.MacAddress)}
			if ep.IPAddress.IsValid() {
				r.IPv4Address = netip.PrefixFrom(ep.IPAddress, ep.IPPrefixLen)
			}
			out[c.ID] = r
		}
	}
	return out
}

// NetworkInspect returns the network with its attached (running) containers.
func (e *Engine) NetworkInspect(ctx context.Context, ref string, options client.NetworkInspectOptions) (client.NetworkInspectResult, error) {
	var out client.NetworkInspectResult
	err := e.view(ctx, func(s *state) error {
		n, err := s.lookupNetwork(ref)
		if err != nil {
			return err
		}
		out.Network = network.Inspect{Network: n.public(), Containers: s.endpoints(n)}
		return nil
	})
	if err == nil {
		out.Raw, err = json.Marshal(out.Network)
	}
	return out, err
}

// NetworkList lists networks (Containers is not filled in, as in dockerd's list).
func (e *Engine) NetworkList(ctx context.Context, options client.NetworkListOptions) (client.NetworkListResult, error) {
	out := client.NetworkListResult{Items: []network.Summary{}}
	f, err := newFilter(options.Filters, networkListFilters)
	if err != nil {
		return out, err
	}
	for _, v := range f["type"] {
		if v != "custom" && v != "builtin" {
			return out, errInternal("invalid filter: 'type'='%s'", v)
		}
	}
	dangling, hasDangling, err := f.boolValue("dangling")
	if err != nil {
		return out, err
	}
	err = e.view(ctx, func(s *state) error {
		var list []*netRec
		for _, n := range s.networks {
			builtin := isBuiltin(n)
			if !f.exact("driver", n.Driver) || !f.match("name", n.Name) || !f.exact("scope", n.Scope) || !f.labelsMatch(n.Labels) {
				continue
			}
			if f.has("id") && !slices.ContainsFunc(f["id"], func(p string) bool { return strings.HasPrefix(n.ID, p) }) {
				continue
			}
			if f.has("type") && !f.exact("type", map[bool]string{true: "builtin", false: "custom"}[builtin]) {
				continue
			}
			if hasDangling {
				inUse := builtin || len(s.endpoints(n)) > 0
				if dangling == inUse {
					continue
				}
			}
			list = append(list, n)
		}
		sortNetworks(list)
		for _, n := range list {
			out.Items = append(out.Items, network.Summary{Network: n.public()})
		}
		return nil
	})
	return out, err
}

func sortNetworks(list []*netRec) {
	sort.Slice(list, func(i, j int) bool {
		if !list[i].Created.Equal(list[j].Created) {
			return list[i].Created.Before(list[j].Created)
		}
		return list[i].Name < list[j].Name
	})
}

// NetworkRemove removes a network with no running containers attached.
func (e *Engine) NetworkRemove(ctx context.Context, ref string, options client.NetworkRemoveOptions) (client.NetworkRemoveResult, error) {
	err := e.updateOp(ctx, OpNetworkRemove, faultTarget{ref: ref, kind: 'n'}, func(t *txn) error {
		n, err := t.s.lookupNetwork(ref)
		if err != nil {
			return err
		}
		return t.removeNetwork(n)
	})
	return client.NetworkRemoveResult{}, err
}

func (t *txn) removeNetwork(n *netRec) error {
	if isBuiltin(n) {
		return errForbidden("%s is a pre-defined network and cannot be removed", n.Name)
	}
	if len(t.s.endpoints(n)) > 0 {
		return errForbidden("error while removing network: network %s id %s has active endpoints", n.Name, n.ID)
	}
	t.delNetwork(n.ID)
	t.networkEvent(events.ActionDestroy, n, "")
	return nil
}

// NetworkPrune removes the user-defined networks no running container uses.
func (e *Engine) NetworkPrune(ctx context.Context, opts client.NetworkPruneOptions) (client.NetworkPruneResult, error) {
	var out client.NetworkPruneResult
	f, err := newFilter(opts.Filters, networkPruneFilters)
	if err != nil {
		return out, err
	}
	err = e.update(ctx, func(t *txn) error {
		until, err := f.until(t.now)
		if err != nil {
			return err
		}
		var list []*netRec
		for _, n := range t.s.networks {
			if isBuiltin(n) || len(t.s.endpoints(n)) > 0 || !f.labelsMatch(n.Labels) || (!until.IsZero() && !n.Created.Before(until)) {
				continue
			}
			list = append(list, n)
		}
		sortNetworks(list)
		for _, n := range list {
			if err := t.removeNetwork(n); err != nil {
				return err
			}
			out.Report.NetworksDeleted = append(out.Report.NetworksDeleted, n.Name)
		}
		t.emit(events.NetworkEventType, events.ActionPrune, "", map[string]string{})
		return nil
	})
	return out, err
}

// NetworkConnect attaches a container to a network; a running container gets its
// address at once, a stopped one when it starts.
func (e *Engine) NetworkConnect(ctx context.Context, ref string, options client.NetworkConnectOptions) (client.NetworkConnectResult, error) {
	err := e.update(ctx, func(t *txn) error {
		n, err := t.s.lookupNetwork(ref)
		if err != nil {
			return err
		}
		c, err := t.s.lookupContainer(options.Container)
		if err != nil {
			return err
		}
		if n.Driver == "host" || n.Driver == "null" || c.netMode() == "host" || c.netMode() == "none" ||
			strings.HasPrefix(c.netMode(), "container:") {
			return errForbidden("container cannot be disconnected from host network or connected to host network")
		}
		if _, ok := c.Networks[n.Name]; ok {
			return errForbidden("endpoint with name %s already exists in network %s", c.Name, n.Name)
		}
		ep := &network.EndpointSettings{}
		if options.EndpointConfig != nil {
			ep = cloneEndpoint(options.EndpointConfig)
		}
		if err := checkEndpointConfig(n, ep); err != nil {
			return err
		}
		c = cloneContainer(c)
		if c.State.Running {
			if err := t.attach(c, n, ep); err != nil {
				return err
			}
		}
		if c.Networks == nil {
			c.Networks = map[string]*network.EndpointSettings{}
		}
		c.Networks[n.Name] = ep
		t.putContainer(c)
		return nil
	})
	return client.NetworkConnectResult{}, err
}

// NetworkDisconnect detaches a container from a network.
func (e *Engine) NetworkDisconnect(ctx context.Context, ref string, options client.NetworkDisconnectOptions) (client.NetworkDisconnectResult, error) {
	err := e.update(ctx, func(t *txn) error {
		n, err := t.s.lookupNetwork(ref)
		if err != nil {
			return err
		}
		c, err := t.s.lookupContainer(options.Container)
		if err != nil {
			return err
		}
		ep, ok := c.Networks[n.Name]
		if !ok {
			return errInternal("container %s is not connected to network %s", c.ID, n.Name)
		}
		c = cloneContainer(c)
		if ep.EndpointID != "" {
			t.networkEvent(events.ActionDisconnect, n, c.ID)
		}
		delete(c.Networks, n.Name)
		t.putContainer(c)
		return nil
	})
	return client.NetworkDisconnectResult{}, err
}

// checkEndpointConfig applies dockerd's rules on endpoint options.
func checkEndpointConfig(n *netRec, ep *network.EndpointSettings) error {
	userDefined := !isBuiltin(n)
	if !userDefined && len(ep.Aliases) > 0 {
		return errInvalid("network-scoped alias is supported only for containers in user defined networks")
	}
	if ep.IPAMConfig != nil && ep.IPAMConfig.IPv4Address.IsValid() {
		if !userDefined {
			return errInvalid("user specified IP address is supported on user defined networks only")
		}
		if n.AutoSubnet {
			return errInvalid("user specified IP address is supported only when connecting to networks with user configured subnets")
		}
	}
	return nil
}

// attach gives c an endpoint on n (c is running or starting).
func (t *txn) attach(c *ctrRec, n *netRec, ep *network.EndpointSettings) error {
	var want netip.Addr
	if ep.IPAMConfig != nil {
		want = ep.IPAMConfig.IPv4Address
	}
	ep.NetworkID = n.ID
	ep.EndpointID = newID()
	if n.Driver == "bridge" || n.Driver == "macvlan" || n.Driver == "ipvlan" {
		addr, subnet, gw, err := t.allocAddr(n, want)
		if err != nil {
			return err
		}
		if addr.IsValid() {
			ep.IPAddress, ep.IPPrefixLen, ep.Gateway = addr, subnet.Bits(), gw
			if len(ep.MacAddress) == 0 {
				ep.MacAddress = macFor(addr)
			}
		}
	}
	if !isBuiltin(n) {
		ep.DNSNames = append(append([]string{c.Name}, ep.Aliases...), shortID(c.ID))
	}
	t.networkEvent(events.ActionConnect, n, c.ID)
	return nil
}

// detach releases c's endpoint ep (keeping its configuration).
func (t *txn) detach(c *ctrRec, ep *network.EndpointSettings) {
	if ep.EndpointID == "" {
		return
	}
	if n, err := t.s.lookupNetwork(ep.NetworkID); err == nil {
		t.networkEvent(events.ActionDisconnect, n, c.ID)
	}
	ep.EndpointID = ""
	ep.IPAddress, ep.Gateway = netip.Addr{}, netip.Addr{}
	ep.IPPrefixLen = 0
	ep.DNSNames = nil
	if ep.IPAMConfig == nil || !ep.IPAMConfig.IPv4Address.IsValid() {
		ep.MacAddress = nil
	}
}

func cloneEndpoint(ep *network.EndpointSettings) *network.EndpointSettings {
	c := *ep
	if ep.IPAMConfig != nil {
		ip := *ep.IPAMConfig
		ip.LinkLocalIPs = slices.Clone(ep.IPAMConfig.LinkLocalIPs)
		c.IPAMConfig = &ip
	}
	c.Links = slices.Clone(ep.Links)
	c.Aliases = slices.Clone(ep.Aliases)
	c.DriverOpts = cloneMap(ep.DriverOpts)
	c.MacAddress = slices.Clone(ep.MacAddress)
	c.DNSNames = slices.Clone(ep.DNSNames)
	return &c
}
