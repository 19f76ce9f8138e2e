package emulator

import (
	"context"
	"encoding/json"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/reconciler/reconciler/emulator/build"
)

// A container's root filesystem is an overlay, as dockerd's overlay2 driver
// makes it: the container's layer (ctrRec.Layer, the upper tree: what it
// created, wrote or removed) over its image's files (the lower tree, shared by
// every container of the image and never written). A removal of an image file
// leaves a whiteout (fileEntry.Gone) in the layer. The layer therefore holds
// only the container's own changes, so a container record stays small however
// many files its image has, and SizeRw-style sizes count only what it wrote.
//
// Records written before the layer was a diff (ctrRec.LayerDiff false) hold a
// full copy of the image's files: they are read with no lower tree.

// fsTree is a tree a container's filesystem routes a path to: a plain
// fileTree (volumes, binds, tmpfs) or the root overlay.
type fsTree interface {
	stat(p string) (fileEntry, bool)
	write(p string, data []byte, appendTo bool) error
	mkdirAll(p string) error
	remove(p string) error
	children(p string) []string
}

// overlay is upper over lower; lower may be nil. Only upper is written.
type overlay struct{ upper, lower fileTree }

func (o overlay) stat(p string) (fileEntry, bool) {
	if e, ok := o.upper[p]; ok {
		if e.Gone {
			return fileEntry{}, false
		}
		return e, true
	}
	return o.lower.stat(p)
}

func (o overlay) parentDir(op, p string) error {
	if d, ok := o.stat(path.Dir(p)); !ok {
		return pathErr(op, p, fs.ErrNotExist)
	} else if !d.Dir {
		return pathErr(op, p, fs.ErrInvalid)
	}
	return nil
}

func (o overlay) write(p string, data []byte, appendTo bool) error {
	if err := o.parentDir("open", p); err != nil {
		return err
	}
	f, ok := o.stat(p)
	if ok && f.Dir {
		return pathErr("open", p, fs.ErrInvalid)
	}
	if appendTo && ok {
		data = append(append([]byte(nil), f.Data...), data...)
	} else {
		data = append([]byte(nil), data...)
	}
	o.upper[p] = fileEntry{Data: data}
	return nil
}

func (o overlay) mkdirAll(p string) error {
	if p == "/" {
		return nil
	}
	if f, ok := o.stat(p); ok {
		if !f.Dir {
			return pathErr("mkdir", p, fs.ErrInvalid)
		}
		return nil
	}
	if err := o.mkdirAll(path.Dir(p)); err != nil {
		return err
	}
	o.upper[p] = fileEntry{Dir: true}
	return nil
}

// children are p's entries in either tree, less the whited-out ones, sorted.
func (o overlay) children(p string) []string {
	out := o.upper.children(p)
	n := 0
	for _, k := range out {
		if !o.upper[k].Gone {
			out[n] = k
			n++
		}
	}
	out = out[:n]
	for _, k := range o.lower.children(p) {
		if _, shadowed := o.upper[k]; !shadowed {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (o overlay) remove(p string) error {
	f, ok := o.stat(p)
	if !ok {
		return pathErr("remove", p, fs.ErrNotExist)
	}
	if f.Dir && len(o.children(p)) > 0 {
		return pathErr("remove", p, fs.ErrInvalid)
	}
	if _, inLower := o.lower[p]; inLower {
		o.upper[p] = fileEntry{Gone: true}
	} else {
		delete(o.upper, p)
	}
	return nil
}

// under is every entry below dir (not dir itself), keyed by path.
func (o overlay) under(dir string) map[string]fileEntry {
	prefix := dir + "/"
	out := map[string]fileEntry{}
	for _, t := range []fileTree{o.lower, o.upper} { // upper last: it wins
		for p, e := range t {
			if strings.HasPrefix(p, prefix) {
				out[p] = e
			}
		}
	}
	for p, e := range out {
		if e.Gone {
			delete(out, p)
		}
	}
	return out
}

// layerOf is c's root overlay; c.Layer must be set up (containerFS does).
func (t *txn) layerOf(c *ctrRec) overlay {
	if !c.LayerDiff {
		return overlay{upper: c.Layer}
	}
	return overlay{upper: c.Layer, lower: t.imageTree(c.ImageID)}
}

// lowerCacheMax bounds how many images' file trees an engine keeps.
const lowerCacheMax = 64

// imageTree is image id's files as a tree (with their parent directories),
// shared and read-only. An image id names its content, so the tree is cached
// by id for the engine's life (at most lowerCacheMax of them).
func (t *txn) imageTree(id string) fileTree {
	e := t.e
	if ft, ok := e.lowerCache[id]; ok {
		return ft
	}
	files := e.imageFilesLocked(t.s, id)
	if files == nil && t.s.images[id] == nil {
		return nil // unknown image: nothing to cache
	}
	ft := fileTree{}
	for _, f := range files {
		if f.Dir {
			_ = ft.mkdirAll(f.Path)
		} else if ft.mkdirAll(path.Dir(f.Path)) == nil {
			_ = ft.write(f.Path, f.Data, false)
		}
	}
	if len(e.lowerCache) >= lowerCacheMax {
		for k := range e.lowerCache {
			delete(e.lowerCache, k)
			break
		}
	}
	if e.lowerCache == nil {
		e.lowerCache = map[string]fileTree{}
	}
	e.lowerCache[id] = ft
	return ft
}

// imageFilesLocked are the files of image id (in s, the cache), read with
// e.mu held: for a built image what the build recorded (build_image.go's
// image_files table), for a pulled catalog image the registry's
// (catalogFiles), else nil.
func (e *Engine) imageFilesLocked(s *state, id string) []build.File {
	var doc []byte
	err := e.st.conn.QueryRowContext(context.Background(), "SELECT doc FROM image_files WHERE id = ?", id).Scan(&doc)
	if err != nil {
		return e.catalogFiles(s, id) // no row (a pulled image) or no table
	}
	var files []build.File
	if json.Unmarshal(doc, &files) != nil {
		return nil
	}
	return files
}
