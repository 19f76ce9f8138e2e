package emulator

import (
	"context"
	"strconv"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"
)

// OpContainerWait is the fault-injection operation of ContainerWait (see
// FaultOps): a FaultFail rule sends its error on the Error channel instead of
// a result, a FaultLatency rule delays the result by its latency on the
// engine clock (the condition is still judged from the call's time).
const OpContainerWait = "ContainerWait"

// ContainerWait waits for a container to reach the condition: not-running (default;
// at once for a container that is not running), next-exit, or removed. Exits made by
// other processes are seen through the event log; a simulated exit (or a stop's
// kill) is seen when the engine clock reaches it.
func (e *Engine) ContainerWait(ctx context.Context, ref string, options client.ContainerWaitOptions) client.ContainerWaitResult {
	resC := make(chan container.WaitResponse, 1)
	errC := make(chan error, 1)
	out := client.ContainerWaitResult{Result: resC, Error: errC}
	cond := options.Condition
	switch cond {
	case "", container.WaitConditionNotRunning, container.WaitConditionNextExit, container.WaitConditionRemoved:
	default:
		errC <- errInvalid("invalid condition: %q", cond)
		return out
	}
	var id string
	var code int
	var running bool
	var seq int64
	err := e.view(ctx, func(s *state) error {
		c, err := s.lookupContainer(ref)
		if err != nil {
			return err
		}
		id, code, running = c.ID, c.State.ExitCode, c.State.Running || c.State.Restarting
		seq, err = e.st.lastEventSeq(ctx)
		return err
	})
	if err != nil {
		errC <- err
		return out
	}
	e.streams.Add(1)
	go func() {
		defer e.streams.Done()
		if err := e.faultContainer(ctx, OpContainerWait, ref); err != nil { // fault injection (faults.go)
			errC <- err
			return
		}
		if (cond == "" || cond == container.WaitConditionNotRunning) && !running {
			resC <- container.WaitResponse{StatusCode: int64(code)}
			return
		}
		err := e.watch(ctx, seq, zeroTime, func(evs []storedEvent) (bool, error) {
			for _, ev := range evs {
				if ev.msg.Type != events.ContainerEventType || ev.msg.Actor.ID != id {
					continue
				}
				switch ev.msg.Action {
				case events.ActionDie:
					code, _ = strconv.Atoi(ev.msg.Actor.Attributes["exitCode"])
					if cond != container.WaitConditionRemoved {
						resC <- container.WaitResponse{StatusCode: int64(code)}
						return false, nil
					}
				case events.ActionDestroy:
					resC <- container.WaitResponse{StatusCode: int64(code)}
					return false, nil
				}
			}
			return true, nil
		})
		if err != nil {
			errC <- err
		}
	}()
	return out
}
