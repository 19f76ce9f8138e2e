package api

import (
	"net/http"
	"strings"

	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

func (h *handler) imageList(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	res, err := h.b.ImageList(c.ctx, client.ImageListOptions{
		All:        c.qbool("all"),
		Filters:    f,
		SharedSize: c.at("1.42") && c.qbool("shared-size"),
		Manifests:  c.at("1.47") && c.qbool("manifests"),
	})
	if err != nil {
		return err
	}
	items := nonNil(res.Items)
	if !c.at("1.43") {
		// Before 1.43 an untagged image showed "<none>" placeholders.
		for i := range items {
			if len(items[i].RepoTags) == 0 {
				items[i].RepoTags = []string{"<none>:<none>"}
			}
			if len(items[i].RepoDigests) == 0 {
				items[i].RepoDigests = []string{"<none>@<none>"}
			}
		}
	}
	return c.json(http.StatusOK, items)
}

// imageCreate answers POST /images/create. Only pulls (fromImage) are served; the
// progress is streamed as the backend produces it, one JSON object per line.
func (h *handler) imageCreate(c *call) error {
	from := c.q("fromImage")
	if from == "" {
		if c.q("fromSrc") != "" {
			return notImplemented("importing an image (fromSrc)", "Backend")
		}
		return invalidf("fromImage or fromSrc is required")
	}
	ref := from
	if tag := c.q("tag"); tag != "" {
		if strings.HasPrefix(tag, "sha256:") {
			ref += "@" + tag
		} else {
			ref += ":" + tag
		}
	}
	opts := client.ImagePullOptions{RegistryAuth: c.r.Header.Get("X-Registry-Auth")}
	if p := c.q("platform"); p != "" {
		plat, err := parsePlatform(p)
		if err != nil {
			return err
		}
		opts.Platforms = []ocispec.Platform{plat}
	}
	body, err := h.b.ImagePull(c.ctx, ref, opts)
	if err != nil {
		return err
	}
	defer body.Close()
	c.startStream("application/json")
	return c.copyStream(body)
}

func (h *handler) imageInspect(c *call) error {
	res, err := h.b.ImageInspect(c.ctx, c.vars["name"])
	if err != nil {
		return err
	}
	if !c.at("1.52") {
		doc, err := legacyImageInspect(res.InspectResponse, c.version)
		if err != nil {
			return err
		}
		return c.json(http.StatusOK, doc)
	}
	return c.json(http.StatusOK, res.InspectResponse)
}

func (h *handler) imageHistory(c *call) error {
	res, err := h.b.ImageHistory(c.ctx, c.vars["name"])
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, nonNil(res.Items))
}

// imageTag answers POST /images/{name}/tag?repo=&tag= (201, empty body). An empty
// tag means "latest", as in dockerd.
func (h *handler) imageTag(c *call) error {
	repo, tag := c.q("repo"), c.q("tag")
	if repo == "" {
		return invalidf("repository name (repo) is required")
	}
	if tag == "" {
		tag = "latest"
	}
	if _, err := h.b.ImageTag(c.ctx, client.ImageTagOptions{Source: c.vars["name"], Target: repo + ":" + tag}); err != nil {
		return err
	}
	return c.status(http.StatusCreated)
}

func (h *handler) imageRemove(c *call) error {
	res, err := h.b.ImageRemove(c.ctx, c.vars["name"], client.ImageRemoveOptions{
		Force:         c.qbool("force"),
		PruneChildren: !c.qbool("noprune"),
	})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, nonNil(res.Items))
}

func (h *handler) imagePrune(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	res, err := h.b.ImagePrune(c.ctx, client.ImagePruneOptions{Filters: f})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, res.Report)
}
