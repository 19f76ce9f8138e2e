package spec_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/moby/api/types/container"
	"github.com/reconciler/reconciler/spec"
)

type ruleCase struct {
	name  string
	files map[string]string
	opts  spec.Options
	check func(t *testing.T, d *spec.Desired)
}

var extraRules = []ruleCase{
	{
		name: "top-level resource keys and restart via deploy.restart_policy",
		files: map[string]string{"compose.yaml": `
name: p
services:
  job:
    image: busybox
    mem_limit: 64m
    memswap_limit: 128m
    cpus: 1.5
    pids_limit: 50
    oom_score_adj: 100
    dns_opt: [ndots:1]
    stop_grace_period: 1m30s
    restart: always
    deploy:
      restart_policy: {condition: on-failure, max_attempts: 4}
`},
		check: func(t *testing.T, d *spec.Desired) {
			c := service(t, d, "job").Containers[0]
			h := c.HostConfig
			eq(t, "memory", [2]int64{h.Memory, h.MemorySwap}, [2]int64{64 << 20, 128 << 20})
			eq(t, "cpus", h.NanoCPUs, int64(1.5e9))
			eq(t, "pids", *h.PidsLimit, int64(50))
			eq(t, "oom", h.OomScoreAdj, 100)
			eq(t, "dns opt", h.DNSOptions, []string{"ndots:1"})
			eq(t, "stop timeout", *c.Config.StopTimeout, 90)
			eq(t, "deploy restart wins", h.RestartPolicy, container.RestartPolicy{Name: container.RestartPolicyOnFailure, MaximumRetryCount: 4})
		},
	},
	{
		name: "secret contents are masked wherever they appear; secret-looking keys too",
		files: map[string]string{"compose.yaml": `
name: p
services:
  app:
    image: app
    environment:
      APP_AUTH: ${API_TOKEN}
      PLAIN: visible
    labels: {com.example.api_key: abc}
    secrets: [tok]
secrets:
  tok: {environment: API_TOKEN}
`},
		opts: spec.Options{Environ: []string{"API_TOKEN=s3cr3t"}},
		check: func(t *testing.T, d *spec.Desired) {
			app := service(t, d, "app")
			eq(t, "value", app.Fields["environment.APP_AUTH"], "s3cr3t")
			eq(t, "masked by content", app.Secret["environment.APP_AUTH"], true)
			eq(t, "masked by key", app.Secret["labels.com.example.api_key"], true)
			eq(t, "plain", app.Secret["environment.PLAIN"], false)
		},
	},
	{
		name: "docker-compose.yml discovery with its override file",
		files: map[string]string{
			"docker-compose.yml":          "name: legacy\nservices:\n  web: {image: nginx}\n",
			"docker-compose.override.yml": "services:\n  web: {environment: {OVERRIDDEN: \"yes\"}}\n",
		},
		check: func(t *testing.T, d *spec.Desired) {
			eq(t, "files", []string{filepath.Base(d.ConfigFiles[0]), filepath.Base(d.ConfigFiles[1])}, []string{"docker-compose.yml", "docker-compose.override.yml"})
			eq(t, "override", service(t, d, "web").Fields["environment.OVERRIDDEN"], "yes")
		},
	},
	{
		name: "--project-directory: relative paths and .env from it, not from the file's folder",
		files: map[string]string{
			"files/stack.yml": "services:\n  web:\n    image: nginx:${TAG}\n    volumes: [./html:/html]\n",
			"proj/.env":       "TAG=from-project-dir\n",
		},
		opts: spec.Options{Files: []string{"files/stack.yml"}, ProjectDirectory: "proj"},
		check: func(t *testing.T, d *spec.Desired) {
			eq(t, "project", d.Project, "proj")
			web := service(t, d, "web")
			eq(t, "image", web.Image, "nginx:from-project-dir")
			eq(t, "bind", web.Containers[0].HostConfig.Binds, []string{filepath.Join(d.WorkingDir, "html") + ":/html:rw"})
			eq(t, "working dir", filepath.Base(d.WorkingDir), "proj")
		},
	},
	{
		name: "DOCKER_DEFAULT_PLATFORM applies to built services, as compose's applyPlatforms",
		files: map[string]string{"compose.yaml": `
name: p
services:
  app: {build: .}
  db: {image: postgres}
`},
		opts: spec.Options{Environ: []string{"DOCKER_DEFAULT_PLATFORM=linux/amd64"}},
		check: func(t *testing.T, d *spec.Desired) {
			eq(t, "app platform", d.Compose.Services["app"].Platform, "linux/amd64")
			eq(t, "db platform", d.Compose.Services["db"].Platform, "")
			eq(t, "field", service(t, d, "app").Fields["platform"], "linux/amd64")
		},
	},
	{
		name: "gpus, CDI devices, blkio, service-name alias opt-out, environment secret warned",
		files: map[string]string{"compose.yaml": `
name: p
services:
  ml:
    image: trainer
    gpus: [{driver: nvidia, count: 2}]
    devices: ["vendor.com/gpu=all"]
    blkio_config: {weight: 300, device_read_bps: [{path: /dev/sda, rate: 1mb}]}
    networks:
      default: {use_service_name_alias: false}
    secrets: [api]
secrets:
  api: {environment: API_TOKEN}
`},
		check: func(t *testing.T, d *spec.Desired) {
			c := service(t, d, "ml").Containers[0]
			r := c.HostConfig.Resources
			eq(t, "device requests", r.DeviceRequests, []container.DeviceRequest{
				{Driver: "cdi", DeviceIDs: []string{"vendor.com/gpu=all"}},
				{Driver: "nvidia", Count: 2, Capabilities: [][]string{{"gpu"}}},
			})
			eq(t, "no device mapping", len(r.Devices), 0)
			eq(t, "blkio", [2]any{r.BlkioWeight, r.BlkioDeviceReadBps[0].Rate}, [2]any{uint16(300), uint64(1 << 20)})
			eq(t, "aliases", c.NetworkingConfig.EndpointsConfig["p_default"].Aliases, []string{"p-ml-1"})
			if !strings.Contains(strings.Join(d.Warnings, "\n"), "services.ml.secrets[0]") {
				t.Errorf("no warning for the environment secret: %v", d.Warnings)
			}
		},
	},
}

func TestDesiredRulesTable(t *testing.T) {
	tests := []ruleCase{
		{
			name: "replicas, network_mode service, build-only image, pull policies",
			files: map[string]string{"compose.yaml": `
name: p
services:
  app:
    build: ./app
    deploy: {replicas: 3}
    pull_policy: daily
  side:
    image: busybox
    network_mode: service:app
    pull_policy: if_not_present
  tool:
    image: busybox
    pull_policy: always
`},
			check: func(t *testing.T, d *spec.Desired) {
				app := service(t, d, "app")
				eq(t, "replicas", app.Replicas, 3)
				eq(t, "names", []string{app.Containers[0].Name, app.Containers[2].Name}, []string{"p-app-1", "p-app-3"})
				eq(t, "image", app.Image, "p-app")
				side := service(t, d, "side")
				eq(t, "network mode", side.Containers[0].HostConfig.NetworkMode, container.NetworkMode("container:p-app-1"))
				eq(t, "no networking config", side.Containers[0].NetworkingConfig == nil, true)
				eq(t, "images", len(d.Images), 2)
				eq(t, "build image", d.Images[1].Ref, "p-app")
				eq(t, "build", d.Images[1].Build.Dockerfile, filepath.Join(d.WorkingDir, "app", "Dockerfile"))
				eq(t, "refresh", d.Images[1].Policy, spec.PullRefresh)
				eq(t, "busybox shared, strongest policy", [2]any{d.Images[0].Services, d.Images[0].Policy}, [2]any{[]string{"side", "tool"}, spec.PullAlways})
			},
		},
		{
			name: "container_name, default network, user label kept",
			files: map[string]string{"compose.yaml": `
services:
  db:
    image: postgres
    container_name: the-db
`},
			check: func(t *testing.T, d *spec.Desired) {
				db := service(t, d, "db")
				eq(t, "name", db.Containers[0].Name, "the-db")
				eq(t, "network", db.Networks, []string{d.Project + "_default"})
				eq(t, "aliases", db.Containers[0].NetworkingConfig.EndpointsConfig[d.Project+"_default"].Aliases, []string{"the-db", "db"})
			},
		},
		{
			name: "profiles: disabled services listed, COMPOSE_PROFILES enables",
			files: map[string]string{"compose.yaml": `
name: p
services:
  web: {image: nginx}
  debug: {image: busybox, profiles: [debug]}
  admin: {image: busybox, profiles: [admin]}
`},
			opts: spec.Options{Environ: []string{"COMPOSE_PROFILES=debug"}},
			check: func(t *testing.T, d *spec.Desired) {
				eq(t, "services", []string{d.Services[0].Name, d.Services[1].Name}, []string{"debug", "web"})
				eq(t, "disabled", d.DisabledServices, []string{"admin"})
			},
		},
		{
			name: "explicit profiles win over COMPOSE_PROFILES",
			files: map[string]string{"compose.yaml": `
name: p
services:
  web: {image: nginx}
  debug: {image: busybox, profiles: [debug]}
  admin: {image: busybox, profiles: [admin]}
`},
			opts: spec.Options{Profiles: []string{"admin"}, Environ: []string{"COMPOSE_PROFILES=debug"}},
			check: func(t *testing.T, d *spec.Desired) {
				eq(t, "disabled", d.DisabledServices, []string{"debug"})
			},
		},
		{
			name: ".env interpolates, the environment wins, env file label only with --env-file",
			files: map[string]string{
				"compose.yaml": "name: p\nservices:\n  web:\n    image: nginx:${TAG}\n    ports: [\"${PORT}:80\"]\n",
				".env":         "TAG=1.25\nPORT=8000\n",
			},
			opts: spec.Options{Environ: []string{"PORT=9999"}},
			check: func(t *testing.T, d *spec.Desired) {
				web := service(t, d, "web")
				eq(t, "image", web.Image, "nginx:1.25")
				eq(t, "port", web.Fields["ports[0].published"], "9999")
				eq(t, "env files", d.EnvFiles, []string{filepath.Join(d.WorkingDir, ".env")})
				if _, ok := web.Containers[0].Config.Labels[spec.LabelEnvironmentFile]; ok {
					t.Error("environment_file label set without --env-file")
				}
			},
		},
		{
			name: "--env-file replaces .env and is labelled",
			files: map[string]string{
				"compose.yaml": "name: p\nservices:\n  web:\n    image: nginx:${TAG:-latest}\n",
				".env":         "TAG=from-dotenv\n",
				"prod.env":     "TAG=prod\n",
			},
			opts: spec.Options{EnvFiles: []string{"prod.env"}},
			check: func(t *testing.T, d *spec.Desired) {
				web := service(t, d, "web")
				eq(t, "image", web.Image, "nginx:prod")
				eq(t, "label", web.Containers[0].Config.Labels[spec.LabelEnvironmentFile], d.EnvFiles[0])
			},
		},
		{
			name: "default discovery with override; project name from directory",
			files: map[string]string{
				"compose.yaml":          "services:\n  web: {image: nginx}\n",
				"compose.override.yaml": "services:\n  web: {image: nginx:override}\n",
			},
			check: func(t *testing.T, d *spec.Desired) {
				eq(t, "files", len(d.ConfigFiles), 2)
				eq(t, "image", service(t, d, "web").Image, "nginx:override")
				eq(t, "project", d.Project, spec.NormalizeProjectName(filepath.Base(d.WorkingDir)))
			},
		},
		{
			name: "COMPOSE_FILE and COMPOSE_PROJECT_NAME; name: loses to the environment",
			files: map[string]string{
				"a.yml": "name: from-file\nservices:\n  web: {image: nginx}\n",
				"b.yml": "services:\n  web: {environment: {B: \"1\"}}\n",
			},
			check: func(t *testing.T, d *spec.Desired) {
				eq(t, "project", d.Project, "from-env")
				eq(t, "merged", service(t, d, "web").Fields["environment.B"], "1")
			},
		},
		{
			name:  "ProjectName wins over everything",
			files: map[string]string{"compose.yaml": "name: from-file\nservices:\n  web: {image: nginx}\n"},
			opts:  spec.Options{ProjectName: "explicit", Environ: []string{"COMPOSE_PROJECT_NAME=from-env"}},
			check: func(t *testing.T, d *spec.Desired) {
				eq(t, "project", d.Project, "explicit")
				eq(t, "container", service(t, d, "web").Containers[0].Name, "explicit-web-1")
			},
		},
		{
			name: "include and extends",
			files: map[string]string{
				"compose.yaml": "name: p\ninclude: [sub/inc.yaml]\nservices:\n  web:\n    extends: {file: base.yaml, service: base}\n    image: nginx\n",
				"base.yaml":    "services:\n  base:\n    image: busybox\n    environment: {FROM_BASE: \"yes\"}\n",
				"sub/inc.yaml": "services:\n  cache: {image: redis:7}\n",
			},
			check: func(t *testing.T, d *spec.Desired) {
				eq(t, "cache", service(t, d, "cache").Image, "redis:7")
				web := service(t, d, "web")
				eq(t, "web", [2]string{web.Image, web.Fields["environment.FROM_BASE"]}, [2]string{"nginx", "yes"})
				want := map[string]bool{filepath.Join(d.WorkingDir, "sub", "inc.yaml"): true, filepath.Join(d.WorkingDir, "base.yaml"): true}
				for _, f := range d.WatchFiles {
					delete(want, f)
				}
				if len(want) > 0 {
					t.Errorf("watch files %v miss %v", d.WatchFiles, want)
				}
			},
		},
		{
			name: "external resources by name, unsupported keys warned with their path",
			files: map[string]string{"compose.yaml": `
name: p
services:
  web:
    image: nginx
    networks: [shared]
    volumes: [cache:/cache]
    platform: linux/arm64
    deploy:
      placement: {constraints: [node.role==manager]}
networks:
  shared: {external: true, name: corp-net}
volumes:
  cache: {external: true}
`},
			check: func(t *testing.T, d *spec.Desired) {
				eq(t, "network", [2]any{d.Networks[0].Name, d.Networks[0].External}, [2]any{"corp-net", true})
				eq(t, "volume", [2]any{d.Volumes[0].Name, d.Volumes[0].External}, [2]any{"cache", true})
				eq(t, "no labels on external", d.Networks[0].Labels == nil, true)
				joined := strings.Join(d.Warnings, "\n")
				for _, p := range []string{"services.web.platform", "services.web.deploy.placement"} {
					if !strings.Contains(joined, p) {
						t.Errorf("no warning naming %s in %q", p, joined)
					}
				}
			},
		},
	}
	tests = append(tests, extraRules...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeFiles(t, tc.files)
			opts := tc.opts
			if tc.name == "COMPOSE_FILE and COMPOSE_PROJECT_NAME; name: loses to the environment" {
				opts.Environ = []string{"COMPOSE_FILE=" + filepath.Join(dir, "a.yml") + ":" + filepath.Join(dir, "b.yml"), "COMPOSE_PROJECT_NAME=from-env"}
			}
			if len(opts.EnvFiles) > 0 {
				envFiles := make([]string, len(opts.EnvFiles))
				for i, f := range opts.EnvFiles {
					envFiles[i] = filepath.Join(dir, f)
				}
				opts.EnvFiles = envFiles
			}
			d := loadDir(t, dir, opts)
			tc.check(t, d)
		})
	}
}
