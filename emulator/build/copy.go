package build

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"strconv"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// copySource is one resolved COPY/ADD source: a path in the source tree and
// the hash dockerd puts in the history comment.
type copySource struct {
	path string // absolute in the source tree
	hash string
}

// copy runs COPY or ADD: sources from the context, or from a stage or image
// with --from; ADD also unpacks local tar archives.
func (b *builder) copy(ctx context.Context, st *state, cmdName string, sd instructions.SourcesAndDest, from, chown string, add bool) error {
	src := b.ctx
	fromImage := false
	if from != "" {
		t, err := b.fromSource(ctx, from)
		if err != nil {
			return err
		}
		src, fromImage = t, true
	}
	if len(sd.SourceContents) > 0 {
		return errHeredoc()
	}
	var infos []copySource
	for _, orig := range sd.SourcePaths {
		if u, err := url.Parse(orig); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			if !add {
				return newError(ErrCopy, cerrdefs.ErrInvalidArgument, nil, "%s failed: source can't be a URL for COPY", cmdName)
			}
			return newError(ErrCopy, cerrdefs.ErrUnavailable, nil, "Get %q: dial tcp: lookup %s: no such host", orig, u.Hostname())
		}
		got, err := sources(src, orig, fromImage)
		if err != nil {
			return newError(ErrCopy, cerrdefs.ErrNotFound, err, "%s failed: %v", cmdName, err)
		}
		infos = append(infos, got...)
	}
	if len(infos) == 0 {
		return newError(ErrCopy, cerrdefs.ErrNotFound, nil, "%s failed: no source files were specified", cmdName)
	}
	dest := sd.DestPath
	if len(infos) > 1 && !strings.HasSuffix(dest, "/") {
		return newError(ErrCopy, cerrdefs.ErrInvalidArgument, nil,
			"When using %s with more than one source file, the destination must be a directory and end with a /", cmdName)
	}
	dest = normalizeDest(st.img.Config.WorkingDir, dest)
	before := st.fs.snapshot()
	for _, in := range infos {
		if err := copyInto(st.fs, src, in.path, dest, add); err != nil {
			return newError(ErrCopy, cerrdefs.ErrInvalidArgument, err, "failed to copy files: %v", err)
		}
	}
	hash := infos[0].hash
	if len(infos) > 1 {
		hs := make([]string, len(infos))
		for i, in := range infos {
			hs[i] = in.hash
		}
		hash = hashString("multi", strings.Join(hs, ","))
	}
	chownComment := ""
	if chown != "" {
		chownComment = "--chown=" + chown + " "
	}
	b.commit(st, nopCommentString(st, fmt.Sprintf("%s %s%s in %s ", cmdName, chownComment, hash, sd.DestPath)), before, stepOutput{})
	return nil
}

// fromSource is the tree COPY --from reads: a stage by name or index, else
// an image.
func (b *builder) fromSource(ctx context.Context, from string) (*tree, error) {
	if sr, ok := b.stages[strings.ToLower(from)]; ok {
		return sr.files, nil
	}
	if ix, err := strconv.Atoi(from); err == nil {
		switch {
		case ix == len(b.flat):
			return nil, newError(ErrCopy, cerrdefs.ErrInvalidArgument, nil, "invalid from flag value %s: refers to current build stage", from)
		case ix < 0 || ix > len(b.flat):
			return nil, newError(ErrCopy, cerrdefs.ErrInvalidArgument, nil, "invalid from flag value %s: index out of bounds", from)
		}
		return b.flat[ix].files, nil
	}
	sr, err := b.baseImage(ctx, from)
	if err != nil {
		be := err.(*Error)
		be.Msg = fmt.Sprintf("invalid from flag value %s: %s", from, be.Msg)
		return nil, be
	}
	return sr.files, nil
}

// sources resolves one source argument (with wildcards) in src.
func sources(src *tree, orig string, fromImage bool) ([]copySource, error) {
	rel := strings.TrimPrefix(strings.TrimPrefix(orig, "/"), "./")
	if strings.ContainsAny(rel, "*?[") {
		var out []copySource
		for _, p := range src.paths() {
			if p == "/" {
				continue
			}
			if ok, _ := path.Match(rel, strings.TrimPrefix(p, "/")); ok {
				out = append(out, copySource{path: p, hash: hashOf(src, p)})
			}
		}
		return out, nil
	}
	p := cleanAbs(rel)
	if _, ok := src.m[p]; !ok {
		perr := &fs.PathError{Op: "stat", Path: strings.TrimPrefix(path.Clean(rel), "/"), Err: fs.ErrNotExist}
		if fromImage {
			return nil, perr
		}
		return nil, fmt.Errorf("file not found in build context or excluded by .dockerignore: %w", perr)
	}
	return []copySource{{path: p, hash: hashOf(src, p)}}, nil
}

// hashOf is dockerd's "file:<sha>" / "dir:<sha>" source hash.
func hashOf(src *tree, p string) string {
	n := src.m[p]
	if !n.dir {
		sum := sha256.Sum256(n.data)
		return "file:" + hex.EncodeToString(sum[:])
	}
	var subs []string
	for _, rel := range src.subtree(p) {
		c := src.m[path.Join(p, rel)]
		sum := sha256.Sum256(c.data)
		subs = append(subs, rel+":"+strconv.FormatBool(c.dir)+":"+hex.EncodeToString(sum[:]))
	}
	return hashString("dir", strings.Join(subs, ","))
}

func hashString(prefix, s string) string {
	sum := sha256.Sum256([]byte(s))
	return prefix + ":" + hex.EncodeToString(sum[:])
}

// normalizeDest makes a relative destination relative to WORKDIR, keeping a
// trailing slash (which means "into this directory").
func normalizeDest(workdir, dest string) string {
	trailing := strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, "/.")
	if !path.IsAbs(dest) {
		if workdir == "" {
			workdir = "/"
		}
		dest = path.Join(workdir, dest)
	}
	dest = path.Clean(dest)
	if trailing && dest != "/" {
		dest += "/"
	}
	return dest
}

// copyInto copies the file or directory p of src to dest in dst with
// dockerd's rules: a directory's content goes into dest; a file goes to
// dest, or into it when dest ends with "/" or is a directory; ADD unpacks
// a local tar archive into dest.
func copyInto(dst, src *tree, p, dest string, add bool) error {
	n := src.m[p]
	destDir := strings.HasSuffix(dest, "/")
	dest = cleanAbs(dest)
	if n.dir {
		if err := dst.MkdirAll(dest); err != nil {
			return err
		}
		for _, rel := range src.subtree(p) {
			c := src.m[path.Join(p, rel)]
			target := path.Join(dest, rel)
			if c.dir {
				dst.mkdirAll(target)
				continue
			}
			dst.putFile(target, c.mode, c.data)
		}
		return nil
	}
	if add && isArchive(n.data) {
		if err := dst.MkdirAll(dest); err != nil {
			return err
		}
		t, err := readContext(bytes.NewReader(n.data))
		if err != nil {
			return err
		}
		for _, rel := range t.subtree("/") {
			c := t.m["/"+rel]
			if c.dir {
				dst.mkdirAll(path.Join(dest, rel))
			} else {
				dst.putFile(path.Join(dest, rel), c.mode, c.data)
			}
		}
		return nil
	}
	if existing, ok := dst.m[dest]; destDir || ok && existing.dir {
		dest = path.Join(dest, path.Base(p))
	}
	if existing, ok := dst.m[dest]; ok && existing.dir {
		return &fs.PathError{Op: "copy", Path: dest, Err: fs.ErrExist}
	}
	dst.putFile(dest, n.mode, n.data)
	return nil
}

// isArchive reports whether data is a tar stream (plain or gzip), which ADD
// unpacks.
func isArchive(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		return true
	}
	if len(data) < 512 {
		return false
	}
	_, err := tar.NewReader(bytes.NewReader(data)).Next()
	return err == nil
}
