package registry

import (
	"errors"
	"fmt"
	"strings"

	"github.com/distribution/reference"
)

// DefaultDomain is the registry a reference without a domain belongs to.
const DefaultDomain = "docker.io"

// Reference is an image reference normalised as dockerd normalises it:
// "nginx" is docker.io/library/nginx:latest, "user/app:1" is docker.io/user/app:1,
// "localhost:5000/x" is localhost:5000/x:latest. A reference carries either a
// tag or a digest, never neither: a bare name gets the tag "latest", and a
// reference holding both a tag and a digest keeps only the digest (dockerd
// pulls by digest and ignores the tag).
//
// The zero Reference is not valid; obtain one from ParseReference or WithTag.
type Reference struct {
	named reference.Named
}

// InvalidReferenceError is returned for a malformed reference. Its text is the
// one dockerd returns ("invalid reference format", "invalid reference format:
// repository name (library/Foo) must be lowercase", ...). It satisfies
// cerrdefs.IsInvalidArgument and unwraps to the reference library's error.
type InvalidReferenceError struct {
	Input string
	Err   error
}

func (e *InvalidReferenceError) Error() string { return e.Err.Error() }

// Unwrap returns the distribution/reference error (for example
// reference.ErrReferenceInvalidFormat).
func (e *InvalidReferenceError) Unwrap() error { return e.Err }

// InvalidParameter marks the error as an invalid argument for containerd's errdefs.
func (e *InvalidReferenceError) InvalidParameter() {}

// ParseReference parses s as dockerd parses the reference of a pull, a create or
// a tag: familiar names are expanded to their canonical form, a missing tag
// becomes "latest", and a reference with both tag and digest keeps the digest.
// Malformed input (empty, upper case, bad characters, a 64-hex id) returns an
// *InvalidReferenceError.
func ParseReference(s string) (Reference, error) {
	if strings.TrimSpace(s) == "" {
		return Reference{}, &InvalidReferenceError{Input: s, Err: reference.ErrReferenceInvalidFormat}
	}
	named, err := reference.ParseDockerRef(s)
	if err != nil {
		return Reference{}, &InvalidReferenceError{Input: s, Err: wrapFormat(err)}
	}
	return Reference{named: named}, nil
}

// wrapFormat gives every library error dockerd's "invalid reference format"
// prefix, keeping the library sentinel reachable with errors.Is.
func wrapFormat(err error) error {
	if strings.HasPrefix(err.Error(), reference.ErrReferenceInvalidFormat.Error()) {
		return err
	}
	if errors.Is(err, reference.ErrNameContainsUppercase) || errors.Is(err, reference.ErrTagInvalidFormat) ||
		errors.Is(err, reference.ErrDigestInvalidFormat) || errors.Is(err, reference.ErrNameTooLong) ||
		errors.Is(err, reference.ErrNameEmpty) {
		return fmt.Errorf("%w: %w", reference.ErrReferenceInvalidFormat, err)
	}
	return err
}

// WithTag returns the repository of ref tagged with tag ("" means "latest"),
// as `docker tag SRC repo:tag` builds its target. An invalid tag returns an
// *InvalidReferenceError.
func WithTag(repo string, tag string) (Reference, error) {
	if tag == "" {
		tag = "latest"
	}
	named, err := reference.ParseNormalizedNamed(repo)
	if err != nil {
		return Reference{}, &InvalidReferenceError{Input: repo, Err: wrapFormat(err)}
	}
	if _, ok := named.(reference.Digested); ok {
		return Reference{}, &InvalidReferenceError{Input: repo, Err: errors.New("refusing to create a tag with a digest reference")}
	}
	tagged, err := reference.WithTag(reference.TrimNamed(named), tag)
	if err != nil {
		return Reference{}, &InvalidReferenceError{Input: repo + ":" + tag, Err: wrapFormat(err)}
	}
	return Reference{named: tagged}, nil
}

// Valid reports whether r came from ParseReference or WithTag.
func (r Reference) Valid() bool { return r.named != nil }

// Named returns the underlying distribution/reference value.
func (r Reference) Named() reference.Named { return r.named }

// Domain is the registry host: "docker.io", "localhost:5000", "ghcr.io".
func (r Reference) Domain() string { return reference.Domain(r.named) }

// Path is the repository path inside the registry: "library/nginx", "user/app".
func (r Reference) Path() string { return reference.Path(r.named) }

// Name is the canonical repository name: "docker.io/library/nginx".
func (r Reference) Name() string { return r.named.Name() }

// FamiliarName is the repository as the docker CLI prints it: "nginx", "user/app",
// "localhost:5000/x".
func (r Reference) FamiliarName() string { return reference.FamiliarName(r.named) }

// Tag is the tag, or "" for a digest reference.
func (r Reference) Tag() string {
	if t, ok := r.named.(reference.Tagged); ok {
		return t.Tag()
	}
	return ""
}

// Digest is the digest ("sha256:..."), or "" for a tagged reference.
func (r Reference) Digest() string {
	if d, ok := r.named.(reference.Digested); ok {
		return d.Digest().String()
	}
	return ""
}

// String is the canonical form: "docker.io/library/nginx:latest" or
// "docker.io/library/nginx@sha256:...".
func (r Reference) String() string {
	if r.named == nil {
		return ""
	}
	return r.named.String()
}

// Familiar is the form dockerd uses in RepoTags and in pull messages:
// "nginx:latest", "user/app:1", "nginx@sha256:...".
func (r Reference) Familiar() string { return reference.FamiliarString(r.named) }

// TagOrDigest is what follows the repository: the tag, or the digest.
func (r Reference) TagOrDigest() string {
	if d := r.Digest(); d != "" {
		return d
	}
	return r.Tag()
}

// IsOfficial reports whether r is a Docker Hub "library/" image.
func (r Reference) IsOfficial() bool {
	return r.Domain() == DefaultDomain && strings.HasPrefix(r.Path(), "library/")
}
