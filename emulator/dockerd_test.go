package emulator_test

import (
	"context"
	"os"
	"testing"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
	"github.com/reconciler/reconciler/emulator/internal/conformance"
)

// TestConformanceDockerd runs the bad-input scenarios on a real dockerd, to check
// the emulator's error classes and texts against the real thing. It needs
// EMULATOR_DOCKER_HOST (for example unix:///tmp/d/docker.sock) naming a dockerd
// that holds images busybox:latest and nginx:latest (docker import of a directory
// with /bin/busybox and its links) and none of the fixture's objects.
func TestConformanceDockerd(t *testing.T) {
	host := os.Getenv("EMULATOR_DOCKER_HOST")
	if host == "" {
		t.Skip("EMULATOR_DOCKER_HOST not set: no real dockerd to compare with")
	}
	conformance.RunBadInput(t, func(t *testing.T) emulator.API {
		c, err := client.New(client.WithHost(host))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cleanDockerd(t, c); c.Close() })
		cleanDockerd(t, c)
		return c
	}, nil)
}

// cleanDockerd removes the fixture's objects from a real dockerd.
func cleanDockerd(t *testing.T, c *client.Client) {
	ctx := context.Background()
	l, err := c.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, ctr := range l.Items {
		c.ContainerRemove(ctx, ctr.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}) //nolint:errcheck // best effort
	}
	nets, err := c.NetworkList(ctx, client.NetworkListOptions{Filters: client.Filters{}.Add("type", "custom")})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nets.Items {
		c.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}) //nolint:errcheck // best effort
	}
	vols, err := c.VolumeList(ctx, client.VolumeListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vols.Items {
		c.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true}) //nolint:errcheck // best effort
	}
	for _, im := range []string{"x:1"} {
		c.ImageRemove(ctx, im, client.ImageRemoveOptions{}) //nolint:errcheck // best effort
	}
}
