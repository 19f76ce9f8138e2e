// Package spec loads compose files into the reconciler's desired state.
//
// It owns loading with compose-go v2 (interpolation, .env, profiles, several -f files,
// include, extends), normalisation into Desired (networks, volumes, images to pull or
// build, and per replica the full container create request with compose's labels and
// config hash), and validation that reports every problem at once with file and path.
// It never talks to an engine.
//
// Usage:
//
//	d, err := spec.Load(ctx, spec.Options{Files: []string{"stack.yml"}})
//	if err != nil {
//		return err // every problem, each naming its file and dotted path
//	}
//	for _, s := range d.Services {
//		fmt.Println(s.Name, s.Replicas, s.ConfigHash)
//	}
//
// The pieces:
//
//   - LoadProject loads a *types.Project exactly as docker compose v5 does (Options mirror
//     compose's -f, -p, --project-directory, --env-file, --profile and the COMPOSE_*
//     variables, read from Options.Environ); FromProject turns a project into Desired; Load
//     is both, and keeps the project in Desired.Compose for the CLI's `config` command.
//   - ServiceHash, NetworkHash and VolumeHash are docker compose v5.5.0's config hashes
//     (compose-go v2.14.0's JSON key order, reproduced over v2.16.2's types). Service.ConfigHash
//     is ServiceHash (what `docker compose config --hash` prints); for a service with
//     network_mode/ipc/pid "service:x" or volumes_from, a container docker compose created
//     carries ServiceHashResolved instead (references resolved to container IDs), which a
//     planner can compute from observed container IDs.
//   - Service.Fields is the hash input flattened to dotted paths; it is stored as JSON in
//     LabelServiceConfig on every container so a later plan can name each changed field
//     (ParseFields reads it back). Service.Secret marks the paths to mask.
//   - Every load error is a *ValidationError (errors.As; errors.Is ErrInvalid) whose
//     Problems carry file, dotted path, line and column.
//   - Desired.Warnings name, with their path, the compose keys the engine cannot honour.
//
// Not set here: LabelImage (the image ID is known only once pulled or built) and
// LabelReplace (set when a recreate creates the replacement); the planner adds them.
package spec
