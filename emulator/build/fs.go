package build

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/reconciler/reconciler/emulator/shell"
)

// File is one entry of an image filesystem: a directory or a regular file.
// Path is absolute and clean ("/app/main.py"); the root directory is never
// listed. Data is nil for directories. Mode holds the permission bits.
type File struct {
	Path string
	Dir  bool
	Mode fs.FileMode
	Data []byte
}

// node is one entry of a tree. Nodes are never modified after they are put in
// a tree (writes replace them), so snapshots can share them.
type node struct {
	dir  bool
	mode fs.FileMode
	data []byte
}

// tree is the filesystem of a build stage. It implements shell.FS so RUN
// instructions act on it directly. It is not safe for concurrent use: one
// build owns it.
type tree struct {
	m map[string]*node
}

var _ shell.FS = (*tree)(nil)

func newTree() *tree { return &tree{m: map[string]*node{"/": {dir: true, mode: 0o755}}} }

// treeFromFiles builds a tree holding files, creating missing parents.
func treeFromFiles(files []File) *tree {
	t := newTree()
	for _, f := range files {
		p := cleanAbs(f.Path)
		if p == "/" {
			continue
		}
		t.mkdirAll(path.Dir(p))
		mode := f.Mode.Perm()
		if f.Dir {
			if mode == 0 {
				mode = 0o755
			}
			t.m[p] = &node{dir: true, mode: mode}
			continue
		}
		if mode == 0 {
			mode = 0o644
		}
		t.m[p] = &node{mode: mode, data: append([]byte(nil), f.Data...)}
	}
	return t
}

// snapshot returns an independent copy sharing the (immutable) nodes.
func (t *tree) snapshot() *tree {
	m := make(map[string]*node, len(t.m))
	for k, v := range t.m {
		m[k] = v
	}
	return &tree{m: m}
}

// files lists the tree's entries sorted by path, root excluded; data is copied.
func (t *tree) files() []File {
	out := make([]File, 0, len(t.m))
	for _, p := range t.paths() {
		if p == "/" {
			continue
		}
		n := t.m[p]
		out = append(out, File{Path: p, Dir: n.dir, Mode: n.mode, Data: append([]byte(nil), n.data...)})
	}
	return out
}

func (t *tree) paths() []string {
	ps := make([]string, 0, len(t.m))
	for p := range t.m {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// diff describes how t differs from base as a layer: its digest (sha256 over
// a canonical listing of added, changed and removed entries) and its size
// (bytes of added or changed regular files), and whether anything changed.
func (t *tree) diff(base *tree) (digest string, size int64, changedAny bool) {
	h := sha256.New()
	var changed []string
	for p, n := range t.m {
		if o, ok := base.m[p]; !ok || o != n && !sameNode(o, n) {
			changed = append(changed, p)
		}
	}
	var removed []string
	for p := range base.m {
		if _, ok := t.m[p]; !ok {
			removed = append(removed, p)
		}
	}
	sort.Strings(changed)
	sort.Strings(removed)
	for _, p := range changed {
		n := t.m[p]
		if n.dir {
			h.Write([]byte("D " + p + " " + strconv.FormatUint(uint64(n.mode), 8) + "\n"))
			continue
		}
		sum := sha256.Sum256(n.data)
		h.Write([]byte("F " + p + " " + strconv.FormatUint(uint64(n.mode), 8) + " " + hex.EncodeToString(sum[:]) + "\n"))
		size += int64(len(n.data))
	}
	for _, p := range removed {
		h.Write([]byte("W " + p + "\n"))
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), size, len(changed)+len(removed) > 0
}

func sameNode(a, b *node) bool {
	return a.dir == b.dir && a.mode == b.mode && string(a.data) == string(b.data)
}

func cleanAbs(p string) string { return path.Clean("/" + p) }

func pathErr(op, p string, err error) error { return &fs.PathError{Op: op, Path: p, Err: err} }

// Stat implements shell.FS.
func (t *tree) Stat(p string) (shell.FileInfo, error) {
	p = cleanAbs(p)
	n, ok := t.m[p]
	if !ok {
		return shell.FileInfo{}, pathErr("stat", p, fs.ErrNotExist)
	}
	return shell.FileInfo{Name: path.Base(p), IsDir: n.dir, Size: int64(len(n.data))}, nil
}

// ReadFile implements shell.FS.
func (t *tree) ReadFile(p string) ([]byte, error) {
	p = cleanAbs(p)
	n, ok := t.m[p]
	if !ok {
		return nil, pathErr("open", p, fs.ErrNotExist)
	}
	if n.dir {
		return nil, pathErr("read", p, fs.ErrInvalid)
	}
	return append([]byte(nil), n.data...), nil
}

func (t *tree) parentDir(op, p string) error {
	n, ok := t.m[path.Dir(p)]
	if !ok {
		return pathErr(op, p, fs.ErrNotExist)
	}
	if !n.dir {
		return pathErr(op, p, fs.ErrInvalid)
	}
	return nil
}

// WriteFile implements shell.FS.
func (t *tree) WriteFile(p string, data []byte) error {
	p = cleanAbs(p)
	if err := t.parentDir("open", p); err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if n, ok := t.m[p]; ok {
		if n.dir {
			return pathErr("open", p, fs.ErrInvalid)
		}
		mode = n.mode
	}
	t.m[p] = &node{mode: mode, data: append([]byte(nil), data...)}
	return nil
}

// Append implements shell.FS.
func (t *tree) Append(p string, data []byte) error {
	p = cleanAbs(p)
	n, ok := t.m[p]
	if !ok {
		return t.WriteFile(p, data)
	}
	if n.dir {
		return pathErr("open", p, fs.ErrInvalid)
	}
	buf := make([]byte, 0, len(n.data)+len(data))
	t.m[p] = &node{mode: n.mode, data: append(append(buf, n.data...), data...)}
	return nil
}

// MkdirAll implements shell.FS.
func (t *tree) MkdirAll(p string) error {
	p = cleanAbs(p)
	for q := p; ; q = path.Dir(q) {
		if n, ok := t.m[q]; ok && !n.dir {
			return pathErr("mkdir", q, fs.ErrInvalid)
		}
		if q == "/" {
			break
		}
	}
	t.mkdirAll(p)
	return nil
}

// mkdirAll creates p and its parents, replacing files in the way.
func (t *tree) mkdirAll(p string) {
	for q := p; q != "/"; q = path.Dir(q) {
		if n, ok := t.m[q]; ok && n.dir {
			break
		}
		t.m[q] = &node{dir: true, mode: 0o755}
	}
}

// Remove implements shell.FS.
func (t *tree) Remove(p string) error {
	p = cleanAbs(p)
	n, ok := t.m[p]
	if !ok {
		return pathErr("remove", p, fs.ErrNotExist)
	}
	if p == "/" {
		return pathErr("remove", p, fs.ErrInvalid)
	}
	if n.dir && t.hasChildren(p) {
		return pathErr("remove", p, fs.ErrExist)
	}
	delete(t.m, p)
	return nil
}

func (t *tree) hasChildren(dir string) bool {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for q := range t.m {
		if q != dir && strings.HasPrefix(q, prefix) {
			return true
		}
	}
	return false
}

// ReadDir implements shell.FS.
func (t *tree) ReadDir(p string) ([]shell.FileInfo, error) {
	p = cleanAbs(p)
	n, ok := t.m[p]
	if !ok {
		return nil, pathErr("open", p, fs.ErrNotExist)
	}
	if !n.dir {
		return nil, pathErr("readdirent", p, fs.ErrInvalid)
	}
	var out []shell.FileInfo
	for q, c := range t.m {
		if q != "/" && path.Dir(q) == p {
			out = append(out, shell.FileInfo{Name: path.Base(q), IsDir: c.dir, Size: int64(len(c.data))})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// putFile writes a regular file at p with mode, creating parents.
func (t *tree) putFile(p string, mode fs.FileMode, data []byte) {
	p = cleanAbs(p)
	t.mkdirAll(path.Dir(p))
	t.m[p] = &node{mode: mode, data: data}
}

// subtree lists the entries strictly below dir, sorted, as paths relative to dir.
func (t *tree) subtree(dir string) []string {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	var out []string
	for q := range t.m {
		if q != dir && strings.HasPrefix(q, prefix) {
			out = append(out, strings.TrimPrefix(q, prefix))
		}
	}
	sort.Strings(out)
	return out
}
