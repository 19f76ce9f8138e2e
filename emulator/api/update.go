package api

import (
	"net/http"
	"strconv"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// size reads the h and w parameters of the resize endpoints.
func (c *call) size() (client.ContainerResizeOptions, error) {
	h, err := strconv.ParseUint(c.q("h"), 10, 32)
	if err != nil {
		return client.ContainerResizeOptions{}, invalidf("invalid value for h: %q", c.q("h"))
	}
	w, err := strconv.ParseUint(c.q("w"), 10, 32)
	if err != nil {
		return client.ContainerResizeOptions{}, invalidf("invalid value for w: %q", c.q("w"))
	}
	return client.ContainerResizeOptions{Height: uint(h), Width: uint(w)}, nil
}

func (h *handler) containerResize(c *call) error {
	rb, ok := h.b.(ResizeBackend)
	if !ok {
		return notImplemented("resizing a container's TTY", "ResizeBackend")
	}
	size, err := c.size()
	if err != nil {
		return err
	}
	if _, err := rb.ContainerResize(c.ctx, c.vars["id"], size); err != nil {
		return err
	}
	return c.status(http.StatusOK)
}

func (h *handler) execResize(c *call) error {
	rb, ok := h.b.(ResizeBackend)
	if !ok {
		return notImplemented("resizing an exec's TTY", "ResizeBackend")
	}
	size, err := c.size()
	if err != nil {
		return err
	}
	if _, err := rb.ExecResize(c.ctx, c.vars["id"], client.ExecResizeOptions(size)); err != nil {
		return err
	}
	return c.status(http.StatusOK)
}

// containerUpdate answers POST /containers/{id}/update; an empty RestartPolicy
// name leaves the policy unchanged, as in dockerd.
func (h *handler) containerUpdate(c *call) error {
	ub, ok := h.b.(UpdateBackend)
	if !ok {
		return notImplemented("updating a container", "UpdateBackend")
	}
	var req container.UpdateConfig
	if err := c.readJSON(&req); err != nil {
		return err
	}
	opts := client.ContainerUpdateOptions{Resources: &req.Resources}
	if req.RestartPolicy.Name != "" {
		opts.RestartPolicy = &req.RestartPolicy
	}
	res, err := ub.ContainerUpdate(c.ctx, c.vars["id"], opts)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, container.UpdateResponse{Warnings: res.Warnings})
}

// buildPrune answers POST /build/prune (docker system prune calls it).
func (h *handler) buildPrune(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	bp, ok := h.b.(BuildCachePruner)
	if !ok {
		return c.json(http.StatusOK, build.CachePruneReport{})
	}
	opts := client.BuildCachePruneOptions{All: c.qbool("all"), Filters: f}
	for name, dst := range map[string]*int64{"keep-storage": &opts.ReservedSpace, "reserved-space": &opts.ReservedSpace, "max-used-space": &opts.MaxUsedSpace, "min-free-space": &opts.MinFreeSpace} {
		if s := c.q(name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return invalidf("invalid value for %s: %q", name, s)
			}
			*dst = n
		}
	}
	res, err := bp.BuildCachePrune(c.ctx, opts)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, res.Report)
}
