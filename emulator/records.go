package emulator

import (
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/api/types/volume"
	"github.com/reconciler/reconciler/emulator/process"
)

// ctrRec is a container as the engine keeps it (one row of the containers table).
// The API shapes (inspect, list item) are derived from it on read.
type ctrRec struct {
	ID           string
	Name         string // without the leading slash
	Seq          int64  // creation order, for before/since and newest-first lists
	Created      time.Time
	Path         string
	Args         []string
	Config       *container.Config
	HostConfig   *container.HostConfig
	ImageID      string // sha256:<hex>
	State        ctrState
	RestartCount int
	// Networks holds the endpoints by network name; IPAddress etc. are set while running.
	Networks map[string]*network.EndpointSettings
	// Ports holds the host bindings in force while running.
	Ports  network.PortMap
	Mounts []container.MountPoint
	// Due is when the simulated process next changes state (exit, health flip,
	// restart after backoff); zero when nothing is pending. See runtime.go.
	Due          time.Time
	RestartAt    time.Time     // while restarting: when the next start happens
	RestartDelay time.Duration // current restart backoff
	// Proc is the process spec built at the last start (shell+process): the
	// command's result, signals, health probes. Nil before the first start.
	Proc *process.Spec `json:",omitempty"`
	// Runs are the command's executions (starts and automatic restarts), oldest
	// first, for logs; bounded by maxRuns.
	Runs []process.Run `json:",omitempty"`
	// Life is the lifecycle bookkeeping of lifecycle_state.go (a stop in
	// progress, an injected health fault); nil when none. Replaced, never
	// changed in place.
	Life *lifeRec `json:",omitempty"`
	// Layer is the writable layer's files (see files.go); Binds the files of
	// bind mounts by host path; Tmpfs the files of tmpfs mounts by destination
	// (emptied when the container stops). LayerDiff says Layer holds only the
	// container's changes over its image's files (files_overlay.go); records
	// stored before that hold a full copy.
	Layer     fileTree            `json:",omitempty"`
	LayerDiff bool                `json:",omitempty"`
	Binds     map[string]fileTree `json:",omitempty"`
	Tmpfs     map[string]fileTree `json:",omitempty"`
	// Execs are the container's exec instances, oldest first (see exec.go);
	// records are replaced, never changed in place.
	Execs []*execRec `json:",omitempty"`
	// rawInspect caches the inspect JSON of this (immutable) record; not stored.
	rawInspect []byte
}

// ctrState is container.State with real timestamps.
type ctrState struct {
	Status     container.ContainerState
	Running    bool
	Paused     bool
	Restarting bool
	OOMKilled  bool
	Dead       bool
	Pid        int
	ExitCode   int
	Error      string
	StartedAt  time.Time
	FinishedAt time.Time
	Health     *container.Health `json:",omitempty"`
}

// netRec is a network (one row of the networks table). Endpoints are not stored
// here: they live in the containers, so starting a container does not rewrite its
// networks' rows.
type netRec struct {
	network.Network
	// Cursor is, per subnet, the last address handed out: dockerd allocates
	// container addresses serially, not lowest-free.
	Cursor map[string]string `json:",omitempty"`
	// AutoSubnet is set when the subnet came from the default pools (no user
	// IPAM config): static container addresses are refused then.
	AutoSubnet bool `json:",omitempty"`
}

// volRec is a volume (one row of the volumes table, keyed by name).
type volRec struct {
	volume.Volume
	Created   time.Time
	Anonymous bool // created for an image VOLUME or `-v /path`: removed with `rm -v`
	// Files are the volume's contents (see files.go).
	Files fileTree `json:",omitempty"`
}

// imgRec is an image (one row of the images table).
type imgRec struct {
	ID           string   // sha256:<hex>
	RepoTags     []string // normalized references, e.g. docker.io/library/nginx:latest
	RepoDigests  []string // normalized name@sha256:...
	Parent       string   `json:",omitempty"`
	Comment      string   `json:",omitempty"`
	Author       string   `json:",omitempty"`
	Created      time.Time
	Config       dockerspec.DockerOCIImageConfig
	Architecture string
	Os           string
	Size         int64
	Layers       []string
	History      []imgHistory
	LastTagTime  time.Time
}

type imgHistory struct {
	Created    time.Time
	CreatedBy  string
	Comment    string `json:",omitempty"`
	Size       int64
	EmptyLayer bool `json:",omitempty"`
}
