package registry

import "fmt"

// PullAccessDeniedError is what a pull of a repository the registry does not
// know returns, with dockerd's text: "pull access denied for X, repository does
// not exist or may require 'docker login': denied: requested access to the
// resource is denied". It satisfies cerrdefs.IsNotFound, as dockerd's error
// does (the API answers 404).
type PullAccessDeniedError struct {
	// Repository is the familiar repository name ("unknownimage", "user/app").
	Repository string
}

func (e *PullAccessDeniedError) Error() string {
	return fmt.Sprintf("pull access denied for %s, repository does not exist or may require 'docker login': denied: requested access to the resource is denied", e.Repository)
}

// NotFound marks the error as not-found for containerd's errdefs.
func (e *PullAccessDeniedError) NotFound() {}

// ManifestUnknownError is what a pull of a missing tag or digest of an existing
// repository returns: "manifest for nginx:9.99 not found: manifest unknown:
// manifest unknown". It satisfies cerrdefs.IsNotFound.
type ManifestUnknownError struct {
	// Reference is the familiar reference ("nginx:9.99", "nginx@sha256:...").
	Reference string
}

func (e *ManifestUnknownError) Error() string {
	return fmt.Sprintf("manifest for %s not found: manifest unknown: manifest unknown", e.Reference)
}

// NotFound marks the error as not-found for containerd's errdefs.
func (e *ManifestUnknownError) NotFound() {}
