package spec_test

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/reconciler/reconciler/spec"
)

// writeFiles writes name -> content under a new temporary directory and returns it.
func writeFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadDir(t *testing.T, dir string, opts spec.Options) *spec.Desired {
	t.Helper()
	if opts.ProjectDirectory == "" && len(opts.Files) == 0 {
		opts.ProjectDirectory = dir
	} else if opts.ProjectDirectory != "" && !filepath.IsAbs(opts.ProjectDirectory) {
		opts.ProjectDirectory = filepath.Join(dir, opts.ProjectDirectory)
	}
	files := make([]string, len(opts.Files))
	for i, f := range opts.Files {
		files[i] = filepath.Join(dir, f)
	}
	opts.Files = files
	if opts.Environ == nil {
		opts.Environ = []string{}
	}
	d, err := spec.Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func service(t *testing.T, d *spec.Desired, name string) spec.Service {
	t.Helper()
	for _, s := range d.Services {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no service %s in %v", name, d.Services)
	return spec.Service{}
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %#v\n want %#v", what, got, want)
	}
}

func TestDesiredContainer(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"compose.yaml": `
name: demo
services:
  web:
    image: nginx:1.27
    command: ["nginx", "-g", "daemon off;"]
    entrypoint: /docker-entrypoint.sh
    environment:
      FOO: bar
      DB_PASSWORD: hunter2
    env_file: web.env
    ports:
      - "8080:80"
      - target: 443
        published: "8443"
        host_ip: 127.0.0.1
        protocol: tcp
    expose: ["9000", "9100-9101/udp"]
    volumes:
      - ./html:/usr/share/nginx/html:ro
      - data:/data
      - type: tmpfs
        target: /cache
        tmpfs: {size: 1048576}
    networks:
      front:
        aliases: [www]
        priority: 10
        ipv4_address: 172.30.0.10
      back: {}
    restart: on-failure:3
    healthcheck:
      test: curl -f http://localhost
      interval: 10s
      retries: 3
    labels:
      com.example.team: web
      com.docker.compose.project: spoofed
    user: "101:101"
    working_dir: /srv
    hostname: web
    domainname: example.com
    extra_hosts: ["db.local:10.0.0.5"]
    dns: [1.1.1.1]
    dns_search: [example.com]
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    privileged: true
    read_only: true
    tmpfs: [/run]
    ulimits:
      nofile: {soft: 1024, hard: 2048}
      nproc: 512
    sysctls: {net.core.somaxconn: "1024"}
    shm_size: 64m
    stop_signal: SIGQUIT
    stop_grace_period: 30s
    init: true
    tty: true
    stdin_open: true
    logging:
      driver: json-file
      options: {max-size: 10m}
    deploy:
      resources:
        limits: {cpus: "0.5", memory: 256M, pids: 100}
        reservations: {memory: 128M}
    devices: ["/dev/fuse:/dev/fuse:rwm"]
    security_opt: ["no-new-privileges:true"]
    group_add: [audio]
    secrets: [token]
    configs: [{source: conf, target: /etc/app.conf}]
    depends_on:
      db: {condition: service_healthy, restart: true}
  db:
    image: postgres:16
secrets:
  token: {file: ./token.txt}
configs:
  conf: {file: ./app.conf}
networks:
  front:
    ipam: {config: [{subnet: 172.30.0.0/24}]}
  back: {}
volumes:
  data: {}
`,
		"web.env": "FROM_FILE=1\nFOO=overridden-by-environment\n",
	})
	d := loadDir(t, dir, spec.Options{})
	web := service(t, d, "web")
	c := web.Containers[0]
	cfg, host := c.Config, c.HostConfig

	eq(t, "name", c.Name, "demo-web-1")
	eq(t, "cmd", cfg.Cmd, []string{"nginx", "-g", "daemon off;"})
	eq(t, "entrypoint", cfg.Entrypoint, []string{"/docker-entrypoint.sh"})
	eq(t, "env", cfg.Env, []string{"DB_PASSWORD=hunter2", "FOO=bar", "FROM_FILE=1"})
	eq(t, "image", cfg.Image, "nginx:1.27")
	eq(t, "user", cfg.User, "101:101")
	eq(t, "workdir", cfg.WorkingDir, "/srv")
	eq(t, "hostname", cfg.Hostname+"."+cfg.Domainname, "web.example.com")
	eq(t, "tty/stdin", [2]bool{cfg.Tty, cfg.OpenStdin}, [2]bool{true, true})
	eq(t, "stop signal", cfg.StopSignal, "SIGQUIT")
	eq(t, "stop timeout", *cfg.StopTimeout, 30)
	eq(t, "healthcheck test", cfg.Healthcheck.Test, []string{"CMD-SHELL", "curl -f http://localhost"})
	eq(t, "healthcheck retries", cfg.Healthcheck.Retries, 3)
	eq(t, "exposed", len(cfg.ExposedPorts), 5) // 80, 443, 9000, 9100/udp, 9101/udp
	if _, ok := cfg.ExposedPorts[network.MustParsePort("9101/udp")]; !ok {
		t.Errorf("9101/udp not exposed: %v", cfg.ExposedPorts)
	}

	// labels: ours over the user's
	eq(t, "user label", cfg.Labels["com.example.team"], "web")
	eq(t, "project label", cfg.Labels[spec.LabelProject], "demo")
	eq(t, "depends_on label", cfg.Labels[spec.LabelDependsOn], "db:service_healthy:true")
	eq(t, "hash label", cfg.Labels[spec.LabelConfigHash], web.ConfigHash)
	eq(t, "number label", cfg.Labels[spec.LabelContainerNumber], "1")

	eq(t, "ports", host.PortBindings, network.PortMap{
		network.MustParsePort("80/tcp"):  {{HostPort: "8080"}},
		network.MustParsePort("443/tcp"): {{HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: "8443"}},
	})
	// as compose: binds through the Bind API, named volumes, tmpfs, secrets and configs as Mounts
	eq(t, "binds", host.Binds, []string{filepath.Join(dir, "html") + ":/usr/share/nginx/html:ro"})
	eq(t, "mounts", host.Mounts, []mount.Mount{
		{Type: mount.TypeVolume, Source: "demo_data", Target: "/data", VolumeOptions: &mount.VolumeOptions{}},
		{Type: mount.TypeTmpfs, Target: "/cache", TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 1048576}},
		{Type: mount.TypeBind, Source: filepath.Join(dir, "token.txt"), Target: "/run/secrets/token", ReadOnly: true, BindOptions: &mount.BindOptions{}},
		{Type: mount.TypeBind, Source: filepath.Join(dir, "app.conf"), Target: "/etc/app.conf", ReadOnly: true},
	})
	eq(t, "restart", host.RestartPolicy, container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 3})
	eq(t, "extra hosts", host.ExtraHosts, []string{"db.local:10.0.0.5"})
	eq(t, "dns", host.DNS, []netip.Addr{netip.MustParseAddr("1.1.1.1")})
	eq(t, "dns search", host.DNSSearch, []string{"example.com"})
	eq(t, "caps", [][]string{host.CapAdd, host.CapDrop}, [][]string{{"NET_ADMIN"}, {"ALL"}})
	eq(t, "privileged/ro", [2]bool{host.Privileged, host.ReadonlyRootfs}, [2]bool{true, true})
	eq(t, "tmpfs", host.Tmpfs, map[string]string{"/run": ""})
	eq(t, "ulimits", len(host.Ulimits), 2)
	eq(t, "nofile", [3]any{host.Ulimits[0].Name, host.Ulimits[0].Soft, host.Ulimits[0].Hard}, [3]any{"nofile", int64(1024), int64(2048)})
	eq(t, "nproc", [2]int64{host.Ulimits[1].Soft, host.Ulimits[1].Hard}, [2]int64{512, 512})
	eq(t, "sysctls", host.Sysctls, map[string]string{"net.core.somaxconn": "1024"})
	eq(t, "shm", host.ShmSize, int64(64<<20))
	eq(t, "init", *host.Init, true)
	eq(t, "logging", host.LogConfig, container.LogConfig{Type: "json-file", Config: map[string]string{"max-size": "10m"}})
	eq(t, "memory", host.Memory, int64(256<<20))
	eq(t, "reservation", host.MemoryReservation, int64(128<<20))
	eq(t, "cpus", host.NanoCPUs, int64(5e8))
	eq(t, "pids", *host.PidsLimit, int64(100))
	eq(t, "devices", host.Devices, []container.DeviceMapping{{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"}})
	eq(t, "security opt", host.SecurityOpt, []string{"no-new-privileges:true"})
	eq(t, "group add", host.GroupAdd, []string{"audio"})

	// networks: highest priority first as the network mode; aliases container, service, user
	eq(t, "network mode", host.NetworkMode, container.NetworkMode("demo_front"))
	front := c.NetworkingConfig.EndpointsConfig["demo_front"]
	eq(t, "front aliases", front.Aliases, []string{"demo-web-1", "web", "www"})
	eq(t, "front ip", front.IPAMConfig.IPv4Address, netip.MustParseAddr("172.30.0.10"))
	eq(t, "back aliases", c.NetworkingConfig.EndpointsConfig["demo_back"].Aliases, []string{"demo-web-1", "web"})
	eq(t, "service networks", web.Networks, []string{"demo_back", "demo_front"})
	eq(t, "service volumes", web.Volumes, []string{"demo_data"})
	eq(t, "depends", web.DependsOn, []spec.Dependency{{Service: "db", Condition: "service_healthy", Required: true, Restart: true}})
	eq(t, "healthcheck", web.HasHealthcheck, true)

	// Fields and Secret
	eq(t, "field env", web.Fields["environment.FOO"], "bar")
	eq(t, "field port", web.Fields["ports[0].published"], "8080")
	eq(t, "field cap_add", web.Fields["cap_add"], `["NET_ADMIN"]`)
	eq(t, "secret env", web.Secret["environment.DB_PASSWORD"], true)
	eq(t, "not secret", web.Secret["environment.FOO"], false)
	if _, ok := web.Fields["depends_on.db.condition"]; ok {
		t.Error("depends_on is not part of Fields (nor of the hash)")
	}

	// resources
	// db has no networks: it gets the project's default network
	eq(t, "networks", []string{d.Networks[0].Name, d.Networks[1].Name, d.Networks[2].Name}, []string{"demo_back", "demo_default", "demo_front"})
	eq(t, "network label", d.Networks[2].Labels[spec.LabelNetwork], "front")
	eq(t, "network ipam", d.Networks[2].IPAM.Config[0].Subnet, netip.MustParsePrefix("172.30.0.0/24"))
	eq(t, "volume", d.Volumes[0].Name, "demo_data")
	eq(t, "volume hash label", d.Volumes[0].Labels[spec.LabelConfigHash], d.Volumes[0].ConfigHash)
	eq(t, "watch files", d.WatchFiles, []string{
		filepath.Join(dir, "app.conf"), filepath.Join(dir, "compose.yaml"),
		filepath.Join(dir, "token.txt"), filepath.Join(dir, "web.env"),
	})
}
