// Package registry is the emulator's simulated image registry: reference
// parsing with dockerd's normalisation, a built-in catalog of common images
// (catalog/*.json, embedded) with their real configs, deterministic synthetic
// images for any other well-formed reference, and dockerd's pull progress
// stream.
//
// It owns no engine state: the engine (package emulator) records what was
// pulled, tags, dangling images and containers; this package only answers
// "what would the registry serve for this reference".
//
// Usage sketch (inside the engine's ImagePull):
//
//	ref, err := registry.ParseReference("nginx") // docker.io/library/nginx:latest
//	if err != nil {
//		return err // *InvalidReferenceError: cerrdefs.IsInvalidArgument
//	}
//	img, err := catalog.Resolve(ref) // catalog := registry.Default()
//	if err != nil {
//		return err // *PullAccessDeniedError / *ManifestUnknownError: cerrdefs.IsNotFound
//	}
//	// for `--platform linux/arm64`: p, _ := registry.ParsePlatform("linux/arm64");
//	// img, err = catalog.ResolvePlatform(ref, p) (*NoMatchingManifestError when unpublished)
//	stream := registry.PullProgress(img, ref) // or PullProgressUpToDate when already present
//	inspect := img.InspectResponse()         // image.InspectResponse for ImageInspect
//	history := img.HistoryResponse(img.RepoTags)
//
// The engine uses it through emulator.WithCatalog (default registry.Default()).
//
// Fault injection: catalog.Deny("user/private") makes every pull of the
// repository fail with dockerd's "pull access denied" text; catalog.DenyTag
// ("nginx:9.99") makes one reference fail with "manifest unknown".
//
// Layers: catalog images are built FROM catalog bases (nginx FROM
// debian:bookworm-slim, nginx:alpine FROM alpine:3.21, synthetic images FROM
// alpine:3.21), so they share the base's layers and history. An engine that
// already holds some layers can report them as "Already exists" with
// PullProgressFrom(img, ref, hasDiffID).
//
// Files: catalog.Files(ref) is the root filesystem of the image a pull of ref
// yields (rootfs.go): the distribution's /etc/os-release, /etc/passwd and
// /etc/group with the image's users, executables the emulator's interpreter
// runs, the server's configuration and content files, empty VOLUME
// directories; small and derived from the catalog alone. The engine seeds
// containers' writable layers with it; it takes no part in image ids.
//
// Determinism: Resolve depends only on the reference and the catalog data, so
// every process computes the same ids and digests for the same reference.
package registry
