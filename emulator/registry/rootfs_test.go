package registry

import (
	"errors"
	"path"
	"reflect"
	"strings"
	"testing"

	cerrdefs "github.com/containerd/errdefs"
)

func filesOf(t *testing.T, c *Catalog, ref string) map[string]File {
	t.Helper()
	r, err := ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := c.Files(r)
	if err != nil {
		t.Fatalf("Files(%s): %v", ref, err)
	}
	out := map[string]File{}
	for _, f := range fs {
		out[f.Path] = f
	}
	return out
}

// Every catalog tag (and a synthetic image) has a small, sorted, complete
// tree: parents listed before children, /etc/passwd with root, the image's
// VOLUME directories present and empty.
func TestFilesInvariants(t *testing.T) {
	c := Default()
	refs := []string{"example.com/team/app:1"}
	for _, repo := range c.Repositories() {
		for _, tag := range c.Tags(repo) {
			refs = append(refs, repo+":"+tag)
		}
	}
	for _, ref := range refs {
		r, _ := ParseReference(ref)
		fs, err := c.Files(r)
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		again, _ := c.Files(r)
		if !reflect.DeepEqual(fs, again) {
			t.Errorf("%s: two calls differ", ref)
		}
		seen := map[string]File{"/": {Dir: true}}
		size := 0
		for i, f := range fs {
			if i > 0 && fs[i-1].Path >= f.Path {
				t.Errorf("%s: %s not sorted after %s", ref, f.Path, fs[i-1].Path)
			}
			if p, ok := seen[path.Dir(f.Path)]; !ok || !p.Dir {
				t.Errorf("%s: %s listed without its parent directory", ref, f.Path)
			}
			if f.Dir != (f.Data == nil) || f.Mode == 0 {
				t.Errorf("%s: %s: dir %v data %d bytes mode %v", ref, f.Path, f.Dir, len(f.Data), f.Mode)
			}
			seen[f.Path] = f
			size += len(f.Data)
		}
		if len(fs) > 250 || size > 16<<10 {
			t.Errorf("%s: %d entries, %d bytes: not small", ref, len(fs), size)
		}
		if strings.HasPrefix(ref, "hello-world") {
			continue
		}
		if !strings.HasPrefix(string(seen["/etc/passwd"].Data), "root:x:0:0:") {
			t.Errorf("%s: /etc/passwd = %q", ref, seen["/etc/passwd"].Data)
		}
		img, _ := c.Resolve(r)
		for vol := range img.Config.Volumes {
			if !seen[vol].Dir {
				t.Errorf("%s: VOLUME %s missing", ref, vol)
			}
			for p := range seen {
				if strings.HasPrefix(p, vol+"/") {
					t.Errorf("%s: VOLUME %s holds %s", ref, vol, p)
				}
			}
		}
	}
}

func TestFilesContent(t *testing.T) {
	c := Default()
	cases := []struct {
		ref, path, contains string
	}{
		{"nginx", "/etc/os-release", `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"`},
		{"nginx", "/etc/passwd", "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n"},
		{"nginx", "/usr/share/nginx/html/index.html", "<h1>Welcome to nginx!</h1>"},
		{"nginx", "/etc/nginx/conf.d/default.conf", "root   /usr/share/nginx/html;"},
		{"nginx:alpine", "/etc/os-release", "VERSION_ID=3.21.3\nPRETTY_NAME=\"Alpine Linux v3.21\""},
		{"nginx:alpine", "/etc/passwd", "nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin\n"},
		{"postgres", "/etc/passwd", "postgres:x:999:999::/var/lib/postgresql:/bin/bash\n"},
		{"postgres", "/etc/group", "ssl-cert:x:101:postgres\npostgres:x:999:\n"},
		{"postgres:16", "/usr/lib/postgresql/16/bin/postgres", "\x7fELF"},
		{"postgres:alpine", "/etc/passwd", "postgres:x:70:70:"},
		{"redis", "/etc/passwd", "redis:x:999:999::/home/redis:/bin/sh\n"},
		{"alpine:3.19", "/etc/alpine-release", "3.19.7\n"},
		{"debian:bullseye", "/etc/os-release", `VERSION="11 (bullseye)"`},
		{"ubuntu:jammy", "/etc/os-release", `PRETTY_NAME="Ubuntu 22.04.5 LTS"`},
		{"mariadb:10.6", "/etc/os-release", "UBUNTU_CODENAME=focal"},
		{"mysql", "/etc/os-release", `PRETTY_NAME="Oracle Linux Server 9.5"`},
		{"busybox", "/bin/sh", "\x7fELF"},
		{"prom/prometheus", "/etc/prometheus/prometheus.yml", `targets: ["localhost:9090"]`},
		{"example.com/team/app:1", "/etc/os-release", "ID=alpine"},
		{"example.com/team/app:1", "/usr/local/bin/app", "\x7fELF"},
	}
	for _, tc := range cases {
		f, ok := filesOf(t, c, tc.ref)[tc.path]
		if !ok || !strings.Contains(string(f.Data), tc.contains) {
			t.Errorf("%s %s = %q (present %v), want it to contain %q", tc.ref, tc.path, f.Data, ok, tc.contains)
		}
	}
	for _, tc := range []struct{ ref, path string }{
		{"busybox", "/etc/os-release"}, // the real busybox image has none
		{"hello-world", "/etc/passwd"},
		{"postgres", "/etc/nginx/nginx.conf"},
	} {
		if _, ok := filesOf(t, c, tc.ref)[tc.path]; ok {
			t.Errorf("%s has %s", tc.ref, tc.path)
		}
	}
	if pw := string(filesOf(t, c, "nginx")["/etc/passwd"].Data); strings.Count(pw, "\nnginx:") != 1 {
		t.Errorf("nginx user listed more than once:\n%s", pw)
	}
}

func TestFilesErrors(t *testing.T) {
	c := Default()
	if err := c.Deny("user/private"); err != nil {
		t.Fatal(err)
	}
	r, _ := ParseReference("user/private")
	var denied *PullAccessDeniedError
	if _, err := c.Files(r); !errors.As(err, &denied) || !cerrdefs.IsNotFound(err) {
		t.Errorf("denied repository: %v", err)
	}
	if _, err := c.Files(Reference{}); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("invalid reference: %v", err)
	}
}
