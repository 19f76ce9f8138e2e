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
package spec
