package spec

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/errdefs"
	"go.yaml.in/yaml/v4"
)

// ErrInvalid is wrapped by every *ValidationError: errors.Is(err, spec.ErrInvalid).
// It is compose-go's errdefs.ErrInvalid, so compose-go's classification still holds.
var ErrInvalid = errdefs.ErrInvalid

// Problem is one thing wrong with the compose files.
type Problem struct {
	// File is the compose file the problem is in, when it can be told ("" otherwise).
	File string
	// Path is the dotted key path, e.g. "services.web.ports[0]" ("" for a file-level problem).
	Path string
	// Line and Column locate the problem in File, 1-based, when known (0 otherwise).
	Line, Column int
	Message      string

	// at, when set, is a more precise path than Path to locate the problem by.
	at string
}

// String is "file:line:column: path: message", omitting unknown parts.
func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
			if p.Column > 0 {
				fmt.Fprintf(&b, ":%d", p.Column)
			}
		}
		b.WriteString(": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError reports every problem found in a project before any engine call.
// Problems is never empty.
type ValidationError struct {
	Problems []Problem
	// cause is compose-go's error when the problems came from it.
	cause error
}

// Error prints one line per problem.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes ErrInvalid and compose-go's original error, if any.
func (e *ValidationError) Unwrap() []error {
	if e.cause != nil {
		return []error{ErrInvalid, e.cause}
	}
	return []error{ErrInvalid}
}

func newValidationError(probs []Problem, files []string) *ValidationError {
	loc := newLocator(files)
	for i := range probs {
		loc.fill(&probs[i])
	}
	return &ValidationError{Problems: probs}
}

var (
	reYAMLPos      = regexp.MustCompile(`line (\d+)(?:, column (\d+))?`)
	reYAMLPosColon = regexp.MustCompile(`line (\d+)(?:, column (\d+))?:`)
	reYAMLPosAlt   = regexp.MustCompile(`\bL(\d+)\.C(\d+)\b`)
	reValidating   = regexp.MustCompile(`validating (.+?): (\S+) (.*)$`)
	reInterp       = regexp.MustCompile(`error while interpolating (\S+): (.*)$`)
	reService      = regexp.MustCompile(`^service "?([^" ]+)"? `)
	reDotted       = regexp.MustCompile(`^((?:services|networks|volumes|secrets|configs|models|include|name)[^\s:]*): (.*)$`)
	reNonString    = regexp.MustCompile(`non-string key (?:in|at) (\S+?)(?:: (.*))?$`)
	reMust         = regexp.MustCompile(`^((?:services|networks|volumes|secrets|configs|models|include|name)[^\s:]*) (must .*)$`)
	reDecodePath   = regexp.MustCompile(`'([^']+)' (.*)$`)
	reBracketKey   = regexp.MustCompile(`\[([^\]\d][^\]]*)\]`)
	reNumSeg       = regexp.MustCompile(`\.(\d+)(\.|$)`)
	reCircular     = regexp.MustCompile(`^Circular reference: (\S+) in`)
	reFileBad      = regexp.MustCompile(`compose file "([^"]+)".* is invalid: (.*)$`)
	reParseFail    = regexp.MustCompile(`failed to (?:parse|read) ([^:]+): (.*)$`)
)

// toValidationError turns a compose-go load error into a *ValidationError with the file,
// path and position compose-go's text carries (adding back the file name compose-go
// drops from YAML syntax errors).
func toValidationError(err error, files []string) error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return err
	}
	msg := err.Error()
	var probs []Problem
	for _, line := range splitJoined(msg) {
		probs = append(probs, problemFromText(line))
	}
	loc := newLocator(files)
	for i := range probs {
		p := &probs[i]
		if p.Line > 0 && p.File == "" {
			p.File = loc.yamlErrorFile(p.Line)
		}
		loc.fill(p)
	}
	return &ValidationError{Problems: probs, cause: err}
}

// splitJoined splits an errors.Join text into its parts (one per line), keeping
// indented continuation lines with their part.
// yamlPos returns the last position a YAML error message names (the error itself; earlier
// ones are context such as "while scanning ... at line 6, column 12").
func yamlPos(msg string) (line, col int) {
	all := reYAMLPosColon.FindAllStringSubmatch(msg, -1)
	if len(all) == 0 {
		all = reYAMLPos.FindAllStringSubmatch(msg, -1)
	}
	if len(all) > 0 {
		m := all[len(all)-1]
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
		return line, col
	}
	if all := reYAMLPosAlt.FindAllStringSubmatch(msg, -1); len(all) > 0 {
		m := all[len(all)-1]
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
	}
	return line, col
}

func splitJoined(msg string) []string {
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(out) > 0 && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") || strings.HasSuffix(out[len(out)-1], ":")) {
			out[len(out)-1] += " " + strings.TrimSpace(l)
			continue
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		out = []string{msg}
	}
	return out
}

func problemFromText(msg string) Problem {
	p := Problem{Message: msg}
	if m := reFileBad.FindStringSubmatch(msg); m != nil {
		p.File, p.Message = m[1], m[2]
		msg = m[2]
	}
	if m := reParseFail.FindStringSubmatch(msg); m != nil {
		p.File, p.Message = m[1], m[2]
		msg = m[2]
	}
	switch {
	case strings.Contains(msg, "yaml:") && (reYAMLPos.MatchString(msg) || reYAMLPosAlt.MatchString(msg)):
		p.Line, p.Column = yamlPos(msg)
		p.Message = msg[strings.Index(msg, "yaml:"):]
	case strings.HasPrefix(msg, "include cycle detected"):
		p.Path = "include"
	case reCircular.MatchString(msg):
		p.Path = "services." + reCircular.FindStringSubmatch(msg)[1] + ".extends"
	case reValidating.MatchString(msg):
		m := reValidating.FindStringSubmatch(msg)
		p.File, p.Path, p.Message = m[1], m[2], m[3]
		if p.Path == "(root)" {
			p.Path = ""
		}
		if p.Message == "false schema" { // the JSON schema's wording for a key it does not allow
			p.Message = "unknown key"
		}
	case reInterp.MatchString(msg):
		m := reInterp.FindStringSubmatch(msg)
		p.Path, p.Message = m[1], "interpolation: "+m[2]
	case strings.Contains(msg, "non-string key at top level: "):
		_, key, _ := strings.Cut(msg, "non-string key at top level: ")
		p.Path, p.at = key, key
	case reNonString.MatchString(msg):
		m := reNonString.FindStringSubmatch(msg)
		p.Path = strings.TrimSuffix(m[1], ":")
		if p.Path == "top" {
			p.Path = ""
		}
		p.at = joinPath(p.Path, m[2])
	case reMust.MatchString(msg):
		m := reMust.FindStringSubmatch(msg)
		p.Path, p.Message = m[1], m[2]
	case reDecodePath.MatchString(msg):
		m := reDecodePath.FindStringSubmatch(msg)
		// mapstructure's services[web].ports[0] -> services.web.ports[0]
		p.Path, p.Message = reBracketKey.ReplaceAllString(m[1], ".$1"), m[2]
	case strings.Contains(msg, `invalid mount config for type "bind"`):
		p.at = "bind-without-source"
	case reDotted.MatchString(msg):
		m := reDotted.FindStringSubmatch(msg)
		p.Path, p.Message = m[1], m[2]
	case reService.MatchString(msg):
		p.Path = "services." + reService.FindStringSubmatch(msg)[1]
	}
	p.Path = normPath(p.Path)
	return p
}

// normPath writes schema-style paths ("volumes.0", "devices.[]") as ours ("volumes[0]").
func normPath(p string) string {
	p = strings.ReplaceAll(p, ".[]", "")
	for reNumSeg.MatchString(p) {
		p = reNumSeg.ReplaceAllString(p, "[$1]$2")
	}
	return p
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

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
