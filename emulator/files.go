package emulator

import (
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/mount"
	"github.com/reconciler/reconciler/emulator/build"
	"github.com/reconciler/reconciler/emulator/registry"
	"github.com/reconciler/reconciler/emulator/shell"
)

// Files. Every container sees one filesystem (ctrFS, a shell.FS): its root,
// the writable layer (ctrRec.Layer, seeded with a root skeleton at first
// start, gone with the container) over its image's files (files_overlay.go),
// with its mounts over that: named and anonymous volumes
// (volRec.Files, kept in the store with the volume, so they outlive the
// container and are shared by every container mounting them), binds
// (ctrRec.Binds, per container, keyed by host path) and tmpfs (ctrRec.Tmpfs,
// emptied when the container stops). Files live in the records, so they are
// saved by the transaction that changed them and every process sees them.

// fileEntry is one file or directory of a fileTree.
type fileEntry struct {
	Dir  bool   `json:",omitempty"`
	Data []byte `json:",omitempty"`
	// Gone marks, in a container's layer, an image file the container removed
	// (a whiteout; see files_overlay.go). Plain trees never hold one.
	Gone bool `json:",omitempty"`
}

// fileTree is a filesystem keyed by clean absolute path; "/" is implicit.
type fileTree map[string]fileEntry

// size is the bytes held by the tree's regular files.
func (ft fileTree) size() int64 {
	var n int64
	for _, f := range ft {
		n += int64(len(f.Data))
	}
	return n
}

func (ft fileTree) clone() fileTree {
	if ft == nil {
		return nil
	}
	out := make(fileTree, len(ft))
	for k, v := range ft {
		out[k] = fileEntry{Dir: v.Dir, Data: slices.Clone(v.Data), Gone: v.Gone}
	}
	return out
}

// rootSkeleton are the directories every container starts with.
var rootSkeleton = []string{"/bin", "/dev", "/etc", "/home", "/proc", "/root", "/run", "/sys", "/tmp", "/usr/bin", "/usr/local/bin", "/var/log", "/var/tmp"}

func pathErr(op, p string, err error) error { return &fs.PathError{Op: op, Path: p, Err: err} }

func (ft fileTree) stat(p string) (fileEntry, bool) {
	if p == "/" {
		return fileEntry{Dir: true}, true
	}
	f, ok := ft[p]
	return f, ok
}

// write, mkdirAll and remove are the overlay's with no lower tree: a plain
// tree never holds a whiteout.
func (ft fileTree) write(p string, data []byte, appendTo bool) error {
	return overlay{upper: ft}.write(p, data, appendTo)
}
func (ft fileTree) mkdirAll(p string) error { return overlay{upper: ft}.mkdirAll(p) }
func (ft fileTree) remove(p string) error   { return overlay{upper: ft}.remove(p) }

func (ft fileTree) children(p string) []string {
	prefix := p + "/"
	if p == "/" {
		prefix = "/"
	}
	var out []string
	for k := range ft {
		if k != p && strings.HasPrefix(k, prefix) && !strings.Contains(k[len(prefix):], "/") {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// catalogFiles are registry.Catalog.Files of the pulled image id: the first of
// its tags and digests that the engine's catalog resolves to id. An engine
// with another ImageSource has none.
func (e *Engine) catalogFiles(s *state, id string) []build.File {
	cs, ok := e.images.(catalogSource)
	im := s.images[id]
	if !ok || im == nil {
		return nil
	}
	for _, r := range append(slices.Clone(im.RepoTags), im.RepoDigests...) {
		ref, err := registry.ParseReference(r)
		if err != nil {
			continue
		}
		if img, err := cs.c.Resolve(ref); err != nil || img.ID != id {
			continue
		}
		files, err := cs.c.Files(ref)
		if err != nil {
			return nil
		}
		out := make([]build.File, len(files))
		for i, f := range files {
			out[i] = build.File{Path: f.Path, Dir: f.Dir, Mode: f.Mode, Data: f.Data}
		}
		return out
	}
	return nil
}

// fsMount is one mount of a container's filesystem.
type fsMount struct {
	dest string
	tree fileTree
	ro   bool
	vol  *volRec // set for volumes: saved when written
}

// ctrFS is a container's filesystem view (shell.FS). Writes change the cloned
// records it was built from; save stores the ones that changed.
type ctrFS struct {
	c      *ctrRec
	root   overlay   // c.Layer over the image's files
	mounts []fsMount // longest destination first
	dirty  map[*volRec]bool
	layerW bool
}

// containerFS builds c's filesystem. c must be a clone owned by the caller;
// volumes are cloned here and saved by save.
//
// When the layer is first set up here, empty volumes are populated from the
// image's files under their mount points (volume_populate.go).
func (t *txn) containerFS(c *ctrRec) *ctrFS {
	fresh := c.Layer == nil
	if fresh {
		c.Layer, c.LayerDiff = fileTree{}, true
	}
	root := t.layerOf(c)
	if fresh {
		for _, d := range rootSkeleton {
			_ = root.mkdirAll(d)
		}
		_ = root.write("/etc/hostname", []byte(c.Config.Hostname+"\n"), false)
	}
	f := &ctrFS{c: c, root: root, dirty: map[*volRec]bool{}}
	vols := map[string]*volRec{}
	for _, m := range c.Mounts {
		_ = root.mkdirAll(m.Destination)
		fm := fsMount{dest: m.Destination, ro: !m.RW}
		switch m.Type {
		case mount.TypeVolume:
			v := vols[m.Name]
			if v == nil {
				if v = t.s.volumes[m.Name]; v == nil {
					continue
				}
				v = cloneVolume(v)
				if v.Files == nil {
					v.Files = fileTree{}
				}
				vols[m.Name] = v
			}
			if fresh && root.copyUp(c, m, v) {
				f.dirty[v] = true
			}
			fm.tree, fm.vol = v.Files, v
		case mount.TypeBind:
			if c.Binds == nil {
				c.Binds = map[string]fileTree{}
			}
			if c.Binds[m.Source] == nil {
				c.Binds[m.Source] = fileTree{}
			}
			fm.tree = c.Binds[m.Source]
		case mount.TypeTmpfs:
			fm.tree = c.tmpfs(m.Destination)
		default:
			continue
		}
		f.mounts = append(f.mounts, fm)
	}
	for dest := range c.HostConfig.Tmpfs {
		dest = path.Clean(dest)
		_ = root.mkdirAll(dest)
		f.mounts = append(f.mounts, fsMount{dest: dest, tree: c.tmpfs(dest)})
	}
	sort.SliceStable(f.mounts, func(i, j int) bool { return len(f.mounts[i].dest) > len(f.mounts[j].dest) })
	return f
}

func (c *ctrRec) tmpfs(dest string) fileTree {
	if c.Tmpfs == nil {
		c.Tmpfs = map[string]fileTree{}
	}
	if c.Tmpfs[dest] == nil {
		c.Tmpfs[dest] = fileTree{}
	}
	return c.Tmpfs[dest]
}

func cloneTrees(m map[string]fileTree) map[string]fileTree {
	if m == nil {
		return nil
	}
	out := make(map[string]fileTree, len(m))
	for k, v := range m {
		out[k] = v.clone()
	}
	return out
}

func cloneVolume(v *volRec) *volRec {
	out := *v
	out.Labels = cloneMap(v.Labels)
	out.Options = cloneMap(v.Options)
	out.Files = v.Files.clone()
	return &out
}

// route returns the tree holding p and p's path inside it.
func (f *ctrFS) route(p string) (*fsMount, string) {
	p = path.Clean("/" + p)
	for i := range f.mounts {
		m := &f.mounts[i]
		if p == m.dest {
			return m, "/"
		}
		if strings.HasPrefix(p, m.dest+"/") {
			return m, p[len(m.dest):]
		}
	}
	return nil, p
}

func (f *ctrFS) tree(p string, write bool) (fsTree, string, error) {
	m, inner := f.route(p)
	if m == nil {
		if write {
			f.layerW = true
		}
		return f.root, inner, nil
	}
	if write {
		if m.ro {
			return nil, "", pathErr("open", p, fs.ErrPermission)
		}
		if m.vol != nil {
			f.dirty[m.vol] = true
		}
	}
	return m.tree, inner, nil
}

// Stat implements shell.FS.
func (f *ctrFS) Stat(p string) (shell.FileInfo, error) {
	ft, inner, _ := f.tree(p, false)
	e, ok := ft.stat(inner)
	if !ok {
		return shell.FileInfo{}, pathErr("stat", p, fs.ErrNotExist)
	}
	return shell.FileInfo{Name: path.Base(p), IsDir: e.Dir, Size: int64(len(e.Data))}, nil
}

// ReadFile implements shell.FS.
func (f *ctrFS) ReadFile(p string) ([]byte, error) {
	ft, inner, _ := f.tree(p, false)
	e, ok := ft.stat(inner)
	switch {
	case !ok:
		return nil, pathErr("open", p, fs.ErrNotExist)
	case e.Dir:
		return nil, pathErr("read", p, fs.ErrInvalid)
	}
	return slices.Clone(e.Data), nil
}

// WriteFile implements shell.FS.
func (f *ctrFS) WriteFile(p string, data []byte) error {
	ft, inner, err := f.tree(p, true)
	if err != nil {
		return err
	}
	return ft.write(inner, data, false)
}

// Append implements shell.FS.
func (f *ctrFS) Append(p string, data []byte) error {
	ft, inner, err := f.tree(p, true)
	if err != nil {
		return err
	}
	return ft.write(inner, data, true)
}

// MkdirAll implements shell.FS.
func (f *ctrFS) MkdirAll(p string) error {
	ft, inner, err := f.tree(p, true)
	if err != nil {
		return err
	}
	return ft.mkdirAll(inner)
}

// Remove implements shell.FS.
func (f *ctrFS) Remove(p string) error {
	if m, inner := f.route(p); m != nil && inner == "/" {
		return pathErr("remove", p, fs.ErrPermission) // a mount point is busy
	}
	ft, inner, err := f.tree(p, true)
	if err != nil {
		return err
	}
	return ft.remove(inner)
}

// ReadDir implements shell.FS.
func (f *ctrFS) ReadDir(p string) ([]shell.FileInfo, error) {
	ft, inner, _ := f.tree(p, false)
	e, ok := ft.stat(inner)
	switch {
	case !ok:
		return nil, pathErr("open", p, fs.ErrNotExist)
	case !e.Dir:
		return nil, pathErr("readdir", p, fs.ErrInvalid)
	}
	var out []shell.FileInfo
	for _, k := range ft.children(inner) {
		c, _ := ft.stat(k)
		out = append(out, shell.FileInfo{Name: path.Base(k), IsDir: c.Dir, Size: int64(len(c.Data))})
	}
	return out, nil
}

// save stores the volumes written through f (the container record is the
// caller's to put).
func (f *ctrFS) save(t *txn) {
	vols := make([]*volRec, 0, len(f.dirty))
	for v := range f.dirty {
		vols = append(vols, v)
	}
	sort.Slice(vols, func(i, j int) bool { return vols[i].Name < vols[j].Name })
	for _, v := range vols {
		t.putVolume(v)
	}
	f.dirty = map[*volRec]bool{}
}
