package registry

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// digestOf is "sha256:" + the hex sha256 of parts joined by NUL bytes.
func digestOf(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// numberOf derives a deterministic uint64 from parts.
func numberOf(parts ...string) uint64 {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return binary.BigEndian.Uint64(sum[:8])
}

// build makes the Image of variant v of r for platform p, pulled as ref. key
// names the variant in derived digests; manifest, when set, is the manifest
// digest to report (a pull by an unlisted digest reports the digest it asked
// for). The manifest digest is the image index's, shared by all platforms;
// layers and ids of a non-default platform are derived from the platform too.
func (r *repo) build(v variant, key string, ref Reference, manifest string, p Platform) Image {
	name := r.ref.Name()
	indexKey := key
	if p != r.platforms[0] {
		key += "\x00" + p.String()
	}
	var base *Image
	ownSize := v.size
	if v.base != nil {
		bi := v.base.repo.build(*v.base.v, v.base.v.tags[0], v.base.ref, "", p)
		base = &bi
		ownSize -= bi.Size
	}
	var weights []int64
	var total int64
	for _, h := range r.history {
		if h.EmptyLayer {
			continue
		}
		w := h.Weight
		if w == 0 {
			w = 1
		}
		weights = append(weights, w)
		total += w
	}
	own := make([]Layer, len(weights))
	var used int64
	for i, w := range weights {
		size := ownSize * w / total
		if i == len(weights)-1 {
			size = ownSize - used
		}
		used += size
		own[i] = Layer{
			Digest:         digestOf("blob", name, key, strconv.Itoa(i)),
			DiffID:         digestOf("diff", name, key, strconv.Itoa(i)),
			Size:           size,
			CompressedSize: compressed(size),
		}
	}
	var layers []Layer
	var history []HistoryEntry
	if base != nil {
		layers = append(layers, base.Layers...)
		history = append(history, base.History...)
	}
	layers = append(layers, own...)
	li := 0
	for i, h := range r.history {
		created := v.created
		if i == 0 && base == nil {
			created = v.created.Add(-72 * time.Hour)
		}
		e := HistoryEntry{Created: created, CreatedBy: h.CreatedBy, Comment: h.Comment, EmptyLayer: h.EmptyLayer}
		if !h.EmptyLayer {
			e.Size = own[li].Size
			li++
		}
		history = append(history, e)
	}
	img := Image{
		Config:       cloneConfig(v.config),
		Size:         v.size,
		Architecture: p.Architecture,
		Variant:      p.Variant,
		Os:           p.OS,
		Author:       r.author,
		Created:      v.created,
		Layers:       layers,
		History:      history,
	}
	img.ID = contentID(img)
	img.ManifestDigest = manifest
	if img.ManifestDigest == "" {
		img.ManifestDigest = r.indexDigest(v, indexKey)
	}
	if ref.Tag() != "" {
		img.RepoTags = []string{ref.Familiar()}
	} else {
		img.RepoTags = []string{}
	}
	img.RepoDigests = []string{ref.FamiliarName() + "@" + img.ManifestDigest}
	return img
}

// indexDigest is the digest of the image index (manifest list) of variant v:
// what RepoDigests show, the same for every platform.
func (r *repo) indexDigest(v variant, key string) string {
	parts := []string{"index", r.ref.Name(), key, v.created.Format(time.RFC3339), strconv.FormatInt(v.size, 10)}
	for _, p := range r.platforms {
		parts = append(parts, p.String())
	}
	return digestOf(parts...)
}

// contentID is the image id: the digest of the image's content, like a real
// image id is the digest of its config blob.
func contentID(img Image) string {
	type hist struct {
		Created    time.Time `json:"created"`
		CreatedBy  string    `json:"created_by"`
		Comment    string    `json:"comment,omitempty"`
		EmptyLayer bool      `json:"empty_layer,omitempty"`
	}
	doc := struct {
		Architecture string                          `json:"architecture"`
		Os           string                          `json:"os"`
		Author       string                          `json:"author,omitempty"`
		Created      time.Time                       `json:"created"`
		Config       dockerspec.DockerOCIImageConfig `json:"config"`
		RootFS       ocispec.RootFS                  `json:"rootfs"`
		History      []hist                          `json:"history"`
	}{img.Architecture, img.Os, img.Author, img.Created, img.Config, ocispec.RootFS{Type: "layers"}, nil}
	for _, l := range img.Layers {
		doc.RootFS.DiffIDs = append(doc.RootFS.DiffIDs, digest.Digest(l.DiffID))
	}
	for _, h := range img.History {
		doc.History = append(doc.History, hist{h.Created, h.CreatedBy, h.Comment, h.EmptyLayer})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		// The document holds only strings, maps and times: Marshal cannot fail.
		panic(err)
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// derived makes the image of a tag or digest of r that the catalog does not
// list: the newest variant's config, with size, date and ids derived from ref.
func (r *repo) derived(ref Reference, p Platform) Image {
	base := r.variants[0]
	key := ref.TagOrDigest()
	n := numberOf("derived", ref.String())
	v := variant{
		tags:    []string{key},
		created: base.created.Add(-time.Duration(n%365) * 24 * time.Hour),
		size:    base.size - base.size/10 + int64((n>>16)%uint64(base.size/5+1)),
		config:  base.config,
		base:    base.base,
	}
	if v.base != nil && v.size <= v.base.v.size {
		v.size = v.base.v.size + base.size/10 + 1
	}
	return r.build(v, key, ref, ref.Digest(), p)
}

// syntheticEpoch anchors the creation dates of synthetic images.
var syntheticEpoch = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// syntheticBase is the catalog image synthetic images are built FROM.
const syntheticBase = "alpine:3.21"

// syntheticImage makes the image of a reference the catalog does not know: a
// small application image FROM alpine:3.21 (when the catalog has it) whose
// default command is /usr/local/bin/app in /app. Every derived value (ids,
// size, date) depends only on the canonical reference and the catalog.
func (c *Catalog) syntheticImage(ref Reference, p Platform) Image {
	n := numberOf("synthetic", ref.String())
	cfg := dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
		Env:        []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		Cmd:        []string{"/usr/local/bin/app"},
		WorkingDir: "/app",
	}}
	r := &repo{
		ref:       ref,
		platforms: []Platform{{OS: "linux", Architecture: "amd64"}},
		history: []historyFile{
			{CreatedBy: "WORKDIR /app", Comment: "buildkit.dockerfile.v0", EmptyLayer: true},
			{CreatedBy: "RUN /bin/sh -c apk add --no-cache ca-certificates tzdata # buildkit", Comment: "buildkit.dockerfile.v0", Weight: 1},
			{CreatedBy: "COPY app /usr/local/bin/app # buildkit", Comment: "buildkit.dockerfile.v0", Weight: 5},
			{CreatedBy: "CMD [\"/usr/local/bin/app\"]", Comment: "buildkit.dockerfile.v0", EmptyLayer: true},
		},
	}
	v := variant{
		created: syntheticEpoch.Add(-time.Duration(n%(365*24*3600)) * time.Second),
		size:    8_000_000 + int64((n>>20)%120_000_000),
		config:  cfg,
	}
	if bref, err := ParseReference(syntheticBase); err == nil {
		if br := c.repos[bref.Name()]; br != nil {
			for k := range br.variants {
				if slices.Contains(br.variants[k].tags, bref.Tag()) {
					v.base = &baseImage{ref: bref, repo: br, v: &br.variants[k]}
					v.size += br.variants[k].size
				}
			}
		}
	}
	if v.base == nil {
		// No base in the catalog: the image carries its own root filesystem.
		r.history = append([]historyFile{
			{CreatedBy: "ADD alpine-minirootfs-3.21.3-x86_64.tar.gz / # buildkit", Comment: "buildkit.dockerfile.v0", Weight: 2},
			{CreatedBy: "CMD [\"/bin/sh\"]", Comment: "buildkit.dockerfile.v0", EmptyLayer: true},
		}, r.history...)
	}
	if p == (Platform{}) {
		p = r.platforms[0]
	}
	img := r.build(v, ref.TagOrDigest(), ref, ref.Digest(), p)
	img.Synthetic = true
	return img
}

// compressed is the download size of a layer of size bytes.
func compressed(size int64) int64 {
	c := size * 2 / 5
	if c < 32 {
		c = 32
	}
	return c
}
