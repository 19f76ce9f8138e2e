package dockertest_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// TestDiffInspectValues compares the inspect and list fields the reconciler
// reads or that users see, beyond the shapes.
func TestDiffInspectValues(t *testing.T) {
	runDiff(t, scenario{"values", func(ctx context.Context, t *testing.T, e *env) {
		api := e.api
		e.network(ctx, "net", e.labels("tier", "a"))
		e.volume(ctx, "vol", e.labels())
		id := e.create(ctx, "web", &container.HostConfig{NetworkMode: container.NetworkMode(e.name("net")),
			Binds: []string{e.name("vol") + ":/v", e.name("anon") + ":/w:ro"}}, e.labels("role", "web"), "sleep", "600")
		plain := e.create(ctx, "plain", nil, nil, "sleep", "600")
		for _, c := range []struct{ step, id string }{{"web created", id}, {"plain created", plain}} {
			e.inspectValues(ctx, c.step, c.id)
		}
		e.start(ctx, "start web", id)
		e.start(ctx, "start plain", plain)
		e.inspectValues(ctx, "web running", id)
		e.inspectValues(ctx, "plain running", plain)

		l, err := api.ContainerList(ctx, client.ContainerListOptions{Filters: e.filter("name", e.name("web"))})
		if err == nil && len(l.Items) == 1 {
			c := l.Items[0]
			var mounts []string
			for _, m := range c.Mounts {
				mounts = append(mounts, string(m.Type)+" "+m.Name+" "+m.Destination+" "+m.Mode)
			}
			sort.Strings(mounts) // dockerd's order is a map's
			e.rec.add("web list item", map[string]any{
				"Names": c.Names, "Image": c.Image, "Command": c.Command, "State": c.State,
				"StatusUp": strings.HasPrefix(c.Status, "Up "), "Labels": c.Labels,
				"NetworkMode": c.HostConfig.NetworkMode, "Mounts": mounts,
			}, nil)
		} else {
			e.rec.add("web list item", len(l.Items), err)
		}

		n, err := api.NetworkInspect(ctx, e.name("net"), client.NetworkInspectOptions{})
		members := []string{}
		for _, ep := range n.Network.Containers {
			members = append(members, ep.Name)
		}
		e.rec.add("network", map[string]any{
			"Name": n.Network.Name, "Driver": n.Network.Driver, "Scope": n.Network.Scope,
			"IPAMDriver": n.Network.IPAM.Driver, "IPAMConfigs": len(n.Network.IPAM.Config),
			"Internal": n.Network.Internal, "Attachable": n.Network.Attachable, "Labels": n.Network.Labels,
			"Options": n.Network.Options, "Containers": members, "EnableIPv6": n.Network.EnableIPv6,
		}, err)
		v, err := api.VolumeInspect(ctx, e.name("vol"), client.VolumeInspectOptions{})
		e.rec.add("volume", map[string]any{
			"Name": v.Volume.Name, "Driver": v.Volume.Driver, "Scope": v.Volume.Scope, "Labels": v.Volume.Labels,
			"Options": v.Volume.Options, "MountpointTail": lastParts(v.Volume.Mountpoint, 3),
		}, err)
		v, err = api.VolumeInspect(ctx, e.name("anon"), client.VolumeInspectOptions{})
		e.rec.add("auto-created volume", map[string]any{"Labels": v.Volume.Labels, "Driver": v.Volume.Driver}, err)
	}})
}

// inspectValues records the container inspect fields two engines must agree
// on. Not compared: Driver (storage: vfs here, overlay2 in the emulator) and
// Config.Env (the imported busybox has none, the catalog's sets PATH).
func (e *env) inspectValues(ctx context.Context, step, ref string) {
	res, err := e.api.ContainerInspect(ctx, ref, client.ContainerInspectOptions{})
	if err != nil {
		e.rec.add(step, nil, err)
		return
	}
	c := res.Container
	var mounts []string
	for _, m := range c.Mounts {
		mounts = append(mounts, string(m.Type)+" "+m.Name+" "+m.Destination+" "+m.Mode+" "+m.Driver+" "+
			map[bool]string{true: "rw", false: "ro"}[m.RW]+" "+lastParts(m.Source, 3))
	}
	sort.Strings(mounts) // dockerd's order is a map's
	nets := map[string]any{}
	for name, ep := range c.NetworkSettings.Networks {
		nets[name] = map[string]any{"Aliases": ep.Aliases, "HasNetworkID": ep.NetworkID != "",
			"HasIP": ep.IPAddress.IsValid(), "HasEndpoint": ep.EndpointID != ""}
	}
	e.rec.add(step, map[string]any{
		"Name": c.Name, "Path": c.Path, "Args": c.Args, "Image": c.Image != "", "ConfigImage": c.Config.Image,
		"Cmd": c.Config.Cmd, "Entrypoint": c.Config.Entrypoint, "Labels": c.Config.Labels,
		"HostnameLen": len(c.Config.Hostname), "Tty": c.Config.Tty, "OpenStdin": c.Config.OpenStdin,
		"NetworkMode": c.HostConfig.NetworkMode, "RestartPolicy": c.HostConfig.RestartPolicy,
		"LogConfig": c.HostConfig.LogConfig.Type, "Binds": c.HostConfig.Binds, "AutoRemove": c.HostConfig.AutoRemove,
		"Mounts": mounts, "Networks": nets, "RestartCount": c.RestartCount,
		"Platform": c.Platform, "ExecIDs": c.ExecIDs,
	}, nil)
}

// lastParts returns the last n slash-separated parts of a host path (the
// data root differs between engines).
func lastParts(p string, n int) string {
	parts := strings.Split(p, "/")
	if len(parts) > n {
		parts = parts[len(parts)-n:]
	}
	return strings.Join(parts, "/")
}
