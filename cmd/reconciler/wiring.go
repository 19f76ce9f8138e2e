package main

import (
	"errors"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

// errNotLanded marks wiring whose package has not landed yet.
var errNotLanded = errors.New("not available in this build yet")

// The seams to packages still being built; each is replaced by a direct call
// once its package lands.
var (
	planDown = func(d *spec.Desired, o planner.Observed, opts planner.DownOptions) (*planner.Plan, error) {
		return nil, errNotLanded
	}
	openEmbedded = func(path string) (reconciler.Engine, func() error, error) {
		return nil, nil, errNotLanded
	}
)
