package emulator_test

import (
	"context"
	"net/netip"
	"regexp"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

func TestDefaultNetworks(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	want := map[string]string{"bridge": "bridge", "host": "host", "none": "null"}
	res := must[client.NetworkListResult](t)(e.NetworkList(ctx, client.NetworkListOptions{}))
	if len(res.Items) != 3 {
		t.Fatalf("got %d networks", len(res.Items))
	}
	for _, n := range res.Items {
		if want[n.Name] != n.Driver || !hex64.MatchString(n.ID) || n.Scope != "local" {
			t.Errorf("network %+v", n.Network)
		}
		if n.Name == "bridge" && (len(n.IPAM.Config) != 1 || n.IPAM.Config[0].Subnet.String() != "172.17.0.0/16" || n.IPAM.Config[0].Gateway.String() != "172.17.0.1") {
			t.Errorf("bridge IPAM %+v", n.IPAM)
		}
		if n.Name == "none" && len(n.IPAM.Config) != 0 {
			t.Errorf("none IPAM %+v", n.IPAM)
		}
	}
}

func TestContainerObject(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "nginx")
	res := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "web", Image: "nginx",
		Config: &container.Config{Env: []string{"A=1"}, Labels: map[string]string{"k": "v"}}}))
	if !hex64.MatchString(res.ID) {
		t.Fatalf("id %q", res.ID)
	}
	c := inspect(t, e, res.ID[:12])
	if c.Name != "/web" || c.State.Status != container.StateCreated || c.State.Pid != 0 ||
		c.State.StartedAt != "0001-01-01T00:00:00Z" || c.State.FinishedAt != "0001-01-01T00:00:00Z" {
		t.Errorf("created state: name %q %+v", c.Name, c.State)
	}
	if c.Config.Hostname != res.ID[:12] || c.Config.Image != "nginx" || c.Image[:7] != "sha256:" || c.HostConfig.LogConfig.Type != "json-file" {
		t.Errorf("config: hostname %q image %q/%q log %q", c.Config.Hostname, c.Config.Image, c.Image, c.HostConfig.LogConfig.Type)
	}
	if c.Path != "/docker-entrypoint.sh" || len(c.Args) != 3 || c.Args[0] != "nginx" {
		t.Errorf("path %q args %q", c.Path, c.Args)
	}
	if len(c.Config.Env) < 2 || c.Config.Env[0] != "A=1" {
		t.Errorf("env %q (user env first, then the image's)", c.Config.Env)
	}
	if c.Created != "2026-11-28T12:00:00Z" {
		t.Errorf("created %q", c.Created)
	}
	if ep := c.NetworkSettings.Networks["bridge"]; ep == nil || ep.IPAddress.IsValid() || ep.EndpointID != "" {
		t.Errorf("created container endpoint %+v", ep)
	}
	clk.Advance(3)
	must[client.ContainerStartResult](t)(e.ContainerStart(ctx, "web", client.ContainerStartOptions{}))
	c = inspect(t, e, "web")
	if !c.State.Running || c.State.Pid == 0 || c.State.StartedAt == "0001-01-01T00:00:00Z" {
		t.Errorf("running state %+v", c.State)
	}
	ep := c.NetworkSettings.Networks["bridge"]
	if ep.IPAddress.String() != "172.17.0.2" || ep.Gateway.String() != "172.17.0.1" || ep.IPPrefixLen != 16 ||
		ep.MacAddress.String() != "02:42:ac:11:00:02" || !hex64.MatchString(ep.EndpointID) {
		t.Errorf("endpoint %+v", ep)
	}
	// start again: not modified, reported as success like moby's client does
	if _, err := e.ContainerStart(ctx, "web", client.ContainerStartOptions{}); err != nil {
		t.Errorf("start running: %v", err)
	}
	for _, step := range []struct {
		name   string
		do     func() error
		status container.ContainerState
	}{
		{"pause", func() error { _, err := e.ContainerPause(ctx, "web", client.ContainerPauseOptions{}); return err }, container.StatePaused},
		{"unpause", func() error { _, err := e.ContainerUnpause(ctx, "web", client.ContainerUnpauseOptions{}); return err }, container.StateRunning},
		{"stop", func() error { _, err := e.ContainerStop(ctx, "web", client.ContainerStopOptions{}); return err }, container.StateExited},
		{"stop again (not modified)", func() error { _, err := e.ContainerStop(ctx, "web", client.ContainerStopOptions{}); return err }, container.StateExited},
		{"restart", func() error { _, err := e.ContainerRestart(ctx, "web", client.ContainerRestartOptions{}); return err }, container.StateRunning},
		{"kill", func() error { _, err := e.ContainerKill(ctx, "web", client.ContainerKillOptions{}); return err }, container.StateExited},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		c = inspect(t, e, "web")
		if c.State.Status != step.status {
			t.Errorf("%s: status %s, want %s", step.name, c.State.Status, step.status)
		}
	}
	if c.State.ExitCode != 137 || c.State.Pid != 0 || c.State.FinishedAt == "0001-01-01T00:00:00Z" || len(c.NetworkSettings.Ports) != 0 {
		t.Errorf("killed state %+v ports %v", c.State, c.NetworkSettings.Ports)
	}
	if ep := c.NetworkSettings.Networks["bridge"]; ep.IPAddress.IsValid() || ep.EndpointID != "" {
		t.Errorf("exited endpoint kept its address: %+v", ep)
	}
}

func TestNotModifiedMarkedContext(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	ctx := context.Background()
	run(t, e, client.ContainerCreateOptions{Name: "a1", Image: "busybox"})
	_, err := e.ContainerStart(emulatorNotModified(ctx), "a1", client.ContainerStartOptions{})
	if !cerrdefs.IsNotModified(err) {
		t.Errorf("start running with marked ctx: %v", err)
	}
}

func TestStopExitCodes(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "nginx")
	pull(t, e, "busybox")
	cases := []struct {
		name, image string
		cmd         []string
		want        int
	}{
		{"server exits on its stop signal", "nginx", nil, 0},
		{"sleep as pid 1 ignores SIGTERM and is killed", "busybox", []string{"sleep", "300"}, 137},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := run(t, e, client.ContainerCreateOptions{Image: tc.image, Config: &container.Config{Cmd: tc.cmd}})
			stopped(t, e, clk, id)
			if got := inspect(t, e, id).State.ExitCode; got != tc.want {
				t.Errorf("exit code %d, want %d", got, tc.want)
			}
		})
	}
}

func TestIPAM(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	// default pools: bridge has 172.17, so user networks get 172.18, 172.19 ...
	for i, want := range []string{"172.18.0.0/16", "172.19.0.0/16"} {
		id := must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, []string{"n1", "n2"}[i], client.NetworkCreateOptions{})).ID
		n := must[client.NetworkInspectResult](t)(e.NetworkInspect(ctx, id[:6], client.NetworkInspectOptions{})).Network
		if got := n.IPAM.Config[0].Subnet.String(); got != want || n.IPAM.Config[0].Gateway.String() != want[:len(want)-4]+"1" {
			t.Errorf("network %d: subnet %s gateway %s, want %s", i, got, n.IPAM.Config[0].Gateway, want)
		}
	}
	// a user subnet with an ip range and a tiny size, to exhaust it
	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "tiny", client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{
		Subnet: netip.MustParsePrefix("10.5.0.0/29"), IPRange: netip.MustParsePrefix("10.5.0.4/30"), Gateway: netip.MustParseAddr("10.5.0.1")}}}}))
	var got []string
	for i := 0; i < 3; i++ {
		id := run(t, e, client.ContainerCreateOptions{Image: "busybox", HostConfig: &container.HostConfig{NetworkMode: "tiny"}})
		got = append(got, inspect(t, e, id).NetworkSettings.Networks["tiny"].IPAddress.String())
	}
	// 10.5.0.4/30 holds .4-.7; .7 is the subnet's broadcast address
	if want := []string{"10.5.0.4", "10.5.0.5", "10.5.0.6"}; !equal(got, want) {
		t.Errorf("addresses %v, want %v", got, want)
	}
	id := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "extra", Image: "busybox",
		HostConfig: &container.HostConfig{NetworkMode: "tiny"}})).ID
	if _, err := e.ContainerStart(ctx, id, client.ContainerStartOptions{}); err == nil {
		t.Errorf("start on an exhausted network succeeded")
	}
	// a static address on a user subnet, and a conflict with it
	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "static", client.NetworkCreateOptions{IPAM: &network.IPAM{Config: []network.IPAMConfig{{
		Subnet: netip.MustParsePrefix("10.6.0.0/24")}}}}))
	epc := func() *network.NetworkingConfig {
		return &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{"static": {
			IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: netip.MustParseAddr("10.6.0.50")}, Aliases: []string{"db"}}}}
	}
	s1 := run(t, e, client.ContainerCreateOptions{Name: "s1", Image: "busybox", HostConfig: &container.HostConfig{NetworkMode: "static"}, NetworkingConfig: epc()})
	ep := inspect(t, e, s1).NetworkSettings.Networks["static"]
	if ep.IPAddress.String() != "10.6.0.50" || ep.Gateway.String() != "10.6.0.1" || !equal(ep.Aliases, []string{"db"}) || !equal(ep.DNSNames, []string{"s1", "db", s1[:12]}) {
		t.Errorf("static endpoint %+v", ep)
	}
	s2 := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "s2", Image: "busybox", HostConfig: &container.HostConfig{NetworkMode: "static"}, NetworkingConfig: epc()})).ID
	if _, err := e.ContainerStart(ctx, s2, client.ContainerStartOptions{}); !cerrdefs.IsPermissionDenied(err) || err.Error() != "Address already in use" {
		t.Errorf("duplicate static address: %v", err)
	}
	// network inspect lists the running endpoints
	n := must[client.NetworkInspectResult](t)(e.NetworkInspect(ctx, "static", client.NetworkInspectOptions{})).Network
	if r, ok := n.Containers[s1]; !ok || r.IPv4Address.String() != "10.6.0.50/24" || r.Name != "s1" {
		t.Errorf("network containers %+v", n.Containers)
	}
	l := must[client.NetworkListResult](t)(e.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("name", "static")}))
	if len(l.Items) != 1 {
		t.Errorf("name filter: %d", len(l.Items))
	}
}

func TestSerialAllocation(t *testing.T) {
	e, clk := newEngine(t)
	pull(t, e, "busybox")
	a := run(t, e, client.ContainerCreateOptions{Image: "busybox"})
	stopped(t, e, clk, a)
	b := run(t, e, client.ContainerCreateOptions{Image: "busybox"})
	if got := inspect(t, e, b).NetworkSettings.Networks["bridge"].IPAddress.String(); got != "172.17.0.3" {
		t.Errorf("second address %s: dockerd hands addresses out serially", got)
	}
}

func TestPorts(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "nginx")
	pb := func(hostPort string) *container.HostConfig {
		return &container.HostConfig{PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: hostPort}}}}
	}
	a := run(t, e, client.ContainerCreateOptions{Name: "a1", Image: "nginx", HostConfig: pb("18080")})
	ports := inspect(t, e, a).NetworkSettings.Ports[network.MustParsePort("80/tcp")]
	if len(ports) != 2 || ports[0].HostIP.String() != "0.0.0.0" || ports[1].HostIP.String() != "::" || ports[0].HostPort != "18080" {
		t.Errorf("bindings %+v", ports)
	}
	b := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "b1", Image: "nginx", HostConfig: pb("18080")})).ID
	_, err := e.ContainerStart(ctx, b, client.ContainerStartOptions{})
	if !cerrdefs.IsInternal(err) || !regexp.MustCompile(`^driver failed programming external connectivity on endpoint b1 \([0-9a-f]{64}\): Bind for 0.0.0.0:18080 failed: port is already allocated$`).MatchString(err.Error()) {
		t.Fatalf("port conflict: %v", err)
	}
	st := inspect(t, e, b).State
	if st.Status != container.StateCreated || st.ExitCode != 128 || st.Error != err.Error() {
		t.Errorf("failed start state %+v", st)
	}
	r := run(t, e, client.ContainerCreateOptions{Image: "nginx", HostConfig: pb("")})
	if got := inspect(t, e, r).NetworkSettings.Ports[network.MustParsePort("80/tcp")][0].HostPort; got != "32768" {
		t.Errorf("random host port %s", got)
	}
	rg := run(t, e, client.ContainerCreateOptions{Image: "nginx", HostConfig: pb("18080-18082")})
	if got := inspect(t, e, rg).NetworkSettings.Ports[network.MustParsePort("80/tcp")][0].HostPort; got != "18081" {
		t.Errorf("range host port %s", got)
	}
	l := must[client.ContainerListResult](t)(e.ContainerList(ctx, client.ContainerListOptions{Filters: client.Filters{}.Add("publish", "18080")}))
	if len(l.Items) != 1 || l.Items[0].ID != a {
		t.Errorf("publish filter: %d items", len(l.Items))
	}
	if p := l.Items[0].Ports; len(p) != 2 || p[0].PublicPort != 18080 || p[0].PrivatePort != 80 || p[0].Type != "tcp" {
		t.Errorf("list ports %+v", p)
	}
	// stopping a frees its port for b
	must[client.ContainerStopResult](t)(e.ContainerStop(ctx, a, client.ContainerStopOptions{}))
	if _, err := e.ContainerStart(ctx, b, client.ContainerStartOptions{}); err != nil {
		t.Errorf("start after the port was freed: %v", err)
	}
}

func TestVolumes(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "redis") // image VOLUME /data
	id := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "cache", Image: "redis",
		Config:     &container.Config{Volumes: map[string]struct{}{"/anon": {}}},
		HostConfig: &container.HostConfig{Binds: []string{"named:/named:ro", "/srv/host:/host"}}})).ID
	c := inspect(t, e, id)
	if len(c.Mounts) != 4 {
		t.Fatalf("mounts %+v", c.Mounts)
	}
	byDest := map[string]container.MountPoint{}
	for _, m := range c.Mounts {
		byDest[m.Destination] = m
	}
	if m := byDest["/named"]; m.Type != "volume" || m.Name != "named" || m.RW || m.Source != "/var/lib/docker/volumes/named/_data" {
		t.Errorf("named mount %+v", m)
	}
	if m := byDest["/host"]; m.Type != "bind" || m.Source != "/srv/host" || !m.RW {
		t.Errorf("bind mount %+v", m)
	}
	for _, d := range []string{"/data", "/anon"} {
		if m := byDest[d]; m.Type != "volume" || !hex64.MatchString(m.Name) {
			t.Errorf("anonymous mount %s %+v", d, m)
		}
	}
	v := must[client.VolumeInspectResult](t)(e.VolumeInspect(ctx, "named", client.VolumeInspectOptions{})).Volume
	if v.Driver != "local" || v.Scope != "local" || v.Mountpoint != "/var/lib/docker/volumes/named/_data" || v.CreatedAt != "2026-11-28T12:00:00Z" {
		t.Errorf("volume %+v", v)
	}
	dangling := must[client.VolumeListResult](t)(e.VolumeList(ctx, client.VolumeListOptions{Filters: client.Filters{}.Add("dangling", "true")}))
	if len(dangling.Items) != 0 {
		t.Errorf("dangling volumes while used: %d", len(dangling.Items))
	}
	must[client.ContainerRemoveResult](t)(e.ContainerRemove(ctx, id, client.ContainerRemoveOptions{RemoveVolumes: true}))
	left := must[client.VolumeListResult](t)(e.VolumeList(ctx, client.VolumeListOptions{}))
	if len(left.Items) != 1 || left.Items[0].Name != "named" {
		t.Errorf("after rm -v: %+v (anonymous volumes go, named ones stay)", left.Items)
	}
	// create of an existing name returns it unchanged
	again := must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "named", Labels: map[string]string{"x": "y"}})).Volume
	if len(again.Labels) != 0 {
		t.Errorf("existing volume changed: %+v", again)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBindingsNeedExposedPorts(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	id := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Cmd: []string{"sleep", "60"}},
		HostConfig: &container.HostConfig{PortBindings: network.PortMap{network.MustParsePort("9000/tcp"): {{HostPort: "19000"}}}}})
	if p := inspect(t, e, id).NetworkSettings.Ports; len(p) != 0 {
		t.Errorf("unexposed port published: %v", p)
	}
}
