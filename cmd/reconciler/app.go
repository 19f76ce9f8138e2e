package main

import (
	"io"

	"github.com/spf13/cobra"
)

// app is the state one command line shares: its streams and the global flags.
type app struct {
	stdout, stderr io.Writer
	g              globalOptions
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "reconciler",
		Short: "Keep Compose stacks converged: plan, apply, watch",
		Long: "reconciler makes an engine's containers, networks and volumes match a Compose file.\n" +
			"It prints what it will change and why, applies it, and changes nothing when nothing differs.",
		SilenceUsage:      true,
		TraverseChildren:  true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.g.resolve()
		},
		// With TraverseChildren cobra no longer rejects unknown commands itself.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	a.g.register(root)
	load := func(c *cobra.Command) *cobra.Command { return a.g.addLoadFlags(c, true) }
	root.AddCommand(
		load(newUpCmd(a)),
		load(newPlanCmd(a)),
		load(newDownCmd(a)),
		load(newPsCmd(a)),
		load(newConfigCmd(a)),
		a.g.addLoadFlags(newLogsCmd(a), false), // logs -f is --follow
		load(newExecCmd(a)),
		load(newImagesCmd(a)),
		newVersionCmd(a),
		newCompletionCmd(a),
		newEngineCmd(a),
	)
	return root
}
