package emulator

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/distribution/reference"
	"github.com/moby/moby/client"
)

// faultTarget is what an engine call acts on, for matching rules. ref (with kind
// 'c', 'n' or 'v') is resolved to the object's names and labels only when a rule
// for the operation exists.
type faultTarget struct {
	Names  []string
	Labels map[string]string
	Image  string
	ref    string
	kind   byte
}

// faultContainer is the hook of the calls taking a container reference that
// do not go through updateOp or viewOp (one line at the top of each).
func (e *Engine) faultContainer(ctx context.Context, op, ref string) error {
	return e.faultCheck(ctx, op, faultTarget{ref: ref, kind: 'c'})
}

// errFaultPath is returned inside updateOp's and viewOp's gate when a rule may
// apply: the call leaves the batch and takes faultCheck's path. Never returned
// to callers.
var errFaultPath = errors.New("fault rule may apply")

// updateOp is update for a call of op that fault rules may affect. The rules
// are checked inside the call's own transaction (faultsMayApply), which costs
// nothing when none can apply; when one may, the call takes faultCheck's path
// (crashes, latency, failures, Times used up) and then runs.
func (e *Engine) updateOp(ctx context.Context, op string, tgt faultTarget, fn func(t *txn) error) error {
	return gated(ctx, e, op, tgt, e.update, fn)
}

// viewOp is view for a call of op that fault rules may affect, gated as
// updateOp's is.
func (e *Engine) viewOp(ctx context.Context, op string, tgt faultTarget, fn func(s *state) error) error {
	return gated(ctx, e, op, tgt, e.view, fn)
}

// gated runs fn through run (update or view) behind the fault gate.
func gated[S any](ctx context.Context, e *Engine, op string, tgt faultTarget,
	run func(context.Context, func(S) error) error, fn func(S) error) error {
	err := run(ctx, func(s S) error {
		if may, err := e.faultsMayApply(ctx, op); err != nil || may {
			return cmp.Or(err, errFaultPath)
		}
		return fn(s)
	})
	if !errors.Is(err, errFaultPath) {
		return err
	}
	if err := e.faultCheck(ctx, op, tgt); err != nil {
		return err
	}
	return run(ctx, fn)
}

// faultCheck applies the rules for one call of op: due crashes happen first, then
// matching latency rules delay the call (engine clock) and the first matching
// FaultFail or FaultDenyPull rule fails it. Each affected rule uses up one of its
// Times, in the same store transaction, so two processes never both consume the
// last one.
func (e *Engine) faultCheck(ctx context.Context, op string, tgt faultTarget) error {
	rules, err := e.readFaults(ctx)
	if err != nil || len(rules) == 0 {
		return err
	}
	if slices.ContainsFunc(rules, func(f Fault) bool { return f.Kind == FaultCrash }) {
		if err := e.applyDueCrashes(ctx); err != nil {
			return err
		}
	}
	for _, f := range rules {
		if f.Kind == FaultUnhealthy {
			if err := e.markUnhealthy(ctx, f); err != nil {
				return err
			}
		}
	}
	if !slices.ContainsFunc(rules, func(f Fault) bool { return f.opMatches(op) }) {
		return nil
	}
	if tgt.ref != "" {
		if err := e.view(ctx, func(s *state) error { tgt.resolve(s); return nil }); err != nil {
			return err
		}
	}
	var delay time.Duration
	var failure error
	err = e.rawTx(ctx, true, func(c *sql.Conn) error {
		rules, err := loadFaults(ctx, c)
		if err != nil {
			return err
		}
		for _, f := range rules {
			if !f.opMatches(op) || !f.targetMatches(tgt) {
				continue
			}
			switch f.Kind {
			case FaultLatency:
				delay += f.Latency
			case FaultFail, FaultDenyPull:
				if failure != nil {
					continue
				}
				if f.Kind == FaultFail {
					failure = f.injected(op)
				} else {
					failure = f.denied()
				}
			default:
				continue
			}
			if err := consume(ctx, c, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if delay > 0 {
		select {
		case <-e.clock.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return failure
}

// consume uses up one of f's Times, removing it at zero (Times 0: unlimited).
func consume(ctx context.Context, c *sql.Conn, f Fault) error {
	switch {
	case f.Times == 0:
		return nil
	case f.Times == 1:
		_, err := deleteFault(ctx, c, f.ID)
		return err
	default:
		f.Times--
		return saveFault(ctx, c, f)
	}
}

func (f Fault) opMatches(op string) bool {
	switch f.Kind {
	case FaultFail, FaultLatency:
		return f.Op == OpAny || f.Op == op
	case FaultDenyPull:
		return op == OpImagePull
	}
	return false
}

func (f Fault) targetMatches(t faultTarget) bool {
	m := f.Match
	if m.Name != "" && !slices.Contains(t.Names, strings.TrimPrefix(m.Name, "/")) {
		return false
	}
	if m.Label != "" {
		k, v, hasV := strings.Cut(m.Label, "=")
		got, ok := t.Labels[k]
		if !ok || (hasV && got != v) {
			return false
		}
	}
	if m.Image != "" {
		if f.Kind == FaultDenyPull {
			return denyMatches(m.Image, t.Image)
		}
		return t.Image != "" && normRef(m.Image) == normRef(t.Image)
	}
	return true
}

// normRef normalises an image reference ("nginx" -> docker.io/library/nginx:latest);
// ids and malformed references are kept as given.
func normRef(r string) string {
	if strings.HasPrefix(r, "sha256:") {
		return r
	}
	n, err := reference.ParseNormalizedNamed(r)
	if err != nil {
		return r
	}
	return reference.TagNameOnly(n).String()
}

// denyMatches: a bare repository rule denies every tag and digest of it; a tagged
// or digested rule denies exactly that reference.
func denyMatches(rule, pulled string) bool {
	rn, err := reference.ParseNormalizedNamed(rule)
	if err != nil {
		return false
	}
	pn, err := reference.ParseNormalizedNamed(pulled)
	if err != nil {
		return false
	}
	if reference.IsNameOnly(rn) {
		return rn.Name() == pn.Name()
	}
	return reference.TagNameOnly(rn).String() == reference.TagNameOnly(pn).String()
}

// resolve fills the target's names, labels and image from the object ref names.
func (t *faultTarget) resolve(s *state) {
	t.Names = append(t.Names, strings.TrimPrefix(t.ref, "/"))
	switch t.kind {
	case 'c':
		if c, err := s.lookupContainer(t.ref); err == nil {
			t.Names = append(t.Names, c.Name, c.ID)
			t.Labels, t.Image = c.Config.Labels, c.Config.Image
		}
	case 'n':
		if n, err := s.lookupNetwork(t.ref); err == nil {
			t.Names = append(t.Names, n.Name, n.ID)
			t.Labels = n.Labels
		}
	case 'v':
		if v, err := s.lookupVolume(t.ref); err == nil {
			t.Names = append(t.Names, v.Name)
			t.Labels = v.Labels
		}
	}
}

// applyDueCrashes makes the containers of crash rules due by now die, each at its
// rule's time (Created + After), and removes those rules. A container no longer
// running, or restarted since that time, is left alone.
func (e *Engine) applyDueCrashes(ctx context.Context) error {
	rules, err := e.readFaults(ctx)
	if err != nil {
		return err
	}
	now := e.now()
	for _, f := range rules {
		if f.Kind != FaultCrash {
			continue
		}
		at := f.Created.Add(f.After)
		if at.After(now) {
			continue
		}
		err := e.update(ctx, func(t *txn) error {
			c := t.s.containers[f.ContainerID]
			if c == nil || !c.State.Running || c.State.StartedAt.After(at) {
				return nil
			}
			c = cloneContainer(c)
			saved := t.now
			t.now = at
			t.exit(c, f.ExitCode, "")
			err := t.afterExit(c, false)
			t.now = saved
			return err
		})
		if err != nil {
			return err
		}
		if err := e.rawTx(ctx, true, func(c *sql.Conn) error { _, err := deleteFault(ctx, c, f.ID); return err }); err != nil {
			return err
		}
	}
	return nil
}

// markUnhealthy enforces an unhealthy rule on its container through the
// runtime's health evaluation (lifecycle_health.go): from now every probe
// fails with the rule's message (default "injected fault: health check
// failed"), a failing result is recorded at once and the status turns
// unhealthy (health_status event, FailingStreak at least the retries). A
// container that is not running or has no health check is left alone (the
// rule stays, for when it runs with one); faultCheck re-applies it on every
// hooked call, so a container started later gets it too. Nothing is written
// while the container already carries an active fault.
func (e *Engine) markUnhealthy(ctx context.Context, f Fault) error {
	applies := func(c *ctrRec) bool {
		if c == nil || !c.State.Running || c.State.Health == nil {
			return false
		}
		hf := c.healthFault()
		return hf == nil || !hf.Until.IsZero()
	}
	var need bool
	if err := e.view(ctx, func(s *state) error { need = applies(s.containers[f.ContainerID]); return nil }); err != nil || !need {
		return err
	}
	return e.update(ctx, func(t *txn) error {
		c := t.s.containers[f.ContainerID]
		if !applies(c) {
			return nil
		}
		c = cloneContainer(c)
		msg := f.Error.Message
		if msg == "" {
			msg = "injected fault: health check failed"
		}
		c.setHealthFault(&healthFault{Rule: f.ID, Since: t.now, Message: msg})
		t.putContainer(c)
		t.advance() // the failing result is due now
		return nil
	})
}

// endHealthFaults ends the health faults whose unhealthy rule no longer
// exists (RemoveFault, ClearFaults): from now probes give their own outcome
// again, so the next passing one turns the container healthy.
func (e *Engine) endHealthFaults(ctx context.Context) error {
	rules, err := e.readFaults(ctx)
	if err != nil {
		return err
	}
	live := map[string]bool{}
	for _, f := range rules {
		if f.Kind == FaultUnhealthy {
			live[f.ID] = true
		}
	}
	return e.update(ctx, func(t *txn) error {
		for _, c := range t.s.sorted() {
			hf := c.healthFault()
			if hf == nil || !hf.Until.IsZero() || live[hf.Rule] {
				continue
			}
			c = cloneContainer(c)
			ended := *hf
			ended.Until = t.now
			c.setHealthFault(&ended)
			t.putContainer(c)
		}
		return nil
	})
}

// createTarget is ContainerCreate's fault target: the new name, labels and image.
func createTarget(o client.ContainerCreateOptions) faultTarget {
	t := faultTarget{Names: []string{strings.TrimPrefix(o.Name, "/")}, Image: o.Image}
	if o.Config != nil {
		t.Labels = o.Config.Labels
		if t.Image == "" {
			t.Image = o.Config.Image
		}
	}
	return t
}
