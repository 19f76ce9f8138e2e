package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/spec"
)

type psOptions struct {
	all    bool
	format string
	quiet  bool
}

func newPsCmd(a *app) *cobra.Command {
	var o psOptions
	cmd := &cobra.Command{
		Use:   "ps [SERVICE...]",
		Short: "List the project's containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runPs(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.all, "all", "a", false, "Show all containers, stopped ones too")
	f.StringVar(&o.format, "format", "table", "Output format: table or json")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "Only print container IDs")
	return cmd
}

// psPublisher is compose's PortPublisher.
type psPublisher struct {
	URL           string
	TargetPort    int
	PublishedPort int
	Protocol      string
}

// psEntry has docker compose ps --format json's field names.
type psEntry struct {
	ID         string
	Name       string
	Names      string
	Image      string
	Command    string
	Project    string
	Service    string
	Created    int64
	State      string
	Status     string
	Health     string
	ExitCode   int
	Publishers []psPublisher
	Labels     string
	Ports      string
}

func (a *app) runPs(cmd *cobra.Command, o psOptions, services []string) error {
	if o.format != "table" && o.format != "json" {
		return usageErrorf("--format %q: want table or json", o.format)
	}
	ctx := cmd.Context()
	project, _, err := a.projectOnly(ctx)
	if err != nil {
		return err
	}
	return a.withEngine(ctx, func(c *engineConn) error {
		f := make(client.Filters).Add("label", spec.LabelProject+"="+project)
		res, err := c.ContainerList(ctx, client.ContainerListOptions{All: o.all, Filters: f})
		if err != nil {
			return fmt.Errorf("ps: list containers of project %s: %w", project, err)
		}
		entries := make([]psEntry, 0, len(res.Items))
		for _, s := range res.Items {
			e := toPsEntry(s)
			if len(services) > 0 && !slices.Contains(services, e.Service) {
				continue
			}
			entries = append(entries, e)
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name < entries[j].Name })
		switch {
		case o.quiet:
			for _, e := range entries {
				fmt.Fprintln(a.stdout, e.ID)
			}
			return nil
		case o.format == "json":
			return printPsJSON(a, entries)
		}
		return printPsTable(a, entries)
	})
}

var exitedRe = regexp.MustCompile(`^Exited \((-?\d+)\)`)

func toPsEntry(s container.Summary) psEntry {
	name := ""
	if len(s.Names) > 0 {
		name = strings.TrimPrefix(s.Names[0], "/")
	}
	e := psEntry{
		ID: s.ID, Name: name, Names: name, Image: s.Image, Command: s.Command,
		Project: s.Labels[spec.LabelProject], Service: s.Labels[spec.LabelService],
		Created: s.Created, State: string(s.State), Status: s.Status,
		Publishers: []psPublisher{},
	}
	if s.Health != nil && s.Health.Status != container.NoHealthcheck {
		e.Health = string(s.Health.Status)
	}
	if m := exitedRe.FindStringSubmatch(s.Status); m != nil {
		e.ExitCode, _ = strconv.Atoi(m[1])
	}
	var ports []string
	for _, p := range s.Ports {
		pub := psPublisher{TargetPort: int(p.PrivatePort), PublishedPort: int(p.PublicPort), Protocol: p.Type}
		if p.IP.IsValid() {
			pub.URL = p.IP.String()
		}
		e.Publishers = append(e.Publishers, pub)
		if p.PublicPort != 0 {
			ports = append(ports, fmt.Sprintf("%s:%d->%d/%s", pub.URL, p.PublicPort, p.PrivatePort, p.Type))
		} else {
			ports = append(ports, fmt.Sprintf("%d/%s", p.PrivatePort, p.Type))
		}
	}
	e.Ports = strings.Join(ports, ", ")
	keys := make([]string, 0, len(s.Labels))
	for k := range s.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	labels := make([]string, 0, len(keys))
	for _, k := range keys {
		labels = append(labels, k+"="+s.Labels[k])
	}
	e.Labels = strings.Join(labels, ",")
	return e
}

// printPsJSON prints one JSON object per line, as docker compose ps --format json
// does since v2.21.
func printPsJSON(a *app, entries []psEntry) error {
	enc := json.NewEncoder(a.stdout)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

func printPsTable(a *app, entries []psEntry) error {
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tIMAGE\tCOMMAND\tSERVICE\tSTATUS\tPORTS")
	for _, e := range entries {
		command := e.Command
		if len(command) > 20 {
			command = command[:19] + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%q\t%s\t%s\t%s\n", e.Name, e.Image, command, e.Service, e.Status, e.Ports)
	}
	return tw.Flush()
}
