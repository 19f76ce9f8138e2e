package registry

import (
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"sync"
)

// Catalog is a simulated registry: the repositories it serves and the
// references it refuses. It is safe for concurrent use.
//
// Resolution rules, in order:
//  1. a reference denied with Deny or DenyTag fails with a not-found error;
//  2. a catalog repository's listed tag resolves to that variant, and a digest
//     equal to a variant's ManifestDigest resolves to that variant;
//  3. any other tag or digest of a catalog repository resolves to a variant
//     derived from the repository's newest config, with ids derived from the
//     reference;
//  4. any other well-formed reference resolves to a synthetic image whose ids,
//     size and dates are derived from the reference alone.
//
// The same reference always resolves to the same Image, in every process.
type Catalog struct {
	mu         sync.RWMutex
	repos      map[string]*repo    // by canonical repository name
	deniedRepo map[string]struct{} // canonical repository names
	deniedRef  map[string]struct{} // canonical references
}

var (
	defaultOnce    sync.Once
	defaultRepos   map[string]*repo
	defaultUnknown []Reference
	defaultErr     error
)

// Default returns a new Catalog holding the built-in catalog (catalog/*.json,
// embedded). Each call returns an independent Catalog, so denying a reference
// in one does not affect another. It panics if the embedded data is invalid,
// which the package tests rule out.
func Default() *Catalog {
	defaultOnce.Do(func() {
		sub, err := fs.Sub(catalogFiles, "catalog")
		if err != nil {
			defaultErr = err
			return
		}
		defaultRepos, defaultUnknown, defaultErr = parseCatalogFS(sub)
	})
	if defaultErr != nil {
		panic(defaultErr)
	}
	c := &Catalog{repos: defaultRepos, deniedRepo: map[string]struct{}{}, deniedRef: map[string]struct{}{}}
	for _, u := range defaultUnknown {
		c.deniedRepo[u.Name()] = struct{}{}
	}
	return c
}

// Load returns a Catalog built from data in the format of the built-in
// catalog/*.json files. Errors name the repository and field at fault.
func Load(data []byte) (*Catalog, error) {
	repos, unknown, err := parseCatalog(data)
	if err == nil {
		err = resolveBases(repos)
	}
	if err != nil {
		return nil, err
	}
	c := &Catalog{repos: repos, deniedRepo: map[string]struct{}{}, deniedRef: map[string]struct{}{}}
	for _, u := range unknown {
		c.deniedRepo[u.Name()] = struct{}{}
	}
	return c, nil
}

// Deny makes every reference of the repository named by repo (any tag or
// digest in it is ignored) fail with *PullAccessDeniedError, as a private or
// non-existent Docker Hub repository does.
func (c *Catalog) Deny(repo string) error {
	ref, err := ParseReference(repo)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deniedRepo[ref.Name()] = struct{}{}
	return nil
}

// DenyTag makes exactly the reference ref ("nginx:9.99", "app@sha256:...")
// fail with *ManifestUnknownError; other tags of the repository still resolve.
func (c *Catalog) DenyTag(ref string) error {
	r, err := ParseReference(ref)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deniedRef[r.String()] = struct{}{}
	return nil
}

// Allow undoes Deny and DenyTag for ref: the repository and the exact reference
// resolve again.
func (c *Catalog) Allow(ref string) error {
	r, err := ParseReference(ref)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.deniedRepo, r.Name())
	delete(c.deniedRef, r.String())
	return nil
}

// Repositories lists the catalog's repositories in familiar form, sorted.
func (c *Catalog) Repositories() []string {
	out := make([]string, 0, len(c.repos))
	for _, r := range c.repos {
		out = append(out, r.ref.FamiliarName())
	}
	sort.Strings(out)
	return out
}

// Tags lists the catalog tags of the repository named by repo, in catalog
// order (newest variant first), or nil if the repository is not in the catalog.
func (c *Catalog) Tags(repo string) []string {
	ref, err := ParseReference(repo)
	if err != nil {
		return nil
	}
	r := c.repos[ref.Name()]
	if r == nil {
		return nil
	}
	var out []string
	for _, v := range r.variants {
		out = append(out, v.tags...)
	}
	return out
}

// Resolve returns the image ref pulls on the default platform (linux/amd64).
// Denied references return *PullAccessDeniedError or *ManifestUnknownError
// (both cerrdefs.IsNotFound); an invalid (zero) Reference returns
// *InvalidReferenceError.
func (c *Catalog) Resolve(ref Reference) (Image, error) {
	return c.ResolvePlatform(ref, Platform{})
}

// ResolvePlatform is Resolve for platform p (the zero Platform is the
// repository's default). A catalog repository that does not publish p returns
// *NoMatchingManifestError (cerrdefs.IsNotFound); synthetic images exist for
// every platform. All platforms of a tag share its RepoDigests (the image
// index digest) but have their own ID and layers.
func (c *Catalog) ResolvePlatform(ref Reference, p Platform) (Image, error) {
	if p != (Platform{}) {
		p = p.normalize()
	}
	if !ref.Valid() {
		return Image{}, &InvalidReferenceError{Err: fmt.Errorf("invalid reference format")}
	}
	c.mu.RLock()
	_, repoDenied := c.deniedRepo[ref.Name()]
	_, refDenied := c.deniedRef[ref.String()]
	c.mu.RUnlock()
	if repoDenied {
		return Image{}, &PullAccessDeniedError{Repository: ref.FamiliarName()}
	}
	if refDenied {
		return Image{}, &ManifestUnknownError{Reference: ref.Familiar()}
	}
	r := c.repos[ref.Name()]
	if r == nil {
		return c.syntheticImage(ref, p), nil
	}
	if p == (Platform{}) {
		p = r.platforms[0]
	} else if !slices.Contains(r.platforms, p) {
		return Image{}, &NoMatchingManifestError{Platform: p}
	}
	if tag := ref.Tag(); tag != "" {
		for _, v := range r.variants {
			if slices.Contains(v.tags, tag) {
				return r.build(v, v.tags[0], ref, "", p), nil
			}
		}
		return r.derived(ref, p), nil
	}
	for _, v := range r.variants {
		if r.indexDigest(v, v.tags[0]) == ref.Digest() {
			return r.build(v, v.tags[0], ref, "", p), nil
		}
	}
	return r.derived(ref, p), nil
}

// Platforms lists the platforms the repository named by repo publishes, the
// default first; nil for a repository not in the catalog.
func (c *Catalog) Platforms(repo string) []Platform {
	ref, err := ParseReference(repo)
	if err != nil || c.repos[ref.Name()] == nil {
		return nil
	}
	return slices.Clone(c.repos[ref.Name()].platforms)
}

// Lookup parses s and resolves it: ParseReference followed by Resolve.
func (c *Catalog) Lookup(s string) (Image, error) {
	ref, err := ParseReference(s)
	if err != nil {
		return Image{}, err
	}
	return c.Resolve(ref)
}
