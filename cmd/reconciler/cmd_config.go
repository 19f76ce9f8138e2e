package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/spec"
)

type configOptions struct {
	format   string
	services bool
	volumes  bool
	hash     string
	quiet    bool
}

func newConfigCmd(a *app) *cobra.Command {
	var o configOptions
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Validate and print the normalised project",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runConfig(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "yaml", "Output format: yaml or json")
	f.BoolVar(&o.services, "services", false, "Print the service names, one per line")
	f.BoolVar(&o.volumes, "volumes", false, "Print the volume names, one per line")
	f.StringVar(&o.hash, "hash", "", "Print the config hash of services: \"svc1,svc2\" or \"*\"")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "Only validate the configuration, print nothing")
	return cmd
}

func (a *app) runConfig(cmd *cobra.Command, o configOptions) error {
	if o.format != "yaml" && o.format != "json" {
		return usageErrorf("--format %q: want yaml or json", o.format)
	}
	ctx := cmd.Context()
	if o.hash != "" || o.quiet {
		// The desired state validates everything the planner relies on, and
		// carries compose's config hash per service.
		d, err := a.loadDesired(ctx)
		if err != nil {
			return err
		}
		if o.quiet {
			return nil
		}
		return printHashes(a, d, o.hash)
	}
	p, err := a.loadProject(ctx)
	if err != nil {
		return err
	}
	switch {
	case o.services:
		for _, name := range p.ServiceNames() {
			fmt.Fprintln(a.stdout, name)
		}
		return nil
	case o.volumes:
		for _, name := range p.VolumeNames() {
			fmt.Fprintln(a.stdout, name)
		}
		return nil
	}
	var out []byte
	if o.format == "json" {
		out, err = json.MarshalIndent(p, "", "  ")
	} else {
		out, err = p.MarshalYAML()
	}
	if err != nil {
		return fmt.Errorf("config: render %s: %w", o.format, err)
	}
	_, err = a.stdout.Write(append(out, '\n'))
	return err
}

// printHashes prints "<service> <hash>" lines, as docker compose config --hash.
func printHashes(a *app, d *spec.Desired, which string) error {
	byName := map[string]string{}
	var all []string
	for _, s := range d.Services {
		byName[s.Name] = s.ConfigHash
		all = append(all, s.Name)
	}
	names := all
	if which != "*" {
		names = nil
		for _, n := range strings.Split(which, ",") {
			if n = strings.TrimSpace(n); n == "" {
				continue
			}
			if _, ok := byName[n]; !ok {
				return fmt.Errorf("config --hash: no such service: %s", n)
			}
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(a.stdout, "%s %s\n", n, byName[n])
	}
	return nil
}
