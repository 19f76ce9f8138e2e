package emulator_test

import (
	"context"
	"encoding/json"
	"net/netip"
	"sort"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// fixture is the engine state the error scenarios start from:
//   - images busybox:latest and nginx:latest
//   - network "appnet" 10.10.0.0/24 and network "spare" (no containers)
//   - volume "data"
//   - "web": nginx, running on appnet, 8080->80, data at /data
//   - "idle": busybox, created, not started
type fixture struct {
	web, idle string
	appnet    string
}

func setupFixture(t testing.TB, api emulator.API) fixture {
	t.Helper()
	ctx := context.Background()
	pull(t, api, "busybox")
	pull(t, api, "nginx")
	netRes, err := api.NetworkCreate(ctx, "appnet", client.NetworkCreateOptions{
		IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: netip.MustParsePrefix("10.10.0.0/24")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.NetworkCreate(ctx, "spare", client.NetworkCreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "data"}); err != nil {
		t.Fatal(err)
	}
	web := run(t, api, client.ContainerCreateOptions{
		Name: "web", Image: "nginx",
		Config: &container.Config{Labels: map[string]string{"app": "web"}},
		HostConfig: &container.HostConfig{
			NetworkMode:  "appnet",
			Binds:        []string{"data:/data"},
			PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "8080"}}},
		},
	})
	idle, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "idle", Image: "busybox",
		Config: &container.Config{Cmd: []string{"sleep", "60"}}})
	if err != nil {
		t.Fatal(err)
	}
	return fixture{web: web, idle: idle.ID, appnet: netRes.ID}
}

// snapshot renders everything observable through list and inspect calls, so a test
// can assert that a failed call changed nothing.
func snapshot(t testing.TB, api emulator.API) string {
	t.Helper()
	ctx := context.Background()
	var parts []any
	cl := must[client.ContainerListResult](t)(api.ContainerList(ctx, client.ContainerListOptions{All: true}))
	for _, c := range cl.Items {
		parts = append(parts, c, must[client.ContainerInspectResult](t)(api.ContainerInspect(ctx, c.ID, client.ContainerInspectOptions{})).Container)
	}
	nl := must[client.NetworkListResult](t)(api.NetworkList(ctx, client.NetworkListOptions{}))
	sort.Slice(nl.Items, func(i, j int) bool { return nl.Items[i].Name < nl.Items[j].Name })
	for _, n := range nl.Items {
		parts = append(parts, must[client.NetworkInspectResult](t)(api.NetworkInspect(ctx, n.ID, client.NetworkInspectOptions{})).Network)
	}
	parts = append(parts, must[client.VolumeListResult](t)(api.VolumeList(ctx, client.VolumeListOptions{})).Items)
	parts = append(parts, must[client.ImageListResult](t)(api.ImageList(ctx, client.ImageListOptions{})).Items)
	b, err := json.MarshalIndent(parts, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
