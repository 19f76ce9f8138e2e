package main

import (
	"context"
	"errors"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/reconciler/reconciler/spec"
)

// errNoProject: a command that can work from labels alone (down, ps) was given
// neither a file nor a project name, and no compose file was found.
var errNoProject = errors.New("no project: pass -f FILE or -p NAME")

// specOptions turns the loading flags into spec.Options. Empty flags leave spec to
// read COMPOSE_FILE, COMPOSE_PROJECT_NAME and COMPOSE_PROFILES, as compose does.
func (a *app) specOptions() spec.Options {
	return spec.Options{
		Files:            a.g.files,
		ProjectName:      a.g.projectName,
		ProjectDirectory: a.g.projectDir,
		EnvFiles:         a.g.envFiles,
		Profiles:         a.g.profiles,
	}
}

// loadDesired loads the desired state; errors name the file and path.
func (a *app) loadDesired(ctx context.Context) (*spec.Desired, error) {
	return spec.Load(ctx, a.specOptions())
}

// loadProject loads the compose-go project (for config's normalised output).
func (a *app) loadProject(ctx context.Context) (*types.Project, error) {
	return spec.LoadProject(ctx, a.specOptions())
}

// projectOnly resolves the project for commands that also work without a file
// (down, ps, logs, images): with -p/COMPOSE_PROJECT_NAME and no -f/COMPOSE_FILE
// it returns the name and a nil Desired; otherwise it loads the files.
func (a *app) projectOnly(ctx context.Context) (string, *spec.Desired, error) {
	if name := a.g.explicitProjectName(); name != "" && !a.g.hasFileSource() {
		d, err := a.loadDesired(ctx)
		if err == nil {
			return d.Project, d, nil // a compose file in the directory matches too
		}
		return loader.NormalizeProjectName(name), nil, nil
	}
	d, err := a.loadDesired(ctx)
	if err != nil {
		return "", nil, err
	}
	return d.Project, d, nil
}
