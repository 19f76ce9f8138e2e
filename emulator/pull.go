package emulator

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// ImagePull pulls ref from the engine's image source and stores it under its tag.
func (e *Engine) ImagePull(ctx context.Context, ref string, options client.ImagePullOptions) (client.ImagePullResponse, error) {
	if err := e.faultCheck(ctx, OpImagePull, faultTarget{Image: ref}); err != nil { // fault injection (faults.go)
		return nil, err
	}
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return nil, errInvalid("invalid reference format: %s", strings.TrimPrefix(err.Error(), "invalid reference format: "))
	}
	named = reference.TagNameOnly(named)
	src, err := e.images.Resolve(named)
	if err != nil {
		return nil, err
	}
	var stream []byte
	err = e.update(ctx, func(t *txn) error {
		key := named.String()
		fresh := t.s.tags[key] != src.ID
		if _, ok := named.(reference.Digested); ok {
			fresh = t.s.images[src.ID] == nil
		}
		im := t.s.images[src.ID]
		if im == nil {
			im = &imgRec{
				ID: src.ID, Created: src.Created, Config: src.Config, Architecture: src.Architecture,
				Os: src.Os, Author: src.Author, Size: src.Size, Layers: src.Layers, History: src.History,
			}
		} else {
			im = cloneImage(im)
		}
		if _, ok := named.(reference.Digested); !ok {
			t.retag(key, im)
		}
		digestRef := reference.TrimNamed(named).Name() + "@" + src.Digest
		if !slices.Contains(im.RepoDigests, digestRef) {
			im.RepoDigests = append(im.RepoDigests, digestRef)
		}
		t.putImage(im)
		tagged := reference.FamiliarString(named)
		t.imageEvent(events.ActionPull, im, tagged, reference.FamiliarName(named))
		stream = src.Progress
		if !fresh {
			stream = src.UpToDate
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return newPullResponse(stream), nil
}

// pullResponse is the JSON progress stream of a pull, already complete.
type pullResponse struct {
	*bytes.Reader
	raw []byte
}

func newPullResponse(raw []byte) *pullResponse {
	return &pullResponse{Reader: bytes.NewReader(raw), raw: raw}
}

func (p *pullResponse) Close() error { return nil }

// JSONMessages yields the progress messages.
func (p *pullResponse) JSONMessages(ctx context.Context) iter.Seq2[jsonstream.Message, error] {
	return func(yield func(jsonstream.Message, error) bool) {
		sc := bufio.NewScanner(bytes.NewReader(p.raw))
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			if err := ctx.Err(); err != nil {
				yield(jsonstream.Message{}, err)
				return
			}
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var m jsonstream.Message
			err := json.Unmarshal(sc.Bytes(), &m)
			if !yield(m, err) || err != nil {
				return
			}
		}
	}
}

// Wait returns the stream's error message, if any.
func (p *pullResponse) Wait(ctx context.Context) error {
	for m, err := range p.JSONMessages(ctx) {
		if err != nil {
			return err
		}
		if m.Error != nil {
			return errInternal("%s", m.Error.Message)
		}
	}
	_, err := io.Copy(io.Discard, p.Reader)
	return err
}

// imageMatcher builds the predicate of an image list filter.
func (f filter) imageMatcher(s *state, now time.Time) (func(*imgRec) bool, error) {
	dangling, hasDangling, err := f.boolValue("dangling")
	if err != nil {
		return nil, err
	}
	until, err := f.until(now)
	if err != nil {
		return nil, err
	}
	var before, since time.Time
	for _, v := range f["before"] {
		im, err := s.lookupImage(v)
		if err != nil {
			return nil, err
		}
		before = im.Created
	}
	for _, v := range f["since"] {
		im, err := s.lookupImage(v)
		if err != nil {
			return nil, err
		}
		since = im.Created
	}
	return func(im *imgRec) bool {
		if hasDangling && dangling != (len(im.RepoTags) == 0) {
			return false
		}
		if !f.kvMatch("label", im.Config.Labels) {
			return false
		}
		if !before.IsZero() && !im.Created.Before(before) {
			return false
		}
		if !since.IsZero() && !im.Created.After(since) {
			return false
		}
		if !until.IsZero() && !im.Created.Before(until) {
			return false
		}
		if f.has("reference") {
			ok := false
			for _, r := range append(slices.Clone(im.RepoTags), im.RepoDigests...) {
				named, err := reference.ParseNormalizedNamed(r)
				if err != nil {
					continue
				}
				for _, pat := range f["reference"] {
					if m, _ := reference.FamiliarMatch(pat, named); m {
						ok = true
					}
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}, nil
}
