package build

import (
	"context"
	"time"

	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/registry"
)

// Options are the build parameters of POST /build that the classic builder
// honours.
type Options struct {
	// Dockerfile is the Dockerfile's path inside the context; "" means
	// "Dockerfile" (then "dockerfile" is also tried, as dockerd does).
	Dockerfile string
	// Tags are the references to tag the result with ("app", "app:1"); each
	// must be a valid reference or the build fails before it starts.
	Tags []string
	// BuildArgs are --build-arg values; a nil value leaves the ARG's default.
	BuildArgs map[string]*string
	// Target names the last stage to build; "" builds every stage.
	Target string
	// Labels are added to the final stage as LABEL steps, sorted by key.
	Labels map[string]string
	// NoCache disables " ---> Using cache": every step reports its run.
	NoCache bool
	// KeepContainers suppresses "Removing intermediate container" (rm=0).
	KeepContainers bool
	// Quiet (q=1) reduces the stream to the aux id and the image id.
	Quiet bool
	// Created is the time recorded in the image and its new history entries;
	// it does not enter image ids. Zero means the Unix epoch.
	Created time.Time
	// Cached reports whether the engine already holds an image id. A step whose
	// resulting id is held prints " ---> Using cache" instead of its run, as a
	// dockerd cache hit does. Nil means nothing is cached.
	Cached func(imageID string) bool
}

// OptionsFrom converts the moby client's build options (as the engine's
// ImageBuild receives them) to Options. Created and Cached are left for the
// engine to set.
func OptionsFrom(o client.ImageBuildOptions) Options {
	return Options{
		Dockerfile: o.Dockerfile, Tags: o.Tags, BuildArgs: o.BuildArgs, Target: o.Target, Labels: o.Labels,
		NoCache: o.NoCache, KeepContainers: !o.Remove && !o.ForceRemove, Quiet: o.SuppressOutput,
	}
}

// BaseImage is an image a FROM line (or COPY --from) names, as the engine
// holds it: its metadata and its files.
type BaseImage struct {
	// Image carries ID, Config, Os, Architecture, Layers, History and Created.
	Image registry.Image
	// Files are the image's directories and regular files.
	Files []File
}

// Resolver gives the builder the images FROM lines name. The engine
// implements it over its store and its registry (pulling when needed).
// ref is the reference as written after ARG expansion ("alpine",
// "alpine:3.19", "sha256:..."). Errors should carry an errdefs class
// (cerrdefs.IsNotFound for an unknown image); their text is shown as is.
type Resolver interface {
	ResolveImage(ctx context.Context, ref string) (BaseImage, error)
}

// ResolverFunc adapts a function to Resolver.
type ResolverFunc func(ctx context.Context, ref string) (BaseImage, error)

// ResolveImage calls f.
func (f ResolverFunc) ResolveImage(ctx context.Context, ref string) (BaseImage, error) {
	return f(ctx, ref)
}

// Result is what a build produced.
//
// Invariants: Image.ID is "sha256:" + 64 hex and is a function of the
// Dockerfile, the options and the files of the context and base images
// (never of time); Image.RepoTags holds the tags in familiar form;
// Image.Layers and the non-empty Image.History entries correspond one to
// one; Files are sorted by path.
type Result struct {
	// Image is the built image (the target stage, or the last stage).
	Image registry.Image
	// Files are the final stage's directories and regular files.
	Files []File
	// Steps are the ids of the images the steps committed, in order, across
	// all stages (FROM lines excluded). dockerd keeps these intermediate
	// images; an engine that records them answers Options.Cached for later
	// builds, which then print " ---> Using cache".
	Steps []string
	// Stream is the body dockerd sends for the build: JSON messages, one per
	// line ("\r\n"-terminated). When Build fails after the stream started, it
	// ends with the error message; see Build.
	Stream []byte
}
