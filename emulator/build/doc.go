// Package build is the emulator's Dockerfile builder: dockerd's classic
// builder (the one POST /build runs without BuildKit) over in-memory files.
//
// It owns: reading the tar build context (plain, gzip or bzip2) and its
// .dockerignore; parsing the Dockerfile with BuildKit's parser and
// instruction packages (github.com/moby/buildkit/frontend/dockerfile), with
// the classic builder's error texts; running the stages (FROM with ARGs
// before it, multi-stage, --target, FROM scratch, FROM a previous stage)
// and their instructions (RUN through emulator/shell against the stage's
// files, CMD, ENTRYPOINT, ENV, ARG with build args, LABEL, EXPOSE, WORKDIR,
// USER, VOLUME, HEALTHCHECK, STOPSIGNAL, SHELL, ONBUILD, MAINTAINER,
// COPY/ADD from the context or --from a stage or image); the resulting image
// (config, layers, history, deterministic id) and files; and dockerd's JSON
// build stream.
//
// Not modelled: file ownership (--chown is recorded, not applied) and
// symlinks in the context (skipped); ADD of a URL fails as an offline
// dockerd's does; RUN --mount/--network/--security, COPY/ADD --chmod and
// heredocs fail as the classic builder does ("requires BuildKit"); a RUN
// whose command never exits (a server) fails instead of hanging. Remote
// contexts (Options has no RemoteContext) are the engine's to refuse.
//
// It owns no engine state: base images come from a Resolver the engine
// supplies, and the engine stores the result (image, tags, files) itself.
//
// Invariants:
//   - Deterministic: the result (image id, files, stream) is a function of
//     the context, the options and the base images. Image ids never depend on
//     time (Options.Created is recorded but not hashed), so the same
//     Dockerfile and context give the same id, and changing one copied file
//     changes it, as dockerd's layer cache makes it look.
//   - Errors are *Error with dockerd's text, a reason sentinel (errors.Is:
//     ErrNotTar, ErrNoDockerfile, ErrSyntax, ErrUnknownInstruction, ErrCopy,
//     ErrRunFailed, ...) and a containerd errdefs class.
//
// Usage sketch (inside the engine's ImageBuild):
//
//	opts := build.OptionsFrom(options) // client.ImageBuildOptions
//	opts.Created = clock.Now()
//	opts.Cached = func(id string) bool { return store.HasImage(id) }
//	res, err := build.Build(ctx, buildContext, opts, resolver)
//	if err != nil && len(res.Stream) == 0 {
//		return client.ImageBuildResult{}, err // dockerd's HTTP error (400 for a parse error)
//	}
//	if err == nil {
//		store.AddImage(res.Image, res.Files) // tags in res.Image.RepoTags
//	}
//	return client.ImageBuildResult{Body: io.NopCloser(bytes.NewReader(res.Stream))}, nil
package build
