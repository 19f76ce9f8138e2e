package reconciler

import (
	"testing"

	"github.com/moby/moby/api/types/container"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// TestCreateRecordsImageIDOfPulledImage: a container created from an image the
// same plan pulls gets com.docker.compose.image with the id the engine reports
// after the pull; a create whose label the planner already set, or whose image
// this plan did not produce, is passed on unchanged, and the plan's payload is
// never modified.
func TestCreateRecordsImageIDOfPulledImage(t *testing.T) {
	pull := planner.Action{Type: planner.PullImage, Kind: planner.KindImage, Resource: "busybox:1.36",
		ImageDef: &spec.Image{Ref: "busybox:1.36"}}
	fromPull := createCtr("a", false, 1)
	fromPull.Container.Config = &container.Config{Image: "busybox:1.36", Labels: map[string]string{"x": "1"}}
	known := createCtr("b", false, 1)
	known.Container.Config = &container.Config{Image: "busybox:1.36", Labels: map[string]string{spec.LabelImage: "sha256:planned"}}
	other := createCtr("c", false)
	other.Container.Config = &container.Config{Image: "redis:7"}

	f := newFake()
	plan := planOf(pull, fromPull, known, other)
	if _, err := Execute(t.Context(), f, plan, ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a": fakeImageID("busybox:1.36"), "b": "sha256:planned", "c": ""} {
		if got := f.configs[name].Labels[spec.LabelImage]; got != want {
			t.Errorf("container %s: %s = %q, want %q", name, spec.LabelImage, got, want)
		}
	}
	if f.configs["a"].Labels["x"] != "1" {
		t.Errorf("container a lost its other labels: %v", f.configs["a"].Labels)
	}
	if _, set := plan.Actions[1].Container.Config.Labels[spec.LabelImage]; set {
		t.Errorf("the plan's payload was modified: %v", plan.Actions[1].Container.Config.Labels)
	}
}
