package planner

import "github.com/reconciler/reconciler/spec"

// Observed is one snapshot of what an engine holds for a project, built by the
// reconciler from list calls only. The planner never asks for more.
//
// Invariants: slices are sorted by Name; a container appears once.
type Observed struct {
	Project string
	// Containers are the project's containers (label com.docker.compose.project), all states.
	Containers []Container
	// Networks and Volumes are the project's own (by label) plus any resource whose
	// name a Desired network/volume uses (external, unmanaged or another project's).
	Networks []Network
	Volumes  []Volume
	// Images are the local images the desired services reference, by reference.
	Images []Image
}

// Container is an observed container.
type Container struct {
	ID   string
	Name string
	// Image is the reference it was created from; ImageID the local image id.
	Image   string
	ImageID string
	Labels  map[string]string
	// State is dockerd's: created, running, paused, restarting, removing, exited, dead.
	State string
	// Health is "", starting, healthy or unhealthy.
	Health   string
	ExitCode int
	// Created is the creation time, Unix seconds.
	Created int64
	// Networks maps attached network name -> network id.
	Networks map[string]string
	// Volumes are the names of the named volumes mounted.
	Volumes []string
	// Anonymous maps the destination of each anonymous volume mounted (an
	// image VOLUME or a service volume without a source) to the volume's name.
	// A replacement mounts them again, as compose's recreate inherits them.
	Anonymous map[string]string
}

// Network is an observed network.
type Network struct {
	ID, Name string
	Driver   string
	Labels   map[string]string
	Internal bool
	// Containers are the names of attached containers.
	Containers []string
}

// Volume is an observed volume.
type Volume struct {
	Name   string
	Driver string
	Labels map[string]string
}

// Image is an observed local image.
type Image struct {
	// Ref is the reference as spec.Image.Ref spells it.
	Ref string
	ID  string
}

// Kind is the kind of resource an action acts on.
type Kind string

// Resource kinds.
const (
	KindContainer Kind = "container"
	KindNetwork   Kind = "network"
	KindVolume    Kind = "volume"
	KindImage     Kind = "image"
	KindService   Kind = "service" // wait actions
)

// ActionType is what an action does: exactly one engine call, or one wait.
// Values are explicit and stable: they appear in JSON.
type ActionType int

// Action types.
const (
	CreateNetwork     ActionType = 1
	RemoveNetwork     ActionType = 2
	ConnectNetwork    ActionType = 3
	DisconnectNetwork ActionType = 4
	CreateVolume      ActionType = 5
	RemoveVolume      ActionType = 6
	PullImage         ActionType = 7
	BuildImage        ActionType = 8
	RemoveImage       ActionType = 9
	CreateContainer   ActionType = 10
	StartContainer    ActionType = 11
	StopContainer     ActionType = 12
	RemoveContainer   ActionType = 13
	RenameContainer   ActionType = 14
	// WaitHealthy waits until every container in Wait.Containers is healthy.
	WaitHealthy ActionType = 15
	// WaitCompleted waits until a container in Wait.Containers exited 0.
	WaitCompleted ActionType = 16
	// WaitRunning waits until every container in Wait.Containers is running
	// (healthy when it has a health check): up --wait.
	WaitRunning ActionType = 17
)

// FieldChange is one changed key of a replaced container.
type FieldChange struct {
	// Path is the dotted key path (e.g. "environment.LOG_LEVEL").
	Path string `json:"path"`
	// Before and After are the values as text; "" with Absent set means unset.
	// Secret values are already masked as "(sensitive value)".
	Before string `json:"before"`
	After  string `json:"after"`
	// BeforeAbsent is set when the key was unset before (an added key); AfterAbsent
	// when it is unset after (a removed key). The matching Before/After is then "".
	BeforeAbsent bool `json:"before_absent,omitempty"`
	AfterAbsent  bool `json:"after_absent,omitempty"`
}

// Wait is the payload of a wait action.
type Wait struct {
	Service    string
	Containers []string
	// Required false turns a failure into a warning.
	Required bool
}

// Action is one node of the plan DAG.
//
// Invariants: ID is the 1-based index in Plan.Actions; DependsOn holds only smaller
// IDs (the slice is in topological order); exactly the payload fields its Type needs
// are set. Reason is for humans and never drives execution.
type Action struct {
	ID   int
	Type ActionType
	Kind Kind
	// Resource is the engine name of the resource acted on (container, network,
	// volume name or image reference); for waits, the service name.
	Resource string
	Service  string
	Reason   string
	// Changes lists the changed fields of a replaced container (on its CreateContainer).
	Changes   []FieldChange
	DependsOn []int
	// Group ties the actions of one logical change (e.g. "recreate:web:1") for output.
	Group string

	// Target is the engine id or name of an existing object (stop, remove, rename,
	// connect, disconnect: the container; remove network/volume/image: the object).
	Target string
	// NewName is the new name for RenameContainer.
	NewName string
	// Network names the network for Connect/DisconnectNetwork.
	Network string
	// Aliases are the DNS aliases for ConnectNetwork.
	Aliases []string

	Container  *spec.Container // CreateContainer (Container.Name may be a temporary name)
	NetworkDef *spec.Network   // CreateNetwork
	VolumeDef  *spec.Volume    // CreateVolume
	ImageDef   *spec.Image     // PullImage, BuildImage
	// StopTimeout (seconds) for StopContainer; nil means the container's own.
	StopTimeout *int
	// Force for RemoveContainer/RemoveImage; RemoveVolumes removes anonymous volumes
	// with the container.
	Force         bool
	RemoveVolumes bool
	// Refresh is set on PullImage/BuildImage when the reference already exists
	// locally (policy always/build): the action refreshes it and counts as a change,
	// not an addition. Output only.
	Refresh bool
	Wait    *Wait // WaitHealthy, WaitCompleted, WaitRunning
}

// Plan is the DAG of actions that takes Observed to Desired.
type Plan struct {
	Project string
	// Actions in topological order.
	Actions []Action
	// Warnings are things the user should know that need no action
	// (orphans kept, unmanaged resources reused, keys not honoured).
	Warnings []string
	// Orphans are containers of services no longer in the file (kept unless RemoveOrphans).
	Orphans []string
}
