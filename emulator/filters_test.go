package emulator_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

func names(items []container.Summary) []string {
	var out []string
	for _, c := range items {
		out = append(out, c.Names[0][1:])
	}
	slices.Sort(out)
	return out
}

func TestContainerFilters(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	pull(t, e, "nginx")
	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "front", client.NetworkCreateOptions{}))
	mk := func(name, img string, labels map[string]string, hc *container.HostConfig, start bool) string {
		res := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name, Image: img,
			Config: &container.Config{Labels: labels, OpenStdin: true, Tty: true}, HostConfig: hc}))
		if start {
			must[client.ContainerStartResult](t)(e.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}))
		}
		clk.Advance(time.Second)
		return res.ID
	}
	mk("alpha", "nginx", map[string]string{"app": "web", "tier": "front"}, &container.HostConfig{NetworkMode: "front"}, true)
	beta := mk("beta", "busybox", map[string]string{"app": "db"}, &container.HostConfig{Binds: []string{"dbdata:/var/lib/db"}}, true)
	mk("gamma", "busybox", map[string]string{"app": "web"}, nil, false)
	delta := mk("delta", "busybox", nil, nil, true)
	must[client.ContainerKillResult](t)(e.ContainerKill(ctx, delta, client.ContainerKillOptions{}))
	clk.Advance(time.Second)

	cases := []struct {
		name string
		opts client.ContainerListOptions
		want []string
	}{
		{"default lists running only", client.ContainerListOptions{}, []string{"alpha", "beta"}},
		{"all", client.ContainerListOptions{All: true}, []string{"alpha", "beta", "delta", "gamma"}},
		{"status implies all", client.ContainerListOptions{Filters: client.Filters{}.Add("status", "created", "exited")}, []string{"delta", "gamma"}},
		{"label key", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", "app")}, []string{"alpha", "beta", "gamma"}},
		{"label key=value", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", "app=web")}, []string{"alpha", "gamma"}},
		{"labels are ANDed", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("label", "app=web", "tier=front")}, []string{"alpha"}},
		{"name substring", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("name", "lph")}, []string{"alpha"}},
		{"name regexp with slash", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("name", "^/(beta|gamma)$")}, []string{"beta", "gamma"}},
		{"id prefix", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("id", beta[:8])}, []string{"beta"}},
		{"ancestor", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("ancestor", "nginx")}, []string{"alpha"}},
		{"ancestor unknown", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("ancestor", "nope")}, nil},
		{"network", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("network", "front")}, []string{"alpha"}},
		{"exited code", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("exited", "137")}, []string{"delta"}},
		{"health none", client.ContainerListOptions{Filters: client.Filters{}.Add("health", "none")}, []string{"alpha", "beta"}},
		{"volume by name", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("volume", "dbdata")}, []string{"beta"}},
		{"volume by destination", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("volume", "/var/lib/db")}, []string{"beta"}},
		{"expose", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("expose", "80")}, []string{"alpha"}},
		{"before", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("before", "gamma")}, []string{"alpha", "beta"}},
		{"since", client.ContainerListOptions{All: true, Filters: client.Filters{}.Add("since", "beta")}, []string{"delta", "gamma"}},
		{"limit (newest first)", client.ContainerListOptions{Limit: 1}, []string{"delta"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.ContainerList(ctx, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(res.Items); !equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	all := must[client.ContainerListResult](t)(e.ContainerList(ctx, client.ContainerListOptions{All: true}))
	if got := []string{all.Items[0].Names[0], all.Items[3].Names[0]}; got[0] != "/delta" || got[1] != "/alpha" {
		t.Errorf("order %v: newest first", got)
	}
	for _, c := range all.Items {
		switch c.Names[0] {
		case "/delta":
			if c.Status != "Exited (137) 1 second ago" || c.State != container.StateExited {
				t.Errorf("delta status %q %q", c.State, c.Status)
			}
		case "/gamma":
			if c.Status != "Created" {
				t.Errorf("gamma status %q", c.Status)
			}
		case "/alpha":
			if c.Status != "Up 5 seconds" || c.Command != "/docker-entrypoint.sh nginx -g 'daemon off;'" {
				t.Errorf("alpha status %q command %q", c.Status, c.Command)
			}
		}
	}
}

func TestNetworkAndVolumeFilters(t *testing.T) {
	e, _ := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	n1 := must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "proj_front", client.NetworkCreateOptions{Labels: map[string]string{"proj": "a"}})).ID
	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "proj_back", client.NetworkCreateOptions{}))
	run(t, e, client.ContainerCreateOptions{Image: "busybox", HostConfig: &container.HostConfig{NetworkMode: "proj_back", Binds: []string{"used:/u"}}})
	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "free", Labels: map[string]string{"proj": "a"}}))
	netCases := []struct {
		f    client.Filters
		want []string
	}{
		{client.Filters{}.Add("type", "builtin"), []string{"bridge", "host", "none"}},
		{client.Filters{}.Add("type", "custom"), []string{"proj_back", "proj_front"}},
		{client.Filters{}.Add("driver", "null"), []string{"none"}},
		{client.Filters{}.Add("name", "proj"), []string{"proj_back", "proj_front"}},
		{client.Filters{}.Add("id", n1[:5]), []string{"proj_front"}},
		{client.Filters{}.Add("label", "proj=a"), []string{"proj_front"}},
		{client.Filters{}.Add("dangling", "true"), []string{"proj_front"}},
		{client.Filters{}.Add("dangling", "false"), []string{"bridge", "host", "none", "proj_back"}},
		{client.Filters{}.Add("scope", "swarm"), nil},
	}
	for _, tc := range netCases {
		res := must[client.NetworkListResult](t)(e.NetworkList(ctx, client.NetworkListOptions{Filters: tc.f}))
		var got []string
		for _, n := range res.Items {
			got = append(got, n.Name)
		}
		slices.Sort(got)
		if !equal(got, tc.want) {
			t.Errorf("networks %v: got %v, want %v", tc.f, got, tc.want)
		}
	}
	volCases := []struct {
		f    client.Filters
		want []string
	}{
		{client.Filters{}.Add("dangling", "true"), []string{"free"}},
		{client.Filters{}.Add("dangling", "false"), []string{"used"}},
		{client.Filters{}.Add("driver", "local"), []string{"free", "used"}},
		{client.Filters{}.Add("label", "proj"), []string{"free"}},
		{client.Filters{}.Add("name", "us"), []string{"used"}},
	}
	for _, tc := range volCases {
		res := must[client.VolumeListResult](t)(e.VolumeList(ctx, client.VolumeListOptions{Filters: tc.f}))
		var got []string
		for _, v := range res.Items {
			got = append(got, v.Name)
		}
		if !equal(got, tc.want) {
			t.Errorf("volumes %v: got %v, want %v", tc.f, got, tc.want)
		}
	}
}

func TestPrune(t *testing.T) {
	e, clk := newEngine(t)
	ctx := context.Background()
	pull(t, e, "busybox")
	old := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Labels: map[string]string{"keep": "no"}}})).ID
	clk.Advance(time.Hour)
	fresh := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Labels: map[string]string{"keep": "no"}}})).ID
	kept := must[client.ContainerCreateResult](t)(e.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "busybox", Config: &container.Config{Labels: map[string]string{"keep": "yes"}}})).ID
	running := run(t, e, client.ContainerCreateOptions{Image: "busybox"})

	r := must[client.ContainerPruneResult](t)(e.ContainerPrune(ctx, client.ContainerPruneOptions{Filters: client.Filters{}.Add("until", "30m")}))
	if !equal(r.Report.ContainersDeleted, []string{old}) {
		t.Errorf("until=30m pruned %v", r.Report.ContainersDeleted)
	}
	r = must[client.ContainerPruneResult](t)(e.ContainerPrune(ctx, client.ContainerPruneOptions{Filters: client.Filters{}.Add("label!", "keep=yes")}))
	if !equal(r.Report.ContainersDeleted, []string{fresh}) {
		t.Errorf("label!=keep=yes pruned %v", r.Report.ContainersDeleted)
	}
	r = must[client.ContainerPruneResult](t)(e.ContainerPrune(ctx, client.ContainerPruneOptions{}))
	if !equal(r.Report.ContainersDeleted, []string{kept}) {
		t.Errorf("prune pruned %v (running %s must stay)", r.Report.ContainersDeleted, running[:12])
	}
	r = must[client.ContainerPruneResult](t)(e.ContainerPrune(ctx, client.ContainerPruneOptions{}))
	if r.Report.ContainersDeleted != nil {
		t.Errorf("empty prune: %v (dockerd answers null)", r.Report.ContainersDeleted)
	}

	must[client.NetworkCreateResult](t)(e.NetworkCreate(ctx, "unused", client.NetworkCreateOptions{}))
	nr := must[client.NetworkPruneResult](t)(e.NetworkPrune(ctx, client.NetworkPruneOptions{}))
	if !equal(nr.Report.NetworksDeleted, []string{"unused"}) {
		t.Errorf("network prune %v", nr.Report.NetworksDeleted)
	}

	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "named"}))
	anon := must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{})).Volume.Name
	vr := must[client.VolumePruneResult](t)(e.VolumePrune(ctx, client.VolumePruneOptions{}))
	if !equal(vr.Report.VolumesDeleted, []string{anon}) {
		t.Errorf("volume prune %v: only anonymous volumes by default", vr.Report.VolumesDeleted)
	}
	vr = must[client.VolumePruneResult](t)(e.VolumePrune(ctx, client.VolumePruneOptions{All: true}))
	if !equal(vr.Report.VolumesDeleted, []string{"named"}) {
		t.Errorf("volume prune all %v", vr.Report.VolumesDeleted)
	}
	vr = must[client.VolumePruneResult](t)(e.VolumePrune(ctx, client.VolumePruneOptions{All: true}))
	if vr.Report.VolumesDeleted == nil || len(vr.Report.VolumesDeleted) != 0 {
		t.Errorf("empty volume prune %#v (dockerd answers [])", vr.Report.VolumesDeleted)
	}
}
