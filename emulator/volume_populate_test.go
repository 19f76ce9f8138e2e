package emulator_test

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator"
)

// siteImage builds "site:1": busybox with files under /srv/site (a VOLUME)
// and nothing under /srv/empty.
func siteImage(t *testing.T, e *emulator.Engine) {
	t.Helper()
	_, err := buildStream(t, e, map[string]string{
		"Dockerfile":      "FROM busybox\nCOPY site/ /srv/site/\nRUN mkdir -p /srv/empty\nVOLUME /srv/site\nCMD [\"sleep\", \"infinity\"]\n",
		"site/index.html": "<h1>hi</h1>\n",
		"site/css/a.css":  "a{}\n",
	}, client.ImageBuildOptions{Tags: []string{"site:1"}})
	if err != nil {
		t.Fatal(err)
	}
}

// sh runs a script in a container and returns its stdout.
func sh(t *testing.T, e *emulator.Engine, ref, script string) string {
	t.Helper()
	_, out, _ := execRun(t, e, ref, client.ExecCreateOptions{Cmd: []string{"sh", "-c", script}})
	return out
}

// An empty named volume mounted where the image has files gets a copy of
// them, which another container from another image then sees.
func TestVolumePopulatedFromImage(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	siteImage(t, e)
	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "www"}))
	run(t, e, client.ContainerCreateOptions{Name: "web", Image: "site:1",
		HostConfig: &container.HostConfig{Binds: []string{"www:/srv/site"}}})
	reader := run(t, e, client.ContainerCreateOptions{Name: "reader", Image: "busybox", Config: idle(container.Config{}),
		HostConfig: &container.HostConfig{Binds: []string{"www:/data"}}})
	if out := sh(t, e, reader, "cat /data/index.html /data/css/a.css; ls /data"); out != "<h1>hi</h1>\na{}\ncss\nindex.html\n" {
		t.Errorf("second container sees %q", out)
	}
	if got := volumeSize(t, e, "www"); got != int64(len("<h1>hi</h1>\na{}\n")) {
		t.Errorf("volume size %d", got)
	}
}

// A volume that holds data is not overwritten; nocopy (bind mode or
// VolumeOptions.NoCopy) leaves the volume empty; a bind mount is never
// populated; a mount point with nothing in the image copies nothing.
func TestVolumePopulateRules(t *testing.T) {
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	siteImage(t, e)
	writer := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{}),
		HostConfig: &container.HostConfig{Binds: []string{"kept:/data"}}})
	sh(t, e, writer, "echo mine > /data/own.txt")

	cases := []struct {
		name string
		hc   container.HostConfig
		vol  string
		ls   string // ls of /srv/site in the site container
	}{
		{"volume with data is kept", container.HostConfig{Binds: []string{"kept:/srv/site"}}, "kept", "own.txt\n"},
		{"nocopy bind mode", container.HostConfig{Binds: []string{"nc1:/srv/site:nocopy"}}, "nc1", ""},
		{"nocopy among modes (compose's bind string)", container.HostConfig{Binds: []string{"nc3:/srv/site:rw,nocopy"}}, "nc3", ""},
		{"VolumeOptions.NoCopy", container.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeVolume, Source: "nc2", Target: "/srv/site",
			VolumeOptions: &mount.VolumeOptions{NoCopy: true}}}}, "nc2", ""},
		{"bind mount", container.HostConfig{Binds: []string{"/host/site:/srv/site"}}, "", ""},
		{"mounts API copies", container.HostConfig{Mounts: []mount.Mount{{Type: mount.TypeVolume, Source: "m1", Target: "/srv/site"}}}, "m1", "css\nindex.html\n"},
		{"read-only mount copies", container.HostConfig{Binds: []string{"ro1:/srv/site:ro"}}, "ro1", "css\nindex.html\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hc := tc.hc
			id := run(t, e, client.ContainerCreateOptions{Image: "site:1", HostConfig: &hc})
			if out := sh(t, e, id, "ls /srv/site"); out != tc.ls {
				t.Errorf("ls /srv/site = %q, want %q", out, tc.ls)
			}
		})
	}
	if got := volumeSize(t, e, "kept"); got != int64(len("mine\n")) {
		t.Errorf("kept volume size %d, want only its own file", got)
	}
	run(t, e, client.ContainerCreateOptions{Image: "site:1", HostConfig: &container.HostConfig{Binds: []string{"e1:/srv/empty", "e2:/nothing/here"}}})
	for _, v := range []string{"e1", "e2", "nc1", "nc2", "nc3"} {
		if got := volumeSize(t, e, v); got != 0 {
			t.Errorf("volume %s has %d bytes, want none", v, got)
		}
	}
}

// The anonymous volume of the image's VOLUME is populated; a restart does not
// fill a volume emptied since.
func TestAnonymousVolumePopulatedOnce(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	pull(t, e, "busybox")
	siteImage(t, e)
	id := run(t, e, client.ContainerCreateOptions{Name: "anon", Image: "site:1"})
	var anon string
	for _, m := range inspect(t, e, id).Mounts {
		if m.Destination == "/srv/site" {
			anon = m.Name
		}
	}
	if anon == "" || volumeSize(t, e, anon) == 0 {
		t.Fatalf("anonymous volume %q not populated", anon)
	}
	if out := sh(t, e, id, "rm -rf /srv/site/index.html /srv/site/css; ls /srv/site"); out != "" {
		t.Fatalf("emptying the volume left %q", out)
	}
	must[client.ContainerKillResult](t)(e.ContainerKill(ctx, id, client.ContainerKillOptions{}))
	must[client.ContainerStartResult](t)(e.ContainerStart(ctx, id, client.ContainerStartOptions{}))
	if out := sh(t, e, id, "ls /srv/site"); out != "" {
		t.Errorf("restart refilled the emptied volume: %q", out)
	}
}

func volumeSize(t *testing.T, e *emulator.Engine, name string) int64 {
	t.Helper()
	du := must[client.DiskUsageResult](t)(e.DiskUsage(context.Background(), client.DiskUsageOptions{Volumes: true, Verbose: true}))
	for _, v := range du.Volumes.Items {
		if v.Name == name {
			return v.UsageData.Size
		}
	}
	t.Fatalf("no volume %s", name)
	return 0
}
