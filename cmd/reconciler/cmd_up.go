package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/metrics"
	"github.com/reconciler/reconciler/planner"
	"github.com/reconciler/reconciler/reconciler"
	"github.com/reconciler/reconciler/spec"
)

// upOptions are up's flags.
type upOptions struct {
	removeOrphans bool
	forceRecreate bool
	noRecreate    bool
	renewAnon     bool
	recreateDeps  bool
	noStart       bool
	pull          string
	wait          bool
	waitTimeout   time.Duration
	dryRun        bool
	detach        bool
	parallel      int

	// watch mode (issue 6)
	watch       bool
	resync      time.Duration
	poll        time.Duration
	metricsAddr string
	downOnExit  bool
}

func newUpCmd(a *app) *cobra.Command {
	var o upOptions
	cmd := &cobra.Command{
		Use:   "up [SERVICE...]",
		Short: "Plan and apply: make the engine match the project",
		RunE: func(cmd *cobra.Command, args []string) error {
			o.parallel = a.parallelFor(o.parallel)
			if o.watch {
				return a.runWatch(cmd, o, args)
			}
			return a.runUp(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.removeOrphans, "remove-orphans", false, "Remove containers of services not in the project")
	f.BoolVar(&o.forceRecreate, "force-recreate", false, "Recreate containers even if their configuration is unchanged")
	f.BoolVar(&o.noRecreate, "no-recreate", false, "Never recreate existing containers")
	f.BoolVarP(&o.renewAnon, "renew-anon-volumes", "V", false, "Recreate containers with new anonymous volumes instead of their predecessors'")
	f.BoolVar(&o.recreateDeps, "always-recreate-deps", false, "Recreate the containers of the named services' dependencies even if unchanged")
	f.BoolVar(&o.noStart, "no-start", false, "Create but do not start containers")
	f.StringVar(&o.pull, "pull", "", "Pull images: always, missing or never (default: each service's pull_policy)")
	f.BoolVar(&o.wait, "wait", false, "Wait for services to be running or healthy")
	f.DurationVar(&o.waitTimeout, "wait-timeout", 0, "Bound on each wait (e.g. 60s); 0 means none")
	f.BoolVar(&o.dryRun, "dry-run", false, "Print the plan and apply nothing")
	f.BoolVarP(&o.detach, "detach", "d", false, "Accepted for compose compatibility: up always returns once converged")
	f.IntVar(&o.parallel, "parallel", 0, parallelUsage)
	f.BoolVar(&o.watch, "watch", false, "Keep converging while files change or the engine drifts")
	f.DurationVar(&o.resync, "resync", 30*time.Second, "Watch: periodic full pass interval, with 10% jitter (0 disables)")
	f.DurationVar(&o.poll, "poll", 0, "Watch: poll files at this interval instead of inotify")
	f.StringVar(&o.metricsAddr, "metrics-addr", metrics.DefaultAddr, "Watch: serve /metrics, /healthz, /readyz on this address (\"none\" disables)")
	f.BoolVar(&o.downOnExit, "down-on-exit", false, "Watch: tear the project down on Ctrl-C")
	return cmd
}

// parallelUsage is --parallel's help text (up and down).
var parallelUsage = func() string {
	if reconciler.DefaultParallel == reconciler.DefaultDockerParallel {
		return fmt.Sprintf("Maximum concurrent engine calls (default %d)", reconciler.DefaultParallel)
	}
	return fmt.Sprintf("Maximum concurrent engine calls (default %d; %d with --engine docker)",
		reconciler.DefaultParallel, reconciler.DefaultDockerParallel)
}()

// parallelFor is the executor's bound: --parallel when given, else the
// engine's default, each chosen by measurement (reconciler.DefaultParallel for
// the embedded engine, whose group commit gains from calls in flight, and
// reconciler.DefaultDockerParallel for a real dockerd).
func (a *app) parallelFor(flag int) int {
	switch {
	case flag != 0:
		return flag
	case a.g.engine == engineDocker:
		return reconciler.DefaultDockerParallel
	default:
		return reconciler.DefaultParallel
	}
}

// plannerOptions validates up's flags into planner.Options.
func (o upOptions) plannerOptions(services []string) (planner.Options, error) {
	po := planner.Options{RemoveOrphans: o.removeOrphans, NoStart: o.noStart, Wait: o.wait, Services: services,
		AlwaysRecreateDeps: o.recreateDeps}
	switch {
	case o.forceRecreate && o.noRecreate:
		return po, usageErrorf("--force-recreate and --no-recreate are incompatible")
	case o.renewAnon && o.noRecreate:
		return po, usageErrorf("--renew-anon-volumes and --no-recreate are incompatible")
	case o.recreateDeps && o.noRecreate:
		return po, usageErrorf("--always-recreate-deps and --no-recreate are incompatible")
	case o.forceRecreate || o.renewAnon:
		po.Recreate, po.RenewAnonymous = planner.RecreateForce, o.renewAnon
	case o.noRecreate:
		po.Recreate = planner.RecreateNever
	}
	switch p := spec.PullPolicy(o.pull); p {
	case "":
	case spec.PullAlways, spec.PullMissing, spec.PullNever:
		po.Pull = p
	default:
		return po, usageErrorf("--pull %q: want always, missing or never", o.pull)
	}
	if o.parallel < 0 {
		return po, usageErrorf("--parallel %d: must be positive", o.parallel)
	}
	return po, nil
}

func (a *app) runUp(cmd *cobra.Command, o upOptions, services []string) error {
	ctx := cmd.Context()
	po, err := o.plannerOptions(services)
	if err != nil {
		return err
	}
	t := a.timer()
	// While the file loads: the schema compiles, and a dockerd is opened and
	// (with -p) observed; see noop_overlap.go.
	warmComposeSchema()
	early := a.openEarly(ctx)
	d, err := a.loadDesired(ctx)
	if err != nil {
		early.discard()
		return err
	}
	t.lap("load")
	a.printWarnings(d.Warnings)
	return a.withEngineEarly(ctx, early, func(c *engineConn) error {
		t.lap("open engine")
		unlock, err := c.lock()
		if err != nil {
			return err
		}
		defer unlock()
		obs, err := early.observe(ctx, c, d)
		if err != nil {
			return err
		}
		t.lap("observe")
		plan, err := planner.Up(d, obs, po)
		if err != nil {
			return err
		}
		t.lap("plan")
		if o.dryRun {
			return a.printPlan(plan) // the text carries the warnings
		}
		a.printWarnings(plan.Warnings)
		res, err := a.applyPlan(ctx, c.Engine, plan, reconciler.ExecOptions{
			Parallel: o.parallel, WaitTimeout: o.waitTimeout,
		})
		t.lap("apply")
		if res != nil {
			a.debugf("engine write calls: %d", res.EngineCalls())
		}
		return err
	})
}

// printWarnings prints each warning on its own stderr line.
func (a *app) printWarnings(ws []string) {
	for _, w := range ws {
		fmt.Fprintln(a.stderr, "warning: "+w)
	}
}

// debugf prints a line to stderr with --debug.
func (a *app) debugf(format string, args ...any) {
	if a.g.debug {
		fmt.Fprintf(a.stderr, "debug: "+format+"\n", args...)
	}
}

// phaseTimer prints phase durations with --debug.
type phaseTimer struct {
	a    *app
	last time.Time
}

func (a *app) timer() *phaseTimer { return &phaseTimer{a: a, last: time.Now()} }

func (t *phaseTimer) lap(phase string) {
	now := time.Now()
	t.a.debugf("%s: %s", phase, now.Sub(t.last).Round(time.Microsecond))
	t.last = now
}
