package reconciler

import (
	"context"
	"errors"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/reconciler/reconciler/planner"
)

// wait polls ContainerInspect on the executor clock until the wait's condition
// holds, fails, or times out (opts.WaitTimeout). A non-required wait turns its
// failure into a warning.
func (x *executor) wait(ctx context.Context, a *planner.Action) (string, error) {
	w := a.Wait
	if w == nil {
		return "", ErrMissingPayload
	}
	err := x.pollWait(ctx, a.Type, w)
	if err == nil {
		return "", nil
	}
	if !w.Required && ctx.Err() == nil {
		return err.Error(), nil
	}
	return "", err
}

func (x *executor) pollWait(ctx context.Context, t planner.ActionType, w *planner.Wait) error {
	var deadline <-chan time.Time
	if x.opts.WaitTimeout > 0 {
		timer := x.opts.Clock.NewTimer(x.opts.WaitTimeout)
		defer timer.Stop()
		deadline = timer.Chan()
	}
	for {
		ok, err := x.checkWait(ctx, t, w)
		if err != nil || ok {
			return err
		}
		tick := x.opts.Clock.NewTimer(x.opts.PollInterval)
		select {
		case <-ctx.Done():
			tick.Stop()
			return ctx.Err()
		case <-deadline:
			tick.Stop()
			return &WaitError{Class: ErrWaitTimeout, Service: w.Service, After: x.opts.WaitTimeout, ForApplication: t == planner.WaitRunning}
		case <-tick.Chan():
		}
	}
}

// checkWait inspects the wait's containers once. ok means the condition holds.
func (x *executor) checkWait(ctx context.Context, t planner.ActionType, w *planner.Wait) (ok bool, err error) {
	if len(w.Containers) == 0 {
		return true, nil
	}
	all := true
	for _, name := range w.Containers {
		res, err := x.eng.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
		if err != nil {
			return false, err
		}
		st := res.Container.State
		if st == nil {
			return false, errors.New("inspect " + name + ": no state")
		}
		exited := st.Status == container.StateExited || st.Status == container.StateDead
		switch t {
		case planner.WaitCompleted:
			// compose: done once any container of the dependency has exited.
			if exited {
				if st.ExitCode != 0 {
					return false, &WaitError{Class: ErrNotCompleted, Service: w.Service, Container: name, ExitCode: st.ExitCode}
				}
				return true, nil
			}
			all = false
		case planner.WaitHealthy, planner.WaitRunning:
			if st.Health == nil || st.Health.Status == container.NoHealthcheck || st.Health.Status == "" {
				if exited {
					return false, &WaitError{Class: ErrExited, Service: w.Service, Container: name, ExitCode: st.ExitCode}
				}
				if t == planner.WaitHealthy {
					return false, &WaitError{Class: ErrNoHealthcheck, Service: w.Service, Container: name}
				}
				if st.Status != container.StateRunning {
					all = false
				}
				continue
			}
			switch st.Health.Status {
			case container.Healthy:
			case container.Unhealthy:
				return false, &WaitError{Class: ErrUnhealthy, Service: w.Service, Container: name}
			default: // starting
				if exited {
					return false, &WaitError{Class: ErrExited, Service: w.Service, Container: name, ExitCode: st.ExitCode}
				}
				all = false
			}
		}
	}
	return all, nil
}
