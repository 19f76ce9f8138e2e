package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"
)

// Optional engine capabilities (moby's signatures).
type (
	infoEngine interface {
		Info(ctx context.Context, options client.InfoOptions) (client.SystemInfoResult, error)
	}
	containerPruner interface {
		ContainerPrune(ctx context.Context, opts client.ContainerPruneOptions) (client.ContainerPruneResult, error)
	}
	imagePruner interface {
		ImagePrune(ctx context.Context, opts client.ImagePruneOptions) (client.ImagePruneResult, error)
	}
	networkPruner interface {
		NetworkPrune(ctx context.Context, opts client.NetworkPruneOptions) (client.NetworkPruneResult, error)
	}
	volumePruner interface {
		VolumePrune(ctx context.Context, opts client.VolumePruneOptions) (client.VolumePruneResult, error)
	}
)

func newEngineCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "engine",
		Short: "Inspect and maintain the engine",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newEngineInfoCmd(a), newEnginePruneCmd(a), newEngineServeCmd(a))
	cmd.AddCommand(newEngineFaultCmd(a))
	return cmd
}

func newEngineInfoCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show the engine in use and what it holds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			return a.withEngine(ctx, func(c *engineConn) error {
				fmt.Fprintf(a.stdout, "Engine:     %s\n", c.kind)
				if c.kind == engineEmbedded {
					fmt.Fprintf(a.stdout, "State:      %s\n", c.where)
				} else {
					fmt.Fprintf(a.stdout, "Host:       %s\n", c.where)
				}
				if ie, ok := c.raw.(infoEngine); ok {
					if info, err := ie.Info(ctx, client.InfoOptions{}); err == nil {
						fmt.Fprintf(a.stdout, "Name:       %s\nVersion:    %s\n", info.Info.Name, info.Info.ServerVersion)
					}
				}
				cs, err := c.ContainerList(ctx, client.ContainerListOptions{All: true})
				if err != nil {
					return fmt.Errorf("engine info: list containers: %w", err)
				}
				running := 0
				for _, s := range cs.Items {
					if s.State == "running" {
						running++
					}
				}
				ns, err := c.NetworkList(ctx, client.NetworkListOptions{})
				if err != nil {
					return fmt.Errorf("engine info: list networks: %w", err)
				}
				vs, err := c.VolumeList(ctx, client.VolumeListOptions{})
				if err != nil {
					return fmt.Errorf("engine info: list volumes: %w", err)
				}
				is, err := c.ImageList(ctx, client.ImageListOptions{})
				if err != nil {
					return fmt.Errorf("engine info: list images: %w", err)
				}
				fmt.Fprintf(a.stdout, "Containers: %d (%d running)\nNetworks:   %d\nVolumes:    %d\nImages:     %d\n",
					len(cs.Items), running, len(ns.Items), len(vs.Items), len(is.Items))
				return nil
			})
		},
	}
}

func newEnginePruneCmd(a *app) *cobra.Command {
	var filters []string
	var all bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove stopped containers, unused networks, dangling images and unused anonymous volumes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := make(client.Filters)
			for _, kv := range filters {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return usageErrorf("--filter %q: want key=value (e.g. label=com.docker.compose.project=demo)", kv)
				}
				f.Add(k, v)
			}
			ctx := cmd.Context()
			return a.withEngine(ctx, func(c *engineConn) error {
				cp, ok1 := c.raw.(containerPruner)
				np, ok2 := c.raw.(networkPruner)
				vp, ok3 := c.raw.(volumePruner)
				ip, ok4 := c.raw.(imagePruner)
				if !ok1 || !ok2 || !ok3 || !ok4 {
					return notSupported("engine prune", c.kind)
				}
				unlock, err := c.lock()
				if err != nil {
					return err
				}
				defer unlock()
				var reclaimed uint64
				cr, err := cp.ContainerPrune(ctx, client.ContainerPruneOptions{Filters: f})
				if err != nil {
					return fmt.Errorf("engine prune: containers: %w", err)
				}
				reclaimed += cr.Report.SpaceReclaimed
				nr, err := np.NetworkPrune(ctx, client.NetworkPruneOptions{Filters: f})
				if err != nil {
					return fmt.Errorf("engine prune: networks: %w", err)
				}
				vr, err := vp.VolumePrune(ctx, client.VolumePruneOptions{All: all, Filters: f})
				if err != nil {
					return fmt.Errorf("engine prune: volumes: %w", err)
				}
				reclaimed += vr.Report.SpaceReclaimed
				ir, err := ip.ImagePrune(ctx, client.ImagePruneOptions{Filters: f})
				if err != nil {
					return fmt.Errorf("engine prune: images: %w", err)
				}
				reclaimed += ir.Report.SpaceReclaimed
				fmt.Fprintf(a.stdout, "Deleted: %d containers, %d networks, %d volumes, %d images\nTotal reclaimed space: %s\n",
					len(cr.Report.ContainersDeleted), len(nr.Report.NetworksDeleted), len(vr.Report.VolumesDeleted),
					len(ir.Report.ImagesDeleted), units.HumanSize(float64(reclaimed)))
				return nil
			})
		},
	}
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "Filter (e.g. label=KEY=VALUE, until=24h); repeatable")
	cmd.Flags().BoolVar(&all, "volumes-all", false, "Also prune unused named volumes")
	return cmd
}
