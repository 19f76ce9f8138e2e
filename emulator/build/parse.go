package build

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// dockerfile is a parsed Dockerfile: the ARGs before the first FROM and
// the stages, with the parser's escape token.
type dockerfile struct {
	meta   []instructions.ArgCommand
	stages []instructions.Stage
	escape rune
}

// findDockerfile returns the Dockerfile's content from the context, trying
// "dockerfile" too when the default name is missing, as dockerd does.
func findDockerfile(ctxTree *tree, name string) ([]byte, error) {
	if name == "" {
		name = "Dockerfile"
	}
	p := cleanAbs(name)
	data, err := ctxTree.ReadFile(p)
	if err != nil && name == "Dockerfile" {
		data, err = ctxTree.ReadFile("/dockerfile")
	}
	if err != nil {
		return nil, newError(ErrNoDockerfile, cerrdefs.ErrInternal, err, "Cannot locate specified Dockerfile: %s", name)
	}
	return data, nil
}

// parseDockerfile parses src with BuildKit's parser and instruction
// package, reporting errors with the classic builder's text:
// "dockerfile parse error line 3: unknown instruction: FOO".
func parseDockerfile(name string, src []byte) (*dockerfile, error) {
	if name == "" {
		name = "Dockerfile"
	}
	if len(src) == 0 {
		return nil, newError(ErrSyntax, cerrdefs.ErrInvalidArgument, nil, "the Dockerfile (%s) cannot be empty", name)
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, newError(ErrSyntax, cerrdefs.ErrInvalidArgument, err, "failed to parse %s: %v", name, err)
	}
	df := &dockerfile{escape: res.EscapeToken}
	for _, n := range res.AST.Children {
		v, err := instructions.ParseInstruction(n)
		if err != nil {
			return nil, parseErr(n, err)
		}
		switch c := v.(type) {
		case *instructions.Stage:
			df.stages = append(df.stages, *c)
		case *instructions.ArgCommand:
			if len(df.stages) == 0 {
				df.meta = append(df.meta, *c)
				continue
			}
			df.stages[len(df.stages)-1].AddCommand(c)
		case instructions.Command:
			if len(df.stages) == 0 {
				return nil, parseErr(n, errors.New("no build stage in current context"))
			}
			df.stages[len(df.stages)-1].AddCommand(c)
		default:
			return nil, parseErr(n, fmt.Errorf("%T is not a command type", v))
		}
	}
	return df, nil
}

func parseErr(n *parser.Node, err error) error {
	e := newError(ErrSyntax, cerrdefs.ErrInvalidArgument, err, "dockerfile parse error line %d: %s", n.StartLine, innerMessage(err))
	e.Line = n.StartLine
	var ui *instructions.UnknownInstructionError
	if errors.As(err, &ui) {
		e.Reason = ErrUnknownInstruction
		e.Cause = errors.Join(ErrSyntax, err)
		e.Msg = fmt.Sprintf("dockerfile parse error line %d: unknown instruction: %s", n.StartLine, strings.ToUpper(ui.Instruction))
	}
	return e
}

// innerMessage strips BuildKit's location and suggestion wrappers.
func innerMessage(err error) string {
	var le *parser.LocationError
	if errors.As(err, &le) {
		if u := le.Unwrap(); u != nil {
			err = u
		}
	}
	return err.Error()
}

// truncate drops the stages after the target (matched case-insensitively,
// as dockerd does).
func (df *dockerfile) truncate(target string) error {
	if target == "" {
		return nil
	}
	ix, ok := instructions.HasStage(df.stages, target)
	if !ok {
		return newError(ErrTarget, cerrdefs.ErrInvalidArgument, nil, "failed to reach build target %s in Dockerfile", target)
	}
	df.stages = df.stages[:ix+1]
	return nil
}

// totalSteps is the N of "Step i/N".
func (df *dockerfile) totalSteps() int {
	n := len(df.meta) + len(df.stages)
	for _, s := range df.stages {
		n += len(s.Commands)
	}
	return n
}

// normalizeWorkdir resolves a WORKDIR against the current one.
func normalizeWorkdir(current, requested string) string {
	if requested == "" {
		return current
	}
	if !path.IsAbs(requested) {
		if current == "" {
			current = "/"
		}
		requested = path.Join(current, requested)
	}
	return path.Clean(requested)
}
