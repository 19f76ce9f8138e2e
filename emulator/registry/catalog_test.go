package registry

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	cerrdefs "github.com/containerd/errdefs"
)

var idRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func mustRef(t *testing.T, s string) Reference {
	t.Helper()
	r, err := ParseReference(s)
	if err != nil {
		t.Fatalf("ParseReference(%q): %v", s, err)
	}
	return r
}

func TestDefaultCatalogHasRequiredRepositories(t *testing.T) {
	c := Default()
	required := []string{"busybox", "alpine", "debian", "ubuntu", "nginx", "httpd", "traefik", "redis", "postgres",
		"mysql", "mariadb", "mongo", "python", "node", "golang", "prom/prometheus", "grafana/grafana"}
	have := c.Repositories()
	for _, r := range required {
		if !slices.Contains(have, r) {
			t.Errorf("catalog lacks %s", r)
		}
		if tags := c.Tags(r); len(tags) < 3 || tags[0] != "latest" {
			t.Errorf("%s tags = %v; want at least 3, latest first", r, tags)
		}
	}
}

// TestCatalogImagesWellFormed checks every invariant of Image on every tag of
// the built-in catalog.
func TestCatalogImagesWellFormed(t *testing.T) {
	c := Default()
	ids := map[string]string{}
	for _, repo := range c.Repositories() {
		for _, tag := range c.Tags(repo) {
			ref := mustRef(t, repo+":"+tag)
			img, err := c.Resolve(ref)
			if err != nil {
				t.Fatalf("%s: %v", ref, err)
			}
			if !idRE.MatchString(img.ID) || !idRE.MatchString(img.ManifestDigest) {
				t.Errorf("%s: bad id %q or digest %q", ref, img.ID, img.ManifestDigest)
			}
			if img.Synthetic {
				t.Errorf("%s: catalog image marked synthetic", ref)
			}
			if !slices.Equal(img.RepoTags, []string{ref.Familiar()}) {
				t.Errorf("%s: RepoTags %v", ref, img.RepoTags)
			}
			if !slices.Equal(img.RepoDigests, []string{ref.FamiliarName() + "@" + img.ManifestDigest}) {
				t.Errorf("%s: RepoDigests %v", ref, img.RepoDigests)
			}
			var sum int64
			for _, l := range img.Layers {
				sum += l.Size
				if !idRE.MatchString(l.Digest) || !idRE.MatchString(l.DiffID) || l.Size <= 0 || l.CompressedSize <= 0 {
					t.Errorf("%s: bad layer %+v", ref, l)
				}
			}
			if sum != img.Size {
				t.Errorf("%s: layer sizes sum to %d, Size %d", ref, sum, img.Size)
			}
			nonEmpty := 0
			for _, h := range img.History {
				if !h.EmptyLayer {
					nonEmpty++
				}
			}
			if nonEmpty != len(img.Layers) {
				t.Errorf("%s: %d non-empty history entries for %d layers", ref, nonEmpty, len(img.Layers))
			}
			if len(img.Config.Cmd) == 0 && len(img.Config.Entrypoint) == 0 {
				t.Errorf("%s: no Cmd or Entrypoint", ref)
			}
			if img.Architecture != "amd64" || img.Os != "linux" || img.Created.IsZero() {
				t.Errorf("%s: platform %s/%s created %v", ref, img.Os, img.Architecture, img.Created)
			}
			if prev, ok := ids[img.ID]; ok && mustRef(t, prev).Name() != ref.Name() {
				t.Errorf("%s and %s share id %s", ref, prev, img.ID)
			}
			ids[img.ID] = ref.String()
		}
	}
}

func TestResolveRealConfigs(t *testing.T) {
	c := Default()
	tests := []struct {
		ref        string
		entrypoint []string
		cmd        []string
		port       string
		volume     string
		stopSignal string
		workdir    string
		user       string
		env        string
	}{
		{"postgres:13", []string{"docker-entrypoint.sh"}, []string{"postgres"}, "5432/tcp", "/var/lib/postgresql/data", "SIGINT", "", "", "PG_MAJOR=13"},
		{"postgres", []string{"docker-entrypoint.sh"}, []string{"postgres"}, "5432/tcp", "/var/lib/postgresql/data", "SIGINT", "", "", "PGDATA=/var/lib/postgresql/data"},
		{"nginx:latest", []string{"/docker-entrypoint.sh"}, []string{"nginx", "-g", "daemon off;"}, "80/tcp", "", "SIGQUIT", "", "", "NGINX_VERSION=1.27.4"},
		{"redis:7", []string{"docker-entrypoint.sh"}, []string{"redis-server"}, "6379/tcp", "/data", "", "/data", "", ""},
		{"python:3.9", nil, []string{"python3"}, "", "", "", "", "", "PYTHON_VERSION=3.9.21"},
		{"prom/prometheus", []string{"/bin/prometheus"}, []string{"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"}, "9090/tcp", "/prometheus", "", "/prometheus", "nobody", ""},
		{"grafana/grafana:11.5.2", []string{"/run.sh"}, nil, "3000/tcp", "", "", "/usr/share/grafana", "472", "GF_PATHS_DATA=/var/lib/grafana"},
		{"mysql:8.0", []string{"docker-entrypoint.sh"}, []string{"mysqld"}, "33060/tcp", "/var/lib/mysql", "", "", "", "MYSQL_MAJOR=8.0"},
		{"httpd", nil, []string{"httpd-foreground"}, "80/tcp", "", "SIGWINCH", "/usr/local/apache2", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			img, err := c.Resolve(mustRef(t, tt.ref))
			if err != nil {
				t.Fatal(err)
			}
			cfg := img.Config
			if !slices.Equal(cfg.Entrypoint, tt.entrypoint) || !slices.Equal(cfg.Cmd, tt.cmd) {
				t.Errorf("entrypoint %q cmd %q", cfg.Entrypoint, cfg.Cmd)
			}
			if _, ok := cfg.ExposedPorts[tt.port]; tt.port != "" && !ok {
				t.Errorf("ExposedPorts %v lacks %s", cfg.ExposedPorts, tt.port)
			}
			if _, ok := cfg.Volumes[tt.volume]; tt.volume != "" && !ok {
				t.Errorf("Volumes %v lacks %s", cfg.Volumes, tt.volume)
			}
			if cfg.StopSignal != tt.stopSignal || cfg.WorkingDir != tt.workdir || cfg.User != tt.user {
				t.Errorf("StopSignal %q WorkingDir %q User %q", cfg.StopSignal, cfg.WorkingDir, cfg.User)
			}
			if tt.env != "" && !slices.Contains(cfg.Env, tt.env) {
				t.Errorf("Env %v lacks %s", cfg.Env, tt.env)
			}
		})
	}
}

func TestResolveAliasesAndDeterminism(t *testing.T) {
	c := Default()
	a, _ := c.Resolve(mustRef(t, "nginx"))
	b, _ := c.Resolve(mustRef(t, "docker.io/library/nginx:1.27"))
	if a.ID != b.ID || a.ManifestDigest != b.ManifestDigest {
		t.Errorf("nginx:latest and nginx:1.27 differ: %s %s", a.ID, b.ID)
	}
	if slices.Equal(a.RepoTags, b.RepoTags) {
		t.Errorf("RepoTags should name the pulled tag: %v %v", a.RepoTags, b.RepoTags)
	}
	s, _ := c.Resolve(mustRef(t, "nginx:stable"))
	if s.ID == a.ID {
		t.Errorf("nginx:stable has the id of nginx:latest")
	}
	// Pull by the manifest digest gives the same image, untagged.
	d, err := c.Resolve(mustRef(t, "nginx@"+a.ManifestDigest))
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != a.ID || len(d.RepoTags) != 0 || d.RepoDigests[0] != "nginx@"+a.ManifestDigest {
		t.Errorf("digest pull: id %s tags %v digests %v", d.ID, d.RepoTags, d.RepoDigests)
	}
	// Another catalog (another process) computes the same values.
	a2, _ := Default().Resolve(mustRef(t, "nginx"))
	if a2.ID != a.ID || !a2.Created.Equal(a.Created) {
		t.Errorf("second catalog differs")
	}
}

func TestResolveSyntheticAndDerived(t *testing.T) {
	c := Default()
	tests := []struct {
		ref       string
		synthetic bool
		cmd       string
	}{
		{"myapp:latest", true, "/usr/local/bin/app"},
		{"myapp-tests:latest", true, "/usr/local/bin/app"},
		{"localhost:5000/team/svc:2", true, "/usr/local/bin/app"},
		{"postgres:12.22", false, "postgres"},
		{"nginx:1.19", false, "nginx"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			ref := mustRef(t, tt.ref)
			img, err := c.Resolve(ref)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := c.Resolve(ref)
			if img.ID != again.ID || img.Size != again.Size || !img.Created.Equal(again.Created) {
				t.Errorf("not deterministic")
			}
			if img.Synthetic != tt.synthetic || img.Config.Cmd[0] != tt.cmd {
				t.Errorf("synthetic %v cmd %v", img.Synthetic, img.Config.Cmd)
			}
			if !idRE.MatchString(img.ID) || img.Size <= 0 || img.Created.After(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("id %s size %d created %v", img.ID, img.Size, img.Created)
			}
			if seen[img.ID] {
				t.Errorf("id %s reused", img.ID)
			}
			seen[img.ID] = true
		})
	}
	const dg = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	img, err := c.Resolve(mustRef(t, "myapp@"+dg))
	if err != nil {
		t.Fatal(err)
	}
	if img.ManifestDigest != dg || len(img.RepoTags) != 0 || img.RepoDigests[0] != "myapp@"+dg {
		t.Errorf("digest synthetic: %s %v %v", img.ManifestDigest, img.RepoTags, img.RepoDigests)
	}
}

func TestDenyAndAllow(t *testing.T) {
	c := Default()
	tests := []struct {
		name    string
		setup   func() error
		ref     string
		wantErr string
	}{
		{"built-in unknown", func() error { return nil }, "unknownimage", "pull access denied for unknownimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"},
		{"deny repo", func() error { return c.Deny("user/private:3") }, "user/private:1", "pull access denied for user/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"},
		{"deny tag", func() error { return c.DenyTag("nginx:9.99") }, "nginx:9.99", "manifest for nginx:9.99 not found: manifest unknown: manifest unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.setup(); err != nil {
				t.Fatal(err)
			}
			_, err := c.Resolve(mustRef(t, tt.ref))
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("err %v, want %q", err, tt.wantErr)
			}
			if !cerrdefs.IsNotFound(err) {
				t.Errorf("not cerrdefs.IsNotFound")
			}
		})
	}
	var pad *PullAccessDeniedError
	_, err := c.Lookup("user/private")
	if !errors.As(err, &pad) || pad.Repository != "user/private" {
		t.Errorf("errors.As: %v", err)
	}
	if _, err := c.Lookup("nginx:9.98"); err != nil {
		t.Errorf("other tag denied: %v", err)
	}
	if err := c.Allow("user/private"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Lookup("user/private"); err != nil {
		t.Errorf("after Allow: %v", err)
	}
	// A fresh default catalog is not affected by another's denials.
	if _, err := Default().Lookup("nginx:9.99"); err != nil {
		t.Errorf("denial leaked across catalogs: %v", err)
	}
	if err := c.Deny("Bad Name"); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("Deny of invalid ref: %v", err)
	}
	if _, err := c.Resolve(Reference{}); !cerrdefs.IsInvalidArgument(err) {
		t.Errorf("Resolve of zero reference: %v", err)
	}
}

func TestLoadRejectsBadData(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"syntax", `{`, "registry catalog: unexpected EOF"},
		{"unknown field", `{"repositories":[{"name":"x","bogus":1}]}`, `registry catalog: json: unknown field "bogus"`},
		{"bad name", `{"repositories":[{"name":"X"}]}`, "registry catalog: repositories[0] (X): name: invalid reference format: repository name (library/X) must be lowercase"},
		{"no layer", `{"repositories":[{"name":"x","history":[{"created_by":"CMD","empty_layer":true}],"variants":[{"tags":["latest"],"created":"2025-01-01T00:00:00Z","size":1}]}]}`, "registry catalog: repositories[0] (x): history: no layer"},
		{"bad env", `{"repositories":[{"name":"x","config":{"Env":["NOEQ"]}}]}`, `registry catalog: repositories[0] (x): config: Env: "NOEQ" is not KEY=value`},
		{"bad port", `{"repositories":[{"name":"x","config":{"ExposedPorts":["80"]}}]}`, `registry catalog: repositories[0] (x): config: ExposedPorts: "80" needs a /tcp, /udp or /sctp suffix`},
		{"dup tag", `{"repositories":[{"name":"x","history":[{"created_by":"ADD"}],"variants":[{"tags":["a","a"],"created":"2025-01-01T00:00:00Z","size":1}]}]}`, `registry catalog: repositories[0] (x): variants[0]: tag "a" listed twice`},
		{"bad size", `{"repositories":[{"name":"x","history":[{"created_by":"ADD"}],"variants":[{"tags":["a"],"created":"2025-01-01T00:00:00Z","size":0}]}]}`, `registry catalog: repositories[0] (x): variants[0]: size must be positive`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load([]byte(tt.data))
			if err == nil || err.Error() != tt.want {
				t.Errorf("Load: %v, want %q", err, tt.want)
			}
		})
	}
}

func TestInspectAndHistoryResponse(t *testing.T) {
	img, err := Default().Lookup("postgres:13")
	if err != nil {
		t.Fatal(err)
	}
	ir := img.InspectResponse()
	if ir.ID != img.ID || ir.Config == nil || ir.Config.StopSignal != "SIGINT" || ir.RootFS.Type != "layers" || len(ir.RootFS.Layers) != len(img.Layers) {
		t.Errorf("inspect: %+v", ir)
	}
	if _, err := time.Parse(time.RFC3339Nano, ir.Created); err != nil {
		t.Errorf("Created %q: %v", ir.Created, err)
	}
	ir.Config.Env[0] = "MUTATED=1"
	ir.Config.ExposedPorts["1/tcp"] = struct{}{}
	if img.Config.Env[0] == "MUTATED=1" || len(img.Config.ExposedPorts) != 1 {
		t.Errorf("InspectResponse shares memory with the image")
	}
	h := img.HistoryResponse(img.RepoTags)
	if len(h) != len(img.History) || h[0].ID != img.ID || !slices.Equal(h[0].Tags, []string{"postgres:13"}) || h[len(h)-1].ID != "<missing>" {
		t.Errorf("history top %+v bottom %+v", h[0], h[len(h)-1])
	}
	if h[0].CreatedBy != `CMD ["postgres"]` {
		t.Errorf("history newest first: %q", h[0].CreatedBy)
	}
	if img.ShortID() != img.ID[7:19] {
		t.Errorf("ShortID %q", img.ShortID())
	}
	cl := img.Clone()
	cl.Config.Cmd[0] = "x"
	if img.Config.Cmd[0] != "postgres" {
		t.Errorf("Clone shares memory")
	}
}

// TestCatalogConcurrentUse resolves while other goroutines deny and allow;
// run with -race.
func TestCatalogConcurrentUse(t *testing.T) {
	c := Default()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			_ = c.Deny("flaky/app")
			_ = c.Allow("flaky/app")
		}
	}()
	want, _ := c.Lookup("nginx")
	for i := 0; i < 200; i++ {
		got, err := c.Lookup("nginx")
		if err != nil || got.ID != want.ID {
			t.Fatalf("Lookup: %v %s", err, got.ID)
		}
		if _, err := c.Lookup("flaky/app"); err != nil && !cerrdefs.IsNotFound(err) {
			t.Fatalf("flaky/app: %v", err)
		}
	}
	<-done
}

func TestParseCatalogFSRejectsDuplicates(t *testing.T) {
	repo := `{"repositories":[{"name":"x","history":[{"created_by":"ADD"}],"variants":[{"tags":["a"],"created":"2025-01-01T00:00:00Z","size":1}]}]}`
	fsys := fstest.MapFS{"a.json": {Data: []byte(repo)}, "b.json": {Data: []byte(repo)}}
	_, _, err := parseCatalogFS(fsys)
	if err == nil || err.Error() != "b.json: registry catalog: repository x already defined in a.json" {
		t.Errorf("err %v", err)
	}
	fsys = fstest.MapFS{"a.json": {Data: []byte(repo)}, "bad.json": {Data: []byte(`{"repositories":[{"name":"Y"}]}`)}}
	_, _, err = parseCatalogFS(fsys)
	if err == nil || !strings.HasPrefix(err.Error(), "bad.json: registry catalog: repositories[0] (Y): name:") {
		t.Errorf("err %v", err)
	}
}
