package build

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
	"github.com/reconciler/reconciler/emulator/registry"
)

// runStage runs a FROM line and the stage's instructions.
func (b *builder) runStage(ctx context.Context, index int, s *instructions.Stage) (*state, error) {
	if s.Name != "" {
		if _, used := b.stages[strings.ToLower(s.Name)]; used {
			return nil, newError(ErrSyntax, cerrdefs.ErrInvalidArgument, nil, "%s stage name already used", s.Name)
		}
	}
	b.printStep(s.SourceCode)
	st := &state{name: s.Name, args: b.args.forStage(), lex: shell.NewLex(b.df.escape), index: index}
	name, _, err := st.lex.ProcessWord(s.BaseName, shell.EnvsFromSlice(b.args.metaEnv()))
	if err != nil {
		return nil, instructionErr(err)
	}
	if name == "" {
		return nil, newError(ErrInstruction, cerrdefs.ErrInvalidArgument, nil, "base name (%s) should not be blank", s.BaseName)
	}
	base, err := b.baseImage(ctx, name)
	if err != nil {
		return nil, err
	}
	st.img, st.fs = base.img.Clone(), base.files.snapshot()
	if st.img.Os == "" {
		st.img.Os, st.img.Architecture = "linux", "amd64"
	}
	if !hasEnv(st.img.Config.Env, "PATH") {
		st.img.Config.Env = append(st.img.Config.Env, "PATH="+defaultPath)
	}
	b.out.out(fmt.Sprintf(" ---> %s\n", short(st.img.ID)))
	if triggers := st.img.Config.OnBuild; len(triggers) > 0 {
		st.img.Config.OnBuild = nil
		if err := b.runTriggers(ctx, st, triggers); err != nil {
			return nil, err
		}
	}
	for _, cmd := range s.Commands {
		if err := ctx.Err(); err != nil {
			b.out.out("Build cancelled\n")
			return nil, newError(ErrInstruction, cerrdefs.ErrAborted, err, "Build cancelled")
		}
		b.printStep(fmt.Sprint(cmd))
		if err := b.dispatch(ctx, st, cmd); err != nil {
			return nil, err
		}
		b.out.out(fmt.Sprintf(" ---> %s\n", short(st.img.ID)))
	}
	return st, nil
}

// baseImage resolves a FROM name: a previous stage, scratch, or an image
// from the engine.
func (b *builder) baseImage(ctx context.Context, name string) (*stageResult, error) {
	if sr, ok := b.stages[strings.ToLower(name)]; ok {
		return sr, nil
	}
	if name == "scratch" {
		return &stageResult{img: registry.Image{Os: "linux", Architecture: "amd64"}, files: newTree()}, nil
	}
	bi, err := b.images.ResolveImage(ctx, name)
	if err != nil {
		return nil, &Error{Reason: ErrBaseImage, Class: classOf(err), Msg: err.Error(), Cause: err}
	}
	return &stageResult{img: bi.Image, files: treeFromFiles(bi.Files)}, nil
}

// runTriggers runs the ONBUILD triggers of the base image.
func (b *builder) runTriggers(ctx context.Context, st *state, triggers []string) error {
	s := ""
	if len(triggers) > 1 {
		s = "s"
	}
	b.out.out(fmt.Sprintf("# Executing %d build trigger%s\n", len(triggers), s))
	for _, t := range triggers {
		res, err := parser.Parse(strings.NewReader(t))
		if err != nil {
			return newError(ErrSyntax, cerrdefs.ErrInvalidArgument, err, "%v", err)
		}
		if len(res.AST.Children) != 1 {
			return newError(ErrSyntax, cerrdefs.ErrInvalidArgument, nil, "onbuild trigger should be a single expression")
		}
		cmd, err := instructions.ParseCommand(res.AST.Children[0])
		if err != nil {
			return parseErr(res.AST.Children[0], err)
		}
		if err := b.dispatch(ctx, st, cmd); err != nil {
			return err
		}
	}
	return nil
}

// stepOutput is what a step printed through its intermediate container.
type stepOutput struct {
	container bool     // the step ran in a container (" ---> Running in")
	lines     []string // stdout/stderr chunks, already formatted
	stderr    []bool
}

// commit records a step: history, optional layer (the change of st.fs since
// before; nil for metadata steps), the new image id, and the step's
// container output, or " ---> Using cache" when the engine holds the id.
func (b *builder) commit(st *state, createdBy string, before *tree, out stepOutput) {
	parent := st.img.ID
	empty := true
	var size int64
	if before != nil {
		digest, n, changed := st.fs.diff(before)
		if changed {
			empty, size = false, n
			st.img.Layers = append(st.img.Layers, registry.Layer{Digest: digest, DiffID: digest, Size: n, CompressedSize: n})
			st.img.Size += n
		}
	}
	now := b.created()
	st.img.History = append(st.img.History, registry.HistoryEntry{Created: now, CreatedBy: createdBy, EmptyLayer: empty, Size: size})
	st.img.Created = now
	st.img.ID = imageID(parent, st.img)
	b.steps = append(b.steps, st.img.ID)
	if !b.opts.NoCache && b.opts.Cached != nil && b.opts.Cached(st.img.ID) {
		b.out.out(" ---> Using cache\n")
		return
	}
	if out.container {
		cid := containerID(parent, st.index, b.step, createdBy)
		b.out.out(fmt.Sprintf(" ---> Running in %s\n", cid[:12]))
		b.printOutput(out)
		if !b.opts.KeepContainers {
			b.out.out(fmt.Sprintf("Removing intermediate container %s\n", cid[:12]))
		}
	}
}

func (b *builder) printOutput(out stepOutput) {
	for i, l := range out.lines {
		if out.stderr[i] {
			b.out.errOut(l)
		} else {
			b.out.out(l)
		}
	}
}

// nopComment is the history text of a metadata step: the shell, "#(nop) "
// and the comment as separate words, as dockerd records them.
func nopComment(st *state, comment string) string {
	return strings.Join(append(shellOf(st), "#(nop) ", comment), " ")
}

// nopCommentString is the single-word variant dockerd uses for WORKDIR,
// COPY and ADD.
func nopCommentString(st *state, comment string) string {
	return strings.Join(append(shellOf(st), "#(nop) "+comment), " ")
}

func shellOf(st *state) []string {
	if len(st.img.Config.Shell) > 0 {
		return append([]string(nil), st.img.Config.Shell...)
	}
	return []string{"/bin/sh", "-c"}
}

func hasEnv(env []string, key string) bool {
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == key {
			return true
		}
	}
	return false
}

// expandEnv is what instruction arguments are expanded with: the stage's
// ENV plus its declared build args not shadowed by ENV.
func expandEnv(st *state) shell.EnvGetter {
	env := append(append([]string(nil), st.img.Config.Env...), st.args.allowedEnv(st.img.Config.Env)...)
	return shell.EnvsFromSlice(env)
}

func (b *builder) expand(st *state, cmd instructions.Command) error {
	ex, ok := cmd.(instructions.SupportsSingleWordExpansion)
	if !ok {
		return nil
	}
	env := expandEnv(st)
	err := ex.Expand(func(w string) (string, error) {
		out, _, err := st.lex.ProcessWord(w, env)
		return out, err
	})
	if err != nil {
		return instructionErr(err)
	}
	return nil
}

var errNeedsBuildKit = errors.New("requires BuildKit")

func buildKitOnly(option string) error {
	return newError(ErrInstruction, cerrdefs.ErrInvalidArgument, errNeedsBuildKit,
		"the --%s option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled", option)
}

// errHeredoc is returned for RUN/COPY heredocs, which only BuildKit runs.
func errHeredoc() error {
	return newError(ErrInstruction, cerrdefs.ErrInvalidArgument, errNeedsBuildKit,
		"heredocs require BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled")
}
