package dockerpy

import (
	"bytes"
	"context"
	"errors"
	"io"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/reconciler/reconciler/emulator/registry"
)

// ContainerCollection is docker-py's client.containers.
type ContainerCollection struct {
	client *Client
}

// Create is docker-py's containers.create: create the container (pulling the
// image first when the engine does not have it, as docker-py does on
// ImageNotFound), then inspect it.
func (cc *ContainerCollection) Create(ctx context.Context, image string, opts RunOptions) (*Container, error) {
	req, err := opts.createOptions(image)
	if err != nil {
		return nil, err
	}
	id, err := cc.create(ctx, image, req)
	if err != nil {
		return nil, err
	}
	return cc.Get(ctx, id)
}

// create calls ContainerCreate; on a missing image it pulls the image and
// tries once more.
func (cc *ContainerCollection) create(ctx context.Context, image string, req client.ContainerCreateOptions) (string, error) {
	e := cc.client.engine
	res, err := e.ContainerCreate(ctx, req)
	if err == nil {
		return res.ID, nil
	}
	err = cc.classifyCreateError(ctx, image, err)
	var inf *ImageNotFound
	if !errors.As(err, &inf) {
		return "", err
	}
	var po PullOptions
	if p := req.Platform; p != nil {
		po.Platform = registry.Platform{OS: p.OS, Architecture: p.Architecture, Variant: p.Variant}.String()
	}
	if _, perr := cc.client.Images.Pull(ctx, image, po); perr != nil {
		return "", perr
	}
	res, err = e.ContainerCreate(ctx, req)
	if err != nil {
		return "", cc.classifyCreateError(ctx, image, err)
	}
	return res.ID, nil
}

// classifyCreateError wraps a create error; a 404 is an *ImageNotFound when
// the image itself is missing (checked with ImageInspect, not by message).
func (cc *ContainerCollection) classifyCreateError(ctx context.Context, image string, err error) error {
	err = wrap(err)
	var nf *NotFound
	if !errors.As(err, &nf) {
		return err
	}
	if _, ierr := cc.client.engine.ImageInspect(ctx, image); ierr != nil && errors.As(wrap(ierr), new(*NotFound)) {
		return &ImageNotFound{NotFound: nf}
	}
	return err
}

// Run is docker-py's containers.run. Detached: create, inspect, start, and
// return the container as inspected before the start (so its Status is
// "created", exactly as docker-py's). Attached: create, start, wait for the
// exit; the output is the container's logs when the engine serves them (nil
// otherwise); a non-zero exit returns a *ContainerError carrying the
// container and its stderr. With opts.Remove the container is removed after
// an attached run.
func (cc *ContainerCollection) Run(ctx context.Context, image string, opts RunOptions) (*Container, []byte, error) {
	c, err := cc.Create(ctx, image, opts)
	if err != nil {
		return nil, nil, err
	}
	if err := c.Start(ctx); err != nil {
		return c, nil, err
	}
	if opts.Detach {
		return c, nil, nil
	}
	wait := cc.client.engine.ContainerWait(ctx, c.ID(), client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	var status int64
	select {
	case r := <-wait.Result:
		status = r.StatusCode
		if r.Error != nil && r.Error.Message != "" {
			return c, nil, &APIError{StatusCode: 500, Explanation: r.Error.Message, Err: errors.New(r.Error.Message)}
		}
	case err := <-wait.Error:
		return c, nil, wrap(err)
	}
	stdout, stderr := opts.Stdout, opts.Stderr
	if !stdout && !stderr {
		stdout = true
	}
	out, err := c.logs(ctx, stdout, stderr)
	if err != nil {
		return c, nil, err
	}
	var runErr error
	if status != 0 {
		errOut, err := c.logs(ctx, false, true)
		if err != nil {
			return c, out, err
		}
		runErr = &ContainerError{Container: c, ExitStatus: int(status), Command: opts.Command, Image: image, Stderr: errOut}
	}
	if opts.Remove {
		if err := c.Remove(ctx, RemoveOptions{}); err != nil && runErr == nil {
			runErr = err
		}
	}
	return c, out, runErr
}

// Get is docker-py's containers.get: inspect by id, id prefix or name; a
// missing container is a *NotFound.
func (cc *ContainerCollection) Get(ctx context.Context, idOrName string) (*Container, error) {
	res, err := cc.client.engine.ContainerInspect(ctx, idOrName, client.ContainerInspectOptions{})
	if err != nil {
		return nil, wrap(err)
	}
	return &Container{client: cc.client, attrs: res.Container}, nil
}

// ListOptions are docker-py's containers.list arguments.
type ListOptions struct {
	// All includes stopped containers.
	All bool
	// Before and Since are container ids or names (creation order).
	Before, Since string
	// Filters as the Engine API takes them: status, label, name, id, ...
	Filters client.Filters
	// Limit returns at most this many, newest first; 0 or -1 means no limit.
	Limit int
	// Sparse skips the per-container inspect: Attrs then holds only what the
	// list shows (Status is the list's State, Labels are the list's).
	Sparse bool
}

// List is docker-py's containers.list: newest first; unless Sparse, every
// container is inspected (a container removed meanwhile is skipped, as with
// docker-py's ignore_removed=True).
func (cc *ContainerCollection) List(ctx context.Context, opts ListOptions) ([]*Container, error) {
	limit := opts.Limit
	if limit < 0 {
		limit = 0
	}
	res, err := cc.client.engine.ContainerList(ctx, client.ContainerListOptions{
		All: opts.All, Limit: limit, Before: opts.Before, Since: opts.Since, Filters: opts.Filters,
	})
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]*Container, 0, len(res.Items))
	for _, s := range res.Items {
		if opts.Sparse {
			out = append(out, sparseContainer(cc.client, s))
			continue
		}
		c, err := cc.Get(ctx, s.ID)
		if err != nil {
			if errors.As(err, new(*NotFound)) {
				continue
			}
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Prune is docker-py's containers.prune: remove stopped containers matching
// filters (until, label, label!).
func (cc *ContainerCollection) Prune(ctx context.Context, filters client.Filters) (container.PruneReport, error) {
	res, err := cc.client.engine.ContainerPrune(ctx, client.ContainerPruneOptions{Filters: filters})
	return res.Report, wrap(err)
}

// sparseContainer builds a Container from a list item, as docker-py's
// sparse=True: the inspect fields the list does not carry stay empty.
func sparseContainer(c *Client, s container.Summary) *Container {
	name := ""
	if len(s.Names) > 0 {
		name = s.Names[0]
	}
	attrs := container.InspectResponse{
		ID:    s.ID,
		Name:  name,
		Image: s.ImageID,
		State: &container.State{Status: s.State},
		Config: &container.Config{
			Image:  s.Image,
			Labels: s.Labels,
		},
	}
	if s.NetworkSettings != nil {
		attrs.NetworkSettings = &container.NetworkSettings{Networks: map[string]*network.EndpointSettings{}}
		for k, v := range s.NetworkSettings.Networks {
			attrs.NetworkSettings.Networks[k] = v
		}
	}
	return &Container{client: c, attrs: attrs, sparse: true}
}

// logs reads the container's demultiplexed output when the engine serves
// logs; (nil, nil) when it does not (no ContainerLogs method, or an engine
// API answering 501 Not Implemented).
func (c *Container) logs(ctx context.Context, stdout, stderr bool) ([]byte, error) {
	le, ok := c.client.engine.(logsEngine)
	if !ok {
		return nil, nil
	}
	rc, err := le.ContainerLogs(ctx, c.ID(), client.ContainerLogsOptions{ShowStdout: stdout, ShowStderr: stderr, Tail: "all"})
	if cerrdefs.IsNotImplemented(err) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(err)
	}
	return c.readOutput(rc)
}

// readOutput reads and closes a logs stream: raw for a TTY container,
// demultiplexed otherwise.
func (c *Container) readOutput(rc io.ReadCloser) ([]byte, error) {
	defer rc.Close()
	raw, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	if c.attrs.Config != nil && c.attrs.Config.Tty {
		return raw, nil
	}
	return demux(raw), nil
}

// demux concatenates the payloads of an 8-byte-header multiplexed stream;
// input that is not framed is returned as is.
func demux(raw []byte) []byte {
	var out bytes.Buffer
	rest := raw
	for len(rest) >= 8 {
		if rest[0] > 3 || rest[1] != 0 || rest[2] != 0 || rest[3] != 0 {
			return raw
		}
		n := int(rest[4])<<24 | int(rest[5])<<16 | int(rest[6])<<8 | int(rest[7])
		if len(rest) < 8+n {
			return raw
		}
		out.Write(rest[8 : 8+n])
		rest = rest[8+n:]
	}
	if len(rest) != 0 {
		return raw
	}
	return out.Bytes()
}
