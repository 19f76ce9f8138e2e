package api

import (
	"encoding/json"
	"net/http"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func (h *handler) containerList(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	limit, _, err := c.qint("limit")
	if err != nil {
		return err
	}
	opts := client.ContainerListOptions{
		All:     c.qbool("all"),
		Size:    c.qbool("size"),
		Limit:   limit,
		Filters: f,
		Since:   c.q("since"),
		Before:  c.q("before"),
	}
	if opts.Limit < 0 {
		opts.Limit = 0 // docker-py sends -1: no limit
	}
	res, err := h.b.ContainerList(c.ctx, opts)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, nonNil(res.Items))
}

func (h *handler) containerCreate(c *call) error {
	var req container.CreateRequest
	if err := c.readJSON(&req); err != nil {
		return err
	}
	if req.Config == nil {
		return invalidf("Config cannot be empty in order to create a container")
	}
	opts := client.ContainerCreateOptions{
		Config:           req.Config,
		HostConfig:       req.HostConfig,
		NetworkingConfig: req.NetworkingConfig,
		Name:             c.q("name"),
	}
	if p := c.q("platform"); p != "" {
		plat, err := parsePlatform(p)
		if err != nil {
			return err
		}
		opts.Platform = &plat
	}
	res, err := h.b.ContainerCreate(c.ctx, opts)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, container.CreateResponse{ID: res.ID, Warnings: nonNil(res.Warnings)})
}

// parsePlatform reads "os[/arch[/variant]]".
func parsePlatform(s string) (ocispec.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) > 3 || parts[0] == "" {
		return ocispec.Platform{}, invalidf("%q: unknown operating system or architecture: invalid argument", s)
	}
	p := ocispec.Platform{OS: parts[0]}
	if len(parts) > 1 {
		p.Architecture = parts[1]
	}
	if len(parts) > 2 {
		p.Variant = parts[2]
	}
	return p, nil
}

func (h *handler) containerInspect(c *call) error {
	res, err := h.b.ContainerInspect(c.ctx, c.vars["id"], client.ContainerInspectOptions{Size: c.qbool("size")})
	if err != nil {
		return err
	}
	if !c.at("1.52") {
		var src any = res.Container
		if len(res.Raw) > 0 && json.Valid(res.Raw) {
			src = res.Raw
		}
		doc, err := legacyContainerInspect(src)
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, doc)
	}
	if len(res.Raw) > 0 && json.Valid(res.Raw) {
		return c.raw(http.StatusOK, res.Raw)
	}
	return c.json(http.StatusOK, res.Container)
}

// raw answers code with a JSON document the backend already encoded.
func (c *call) raw(code int, doc []byte) error {
	c.wrote = true
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(code)
	_, err := c.w.Write(doc)
	if err == nil && (len(doc) == 0 || doc[len(doc)-1] != '\n') {
		_, err = c.w.Write([]byte("\n"))
	}
	return err
}

func (h *handler) containerTop(c *call) error {
	res, err := h.b.ContainerTop(c.ctx, c.vars["id"], client.ContainerTopOptions{Arguments: strings.Fields(c.q("ps_args"))})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, container.TopResponse{Titles: res.Titles, Processes: res.Processes})
}

func (h *handler) containerStart(c *call) error {
	_, err := h.b.ContainerStart(c.ctx, c.vars["id"], client.ContainerStartOptions{
		CheckpointID:  c.q("checkpoint"),
		CheckpointDir: c.q("checkpoint-dir"),
	})
	if err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

// stopArgs reads t (seconds) and, from API 1.42, signal.
func (c *call) stopArgs() (*int, string, error) {
	t, ok, err := c.qint("t")
	if err != nil {
		return nil, "", err
	}
	var timeout *int
	if ok {
		timeout = &t
	}
	sig := ""
	if c.at("1.42") {
		sig = c.q("signal")
	}
	return timeout, sig, nil
}

func (h *handler) containerStop(c *call) error {
	timeout, sig, err := c.stopArgs()
	if err != nil {
		return err
	}
	if _, err := h.b.ContainerStop(c.ctx, c.vars["id"], client.ContainerStopOptions{Timeout: timeout, Signal: sig}); err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

func (h *handler) containerRestart(c *call) error {
	timeout, sig, err := c.stopArgs()
	if err != nil {
		return err
	}
	if _, err := h.b.ContainerRestart(c.ctx, c.vars["id"], client.ContainerRestartOptions{Timeout: timeout, Signal: sig}); err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

func (h *handler) containerKill(c *call) error {
	if _, err := h.b.ContainerKill(c.ctx, c.vars["id"], client.ContainerKillOptions{Signal: c.q("signal")}); err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

func (h *handler) containerPause(c *call) error {
	if _, err := h.b.ContainerPause(c.ctx, c.vars["id"], client.ContainerPauseOptions{}); err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

func (h *handler) containerUnpause(c *call) error {
	if _, err := h.b.ContainerUnpause(c.ctx, c.vars["id"], client.ContainerUnpauseOptions{}); err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

func (h *handler) containerRename(c *call) error {
	if _, err := h.b.ContainerRename(c.ctx, c.vars["id"], client.ContainerRenameOptions{NewName: c.q("name")}); err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

func (h *handler) containerRemove(c *call) error {
	_, err := h.b.ContainerRemove(c.ctx, c.vars["id"], client.ContainerRemoveOptions{
		RemoveVolumes: c.qbool("v"),
		RemoveLinks:   c.qbool("link"),
		Force:         c.qbool("force"),
	})
	if err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

func (h *handler) containerPrune(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	res, err := h.b.ContainerPrune(c.ctx, client.ContainerPruneOptions{Filters: f})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, res.Report)
}

// containerWait answers POST /containers/{id}/wait. The wait is registered with the
// backend and the 200 header flushed before the condition is awaited, so a client
// may open the wait and then start the container on another connection (the docker
// CLI does); the body is written when the condition holds.
func (h *handler) containerWait(c *call) error {
	cond := container.WaitCondition(c.q("condition"))
	switch cond {
	case "", container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
	default:
		if c.at("1.42") {
			return invalidf("invalid condition: %q", string(cond))
		}
		cond = container.WaitConditionNotRunning
	}
	id := c.vars["id"]
	if _, err := h.b.ContainerInspect(c.ctx, id, client.ContainerInspectOptions{}); err != nil {
		return err
	}
	res := h.b.ContainerWait(c.ctx, id, client.ContainerWaitOptions{Condition: cond})
	// A failure the backend reports at once (no such container, ...) still gets
	// its status code.
	select {
	case err := <-res.Error:
		if err != nil {
			return err
		}
	default:
	}
	c.startStream("application/json")
	var out container.WaitResponse
	select {
	case <-c.ctx.Done():
		return nil
	case out = <-res.Result:
	case err := <-res.Error:
		if err == nil {
			return nil
		}
		if cerrdefs.IsNotFound(err) && cond == container.WaitConditionRemoved {
			break // removed while waiting: the condition holds
		}
		out = container.WaitResponse{StatusCode: -1, Error: &container.WaitExitError{Message: err.Error()}}
	}
	enc := json.NewEncoder(c.w)
	return enc.Encode(out)
}
