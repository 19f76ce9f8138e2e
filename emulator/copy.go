package emulator

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Copying files in and out of a container (docker cp): the same files its
// processes and execs see (writable layer, volumes, binds, tmpfs), as tar
// archives, whether the container runs or not. Modes are 0644 for files and
// 0755 for directories, times the container's creation time, so archives are
// deterministic.

// withFiles runs fn on a clone of the container's filesystem and saves what it wrote.
func (e *Engine) withFiles(ctx context.Context, ref string, fn func(c *ctrRec, f *ctrFS) error) error {
	return e.update(ctx, func(t *txn) error {
		c, err := t.s.lookupContainer(ref)
		if err != nil {
			return err
		}
		c = cloneContainer(c)
		f := t.containerFS(c)
		if err := fn(c, f); err != nil {
			return err
		}
		if f.layerW || len(f.dirty) > 0 {
			f.save(t)
			t.putContainer(c)
		}
		return nil
	})
}

func (c *ctrRec) pathStat(f *ctrFS, p string) (container.PathStat, error) {
	fi, err := f.Stat(p)
	if err != nil {
		return container.PathStat{}, errNotFound("Could not find the file %s in container %s", p, c.Name)
	}
	mode := fs.FileMode(0o644)
	if fi.IsDir {
		mode = fs.ModeDir | 0o755
	}
	return container.PathStat{Name: path.Base(path.Clean("/" + p)), Size: fi.Size, Mode: mode, Mtime: c.Created}, nil
}

// ContainerStatPath describes a path in the container's filesystem.
func (e *Engine) ContainerStatPath(ctx context.Context, ref string, options client.ContainerStatPathOptions) (client.ContainerStatPathResult, error) {
	var out client.ContainerStatPathResult
	err := e.withFiles(ctx, ref, func(c *ctrRec, f *ctrFS) error {
		st, err := c.pathStat(f, options.Path)
		out.Stat = st
		return err
	})
	return out, err
}

// CopyFromContainer returns a tar of the file or directory at SourcePath
// (a directory's entries are prefixed with its base name, as docker cp does).
func (e *Engine) CopyFromContainer(ctx context.Context, ref string, options client.CopyFromContainerOptions) (client.CopyFromContainerResult, error) {
	var out client.CopyFromContainerResult
	var buf bytes.Buffer
	err := e.withFiles(ctx, ref, func(c *ctrRec, f *ctrFS) error {
		st, err := c.pathStat(f, options.SourcePath)
		if err != nil {
			return err
		}
		out.Stat = st
		tw := tar.NewWriter(&buf)
		if err := addToTar(tw, f, path.Clean("/"+options.SourcePath), st.Name, c); err != nil {
			return errInternal("%s", err.Error())
		}
		return tw.Close()
	})
	if err != nil {
		return client.CopyFromContainerResult{}, err
	}
	out.Content = io.NopCloser(&buf)
	return out, nil
}

func addToTar(tw *tar.Writer, f *ctrFS, p, name string, c *ctrRec) error {
	fi, err := f.Stat(p)
	if err != nil {
		return err
	}
	if !fi.IsDir {
		data, err := f.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o644, ModTime: c.Created, Format: tar.FormatPAX}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: c.Created, Format: tar.FormatPAX}); err != nil {
		return err
	}
	entries, err := f.ReadDir(p)
	if err != nil {
		return err
	}
	for _, en := range entries {
		if err := addToTar(tw, f, path.Join(p, en.Name), name+"/"+en.Name, c); err != nil {
			return err
		}
	}
	return nil
}

// CopyToContainer extracts a tar into the existing directory DestinationPath.
// Nothing is written unless the whole archive is valid.
func (e *Engine) CopyToContainer(ctx context.Context, ref string, options client.CopyToContainerOptions) (client.CopyToContainerResult, error) {
	if options.Content == nil {
		return client.CopyToContainerResult{}, errInvalid("no archive given")
	}
	type entry struct {
		name string
		dir  bool
		data []byte
	}
	var entries []entry
	tr := tar.NewReader(options.Content)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return client.CopyToContainerResult{}, errInvalid("Error processing tar file(%s): ", err.Error())
		}
		name := path.Clean("/" + h.Name)
		switch h.Typeflag {
		case tar.TypeDir:
			entries = append(entries, entry{name: name, dir: true})
		case tar.TypeReg:
			data, err := io.ReadAll(tr)
			if err != nil {
				return client.CopyToContainerResult{}, errInvalid("Error processing tar file(%s): ", err.Error())
			}
			entries = append(entries, entry{name: name, data: data})
		}
	}
	err := e.withFiles(ctx, ref, func(c *ctrRec, f *ctrFS) error {
		dest := path.Clean("/" + options.DestinationPath)
		fi, err := f.Stat(dest)
		if err != nil {
			return errNotFound("Could not find the file %s in container %s", options.DestinationPath, c.Name)
		}
		if !fi.IsDir {
			return errInvalid("extraction point is not a directory")
		}
		for _, en := range entries {
			p := path.Join(dest, en.name)
			if en.dir {
				err = f.MkdirAll(p)
			} else if err = f.MkdirAll(path.Dir(p)); err == nil {
				err = f.WriteFile(p, en.data)
			}
			if err != nil {
				if errors.Is(err, fs.ErrPermission) {
					return errForbidden("container rootfs is marked read-only")
				}
				return errInvalid("%s", strings.TrimPrefix(err.Error(), "open "))
			}
		}
		return nil
	})
	return client.CopyToContainerResult{}, err
}
