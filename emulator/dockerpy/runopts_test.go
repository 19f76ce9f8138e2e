package dockerpy

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

func TestCreateOptions(t *testing.T) {
	opts := RunOptions{
		Name:        "my_web_server",
		Command:     []string{"sleep", "3600"},
		Ports:       map[string]string{"80/tcp": "8080", "53/udp": "127.0.0.1:5353", "9000": ""},
		Environment: map[string]string{"B": "2", "A": "1"},
		Labels:      map[string]string{"app": "web"},
		Volumes:     map[string]string{"postgres_data": "/var/lib/postgresql/data", "/host": "/mnt:ro"},
		Network:     "app_network",
		Detach:      true,
	}
	req, err := opts.createOptions("nginx:latest")
	if err != nil {
		t.Fatal(err)
	}
	cfg, host := req.Config, req.HostConfig
	if cfg.Image != "nginx:latest" || req.Name != "my_web_server" || !slices.Equal(cfg.Cmd, []string{"sleep", "3600"}) {
		t.Errorf("config %+v name %q", cfg, req.Name)
	}
	if !slices.Equal(cfg.Env, []string{"A=1", "B=2"}) {
		t.Errorf("Env %v (want sorted)", cfg.Env)
	}
	if cfg.AttachStdout || cfg.AttachStderr {
		t.Errorf("detached run attaches")
	}
	for _, p := range []string{"80/tcp", "53/udp", "9000/tcp"} {
		if _, ok := cfg.ExposedPorts[network.MustParsePort(p)]; !ok {
			t.Errorf("%s not exposed", p)
		}
	}
	b := host.PortBindings[network.MustParsePort("53/udp")]
	if len(b) != 1 || b[0].HostIP != netip.MustParseAddr("127.0.0.1") || b[0].HostPort != "5353" {
		t.Errorf("53/udp binding %+v", b)
	}
	if b := host.PortBindings[network.MustParsePort("9000/tcp")]; len(b) != 1 || b[0].HostPort != "" {
		t.Errorf("random binding %+v", b)
	}
	if !slices.Equal(host.Binds, []string{"/host:/mnt:ro", "postgres_data:/var/lib/postgresql/data:rw"}) {
		t.Errorf("Binds %v", host.Binds)
	}
	if host.NetworkMode != "app_network" || req.NetworkingConfig == nil || req.NetworkingConfig.EndpointsConfig["app_network"] == nil {
		t.Errorf("network %q %+v", host.NetworkMode, req.NetworkingConfig)
	}

	plain, err := RunOptions{}.createOptions("alpine")
	if err != nil {
		t.Fatal(err)
	}
	if plain.HostConfig.NetworkMode != "default" || plain.NetworkingConfig != nil || !plain.Config.AttachStdout {
		t.Errorf("defaults: %+v %+v", plain.HostConfig, plain.Config)
	}
	hostMode, _ := RunOptions{NetworkMode: "host", RestartPolicy: container.RestartPolicy{Name: "always"}}.createOptions("alpine")
	if hostMode.HostConfig.NetworkMode != "host" || hostMode.HostConfig.RestartPolicy.Name != "always" {
		t.Errorf("host mode %+v", hostMode.HostConfig)
	}
}

func TestCreateOptionsRejectsBadInput(t *testing.T) {
	tests := []struct {
		name  string
		image string
		opts  RunOptions
		want  string
	}{
		{"no image", "", RunOptions{}, "image is required"},
		{"network and mode", "a", RunOptions{Network: "n", NetworkMode: "host"}, "mutually exclusive"},
		{"auto_remove and remove", "a", RunOptions{AutoRemove: true, Remove: true}, "auto_remove and remove"},
		{"bad port", "a", RunOptions{Ports: map[string]string{"http": "80"}}, "ports"},
		{"bad host port", "a", RunOptions{Ports: map[string]string{"80": "eighty"}}, `host port "eighty"`},
		{"bad host ip", "a", RunOptions{Ports: map[string]string{"80": "localhost:80"}}, `host ip "localhost"`},
		{"empty volume target", "a", RunOptions{Volumes: map[string]string{"v": ""}}, "source and target are required"},
		{"aliases without network", "a", RunOptions{NetworkAliases: []string{"x"}}, "network_aliases needs network"},
		{"bad dns", "a", RunOptions{DNS: []string{"dns.example"}}, `dns "dns.example"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.opts.createOptions(tt.image)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestParseRepositoryTag(t *testing.T) {
	tests := []struct{ in, repo, tag string }{
		{"alpine", "alpine", ""},
		{"alpine:latest", "alpine", "latest"},
		{"python:3.9", "python", "3.9"},
		{"localhost:5000/x", "localhost:5000/x", ""},
		{"localhost:5000/x:1", "localhost:5000/x", "1"},
		{"nginx@sha256:abc", "nginx", "sha256:abc"},
	}
	for _, tt := range tests {
		if r, tag := ParseRepositoryTag(tt.in); r != tt.repo || tag != tt.tag {
			t.Errorf("ParseRepositoryTag(%q) = %q, %q", tt.in, r, tag)
		}
	}
}

func TestDemux(t *testing.T) {
	frame := func(stream byte, s string) []byte {
		n := len(s)
		return append([]byte{stream, 0, 0, 0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, s...)
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"two frames", append(frame(1, "line0\n"), frame(2, "err0\n")...), "line0\nerr0\n"},
		{"raw tty", []byte("out\r\nerr\r\n"), "out\r\nerr\r\n"},
		{"truncated", frame(1, "abc")[:9], string(frame(1, "abc")[:9])},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		if got := string(demux(tt.in)); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCreateOptionsResources(t *testing.T) {
	req, err := RunOptions{
		MemLimit: "512m", ShmSize: "64m", NanoCPUs: 1_500_000_000, CPUShares: 512, ReadOnly: true, Init: true,
		Tmpfs: map[string]string{"/run": "size=64m"}, Sysctls: map[string]string{"net.core.somaxconn": "1024"},
		PidMode: "host", IpcMode: "shareable", SecurityOpt: []string{"no-new-privileges"},
		LogConfig: container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "10m"}},
		Platform:  "linux/arm64",
	}.createOptions("alpine")
	if err != nil {
		t.Fatal(err)
	}
	h := req.HostConfig
	if h.Memory != 512*1024*1024 || h.ShmSize != 64*1024*1024 || h.NanoCPUs != 1_500_000_000 || h.CPUShares != 512 {
		t.Errorf("resources %d %d %d %d", h.Memory, h.ShmSize, h.NanoCPUs, h.CPUShares)
	}
	if !h.ReadonlyRootfs || h.Init == nil || !*h.Init || h.Tmpfs["/run"] != "size=64m" || h.Sysctls["net.core.somaxconn"] != "1024" {
		t.Errorf("host config %+v", h)
	}
	if h.PidMode != "host" || h.IpcMode != "shareable" || h.LogConfig.Config["max-size"] != "10m" || h.SecurityOpt[0] != "no-new-privileges" {
		t.Errorf("modes %+v", h)
	}
	if p := req.Platform; p == nil || p.OS != "linux" || p.Architecture != "arm64" || p.Variant != "v8" {
		t.Errorf("platform %+v", req.Platform)
	}
	for _, bad := range []RunOptions{{MemLimit: "lots"}, {ShmSize: "-1"}, {Platform: "a/b/c/d"}} {
		if _, err := bad.createOptions("alpine"); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
