package main

import (
	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
)

type downOptions struct {
	volumes       bool
	rmi           string
	removeOrphans bool
	timeout       int
	dryRun        bool
	parallel      int
}

func newDownCmd(a *app) *cobra.Command {
	var o downOptions
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop and remove the project's containers and networks",
		Long: "down removes the project's containers and networks (volumes with -v).\n" +
			"With only -p NAME and no file, it finds the project by its labels.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runDown(cmd, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.volumes, "volumes", "v", false, "Remove named volumes declared in the project and anonymous volumes")
	f.StringVar(&o.rmi, "rmi", "", "Remove images: local or all")
	f.BoolVar(&o.removeOrphans, "remove-orphans", false, "Remove containers of services not in the project")
	f.IntVarP(&o.timeout, "timeout", "t", -1, "Stop timeout in seconds (default: each container's own; 0: remove running containers by force at once)")
	f.BoolVar(&o.dryRun, "dry-run", false, "Print the plan and apply nothing")
	f.IntVar(&o.parallel, "parallel", 0, parallelUsage)
	return cmd
}

func (a *app) runDown(cmd *cobra.Command, o downOptions) error {
	if o.rmi != "" && o.rmi != "local" && o.rmi != "all" {
		return usageErrorf("--rmi %q: want local or all", o.rmi)
	}
	if o.parallel < 0 {
		return usageErrorf("--parallel %d: must be positive", o.parallel)
	}
	opts := planner.DownOptions{RemoveVolumes: o.volumes, RemoveImages: o.rmi, RemoveOrphans: o.removeOrphans}
	if o.timeout >= 0 {
		t := o.timeout
		opts.StopTimeout = &t
	}
	ctx := cmd.Context()
	project, d, err := a.projectOnly(ctx)
	if err != nil {
		return err
	}
	return a.withEngine(ctx, func(c *engineConn) error {
		unlock, err := c.lock()
		if err != nil {
			return err
		}
		defer unlock()
		var obs planner.Observed
		if d != nil {
			obs, err = reconciler.Observe(ctx, c, d)
		} else {
			obs, err = reconciler.ObserveProject(ctx, c, project)
		}
		if err != nil {
			return err
		}
		plan, err := planner.Down(d, obs, opts)
		if err != nil {
			return err
		}
		if o.dryRun {
			return a.printPlan(plan) // the text carries the warnings
		}
		a.printWarnings(plan.Warnings)
		_, err = a.applyPlan(ctx, c.Engine, plan, reconciler.ExecOptions{Parallel: a.parallelFor(o.parallel)})
		return err
	})
}
