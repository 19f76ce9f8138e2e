package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Reachability from inside containers, per network mode.
func TestReachability(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	pull(t, e, "nginx")
	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "front", client.NetworkCreateOptions{}))
	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "vault", client.NetworkCreateOptions{Internal: true}))
	web := run(t, e, client.ContainerCreateOptions{Name: "web", Image: "nginx", HostConfig: &container.HostConfig{NetworkMode: "front",
		PortBindings: network.PortMap{network.MustParsePort("80/tcp"): {{HostPort: "8080"}}}},
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{"front": {Aliases: []string{"www"}}}}})
	secret := run(t, e, client.ContainerCreateOptions{Name: "secret", Image: "nginx", HostConfig: &container.HostConfig{NetworkMode: "vault"}})
	onBridge := run(t, e, client.ContainerCreateOptions{Name: "legacy", Image: "nginx"})
	clk.Advance(time.Minute)
	mk := func(name, mode string) string {
		return run(t, e, client.ContainerCreateOptions{Name: name, Image: "busybox", Config: idle(container.Config{}),
			HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode(mode)}})
	}
	client1 := mk("client1", "front")
	sidecar := mk("sidecar", "container:client1")
	isolated := mk("isolated", "none")
	hostNet := mk("hostnet", "host")
	insider := mk("insider", "vault")
	bridged := mk("bridged", "bridge")
	bridgeIP := inspect(t, e, onBridge).NetworkSettings.Networks["bridge"].IPAddress.String()
	webShort := web[:12]
	cases := []struct {
		from, script string
		ok           bool
	}{
		{client1, "nc -z web 80", true},
		{client1, "nc -z www 80", true},
		{client1, "nc -z " + webShort + " 80", true},
		{client1, "getent hosts secret", false},
		{sidecar, "nc -z web 80", true},
		{isolated, "nc -z web 80", false},
		{hostNet, "getent hosts web", false},
		{insider, "nc -z secret 80", true},
		{insider, "nc -z " + secret[:12] + " 80", true},
		{insider, "nc -z web 80", false},
		{insider, "getent hosts example.com", false},
		{bridged, "getent hosts legacy", false}, // the default bridge has no name resolution
		{bridged, "nc -z " + bridgeIP + " 80", true},
	}
	for _, tc := range cases {
		code, _, _ := execRun(t, e, tc.from, client.ExecCreateOptions{Cmd: []string{"sh", "-c", tc.script}})
		if (code == 0) != tc.ok {
			t.Errorf("%s in %s: exit %d, want success %v", tc.script, inspect(t, e, tc.from).Name, code, tc.ok)
		}
	}

	id, ready, ok, err := e.ServingHostPort(ctx, 8080)
	if err != nil || !ok || !ready || id != web {
		t.Errorf("host port 8080: %s ready=%v ok=%v err=%v, want web ready", id, ready, ok, err)
	}
	if _, _, ok, _ := e.ServingHostPort(ctx, 9999); ok {
		t.Errorf("host port 9999 is served by someone")
	}
	must[client.ContainerStopResult](t)(e.ContainerStop(ctx, web, client.ContainerStopOptions{}))
	if _, _, ok, _ := e.ServingHostPort(ctx, 8080); ok {
		t.Errorf("host port 8080 still served after stop")
	}
}
