package emulator

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/emulator/build"
	"github.com/reconciler/reconciler/emulator/registry"
)

// ImageBuild builds an image from a tar build context with dockerd's classic
// builder (emulator/build) and stores it: the image (tagged with options.Tags; a
// tag taken from another image leaves that one dangling, as dockerd does), its
// files (ImageFiles) and the ids of the intermediate step images, so that a
// later build of the same Dockerfile and context reports " ---> Using cache".
// FROM images are taken from the engine's images, pulled when missing (as the
// classic builder does), subject to injected faults.
//
// A failure before the build starts (not a tar, no Dockerfile, syntax error, bad
// tag, unknown target, a RemoteContext) is returned as an error with dockerd's
// class and text, and nothing changes. A failure during the build (a RUN exiting
// non-zero, a COPY of a missing file, an unpullable base) is reported inside the
// returned stream, as dockerd answers 200 with it, and nothing is stored.
func (e *Engine) ImageBuild(ctx context.Context, buildContext io.Reader, options client.ImageBuildOptions) (client.ImageBuildResult, error) {
	if err := e.faultCheck(ctx, OpImageBuild, faultTarget{Names: options.Tags, Labels: options.Labels}); err != nil {
		return client.ImageBuildResult{}, err
	}
	if options.RemoteContext != "" {
		return client.ImageBuildResult{}, errInvalid("remote build contexts are not supported by the emulator: %s", options.RemoteContext)
	}
	cached, err := e.buildCacheIDs(ctx)
	if err != nil {
		return client.ImageBuildResult{}, err
	}
	opts := build.OptionsFrom(options)
	opts.Created = e.now()
	opts.Cached = func(id string) bool { return cached[id] }
	res, err := build.Build(ctx, buildContext, opts, build.ResolverFunc(e.resolveBase))
	if err != nil {
		if res == nil || len(res.Stream) == 0 {
			return client.ImageBuildResult{}, err
		}
		return client.ImageBuildResult{Body: io.NopCloser(bytes.NewReader(res.Stream))}, nil
	}
	if err := e.storeBuild(ctx, res); err != nil {
		return client.ImageBuildResult{}, err
	}
	return client.ImageBuildResult{Body: io.NopCloser(bytes.NewReader(res.Stream))}, nil
}

// ImageFiles returns the files of an image (by id or reference), sorted by
// path: a built image's as its build left them, a pulled catalog image's from
// the catalog (registry.Catalog.Files); nil for an image with neither.
// Unknown images are not found, as ImageInspect.
func (e *Engine) ImageFiles(ctx context.Context, ref string) ([]build.File, error) {
	var files []build.File
	err := e.view(ctx, func(s *state) error {
		im, err := s.lookupImage(ref)
		if err == nil {
			files = e.imageFilesLocked(s, im.ID)
		}
		return err
	})
	slices.SortFunc(files, func(a, b build.File) int { return strings.Compare(a.Path, b.Path) })
	return files, err
}

// buildCacheIDs returns the image ids a build may report as cached: the engine's
// images and the recorded intermediate step images.
func (e *Engine) buildCacheIDs(ctx context.Context) (map[string]bool, error) {
	ids := map[string]bool{}
	if err := e.view(ctx, func(s *state) error {
		for id := range s.images {
			ids[id] = true
		}
		return nil
	}); err != nil {
		return nil, err
	}
	err := e.rawRead(func(c *sql.Conn) error {
		rs, err := c.QueryContext(ctx, "SELECT id FROM build_cache")
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		defer rs.Close()
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				return fmt.Errorf("store: %w", err)
			}
			ids[id] = true
		}
		return rs.Err()
	})
	return ids, err
}

// resolveBase gives the builder a FROM image: the local one, or pulled first.
func (e *Engine) resolveBase(ctx context.Context, ref string) (build.BaseImage, error) {
	im, err := e.localImage(ctx, ref)
	if err != nil && cerrdefs.IsNotFound(err) && !strings.HasPrefix(ref, "sha256:") {
		rc, perr := e.ImagePull(ctx, ref, client.ImagePullOptions{})
		if perr != nil {
			return build.BaseImage{}, perr
		}
		if perr := rc.Wait(ctx); perr != nil {
			return build.BaseImage{}, perr
		}
		im, err = e.localImage(ctx, ref)
	}
	if err != nil {
		return build.BaseImage{}, err
	}
	files, err := e.ImageFiles(ctx, im.ID)
	if err != nil {
		return build.BaseImage{}, err
	}
	return build.BaseImage{Image: im.registryImage(), Files: files}, nil
}

func (e *Engine) localImage(ctx context.Context, ref string) (*imgRec, error) {
	var out *imgRec
	err := e.view(ctx, func(s *state) error {
		im, err := s.lookupImage(ref)
		if err == nil {
			out = cloneImage(im)
		}
		return err
	})
	return out, err
}

// registryImage converts a stored image to the builder's base image form. Layer
// sizes come from the non-empty history entries, which match the layers one to one.
func (im *imgRec) registryImage() registry.Image {
	out := registry.Image{
		ID: im.ID, Config: im.Config, Os: im.Os, Architecture: im.Architecture,
		Author: im.Author, Created: im.Created, Size: im.Size,
		RepoTags: familiarAll(im.RepoTags), RepoDigests: familiarAll(im.RepoDigests),
	}
	var sizes []int64
	for _, h := range im.History {
		out.History = append(out.History, registry.HistoryEntry{Created: h.Created, CreatedBy: h.CreatedBy,
			Comment: h.Comment, EmptyLayer: h.EmptyLayer, Size: h.Size})
		if !h.EmptyLayer {
			sizes = append(sizes, h.Size)
		}
	}
	for i, l := range im.Layers {
		var n int64
		if i < len(sizes) {
			n = sizes[i]
		}
		out.Layers = append(out.Layers, registry.Layer{Digest: l, DiffID: l, Size: n, CompressedSize: n})
	}
	return out
}

// storeBuild records a successful build in one transaction: the image with its
// tags (tag events), its files and the step ids.
func (e *Engine) storeBuild(ctx context.Context, res *build.Result) error {
	filesDoc, err := json.Marshal(res.Files)
	if err != nil {
		return err
	}
	return e.update(ctx, func(t *txn) error {
		ri := res.Image
		im := t.s.images[ri.ID]
		if im == nil {
			im = &imgRec{ID: ri.ID, Created: ri.Created, Config: ri.Config, Architecture: ri.Architecture,
				Os: ri.Os, Author: ri.Author, Size: ri.Size, Layers: ri.DiffIDs()}
			for _, h := range ri.History {
				im.History = append(im.History, imgHistory{Created: h.Created, CreatedBy: h.CreatedBy,
					Comment: h.Comment, Size: h.Size, EmptyLayer: h.EmptyLayer})
			}
		} else {
			im = cloneImage(im)
		}
		var tagged []string
		for _, tag := range ri.RepoTags {
			named, err := reference.ParseNormalizedNamed(tag)
			if err != nil {
				return errInvalid("invalid reference format: %s", tag)
			}
			named = reference.TagNameOnly(named)
			t.retag(named.String(), im)
			tagged = append(tagged, reference.FamiliarString(named))
		}
		t.putImage(im)
		for _, tag := range tagged {
			t.imageEvent(events.ActionTag, im, im.ID, tag)
		}
		c := t.e.st.conn
		if _, err := c.ExecContext(ctx, "INSERT OR REPLACE INTO image_files(id, doc) VALUES (?, ?)", im.ID, filesDoc); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		for _, id := range res.Steps {
			if _, err := c.ExecContext(ctx, "INSERT OR IGNORE INTO build_cache(id) VALUES (?)", id); err != nil {
				return fmt.Errorf("store: %w", err)
			}
		}
		return nil
	})
}
