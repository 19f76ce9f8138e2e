package reconciler

import (
	"context"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/spec"
)

// Prefetch is an observation begun before the compose file is loaded, for a
// one-shot command that knows the project name up front (-p): the list calls
// that need only that name run while the file is parsed. Observe then
// finishes it; a Prefetch is used at most once.
type Prefetch struct {
	eng   Observer
	lists *projectLists
}

// StartObserve begins, in the background, the list calls of Observe that need
// only the project name: ContainerList, NetworkList and VolumeList by project
// label, and ImageList, concurrently or not as for Observe (ConcurrentLister).
// They run under ctx. The caller must call
// Prefetch.Observe or Prefetch.Wait before closing eng.
//
// Beside Observe's calls it may make one more read: an ImageList that goes
// unused when the desired state names no image and no container exists.
func StartObserve(ctx context.Context, eng Observer, project string) *Prefetch {
	lists := projectListCalls(ctx, eng, project, true, listsConcurrently(eng))
	lists.calls.start()
	return &Prefetch{eng: eng, lists: lists}
}

// Project is the project name the prefetched lists filter on.
func (p *Prefetch) Project() string { return p.lists.project }

// Observe returns what Observe(ctx, eng, desired) returns, built on the
// prefetched lists when desired.Project is the project they were started for,
// and by a fresh Observe (after the prefetched calls have returned) when not.
func (p *Prefetch) Observe(ctx context.Context, desired *spec.Desired) (planner.Observed, error) {
	if desired.Project != p.lists.project {
		p.lists.wait()
		return Observe(ctx, p.eng, desired)
	}
	netNames, volNames, imageRefs := desiredNames(desired)
	return p.lists.finish(ctx, p.eng, netNames, volNames, imageRefs)
}

// Wait waits for the prefetched calls to return, for a caller that will not
// call Observe (its load failed) and is about to close the engine.
func (p *Prefetch) Wait() { p.lists.wait() }
