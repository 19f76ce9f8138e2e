package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator"
)

// CleanupError reports what Cleanup could not remove.
type CleanupError struct {
	Prefix string
	Err    error // the joined failures, each naming the object and the call
}

func (e *CleanupError) Error() string {
	return fmt.Sprintf("conformance: cleanup of run %s: %v", e.Prefix, e.Err)
}

func (e *CleanupError) Unwrap() error { return e.Err }

// Cleanup removes the run's objects and nothing else: containers named under
// prefix or labelled LabelKey=prefix (forced, with their anonymous volumes),
// then such networks and volumes, then image tags under prefix. Objects
// already gone are not an error. The shared images busybox and nginx stay.
func Cleanup(ctx context.Context, api emulator.API, prefix string) error {
	fx := Fixture{Prefix: prefix}
	var errs []error
	keep := func(err error, what string) {
		if err != nil && !cerrdefs.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	cl, err := api.ContainerList(ctx, client.ContainerListOptions{All: true})
	keep(err, "list containers")
	for _, c := range cl.Items {
		name := ""
		if len(c.Names) > 0 {
			name = c.Names[0]
		}
		if fx.owned(name, c.Labels) {
			_, err := api.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			keep(err, "remove container "+name)
		}
	}
	nl, err := api.NetworkList(ctx, client.NetworkListOptions{})
	keep(err, "list networks")
	for _, n := range nl.Items {
		if fx.owned(n.Name, n.Labels) {
			_, err := api.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
			keep(err, "remove network "+n.Name)
		}
	}
	vl, err := api.VolumeList(ctx, client.VolumeListOptions{})
	keep(err, "list volumes")
	for _, v := range vl.Items {
		if fx.owned(v.Name, v.Labels) {
			_, err := api.VolumeRemove(ctx, v.Name, client.VolumeRemoveOptions{Force: true})
			keep(err, "remove volume "+v.Name)
		}
	}
	il, err := api.ImageList(ctx, client.ImageListOptions{})
	keep(err, "list images")
	for _, im := range il.Items {
		for _, tag := range im.RepoTags {
			if strings.HasPrefix(tag, prefix) {
				_, err := api.ImageRemove(ctx, tag, client.ImageRemoveOptions{})
				keep(err, "remove image tag "+tag)
			}
		}
	}
	if len(errs) > 0 {
		return &CleanupError{Prefix: prefix, Err: errors.Join(errs...)}
	}
	return nil
}
