package spec

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// locator finds where a dotted path is written in the compose files, parsing them only
// when a problem needs it.
type locator struct {
	files  []string
	parsed bool
	docs   []*yaml.Node
	errs   []error
}

func newLocator(files []string) *locator {
	abs, err := absAll(files)
	if err != nil {
		abs = files
	}
	return &locator{files: abs}
}

func (l *locator) parse() {
	if l.parsed {
		return
	}
	l.parsed = true
	for _, f := range l.files {
		var doc yaml.Node
		b, err := readFile(f)
		if err == nil {
			err = yaml.Unmarshal(b, &doc)
		}
		l.docs = append(l.docs, &doc)
		l.errs = append(l.errs, err)
	}
}

// yamlErrorFile returns the first file that does not parse with an error at line.
func (l *locator) yamlErrorFile(line int) string {
	l.parse()
	for i, err := range l.errs {
		if err == nil {
			continue
		}
		if got, _ := yamlPos(err.Error()); got == line {
			return l.files[i]
		}
	}
	for i, err := range l.errs {
		if err != nil {
			return l.files[i]
		}
	}
	if len(l.files) == 1 {
		return l.files[0]
	}
	return ""
}

// fill sets p's file, line and column from the deepest match of p.Path among the files
// (the first file on a tie), unless p already has a file and position.
func (l *locator) fill(p *Problem) {
	if p.File != "" {
		if a, err := absAll([]string{p.File}); err == nil {
			p.File = a[0]
		}
	}
	if p.Line > 0 || len(l.files) == 0 {
		return
	}
	l.parse()
	if p.at == "bind-without-source" {
		l.fillBindWithoutSource(p)
		return
	}
	if p.Path == "" && p.at == "" {
		l.fillByValue(p)
		if p.Path != "" {
			return
		}
	}
	path := p.Path
	if p.at != "" {
		path = p.at
	}
	segs := splitPath(path)
	best, bestDepth := -1, -1
	var bestNode *yaml.Node
	for i, doc := range l.docs {
		if l.errs[i] != nil || (p.File != "" && p.File != l.files[i]) {
			continue
		}
		n, depth := lookup(doc, segs)
		if depth > bestDepth {
			best, bestDepth, bestNode = i, depth, n
		}
	}
	if best < 0 {
		if p.File == "" && len(l.files) > 0 {
			p.File = l.files[0]
		}
		return
	}
	p.File = l.files[best]
	if bestNode != nil && bestDepth > 0 {
		p.Line, p.Column = bestNode.Line, bestNode.Column
	}
}

// splitPath splits "services.web.ports[0].published" (or "...ports.0...") into segments.
func splitPath(path string) []string {
	if path == "" {
		return nil
	}
	path = strings.ReplaceAll(path, "[", ".")
	path = strings.ReplaceAll(path, "]", "")
	return strings.Split(path, ".")
}

// lookup walks segs from a document node and returns the key (or item) node of the
// deepest segment found, and how many segments matched.
func lookup(doc *yaml.Node, segs []string) (*yaml.Node, int) {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	var at *yaml.Node
	depth := 0
	for _, s := range segs {
		var next, key *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == s {
					key, next = n.Content[i], n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(s); err == nil && i >= 0 && i < len(n.Content) {
				key, next = n.Content[i], n.Content[i]
			}
		}
		if next == nil {
			break
		}
		at, n = key, next
		depth++
	}
	return at, depth
}

// fillBindWithoutSource locates compose-go's path-less "bind mount without source" error:
// the first bind volume with no source in services.*.volumes.
func (l *locator) fillBindWithoutSource(p *Problem) {
	for i, doc := range l.docs {
		if l.errs[i] != nil {
			continue
		}
		services, _ := lookup(doc, []string{"services"})
		if services == nil {
			continue
		}
		root := doc
		if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
			root = root.Content[0]
		}
		for _, svc := range mappingPairs(valueOf(root, "services")) {
			vols := valueOf(svc[1], "volumes")
			if vols == nil || vols.Kind != yaml.SequenceNode {
				continue
			}
			for j, v := range vols.Content {
				if v.Kind == yaml.MappingNode && scalar(valueOf(v, "type")) == "bind" && scalar(valueOf(v, "source")) == "" {
					p.File = l.files[i]
					p.Path = fmt.Sprintf("services.%s.volumes[%d].source", svc[0].Value, j)
					p.Line, p.Column = v.Line, v.Column
					return
				}
			}
		}
	}
}

func valueOf(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func mappingPairs(n *yaml.Node) [][2]*yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, [2]*yaml.Node{n.Content[i], n.Content[i+1]})
	}
	return out
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// fillByValue locates a problem that names no path by the longest file-like scalar of the
// compose files that its message quotes (a missing env_file, extends or include file).
func (l *locator) fillByValue(p *Problem) {
	bestLen := 0
	for i, doc := range l.docs {
		if l.errs[i] != nil || (p.File != "" && p.File != l.files[i]) {
			continue
		}
		walkScalars(doc, "", func(path string, n *yaml.Node) {
			v := strings.TrimPrefix(n.Value, "./")
			if len(v) < 3 || len(v) <= bestLen || !strings.ContainsAny(v, "./") || !strings.Contains(p.Message, v) {
				return
			}
			bestLen = len(v)
			p.File, p.Path, p.Line, p.Column = l.files[i], path, n.Line, n.Column
		})
	}
}

// walkScalars calls fn for every scalar value under n with its dotted path.
func walkScalars(n *yaml.Node, path string, fn func(string, *yaml.Node)) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkScalars(c, path, fn)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkScalars(n.Content[i+1], joinPath(path, n.Content[i].Value), fn)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walkScalars(c, path+"["+strconv.Itoa(i)+"]", fn)
		}
	case yaml.ScalarNode:
		fn(path, n)
	}
}
