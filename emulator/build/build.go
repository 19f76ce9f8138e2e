package build

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/reconciler/reconciler/emulator/registry"
)

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Build runs the classic builder over the tar context buildContext: it
// parses the Dockerfile, resolves FROM images through images, runs every
// step and returns the image, its files and dockerd's JSON stream.
//
// Errors are *Error (errors.As), with a reason (errors.Is ErrRunFailed, ...)
// and a containerd errdefs class. When err is nil the stream ends with
// "Successfully built"/"Successfully tagged". When err is not nil:
//   - if len(res.Stream) == 0 the failure came before any output (tags,
//     context, Dockerfile, parse errors, target): dockerd answers it with an
//     HTTP error of the error's class, and so should the engine;
//   - otherwise res.Stream already ends with the error message and dockerd
//     answers 200 with that stream.
//
// Build reads all of buildContext and never changes anything outside its
// result; the same inputs give byte-identical results.
func Build(ctx context.Context, buildContext io.Reader, opts Options, images Resolver) (*Result, error) {
	b := &builder{opts: opts, images: images, out: &stream{q: opts.Quiet}, stages: map[string]*stageResult{}}
	res, err := b.run(ctx, buildContext)
	if err != nil && b.out.started() {
		b.out.fail(err)
	}
	if res == nil {
		res = &Result{}
	}
	res.Stream = b.out.bytes()
	return res, err
}

type builder struct {
	opts   Options
	images Resolver
	out    *stream
	ctx    *tree
	df     *dockerfile
	args   *buildArgs
	stages map[string]*stageResult // by lower-case name
	flat   []*stageResult
	step   int
	total  int
	steps  []string // ids committed so far
}

// stageResult is a finished stage: its image and files.
type stageResult struct {
	img   registry.Image
	files *tree
}

// state is the stage being built.
type state struct {
	name   string
	img    registry.Image // the image so far (ID "" while FROM scratch is uncommitted)
	fs     *tree
	args   *buildArgs
	cmdSet bool
	lex    *shell.Lex
	index  int
}

func (b *builder) run(ctx context.Context, r io.Reader) (*Result, error) {
	tags, err := normalizeTags(b.opts.Tags)
	if err != nil {
		return nil, err
	}
	if b.ctx, err = readContext(r); err != nil {
		return nil, err
	}
	src, err := findDockerfile(b.ctx, b.opts.Dockerfile)
	if err != nil {
		return nil, err
	}
	if b.df, err = parseDockerfile(b.opts.Dockerfile, src); err != nil {
		return nil, err
	}
	if err := b.df.truncate(b.opts.Target); err != nil {
		return nil, err
	}
	if len(b.df.stages) == 0 {
		return nil, newError(ErrSyntax, cerrdefs.ErrInvalidArgument, nil, "No image was generated. Is your Dockerfile empty?")
	}
	pats, err := dockerignore(b.ctx)
	if err != nil {
		return nil, err
	}
	if err := applyIgnore(b.ctx, pats); err != nil {
		return nil, err
	}
	addOptionLabels(b.df, b.opts.Labels)
	b.total = b.df.totalSteps()
	b.args = newBuildArgs(b.opts.BuildArgs)

	lex := shell.NewLex(b.df.escape)
	for i := range b.df.meta {
		b.printStep(b.df.meta[i].String())
		m := &b.df.meta[i]
		env := shell.EnvsFromSlice(envList(b.args.all(b.args.allowed)))
		if err := m.Expand(func(w string) (string, error) {
			out, _, err := lex.ProcessWord(w, env)
			return out, err
		}); err != nil {
			return nil, instructionErr(err)
		}
		for _, a := range m.Args {
			b.args.addMeta(a.Key, a.Value)
		}
	}

	var last *state
	for i := range b.df.stages {
		st, err := b.runStage(ctx, i, &b.df.stages[i])
		if err != nil {
			return nil, err
		}
		b.out.aux(st.img.ID)
		b.args.merge(st.args)
		sr := &stageResult{img: st.img.Clone(), files: st.fs.snapshot()}
		if st.name != "" {
			b.stages[strings.ToLower(st.name)] = sr
		}
		b.flat = append(b.flat, sr)
		last = st
	}
	if w := b.args.unusedWarning(); w != "" {
		b.out.out(w)
	}
	img := last.img.Clone()
	if img.ID == "" {
		return nil, newError(ErrSyntax, cerrdefs.ErrInvalidArgument, nil, "No image was generated. Is your Dockerfile empty?")
	}
	if b.opts.Quiet {
		b.out.emit(&b.out.buf, message{Stream: img.ID + "\n"})
	} else {
		b.out.out(fmt.Sprintf("Successfully built %s\n", short(img.ID)))
		for _, t := range tags {
			b.out.out("Successfully tagged " + t + "\n")
		}
	}
	img.RepoTags = tags
	img.RepoDigests = nil
	img.ManifestDigest = ""
	img.Synthetic = false
	return &Result{Image: img, Files: last.fs.files(), Steps: b.steps}, nil
}

func normalizeTags(in []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, t := range in {
		ref, err := registry.ParseReference(t)
		if err != nil {
			return nil, newError(ErrInvalidTag, cerrdefs.ErrInvalidArgument, err, "%v", err)
		}
		if ref.Digest() != "" {
			return nil, newError(ErrInvalidTag, cerrdefs.ErrInvalidArgument, nil, "invalid reference format")
		}
		if f := ref.Familiar(); !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// addOptionLabels appends the --label options to the last stage as LABEL
// steps, sorted by key, as dockerd does.
func addOptionLabels(df *dockerfile, labels map[string]string) {
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sortStrings(keys)
	last := &df.stages[len(df.stages)-1]
	for _, k := range keys {
		last.AddCommand(instructions.NewLabelCommand(k, labels[k], true))
	}
}

func (b *builder) printStep(text string) {
	b.step++
	b.out.out(fmt.Sprintf("Step %d/%d : %s", b.step, b.total, text))
	b.out.out("\n")
}

func short(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func (b *builder) created() time.Time {
	if b.opts.Created.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return b.opts.Created.UTC()
}

// imageID derives a step's image id from its parent and content: config,
// platform, layer digests and history (without times), like dockerd's id
// over the image config but independent of the clock.
func imageID(parent string, img registry.Image) string {
	type hist struct {
		CreatedBy  string `json:"created_by"`
		Comment    string `json:"comment,omitempty"`
		EmptyLayer bool   `json:"empty_layer,omitempty"`
	}
	v := struct {
		Parent       string `json:"parent"`
		Config       any    `json:"config"`
		Os           string `json:"os"`
		Architecture string `json:"architecture"`
		Author       string `json:"author,omitempty"`
		DiffIDs      []string
		History      []hist
	}{Parent: parent, Config: img.Config, Os: img.Os, Architecture: img.Architecture, Author: img.Author, DiffIDs: img.DiffIDs()}
	for _, h := range img.History {
		v.History = append(v.History, hist{h.CreatedBy, h.Comment, h.EmptyLayer})
	}
	data, _ := json.Marshal(v) // plain data: cannot fail
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// containerID is the deterministic id of a step's intermediate container.
func containerID(parent string, stage, step int, text string) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("container\x00%s\x00%d\x00%d\x00%s", parent, stage, step, text)))
	return hex.EncodeToString(sum[:])
}

func envList(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sortStrings(out)
	return out
}

func instructionErr(err error) error {
	var be *Error
	if errors.As(err, &be) {
		return be
	}
	return newError(ErrInstruction, cerrdefs.ErrInvalidArgument, err, "%s", innerMessage(err))
}
