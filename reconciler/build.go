package reconciler

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/planner"
)

// ImageBuilder is the optional build capability of an engine, with moby's
// signature (*client.Client has it). Execute runs BuildImage actions only on
// engines that implement it; on others they fail with ErrUnsupportedAction.
type ImageBuilder interface {
	ImageBuild(ctx context.Context, buildContext io.Reader, options client.ImageBuildOptions) (client.ImageBuildResult, error)
}

// ErrBuildFailed wraps an error reported inside a build's output stream.
var ErrBuildFailed = errors.New("build failed")

// build sends the action's context directory as a tar stream, drains the
// build output (forwarded as progress events) and surfaces a reported error.
func (x *executor) build(ctx context.Context, a *planner.Action) error {
	b, ok := x.eng.(ImageBuilder)
	if !ok {
		return fmt.Errorf("%w: this engine cannot build images; build %q first", ErrUnsupportedAction, a.Resource)
	}
	if a.ImageDef == nil || a.ImageDef.Build == nil {
		return ErrMissingPayload
	}
	bd := a.ImageDef.Build
	dockerfile := bd.Dockerfile
	if filepath.IsAbs(dockerfile) {
		if rel, err := filepath.Rel(bd.Context, dockerfile); err == nil && !strings.HasPrefix(rel, "..") {
			dockerfile = filepath.ToSlash(rel)
		}
	}
	tags := append([]string{a.ImageDef.Ref}, bd.Tags...)
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(tarDir(pw, bd.Context)) }()
	defer pr.Close()
	res, err := b.ImageBuild(ctx, pr, client.ImageBuildOptions{
		Tags: tags, Dockerfile: dockerfile, BuildArgs: bd.Args, Labels: bd.Labels, Target: bd.Target, Remove: true,
	})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	dec := json.NewDecoder(res.Body)
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return ctx.Err()
			}
			return err
		}
		if m.Error != nil {
			return fmt.Errorf("%w: %s", ErrBuildFailed, m.Error.Message)
		}
		if text := strings.TrimSpace(m.Stream + m.Status); text != "" {
			x.emit(Event{Action: a, Status: EventProgress, Text: text})
		}
	}
}

// tarDir writes dir's regular files, directories and symlinks as a tar stream
// with slash-separated paths relative to dir.
func tarDir(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	if err := tw.AddFS(os.DirFS(dir)); err != nil {
		return err
	}
	return tw.Close()
}
