package reconciler

import (
	"context"
	"fmt"
	"maps"
	"sync"

	"github.com/moby/moby/api/types/container"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// imageIDs carries the ids of the images a plan pulls or builds to the
// containers it creates from them. The planner puts com.docker.compose.image
// (spec.LabelImage) on a create only when it knows the image id at plan time;
// for an image this plan pulls or builds it cannot, and a container without the
// label is never compared by image, so an image updated later would never
// replace it (planner/doc.go). The creates depend on their image's action, so
// the id is recorded before any create that needs it reads it.
type imageIDs struct {
	mu  sync.Mutex
	ids map[string]string // image reference -> local image id
}

// imageRef is the reference a PullImage or BuildImage action produces.
func imageRef(a *planner.Action) string {
	if a.ImageDef != nil && a.ImageDef.Ref != "" {
		return a.ImageDef.Ref
	}
	return a.Resource
}

// record inspects ref, just pulled or built, and remembers its id.
func (m *imageIDs) record(ctx context.Context, eng ExecEngine, ref string) error {
	res, err := eng.ImageInspect(ctx, ref)
	if err != nil {
		return fmt.Errorf("inspect %s after producing it: %w", ref, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ids == nil {
		m.ids = map[string]string{}
	}
	m.ids[ref] = res.ID
	return nil
}

// label returns cfg with the image id label set when cfg lacks it and its
// image was produced by this plan; otherwise cfg itself. cfg is never changed:
// the plan's payloads are the caller's.
func (m *imageIDs) label(cfg *container.Config) *container.Config {
	if cfg == nil || cfg.Labels[spec.LabelImage] != "" {
		return cfg
	}
	m.mu.Lock()
	id := m.ids[cfg.Image]
	m.mu.Unlock()
	if id == "" {
		return cfg
	}
	out := *cfg
	out.Labels = maps.Clone(cfg.Labels)
	if out.Labels == nil {
		out.Labels = map[string]string{}
	}
	out.Labels[spec.LabelImage] = id
	return &out
}
