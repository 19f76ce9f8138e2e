package dockerpy

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// NetworkCollection is docker-py's client.networks.
type NetworkCollection struct {
	client *Client
}

// Create is docker-py's networks.create: create the network, then inspect it.
// options are the engine's NetworkCreateOptions (Driver, Options, IPAM,
// Internal, Labels, EnableIPv6, Attachable, Scope, Ingress).
func (nc *NetworkCollection) Create(ctx context.Context, name string, options client.NetworkCreateOptions) (*Network, error) {
	res, err := nc.client.engine.NetworkCreate(ctx, name, options)
	if err != nil {
		return nil, wrap(err)
	}
	return nc.Get(ctx, res.ID)
}

// Get is docker-py's networks.get: inspect by id, id prefix or name; a missing
// network is a *NotFound.
func (nc *NetworkCollection) Get(ctx context.Context, idOrName string) (*Network, error) {
	res, err := nc.client.engine.NetworkInspect(ctx, idOrName, client.NetworkInspectOptions{})
	if err != nil {
		return nil, wrap(err)
	}
	return &Network{client: nc.client, attrs: res.Network}, nil
}

// NetworkListOptions are docker-py's networks.list arguments.
type NetworkListOptions struct {
	// Names and IDs add "name" and "id" filters.
	Names, IDs []string
	// Filters as the Engine API takes them: driver, label, type, dangling, scope.
	Filters client.Filters
	// Greedy inspects every network, so Containers is filled in.
	Greedy bool
}

// List is docker-py's networks.list. Without Greedy the Attrs are the list
// items, whose Containers are empty as dockerd's list shows them.
func (nc *NetworkCollection) List(ctx context.Context, opts NetworkListOptions) ([]*Network, error) {
	f := opts.Filters.Clone()
	if len(opts.Names) > 0 {
		f.Add("name", opts.Names...)
	}
	if len(opts.IDs) > 0 {
		f.Add("id", opts.IDs...)
	}
	res, err := nc.client.engine.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]*Network, 0, len(res.Items))
	for _, s := range res.Items {
		if opts.Greedy {
			n, err := nc.Get(ctx, s.ID)
			if err != nil {
				return nil, err
			}
			out = append(out, n)
			continue
		}
		out = append(out, &Network{client: nc.client, attrs: network.Inspect{Network: s.Network, Containers: map[string]network.EndpointResource{}}})
	}
	return out, nil
}

// Prune is docker-py's networks.prune: remove networks no container uses.
func (nc *NetworkCollection) Prune(ctx context.Context, filters client.Filters) (network.PruneReport, error) {
	res, err := nc.client.engine.NetworkPrune(ctx, client.NetworkPruneOptions{Filters: filters})
	return res.Report, wrap(err)
}

// Network is docker-py's Network model.
type Network struct {
	client *Client
	attrs  network.Inspect
}

// Attrs is the inspect document (GET /networks/{id}) as last loaded.
func (n *Network) Attrs() network.Inspect { return n.attrs }

// ID is the full 64-hex network id.
func (n *Network) ID() string { return n.attrs.ID }

// ShortID is the first 12 characters of the id.
func (n *Network) ShortID() string { return short(n.attrs.ID, 12) }

// Name is the network name.
func (n *Network) Name() string { return n.attrs.Name }

// Driver is the network driver ("bridge", "host", "null", ...).
func (n *Network) Driver() string { return n.attrs.Driver }

// Labels are the network labels (an empty, non-nil map when none).
func (n *Network) Labels() map[string]string {
	if n.attrs.Labels == nil {
		return map[string]string{}
	}
	return n.attrs.Labels
}

// Containers loads the containers attached to the network as last loaded,
// sorted by id.
func (n *Network) Containers(ctx context.Context) ([]*Container, error) {
	var out []*Container
	for _, id := range slices.Sorted(maps.Keys(n.attrs.Containers)) {
		c, err := n.client.Containers.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Reload re-inspects the network.
func (n *Network) Reload(ctx context.Context) error {
	res, err := n.client.engine.NetworkInspect(ctx, n.attrs.ID, client.NetworkInspectOptions{})
	if err != nil {
		return wrap(err)
	}
	n.attrs = res.Network
	return nil
}

// ConnectOptions are docker-py's network.connect arguments.
type ConnectOptions struct {
	Aliases     []string
	Links       []string
	IPv4Address string
	IPv6Address string
}

// Connect is docker-py's network.connect: attach the container (id or name).
func (n *Network) Connect(ctx context.Context, container string, opts ConnectOptions) error {
	ep := &network.EndpointSettings{Aliases: opts.Aliases, Links: opts.Links}
	if opts.IPv4Address != "" || opts.IPv6Address != "" {
		ep.IPAMConfig = &network.EndpointIPAMConfig{}
		for _, a := range []struct {
			in  string
			out *netip.Addr
		}{{opts.IPv4Address, &ep.IPAMConfig.IPv4Address}, {opts.IPv6Address, &ep.IPAMConfig.IPv6Address}} {
			if a.in == "" {
				continue
			}
			addr, err := netip.ParseAddr(a.in)
			if err != nil {
				return fmt.Errorf("dockerpy: connect %s to network %s: address %q: %w", container, n.attrs.Name, a.in, err)
			}
			*a.out = addr
		}
	}
	_, err := n.client.engine.NetworkConnect(ctx, n.attrs.ID, client.NetworkConnectOptions{Container: container, EndpointConfig: ep})
	return wrap(err)
}

// Disconnect is docker-py's network.disconnect.
func (n *Network) Disconnect(ctx context.Context, container string, force bool) error {
	_, err := n.client.engine.NetworkDisconnect(ctx, n.attrs.ID, client.NetworkDisconnectOptions{Container: container, Force: force})
	return wrap(err)
}

// Remove is docker-py's network.remove.
func (n *Network) Remove(ctx context.Context) error {
	_, err := n.client.engine.NetworkRemove(ctx, n.attrs.ID, client.NetworkRemoveOptions{})
	return wrap(err)
}
