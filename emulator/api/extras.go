package api

import (
	"net/http"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// commit answers POST /commit?container=&repo=&tag=&comment=&author=&changes=&pause=
// with 201 {"Id": ...}; the optional body is the new image's container Config.
func (h *handler) commit(c *call) error {
	cb, ok := h.b.(CommitBackend)
	if !ok {
		return notImplemented("committing a container", "CommitBackend")
	}
	var cfg container.Config
	hasCfg := c.r.ContentLength != 0
	if err := c.readJSON(&cfg); err != nil {
		return err
	}
	opts := client.ContainerCommitOptions{
		Comment: c.q("comment"),
		Author:  c.q("author"),
		Changes: c.r.URL.Query()["changes"],
		NoPause: !c.qboolDefault("pause", true),
	}
	if repo := c.q("repo"); repo != "" {
		opts.Reference = repo
		if tag := c.q("tag"); tag != "" {
			opts.Reference += ":" + tag
		}
	}
	if hasCfg {
		opts.Config = &cfg
	}
	res, err := cb.ContainerCommit(c.ctx, c.q("container"), opts)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, container.CommitResponse{ID: res.ID})
}

func (h *handler) containerDiff(c *call) error {
	db, ok := h.b.(DiffBackend)
	if !ok {
		return notImplemented("container filesystem changes", "DiffBackend")
	}
	res, err := db.ContainerDiff(c.ctx, c.vars["id"], client.ContainerDiffOptions{})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, nonNil(res.Changes))
}

func (h *handler) containerExport(c *call) error {
	eb, ok := h.b.(ExportBackend)
	if !ok {
		return notImplemented("exporting a container", "ExportBackend")
	}
	body, err := eb.ContainerExport(c.ctx, c.vars["id"], client.ContainerExportOptions{})
	if err != nil {
		return err
	}
	defer body.Close()
	c.startStream("application/octet-stream")
	return c.copyStream(body)
}

// imageSave answers GET /images/get?names=... and GET /images/{name}/get.
func (h *handler) imageSave(c *call) error {
	ib, ok := h.b.(ImageArchiveBackend)
	if !ok {
		return notImplemented("saving images", "ImageArchiveBackend")
	}
	names := c.r.URL.Query()["names"]
	if n := c.vars["name"]; n != "" {
		names = []string{n}
	}
	if len(names) == 0 {
		return invalidf("no images to save: give names")
	}
	body, err := ib.ImageSave(c.ctx, names)
	if err != nil {
		return err
	}
	defer body.Close()
	c.startStream("application/x-tar")
	return c.copyStream(body)
}

// imageLoad answers POST /images/load (a tar body) with the JSON progress stream.
func (h *handler) imageLoad(c *call) error {
	ib, ok := h.b.(ImageArchiveBackend)
	if !ok {
		return notImplemented("loading images", "ImageArchiveBackend")
	}
	body, err := ib.ImageLoad(c.ctx, c.r.Body, client.ImageLoadWithQuiet(c.qbool("quiet")))
	if err != nil {
		return err
	}
	defer body.Close()
	c.startStream("application/json")
	return c.copyStream(body)
}
