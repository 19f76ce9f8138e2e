package spec

import (
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
)

// Label keys written on every resource the reconciler creates. The com.docker.compose.*
// keys are docker compose's own, so stacks move between the two tools unchanged.
const (
	LabelProject         = "com.docker.compose.project"
	LabelService         = "com.docker.compose.service"
	LabelContainerNumber = "com.docker.compose.container-number"
	LabelOneoff          = "com.docker.compose.oneoff"
	LabelConfigHash      = "com.docker.compose.config-hash"
	LabelImage           = "com.docker.compose.image"
	LabelDependsOn       = "com.docker.compose.depends_on"
	LabelConfigFiles     = "com.docker.compose.project.config_files"
	LabelWorkingDir      = "com.docker.compose.project.working_dir"
	LabelEnvironmentFile = "com.docker.compose.project.environment_file"
	LabelVersion         = "com.docker.compose.version"
	LabelNetwork         = "com.docker.compose.network"
	LabelVolume          = "com.docker.compose.volume"
	LabelReplace         = "com.docker.compose.replace"

	// LabelServiceConfig holds the flattened, normalised service config (JSON object of
	// dotted key path -> string value, see Service.Fields) the container was created from,
	// so a later plan can name every changed field. Set only by the reconciler; a
	// container without it (made by docker compose) is compared by config hash alone.
	LabelServiceConfig = "dev.reconciler.service-config"
)

// Desired is everything a compose project says should exist, resolved and normalised.
// It is a plain value: building it needs no engine, and the planner only reads it.
//
// Invariants: Networks, Volumes, Images and Services are sorted by Key/Ref/Name;
// every Container of every Service has a unique Name; names follow compose's rules.
type Desired struct {
	// Project is the normalised project name (lowercase, [a-z0-9_-]).
	Project string
	// WorkingDir is the absolute project directory.
	WorkingDir string
	// ConfigFiles are the absolute paths of the compose files, in load order.
	ConfigFiles []string
	// EnvFiles are the absolute paths of the --env-file / .env files that were read.
	EnvFiles []string
	// WatchFiles are every file whose content shapes the project (compose files, env
	// files, env_file, include/extends targets, secret and config files), for --watch.
	WatchFiles []string

	Networks []Network
	Volumes  []Volume
	Images   []Image
	Services []Service

	// DisabledServices are services present in the files but disabled by profiles.
	// Their containers are not orphans.
	DisabledServices []string
	// Warnings name compose keys this engine cannot honour, with file and path.
	Warnings []string

	// Compose is the compose-go project Desired was built from (for the CLI's `config`
	// command and ServiceHash); nil when Desired was made by hand. Read-only.
	Compose *types.Project `json:"-"`
}

// Network is a network the project uses.
type Network struct {
	// Key is the compose key (e.g. "default"); Name the engine name ("demo_default").
	Key, Name string
	// External networks are never created, changed or removed: they must exist.
	External   bool
	Driver     string
	DriverOpts map[string]string
	Internal   bool
	Attachable bool
	EnableIPv6 bool
	// IPAM is nil when the file sets none.
	IPAM *network.IPAM
	// Labels include the compose project/network/version labels and the config hash.
	Labels map[string]string
	// ConfigHash is compose's NetworkHash, also stored as LabelConfigHash.
	ConfigHash string
}

// Volume is a named volume the project uses.
type Volume struct {
	// Key is the compose key; Name the engine name ("demo_data").
	Key, Name  string
	External   bool
	Driver     string
	DriverOpts map[string]string
	Labels     map[string]string
	ConfigHash string
}

// PullPolicy is a service's normalised pull_policy.
type PullPolicy string

// Pull policies. if_not_present normalises to missing; daily/weekly/every_* to refresh.
const (
	PullMissing PullPolicy = "missing"
	PullAlways  PullPolicy = "always"
	PullNever   PullPolicy = "never"
	PullBuild   PullPolicy = "build"
	PullRefresh PullPolicy = "refresh"
)

// Image is an image some service runs.
type Image struct {
	// Ref is the reference as written (or <project>-<service> for build-only services).
	Ref string
	// Services lists the services that use it, sorted.
	Services []string
	Policy   PullPolicy
	// Build is non-nil when the image is built from a context.
	Build *Build
}

// Build is a service's build: section, paths absolute.
type Build struct {
	Context    string
	Dockerfile string
	Target     string
	Args       map[string]*string
	Labels     map[string]string
	Tags       []string
}

// Dependency is one depends_on entry.
type Dependency struct {
	Service string
	// Condition is service_started, service_healthy or service_completed_successfully.
	Condition string
	Required  bool
	Restart   bool
}

// Service is one service with its replicas.
type Service struct {
	Name  string
	Image string
	// Replicas is the desired count (scale, else deploy.replicas, else 1).
	Replicas  int
	DependsOn []Dependency
	// HasHealthcheck reports whether the service (or, unknowable here, its image) has
	// a health check configured in the file.
	HasHealthcheck bool
	// ConfigHash is docker compose's service hash (reference: compose-config-hash.md).
	ConfigHash string
	// Fields is the flattened normalised service config: dotted key path -> value as
	// text (e.g. "environment.FOO" -> "bar"). It is stored JSON-encoded in
	// LabelServiceConfig and diffed by the planner to explain a recreate.
	Fields map[string]string
	// Secret reports which Fields paths hold secret contents or secret-looking values;
	// the planner masks them.
	Secret map[string]bool
	// Networks are the engine names of the networks the service attaches to, sorted.
	Networks []string
	// Volumes are the engine names of the named volumes the service mounts, sorted.
	Volumes []string
	// Containers has one entry per replica, numbered 1..Replicas.
	Containers []Container
}

// Container is the full create request for one replica.
type Container struct {
	// Name is <project>-<service>-<n> or container_name.
	Name    string
	Service string
	Number  int
	// Config.Labels holds every label, ours and the user's; HostConfig and
	// NetworkingConfig are what ContainerCreate receives.
	Config           *container.Config
	HostConfig       *container.HostConfig
	NetworkingConfig *network.NetworkingConfig
}
