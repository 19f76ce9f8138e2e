package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/distribution/reference"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/jsonstream"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// ImageSource is where ImagePull gets images: a simulated registry. Resolve is given
// a normalized reference (docker.io/library/nginx:latest) and returns the image a
// pull of it yields, or an error satisfying cerrdefs.IsNotFound when the registry
// has no such image. It must be deterministic: the same reference gives the same
// image in every process.
type ImageSource interface {
	Resolve(ref reference.Named) (SourceImage, error)
}

// SourceImage is an image as a registry serves it.
type SourceImage struct {
	ID           string // sha256:<64 hex>, the digest of the config
	Digest       string // manifest digest, sha256:<64 hex>
	Config       dockerspec.DockerOCIImageConfig
	Architecture string
	Os           string
	Author       string
	Created      time.Time
	Size         int64
	Layers       []string // RootFS diff ids, oldest first
	History      []imgHistory
	// Progress is the JSON-lines progress stream of a pull that downloads it; nil
	// means the engine writes a plain one.
	Progress []byte
}

// builtinSource is a small deterministic source used until a catalog is plugged in
// with WithImageSource: a few common images with their real default configuration,
// and a synthetic image for any other well-formed reference.
type builtinSource struct{}

func defaultImageSource() ImageSource { return builtinSource{} }

type builtinImage struct {
	cmd, entrypoint []string
	env             []string
	ports           []string
	volumes         []string
	workdir         string
	stopSignal      string
	size            int64
}

var builtinImages = map[string]builtinImage{
	"docker.io/library/busybox": {cmd: []string{"sh"}, size: 4_261_550},
	"docker.io/library/alpine":  {cmd: []string{"/bin/sh"}, size: 8_310_000},
	"docker.io/library/nginx": {cmd: []string{"nginx", "-g", "daemon off;"}, entrypoint: []string{"/docker-entrypoint.sh"},
		ports: []string{"80/tcp"}, stopSignal: "SIGQUIT", size: 192_000_000},
	"docker.io/library/redis": {cmd: []string{"redis-server"}, entrypoint: []string{"docker-entrypoint.sh"},
		ports: []string{"6379/tcp"}, volumes: []string{"/data"}, workdir: "/data", size: 117_000_000},
	"docker.io/library/postgres": {cmd: []string{"postgres"}, entrypoint: []string{"docker-entrypoint.sh"},
		ports: []string{"5432/tcp"}, volumes: []string{"/var/lib/postgresql/data"}, stopSignal: "SIGINT",
		env: []string{"PGDATA=/var/lib/postgresql/data"}, size: 438_000_000},
}

func digestOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func (builtinSource) Resolve(ref reference.Named) (SourceImage, error) {
	spec, ok := builtinImages[ref.Name()]
	if !ok {
		spec = builtinImage{cmd: []string{"sh"}, size: 5_000_000}
	}
	env := append([]string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, spec.env...)
	cfg := dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
		Cmd: spec.cmd, Entrypoint: spec.entrypoint, Env: env, WorkingDir: spec.workdir, StopSignal: spec.stopSignal,
	}}
	if len(spec.ports) > 0 {
		cfg.ExposedPorts = map[string]struct{}{}
		for _, p := range spec.ports {
			cfg.ExposedPorts[p] = struct{}{}
		}
	}
	if len(spec.volumes) > 0 {
		cfg.Volumes = map[string]struct{}{}
		for _, v := range spec.volumes {
			cfg.Volumes[v] = struct{}{}
		}
	}
	seed := reference.TagNameOnly(ref).String()
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(seed[len(seed)/2]) * time.Hour)
	layer := digestOf("layer", seed)
	cfgJSON, _ := json.Marshal(cfg) //nolint:errchkjson // plain struct
	return SourceImage{
		ID:           digestOf("config", seed, string(cfgJSON)),
		Digest:       digestOf("manifest", seed),
		Config:       cfg,
		Architecture: "amd64",
		Os:           "linux",
		Created:      created,
		Size:         spec.size,
		Layers:       []string{layer},
		History: []imgHistory{
			{Created: created, CreatedBy: "/bin/sh -c #(nop) ADD file:" + layer[7:19] + " in / ", Size: spec.size},
			{Created: created, CreatedBy: fmt.Sprintf("/bin/sh -c #(nop)  CMD %q", spec.cmd), EmptyLayer: true},
		},
	}, nil
}

// plainProgress is the progress stream of a pull when the source gives none.
func plainProgress(ref reference.Named, img SourceImage, fresh bool) []jsonstream.Message {
	tagged := reference.TagNameOnly(ref)
	tag := ""
	if t, ok := tagged.(reference.Tagged); ok {
		tag = t.Tag()
	}
	fam := reference.FamiliarString(tagged)
	msgs := []jsonstream.Message{{Status: "Pulling from " + reference.Path(ref), ID: tag}}
	if fresh {
		for _, l := range img.Layers {
			id := shortID(l)
			msgs = append(msgs,
				jsonstream.Message{Status: "Pulling fs layer", ID: id, Progress: &jsonstream.Progress{}},
				jsonstream.Message{Status: "Download complete", ID: id, Progress: &jsonstream.Progress{}},
				jsonstream.Message{Status: "Pull complete", ID: id, Progress: &jsonstream.Progress{}})
		}
	}
	msgs = append(msgs, jsonstream.Message{Status: "Digest: " + img.Digest})
	if fresh {
		msgs = append(msgs, jsonstream.Message{Status: "Status: Downloaded newer image for " + fam})
	} else {
		msgs = append(msgs, jsonstream.Message{Status: "Status: Image is up to date for " + fam})
	}
	return msgs
}
