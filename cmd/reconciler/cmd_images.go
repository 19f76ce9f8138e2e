package main

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/docker/go-units"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/spec"
)

func newImagesCmd(a *app) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "images [SERVICE...]",
		Short: "List the images used by the project's containers",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			project, _, err := a.projectOnly(ctx)
			if err != nil {
				return err
			}
			return a.withEngine(ctx, func(c *engineConn) error {
				f := make(client.Filters).Add("label", spec.LabelProject+"="+project)
				cs, err := c.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
				if err != nil {
					return fmt.Errorf("images: list containers of project %s: %w", project, err)
				}
				ims, err := c.ImageList(ctx, client.ImageListOptions{})
				if err != nil {
					return fmt.Errorf("images: list images: %w", err)
				}
				sizes := map[string]int64{}
				for _, im := range ims.Items {
					sizes[im.ID] = im.Size
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 0, 3, ' ', 0)
				if !quiet {
					fmt.Fprintln(tw, "CONTAINER\tREPOSITORY\tTAG\tIMAGE ID\tSIZE")
				}
				sort.Slice(cs.Items, func(i, j int) bool { return cs.Items[i].Names[0] < cs.Items[j].Names[0] })
				for _, s := range cs.Items {
					e := toPsEntry(s)
					if len(args) > 0 && !contains(args, e.Service) {
						continue
					}
					if quiet {
						fmt.Fprintln(tw, s.ImageID)
						continue
					}
					repo, tag := splitRef(s.Image)
					id := strings.TrimPrefix(s.ImageID, "sha256:")
					if len(id) > 12 {
						id = id[:12]
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Name, repo, tag, id, units.HumanSizeWithPrecision(float64(sizes[s.ImageID]), 3))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "Only print image IDs")
	return cmd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// splitRef splits "repo:tag" (not a registry port) into repo and tag.
func splitRef(ref string) (string, string) {
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ref, "latest"
	}
	return ref[:i], ref[i+1:]
}
