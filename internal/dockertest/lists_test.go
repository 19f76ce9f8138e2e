package dockertest_test

import (
	"context"
	"sort"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func TestDiffListFilters(t *testing.T) {
	runDiff(t, scenario{"filters", func(ctx context.Context, t *testing.T, e *env) {
		api := e.api
		e.network(ctx, "front", e.labels("tier", "front"))
		e.network(ctx, "back", e.labels())
		e.volume(ctx, "data", e.labels("keep", "yes"))
		e.volume(ctx, "spare", e.labels())
		run := e.create(ctx, "run", &container.HostConfig{NetworkMode: container.NetworkMode(e.name("front")),
			Binds: []string{e.name("data") + ":/data"}}, e.labels("role", "web"), "sleep", "600")
		e.start(ctx, "start run", run)
		ex := e.create(ctx, "exit3", nil, e.labels("role", "job"), "sh", "-c", "exit 3")
		e.start(ctx, "start exit3", ex)
		e.wait(ctx, "wait exit3", ex, container.WaitConditionNotRunning)
		e.create(ctx, "fresh", nil, nil, "true")

		for _, f := range [][]string{
			{}, {"status", "running"}, {"status", "exited"}, {"status", "created"},
			{"status", "running", "status", "created"}, {"label", "role"}, {"label", "role=web"},
			{"name", e.name("ru")}, {"name", "^/" + e.name("run") + "$"}, {"ancestor", "busybox"},
			{"network", e.name("front")}, {"volume", e.name("data")}, {"volume", "/data"},
			{"exited", "3"}, {"exited", "0"}, {"status", "bogus"},
		} {
			l, err := api.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: e.filter(f...)})
			e.rec.add(stepName("containers", f), names(l.Items), err)
		}
		l, err := api.ContainerList(ctx, client.ContainerListOptions{Filters: e.filter()})
		e.rec.add("containers running only (no all)", names(l.Items), err)

		for _, f := range [][]string{
			{}, {"driver", "bridge"}, {"name", e.name("fr")}, {"label", "tier=front"}, {"type", "custom"},
			{"type", "builtin"}, {"dangling", "true"}, {"dangling", "false"}, {"type", "bogus"},
		} {
			l, err := api.NetworkList(ctx, client.NetworkListOptions{Filters: e.filter(f...)})
			var out []string
			for _, n := range l.Items {
				out = append(out, n.Name)
			}
			sort.Strings(out)
			e.rec.add(stepName("networks", f), out, err)
		}
		// Built-in networks carry no label: filters without the test label.
		for _, f := range [][]string{{"type", "builtin"}, {"name", "bridge"}, {"driver", "null"}} {
			l, err := api.NetworkList(ctx, client.NetworkListOptions{Filters: make(client.Filters).Add(f[0], f[1])})
			var out []string
			for _, n := range l.Items {
				if n.Name == "bridge" || n.Name == "host" || n.Name == "none" {
					out = append(out, n.Name)
				}
			}
			sort.Strings(out)
			e.rec.add(stepName("networks unlabelled", f), out, err)
		}

		for _, f := range [][]string{
			{}, {"dangling", "true"}, {"dangling", "false"}, {"label", "keep"}, {"label", "keep=yes"},
			{"name", e.name("da")}, {"driver", "local"}, {"dangling", "maybe"},
		} {
			l, err := api.VolumeList(ctx, client.VolumeListOptions{Filters: e.filter(f...)})
			var out []string
			for _, v := range l.Items {
				out = append(out, v.Name)
			}
			sort.Strings(out)
			e.rec.add(stepName("volumes", f), out, err)
		}
	}})
}

func stepName(kind string, f []string) string {
	s := kind
	for i := 0; i+1 < len(f); i += 2 {
		s += " " + f[i] + "=" + f[i+1]
	}
	return s
}
