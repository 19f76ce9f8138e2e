package emulator_test

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// The docker CLI (25+) sends, for `docker run` without --network, an endpoint
// keyed "default" with no NetworkMode: that is the bridge network's endpoint.
func TestCreateWithDefaultEndpointKey(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	res, err := e.ContainerCreate(context.Background(), client.ContainerCreateOptions{Name: "plain", Image: "busybox",
		NetworkingConfig: &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{"default": {}}}})
	if err != nil {
		t.Fatalf("create with an endpoint keyed default: %v", err)
	}
	c := inspect(t, e, res.ID)
	if _, ok := c.NetworkSettings.Networks["bridge"]; !ok || len(c.NetworkSettings.Networks) != 1 || c.HostConfig.NetworkMode != "default" {
		t.Errorf("networks %v, mode %q; want only bridge, mode default", c.NetworkSettings.Networks, c.HostConfig.NetworkMode)
	}
}
