package planner

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/reconciler/reconciler/spec"
)

func TestActionTypeString(t *testing.T) {
	tests := []struct {
		t    ActionType
		want string
	}{
		{CreateNetwork, "CreateNetwork"}, {RemoveNetwork, "RemoveNetwork"}, {ConnectNetwork, "ConnectNetwork"},
		{DisconnectNetwork, "DisconnectNetwork"}, {CreateVolume, "CreateVolume"}, {RemoveVolume, "RemoveVolume"},
		{PullImage, "PullImage"}, {BuildImage, "BuildImage"}, {RemoveImage, "RemoveImage"},
		{CreateContainer, "CreateContainer"}, {StartContainer, "StartContainer"}, {StopContainer, "StopContainer"},
		{RemoveContainer, "RemoveContainer"}, {RenameContainer, "RenameContainer"}, {WaitHealthy, "WaitHealthy"},
		{WaitCompleted, "WaitCompleted"}, {WaitRunning, "WaitRunning"}, {0, "ActionType(0)"}, {99, "ActionType(99)"},
	}
	for _, tt := range tests {
		if got := tt.t.String(); got != tt.want {
			t.Errorf("ActionType(%d).String() = %q, want %q", int(tt.t), got, tt.want)
		}
	}
}

func TestChangesAndSummary(t *testing.T) {
	img := &spec.Image{Ref: "x"}
	p := &Plan{Project: "demo", Actions: []Action{
		{ID: 1, Type: PullImage, Kind: KindImage, Resource: "a:1", Group: "image:a:1", ImageDef: img},
		{ID: 2, Type: PullImage, Kind: KindImage, Resource: "b:1", Group: "image:b:1", ImageDef: img, Refresh: true},
		{ID: 3, Type: StopContainer, Kind: KindContainer, Resource: "c", Target: "c", Group: "container:c"},
		{ID: 4, Type: StartContainer, Kind: KindContainer, Resource: "c", Target: "c", Group: "container:c", DependsOn: []int{3}},
		{ID: 5, Type: StopContainer, Kind: KindContainer, Resource: "d", Target: "d", Group: "container:d", Reason: "r"},
		{ID: 6, Type: WaitRunning, Kind: KindService, Resource: "s", Wait: &Wait{Service: "s", Containers: []string{"c"}}},
	}}
	got := p.Changes()
	var acts []ChangeAction
	for _, c := range got {
		acts = append(acts, c.Action)
	}
	if want := []ChangeAction{ChangePull, ChangePull, ChangeUpdate, ChangeStop}; !slices.Equal(acts, want) {
		t.Errorf("change actions = %v, want %v", acts, want)
	}
	if s := p.Summary(); s != (Summary{Add: 1, Change: 3}) {
		t.Errorf("summary = %+v, want 1 add (absent image), 3 changes (refresh, restart, stop)", s)
	}
	if p.IsEmpty() {
		t.Error("a plan with engine calls is not empty")
	}
	waits := &Plan{Actions: p.Actions[5:]}
	if !waits.IsEmpty() || len(waits.Changes()) != 0 {
		t.Error("a plan of waits only is empty and has no changes")
	}
}

func TestJSONForm(t *testing.T) {
	d := base()
	live := deployed(t, d)
	p, err := Up(base(func(st *stack) { st.svcs[1].s.Fields["environment.LOG_LEVEL"] = "debug" }), live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	buf, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FormatVersion string           `json:"format_version"`
		Project       string           `json:"project"`
		Summary       map[string]int   `json:"summary"`
		Changes       []map[string]any `json:"changes"`
		Actions       []map[string]any `json:"actions"`
		Warnings      []string         `json:"warnings"`
	}
	if err := json.Unmarshal(buf, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FormatVersion != "1.0" || doc.Project != "demo" || doc.Warnings == nil {
		t.Errorf("header = %q %q warnings=%v", doc.FormatVersion, doc.Project, doc.Warnings)
	}
	if doc.Summary["add"] != 2 || doc.Summary["change"] != 0 || doc.Summary["destroy"] != 2 {
		t.Errorf("summary = %v", doc.Summary)
	}
	if len(doc.Changes) != 2 {
		t.Fatalf("changes = %v", doc.Changes)
	}
	c := doc.Changes[0]
	fields, _ := c["fields"].([]any)
	if c["kind"] != "container" || c["name"] != "demo-web-1" || c["action"] != "replace" || len(fields) != 1 {
		t.Fatalf("change = %v", c)
	}
	f := fields[0].(map[string]any)
	if f["path"] != "environment.LOG_LEVEL" || f["before"] != "info" || f["after"] != "debug" {
		t.Errorf("field = %v", f)
	}
	if len(doc.Actions) != len(p.Actions) || doc.Actions[0]["type"] == nil || doc.Actions[0]["depends_on"] == nil {
		t.Errorf("actions = %v", doc.Actions)
	}
}

func TestSimulateRefuses(t *testing.T) {
	d := base()
	live := deployed(t, d)
	web := d.Services[1].Containers[0]
	tests := []struct {
		name string
		a    Action
	}{
		{"create with a name in use", Action{Type: CreateContainer, Resource: web.Name, Container: &web}},
		{"start a missing container", Action{Type: StartContainer, Target: "nope"}},
		{"remove a network with endpoints", Action{Type: RemoveNetwork, Target: "demo_default"}},
		{"remove a volume in use", Action{Type: RemoveVolume, Target: "demo_data"}},
		{"remove a running container without force", Action{Type: RemoveContainer, Target: "demo-db-1"}},
		{"create a network whose name is taken", Action{Type: CreateNetwork, Resource: "demo_default"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.a.ID = 1
			_, err := Simulate(live, &Plan{Actions: []Action{tt.a}})
			var se *SimulateError
			if !errors.As(err, &se) || se.Action != 1 {
				t.Errorf("Simulate = %v, want a *SimulateError for action 1", err)
			}
		})
	}
	if _, err := Simulate(live, &Plan{}); err != nil {
		t.Errorf("an empty plan: %v", err)
	}
}
