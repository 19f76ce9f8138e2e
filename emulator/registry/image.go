package registry

import (
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/image"
)

// Image is what a pull of one reference produces: the image config as the
// registry serves it, plus the names dockerd records locally for that pull.
//
// Invariants: ID is "sha256:" + 64 lower-case hex and is the digest of the
// image's content (config, layers and history), so two references resolving to
// the same catalog variant have the same ID; RepoTags holds at most the pulled
// tag in familiar form ("nginx:latest"), RepoDigests the familiar repository at
// ManifestDigest ("nginx@sha256:..."); Layers and the non-empty History entries
// correspond one to one, oldest first; Size is the sum of the layer sizes.
type Image struct {
	ID             string
	RepoTags       []string
	RepoDigests    []string
	ManifestDigest string
	Config         dockerspec.DockerOCIImageConfig
	Size           int64
	Architecture   string
	Variant        string
	Os             string
	Author         string
	Created        time.Time
	Layers         []Layer
	History        []HistoryEntry
	// Synthetic is true when the reference is not in the catalog and the
	// image was made up from the reference alone.
	Synthetic bool
}

// Layer is one filesystem layer.
type Layer struct {
	// Digest is the compressed blob digest the registry serves ("sha256:...");
	// its first 12 hex characters are the id in pull progress lines.
	Digest string
	// DiffID is the uncompressed digest listed in RootFS.Layers.
	DiffID string
	// Size is the uncompressed size in bytes.
	Size int64
	// CompressedSize is the download size in bytes.
	CompressedSize int64
}

// HistoryEntry is one step of the image's build history, oldest first.
type HistoryEntry struct {
	Created    time.Time
	CreatedBy  string
	Comment    string
	EmptyLayer bool
	// Size is the size of the layer this step made (0 for empty layers).
	Size int64
}

// ShortID is the 12-hex-character form of the ID, as `docker images` prints it.
func (img Image) ShortID() string {
	if len(img.ID) < 7+12 {
		return img.ID
	}
	return img.ID[7 : 7+12]
}

// DiffIDs lists the RootFS layer digests, oldest first.
func (img Image) DiffIDs() []string {
	out := make([]string, len(img.Layers))
	for i, l := range img.Layers {
		out[i] = l.DiffID
	}
	return out
}

// InspectResponse renders the image as GET /images/{name}/json shows it. The
// returned value shares no memory with img.
func (img Image) InspectResponse() image.InspectResponse {
	cfg := cloneConfig(img.Config)
	return image.InspectResponse{
		ID:           img.ID,
		RepoTags:     nonNil(img.RepoTags),
		RepoDigests:  nonNil(img.RepoDigests),
		Created:      img.Created.UTC().Format(time.RFC3339Nano),
		Author:       img.Author,
		Config:       &cfg,
		Architecture: img.Architecture,
		Variant:      img.Variant,
		Os:           img.Os,
		Size:         img.Size,
		RootFS:       image.RootFS{Type: "layers", Layers: img.DiffIDs()},
	}
}

// HistoryResponse renders GET /images/{name}/history: newest first, the top
// entry carries the image ID and tags, older entries of a pulled image have
// the id "<missing>" as dockerd shows them.
func (img Image) HistoryResponse(tags []string) []image.HistoryResponseItem {
	out := make([]image.HistoryResponseItem, 0, len(img.History))
	for i := len(img.History) - 1; i >= 0; i-- {
		h := img.History[i]
		item := image.HistoryResponseItem{
			Comment:   h.Comment,
			Created:   h.Created.Unix(),
			CreatedBy: h.CreatedBy,
			ID:        "<missing>",
			Size:      h.Size,
		}
		if i == len(img.History)-1 {
			item.ID = img.ID
			if len(tags) > 0 {
				item.Tags = append([]string(nil), tags...)
			}
		}
		out = append(out, item)
	}
	return out
}

// Clone returns a deep copy of img.
func (img Image) Clone() Image {
	out := img
	out.RepoTags = append([]string(nil), img.RepoTags...)
	out.RepoDigests = append([]string(nil), img.RepoDigests...)
	out.Config = cloneConfig(img.Config)
	out.Layers = append([]Layer(nil), img.Layers...)
	out.History = append([]HistoryEntry(nil), img.History...)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string(nil), s...)
}

func cloneConfig(c dockerspec.DockerOCIImageConfig) dockerspec.DockerOCIImageConfig {
	out := c
	out.Env = cloneSlice(c.Env)
	out.Entrypoint = cloneSlice(c.Entrypoint)
	out.Cmd = cloneSlice(c.Cmd)
	out.OnBuild = cloneSlice(c.OnBuild)
	out.Shell = cloneSlice(c.Shell)
	out.ExposedPorts = cloneSet(c.ExposedPorts)
	out.Volumes = cloneSet(c.Volumes)
	if c.Labels != nil {
		out.Labels = make(map[string]string, len(c.Labels))
		for k, v := range c.Labels {
			out.Labels[k] = v
		}
	}
	if c.Healthcheck != nil {
		hc := *c.Healthcheck
		hc.Test = cloneSlice(c.Healthcheck.Test)
		out.Healthcheck = &hc
	}
	return out
}

func cloneSlice(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}

func cloneSet(m map[string]struct{}) map[string]struct{} {
	if m == nil {
		return nil
	}
	out := make(map[string]struct{}, len(m))
	for k := range m {
		out[k] = struct{}{}
	}
	return out
}
