package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
	"github.com/spf13/cobra"

	"github.com/reconciler/reconciler/spec"
)

// execEngine is the optional capability exec needs (moby's signatures).
type execEngine interface {
	ExecCreate(ctx context.Context, container string, options client.ExecCreateOptions) (client.ExecCreateResult, error)
	ExecAttach(ctx context.Context, execID string, options client.ExecAttachOptions) (client.ExecAttachResult, error)
	ExecInspect(ctx context.Context, execID string, options client.ExecInspectOptions) (client.ExecInspectResult, error)
}

type execOptions struct {
	index   int
	user    string
	workdir string
	env     []string
}

func newExecCmd(a *app) *cobra.Command {
	var o execOptions
	cmd := &cobra.Command{
		Use:   "exec SERVICE COMMAND [ARGS...]",
		Short: "Run a command in a running service container",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runExec(cmd, o, args[0], args[1:])
		},
	}
	cmd.Flags().SetInterspersed(false)
	f := cmd.Flags()
	f.IntVar(&o.index, "index", 1, "Replica number of the service's container")
	f.StringVarP(&o.user, "user", "u", "", "Run as this user")
	f.StringVarP(&o.workdir, "workdir", "w", "", "Working directory inside the container")
	f.StringArrayVarP(&o.env, "env", "e", nil, "Set environment variables")
	return cmd
}

func (a *app) runExec(cmd *cobra.Command, o execOptions, service string, command []string) error {
	ctx := cmd.Context()
	project, _, err := a.projectOnly(ctx)
	if err != nil {
		return err
	}
	return a.withEngine(ctx, func(c *engineConn) error {
		ee, ok := c.raw.(execEngine)
		if !ok {
			return notSupported("exec", c.kind)
		}
		f := make(client.Filters).
			Add("label", spec.LabelProject+"="+project).
			Add("label", spec.LabelService+"="+service).
			Add("label", spec.LabelContainerNumber+"="+strconv.Itoa(o.index))
		res, err := c.ContainerList(ctx, client.ContainerListOptions{Filters: f})
		if err != nil {
			return fmt.Errorf("exec: find service %s: %w", service, err)
		}
		if len(res.Items) == 0 {
			return fmt.Errorf("exec: service %s has no running container #%d", service, o.index)
		}
		sort.Slice(res.Items, func(i, j int) bool { return res.Items[i].ID < res.Items[j].ID })
		id := res.Items[0].ID
		cr, err := ee.ExecCreate(ctx, id, client.ExecCreateOptions{
			Cmd: command, User: o.user, WorkingDir: o.workdir, Env: o.env,
			AttachStdout: true, AttachStderr: true,
		})
		if err != nil {
			return fmt.Errorf("exec: create in container %s: %w", id, err)
		}
		att, err := ee.ExecAttach(ctx, cr.ID, client.ExecAttachOptions{})
		if err != nil {
			return fmt.Errorf("exec: attach %s: %w", cr.ID, err)
		}
		_, err = stdcopy.StdCopy(a.stdout, a.stderr, att.Reader)
		if att.Conn != nil {
			att.Close()
		}
		if err != nil {
			return fmt.Errorf("exec: read output: %w", err)
		}
		ins, err := ee.ExecInspect(ctx, cr.ID, client.ExecInspectOptions{})
		if err != nil {
			return fmt.Errorf("exec: inspect %s: %w", cr.ID, err)
		}
		if ins.ExitCode != 0 {
			return &exitCodeError{code: ins.ExitCode}
		}
		return nil
	})
}
