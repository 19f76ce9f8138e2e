package dockerpy

import (
	"context"

	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"
)

// VolumeCollection is docker-py's client.volumes.
type VolumeCollection struct {
	client *Client
}

// Create is docker-py's volumes.create: options.Name "" makes an anonymous
// volume; creating an existing name returns the existing volume unchanged, as
// dockerd does.
func (vc *VolumeCollection) Create(ctx context.Context, options client.VolumeCreateOptions) (*Volume, error) {
	res, err := vc.client.engine.VolumeCreate(ctx, options)
	if err != nil {
		return nil, wrap(err)
	}
	return &Volume{client: vc.client, attrs: res.Volume}, nil
}

// Get is docker-py's volumes.get: by exact name; a missing volume is a *NotFound.
func (vc *VolumeCollection) Get(ctx context.Context, name string) (*Volume, error) {
	res, err := vc.client.engine.VolumeInspect(ctx, name, client.VolumeInspectOptions{})
	if err != nil {
		return nil, wrap(err)
	}
	return &Volume{client: vc.client, attrs: res.Volume}, nil
}

// List is docker-py's volumes.list (filters: dangling, driver, label, name).
func (vc *VolumeCollection) List(ctx context.Context, filters client.Filters) ([]*Volume, error) {
	res, err := vc.client.engine.VolumeList(ctx, client.VolumeListOptions{Filters: filters})
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]*Volume, 0, len(res.Items))
	for _, v := range res.Items {
		out = append(out, &Volume{client: vc.client, attrs: v})
	}
	return out, nil
}

// Prune is docker-py's volumes.prune: remove volumes no container uses
// (anonymous ones only unless the filter all=true, from API 1.42).
func (vc *VolumeCollection) Prune(ctx context.Context, filters client.Filters) (volume.PruneReport, error) {
	res, err := vc.client.engine.VolumePrune(ctx, client.VolumePruneOptions{Filters: filters})
	return res.Report, wrap(err)
}

// Volume is docker-py's Volume model; its id is its name.
type Volume struct {
	client *Client
	attrs  volume.Volume
}

// Attrs is the volume document (GET /volumes/{name}) as last loaded.
func (v *Volume) Attrs() volume.Volume { return v.attrs }

// ID is the volume name, as docker-py's.
func (v *Volume) ID() string { return v.attrs.Name }

// ShortID is the first 12 characters of the name.
func (v *Volume) ShortID() string { return short(v.attrs.Name, 12) }

// Name is the volume name.
func (v *Volume) Name() string { return v.attrs.Name }

// Driver is the volume driver ("local").
func (v *Volume) Driver() string { return v.attrs.Driver }

// Labels are the volume labels (an empty, non-nil map when none).
func (v *Volume) Labels() map[string]string {
	if v.attrs.Labels == nil {
		return map[string]string{}
	}
	return v.attrs.Labels
}

// Reload re-inspects the volume.
func (v *Volume) Reload(ctx context.Context) error {
	res, err := v.client.engine.VolumeInspect(ctx, v.attrs.Name, client.VolumeInspectOptions{})
	if err != nil {
		return wrap(err)
	}
	v.attrs = res.Volume
	return nil
}

// Remove is docker-py's volume.remove(force).
func (v *Volume) Remove(ctx context.Context, force bool) error {
	_, err := v.client.engine.VolumeRemove(ctx, v.attrs.Name, client.VolumeRemoveOptions{Force: force})
	return wrap(err)
}
