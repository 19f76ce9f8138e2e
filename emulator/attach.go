package emulator

import (
	"bytes"
	"context"
	"net"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// ContainerAttach attaches to the container's output as dockerd does: with
// Logs the output so far, with Stream the output from now on until the
// container stops (a created container is waited for, so attach-then-start
// works as `docker start -a` and `docker run` do it). Frames are multiplexed
// unless the container has a TTY. Stdin is accepted and ignored.
func (e *Engine) ContainerAttach(ctx context.Context, ref string, options client.ContainerAttachOptions) (client.ContainerAttachResult, error) {
	f := &logFilter{stdout: options.Stdout, stderr: options.Stderr, waitCreated: true}
	var (
		id        string
		done      int
		seq       int64
		following bool
		buf       bytes.Buffer
	)
	err := e.view(ctx, func(s *state) error {
		c, err := s.lookupContainer(ref)
		if err != nil {
			return err
		}
		id, f.tty = c.ID, c.Config.Tty
		entries := c.logEntries(e.now())
		done = len(entries)
		if options.Logs {
			for _, l := range entries {
				if f.keep(l) {
					f.render(&buf, l)
				}
			}
		}
		following = options.Stream && (c.State.Running || c.State.Restarting || c.State.Status == container.StateCreated)
		seq, err = e.st.lastEventSeq(ctx)
		return err
	})
	if err != nil {
		return client.ContainerAttachResult{}, err
	}
	server, conn := net.Pipe()
	e.streams.Add(1)
	go func() {
		defer e.streams.Done()
		defer server.Close()
		if _, err := server.Write(buf.Bytes()); err != nil || !following {
			return
		}
		_ = e.followLogs(ctx, id, seq, done, f, server)
	}()
	media := "application/vnd.docker.multiplexed-stream"
	if f.tty {
		media = "application/vnd.docker.raw-stream"
	}
	return client.ContainerAttachResult{HijackedResponse: client.NewHijackedResponse(conn, media)}, nil
}
