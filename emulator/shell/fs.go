package shell

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
)

// FS is the container filesystem the interpreter reads and writes. Paths are
// absolute and clean (the interpreter resolves relative paths against the working
// directory before calling). Errors are *fs.PathError wrapping fs.ErrNotExist,
// fs.ErrExist or fs.ErrInvalid (for "is a directory" / "not a directory"), so
// callers test them with errors.Is.
type FS interface {
	// Stat describes the file or directory at p.
	Stat(p string) (FileInfo, error)
	// ReadFile returns the content of the regular file p.
	ReadFile(p string) ([]byte, error)
	// WriteFile creates or truncates the regular file p; its parent must exist.
	WriteFile(p string, data []byte) error
	// Append appends to the regular file p, creating it if needed; its parent must exist.
	Append(p string, data []byte) error
	// MkdirAll creates p and any missing parents; it succeeds if p is a directory.
	MkdirAll(p string) error
	// Remove removes the file or the empty directory p.
	Remove(p string) error
	// ReadDir lists the entries of directory p sorted by name.
	ReadDir(p string) ([]FileInfo, error)
}

// FileInfo describes one filesystem entry.
type FileInfo struct {
	Name  string // base name
	IsDir bool
	Size  int64 // bytes of a regular file, 0 for a directory
}

// MemFS is an in-memory FS, safe for concurrent use. The zero value is not ready:
// use NewMemFS, which holds the root directory.
type MemFS struct {
	mu    sync.RWMutex
	files map[string][]byte   // regular files by clean absolute path
	dirs  map[string]struct{} // directories by clean absolute path ("/" always)
}

// NewMemFS returns an empty filesystem holding the root directory and the
// given directories (created with their parents).
func NewMemFS(dirs ...string) *MemFS {
	m := &MemFS{files: map[string][]byte{}, dirs: map[string]struct{}{"/": {}}}
	for _, d := range dirs {
		_ = m.MkdirAll(d)
	}
	return m
}

func pathErr(op, p string, err error) error { return &fs.PathError{Op: op, Path: p, Err: err} }

func clean(p string) string { return path.Clean("/" + p) }

// Stat implements FS.
func (m *MemFS) Stat(p string) (FileInfo, error) {
	p = clean(p)
	m.mu.RLock()
	defer m.mu.RUnlock()
	if _, ok := m.dirs[p]; ok {
		return FileInfo{Name: path.Base(p), IsDir: true}, nil
	}
	if b, ok := m.files[p]; ok {
		return FileInfo{Name: path.Base(p), Size: int64(len(b))}, nil
	}
	return FileInfo{}, pathErr("stat", p, fs.ErrNotExist)
}

// ReadFile implements FS; the returned slice is a copy.
func (m *MemFS) ReadFile(p string) ([]byte, error) {
	p = clean(p)
	m.mu.RLock()
	defer m.mu.RUnlock()
	if _, ok := m.dirs[p]; ok {
		return nil, pathErr("read", p, fs.ErrInvalid)
	}
	b, ok := m.files[p]
	if !ok {
		return nil, pathErr("open", p, fs.ErrNotExist)
	}
	return slices.Clone(b), nil
}

func (m *MemFS) checkParent(op, p string) error {
	if _, ok := m.dirs[path.Dir(p)]; !ok {
		return pathErr(op, p, fs.ErrNotExist)
	}
	if _, ok := m.dirs[p]; ok {
		return pathErr(op, p, fs.ErrInvalid)
	}
	return nil
}

// WriteFile implements FS.
func (m *MemFS) WriteFile(p string, data []byte) error {
	p = clean(p)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.checkParent("open", p); err != nil {
		return err
	}
	m.files[p] = slices.Clone(data)
	return nil
}

// Append implements FS.
func (m *MemFS) Append(p string, data []byte) error {
	p = clean(p)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.checkParent("open", p); err != nil {
		return err
	}
	m.files[p] = append(m.files[p], data...)
	return nil
}

// MkdirAll implements FS.
func (m *MemFS) MkdirAll(p string) error {
	p = clean(p)
	m.mu.Lock()
	defer m.mu.Unlock()
	for q := p; ; q = path.Dir(q) {
		if _, ok := m.files[q]; ok {
			return pathErr("mkdir", q, fs.ErrExist)
		}
		if q == "/" {
			break
		}
	}
	for q := p; q != "/"; q = path.Dir(q) {
		m.dirs[q] = struct{}{}
	}
	return nil
}

// Remove implements FS.
func (m *MemFS) Remove(p string) error {
	p = clean(p)
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.files[p]; ok {
		delete(m.files, p)
		return nil
	}
	if _, ok := m.dirs[p]; !ok || p == "/" {
		if p == "/" {
			return pathErr("remove", p, fs.ErrInvalid)
		}
		return pathErr("remove", p, fs.ErrNotExist)
	}
	if len(m.children(p)) > 0 {
		return pathErr("remove", p, fs.ErrExist)
	}
	delete(m.dirs, p)
	return nil
}

func (m *MemFS) children(dir string) []FileInfo {
	prefix := dir + "/"
	if dir == "/" {
		prefix = "/"
	}
	var out []FileInfo
	for d := range m.dirs {
		if d != "/" && strings.HasPrefix(d, prefix) && !strings.Contains(d[len(prefix):], "/") {
			out = append(out, FileInfo{Name: d[len(prefix):], IsDir: true})
		}
	}
	for f, b := range m.files {
		if strings.HasPrefix(f, prefix) && !strings.Contains(f[len(prefix):], "/") {
			out = append(out, FileInfo{Name: f[len(prefix):], Size: int64(len(b))})
		}
	}
	slices.SortFunc(out, func(a, b FileInfo) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// ReadDir implements FS.
func (m *MemFS) ReadDir(p string) ([]FileInfo, error) {
	p = clean(p)
	m.mu.RLock()
	defer m.mu.RUnlock()
	if _, ok := m.dirs[p]; !ok {
		if _, isFile := m.files[p]; isFile {
			return nil, pathErr("readdir", p, fs.ErrInvalid)
		}
		return nil, pathErr("open", p, fs.ErrNotExist)
	}
	return m.children(p), nil
}

// Paths returns every file and directory path, sorted, directories with a
// trailing slash (root excluded). It is meant for tests and snapshots.
func (m *MemFS) Paths() []string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]string, 0, len(m.files)+len(m.dirs))
	for d := range m.dirs {
		if d != "/" {
			out = append(out, d+"/")
		}
	}
	for f := range m.files {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}
