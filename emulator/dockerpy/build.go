package dockerpy

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"
)

// BuildOptions are docker-py's images.build arguments.
type BuildOptions struct {
	// Path is a directory sent as the build context; Fileobj, when set
	// instead, is a tar of the context.
	Path    string
	Fileobj io.Reader
	// Tag names the image ("myapp:latest").
	Tag string
	// Dockerfile is the Dockerfile path inside the context ("" = "Dockerfile").
	Dockerfile string
	BuildArgs  map[string]string
	Labels     map[string]string
	Target     string
	NoCache    bool
	Pull       bool
	Rm         bool
	ForceRm    bool
}

// ErrBuildUnsupported is returned by Images.Build when the engine has no
// ImageBuild method. It satisfies cerrdefs.IsNotImplemented.
var ErrBuildUnsupported = fmt.Errorf("dockerpy: images.build: the engine does not build images: %w", cerrdefs.ErrNotImplemented)

var successfullyBuilt = regexp.MustCompile(`(^Successfully built |sha256:)([0-9a-f]+)$`)

// Build is docker-py's images.build: send the context, read the build stream,
// and load the built image. It returns the stream's messages as docker-py
// returns its log generator. An "error" message in the stream is a
// *BuildError carrying the log; an engine without builds gives
// ErrBuildUnsupported.
func (ic *ImageCollection) Build(ctx context.Context, opts BuildOptions) (*Image, []jsonstream.Message, error) {
	be, ok := ic.client.engine.(buildEngine)
	if !ok {
		return nil, nil, ErrBuildUnsupported
	}
	buildCtx := opts.Fileobj
	if buildCtx == nil {
		if opts.Path == "" {
			return nil, nil, fmt.Errorf("dockerpy: images.build: either path or fileobj needs to be provided")
		}
		tarball, err := tarDirectory(opts.Path)
		if err != nil {
			return nil, nil, err
		}
		buildCtx = bytes.NewReader(tarball)
	}
	bo := client.ImageBuildOptions{
		Dockerfile: opts.Dockerfile, Labels: opts.Labels, Target: opts.Target,
		NoCache: opts.NoCache, PullParent: opts.Pull, Remove: opts.Rm, ForceRemove: opts.ForceRm,
	}
	if opts.Tag != "" {
		bo.Tags = []string{opts.Tag}
	}
	if len(opts.BuildArgs) > 0 {
		bo.BuildArgs = map[string]*string{}
		for k, v := range opts.BuildArgs {
			bo.BuildArgs[k] = &v
		}
	}
	res, err := be.ImageBuild(ctx, buildCtx, bo)
	if err != nil {
		return nil, nil, wrap(err)
	}
	defer res.Body.Close()
	var log []jsonstream.Message
	var lines []string
	imageID := ""
	dec := json.NewDecoder(res.Body)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, log, fmt.Errorf("dockerpy: images.build: reading the build stream: %w", err)
		}
		log = append(log, m)
		if m.Stream != "" {
			lines = append(lines, m.Stream)
			if sm := successfullyBuilt.FindStringSubmatch(strings.TrimSpace(m.Stream)); sm != nil {
				imageID = sm[2]
			}
		}
		if m.Aux != nil {
			var aux struct{ ID string }
			if json.Unmarshal(*m.Aux, &aux) == nil && aux.ID != "" {
				imageID = aux.ID
			}
		}
		if m.Error != nil {
			return nil, log, &BuildError{Msg: m.Error.Message, BuildLog: lines}
		}
	}
	if imageID == "" {
		return nil, log, &BuildError{Msg: "Unknown", BuildLog: lines}
	}
	img, err := ic.Get(ctx, imageID)
	return img, log, err
}

// tarDirectory makes an uncompressed tar of the files under dir, with paths
// relative to dir.
func tarDirectory(dir string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		return nil, fmt.Errorf("dockerpy: images.build: context %s: %w", dir, err)
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
