package dockertest_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/internal/dockertest"
)

// start starts ref and records the call.
func (e *env) start(ctx context.Context, step, ref string) {
	_, err := e.api.ContainerStart(ctx, ref, client.ContainerStartOptions{})
	e.rec.add(step, nil, err)
}

func (e *env) network(ctx context.Context, name string, labels map[string]string) {
	res, err := e.api.NetworkCreate(ctx, e.name(name), client.NetworkCreateOptions{Driver: "bridge", Labels: labels})
	e.rec.add("network create "+name, nil, err)
	if err == nil {
		e.rec.known(res.ID, name)
	}
}

func (e *env) volume(ctx context.Context, name string, labels map[string]string) {
	_, err := e.api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: e.name(name), Labels: labels})
	e.rec.add("volume create "+name, nil, err)
}

func TestDiffInUse(t *testing.T) {
	runDiff(t, scenario{"in-use", func(ctx context.Context, t *testing.T, e *env) {
		api := e.api
		e.network(ctx, "net", e.labels())
		e.volume(ctx, "vol", e.labels())
		img := e.id + "-img:1"
		_, err := api.ImageTag(ctx, client.ImageTagOptions{Source: dockertest.Image, Target: img})
		e.rec.add("image tag", nil, err)
		res, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{
			Name:   e.name("user"),
			Config: &container.Config{Image: img, Cmd: []string{"sleep", "600"}, Labels: e.labels()},
			HostConfig: &container.HostConfig{NetworkMode: container.NetworkMode(e.name("net")),
				Binds: []string{e.name("vol") + ":/data"}},
		})
		e.rec.add("create user", nil, err)
		e.rec.known(res.ID, "user")
		e.start(ctx, "start user", res.ID)
		_, err = api.NetworkRemove(ctx, e.name("net"), client.NetworkRemoveOptions{})
		e.rec.add("network remove in use", nil, err)
		_, err = api.VolumeRemove(ctx, e.name("vol"), client.VolumeRemoveOptions{})
		e.rec.add("volume remove in use", nil, err)
		_, err = api.VolumeRemove(ctx, e.name("vol"), client.VolumeRemoveOptions{Force: true})
		e.rec.add("volume remove in use, force", nil, err)
		_, err = api.ImageRemove(ctx, img, client.ImageRemoveOptions{})
		e.rec.add("image remove in use", nil, err)
		_, err = api.NetworkRemove(ctx, "bridge", client.NetworkRemoveOptions{})
		e.rec.add("network remove bridge", nil, err)
		dup, err := api.NetworkCreate(ctx, e.name("net"), client.NetworkCreateOptions{Labels: e.labels()})
		e.rec.add("network create duplicate", nil, err)
		if err == nil { // dockerd 20.10 made a second network: remove it so later steps compare
			api.NetworkRemove(ctx, dup.ID, client.NetworkRemoveOptions{}) //nolint:errcheck // cleanup is the fallback
		}
		_, err = api.VolumeCreate(ctx, client.VolumeCreateOptions{Name: e.id + "/bad"})
		e.rec.add("volume create invalid name", nil, err)

		_, err = api.ContainerRemove(ctx, res.ID, client.ContainerRemoveOptions{Force: true})
		e.rec.add("remove user", nil, err)
		_, err = api.NetworkRemove(ctx, e.name("net"), client.NetworkRemoveOptions{})
		e.rec.add("network remove", nil, err)
		_, err = api.VolumeRemove(ctx, e.name("vol"), client.VolumeRemoveOptions{})
		e.rec.add("volume remove", nil, err)
		rm, err := api.ImageRemove(ctx, img, client.ImageRemoveOptions{})
		e.rec.add("image remove", rm.Items, err)
		_, err = api.NetworkRemove(ctx, e.name("net"), client.NetworkRemoveOptions{})
		e.rec.add("network remove missing", nil, err)
		_, err = api.VolumeRemove(ctx, e.name("vol"), client.VolumeRemoveOptions{})
		e.rec.add("volume remove missing", nil, err)
	}})
}

func TestDiffPortConflict(t *testing.T) {
	portNum := freeHostPort(t)
	port := fmt.Sprint(portNum) // shared daemon: avoid other tests' ports

	runDiff(t, scenario{"ports", func(ctx context.Context, t *testing.T, e *env) {
		p80 := network.MustParsePort("80/tcp")
		hc := &container.HostConfig{PortBindings: network.PortMap{p80: {{HostPort: port}}}}
		// As the docker CLI and compose send it: the bound port is also exposed.
		exposed := func(name string) string {
			res, err := e.api.ContainerCreate(ctx, client.ContainerCreateOptions{
				Name: e.name(name),
				Config: &container.Config{Image: dockertest.Image, Cmd: []string{"sleep", "600"}, Labels: e.labels(),
					ExposedPorts: network.PortSet{p80: {}}},
				HostConfig: hc,
			})
			e.rec.add("create "+name, nil, err)
			e.rec.known(res.ID, name)
			return res.ID
		}
		a, b := exposed("a"), exposed("b")
		e.start(ctx, "start a", a)
		e.start(ctx, "start b (port taken)", b)
		e.state(ctx, "b after failed start", b)
		res, err := e.api.ContainerInspect(ctx, a, client.ContainerInspectOptions{})
		e.rec.add("a ports", res.Container.NetworkSettings.Ports, err)
		l, err := e.api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: e.filter("publish", port)})
		e.rec.add("list publish=port", names(l.Items), err)

		// PortBindings alone, without Config.ExposedPorts.
		other := fmt.Sprint(portNum + 1)
		c := e.create(ctx, "c", &container.HostConfig{PortBindings: network.PortMap{p80: {{HostPort: other}}}}, nil, "sleep", "600")
		e.start(ctx, "start c (binding, not exposed)", c)
		res, err = e.api.ContainerInspect(ctx, c, client.ContainerInspectOptions{})
		e.rec.add("c ports", res.Container.NetworkSettings.Ports, err)
	}})
}

// names returns the sorted first names of a container list.
func names(items []container.Summary) []string {
	out := []string{}
	for _, c := range items {
		if len(c.Names) > 0 {
			out = append(out, c.Names[0])
		}
	}
	sort.Strings(out)
	return out
}

func TestDiffPrune(t *testing.T) {
	runDiff(t, scenario{"prune", func(ctx context.Context, t *testing.T, e *env) {
		api := e.api
		e.network(ctx, "used", e.labels())
		e.network(ctx, "unused", e.labels())
		e.volume(ctx, "used", e.labels())
		e.volume(ctx, "unused", e.labels())
		run := e.create(ctx, "running", &container.HostConfig{NetworkMode: container.NetworkMode(e.name("used")),
			Binds: []string{e.name("used") + ":/d"}}, nil, "sleep", "600")
		e.start(ctx, "start running", run)
		e.create(ctx, "created", nil, nil, "true")
		ex := e.create(ctx, "exited", nil, nil, "sh", "-c", "exit 3")
		e.start(ctx, "start exited", ex)
		e.wait(ctx, "wait exited", ex, container.WaitConditionNotRunning)

		cp, err := api.ContainerPrune(ctx, client.ContainerPruneOptions{Filters: e.filter()})
		deleted := []string{}
		for _, id := range cp.Report.ContainersDeleted {
			deleted = append(deleted, e.rec.normalise(id)) // "<id:name>": ids sort randomly
		}
		sort.Strings(deleted)
		cp.Report.ContainersDeleted = deleted
		e.rec.add("container prune", cp.Report, err)
		np, err := api.NetworkPrune(ctx, client.NetworkPruneOptions{Filters: e.filter()})
		e.rec.add("network prune", np.Report, err)
		vp, err := api.VolumePrune(ctx, client.VolumePruneOptions{Filters: e.filter()})
		e.rec.add("volume prune", vp.Report, err)
		cp, err = api.ContainerPrune(ctx, client.ContainerPruneOptions{Filters: e.filter()})
		e.rec.add("container prune again", cp.Report, err)
		np, err = api.NetworkPrune(ctx, client.NetworkPruneOptions{Filters: e.filter()})
		e.rec.add("network prune again", np.Report, err)
		vp, err = api.VolumePrune(ctx, client.VolumePruneOptions{Filters: e.filter()})
		e.rec.add("volume prune again", vp.Report, err)
	}})
}
