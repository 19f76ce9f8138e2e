package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// predefinedNetworks exist on every engine; State records that they still do.
var predefinedNetworks = []string{"bridge", "host", "none"}

// sharedImages are the fixture's images: State records their ids and whether
// these tags still name them (other tags on the same ids belong to other tests).
var sharedImages = []string{"busybox:latest", "nginx:latest"}

// State renders what defines "nothing changed" for the run of fx, as facts
// that move only when an engine call changes something:
//   - the run's containers (named under fx.Prefix or labelled LabelKey=fx.Prefix):
//     id, name, image, command, labels, state (status, flags, pid, exit code,
//     error, start and finish times), restart count, exec ids, host config
//     (binds, network mode, port bindings, restart policy), mounts, published
//     ports, and per network the endpoint, addresses and aliases;
//   - the run's networks: id, driver, labels, options, IPAM, and which of the
//     run's containers are attached with which endpoint and address; and that
//     bridge, host and none still exist with the same ids;
//   - the run's volumes: driver, labels, options, mountpoint, creation time;
//   - the images busybox:latest and nginx:latest (id, creation time), and any
//     image tagged under fx.Prefix.
//
// It leaves out what changes with the clock (the list's "Up 3 seconds" status,
// health check logs) and everything that belongs to other tests on a shared
// engine, so two looks at an idle real dockerd give the same text even while
// other packages' tests create and remove their own objects on it.
func State(ctx context.Context, api emulator.API, fx Fixture) (string, error) {
	s := map[string]any{}
	var err error
	if s["containers"], err = containerState(ctx, api, fx); err != nil {
		return "", err
	}
	if s["networks"], err = networkState(ctx, api, fx); err != nil {
		return "", err
	}
	if s["volumes"], err = volumeState(ctx, api, fx); err != nil {
		return "", err
	}
	if s["images"], err = imageState(ctx, api, fx); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(s, "", " ")
	if err != nil {
		return "", fmt.Errorf("conformance: render state: %w", err)
	}
	return string(b), nil
}

// owned reports whether an object with this name and these labels is the run's.
func (fx Fixture) owned(name string, labels map[string]string) bool {
	return strings.HasPrefix(strings.TrimPrefix(name, "/"), fx.Prefix) || labels[LabelKey] == fx.Prefix
}

func containerState(ctx context.Context, api emulator.API, fx Fixture) (map[string]any, error) {
	cl, err := api.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		return nil, fmt.Errorf("conformance: state: list containers: %w", err)
	}
	out := map[string]any{}
	for _, c := range cl.Items {
		name := ""
		if len(c.Names) > 0 {
			name = c.Names[0]
		}
		if !fx.owned(name, c.Labels) {
			continue
		}
		res, err := api.ContainerInspect(ctx, c.ID, client.ContainerInspectOptions{})
		if err != nil {
			return nil, fmt.Errorf("conformance: state: inspect container %s: %w", name, err)
		}
		out[name] = inspectState(res.Container, c)
	}
	return out, nil
}

// inspectState picks the container facts State compares.
func inspectState(in container.InspectResponse, c container.Summary) map[string]any {
	m := map[string]any{
		"Id": in.ID, "Name": in.Name, "Created": in.Created, "Image": in.Image,
		"Path": in.Path, "Args": in.Args, "RestartCount": in.RestartCount, "ExecIDs": in.ExecIDs,
		"Mounts": in.Mounts, "ListNames": c.Names, "ListState": c.State, "ListPorts": sortedPorts(c.Ports),
	}
	if st := in.State; st != nil {
		health := ""
		if st.Health != nil {
			health = string(st.Health.Status) // not the Log: it grows with the clock
		}
		m["State"] = map[string]any{
			"Status": st.Status, "Running": st.Running, "Paused": st.Paused, "Restarting": st.Restarting,
			"OOMKilled": st.OOMKilled, "Dead": st.Dead, "Pid": st.Pid, "ExitCode": st.ExitCode,
			"Error": st.Error, "StartedAt": st.StartedAt, "FinishedAt": st.FinishedAt, "Health": health,
		}
	}
	if cfg := in.Config; cfg != nil {
		m["Config"] = map[string]any{
			"Image": cfg.Image, "Cmd": cfg.Cmd, "Entrypoint": cfg.Entrypoint, "Labels": cfg.Labels,
			"ExposedPorts": cfg.ExposedPorts, "Tty": cfg.Tty, "OpenStdin": cfg.OpenStdin,
		}
	}
	if hc := in.HostConfig; hc != nil {
		m["HostConfig"] = map[string]any{
			"Binds": hc.Binds, "NetworkMode": hc.NetworkMode, "PortBindings": hc.PortBindings,
			"RestartPolicy": hc.RestartPolicy, "AutoRemove": hc.AutoRemove,
		}
	}
	if ns := in.NetworkSettings; ns != nil {
		nets := map[string]any{}
		for name, ep := range ns.Networks {
			if ep == nil {
				nets[name] = nil
				continue
			}
			nets[name] = map[string]any{
				"NetworkID": ep.NetworkID, "EndpointID": ep.EndpointID, "IPAddress": ep.IPAddress,
				"Gateway": ep.Gateway, "MacAddress": ep.MacAddress.String(), "Aliases": ep.Aliases,
				"IPAMConfig": ep.IPAMConfig,
			}
		}
		m["Networks"] = nets
		m["Ports"] = ns.Ports
	}
	return m
}

// sortedPorts renders a list entry's ports in a stable order (dockerd's is a map's).
func sortedPorts(ps []container.PortSummary) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s:%d->%d/%s", p.IP, p.PublicPort, p.PrivatePort, p.Type))
	}
	sort.Strings(out)
	return out
}

func networkState(ctx context.Context, api emulator.API, fx Fixture) (map[string]any, error) {
	nl, err := api.NetworkList(ctx, client.NetworkListOptions{})
	if err != nil {
		return nil, fmt.Errorf("conformance: state: list networks: %w", err)
	}
	out := map[string]any{}
	for _, n := range nl.Items {
		if slices.Contains(predefinedNetworks, n.Name) {
			out[n.Name] = map[string]any{"Id": n.ID, "Driver": n.Driver}
			continue
		}
		if !fx.owned(n.Name, n.Labels) {
			continue
		}
		res, err := api.NetworkInspect(ctx, n.ID, client.NetworkInspectOptions{})
		if err != nil {
			return nil, fmt.Errorf("conformance: state: inspect network %s: %w", n.Name, err)
		}
		in := res.Network
		members := map[string]any{}
		for _, ep := range in.Containers {
			if fx.owned(ep.Name, nil) {
				members[ep.Name] = map[string]any{"EndpointID": ep.EndpointID, "IPv4Address": ep.IPv4Address,
					"MacAddress": ep.MacAddress.String()}
			}
		}
		out[n.Name] = map[string]any{
			"Id": in.ID, "Created": in.Created, "Driver": in.Driver, "Scope": in.Scope, "Internal": in.Internal,
			"Attachable": in.Attachable, "EnableIPv6": in.EnableIPv6, "Labels": in.Labels, "Options": in.Options,
			"IPAM": in.IPAM, "Containers": members,
		}
	}
	return out, nil
}

func volumeState(ctx context.Context, api emulator.API, fx Fixture) (map[string]any, error) {
	vl, err := api.VolumeList(ctx, client.VolumeListOptions{})
	if err != nil {
		return nil, fmt.Errorf("conformance: state: list volumes: %w", err)
	}
	out := map[string]any{}
	for _, v := range vl.Items {
		if !fx.owned(v.Name, v.Labels) {
			continue
		}
		out[v.Name] = map[string]any{"Driver": v.Driver, "Labels": v.Labels, "Options": v.Options,
			"Mountpoint": v.Mountpoint, "Scope": v.Scope, "CreatedAt": v.CreatedAt}
	}
	return out, nil
}

func imageState(ctx context.Context, api emulator.API, fx Fixture) (map[string]any, error) {
	il, err := api.ImageList(ctx, client.ImageListOptions{All: true})
	if err != nil {
		return nil, fmt.Errorf("conformance: state: list images: %w", err)
	}
	out := map[string]any{}
	for _, im := range il.Items {
		for _, tag := range im.RepoTags {
			if slices.Contains(sharedImages, tag) || strings.HasPrefix(tag, fx.Prefix) {
				out[tag] = map[string]any{"Id": im.ID, "Created": im.Created}
			}
		}
	}
	return out, nil
}
