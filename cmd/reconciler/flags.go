package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/reconciler/reconciler/reconciler/progress"
)

// Environment variables the CLI reads itself (spec reads COMPOSE_FILE,
// COMPOSE_PROJECT_NAME and COMPOSE_PROFILES when the flags are empty).
const (
	envState       = "RECONCILER_STATE"
	envEngine      = "RECONCILER_ENGINE"
	envProjectName = "COMPOSE_PROJECT_NAME"
)

// Engine kinds for --engine.
const (
	engineEmbedded = "embedded"
	engineDocker   = "docker"
)

// loadFlags are the project-loading flags. They are registered on the root
// (before the command, as compose: `reconciler -f a.yml up`) and on every project
// command (`reconciler up -f a.yml`); each registration has its own storage and
// resolve() merges them, root first.
type loadFlags struct {
	files       []string
	projectName string
	projectDir  string
	envFiles    []string
	profiles    []string
}

// globalOptions are the flags every command takes.
type globalOptions struct {
	loadFlags
	root, sub loadFlags

	state    string
	engine   string
	host     string
	progress string
	debug    bool

	// resolved by resolve()
	progressMode progress.Mode
}

// registerLoad adds the loading flags to fs, storing into l. fileShort false
// leaves -f free (logs -f is --follow, as in compose).
func registerLoad(fs *pflag.FlagSet, l *loadFlags, fileShort bool) {
	short := "f"
	if !fileShort {
		short = ""
	}
	fs.StringArrayVarP(&l.files, "file", short, nil, "Compose configuration files (repeatable; env COMPOSE_FILE)")
	fs.StringVarP(&l.projectName, "project-name", "p", "", "Project name (env COMPOSE_PROJECT_NAME)")
	fs.StringVar(&l.projectDir, "project-directory", "", "Alternate working directory (default: the first file's directory)")
	fs.StringArrayVar(&l.envFiles, "env-file", nil, "Alternate environment files (repeatable)")
	fs.StringArrayVar(&l.profiles, "profile", nil, "Profiles to enable (repeatable; env COMPOSE_PROFILES)")
}

// register adds the root's flags: loading flags (local, before the command)
// and the engine flags (persistent, anywhere).
func (g *globalOptions) register(cmd *cobra.Command) {
	registerLoad(cmd.Flags(), &g.root, true)
	f := cmd.PersistentFlags()
	f.StringVar(&g.state, "state", "", "Embedded engine state file (env RECONCILER_STATE; default $XDG_STATE_HOME/reconciler/state.db)")
	f.StringVar(&g.engine, "engine", "", "Engine: embedded or docker (env RECONCILER_ENGINE; default embedded)")
	f.StringVarP(&g.host, "host", "H", "", "Docker engine address for --engine docker (default: DOCKER_HOST, then DOCKER_CONTEXT, then the docker CLI's current context)")
	f.StringVar(&g.progress, "progress", "", "Progress output: auto, tty, plain, json or quiet (env COMPOSE_PROGRESS)")
	f.BoolVar(&g.debug, "debug", false, "Print error chains and extra detail")
}

// addLoadFlags gives a project command its own loading flags.
func (g *globalOptions) addLoadFlags(cmd *cobra.Command, fileShort bool) *cobra.Command {
	registerLoad(cmd.Flags(), &g.sub, fileShort)
	return cmd
}

// merge combines the root's and the command's loading flags: lists append
// (root first), scalars from the command win.
func (g *globalOptions) merge() {
	g.files = append(append([]string{}, g.root.files...), g.sub.files...)
	g.envFiles = append(append([]string{}, g.root.envFiles...), g.sub.envFiles...)
	g.profiles = append(append([]string{}, g.root.profiles...), g.sub.profiles...)
	g.projectName = firstNonEmpty(g.sub.projectName, g.root.projectName)
	g.projectDir = firstNonEmpty(g.sub.projectDir, g.root.projectDir)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// resolve validates the global flags and fills defaults from the environment.
func (g *globalOptions) resolve() error {
	g.merge()
	if g.engine == "" {
		g.engine = os.Getenv(envEngine)
	}
	if g.engine == "" {
		g.engine = engineEmbedded
	}
	switch g.engine {
	case engineEmbedded, engineDocker:
	default:
		return usageErrorf("--engine %q: want embedded or docker", g.engine)
	}
	mode, err := progress.ParseMode(g.progress)
	if err != nil {
		return usageErrorf("--progress: %v", err)
	}
	g.progressMode = mode
	return nil
}

// statePath returns the embedded engine's state file: --state, $RECONCILER_STATE,
// $XDG_STATE_HOME/reconciler/state.db, else ~/.local/state/reconciler/state.db.
func (g *globalOptions) statePath() (string, error) {
	if g.state != "" {
		return filepath.Abs(g.state)
	}
	if s := os.Getenv(envState); s != "" {
		return filepath.Abs(s)
	}
	if x := os.Getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "reconciler", "state.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no state directory: set --state or %s: %w", envState, err)
	}
	return filepath.Join(home, ".local", "state", "reconciler", "state.db"), nil
}

// explicitProjectName is -p, else $COMPOSE_PROJECT_NAME, else "".
func (g *globalOptions) explicitProjectName() string {
	if g.projectName != "" {
		return g.projectName
	}
	return os.Getenv(envProjectName)
}

// hasFileSource reports whether a compose file was named by -f or COMPOSE_FILE.
func (g *globalOptions) hasFileSource() bool {
	return len(g.files) > 0 || os.Getenv("COMPOSE_FILE") != ""
}
