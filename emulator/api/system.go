package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/api/types/volume"
	"github.com/moby/moby/client"
)

// ping answers GET and HEAD /_ping with dockerd's headers and body "OK".
func (h *handler) ping(c *call) error {
	p, err := h.b.Ping(c.ctx, client.PingOptions{})
	if err != nil {
		return err
	}
	hd := c.w.Header()
	hd.Set("Cache-Control", "no-cache, no-store, must-revalidate")
	hd.Set("Pragma", "no-cache")
	hd.Set("Docker-Experimental", strconv.FormatBool(p.Experimental))
	if p.OSType != "" {
		hd.Set("Ostype", p.OSType)
	}
	builder := string(p.BuilderVersion)
	if builder == "" {
		builder = "1"
	}
	hd.Set("Builder-Version", builder)
	swarm := "inactive"
	if s := p.SwarmStatus; s != nil && s.NodeState != "" {
		swarm = string(s.NodeState)
		if swarm == "active" {
			swarm += map[bool]string{true: "/manager", false: "/worker"}[s.ControlAvailable]
		}
	}
	hd.Set("Swarm", swarm)
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	c.wrote = true
	if c.r.Method == http.MethodHead {
		hd.Set("Content-Length", "0")
		c.w.WriteHeader(http.StatusOK)
		return nil
	}
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write([]byte("OK"))
	return err
}

// version answers GET /version. ApiVersion and MinAPIVersion are the handler's,
// whatever the backend says: they describe this HTTP server.
func (h *handler) version(c *call) error {
	v, err := h.b.ServerVersion(c.ctx, client.ServerVersionOptions{})
	if err != nil {
		return err
	}
	resp := system.VersionResponse{
		Platform:      system.PlatformInfo{Name: v.Platform.Name},
		Version:       v.Version,
		APIVersion:    MaxAPIVersion,
		MinAPIVersion: MinAPIVersion,
		Os:            v.Os,
		Arch:          v.Arch,
		Experimental:  v.Experimental,
	}
	for _, comp := range v.Components {
		if comp.Name == "Engine" {
			d := map[string]string{}
			for k, val := range comp.Details {
				d[k] = val
			}
			d["ApiVersion"], d["MinAPIVersion"] = MaxAPIVersion, MinAPIVersion
			comp.Details = d
			resp.GitCommit, resp.GoVersion = d["GitCommit"], d["GoVersion"]
			resp.KernelVersion, resp.BuildTime = d["KernelVersion"], d["BuildTime"]
		}
		resp.Components = append(resp.Components, comp)
	}
	if resp.Os == "" {
		resp.Os = "linux"
	}
	return c.json(http.StatusOK, resp)
}

func (h *handler) info(c *call) error {
	v, err := h.b.Info(c.ctx, client.InfoOptions{})
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, v.Info)
}

// legacyDiskUsage is /system/df before API 1.52.
type legacyDiskUsage struct {
	LayersSize  int64
	Images      []image.Summary
	Containers  []container.Summary
	Volumes     []volume.Volume
	BuildCache  []build.CacheRecord
	BuilderSize *int64 `json:",omitempty"` // API < 1.42 only
}

func (h *handler) diskUsage(c *call) error {
	opts := client.DiskUsageOptions{Verbose: true}
	types := c.r.URL.Query()["type"]
	for _, t := range types {
		switch system.DiskUsageObject(t) {
		case system.ContainerObject:
			opts.Containers = true
		case system.ImageObject:
			opts.Images = true
		case system.VolumeObject:
			opts.Volumes = true
		case system.BuildCacheObject:
			opts.BuildCache = true
		default:
			return invalidf("unknown object type: %s", t)
		}
	}
	if len(types) == 0 {
		opts.Containers, opts.Images, opts.Volumes, opts.BuildCache = true, true, true, true
	}
	du, err := h.b.DiskUsage(c.ctx, opts)
	if err != nil {
		return err
	}
	verbose := c.qbool("verbose")
	legacy := legacyDiskUsage{
		LayersSize: du.Images.TotalSize,
		Images:     nonNil(du.Images.Items),
		Containers: nonNil(du.Containers.Items),
		Volumes:    nonNil(du.Volumes.Items),
		BuildCache: nonNil(du.BuildCache.Items),
	}
	if !c.at("1.52") {
		out := legacy
		if !c.at("1.42") {
			var zero int64
			out.BuilderSize = &zero
		}
		return c.json(http.StatusOK, out)
	}
	var out system.DiskUsage
	if opts.Images {
		out.ImageUsage = &image.DiskUsage{ActiveCount: du.Images.ActiveCount, TotalCount: du.Images.TotalCount, Reclaimable: du.Images.Reclaimable, TotalSize: du.Images.TotalSize}
		if verbose {
			out.ImageUsage.Items = du.Images.Items
		}
	}
	if opts.Containers {
		out.ContainerUsage = &container.DiskUsage{ActiveCount: du.Containers.ActiveCount, TotalCount: du.Containers.TotalCount, Reclaimable: du.Containers.Reclaimable, TotalSize: du.Containers.TotalSize}
		if verbose {
			out.ContainerUsage.Items = du.Containers.Items
		}
	}
	if opts.Volumes {
		out.VolumeUsage = &volume.DiskUsage{ActiveCount: du.Volumes.ActiveCount, TotalCount: du.Volumes.TotalCount, Reclaimable: du.Volumes.Reclaimable, TotalSize: du.Volumes.TotalSize}
		if verbose {
			out.VolumeUsage.Items = du.Volumes.Items
		}
	}
	if opts.BuildCache {
		out.BuildCacheUsage = &build.DiskUsage{ActiveCount: du.BuildCache.ActiveCount, TotalCount: du.BuildCache.TotalCount, Reclaimable: du.BuildCache.Reclaimable, TotalSize: du.BuildCache.TotalSize}
		if verbose {
			out.BuildCacheUsage.Items = du.BuildCache.Items
		}
	}
	if !c.at("1.53") && !verbose {
		// API 1.52 sends the legacy fields too, unless verbose.
		return c.json(http.StatusOK, struct {
			legacyDiskUsage
			system.DiskUsage
		}{legacy, out})
	}
	return c.json(http.StatusOK, out)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// legacyMessage is an event as API versions before 1.52 encode it, with the
// deprecated status, id and from fields on container and image events.
type legacyMessage struct {
	Status string `json:"status,omitempty"`
	ID     string `json:"id,omitempty"`
	From   string `json:"from,omitempty"`
	events.Message
}

// validTimestamp accepts dockerd's "seconds[.nanoseconds]" form (RFC 3339 and
// durations are converted by clients before sending).
func validTimestamp(s string) bool {
	if s == "" {
		return true
	}
	sec, frac, _ := strings.Cut(s, ".")
	if _, err := strconv.ParseInt(sec, 10, 64); err != nil {
		return false
	}
	if frac != "" {
		if _, err := strconv.ParseUint(frac, 10, 64); err != nil {
			return false
		}
	}
	return true
}

// eventsType picks the events Content-Type: from API 1.52 (x-ndjson) and 1.53
// (jsonl) dockerd honours the Accept header; the framing (one object per line) is
// the same. RFC 7464 sequences are not offered.
func (c *call) eventsType() string {
	accept := strings.Join(c.r.Header.Values("Accept"), ",")
	switch {
	case c.at("1.53") && strings.Contains(accept, "application/jsonl"):
		return "application/jsonl"
	case c.at("1.52") && strings.Contains(accept, "application/x-ndjson"):
		return "application/x-ndjson"
	}
	return "application/json"
}

// events streams GET /events: headers at once, then one JSON object per line until
// the backend ends the stream (until reached) or the client hangs up.
func (h *handler) events(c *call) error {
	f, err := c.filters()
	if err != nil {
		return err
	}
	since, until := c.q("since"), c.q("until")
	for _, ts := range []string{since, until} {
		if !validTimestamp(ts) {
			return invalidf("failed to parse value %s as a timestamp: use seconds since the epoch, optionally with a fractional part", ts)
		}
	}
	res := h.b.Events(c.ctx, client.EventsListOptions{Since: since, Until: until, Filters: f})
	c.startStream(c.eventsType())
	enc := json.NewEncoder(c.w)
	enc.SetEscapeHTML(false)
	legacy := !c.at("1.52")
	for {
		select {
		case <-c.ctx.Done():
			return nil
		case err := <-res.Err:
			return err
		case m, ok := <-res.Messages:
			if !ok {
				return nil
			}
			var v any = m
			if legacy && (m.Type == events.ContainerEventType || m.Type == events.ImageEventType) {
				lm := legacyMessage{Status: string(m.Action), ID: m.Actor.ID, Message: m}
				if m.Type == events.ContainerEventType {
					lm.From = m.Actor.Attributes["image"]
				}
				v = lm
			}
			if err := enc.Encode(v); err != nil {
				return nil // client gone
			}
			flush(c.w)
		}
	}
}
