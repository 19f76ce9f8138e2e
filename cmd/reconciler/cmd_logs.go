package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/spec"
)

// logsEngine is the optional capability logs needs (moby's signature).
type logsEngine interface {
	ContainerLogs(ctx context.Context, container string, options client.ContainerLogsOptions) (client.ContainerLogsResult, error)
}

type logsOptions struct {
	follow     bool
	tail       string
	timestamps bool
	since      string
	noPrefix   bool
}

func newLogsCmd(a *app) *cobra.Command {
	var o logsOptions
	cmd := &cobra.Command{
		Use:   "logs [SERVICE...]",
		Short: "Print the output of the project's containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runLogs(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.follow, "follow", "f", false, "Follow log output")
	f.StringVarP(&o.tail, "tail", "n", "all", "Number of lines to show from the end of the logs")
	f.BoolVarP(&o.timestamps, "timestamps", "t", false, "Show timestamps")
	f.StringVar(&o.since, "since", "", "Show logs since a timestamp or relative time (e.g. 42m)")
	f.BoolVar(&o.noPrefix, "no-log-prefix", false, "Do not print the container name prefix")
	return cmd
}

func (a *app) runLogs(cmd *cobra.Command, o logsOptions, services []string) error {
	ctx := cmd.Context()
	project, _, err := a.projectOnly(ctx)
	if err != nil {
		return err
	}
	return a.withEngine(ctx, func(c *engineConn) error {
		le, ok := c.raw.(logsEngine)
		if !ok {
			return notSupported("logs", c.kind)
		}
		f := make(client.Filters).Add("label", spec.LabelProject+"="+project)
		res, err := c.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
		if err != nil {
			return fmt.Errorf("logs: list containers of project %s: %w", project, err)
		}
		entries := make([]psEntry, 0, len(res.Items))
		for _, s := range res.Items {
			e := toPsEntry(s)
			if len(services) == 0 || slices.Contains(services, e.Service) {
				entries = append(entries, e)
			}
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
		width := 0
		for _, e := range entries {
			width = max(width, len(e.Name))
		}
		opts := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: o.follow,
			Tail: o.tail, Timestamps: o.timestamps, Since: o.since}
		for _, e := range entries {
			prefix := ""
			if !o.noPrefix {
				prefix = fmt.Sprintf("%-*s | ", width, e.Name)
			}
			if err := copyLogs(ctx, le, e.ID, opts, a.stdout, a.stderr, prefix); err != nil {
				return fmt.Errorf("logs: container %s: %w", e.Name, err)
			}
		}
		return nil
	})
}

// copyLogs demultiplexes one container's stream and prints each line with prefix.
func copyLogs(ctx context.Context, le logsEngine, id string, opts client.ContainerLogsOptions, stdout, stderr io.Writer, prefix string) error {
	rc, err := le.ContainerLogs(ctx, id, opts)
	if err != nil {
		return err
	}
	defer rc.Close()
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	done := make(chan struct{}, 2)
	go prefixLines(outR, stdout, prefix, done)
	go prefixLines(errR, stderr, prefix, done)
	_, err = stdcopy.StdCopy(outW, errW, rc)
	outW.Close()
	errW.Close()
	<-done
	<-done
	return err
}

func prefixLines(r io.Reader, w io.Writer, prefix string, done chan<- struct{}) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		fmt.Fprintln(w, prefix+sc.Text())
	}
	io.Copy(io.Discard, r)
	done <- struct{}{}
}
