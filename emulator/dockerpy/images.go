package dockerpy

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/reconciler/reconciler/emulator/registry"
)

// ImageCollection is docker-py's client.images.
type ImageCollection struct {
	client *Client
}

// PullOptions are docker-py's images.pull arguments beyond the repository.
type PullOptions struct {
	// Tag is the tag (or "sha256:..." digest) to pull; "" means the tag in
	// the repository argument, else "latest".
	Tag string
	// Platform ("linux/arm64") pulls that platform's image; "" is the engine's.
	Platform string
}

// Pull is docker-py's images.pull: pull repository (optionally "repo:tag" or
// "repo@digest"), wait for the stream to finish, then load the image. A pull
// the registry refuses is an *ImageNotFound.
func (ic *ImageCollection) Pull(ctx context.Context, repository string, opts PullOptions) (*Image, error) {
	repo, tag := ParseRepositoryTag(repository)
	if opts.Tag != "" {
		tag = opts.Tag
	}
	if tag == "" {
		tag = "latest"
	}
	ref := repo + ":" + tag
	if strings.HasPrefix(tag, "sha256:") {
		ref = repo + "@" + tag
	}
	var po client.ImagePullOptions
	if opts.Platform != "" {
		p, err := registry.ParsePlatform(opts.Platform)
		if err != nil {
			return nil, fmt.Errorf("dockerpy: images.pull: platform: %w", err)
		}
		po.Platforms = []ocispec.Platform{{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant}}
	}
	resp, err := ic.client.engine.ImagePull(ctx, ref, po)
	if err != nil {
		return nil, wrapImage(err)
	}
	err = resp.Wait(ctx)
	_ = resp.Close()
	if err != nil {
		return nil, wrapImage(err)
	}
	return ic.Get(ctx, ref)
}

// ParseRepositoryTag splits "repo:tag" or "repo@digest" as docker-py's
// parse_repository_tag does; a colon inside a registry host:port is not a tag.
func ParseRepositoryTag(s string) (repo, tag string) {
	if r, d, ok := strings.Cut(s, "@"); ok {
		return r, d
	}
	i := strings.LastIndex(s, ":")
	if i < 0 || strings.Contains(s[i+1:], "/") {
		return s, ""
	}
	return s[:i], s[i+1:]
}

// Get is docker-py's images.get: inspect by reference, id or id prefix; a
// missing image is an *ImageNotFound.
func (ic *ImageCollection) Get(ctx context.Context, name string) (*Image, error) {
	res, err := ic.client.engine.ImageInspect(ctx, name)
	if err != nil {
		return nil, wrapImage(err)
	}
	return &Image{client: ic.client, attrs: res.InspectResponse}, nil
}

// ImageListOptions are docker-py's images.list arguments.
type ImageListOptions struct {
	// Name keeps images whose reference matches (filter "reference").
	Name string
	// All includes intermediate images.
	All bool
	// Filters as the Engine API takes them: dangling, label, reference, before, since.
	Filters client.Filters
}

// List is docker-py's images.list: list, then inspect each image.
func (ic *ImageCollection) List(ctx context.Context, opts ImageListOptions) ([]*Image, error) {
	f := opts.Filters
	if opts.Name != "" {
		f = f.Clone().Add("reference", opts.Name)
	}
	res, err := ic.client.engine.ImageList(ctx, client.ImageListOptions{All: opts.All, Filters: f})
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]*Image, 0, len(res.Items))
	for _, s := range res.Items {
		img, err := ic.Get(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}

// ImageRemoveOptions are docker-py's images.remove arguments.
type ImageRemoveOptions struct {
	Force   bool
	NoPrune bool
}

// Remove is docker-py's images.remove: the Untagged/Deleted entries dockerd reports.
func (ic *ImageCollection) Remove(ctx context.Context, name string, opts ImageRemoveOptions) ([]image.DeleteResponse, error) {
	res, err := ic.client.engine.ImageRemove(ctx, name, client.ImageRemoveOptions{Force: opts.Force, PruneChildren: !opts.NoPrune})
	if err != nil {
		return nil, wrapImage(err)
	}
	return res.Items, nil
}

// Prune is docker-py's images.prune: dangling images only unless the filter
// dangling=false is given.
func (ic *ImageCollection) Prune(ctx context.Context, filters client.Filters) (image.PruneReport, error) {
	res, err := ic.client.engine.ImagePrune(ctx, client.ImagePruneOptions{Filters: filters})
	return res.Report, wrap(err)
}

// Image is docker-py's Image model: the inspect document it was loaded with.
type Image struct {
	client *Client
	attrs  image.InspectResponse
}

// Attrs is the inspect document (GET /images/{name}/json) as last loaded.
func (i *Image) Attrs() image.InspectResponse { return i.attrs }

// ID is "sha256:<64 hex>".
func (i *Image) ID() string { return i.attrs.ID }

// ShortID is "sha256:" and the first 12 hex characters, as docker-py's.
func (i *Image) ShortID() string {
	if strings.HasPrefix(i.attrs.ID, "sha256:") {
		return short(i.attrs.ID, 19)
	}
	return short(i.attrs.ID, 12)
}

// Tags are the RepoTags, without "<none>:<none>".
func (i *Image) Tags() []string {
	out := []string{}
	for _, t := range i.attrs.RepoTags {
		if t != "<none>:<none>" {
			out = append(out, t)
		}
	}
	return out
}

// Labels are Config.Labels (an empty, non-nil map when none).
func (i *Image) Labels() map[string]string {
	if i.attrs.Config == nil || i.attrs.Config.Labels == nil {
		return map[string]string{}
	}
	return i.attrs.Config.Labels
}

// Size is the image size in bytes.
func (i *Image) Size() int64 { return i.attrs.Size }

// Reload re-inspects the image by id.
func (i *Image) Reload(ctx context.Context) error {
	res, err := i.client.engine.ImageInspect(ctx, i.attrs.ID)
	if err != nil {
		return wrapImage(err)
	}
	i.attrs = res.InspectResponse
	return nil
}

// Tag is docker-py's image.tag(repository, tag): add repository:tag ("" means
// "latest") to the image, then reload it so Tags includes the new tag. (docker-py
// does not reload; this layer does, so Tags reflects the call.)
func (i *Image) Tag(ctx context.Context, repository, tag string) error {
	target := repository
	if tag != "" {
		target += ":" + tag
	}
	if _, err := i.client.engine.ImageTag(ctx, client.ImageTagOptions{Source: i.attrs.ID, Target: target}); err != nil {
		return wrapImage(err)
	}
	return i.Reload(ctx)
}

// History is docker-py's image.history(): newest first.
func (i *Image) History(ctx context.Context) ([]image.HistoryResponseItem, error) {
	res, err := i.client.engine.ImageHistory(ctx, i.attrs.ID)
	if err != nil {
		return nil, wrapImage(err)
	}
	return res.Items, nil
}

// Remove removes this image (docker-py 6.0's image.remove).
func (i *Image) Remove(ctx context.Context, opts ImageRemoveOptions) ([]image.DeleteResponse, error) {
	return i.client.Images.Remove(ctx, i.attrs.ID, opts)
}
