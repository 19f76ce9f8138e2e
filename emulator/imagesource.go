package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/reconciler/reconciler/emulator/registry"
)

// ImageSource is where ImagePull gets images: a simulated registry. Resolve is given
// a normalized reference (docker.io/library/nginx:latest) and returns the image a
// pull of it yields, or an error satisfying cerrdefs.IsNotFound when the registry
// refuses it. It must be deterministic: the same reference gives the same image in
// every process.
type ImageSource interface {
	Resolve(ref reference.Named) (SourceImage, error)
}

// SourceImage is an image as a registry serves it.
type SourceImage struct {
	ID           string // sha256:<64 hex>, the image id
	Digest       string // manifest digest, sha256:<64 hex>
	Config       dockerspec.DockerOCIImageConfig
	Architecture string
	Os           string
	Author       string
	Created      time.Time
	Size         int64
	Layers       []string // RootFS diff ids, oldest first
	History      []imgHistory
	// Progress is the JSON-lines stream of a pull that downloads the image;
	// UpToDate the one of a pull that finds it present. Nil means the engine
	// writes a plain stream.
	Progress, UpToDate []byte
}

// WithCatalog makes ImagePull resolve references in the registry catalog c (for
// example one with denied repositories, to inject pull failures).
func WithCatalog(c *registry.Catalog) Option {
	return func(e *Engine) { e.images = catalogSource{c} }
}

// catalogSource adapts a registry.Catalog (the default: registry.Default()).
type catalogSource struct{ c *registry.Catalog }

func defaultImageSource() ImageSource { return catalogSource{registry.Default()} }

func (s catalogSource) Resolve(named reference.Named) (SourceImage, error) {
	ref, err := registry.ParseReference(named.String())
	if err != nil {
		return SourceImage{}, err
	}
	img, err := s.c.Resolve(ref)
	if err != nil {
		return SourceImage{}, err
	}
	out := SourceImage{
		ID: img.ID, Digest: img.ManifestDigest, Config: img.Config, Architecture: img.Architecture, Os: img.Os,
		Author: img.Author, Created: img.Created, Size: img.Size, Layers: img.DiffIDs(),
		Progress: registry.PullProgress(img, ref), UpToDate: registry.PullProgressUpToDate(img, ref),
	}
	for _, h := range img.History {
		out.History = append(out.History, imgHistory{Created: h.Created, CreatedBy: h.CreatedBy, Comment: h.Comment,
			Size: h.Size, EmptyLayer: h.EmptyLayer})
	}
	return out, nil
}

func digestOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
