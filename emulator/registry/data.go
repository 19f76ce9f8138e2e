package registry

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// catalogFiles is the built-in catalog: catalog/*.json, one file per family
// of images, each in the format of catalogFile.
//
//go:embed catalog/*.json
var catalogFiles embed.FS

// catalogFile is the on-disk shape of one catalog file.
type catalogFile struct {
	Comment      string     `json:"comment"`
	Unknown      []string   `json:"unknown"`
	Repositories []repoFile `json:"repositories"`
}

type repoFile struct {
	Name string `json:"name"`
	// Platforms the repository publishes, "os/arch[/variant]"; the first is
	// the default. Empty means linux/amd64 and linux/arm64/v8.
	Platforms []string `json:"platforms"`
	Author    string   `json:"author"`
	// Base is the catalog image ("debian:bookworm-slim") the repository is
	// built FROM: its layers and history come first and are shared. Empty
	// means the history starts with the repository's own root filesystem.
	Base     string        `json:"base"`
	Config   configFile    `json:"config"`
	History  []historyFile `json:"history"`
	Variants []variantFile `json:"variants"`
}

type configFile struct {
	User         string            `json:"User"`
	Env          []string          `json:"Env"`
	Entrypoint   []string          `json:"Entrypoint"`
	Cmd          []string          `json:"Cmd"`
	WorkingDir   string            `json:"WorkingDir"`
	ExposedPorts []string          `json:"ExposedPorts"`
	Volumes      []string          `json:"Volumes"`
	StopSignal   string            `json:"StopSignal"`
	Labels       map[string]string `json:"Labels"`
	Shell        []string          `json:"Shell"`
	OnBuild      []string          `json:"OnBuild"`
	Healthcheck  *healthFile       `json:"Healthcheck"`
}

type healthFile struct {
	Test          []string `json:"Test"`
	Interval      string   `json:"Interval"`
	Timeout       string   `json:"Timeout"`
	StartPeriod   string   `json:"StartPeriod"`
	StartInterval string   `json:"StartInterval"`
	Retries       int      `json:"Retries"`
}

type historyFile struct {
	CreatedBy  string `json:"created_by"`
	Comment    string `json:"comment"`
	EmptyLayer bool   `json:"empty_layer"`
	// Weight is the share of the image size this layer holds (non-empty layers only; default 1).
	Weight int64 `json:"weight"`
}

type variantFile struct {
	Tags []string `json:"tags"`
	// Base overrides the repository's base for this variant ("alpine:3.21").
	Base    string            `json:"base"`
	Created string            `json:"created"`
	Size    int64             `json:"size"`
	Env     []string          `json:"env"`
	Cmd     []string          `json:"cmd"`
	Labels  map[string]string `json:"labels"`
}

// repo is a parsed catalog repository.
type repo struct {
	ref       Reference  // repository, tagged "latest" (only the name is used)
	platforms []Platform // the first is the default
	author    string
	config    dockerspec.DockerOCIImageConfig
	history   []historyFile
	variants  []variant
}

type variant struct {
	tags     []string
	created  time.Time
	size     int64
	config   dockerspec.DockerOCIImageConfig
	baseName string // as written in the data; resolved into base
	base     *baseImage
}

// baseImage is the catalog variant a variant is built FROM.
type baseImage struct {
	ref  Reference
	repo *repo
	v    *variant // points into repo.variants, which never changes after parsing
}

// parseCatalogFS parses every *.json file of fsys's root in name order and
// merges them; a repository defined twice is an error naming both files.
func parseCatalogFS(fsys fs.FS) (map[string]*repo, []Reference, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, nil, err
	}
	repos := map[string]*repo{}
	from := map[string]string{}
	var unknown []Reference
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, nil, err
		}
		rs, us, err := parseCatalog(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path.Base(name), err)
		}
		for n, r := range rs {
			if prev, dup := from[n]; dup {
				return nil, nil, fmt.Errorf("%s: registry catalog: repository %s already defined in %s", name, r.ref.FamiliarName(), prev)
			}
			repos[n], from[n] = r, name
		}
		unknown = append(unknown, us...)
	}
	if err := resolveBases(repos); err != nil {
		return nil, nil, err
	}
	return repos, unknown, nil
}

// maxBaseDepth bounds FROM chains (alpine <- bash <- ...), which also rules
// out cycles.
const maxBaseDepth = 4

// resolveBases links every variant to the catalog variant it is built FROM.
// A base must be a listed tag of a catalog repository, smaller than the
// variant, and chains must end within maxBaseDepth.
func resolveBases(repos map[string]*repo) error {
	for _, name := range slices.Sorted(maps.Keys(repos)) {
		r := repos[name]
		for j := range r.variants {
			v := &r.variants[j]
			if v.baseName == "" {
				continue
			}
			ref, err := ParseReference(v.baseName)
			if err != nil {
				return fmt.Errorf("registry catalog: %s: variants[%d]: base: %w", r.ref.FamiliarName(), j, err)
			}
			br := repos[ref.Name()]
			var bv *variant
			if br != nil {
				for k := range br.variants {
					if slices.Contains(br.variants[k].tags, ref.Tag()) {
						bv = &br.variants[k]
					}
				}
			}
			if bv == nil {
				return fmt.Errorf("registry catalog: %s: variants[%d]: base %s is not a catalog tag", r.ref.FamiliarName(), j, v.baseName)
			}
			v.base = &baseImage{ref: ref, repo: br, v: bv}
		}
	}
	// Second pass, on the complete chains: depth and sizes.
	for _, name := range slices.Sorted(maps.Keys(repos)) {
		r := repos[name]
		for j := range r.variants {
			v := &r.variants[j]
			depth := 0
			for b := v.base; b != nil; {
				depth++
				if depth > maxBaseDepth {
					return fmt.Errorf("registry catalog: %s: variants[%d]: base chain longer than %d (cycle?)", r.ref.FamiliarName(), j, maxBaseDepth)
				}
				b = b.v.base
			}
			if v.base != nil && v.base.v.size >= v.size {
				return fmt.Errorf("registry catalog: %s: variants[%d]: size %d is not larger than its base %s (%d)", r.ref.FamiliarName(), j, v.size, v.base.ref.Familiar(), v.base.v.size)
			}
		}
	}
	return nil
}

// parseCatalog validates and converts one data file. Every problem names the
// repository and field.
func parseCatalog(data []byte) (map[string]*repo, []Reference, error) {
	var f catalogFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf("registry catalog: %w", err)
	}
	repos := make(map[string]*repo, len(f.Repositories))
	for i, rf := range f.Repositories {
		r, err := parseRepo(rf)
		if err != nil {
			return nil, nil, fmt.Errorf("registry catalog: repositories[%d] (%s): %w", i, rf.Name, err)
		}
		if _, dup := repos[r.ref.Name()]; dup {
			return nil, nil, fmt.Errorf("registry catalog: repositories[%d]: duplicate repository %s", i, rf.Name)
		}
		repos[r.ref.Name()] = r
	}
	var unknown []Reference
	for i, u := range f.Unknown {
		ref, err := ParseReference(u)
		if err != nil {
			return nil, nil, fmt.Errorf("registry catalog: unknown[%d] %q: %w", i, u, err)
		}
		unknown = append(unknown, ref)
	}
	return repos, unknown, nil
}

func parseRepo(rf repoFile) (*repo, error) {
	ref, err := ParseReference(rf.Name)
	if err != nil {
		return nil, fmt.Errorf("name: %w", err)
	}
	if ref.Tag() != "latest" || strings.Contains(rf.Name, ":") {
		return nil, fmt.Errorf("name: must be a repository without tag or digest")
	}
	cfg, err := rf.Config.toSpec()
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	r := &repo{ref: ref, author: rf.Author, config: cfg, history: rf.History}
	plats := rf.Platforms
	if len(plats) == 0 {
		plats = defaultPlatforms
	}
	for j, ps := range plats {
		p, err := ParsePlatform(ps)
		if err != nil {
			return nil, fmt.Errorf("platforms[%d]: %w", j, err)
		}
		r.platforms = append(r.platforms, p)
	}
	layers := 0
	for j, h := range rf.History {
		if h.CreatedBy == "" {
			return nil, fmt.Errorf("history[%d]: created_by is empty", j)
		}
		if h.Weight < 0 {
			return nil, fmt.Errorf("history[%d]: weight is negative", j)
		}
		if !h.EmptyLayer {
			layers++
		}
	}
	if layers == 0 {
		return nil, fmt.Errorf("history: no layer")
	}
	if len(rf.Variants) == 0 {
		return nil, fmt.Errorf("variants: none")
	}
	seen := map[string]bool{}
	for j, vf := range rf.Variants {
		if len(vf.Tags) == 0 {
			return nil, fmt.Errorf("variants[%d]: no tags", j)
		}
		for _, t := range vf.Tags {
			if _, err := WithTag(rf.Name, t); err != nil {
				return nil, fmt.Errorf("variants[%d]: tag %q: %w", j, t, err)
			}
			if seen[t] {
				return nil, fmt.Errorf("variants[%d]: tag %q listed twice", j, t)
			}
			seen[t] = true
		}
		created, err := time.Parse(time.RFC3339, vf.Created)
		if err != nil {
			return nil, fmt.Errorf("variants[%d]: created: %w", j, err)
		}
		if vf.Size <= 0 {
			return nil, fmt.Errorf("variants[%d]: size must be positive", j)
		}
		vc := cloneConfig(cfg)
		vc.Env = mergeEnv(vc.Env, vf.Env)
		if vf.Cmd != nil {
			vc.Cmd = cloneSlice(vf.Cmd)
		}
		for k, v := range vf.Labels {
			if vc.Labels == nil {
				vc.Labels = map[string]string{}
			}
			vc.Labels[k] = v
		}
		base := vf.Base
		if base == "" {
			base = rf.Base
		}
		r.variants = append(r.variants, variant{tags: vf.Tags, created: created.UTC(), size: vf.Size, config: vc, baseName: base})
	}
	return r, nil
}

func (c configFile) toSpec() (dockerspec.DockerOCIImageConfig, error) {
	out := dockerspec.DockerOCIImageConfig{
		ImageConfig: ocispec.ImageConfig{
			User:       c.User,
			Env:        cloneSlice(c.Env),
			Entrypoint: cloneSlice(c.Entrypoint),
			Cmd:        cloneSlice(c.Cmd),
			WorkingDir: c.WorkingDir,
			StopSignal: c.StopSignal,
		},
	}
	out.Shell = cloneSlice(c.Shell)
	out.OnBuild = cloneSlice(c.OnBuild)
	for _, e := range c.Env {
		if !strings.Contains(e, "=") {
			return out, fmt.Errorf("Env: %q is not KEY=value", e)
		}
	}
	if len(c.ExposedPorts) > 0 {
		out.ExposedPorts = map[string]struct{}{}
		for _, p := range c.ExposedPorts {
			if !strings.HasSuffix(p, "/tcp") && !strings.HasSuffix(p, "/udp") && !strings.HasSuffix(p, "/sctp") {
				return out, fmt.Errorf("ExposedPorts: %q needs a /tcp, /udp or /sctp suffix", p)
			}
			out.ExposedPorts[p] = struct{}{}
		}
	}
	if len(c.Volumes) > 0 {
		out.Volumes = map[string]struct{}{}
		for _, v := range c.Volumes {
			if !strings.HasPrefix(v, "/") {
				return out, fmt.Errorf("Volumes: %q is not an absolute path", v)
			}
			out.Volumes[v] = struct{}{}
		}
	}
	if len(c.Labels) > 0 {
		out.Labels = make(map[string]string, len(c.Labels))
		for k, v := range c.Labels {
			out.Labels[k] = v
		}
	}
	if h := c.Healthcheck; h != nil {
		hc := &dockerspec.HealthcheckConfig{Test: cloneSlice(h.Test), Retries: h.Retries}
		for _, d := range []struct {
			name string
			in   string
			out  *time.Duration
		}{{"Interval", h.Interval, &hc.Interval}, {"Timeout", h.Timeout, &hc.Timeout}, {"StartPeriod", h.StartPeriod, &hc.StartPeriod}, {"StartInterval", h.StartInterval, &hc.StartInterval}} {
			if d.in == "" {
				continue
			}
			v, err := time.ParseDuration(d.in)
			if err != nil {
				return out, fmt.Errorf("Healthcheck.%s: %w", d.name, err)
			}
			*d.out = v
		}
		if len(hc.Test) == 0 {
			return out, fmt.Errorf("Healthcheck.Test: empty")
		}
		out.Healthcheck = hc
	}
	return out, nil
}

// mergeEnv returns base with each KEY=value of over replacing the same KEY, or
// appended when base lacks it.
func mergeEnv(base, over []string) []string {
	out := cloneSlice(base)
	for _, kv := range over {
		key, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, b := range out {
			if k, _, _ := strings.Cut(b, "="); k == key {
				out[i] = kv
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

// defaultPlatforms are the platforms of a repository that lists none.
var defaultPlatforms = []string{"linux/amd64", "linux/arm64/v8"}
