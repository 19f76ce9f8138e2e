// Package planner turns a desired state (spec.Desired) and one observed snapshot of
// an engine (Observed) into a Plan: a DAG of actions, each exactly one engine call
// or one wait, that the executor runs without making any decision.
//
// It owns Observed (the snapshot type), Plan and Action (the DAG), Up and Down (pure
// functions: no context, no I/O, no clock; the same inputs give the same plan),
// the plan's text and JSON forms, and Simulate, a model of an engine that applies
// a plan to a snapshot (for tests and dry runs).
//
// Usage:
//
//	obs, err := reconciler.Observe(ctx, eng, desired)
//	plan, err := planner.Up(desired, obs, planner.Options{RemoveOrphans: true})
//	if err != nil {
//		var pe *planner.Error
//		if errors.As(err, &pe) { ... pe.Kind, pe.Name ... }
//	}
//	fmt.Print(plan) // terraform style
//	if !plan.IsEmpty() { execute(ctx, plan, eng) }
//
// The plan function is called Up (not Plan, the name of its result type).
//
// # Rules (docker compose's, reference compose-convergence.md §2-§4)
//
// A container is replaced when its config-hash label differs from the service's
// ConfigHash, when its com.docker.compose.image label differs from the local id of
// the service's image, when it is running but not attached to one of its networks
// (by id), when it lacks a mount of one of its named volumes, when it is dead, or
// when its volume is re-created, or when the container it shares a namespace with
// (network_mode/ipc/pid container:<name>) or takes volumes_from is replaced;
// Options.Recreate force/never override this for the targeted services. A replacement is created first under <oldID[:12]>_<name> with
// com.docker.compose.replace=<service>-<n>, then the old one is stopped, removed,
// and the new one renamed and started. Services depending on a replaced service
// with restart: true have their running containers stopped first and started
// again. Scale down removes duplicates and obsolete containers first, then the
// highest numbers; scale up numbers from the highest observed number + 1, never
// refilling gaps. Kept containers that are not running are started (unless NoStart;
// with KeepCompleted, one-shot containers that exited 0 are left alone; paused ones
// are left alone with a warning).
// Containers of services absent from Services and DisabledServices, and exited
// one-off containers, are orphans: a warning, or stopped and removed with
// RemoveOrphans.
//
// Networks and volumes are created when absent; one with the same name but without
// the project's label is reused with a warning; a missing external one is an
// error. A network whose config-hash label differs is repaired: disconnect every
// attached container, remove, create, reconnect the containers that stay (with
// their aliases). A diverged volume is an error (ErrVolumeDiverged) unless
// ConfirmVolumeRecreate: then every container mounting it is stopped and removed,
// the volume removed and created, and the containers created again.
//
// Images: policy missing (also if_not_present and refresh: the planner has no
// clock) pulls or builds an absent image; always pulls, build builds, never makes an
// absent image an error; Options.Pull overrides every policy. When the image id is
// known (present and not pulled by this plan), CreateContainer's request carries
// com.docker.compose.image; otherwise the executor must set it from the pull or
// build result, or the container is never compared by image.
//
// Ordering: a container's create depends on its networks, volumes and image actions
// and on the last actions of each service it depends on. Its start also depends on
// a WaitHealthy / WaitCompleted node per service_healthy /
// service_completed_successfully dependency (Wait.Required false turns a failure
// into a warning). Options.Wait adds a WaitRunning (or WaitCompleted) node per
// service at the end.
//
// Down stops services in reverse dependency order and removes their containers,
// then the project's networks, its volumes with RemoveVolumes and images with
// RemoveImages. External resources and resources without the project's label are
// never touched.
//
// Every problem found is reported at once: errors.Join of *Error values, each
// naming the resource kind, name and operation, wrapping a sentinel (errors.Is).
//
// # Text form
//
// Plan.String renders one line per resource, sorted by kind (image, network,
// volume, container) then name, terraform style: "+" create, "~" update in place
// (start, stop, restart, or a network reconnected), "-/+" replace with the changed
// fields under it, "-" destroy; then warnings and
// "Plan: A to add, C to change, D to destroy." (a replacement counts one add and one
// destroy; a pull or build of an absent image is an add, of a present one a change).
// An empty plan reads `No changes. Project "p" matches the configuration.`
// Plan.Changes gives the same per-resource view as values, Plan.Summary the counts,
// Plan.IsEmpty whether any engine call is planned (wait actions alone do not count).
// Plan.DAG renders every action with its dependencies, for debugging and tests.
//
// # JSON form (format_version "1.0")
//
// json.Marshal(plan) (or plan.JSON(), indented) gives:
//
//	{
//	  "format_version": "1.0",
//	  "project": "demo",
//	  "summary": {"add": 1, "change": 0, "destroy": 1},
//	  "changes": [
//	    {"kind": "container", "name": "demo-web-1", "action": "replace",
//	     "reason": "config changed",
//	     "fields": [{"path": "environment.LOG_LEVEL", "before": "info", "after": "debug"}],
//	     "actions": [1, 2, 3, 4, 5]}
//	  ],
//	  "warnings": [],
//	  "orphans": [],
//	  "actions": [
//	    {"id": 1, "type": "CreateContainer", "kind": "container", "resource": "demo-web-1",
//	     "service": "web", "reason": "config changed", "group": "container:demo-web-1",
//	     "depends_on": [], "fields": [...]},
//	    ...
//	  ]
//	}
//
// changes: one entry per resource, in the text form's order. kind is container,
// network, volume or image; action is create, update, replace, delete, start, stop,
// pull or build; reason is for humans; fields (replacements only) lists every
// changed key path with before and after as text, "(sensitive value)" for secrets,
// and before_absent / after_absent for added / removed keys; actions are the ids of
// the DAG nodes making the change. actions is the raw DAG (waits included: types
// WaitHealthy, WaitCompleted, WaitRunning with "wait": {service, containers,
// required}) without the create requests: the JSON is for display and tooling, not
// for execution. Readers must ignore keys they do not know; a new major
// format_version marks an incompatible change.
package planner
