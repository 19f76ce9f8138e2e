package build

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/go-connections/nat"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/reconciler/reconciler/emulator/shell"
)

// dispatch runs one instruction of a stage, as the classic builder does.
func (b *builder) dispatch(ctx context.Context, st *state, cmd instructions.Command) error {
	if err := b.expand(st, cmd); err != nil {
		return err
	}
	cfg := &st.img.Config
	container := stepOutput{container: true}
	switch c := cmd.(type) {
	case *instructions.EnvCommand:
		words := []string{"ENV"}
		for _, e := range c.Env {
			kv := e.Key + "=" + e.Value
			words = append(words, kv)
			replaced := false
			for i, old := range cfg.Env {
				if k, _, _ := strings.Cut(old, "="); k == e.Key {
					cfg.Env[i], replaced = kv, true
					break
				}
			}
			if !replaced {
				cfg.Env = append(cfg.Env, kv)
			}
		}
		b.commit(st, nopComment(st, strings.Join(words, " ")), nil, container)
	case *instructions.MaintainerCommand:
		st.img.Author = c.Maintainer
		b.commit(st, nopComment(st, "MAINTAINER "+c.Maintainer), nil, container)
	case *instructions.LabelCommand:
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		s := "LABEL"
		for _, l := range c.Labels {
			cfg.Labels[l.Key] = l.Value
			s += " " + l.Key + "=" + l.Value
		}
		b.commit(st, nopComment(st, s), nil, container)
	case *instructions.AddCommand:
		if c.Chmod != "" {
			return buildKitOnly("chmod")
		}
		return b.copy(ctx, st, "ADD", c.SourcesAndDest, "", c.Chown, true)
	case *instructions.CopyCommand:
		if c.Chmod != "" {
			return buildKitOnly("chmod")
		}
		return b.copy(ctx, st, "COPY", c.SourcesAndDest, c.From, c.Chown, false)
	case *instructions.OnbuildCommand:
		cfg.OnBuild = append(cfg.OnBuild, c.Expression)
		b.commit(st, nopComment(st, "ONBUILD "+c.Expression), nil, container)
	case *instructions.WorkdirCommand:
		cfg.WorkingDir = normalizeWorkdir(cfg.WorkingDir, c.Path)
		before := st.fs.snapshot()
		if err := st.fs.MkdirAll(cfg.WorkingDir); err != nil {
			return newError(ErrInstruction, cerrdefs.ErrInvalidArgument, err, "mkdir %s: not a directory", cfg.WorkingDir)
		}
		b.commit(st, nopCommentString(st, "WORKDIR "+cfg.WorkingDir), before, container)
	case *instructions.RunCommand:
		return b.runCmd(st, c)
	case *instructions.CmdCommand:
		cfg.Cmd = cmdLine(st, c.ShellDependantCmdLine)
		cfg.ArgsEscaped = false
		b.commit(st, nopComment(st, fmt.Sprintf("CMD %q", cfg.Cmd)), nil, container)
		if len(c.CmdLine) != 0 {
			st.cmdSet = true
		}
	case *instructions.HealthCheckCommand:
		if old := cfg.Healthcheck; old != nil && len(old.Test) > 0 && old.Test[0] != "NONE" {
			b.out.out(fmt.Sprintf("Note: overriding previous HEALTHCHECK: %v\n", old.Test))
		}
		cfg.Healthcheck = c.Health
		b.commit(st, nopComment(st, "HEALTHCHECK "+healthComment(cfg.Healthcheck)), nil, container)
	case *instructions.EntrypointCommand:
		cfg.Entrypoint = cmdLine(st, c.ShellDependantCmdLine)
		cfg.ArgsEscaped = false
		if !st.cmdSet {
			cfg.Cmd = nil
		}
		b.commit(st, nopComment(st, fmt.Sprintf("ENTRYPOINT %q", cfg.Entrypoint)), nil, container)
	case *instructions.ExposeCommand:
		var ports []string
		env := expandEnv(st)
		for _, p := range c.Ports {
			ps, err := st.lex.ProcessWords(p, env)
			if err != nil {
				return instructionErr(err)
			}
			ports = append(ports, ps...)
		}
		set, _, err := nat.ParsePortSpecs(ports)
		if err != nil {
			return instructionErr(err)
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for p := range set {
			cfg.ExposedPorts[string(p)] = struct{}{}
		}
		b.commit(st, nopComment(st, "EXPOSE "+strings.Join(ports, " ")), nil, container)
	case *instructions.UserCommand:
		cfg.User = c.User
		b.commit(st, nopComment(st, "USER "+c.User), nil, container)
	case *instructions.VolumeCommand:
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range c.Volumes {
			if v == "" {
				return newError(ErrInstruction, cerrdefs.ErrInvalidArgument, nil, "VOLUME specified can not be an empty string")
			}
			cfg.Volumes[v] = struct{}{}
		}
		b.commit(st, nopComment(st, fmt.Sprintf("VOLUME %v", c.Volumes)), nil, container)
	case *instructions.StopSignalCommand:
		if !validSignal(c.Signal) {
			return newError(ErrInstruction, cerrdefs.ErrInvalidArgument, nil, "Invalid signal: %s", c.Signal)
		}
		cfg.StopSignal = c.Signal
		b.commit(st, nopComment(st, "STOPSIGNAL "+c.Signal), nil, container)
	case *instructions.ArgCommand:
		var words []string
		for _, a := range c.Args {
			w := a.Key
			if a.Value != nil {
				w += "=" + *a.Value
			}
			words = append(words, w)
			st.args.add(a.Key, a.Value)
		}
		b.commit(st, nopComment(st, "ARG "+strings.Join(words, " ")), nil, container)
	case *instructions.ShellCommand:
		cfg.Shell = append([]string(nil), c.Shell...)
		b.commit(st, nopComment(st, fmt.Sprintf("SHELL %v", cfg.Shell)), nil, container)
	default:
		return newError(ErrInstruction, cerrdefs.ErrInvalidArgument, nil, "unsupported command type: %T", cmd)
	}
	return nil
}

// cmdLine is the exec form of a RUN/CMD/ENTRYPOINT: the shell form gets the
// stage's shell (default /bin/sh -c) prepended.
func cmdLine(st *state, c instructions.ShellDependantCmdLine) []string {
	out := append([]string(nil), c.CmdLine...)
	if c.PrependShell && out != nil {
		out = append(shellOf(st), out...)
	}
	return out
}

// runCmd interprets a RUN with emulator/shell against the stage's files.
func (b *builder) runCmd(st *state, c *instructions.RunCommand) error {
	if len(c.FlagsUsed) > 0 {
		return buildKitOnly(c.FlagsUsed[0])
	}
	if len(c.Files) > 0 {
		return errHeredoc()
	}
	cfg := st.img.Config
	argv := cmdLine(st, c.ShellDependantCmdLine)
	argEnv := st.args.allowedEnv(cfg.Env)
	saved := argv
	if len(argEnv) > 0 {
		saved = append(st.args.runPrefix(argEnv), argv...)
	}
	cid := containerID(st.img.ID, st.index, b.step, strings.Join(saved, " "))
	before := st.fs.snapshot()
	res, err := shell.Run(shell.Context{
		Env:      append(append([]string(nil), cfg.Env...), argEnv...),
		Dir:      cfg.WorkingDir,
		User:     cfg.User,
		Hostname: cid[:12],
		FS:       st.fs,
	}, argv)
	out := stepOutput{container: true}
	for _, l := range res.Lines() {
		out.lines = append(out.lines, l.Render(b.created())+"\n")
		out.stderr = append(out.stderr, l.Stream == shell.Stderr)
	}
	var nf *shell.NotFoundError
	switch {
	case errors.As(err, &nf):
		b.failedRun(cid, out)
		return &Error{Reason: ErrRunFailed, Class: cerrdefs.ErrUnknown, Msg: nf.Error(), ExitCode: 127, Cause: err}
	case errors.Is(err, shell.ErrNoCommand):
		b.failedRun(cid, out)
		return newError(ErrInstruction, cerrdefs.ErrInvalidArgument, err, "no command specified")
	case res.RunsForever:
		b.failedRun(cid, out)
		return newError(ErrRunFailed, cerrdefs.ErrNotImplemented, nil,
			"The command '%s' does not exit: the emulator cannot build with a long-running process", strings.Join(argv, " "))
	case res.ExitCode != 0:
		b.failedRun(cid, out)
		e := newError(ErrRunFailed, cerrdefs.ErrUnknown, err, "The command '%s' returned a non-zero code: %d", strings.Join(argv, " "), res.ExitCode)
		e.ExitCode, e.jsonCode = res.ExitCode, true
		return e
	}
	b.commit(st, strings.Join(saved, " "), before, out)
	return nil
}

// failedRun prints what a failing RUN printed: its container and output
// (the container is not removed, as dockerd keeps it on failure).
func (b *builder) failedRun(cid string, out stepOutput) {
	b.out.out(fmt.Sprintf(" ---> Running in %s\n", cid[:12]))
	b.printOutput(out)
}

var signals = map[string]int{
	"ABRT": 6, "ALRM": 14, "BUS": 7, "CHLD": 17, "CLD": 17, "CONT": 18, "FPE": 8, "HUP": 1, "ILL": 4,
	"INT": 2, "IO": 29, "IOT": 6, "KILL": 9, "PIPE": 13, "POLL": 29, "PROF": 27, "PWR": 30, "QUIT": 3,
	"SEGV": 11, "STKFLT": 16, "STOP": 19, "SYS": 31, "TERM": 15, "TRAP": 5, "TSTP": 20, "TTIN": 21,
	"TTOU": 22, "URG": 23, "USR1": 10, "USR2": 12, "VTALRM": 26, "WINCH": 28, "XCPU": 24, "XFSZ": 25,
}

// validSignal accepts what dockerd's signal.ParseSignal accepts: a number
// 1..64, a name with or without SIG, and RTMIN+n / RTMAX-n.
func validSignal(s string) bool {
	if n, err := strconv.Atoi(s); err == nil {
		return n > 0 && n <= 64
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if _, ok := signals[name]; ok {
		return true
	}
	for _, p := range []string{"RTMIN+", "RTMAX-"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			n, err := strconv.Atoi(rest)
			return err == nil && n >= 1 && n <= 15
		}
	}
	return name == "RTMIN" || name == "RTMAX"
}

func sortStrings(s []string) { sort.Strings(s) }

// healthComment renders a health check as dockerd's fmt "%q" of the config
// pointer does in the history: &{["CMD" "x"] "30s" "3s" "0s" "0s" '\x03'}.
func healthComment(h *dockerspec.HealthcheckConfig) string {
	if h == nil {
		return "%!q(<nil>)"
	}
	return fmt.Sprintf("&{%q %q %q %q %q %q}", h.Test, h.Interval.String(), h.Timeout.String(),
		h.StartPeriod.String(), h.StartInterval.String(), rune(h.Retries))
}
