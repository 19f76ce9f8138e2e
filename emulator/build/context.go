package build

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// readContext unpacks a build context (tar, optionally gzip or bzip2
// compressed, as dockerd accepts it) into a tree rooted at "/". Symlinks are
// skipped, hard links copy their target's content.
func readContext(r io.Reader) (*tree, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(3)
	var in io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, tarError(err)
		}
		in = zr
	case bytes.HasPrefix(head, []byte("BZh")):
		in = bzip2.NewReader(br)
	}
	t := newTree()
	tr := tar.NewReader(in)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return nil, tarError(err)
		}
		name := strings.TrimPrefix(path.Clean("/"+h.Name), "/")
		if name == "" || name == "." {
			continue
		}
		p := "/" + name
		switch h.Typeflag {
		case tar.TypeDir:
			t.mkdirAll(p)
		case tar.TypeReg, tar.TypeRegA:
			data, err := io.ReadAll(tr)
			if err != nil {
				return nil, tarError(err)
			}
			t.putFile(p, fs.FileMode(h.Mode).Perm(), data)
		case tar.TypeLink:
			if n, ok := t.m[cleanAbs(h.Linkname)]; ok && !n.dir {
				t.putFile(p, n.mode, n.data)
			}
		}
	}
}

func tarError(err error) error {
	return newError(ErrNotTar, cerrdefs.ErrInternal, err, "Error processing tar file(exit status 1): %v", err)
}

// dockerignore reads the context's .dockerignore patterns (nil when absent).
func dockerignore(ctxTree *tree) ([]string, error) {
	data, err := ctxTree.ReadFile("/.dockerignore")
	if err != nil {
		return nil, nil
	}
	pats, err := ignorefile.ReadAll(bytes.NewReader(data))
	if err != nil {
		return nil, newError(ErrSyntax, cerrdefs.ErrInvalidArgument, err, "error reading .dockerignore: %v", err)
	}
	return pats, nil
}

// applyIgnore removes from the context every path the patterns exclude, as
// the docker CLI does before sending it (a directory excluded as a whole
// loses its content; a re-included file under it keeps its parents).
func applyIgnore(ctxTree *tree, patterns []string) error {
	if len(patterns) == 0 {
		return nil
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return newError(ErrSyntax, cerrdefs.ErrInvalidArgument, err, "error reading .dockerignore: %v", err)
	}
	var keepDirs []string
	for _, p := range ctxTree.paths() {
		if p == "/" {
			continue
		}
		rel := strings.TrimPrefix(p, "/")
		excluded, err := pm.MatchesOrParentMatches(rel)
		if err != nil {
			return newError(ErrSyntax, cerrdefs.ErrInvalidArgument, err, "error reading .dockerignore: %v", err)
		}
		if excluded {
			delete(ctxTree.m, p)
			continue
		}
		keepDirs = append(keepDirs, path.Dir(p))
	}
	for _, d := range keepDirs {
		ctxTree.mkdirAll(d)
	}
	return nil
}
