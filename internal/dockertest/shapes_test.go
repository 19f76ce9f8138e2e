package dockertest_test

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/internal/dockertest"
)

// TestDiffInspectShapes compares the key sets (two levels deep) of inspect
// and list answers as moby's types carry them.
func TestDiffInspectShapes(t *testing.T) {
	runDiff(t, scenario{"shapes", func(ctx context.Context, t *testing.T, e *env) {
		api := e.api
		e.network(ctx, "net", e.labels())
		e.volume(ctx, "vol", e.labels())
		id := e.create(ctx, "web", &container.HostConfig{NetworkMode: container.NetworkMode(e.name("net")),
			Binds: []string{e.name("vol") + ":/v"}}, nil, "sleep", "600")
		ci, err := api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		e.rec.add("container created", keys(ci.Container, 2), err)
		e.start(ctx, "start web", id)
		ci, err = api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		e.rec.add("container running", keys(ci.Container, 2), err)
		l, err := api.ContainerList(ctx, client.ContainerListOptions{Filters: e.filter()})
		if err == nil && len(l.Items) == 1 {
			e.rec.add("container list item", keys(l.Items[0], 2), nil)
		} else {
			e.rec.add("container list item", len(l.Items), err)
		}
		ni, err := api.NetworkInspect(ctx, e.name("net"), client.NetworkInspectOptions{})
		e.rec.add("network", keys(ni.Network, 2), err)
		nl, err := api.NetworkList(ctx, client.NetworkListOptions{Filters: e.filter()})
		if err == nil && len(nl.Items) == 1 {
			e.rec.add("network list item", keys(nl.Items[0], 2), nil)
		} else {
			e.rec.add("network list item", len(nl.Items), err)
		}
		vi, err := api.VolumeInspect(ctx, e.name("vol"), client.VolumeInspectOptions{})
		e.rec.add("volume", keys(vi.Volume, 2), err)
		ii, err := api.ImageInspect(ctx, dockertest.Image)
		e.rec.add("image", keys(ii.InspectResponse, 1), err)
	}})
}
