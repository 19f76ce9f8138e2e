package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
)

type planOptions struct {
	up               upOptions
	json             bool
	detailedExitcode bool
}

func newPlanCmd(a *app) *cobra.Command {
	var o planOptions
	cmd := &cobra.Command{
		Use:   "plan [SERVICE...]",
		Short: "Show what up would change, and why",
		Long: "plan observes the engine and prints the actions up would take, with the changed\n" +
			"fields of every replaced container. It changes nothing.\n\n" +
			"With --detailed-exitcode: 0 no changes, 2 changes pending, 1 error.",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runPlan(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.json, "json", false, "Print the plan as JSON")
	f.BoolVar(&o.detailedExitcode, "detailed-exitcode", false, "Exit 2 when changes are pending, 0 when none, 1 on error")
	f.BoolVar(&o.up.removeOrphans, "remove-orphans", false, "Plan the removal of orphan containers")
	f.BoolVar(&o.up.forceRecreate, "force-recreate", false, "Plan recreating every container")
	f.BoolVar(&o.up.noRecreate, "no-recreate", false, "Plan no recreation")
	f.BoolVar(&o.up.noStart, "no-start", false, "Plan creation only")
	f.StringVar(&o.up.pull, "pull", "", "Pull policy override: always, missing or never")
	f.BoolVar(&o.up.wait, "wait", false, "Include the waits of up --wait")
	return cmd
}

func (a *app) runPlan(cmd *cobra.Command, o planOptions, services []string) error {
	ctx := cmd.Context()
	po, err := o.up.plannerOptions(services)
	if err != nil {
		return err
	}
	d, err := a.loadDesired(ctx)
	if err != nil {
		return err
	}
	a.printWarnings(d.Warnings)
	var plan *planner.Plan
	err = a.withEngine(ctx, func(c *engineConn) error {
		obs, err := reconciler.Observe(ctx, c, d)
		if err != nil {
			return err
		}
		plan, err = planner.Up(d, obs, po)
		return err
	})
	if err != nil {
		return err
	}
	// The plan's text and JSON both carry its warnings.
	if o.json {
		b, err := plan.JSON()
		if err != nil {
			return fmt.Errorf("plan: encode json: %w", err)
		}
		fmt.Fprintln(a.stdout, string(b))
	} else if err := a.printPlan(plan); err != nil {
		return err
	}
	if o.detailedExitcode && !plan.IsEmpty() {
		return &exitCodeError{code: exitPending}
	}
	return nil
}

// printPlan prints the plan's human text on stdout.
func (a *app) printPlan(plan *planner.Plan) error {
	_, err := fmt.Fprint(a.stdout, plan.String())
	return err
}
