package planner_test

import (
	"fmt"

	"github.com/moby/moby/api/types/container"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// A one-service project whose web container was created with LOG_LEVEL=info and
// now should have LOG_LEVEL=debug: the plan replaces it and names the field.
func ExampleUp() {
	labels := map[string]string{
		spec.LabelProject: "demo", spec.LabelService: "web", spec.LabelContainerNumber: "1",
		spec.LabelOneoff: "False", spec.LabelConfigHash: "new-hash",
	}
	desired := &spec.Desired{
		Project: "demo",
		Images:  []spec.Image{{Ref: "nginx:1.27", Services: []string{"web"}, Policy: spec.PullMissing}},
		Services: []spec.Service{{
			Name: "web", Image: "nginx:1.27", Replicas: 1, ConfigHash: "new-hash",
			Fields: map[string]string{"image": "nginx:1.27", "environment.LOG_LEVEL": "debug"},
			Containers: []spec.Container{{
				Name: "demo-web-1", Service: "web", Number: 1,
				Config: &container.Config{Image: "nginx:1.27", Labels: labels},
			}},
		}},
	}
	observed := planner.Observed{
		Project: "demo",
		Containers: []planner.Container{{
			ID: "0123456789abcdef", Name: "demo-web-1", Image: "nginx:1.27", State: "running",
			Labels: map[string]string{
				spec.LabelProject: "demo", spec.LabelService: "web", spec.LabelContainerNumber: "1",
				spec.LabelConfigHash:    "old-hash",
				spec.LabelServiceConfig: `{"environment.LOG_LEVEL":"info","image":"nginx:1.27"}`,
			},
		}},
		Images: []planner.Image{{Ref: "nginx:1.27", ID: "sha256:aaaa"}},
	}
	plan, err := planner.Up(desired, observed, planner.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Print(plan)
	fmt.Println()
	fmt.Print(plan.DAG())
	// Output:
	// -/+ container demo-web-1 must be replaced (config changed)
	//       ~ environment.LOG_LEVEL: "info" -> "debug"
	//
	// Plan: 1 to add, 0 to change, 1 to destroy.
	//
	// [] -> #1 container demo-web-1, CreateContainer, config changed [container:demo-web-1]
	// [1] -> #2 container demo-web-1, StopContainer 0123456789abcdef, replaced [container:demo-web-1]
	// [2] -> #3 container demo-web-1, RemoveContainer 0123456789abcdef, replaced [container:demo-web-1]
	// [3] -> #4 container demo-web-1, RenameContainer 0123456789ab_demo-web-1 -> demo-web-1, finalize replacement [container:demo-web-1]
	// [4] -> #5 container demo-web-1, StartContainer, replaced [container:demo-web-1]
}
