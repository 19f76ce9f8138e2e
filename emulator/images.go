package emulator

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/client"
)

// familiar renders a stored normalized reference as dockerd shows it ("nginx:latest").
func familiar(ref string) string {
	n, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return ref
	}
	return reference.FamiliarString(n)
}

func familiarAll(refs []string) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, familiar(r))
	}
	return out
}

// lookupImage finds an image as dockerd does: by id (sha256:<hex> or bare hex,
// full or unique prefix) or by reference (tag or digest, normalized).
func (s *state) lookupImage(ref string) (*imgRec, error) {
	bare := strings.TrimPrefix(ref, "sha256:")
	if len(bare) == 64 && hexOnly.MatchString(bare) {
		if im := s.images["sha256:"+bare]; im != nil {
			return im, nil
		}
	}
	notFound := ref
	if named, err := reference.ParseNormalizedNamed(ref); err == nil {
		named = reference.TagNameOnly(named)
		if id, ok := s.tags[named.String()]; ok {
			return s.images[id], nil
		}
		notFound = reference.FamiliarString(named)
	}
	if bare != "" && hexOnly.MatchString(bare) {
		var found *imgRec
		for id, im := range s.images {
			if strings.HasPrefix(id[7:], bare) {
				if found != nil {
					return nil, errNotFound("No such image: %s", ref)
				}
				found = im
			}
		}
		if found != nil {
			return found, nil
		}
	}
	return nil, errNotFound("No such image: %s", notFound)
}

// imageUsers returns the containers created from the image, oldest first.
func (s *state) imageUsers(id string) []*ctrRec {
	var out []*ctrRec
	for _, c := range s.containers {
		if c.ImageID == id {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *ctrRec) int { return int(a.Seq - b.Seq) })
	return out
}

func (t *txn) imageEvent(action events.Action, im *imgRec, id, name string) {
	attrs := map[string]string{}
	if action != events.ActionDelete {
		for k, v := range im.Config.Labels {
			attrs[k] = v
		}
	}
	attrs["name"] = name
	t.emit(events.ImageEventType, action, id, attrs)
}

// retag points the normalized tag key at im, untagging the image that had it.
func (t *txn) retag(key string, im *imgRec) {
	if old, ok := t.s.tags[key]; ok && old != im.ID {
		prev := cloneImage(t.s.images[old])
		prev.RepoTags = slices.DeleteFunc(prev.RepoTags, func(r string) bool { return r == key })
		t.putImage(prev)
	}
	if !slices.Contains(im.RepoTags, key) {
		im.RepoTags = append(im.RepoTags, key)
		im.LastTagTime = t.now
	}
}

func cloneImage(im *imgRec) *imgRec {
	c := *im
	c.RepoTags = slices.Clone(im.RepoTags)
	c.RepoDigests = slices.Clone(im.RepoDigests)
	return &c
}

func (im *imgRec) summary(s *state) image.Summary {
	labels := im.Config.Labels
	if labels != nil {
		labels = cloneMap(labels)
	}
	return image.Summary{
		Containers:  -1,
		Created:     im.Created.Unix(),
		ID:          im.ID,
		Labels:      labels,
		RepoDigests: familiarAll(im.RepoDigests),
		RepoTags:    familiarAll(im.RepoTags),
		SharedSize:  -1,
		Size:        im.Size,
	}
}

func (im *imgRec) inspect() image.InspectResponse {
	cfg := im.Config
	cfg.Env = slices.Clone(cfg.Env)
	cfg.Cmd = slices.Clone(cfg.Cmd)
	cfg.Entrypoint = slices.Clone(cfg.Entrypoint)
	cfg.Labels = cloneMap(cfg.Labels)
	out := image.InspectResponse{
		ID:           im.ID,
		RepoTags:     familiarAll(im.RepoTags),
		RepoDigests:  familiarAll(im.RepoDigests),
		Comment:      im.Comment,
		Created:      im.Created.UTC().Format(time.RFC3339Nano),
		Author:       im.Author,
		Config:       &cfg,
		Architecture: im.Architecture,
		Os:           im.Os,
		Size:         im.Size,
		RootFS:       image.RootFS{Type: "layers", Layers: slices.Clone(im.Layers)},
		Metadata:     image.Metadata{LastTagTime: im.LastTagTime},
	}
	return out
}

// ImageInspect returns the image as GET /images/{name}/json shows it.
func (e *Engine) ImageInspect(ctx context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	var out client.ImageInspectResult
	err := e.view(ctx, func(s *state) error {
		im, err := s.lookupImage(ref)
		if err != nil {
			return errNotFound("no such image: %s: %s", ref, err.Error())
		}
		out.InspectResponse = im.inspect()
		return nil
	})
	return out, err
}

// ImageHistory returns the image's history, newest first.
func (e *Engine) ImageHistory(ctx context.Context, ref string, _ ...client.ImageHistoryOption) (client.ImageHistoryResult, error) {
	var out client.ImageHistoryResult
	err := e.view(ctx, func(s *state) error {
		im, err := s.lookupImage(ref)
		if err != nil {
			return err
		}
		for i := len(im.History) - 1; i >= 0; i-- {
			h := im.History[i]
			item := image.HistoryResponseItem{Comment: h.Comment, Created: h.Created.Unix(), CreatedBy: h.CreatedBy, ID: "<missing>", Size: h.Size}
			if i == len(im.History)-1 {
				item.ID = im.ID
				if len(im.RepoTags) > 0 {
					item.Tags = familiarAll(im.RepoTags)
				}
			}
			out.Items = append(out.Items, item)
		}
		return nil
	})
	return out, err
}

// ImageList lists images, newest first, filtered as dockerd filters them.
func (e *Engine) ImageList(ctx context.Context, options client.ImageListOptions) (client.ImageListResult, error) {
	out := client.ImageListResult{Items: []image.Summary{}}
	f, err := newFilter(options.Filters, imageListFilters)
	if err != nil {
		return out, err
	}
	err = e.view(ctx, func(s *state) error {
		match, err := f.imageMatcher(s, e.now())
		if err != nil {
			return err
		}
		for _, im := range s.images {
			if match(im) {
				out.Items = append(out.Items, im.summary(s))
			}
		}
		sort.Slice(out.Items, func(i, j int) bool {
			if out.Items[i].Created != out.Items[j].Created {
				return out.Items[i].Created > out.Items[j].Created
			}
			return out.Items[i].ID < out.Items[j].ID
		})
		return nil
	})
	return out, err
}

// ImageTag adds the tag Target to the image Source.
func (e *Engine) ImageTag(ctx context.Context, options client.ImageTagOptions) (client.ImageTagResult, error) {
	if _, err := reference.ParseAnyReference(options.Source); err != nil {
		return client.ImageTagResult{}, errInvalid("error parsing reference: %q is not a valid repository/tag: %s", options.Source, err)
	}
	target, err := reference.ParseNormalizedNamed(options.Target)
	if err != nil {
		return client.ImageTagResult{}, errInvalid("error parsing reference: %q is not a valid repository/tag: %s", options.Target, err)
	}
	if _, ok := target.(reference.Digested); ok {
		return client.ImageTagResult{}, errInvalid("refusing to create a tag with a digest reference")
	}
	target = reference.TagNameOnly(target)
	err = e.update(ctx, func(t *txn) error {
		im, err := t.s.lookupImage(options.Source)
		if err != nil {
			return err
		}
		im = cloneImage(im)
		t.retag(target.String(), im)
		im.LastTagTime = t.now
		t.putImage(im)
		t.imageEvent(events.ActionTag, im, im.ID, reference.FamiliarString(target))
		return nil
	})
	return client.ImageTagResult{}, err
}

// ImageRemove untags and deletes an image as dockerd does: removing a tag of an image
// with other tags only untags; an image in use is a conflict unless forced (and a
// running container's image is never deleted, only untagged).
func (e *Engine) ImageRemove(ctx context.Context, ref string, options client.ImageRemoveOptions) (client.ImageRemoveResult, error) {
	var out client.ImageRemoveResult
	err := e.update(ctx, func(t *txn) error {
		im, err := t.s.lookupImage(ref)
		if err != nil {
			return err
		}
		items, err := t.deleteImage(im, ref, options.Force)
		out.Items = items
		return err
	})
	return out, err
}

// singleReference is dockerd's isSingleReference: the image has one tag (plus
// digests of that tag's repository only), so untagging would leave it dangling.
func singleReference(im *imgRec) bool {
	if len(im.RepoTags) > 1 {
		return false
	}
	if len(im.RepoTags)+len(im.RepoDigests) <= 1 {
		return len(im.RepoTags)+len(im.RepoDigests) == 1
	}
	repos := map[string]bool{}
	for _, d := range im.RepoDigests {
		if n, err := reference.ParseNormalizedNamed(d); err == nil {
			repos[n.Name()] = true
		}
	}
	single := ""
	if len(im.RepoTags) == 1 {
		if n, err := reference.ParseNormalizedNamed(im.RepoTags[0]); err == nil {
			single = n.Name()
		}
	} else if n, err := reference.ParseNormalizedNamed(im.RepoDigests[0]); err == nil {
		single = n.Name()
	}
	return len(repos) == 1 && repos[single]
}

func isIDPrefix(id, ref string) bool {
	ref = strings.TrimPrefix(ref, "sha256:")
	return ref != "" && strings.HasPrefix(strings.TrimPrefix(id, "sha256:"), ref)
}

func (t *txn) deleteImage(im *imgRec, ref string, force bool) ([]image.DeleteResponse, error) {
	var items []image.DeleteResponse
	users := t.s.imageUsers(im.ID)
	var running, stopped *ctrRec
	for _, c := range users {
		if c.State.Running {
			if running == nil {
				running = c
			}
		} else if stopped == nil {
			stopped = c
		}
	}
	im = cloneImage(im)
	untag := func(key string) {
		im.RepoTags = slices.DeleteFunc(im.RepoTags, func(r string) bool { return r == key })
		im.RepoDigests = slices.DeleteFunc(im.RepoDigests, func(r string) bool { return r == key })
		items = append(items, image.DeleteResponse{Untagged: familiar(key)})
		t.imageEvent(events.ActionUnTag, im, im.ID, im.ID)
	}
	quiet := false
	if !isIDPrefix(im.ID, ref) {
		named, err := reference.ParseNormalizedNamed(ref)
		if err != nil {
			return nil, errInvalid("invalid reference format")
		}
		key := reference.TagNameOnly(named).String()
		if !force && len(users) > 0 && singleReference(im) {
			return nil, errConflict("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s",
				ref, shortID(users[0].ID), shortID(im.ID))
		}
		untag(key)
		// A digest reference of the same repository goes with its last tag.
		repo := reference.TrimNamed(named).Name()
		if !slices.ContainsFunc(im.RepoTags, func(r string) bool { return strings.HasPrefix(r, repo+":") }) {
			for _, d := range slices.Clone(im.RepoDigests) {
				if strings.HasPrefix(d, repo+"@") {
					untag(d)
				}
			}
		}
		if len(im.RepoTags)+len(im.RepoDigests) > 0 {
			t.putImage(im)
			return items, nil
		}
		quiet = true
	} else {
		repos := map[string]bool{}
		for _, r := range append(slices.Clone(im.RepoTags), im.RepoDigests...) {
			if n, err := reference.ParseNormalizedNamed(r); err == nil {
				repos[n.Name()] = true
			}
		}
		if len(repos) > 1 && !force {
			return nil, errConflict("conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories", shortID(im.ID))
		}
	}
	// Conflicts with containers: a running one blocks even a forced delete, a stopped
	// one blocks an unforced delete. After an untag they are reported quietly.
	if running != nil || (stopped != nil && !force) {
		if quiet {
			t.putImage(im)
			return items, nil
		}
		if running != nil {
			return nil, errConflict("conflict: unable to delete %s (cannot be forced) - image is being used by running container %s", shortID(im.ID), shortID(running.ID))
		}
		return nil, errConflict("conflict: unable to delete %s (must be forced) - image is being used by stopped container %s", shortID(im.ID), shortID(stopped.ID))
	}
	for _, r := range slices.Clone(im.RepoTags) {
		untag(r)
	}
	for _, r := range slices.Clone(im.RepoDigests) {
		untag(r)
	}
	items = append(items, image.DeleteResponse{Deleted: im.ID})
	t.delImage(im.ID)
	t.imageEvent(events.ActionDelete, im, im.ID, im.ID)
	return items, nil
}

// ImagePrune removes unused dangling images (all unused ones with dangling=false).
func (e *Engine) ImagePrune(ctx context.Context, opts client.ImagePruneOptions) (client.ImagePruneResult, error) {
	var out client.ImagePruneResult
	f, err := newFilter(opts.Filters, imagePruneFilters)
	if err != nil {
		return out, err
	}
	danglingOnly := true
	if v, ok, err := f.boolValue("dangling"); err != nil {
		return out, err
	} else if ok {
		danglingOnly = v
	}
	err = e.update(ctx, func(t *txn) error {
		until, err := f.until(t.now)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(t.s.images))
		for id := range t.s.images {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			im := t.s.images[id]
			if danglingOnly && len(im.RepoTags) > 0 {
				continue
			}
			if len(t.s.imageUsers(id)) > 0 || !f.labelsMatch(im.Config.Labels) || (!until.IsZero() && !im.Created.Before(until)) {
				continue
			}
			items, err := t.deleteImage(im, im.ID, true)
			if err != nil {
				return err
			}
			out.Report.ImagesDeleted = append(out.Report.ImagesDeleted, items...)
			out.Report.SpaceReclaimed += uint64(im.Size)
		}
		t.emit(events.ImageEventType, events.ActionPrune, "", map[string]string{"reclaimed": strconv.FormatUint(out.Report.SpaceReclaimed, 10)})
		return nil
	})
	return out, err
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
