package planner

import "encoding/json"

// JSONFormatVersion is the format_version of Plan's JSON form. Minor versions only
// add keys: readers must ignore keys they do not know.
const JSONFormatVersion = "1.0"

type jsonPlan struct {
	FormatVersion string       `json:"format_version"`
	Project       string       `json:"project"`
	Summary       Summary      `json:"summary"`
	Changes       []Change     `json:"changes"`
	Warnings      []string     `json:"warnings"`
	Orphans       []string     `json:"orphans"`
	Actions       []jsonAction `json:"actions"`
}

type jsonAction struct {
	ID          int           `json:"id"`
	Type        string        `json:"type"`
	Kind        Kind          `json:"kind"`
	Resource    string        `json:"resource"`
	Service     string        `json:"service,omitempty"`
	Target      string        `json:"target,omitempty"`
	NewName     string        `json:"new_name,omitempty"`
	Network     string        `json:"network,omitempty"`
	Aliases     []string      `json:"aliases,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	Group       string        `json:"group,omitempty"`
	DependsOn   []int         `json:"depends_on"`
	Changes     []FieldChange `json:"fields,omitempty"`
	StopTimeout *int          `json:"stop_timeout,omitempty"`
	Wait        *jsonWait     `json:"wait,omitempty"`
}

type jsonWait struct {
	Service    string   `json:"service"`
	Containers []string `json:"containers"`
	Required   bool     `json:"required"`
}

// MarshalJSON encodes the plan in the documented JSON form (see doc.go). It is
// deterministic and meant for display and tooling; it does not carry the create
// requests, so it cannot be executed.
func (p *Plan) MarshalJSON() ([]byte, error) {
	chs := p.Changes()
	jp := jsonPlan{
		FormatVersion: JSONFormatVersion,
		Project:       p.Project,
		Summary:       summarize(chs),
		Changes:       chs,
		Warnings:      p.Warnings,
		Orphans:       p.Orphans,
		Actions:       make([]jsonAction, len(p.Actions)),
	}
	if jp.Changes == nil {
		jp.Changes = []Change{}
	}
	if jp.Warnings == nil {
		jp.Warnings = []string{}
	}
	if jp.Orphans == nil {
		jp.Orphans = []string{}
	}
	for i := range p.Actions {
		a := &p.Actions[i]
		ja := jsonAction{
			ID: a.ID, Type: a.Type.String(), Kind: a.Kind, Resource: a.Resource, Service: a.Service,
			Target: a.Target, NewName: a.NewName, Network: a.Network, Aliases: a.Aliases,
			Reason: a.Reason, Group: a.Group, DependsOn: a.DependsOn, Changes: a.Changes,
			StopTimeout: a.StopTimeout,
		}
		if ja.DependsOn == nil {
			ja.DependsOn = []int{}
		}
		if a.Wait != nil {
			ja.Wait = &jsonWait{Service: a.Wait.Service, Containers: a.Wait.Containers, Required: a.Wait.Required}
		}
		jp.Actions[i] = ja
	}
	return json.Marshal(jp)
}

// JSON is MarshalJSON indented for humans.
func (p *Plan) JSON() ([]byte, error) {
	return json.MarshalIndent(p, "", "  ")
}
