package spec

import (
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

func TestReorderTopLevel(t *testing.T) {
	tests := []struct{ in, want string }{
		// v2.16.2 emits restart before image; v2.14.0 after it
		{`{"restart":"always","image":"nginx","command":null}`, `{"command":null,"image":"nginx","restart":"always"}`},
		{`{"pre_stop":[],"profiles":["a"]}`, `{"profiles":["a"],"pre_stop":[]}`},
		// unknown keys go last, in their order; nested objects are kept byte for byte
		{`{"zz":1,"image":"x","yy":{"b":1,"a":2}}`, `{"image":"x","zz":1,"yy":{"b":1,"a":2}}`},
		{`{}`, `{}`},
	}
	for _, tc := range tests {
		got, err := reorderTopLevel([]byte(tc.in))
		if err != nil || string(got) != tc.want {
			t.Errorf("reorder(%s) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

// TestServiceHashExclusions: what compose leaves out of the hash does not change it;
// anything else does.
func TestServiceHashExclusions(t *testing.T) {
	base := func() types.ServiceConfig {
		s := types.ServiceConfig{Name: "web"}
		s.Image = "nginx"
		s.Environment = types.NewMappingWithEquals([]string{"A=1"})
		return s
	}
	h0, err := ServiceHash(base())
	if err != nil {
		t.Fatal(err)
	}
	two := 2
	tests := []struct {
		name   string
		mutate func(*types.ServiceConfig)
		same   bool
	}{
		{"scale", func(s *types.ServiceConfig) { s.Scale = &two }, true},
		// adding a deploy section changes the hash (an empty deploy object remains), as in compose
		{"deploy section", func(s *types.ServiceConfig) { s.Deploy = &types.DeployConfig{Replicas: &two} }, false},
		{"depends_on", func(s *types.ServiceConfig) {
			s.DependsOn = types.DependsOnConfig{"db": {Condition: "service_started"}}
		}, true},
		{"profiles", func(s *types.ServiceConfig) { s.Profiles = []string{"x"} }, true},
		{"build", func(s *types.ServiceConfig) { s.Build = &types.BuildConfig{Context: "."} }, true},
		{"pull_policy", func(s *types.ServiceConfig) { s.PullPolicy = "always" }, true},
		{"name", func(s *types.ServiceConfig) { s.Name = "other" }, true},
		{"custom labels", func(s *types.ServiceConfig) { s.CustomLabels = types.Labels{"a": "b"} }, true},
		{"environment", func(s *types.ServiceConfig) { s.Environment = types.NewMappingWithEquals([]string{"A=2"}) }, false},
		{"image", func(s *types.ServiceConfig) { s.Image = "nginx:2" }, false},
		{"labels", func(s *types.ServiceConfig) { s.Labels = types.Labels{"a": "b"} }, false},
		{"restart", func(s *types.ServiceConfig) { s.Restart = "always" }, false},
	}
	for _, tc := range tests {
		s := base()
		tc.mutate(&s)
		h, err := ServiceHash(s)
		if err != nil {
			t.Fatal(err)
		}
		if (h == h0) != tc.same {
			t.Errorf("%s: hash unchanged = %v, want %v", tc.name, h == h0, tc.same)
		}
	}
	// deploy.replicas itself is not hashed, and the caller's value survives
	one := 1
	s1, s2 := base(), base()
	s1.Deploy, s2.Deploy = &types.DeployConfig{Replicas: &one}, &types.DeployConfig{Replicas: &two}
	h1, _ := ServiceHash(s1)
	h2, _ := ServiceHash(s2)
	if h1 != h2 {
		t.Error("deploy.replicas changed the hash")
	}
	if s1.Deploy.Replicas == nil {
		t.Error("ServiceHash modified its argument's deploy.replicas")
	}
}

func TestFlatten(t *testing.T) {
	s := types.ServiceConfig{Name: "web"}
	s.Image = "nginx"
	s.Ports = []types.ServicePortConfig{{Target: 80, Published: "8080", Protocol: "tcp"}}
	s.CapAdd = []string{"NET_ADMIN", "SYS_TIME"}
	s.Environment = types.NewMappingWithEquals([]string{"DB_PASSWORD=x", "UNSET"})
	s.Networks = map[string]*types.ServiceNetworkConfig{"default": nil}
	s.Sysctls = types.Mapping{}
	fields, secret, err := flattenService(s, map[string]bool{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"image":                   "nginx",
		"command":                 "null",
		"entrypoint":              "null",
		"ports[0].target":         "80",
		"ports[0].published":      "8080",
		"ports[0].protocol":       "tcp",
		"cap_add":                 `["NET_ADMIN","SYS_TIME"]`,
		"environment.DB_PASSWORD": "x",
		"environment.UNSET":       "null",
		"networks.default":        "null",
	}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("fields[%q] = %q, want %q", k, fields[k], v)
		}
	}
	if len(fields) != len(want) {
		t.Errorf("fields %v, want %d entries", fields, len(want))
	}
	if !secret["environment.DB_PASSWORD"] || len(secret) != 1 {
		t.Errorf("secret = %v", secret)
	}
}

func TestIsSecretPath(t *testing.T) {
	for path, want := range map[string]bool{
		"environment.DB_PASSWORD":       true,
		"environment.github_token":      true,
		"labels.com.example.api_key":    true,
		"environment.AWS_CREDENTIALS":   true,
		"environment.MY_SECRET_THING":   true,
		"environment.PASSWORD_FILE_DIR": true,
		"environment.USER":              false,
		"ports[0].published":            false,
		"secrets[0].source":             false,
		"environment.TOKEN.x":           false, // only the last segment counts
	} {
		if got := isSecretPath(path); got != want {
			t.Errorf("isSecretPath(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestServiceHashResolved(t *testing.T) {
	ids := map[string]string{"db": "abc123", "data": "def456"}
	id := func(s string) (string, bool) { v, ok := ids[s]; return v, ok }
	mk := func(f func(*types.ServiceConfig)) types.ServiceConfig {
		s := types.ServiceConfig{Name: "web"}
		s.Image = "nginx"
		f(&s)
		return s
	}
	hash := func(s types.ServiceConfig) string {
		h, err := ServiceHash(s)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	tests := []struct {
		name      string
		in, equiv types.ServiceConfig
	}{
		{"no references", mk(func(s *types.ServiceConfig) {}), mk(func(s *types.ServiceConfig) {})},
		{"network_mode", mk(func(s *types.ServiceConfig) { s.NetworkMode = "service:db" }),
			mk(func(s *types.ServiceConfig) { s.NetworkMode = "container:abc123" })},
		{"ipc and pid", mk(func(s *types.ServiceConfig) { s.Ipc, s.Pid = "service:db", "service:data" }),
			mk(func(s *types.ServiceConfig) { s.Ipc, s.Pid = "container:abc123", "container:def456" })},
		{"volumes_from drops the mode", mk(func(s *types.ServiceConfig) { s.VolumesFrom = []string{"data:ro", "container:legacy:rw"} }),
			mk(func(s *types.ServiceConfig) { s.VolumesFrom = []string{"def456", "legacy"} })},
		{"unresolvable: stops there", mk(func(s *types.ServiceConfig) { s.VolumesFrom = []string{"data", "gone"}; s.NetworkMode = "service:db" }),
			mk(func(s *types.ServiceConfig) { s.VolumesFrom = []string{"def456", "gone"}; s.NetworkMode = "service:db" })},
	}
	for _, tc := range tests {
		got, err := ServiceHashResolved(tc.in, id)
		if err != nil {
			t.Fatal(err)
		}
		if got != hash(tc.equiv) {
			t.Errorf("%s: resolved hash differs from the hash of the resolved config", tc.name)
		}
	}
	in := mk(func(s *types.ServiceConfig) { s.VolumesFrom = []string{"data"} })
	if _, err := ServiceHashResolved(in, id); err != nil || in.VolumesFrom[0] != "data" {
		t.Error("ServiceHashResolved modified its argument")
	}
}
