package spec

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/errdefs"
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
