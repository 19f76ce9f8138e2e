package reconciler

import (
	"errors"
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

func projLabels(project string, extra ...string) map[string]string {
	m := map[string]string{spec.LabelProject: project}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return m
}

func netSummary(id, name string, labels map[string]string) network.Summary {
	return network.Summary{Network: network.Network{ID: id, Name: name, Driver: "bridge", Labels: labels}}
}

func seededFake() *fakeEngine {
	f := newFake()
	f.containers = []container.Summary{
		{ID: "c2", Names: []string{"/demo-web-1"}, Image: "nginx", ImageID: "sha256:n", State: container.StateRunning,
			Labels: projLabels("demo", spec.LabelService, "web"), Health: &container.HealthSummary{Status: container.Healthy},
			NetworkSettings: &container.NetworkSettingsSummary{Networks: map[string]*network.EndpointSettings{"demo_default": {NetworkID: "n1"}}},
			Mounts:          []container.MountPoint{{Type: mount.TypeVolume, Name: "demo_data"}, {Type: mount.TypeBind, Source: "/x"}}},
		{ID: "c1", Names: []string{"/demo-migrate-1"}, Image: "busybox", State: container.StateExited, Status: "Exited (3) 2 minutes ago",
			Labels: projLabels("demo", spec.LabelService, "migrate"), Health: &container.HealthSummary{Status: container.NoHealthcheck}},
		{ID: "c9", Names: []string{"/other-web-1"}, State: container.StateRunning, Labels: projLabels("other")},
	}
	f.networks = []network.Summary{
		netSummary("n1", "demo_default", projLabels("demo")),
		netSummary("n2", "shared", nil),       // external, desired by name
		netSummary("n3", "shared-extra", nil), // substring of a desired name: not ours
		netSummary("n4", "other_default", projLabels("other")),
	}
	f.volumes = []volume.Volume{
		{Name: "demo_data", Driver: "local", Labels: projLabels("demo")},
		{Name: "ext", Driver: "local"},
		{Name: "ext2", Driver: "local"},
	}
	f.images = []image.Summary{
		{ID: "sha256:n", RepoTags: []string{"nginx:latest"}},
		{ID: "sha256:r", RepoTags: []string{"redis:7"}},
	}
	return f
}

func TestObserve(t *testing.T) {
	f := seededFake()
	d := &spec.Desired{
		Project:  "demo",
		Networks: []spec.Network{{Key: "default", Name: "demo_default"}, {Key: "shared", Name: "shared", External: true}},
		Volumes:  []spec.Volume{{Key: "data", Name: "demo_data"}, {Key: "ext", Name: "ext", External: true}},
		Images:   []spec.Image{{Ref: "docker.io/library/nginx"}, {Ref: "postgres:16"}, {Ref: "redis:7"}},
	}
	obs, err := Observe(t.Context(), f, d)
	if err != nil {
		t.Fatal(err)
	}
	want := planner.Observed{
		Project: "demo",
		Containers: []planner.Container{
			{ID: "c1", Name: "demo-migrate-1", Image: "busybox", Labels: f.containers[1].Labels, State: "exited", ExitCode: 3},
			{ID: "c2", Name: "demo-web-1", Image: "nginx", ImageID: "sha256:n", Labels: f.containers[0].Labels, State: "running",
				Health: "healthy", Networks: map[string]string{"demo_default": "n1"}, Volumes: []string{"demo_data"}},
		},
		Networks: []planner.Network{
			{ID: "n1", Name: "demo_default", Driver: "bridge", Labels: projLabels("demo"), Containers: []string{"demo-web-1"}},
			{ID: "n2", Name: "shared", Driver: "bridge", Containers: []string{}},
		},
		Volumes: []planner.Volume{{Name: "demo_data", Driver: "local", Labels: projLabels("demo")}, {Name: "ext", Driver: "local"}},
		Images:  []planner.Image{{Ref: "docker.io/library/nginx", ID: "sha256:n"}, {Ref: "redis:7", ID: "sha256:r"}},
	}
	normalizeEmpty(&obs)
	normalizeEmpty(&want)
	if !reflect.DeepEqual(obs, want) {
		t.Errorf("Observe:\n got %+v\nwant %+v", obs, want)
	}
	// list calls only, and no write.
	for _, c := range f.callLog() {
		t.Errorf("unexpected non-list call %q", c)
	}
	if got := len(f.listCalls); got != 6 {
		t.Errorf("list calls = %v, want 6 (containers, 2 networks, 2 volumes, images)", f.listCalls)
	}
}

func normalizeEmpty(o *planner.Observed) {
	for i := range o.Networks {
		if len(o.Networks[i].Containers) == 0 {
			o.Networks[i].Containers = nil
		}
	}
}

func TestObserveProjectWithoutFile(t *testing.T) {
	f := seededFake()
	obs, err := ObserveProject(t.Context(), f, "demo")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range obs.Containers {
		names = append(names, c.Name)
	}
	if !reflect.DeepEqual(names, []string{"demo-migrate-1", "demo-web-1"}) {
		t.Errorf("containers = %v", names)
	}
	if len(obs.Networks) != 1 || obs.Networks[0].Name != "demo_default" {
		t.Errorf("networks = %+v, want only demo_default", obs.Networks)
	}
	if len(obs.Volumes) != 1 || obs.Volumes[0].Name != "demo_data" {
		t.Errorf("volumes = %+v, want only demo_data", obs.Volumes)
	}
	// images come from the containers: nginx is local, busybox is not.
	if !reflect.DeepEqual(obs.Images, []planner.Image{{Ref: "nginx", ID: "sha256:n"}}) {
		t.Errorf("images = %+v", obs.Images)
	}
}

func TestObserveListErrorIsTyped(t *testing.T) {
	f := seededFake()
	boom := errors.New("boom")
	f.fail["ContainerList "] = boom
	_, err := ObserveProject(t.Context(), f, "demo")
	var oe *ObserveError
	if !errors.As(err, &oe) || oe.Kind != planner.KindContainer || !errors.Is(err, boom) {
		t.Fatalf("err = %v, want ObserveError{container} wrapping boom", err)
	}
}
