package api

import (
	"encoding/json"
	"net/http"

	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"
)

func (h *handler) volumeList(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	res, err := h.b.VolumeList(c.ctx, client.VolumeListOptions{Filters: f})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, volume.ListResponse{Volumes: nonNil(res.Items), Warnings: res.Warnings})
}

func (h *handler) volumeCreate(c *call) error {
	var req volume.CreateRequest
	if err := c.readJSON(&req); err != nil {
		return err
	}
	res, err := h.b.VolumeCreate(c.ctx, client.VolumeCreateOptions{
		Name:              req.Name,
		Driver:            req.Driver,
		DriverOpts:        req.DriverOpts,
		Labels:            req.Labels,
		ClusterVolumeSpec: req.ClusterVolumeSpec,
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, res.Volume)
}

func (h *handler) volumeInspect(c *call) error {
	res, err := h.b.VolumeInspect(c.ctx, c.vars["name"], client.VolumeInspectOptions{})
	if err != nil {
		return err
	}
	if len(res.Raw) > 0 && json.Valid(res.Raw) {
		return c.raw(http.StatusOK, res.Raw)
	}
	return c.json(http.StatusOK, res.Volume)
}

func (h *handler) volumeRemove(c *call) error {
	if _, err := h.b.VolumeRemove(c.ctx, c.vars["name"], client.VolumeRemoveOptions{Force: c.qbool("force")}); err != nil {
		return err
	}
	return c.status(http.StatusNoContent)
}

// volumePrune answers POST /volumes/prune. Before API 1.42 every unused volume is
// pruned; from 1.42 only anonymous ones unless the filter all=true is given.
func (h *handler) volumePrune(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	opts := client.VolumePruneOptions{Filters: f}
	if !c.at("1.42") {
		if _, ok := f["all"]; !ok {
			opts.All = true
		}
	}
	res, err := h.b.VolumePrune(c.ctx, opts)
	if err != nil {
		return err
	}
	rep := res.Report
	if rep.VolumesDeleted == nil {
		rep.VolumesDeleted = []string{}
	}
	return c.json(http.StatusOK, rep)
}
