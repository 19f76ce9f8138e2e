package spec

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// Options select and configure the compose files to load, as docker compose's global
// flags do.
type Options struct {
	// Files are the -f files, in order. Empty means COMPOSE_FILE, else default discovery
	// (compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml plus the first
	// override file, searching parent directories).
	Files []string
	// ProjectName is -p. Empty means COMPOSE_PROJECT_NAME, then `name:` in the files,
	// then the normalised base name of the project directory.
	ProjectName string
	// ProjectDirectory is --project-directory. Empty means the first file's directory
	// (or the current directory when discovering).
	ProjectDirectory string
	// EnvFiles are the --env-file files. Empty means <project dir>/.env if present
	// (unless COMPOSE_DISABLE_ENV_FILE is true). The environment always wins over them.
	EnvFiles []string
	// Profiles are the --profile values. Empty means COMPOSE_PROFILES.
	Profiles []string
	// Environ is the process environment as KEY=VALUE; nil means os.Environ().
	Environ []string
}

func (o Options) environ() []string {
	if o.Environ == nil {
		return os.Environ()
	}
	return o.Environ
}

// LoadProject loads the compose project exactly as docker compose v5 does: interpolation,
// .env (the environment wins), several files merged, include, extends, profiles, and
// service environments resolved from env_file (env_file entries then discarded).
//
// Errors are returned as *ValidationError, each problem naming its file and path.
func LoadProject(ctx context.Context, opts Options) (*types.Project, error) {
	p, _, err := loadProject(ctx, opts)
	if err != nil {
		return nil, err
	}
	if probs := checkProject(p); len(probs) > 0 {
		return nil, newValidationError(probs, p.ComposeFiles)
	}
	return p, nil
}

// loadProject loads with compose-go, skipping its consistency check (checkProject
// reimplements it and reports every problem rather than the first). It also returns what
// the load read (for Desired.EnvFiles and WatchFiles). Errors are *ValidationError.
func loadProject(ctx context.Context, opts Options) (p *types.Project, l *loaded, err error) {
	defer func() {
		// compose-go is third-party code fed arbitrary input: a panic in it is reported as
		// a problem with the files rather than crashing the reconciler.
		if r := recover(); r != nil {
			p = nil
			file := firstOf(opts.Files)
			if abs, aerr := filepath.Abs(file); aerr == nil && file != "" {
				file = abs
			}
			err = &ValidationError{Problems: []Problem{{File: file, Message: fmt.Sprintf("compose loader failed: %v", r)}}}
		}
	}()
	po, err := projectOptions(opts)
	if err != nil {
		return nil, nil, toValidationError(err, opts.Files)
	}
	l = &loaded{po: po}
	po.WithListeners(l.listen)
	p, err = po.LoadProject(ctx)
	if err == nil {
		l.collect(p)
		// docker compose loads WithoutEnvironmentResolution, then resolves env_file into
		// environment and discards the env_file list (compose cmd WithServices).
		p, err = p.WithServicesEnvironmentResolved(true)
	}
	if err == nil {
		applyDefaultPlatform(p)
	}
	if err != nil {
		ve := toValidationError(err, po.ConfigPaths)
		return nil, l, withMoreProblems(ctx, opts, ve)
	}
	return p, l, nil
}

// withMoreProblems adds, to a compose-go error that is not a YAML syntax error, the
// problems checkProject finds in the project loaded again without schema validation
// (compose-go stops at its first error; the reconciler reports every problem).
func withMoreProblems(ctx context.Context, opts Options, err error) (out error) {
	defer func() {
		if r := recover(); r != nil {
			out = err // without schema validation compose-go may panic on bad shapes
		}
	}()
	ve, ok := err.(*ValidationError)
	if !ok || len(ve.Problems) != 1 || ve.Problems[0].Line > 0 && ve.Problems[0].Path == "" {
		return err
	}
	po, perr := projectOptions(opts)
	if perr != nil {
		return err
	}
	_ = cli.WithLoadOptions(func(o *loader.Options) { o.SkipValidation = true })(po)
	p, lerr := po.LoadProject(ctx)
	if lerr != nil {
		return err
	}
	if p, lerr = p.WithServicesEnvironmentResolved(true); lerr != nil {
		return err
	}
	seen := map[string]bool{ve.Problems[0].Path: true}
	more := checkProject(p)
	var add []Problem
	for _, pr := range more {
		if !seen[pr.Path] {
			seen[pr.Path] = true
			add = append(add, pr)
		}
	}
	if len(add) == 0 {
		return err
	}
	extra := newValidationError(add, p.ComposeFiles)
	ve.Problems = append(ve.Problems, extra.Problems...)
	return ve
}

func firstOf(files []string) string {
	if len(files) == 0 {
		return ""
	}
	return files[0]
}

// applyDefaultPlatform is the part of compose's applyPlatforms that shapes the config
// hash: a service with a build section and no platform gets DOCKER_DEFAULT_PLATFORM.
func applyDefaultPlatform(p *types.Project) {
	def := p.Environment["DOCKER_DEFAULT_PLATFORM"]
	if def == "" {
		return
	}
	for name, s := range p.Services {
		if s.Build != nil && s.Platform == "" {
			s.Platform = def
			p.Services[name] = s
		}
	}
}

// loaded records what a load read besides the compose files, for Desired.WatchFiles.
type loaded struct {
	po    *cli.ProjectOptions
	files []string
}

// listen records include and extends files (compose-go's loader events).
func (l *loaded) listen(event string, meta map[string]any) {
	wd, _ := meta["workingdir"].(string)
	add := func(f string) {
		if f == "" || strings.Contains(f, "://") {
			return
		}
		if !filepath.IsAbs(f) {
			if wd == "" {
				wd = l.po.WorkingDir
			}
			f = filepath.Join(wd, f)
		}
		l.files = append(l.files, f)
	}
	switch event {
	case "include":
		switch paths := meta["path"].(type) {
		case []string:
			for _, f := range paths {
				add(f)
			}
		case types.StringList:
			for _, f := range paths {
				add(f)
			}
		case string:
			add(paths)
		}
	case "extends":
		if f, ok := meta["file"].(string); ok {
			add(f)
		}
	}
}

// collect records env_file, label_file, secret and config files before env_file
// entries are discarded by environment resolution.
func (l *loaded) collect(p *types.Project) {
	for _, s := range p.Services {
		for _, ef := range s.EnvFiles {
			l.files = append(l.files, ef.Path)
		}
		l.files = append(l.files, s.LabelFiles...)
	}
	for _, sec := range p.Secrets {
		if sec.File != "" {
			l.files = append(l.files, sec.File)
		}
	}
	for _, c := range p.Configs {
		if c.File != "" {
			l.files = append(l.files, c.File)
		}
	}
}

func watchFiles(p *types.Project, l *loaded) []string {
	set := map[string]bool{}
	for _, group := range [][]string{p.ComposeFiles, l.po.EnvFiles, l.files} {
		for _, f := range group {
			if f != "" {
				set[filepath.Clean(f)] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// projectOptions mirrors docker compose's ProjectOptions.toProjectOptions.
func projectOptions(opts Options) (*cli.ProjectOptions, error) {
	env := opts.environ()
	envFiles, err := absAll(opts.EnvFiles)
	if err != nil {
		return nil, err
	}
	withEnvFiles := cli.WithEnvFiles(envFiles...)
	if len(envFiles) == 0 && envDisablesDotEnv(env) {
		withEnvFiles = func(*cli.ProjectOptions) error { return nil }
	}
	fns := []cli.ProjectOptionsFn{
		cli.WithWorkingDirectory(opts.ProjectDirectory),
		cli.WithEnv(env), // the environment first: .env never overrides it
		withEnvFiles,
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		// a project directory found by discovery may hold its own .env
		withEnvFiles,
		cli.WithDotEnv,
		cli.WithDefaultProfiles(opts.Profiles...),
		cli.WithName(opts.ProjectName),
		cli.WithResolvedPaths(true),
		cli.WithoutEnvironmentResolution,
		cli.WithConsistency(false),
	}
	return cli.NewProjectOptions(opts.Files, fns...)
}

func envDisablesDotEnv(env []string) bool {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "COMPOSE_DISABLE_ENV_FILE="); ok {
			b, err := strconv.ParseBool(v)
			return err == nil && b
		}
	}
	return false
}

func absAll(files []string) ([]string, error) {
	out := make([]string, 0, len(files))
	for _, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Load loads the compose project (LoadProject) and turns it into the desired state
// (FromProject). Every problem is reported at once as a *ValidationError.
func Load(ctx context.Context, opts Options) (*Desired, error) {
	p, l, err := loadProject(ctx, opts)
	if err != nil {
		return nil, err
	}
	if probs := checkProject(p); len(probs) > 0 {
		return nil, newValidationError(probs, p.ComposeFiles)
	}
	d, err := FromProject(p, opts)
	if err != nil {
		return nil, toValidationError(err, p.ComposeFiles)
	}
	d.EnvFiles = append([]string(nil), l.po.EnvFiles...)
	d.WatchFiles = watchFiles(p, l)
	return d, nil
}

// NormalizeProjectName is compose's project name normalisation (lowercase, [a-z0-9_-],
// no leading - or _), as applied to a directory name.
func NormalizeProjectName(s string) string { return loader.NormalizeProjectName(s) }
