package planner

import "github.com/reconciler/reconciler/spec"

// RecreatePolicy says when an existing container is replaced.
type RecreatePolicy string

// Recreate policies, as docker compose's --force-recreate / --no-recreate.
const (
	// RecreateDiverged replaces a container whose config hash, image id, networks or
	// volumes no longer match (the default; "" means this).
	RecreateDiverged RecreatePolicy = "diverged"
	// RecreateForce replaces every container of the targeted services.
	RecreateForce RecreatePolicy = "force"
	// RecreateNever keeps every existing container as it is.
	RecreateNever RecreatePolicy = "never"
)

// Options shape one Plan. The zero value is `up` with docker compose's defaults.
type Options struct {
	// Recreate applies to the targeted services; their dependencies use
	// RecreateDiverged (or RecreateNever when Recreate is RecreateNever), as compose.
	Recreate RecreatePolicy
	// RemoveOrphans stops and removes containers of services no longer in the
	// project; otherwise they are listed in Plan.Orphans with a warning.
	RemoveOrphans bool
	// KeepCompleted leaves alone containers that exited with code 0 and whose
	// restart policy is "no" (completed one-shot tasks), instead of starting them
	// again as docker compose up does. Meant for the watch loop, where restarting
	// them on every pass would never converge.
	KeepCompleted bool
	// NoStart plans creation only: no StartContainer actions (compose create).
	NoStart bool
	// Pull overrides every image's policy: PullAlways, PullMissing or PullNever;
	// "" keeps each image's own policy.
	Pull spec.PullPolicy
	// ConfirmVolumeRecreate allows removing and re-creating a volume whose config
	// diverged (its data is lost). Without it such a volume is a planning error.
	ConfirmVolumeRecreate bool
	// StopTimeout (seconds) is set on every StopContainer; nil means each
	// container's own stop_grace_period.
	StopTimeout *int
	// Wait adds, after everything, one WaitRunning node per service (WaitCompleted
	// for services others depend on with service_completed_successfully): up --wait.
	Wait bool
	// AlwaysRecreateDeps recreates the services the targeted ones depend on even
	// when unchanged (up --always-recreate-deps); it has no effect with
	// RecreateNever, and none when every service is targeted.
	AlwaysRecreateDeps bool
	// RenewAnonymous makes replacements get new anonymous volumes instead of
	// mounting their predecessors' (up -V/--renew-anon-volumes).
	RenewAnonymous bool
	// Services, when not empty, limits the plan to these services and their
	// dependencies (transitively). Orphans are still judged against the whole project.
	Services []string
}

// DownOptions shape a Down plan.
type DownOptions struct {
	// RemoveVolumes removes the project's named volumes (never external ones) and the
	// anonymous volumes of removed containers.
	RemoveVolumes bool
	// RemoveImages is "local" (images without a custom image: name, i.e. built as
	// <project>-<service>), "all" (every image the services use) or "" (none).
	RemoveImages string
	// RemoveOrphans also removes containers of services not in the project and
	// one-off containers.
	RemoveOrphans bool
	// StopTimeout (seconds) for every StopContainer; nil means the container's own.
	StopTimeout *int
}
