package emulator_test

import (
	"context"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator/registry"
)

// Pulled catalog images have their distribution's and server's files, which
// exec sees as in the real image; the image id does not depend on them.
func TestCatalogImageFiles(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	for _, ref := range []string{"nginx", "postgres", "busybox", "redis:alpine"} {
		pull(t, e, ref)
	}
	nginx := run(t, e, client.ContainerCreateOptions{Name: "web", Image: "nginx"})
	pg := run(t, e, client.ContainerCreateOptions{Name: "db", Image: "postgres", Config: &container.Config{Env: []string{"POSTGRES_PASSWORD=x"}}})
	box := run(t, e, client.ContainerCreateOptions{Name: "box", Image: "busybox", Config: idle(container.Config{})})
	redis := run(t, e, client.ContainerCreateOptions{Name: "cache", Image: "redis:alpine"})
	cases := []struct {
		ref, script string
		code        int
		stdout      string
	}{
		{nginx, "grep PRETTY_NAME /etc/os-release", 0, "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"},
		{nginx, "ls /usr/share/nginx/html", 0, "50x.html\nindex.html\n"},
		{nginx, "grep -c server_name /etc/nginx/conf.d/default.conf; grep ^nginx: /etc/passwd", 0, "1\nnginx:x:101:101:nginx user:/nonexistent:/bin/false\n"},
		{nginx, "test -x /usr/sbin/nginx && test -f /bin/ls && echo yes", 0, "yes\n"},
		{pg, "grep ^postgres: /etc/passwd; grep ssl-cert /etc/group", 0, "postgres:x:999:999::/var/lib/postgresql:/bin/bash\nssl-cert:x:101:postgres\n"},
		{pg, "ls /usr/lib/postgresql/17/bin | head -n 1", 0, "initdb\n"},
		{box, "cat /etc/os-release", 1, ""},
		{box, "bash -c 'echo x'", 127, ""}, // busybox has no bash
		{pg, "bash -c 'echo x'", 0, "x\n"},
		{box, "id; id -Gn; id nosuch || echo $?", 0, "uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot wheel\n1\n"},
		{pg, "id postgres; id -Gn postgres; id -u nobody; id -un 999", 0, "uid=999(postgres) gid=999(postgres) groups=999(postgres),101(ssl-cert)\npostgres ssl-cert\n65534\npostgres\n"},
		{box, "grep ^nobody /etc/passwd", 0, "nobody:x:65534:65534:nobody:/home:/bin/false\n"},
		{redis, "grep -E '^(ID|VERSION_ID)=' /etc/os-release; grep ^redis /etc/passwd", 0, "ID=alpine\nVERSION_ID=3.21.3\nredis:x:999:1000:Linux User,,,:/home/redis:/sbin/nologin\n"},
	}
	for _, tc := range cases {
		code, out, _ := execRun(t, e, tc.ref, client.ExecCreateOptions{Cmd: []string{"sh", "-c", tc.script}})
		if code != tc.code || out != tc.stdout {
			t.Errorf("%s: exit %d stdout %q, want %d %q", tc.script, code, out, tc.code, tc.stdout)
		}
	}
	img := must[client.ImageInspectResult](t)(e.ImageInspect(ctx, "nginx"))
	if want := must[registry.Image](t)(registry.Default().Lookup("nginx")).ID; img.ID != want {
		t.Errorf("nginx image id %s, want the registry's %s", img.ID, want)
	}
}

// The brief's example: a catalog image's files under a volume mount point
// populate an empty volume, which a container of another image then reads.
func TestCatalogFilesPopulateVolume(t *testing.T) {
	ctx := context.Background()
	e, _ := newEngine(t)
	pull(t, e, "nginx")
	pull(t, e, "busybox")
	must[client.VolumeCreateResult](t)(e.VolumeCreate(ctx, client.VolumeCreateOptions{Name: "html"}))
	run(t, e, client.ContainerCreateOptions{Name: "web", Image: "nginx", HostConfig: &container.HostConfig{Binds: []string{"html:/usr/share/nginx/html"}}})
	box := run(t, e, client.ContainerCreateOptions{Image: "busybox", Config: idle(container.Config{}), HostConfig: &container.HostConfig{Binds: []string{"html:/site"}}})
	if out := sh(t, e, box, "ls /site; grep -c 'Welcome to nginx' /site/index.html"); out != "50x.html\nindex.html\n2\n" {
		t.Errorf("volume seen from busybox: %q", out)
	}
}
