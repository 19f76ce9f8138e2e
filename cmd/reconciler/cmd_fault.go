package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/emulator"
)

// withEmulator runs fn on the embedded engine; other engines have no fault rules.
func (a *app) withEmulator(cmd *cobra.Command, fn func(*emulator.Engine) error) error {
	return a.withEngine(cmd.Context(), func(c *engineConn) error {
		e, ok := c.raw.(*emulator.Engine)
		if !ok {
			return notSupported("engine fault", c.kind)
		}
		return fn(e)
	})
}

// newEngineFaultCmd is `engine fault add|ls|rm|clear` over the embedded
// engine's fault rules, which every process sharing the state file obeys.
func newEngineFaultCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fault",
		Short: "Manage the embedded engine's injected faults",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newFaultAddCmd(a), newFaultLsCmd(a), newFaultRmCmd(a), newFaultClearCmd(a))
	return cmd
}

func newFaultAddCmd(a *app) *cobra.Command {
	var f emulator.Fault
	var class string
	ops := strings.Join(emulator.FaultOps(), ", ")
	var classes []string
	for _, c := range emulator.ErrorClasses() {
		classes = append(classes, string(c))
	}
	cmd := &cobra.Command{
		Use:   "add fail|latency|crash|unhealthy|deny-pull",
		Short: "Add a fault rule (prints its ID)",
		Example: "  reconciler engine fault add fail --op ContainerCreate --name demo-web-1 --class internal --times 1\n" +
			"  reconciler engine fault add crash --name demo-web-1 --exit-code 137\n" +
			"  reconciler engine fault add deny-pull --image nginx:9.99",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.Kind = emulator.FaultKind(args[0])
			f.Error.Class = emulator.ErrorClass(class)
			if f.Kind == emulator.FaultFail && f.Error.Class == "" {
				f.Error.Class = emulator.ClassInternal
			}
			return a.withEmulator(cmd, func(e *emulator.Engine) error {
				out, err := e.AddFault(cmd.Context(), f)
				if err != nil {
					return fmt.Errorf("engine fault add %s: %w", args[0], err)
				}
				fmt.Fprintln(a.stdout, out.ID)
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Op, "op", "", "Engine call a fail/latency rule targets: "+ops+" or *")
	fl.StringVar(&f.Match.Name, "name", "", "Match this container, network or volume name (crash/unhealthy: the container)")
	fl.StringVar(&f.Match.Label, "label", "", "Match objects with this label (key or key=value)")
	fl.StringVar(&f.Match.Image, "image", "", "Match this image (deny-pull: the reference)")
	fl.StringVar(&class, "class", "", "Error class of a fail rule: "+strings.Join(classes, ", ")+" (default internal)")
	fl.StringVar(&f.Error.Message, "message", "", "Error message of a fail rule")
	fl.IntVar(&f.Times, "times", 0, "Affect this many matching calls, then disappear (0: until removed)")
	fl.DurationVar(&f.Latency, "latency", 0, "Delay of a latency rule")
	fl.IntVar(&f.ExitCode, "exit-code", 0, "Exit code of a crash rule")
	fl.DurationVar(&f.After, "after", 0, "Delay of a crash rule from now")
	return cmd
}

func newFaultLsCmd(a *app) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List the fault rules in force",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return usageErrorf("--format %q: want table or json", format)
			}
			return a.withEmulator(cmd, func(e *emulator.Engine) error {
				fs, err := e.Faults(cmd.Context())
				if err != nil {
					return fmt.Errorf("engine fault ls: %w", err)
				}
				if format == "json" {
					enc := json.NewEncoder(a.stdout)
					for _, f := range fs {
						if err := enc.Encode(f); err != nil {
							return err
						}
					}
					return nil
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 0, 3, ' ', 0)
				fmt.Fprintln(tw, "ID\tKIND\tOP\tMATCH\tDETAIL\tTIMES")
				for _, f := range fs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", f.ID, f.Kind, f.Op, faultMatch(f.Match), faultDetail(f), faultTimes(f.Times))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "Output format: table or json")
	return cmd
}

func newFaultRmCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rm ID...",
		Short: "Remove fault rules",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withEmulator(cmd, func(e *emulator.Engine) error {
				for _, id := range args {
					if err := e.RemoveFault(cmd.Context(), id); err != nil {
						return fmt.Errorf("engine fault rm %s: %w", id, err)
					}
				}
				return nil
			})
		},
	}
}

func newFaultClearCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "clear",
		Short: "Remove every fault rule",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withEmulator(cmd, func(e *emulator.Engine) error {
				if err := e.ClearFaults(cmd.Context()); err != nil {
					return fmt.Errorf("engine fault clear: %w", err)
				}
				return nil
			})
		},
	}
}

func faultMatch(m emulator.FaultMatch) string {
	var parts []string
	for _, kv := range [][2]string{{"name", m.Name}, {"label", m.Label}, {"image", m.Image}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, ",")
}

func faultDetail(f emulator.Fault) string {
	switch f.Kind {
	case emulator.FaultFail:
		return string(f.Error.Class) + " " + f.Error.Message
	case emulator.FaultLatency:
		return f.Latency.String()
	case emulator.FaultCrash:
		return fmt.Sprintf("exit %d after %s", f.ExitCode, f.After.Round(time.Millisecond))
	}
	return ""
}

func faultTimes(n int) string {
	if n == 0 {
		return "always"
	}
	return fmt.Sprint(n)
}
