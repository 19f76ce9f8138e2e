package registry

import (
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
)

// File is one entry of an image's root filesystem: a directory or a regular
// file. Path is absolute and clean; the root directory is never listed; Data
// is nil for directories; Mode holds the permission bits.
type File struct {
	Path string
	Dir  bool
	Mode fs.FileMode
	Data []byte
}

// Files returns the root filesystem a pull of ref yields, small but shaped as
// the real image's: the distribution's /etc/os-release (none for busybox and
// hello-world, which have none), /etc/passwd and /etc/group with the image's
// users (postgres, nginx, redis, ...), entries in /bin, /usr/bin and
// /usr/local/bin for the programs the emulator's interpreter runs, the server's configuration and content files (/etc/nginx/nginx.conf,
// /usr/share/nginx/html/index.html, ...) and the image's VOLUME directories,
// empty (postgres' /var/lib/postgresql/data holds nothing). Executables hold
// a four-byte ELF magic, not a program.
//
// An image FROM a catalog base has the base's files under its own. A
// reference outside the catalog (a synthetic image) has alpine's files and
// /usr/local/bin/app. Files depends only on the reference and the catalog,
// is sorted by path and parents come before their children; errors are
// Resolve's (a denied or invalid reference).
func (c *Catalog) Files(ref Reference) ([]File, error) {
	img, err := c.Resolve(ref)
	if err != nil {
		return nil, err
	}
	fs := newRootFS()
	r := c.repos[ref.Name()]
	if r == nil {
		if br := c.repos[mustName(syntheticBase)]; br != nil {
			fs.layer(br, &br.variants[0], false)
		}
		fs.dir("/app")
		fs.exe("/usr/local/bin/app")
	} else {
		v := r.variantFor(ref)
		var chain []*baseImage // leaf first
		for b := v.base; b != nil; b = b.v.base {
			chain = append(chain, b)
		}
		alpine := len(chain) > 0 && chain[len(chain)-1].repo.ref.Name() == mustName("alpine")
		for i := len(chain) - 1; i >= 0; i-- {
			fs.layer(chain[i].repo, chain[i].v, alpine)
		}
		fs.layer(r, v, alpine || r.ref.Name() == mustName("alpine"))
	}
	for vol := range img.Config.Volumes {
		fs.dir(vol)
	}
	return fs.files(), nil
}

// variantFor is the variant ResolvePlatform would serve for ref: a listed tag
// or digest, else (a derived image) the newest variant.
func (r *repo) variantFor(ref Reference) *variant {
	for i := range r.variants {
		v := &r.variants[i]
		if t := ref.Tag(); t != "" && slices.Contains(v.tags, t) {
			return v
		}
		if d := ref.Digest(); d != "" && r.indexDigest(*v, v.tags[0]) == d {
			return v
		}
	}
	return &r.variants[0]
}

func mustName(s string) string {
	ref, err := ParseReference(s)
	if err != nil {
		return ""
	}
	return ref.Name()
}

// rootFS accumulates an image's files; later layers replace earlier files
// and append to the account files (passwd, group).
type rootFS struct {
	m map[string]File
}

func newRootFS() *rootFS { return &rootFS{m: map[string]File{}} }

func (f *rootFS) dir(p string) {
	p = path.Clean("/" + p)
	for q := p; q != "/"; q = path.Dir(q) {
		if _, ok := f.m[q]; ok {
			break
		}
		f.m[q] = File{Path: q, Dir: true, Mode: 0o755}
	}
}

func (f *rootFS) put(p string, mode fs.FileMode, data string) {
	p = path.Clean("/" + p)
	f.dir(path.Dir(p))
	f.m[p] = File{Path: p, Mode: mode, Data: []byte(data)}
}

// elfMagic is the content of a simulated executable.
const elfMagic = "\x7fELF"

func (f *rootFS) exe(paths ...string) {
	for _, p := range paths {
		f.put(p, 0o755, elfMagic)
	}
}

// appendTo adds lines to an account file, replacing lines for the same name.
func (f *rootFS) appendTo(p string, lines ...string) {
	old := strings.Split(strings.TrimSuffix(string(f.m[p].Data), "\n"), "\n")
	for _, l := range lines {
		name, _, _ := strings.Cut(l, ":")
		old = slices.DeleteFunc(old, func(o string) bool { return o == "" || strings.HasPrefix(o, name+":") })
		old = append(old, l)
	}
	f.put(p, 0o644, strings.Join(old, "\n")+"\n")
}

// layer adds the files of repository r's variant v (alpine: the variant is
// built on alpine, so it uses alpine's accounts and paths).
func (f *rootFS) layer(r *repo, v *variant, alpine bool) {
	name := r.ref.FamiliarName()
	if d, ok := distros[name]; ok {
		d(f, v)
		return
	}
	if o, ok := overlays[name]; ok {
		o(f, v, alpine)
	}
}

// files returns the entries sorted by path (so parents come first).
func (f *rootFS) files() []File {
	out := make([]File, 0, len(f.m))
	for _, e := range f.m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// envOf is the value of key in v's environment, or def.
func envOf(v *variant, key, def string) string {
	for _, kv := range v.config.Env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			return val
		}
	}
	return def
}

// versionTag is v's most specific version tag ("3.21.3" of latest, 3, 3.21,
// 3.21.3), or "" when it has none.
func versionTag(v *variant) string {
	best := ""
	for _, t := range v.tags {
		if t != "" && strings.Trim(t, "0123456789.") == "" && strings.Count(t, ".") > strings.Count(best, ".") {
			best = t
		}
	}
	if best == "" {
		for _, t := range v.tags {
			if t != "" && strings.Trim(t, "0123456789.") == "" {
				return t
			}
		}
	}
	return best
}
