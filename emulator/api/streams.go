package api

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/moby/moby/api/types"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// streamType is the Content-Type of a logs, attach or exec stream: from API 1.42
// dockerd names the multiplexed form; before, everything was raw-stream.
func (c *call) streamType(tty bool) string {
	if tty || !c.at("1.42") {
		return types.MediaTypeRawStream
	}
	return types.MediaTypeMultiplexedStream
}

func (h *handler) containerTTY(c *call, id string) (bool, error) {
	res, err := h.b.ContainerInspect(c.ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return false, err
	}
	return res.Container.Config != nil && res.Container.Config.Tty, nil
}

func (h *handler) containerLogs(c *call) error {
	lb, ok := h.b.(LogsBackend)
	if !ok {
		return notImplemented("container logs", "LogsBackend")
	}
	opts := client.ContainerLogsOptions{
		ShowStdout: c.qbool("stdout"),
		ShowStderr: c.qbool("stderr"),
		Since:      c.q("since"),
		Until:      c.q("until"),
		Timestamps: c.qbool("timestamps"),
		Follow:     c.qbool("follow"),
		Tail:       c.q("tail"),
		Details:    c.qbool("details"),
	}
	if !opts.ShowStdout && !opts.ShowStderr {
		return invalidf("Bad parameters: you must choose at least one stream")
	}
	tty, err := h.containerTTY(c, c.vars["id"])
	if err != nil {
		return err
	}
	body, err := lb.ContainerLogs(c.ctx, c.vars["id"], opts)
	if err != nil {
		return err
	}
	defer body.Close()
	ct := ""
	if c.at("1.42") {
		ct = c.streamType(tty)
	}
	c.startStream(ct)
	return c.copyStream(body)
}

func (h *handler) containerStats(c *call) error {
	sb, ok := h.b.(StatsBackend)
	if !ok {
		return notImplemented("container stats", "StatsBackend")
	}
	stream := c.qboolDefault("stream", true)
	oneShot := c.qbool("one-shot")
	if stream && oneShot {
		return invalidf("cannot have stream=true and one-shot=true")
	}
	res, err := sb.ContainerStats(c.ctx, c.vars["id"], client.ContainerStatsOptions{Stream: stream, IncludePreviousSample: !oneShot})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	c.startStream("application/json")
	return c.copyStream(res.Body)
}

// containerAttach answers POST /containers/{id}/attach: 101 UPGRADED and a raw
// two-way socket when the client asks for an upgrade, else 200 and the output
// inline.
func (h *handler) containerAttach(c *call) error {
	ab, ok := h.b.(AttachBackend)
	if !ok {
		return notImplemented("attaching to a container", "AttachBackend")
	}
	id := c.vars["id"]
	tty, err := h.containerTTY(c, id)
	if err != nil {
		return err
	}
	res, err := ab.ContainerAttach(c.ctx, id, client.ContainerAttachOptions{
		Stream:     c.qbool("stream"),
		Stdin:      c.qbool("stdin"),
		Stdout:     c.qbool("stdout"),
		Stderr:     c.qbool("stderr"),
		DetachKeys: c.q("detachKeys"),
		Logs:       c.qbool("logs"),
	})
	if err != nil {
		return err
	}
	return c.pipeHijacked(res.HijackedResponse, c.streamType(tty))
}

func (h *handler) execCreate(c *call) error {
	eb, ok := h.b.(ExecBackend)
	if !ok {
		return notImplemented("exec", "ExecBackend")
	}
	var req container.ExecCreateRequest
	if err := c.readJSON(&req); err != nil {
		return err
	}
	opts := client.ExecCreateOptions{
		User: req.User, Privileged: req.Privileged, TTY: req.Tty,
		AttachStdin: req.AttachStdin, AttachStderr: req.AttachStderr, AttachStdout: req.AttachStdout,
		DetachKeys: req.DetachKeys, Env: req.Env, WorkingDir: req.WorkingDir, Cmd: req.Cmd,
	}
	if cs := req.ConsoleSize; cs != nil {
		opts.ConsoleSize = client.ConsoleSize{Height: cs[0], Width: cs[1]}
	}
	res, err := eb.ExecCreate(c.ctx, c.vars["id"], opts)
	if err != nil {
		return err
	}
	return c.json(http.StatusCreated, container.ExecCreateResponse{ID: res.ID})
}

func (h *handler) execStart(c *call) error {
	eb, ok := h.b.(ExecBackend)
	if !ok {
		return notImplemented("exec", "ExecBackend")
	}
	var req container.ExecStartRequest
	if err := c.readJSON(&req); err != nil {
		return err
	}
	var size client.ConsoleSize
	if cs := req.ConsoleSize; cs != nil {
		size = client.ConsoleSize{Height: cs[0], Width: cs[1]}
	}
	id := c.vars["id"]
	if req.Detach {
		if _, err := eb.ExecStart(c.ctx, id, client.ExecStartOptions{Detach: true, TTY: req.Tty, ConsoleSize: size}); err != nil {
			return err
		}
		return c.status(http.StatusOK)
	}
	res, err := eb.ExecAttach(c.ctx, id, client.ExecAttachOptions{TTY: req.Tty, ConsoleSize: size})
	if err != nil {
		return err
	}
	return c.pipeHijacked(res.HijackedResponse, c.streamType(req.Tty))
}

func (h *handler) execInspect(c *call) error {
	eb, ok := h.b.(ExecBackend)
	if !ok {
		return notImplemented("exec", "ExecBackend")
	}
	res, err := eb.ExecInspect(c.ctx, c.vars["id"], client.ExecInspectOptions{})
	if err != nil {
		return err
	}
	out := container.ExecInspectResponse{ID: res.ID, Running: res.Running, ContainerID: res.ContainerID, Pid: res.PID}
	if !res.Running {
		code := res.ExitCode
		out.ExitCode = &code
	}
	return c.json(http.StatusOK, out)
}

// pipeHijacked connects the client to a backend stream. With "Upgrade: tcp" the
// client's connection is hijacked after a 101 UPGRADED status: backend output goes
// to the client, client input to the backend, and the connection is closed when
// the output ends. Without it, the output is streamed inline with 200.
func (c *call) pipeHijacked(hr client.HijackedResponse, contentType string) error {
	defer hr.Close()
	var out io.Reader = hr.Reader
	if out == nil {
		out = hr.Conn
	}
	if !strings.EqualFold(c.r.Header.Get("Upgrade"), "tcp") {
		c.startStream(contentType)
		return c.copyStream(out)
	}
	conn, brw, err := http.NewResponseController(c.w).Hijack()
	if err != nil {
		return internalf("cannot hijack the connection: %v", err)
	}
	c.wrote = true
	defer conn.Close()
	// Shutdown or client loss ends the session.
	stop := context.AfterFunc(c.ctx, func() { _ = conn.Close(); hr.Close() })
	defer stop()
	var head strings.Builder
	head.WriteString("HTTP/1.1 101 UPGRADED\r\nContent-Type: " + contentType + "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n")
	for _, k := range []string{"Api-Version", "Docker-Experimental", "Ostype", "Server"} {
		head.WriteString(k + ": " + c.w.Header().Get(k) + "\r\n")
	}
	head.WriteString("\r\n")
	if _, err := brw.WriteString(head.String()); err != nil {
		return nil
	}
	if err := brw.Flush(); err != nil {
		return nil
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		// Client input (stdin) to the backend; buffered bytes first.
		defer wg.Done()
		_, _ = io.Copy(hr.Conn, io.MultiReader(bufferedPart(brw.Reader), conn))
		if cw, ok := hr.Conn.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
	}()
	_, _ = io.Copy(conn, out)
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	_ = conn.Close()
	hr.Close()
	wg.Wait()
	return nil
}

// bufferedPart returns what the server already read past the request headers.
func bufferedPart(r *bufio.Reader) io.Reader {
	n := r.Buffered()
	if n == 0 {
		return strings.NewReader("")
	}
	b, _ := r.Peek(n)
	return strings.NewReader(string(b))
}

// archivePath validates and cleans the path parameter of the archive endpoints:
// it is required, may not contain NUL, and is made absolute and cleaned so that
// "../" can never leave the container's root.
func (c *call) archivePath() (string, error) {
	p := c.q("path")
	if p == "" {
		return "", invalidf("bad parameter: path cannot be empty")
	}
	if strings.ContainsRune(p, 0) {
		return "", invalidf("bad parameter: path contains a NUL byte")
	}
	return cleanContainerPath(p), nil
}

// cleanContainerPath makes p absolute inside the container's root, resolving ".."
// lexically; a trailing "/" or "/." (meaningful to docker cp) is kept.
func cleanContainerPath(p string) string {
	suffix := ""
	switch {
	case strings.HasSuffix(p, "/."):
		suffix = "/."
	case strings.HasSuffix(p, "/") && len(p) > 1:
		suffix = "/"
	}
	parts := []string{}
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
		case "..":
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, s)
		}
	}
	clean := "/" + strings.Join(parts, "/")
	if clean == "/" {
		return clean
	}
	return clean + suffix
}

func setPathStat(w http.ResponseWriter, st container.PathStat) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	w.Header().Set("X-Docker-Container-Path-Stat", base64.StdEncoding.EncodeToString(b))
	return nil
}

func (h *handler) archiveStat(c *call) error {
	ab, ok := h.b.(ArchiveBackend)
	if !ok {
		return notImplemented("container archives", "ArchiveBackend")
	}
	p, err := c.archivePath()
	if err != nil {
		return err
	}
	res, err := ab.ContainerStatPath(c.ctx, c.vars["id"], client.ContainerStatPathOptions{Path: p})
	if err != nil {
		return err
	}
	if err := setPathStat(c.w, res.Stat); err != nil {
		return err
	}
	return c.status(http.StatusOK)
}

func (h *handler) archiveGet(c *call) error {
	ab, ok := h.b.(ArchiveBackend)
	if !ok {
		return notImplemented("container archives", "ArchiveBackend")
	}
	p, err := c.archivePath()
	if err != nil {
		return err
	}
	res, err := ab.CopyFromContainer(c.ctx, c.vars["id"], client.CopyFromContainerOptions{SourcePath: p})
	if err != nil {
		return err
	}
	defer res.Content.Close()
	if err := setPathStat(c.w, res.Stat); err != nil {
		return err
	}
	c.startStream("application/x-tar")
	return c.copyStream(res.Content)
}

func (h *handler) archivePut(c *call) error {
	ab, ok := h.b.(ArchiveBackend)
	if !ok {
		return notImplemented("container archives", "ArchiveBackend")
	}
	p, err := c.archivePath()
	if err != nil {
		return err
	}
	_, err = ab.CopyToContainer(c.ctx, c.vars["id"], client.CopyToContainerOptions{
		DestinationPath:           p,
		Content:                   c.r.Body,
		AllowOverwriteDirWithFile: !c.qbool("noOverwriteDirNonDir"),
		CopyUIDGID:                c.qbool("copyUIDGID"),
	})
	if err != nil {
		return err
	}
	return c.status(http.StatusOK)
}

// build answers POST /build with the classic builder's JSON stream. BuildKit
// (version=2) needs the /session endpoint, which is not served.
func (h *handler) build(c *call) error {
	bb, ok := h.b.(BuildBackend)
	if !ok {
		return notImplemented("building images", "BuildBackend")
	}
	if v := c.q("version"); v != "" && v != "1" {
		return notImplemented("BuildKit (builder version "+v+")", "BuildBackend")
	}
	opts := client.ImageBuildOptions{
		Tags:           c.r.URL.Query()["t"],
		SuppressOutput: c.qbool("q"),
		RemoteContext:  c.q("remote"),
		NoCache:        c.qbool("nocache"),
		Remove:         c.q("rm") == "" || c.qbool("rm") || c.qbool("forcerm"), // dockerd: absent or empty means true
		ForceRemove:    c.qbool("forcerm"),
		PullParent:     c.qbool("pull"),
		Dockerfile:     c.q("dockerfile"),
		Target:         c.q("target"),
		NetworkMode:    c.q("networkmode"),
		ExtraHosts:     c.r.URL.Query()["extrahosts"],
		Context:        c.r.Body,
	}
	for name, dst := range map[string]any{"buildargs": &opts.BuildArgs, "labels": &opts.Labels, "cachefrom": &opts.CacheFrom} {
		if s := c.q(name); s != "" {
			if err := json.Unmarshal([]byte(s), dst); err != nil {
				return invalidf("invalid %s: %v", name, err)
			}
		}
	}
	if p := c.q("platform"); p != "" {
		plat, err := parsePlatform(p)
		if err != nil {
			return err
		}
		opts.Platforms = append(opts.Platforms, plat)
	}
	res, err := bb.ImageBuild(c.ctx, c.r.Body, opts)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	c.startStream("application/json")
	return c.copyStream(res.Body)
}
