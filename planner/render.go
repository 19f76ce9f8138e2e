package planner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

var actionNames = map[ActionType]string{
	CreateNetwork: "CreateNetwork", RemoveNetwork: "RemoveNetwork",
	ConnectNetwork: "ConnectNetwork", DisconnectNetwork: "DisconnectNetwork",
	CreateVolume: "CreateVolume", RemoveVolume: "RemoveVolume",
	PullImage: "PullImage", BuildImage: "BuildImage", RemoveImage: "RemoveImage",
	CreateContainer: "CreateContainer", StartContainer: "StartContainer",
	StopContainer: "StopContainer", RemoveContainer: "RemoveContainer",
	RenameContainer: "RenameContainer",
	WaitHealthy:     "WaitHealthy", WaitCompleted: "WaitCompleted", WaitRunning: "WaitRunning",
}

// String returns the action type's name ("CreateContainer"), or ActionType(N).
func (t ActionType) String() string {
	if s, ok := actionNames[t]; ok {
		return s
	}
	return "ActionType(" + strconv.Itoa(int(t)) + ")"
}

// IsWait reports whether t waits instead of calling the engine.
func (t ActionType) IsWait() bool { return t == WaitHealthy || t == WaitCompleted || t == WaitRunning }

// ChangeAction is what happens to one resource, as shown to users and in JSON.
type ChangeAction string

// Change actions.
const (
	ChangeCreate  ChangeAction = "create"
	ChangeUpdate  ChangeAction = "update"
	ChangeReplace ChangeAction = "replace"
	ChangeDelete  ChangeAction = "delete"
	ChangeStart   ChangeAction = "start"
	ChangeStop    ChangeAction = "stop"
	ChangePull    ChangeAction = "pull"
	ChangeBuild   ChangeAction = "build"
)

// Change is one resource's change: the actions of one Group folded together.
type Change struct {
	Kind   Kind         `json:"kind"`
	Name   string       `json:"name"`
	Action ChangeAction `json:"action"`
	Reason string       `json:"reason,omitempty"`
	// Fields are the changed keys of a replaced container (may be empty when only
	// the hash is known).
	Fields []FieldChange `json:"fields,omitempty"`
	// Actions are the IDs of the plan actions making this change.
	Actions []int `json:"actions"`
	// refresh: a pull/build of an image that exists (a change, not an addition).
	refresh bool
}

// Summary counts changes as terraform does: a replacement is one add and one destroy.
type Summary struct {
	Add     int `json:"add"`
	Change  int `json:"change"`
	Destroy int `json:"destroy"`
}

var kindOrder = map[Kind]int{KindImage: 0, KindNetwork: 1, KindVolume: 2, KindContainer: 3}

// Changes folds the actions into one Change per resource (wait actions are not
// changes), sorted by kind (image, network, volume, container) then name.
func (p *Plan) Changes() []Change {
	byGroup := map[string]*Change{}
	types := map[string]map[ActionType]*Action{}
	var out []*Change
	for i := range p.Actions {
		a := &p.Actions[i]
		if a.Type.IsWait() || a.Kind == KindService {
			continue
		}
		g := a.Group
		if g == "" {
			g = string(a.Kind) + ":" + a.Resource
		}
		ch := byGroup[g]
		if ch == nil {
			name := strings.TrimPrefix(g, string(a.Kind)+":")
			ch = &Change{Kind: a.Kind, Name: name}
			byGroup[g] = ch
			types[g] = map[ActionType]*Action{}
			out = append(out, ch)
		}
		ch.Actions = append(ch.Actions, a.ID)
		if _, seen := types[g][a.Type]; !seen {
			types[g][a.Type] = a
		}
	}
	for g, ch := range byGroup {
		t := types[g]
		primary := func(ts ...ActionType) *Action {
			for _, x := range ts {
				if a := t[x]; a != nil {
					return a
				}
			}
			return nil
		}
		var a *Action
		switch {
		case t[PullImage] != nil:
			ch.Action, a = ChangePull, t[PullImage]
		case t[BuildImage] != nil:
			ch.Action, a = ChangeBuild, t[BuildImage]
		case t[CreateContainer] != nil && t[RemoveContainer] != nil,
			t[CreateNetwork] != nil && t[RemoveNetwork] != nil,
			t[CreateVolume] != nil && t[RemoveVolume] != nil:
			ch.Action, a = ChangeReplace, primary(CreateContainer, RemoveNetwork, RemoveVolume)
		case t[CreateContainer] != nil || t[CreateNetwork] != nil || t[CreateVolume] != nil:
			ch.Action, a = ChangeCreate, primary(CreateContainer, CreateNetwork, CreateVolume)
		case t[RemoveContainer] != nil || t[RemoveNetwork] != nil || t[RemoveVolume] != nil || t[RemoveImage] != nil:
			ch.Action, a = ChangeDelete, primary(RemoveContainer, RemoveNetwork, RemoveVolume, RemoveImage)
		case t[StartContainer] != nil && t[StopContainer] != nil:
			ch.Action, a = ChangeUpdate, t[StopContainer]
		case t[StartContainer] != nil:
			ch.Action, a = ChangeStart, t[StartContainer]
		case t[StopContainer] != nil:
			ch.Action, a = ChangeStop, t[StopContainer]
		default:
			ch.Action, a = ChangeUpdate, p.actionByID(ch.Actions[0])
		}
		if a != nil {
			ch.Reason = a.Reason
			ch.Fields = a.Changes
			ch.refresh = a.Refresh
		}
	}
	slices.SortStableFunc(out, func(x, y *Change) int {
		if kx, ky := kindOrder[x.Kind], kindOrder[y.Kind]; kx != ky {
			return kx - ky
		}
		return strings.Compare(x.Name, y.Name)
	})
	res := make([]Change, len(out))
	for i, c := range out {
		res[i] = *c
	}
	return res
}

func (p *Plan) actionByID(id int) *Action {
	if id >= 1 && id <= len(p.Actions) && p.Actions[id-1].ID == id {
		return &p.Actions[id-1]
	}
	for i := range p.Actions {
		if p.Actions[i].ID == id {
			return &p.Actions[i]
		}
	}
	return nil
}

// IsEmpty reports whether the plan makes no engine call (wait actions alone do not
// count: a converged project planned with Wait is still empty).
func (p *Plan) IsEmpty() bool {
	for i := range p.Actions {
		if !p.Actions[i].Type.IsWait() {
			return false
		}
	}
	return true
}

// Summary counts the plan's changes.
func (p *Plan) Summary() Summary { return summarize(p.Changes()) }

func summarize(chs []Change) Summary {
	var s Summary
	for _, c := range chs {
		switch c.Action {
		case ChangeCreate:
			s.Add++
		case ChangeReplace:
			s.Add++
			s.Destroy++
		case ChangeDelete:
			s.Destroy++
		case ChangePull, ChangeBuild:
			if c.refresh {
				s.Change++
			} else {
				s.Add++
			}
		default:
			s.Change++
		}
	}
	return s
}

func (c *Change) symbol() string {
	switch c.Action {
	case ChangeCreate:
		return "+"
	case ChangeReplace:
		return "-/+"
	case ChangeDelete:
		return "-"
	case ChangePull, ChangeBuild:
		if !c.refresh {
			return "+"
		}
	}
	return "~"
}

var verbs = map[ChangeAction]string{
	ChangeCreate: "will be created", ChangeUpdate: "will be updated in-place",
	ChangeReplace: "must be replaced", ChangeDelete: "will be destroyed",
	ChangeStart: "will be started", ChangeStop: "will be stopped",
	ChangePull: "will be pulled", ChangeBuild: "will be built",
}

// String renders the plan in terraform's style, deterministically:
//
//   - network demo_default will be created (not found)
//     -/+ container demo-web-1 must be replaced (config changed)
//     ~ environment.LOG_LEVEL: "info" -> "debug"
//
//   - container demo-old-1 will be destroyed (orphan: ...)
//
//     Plan: 1 to add, 0 to change, 2 to destroy.
//
// An empty plan reads "No changes. ...". Warnings follow, one per line.
func (p *Plan) String() string {
	var sb strings.Builder
	chs := p.Changes()
	if len(chs) == 0 {
		fmt.Fprintf(&sb, "No changes. Project %q matches the configuration.\n", p.Project)
	}
	for i := range chs {
		c := &chs[i]
		fmt.Fprintf(&sb, "%3s %s %s %s", c.symbol(), c.Kind, c.Name, verbs[c.Action])
		if c.Reason != "" {
			fmt.Fprintf(&sb, " (%s)", c.Reason)
		}
		sb.WriteByte('\n')
		for _, f := range c.Fields {
			sb.WriteString("      ")
			sb.WriteString(f.String())
			sb.WriteByte('\n')
		}
	}
	if len(p.Warnings) > 0 {
		sb.WriteByte('\n')
		for _, w := range p.Warnings {
			sb.WriteString("Warning: ")
			sb.WriteString(w)
			sb.WriteByte('\n')
		}
	}
	if len(chs) > 0 {
		s := summarize(chs)
		fmt.Fprintf(&sb, "\nPlan: %d to add, %d to change, %d to destroy.\n", s.Add, s.Change, s.Destroy)
	}
	return sb.String()
}

// String renders one field change: `~ path: "old" -> "new"`, `+ path: "new"`,
// `- path: "old"`. Masked values are shown unquoted.
func (f FieldChange) String() string {
	switch {
	case f.BeforeAbsent:
		return "+ " + f.Path + ": " + quote(f.After)
	case f.AfterAbsent:
		return "- " + f.Path + ": " + quote(f.Before)
	}
	return "~ " + f.Path + ": " + quote(f.Before) + " -> " + quote(f.After)
}

func quote(s string) string {
	if s == Masked {
		return s
	}
	return strconv.Quote(s)
}

// DAG renders every action, one per line, in compose's test format:
// `[1 2] -> #3 container demo-web-1, CreateContainer, not found [container:demo-web-1]`.
func (p *Plan) DAG() string {
	var sb strings.Builder
	for i := range p.Actions {
		a := &p.Actions[i]
		deps := make([]string, len(a.DependsOn))
		for j, d := range a.DependsOn {
			deps[j] = strconv.Itoa(d)
		}
		fmt.Fprintf(&sb, "[%s] -> #%d %s %s, %s", strings.Join(deps, " "), a.ID, a.Kind, a.Resource, a.Type)
		if a.Target != "" && a.Target != a.Resource {
			fmt.Fprintf(&sb, " %s", a.Target)
		}
		if a.NewName != "" {
			fmt.Fprintf(&sb, " -> %s", a.NewName)
		}
		if a.Wait != nil {
			fmt.Fprintf(&sb, " {%s required=%t}", strings.Join(a.Wait.Containers, " "), a.Wait.Required)
		}
		if a.Reason != "" {
			fmt.Fprintf(&sb, ", %s", a.Reason)
		}
		if a.Group != "" {
			fmt.Fprintf(&sb, " [%s]", a.Group)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
