package shell

import (
	"slices"
	"strings"
)

// The parsed form of a script: a list of and-or chains separated by ';' or
// newlines; each chain is pipelines joined by && and ||; a pipeline's commands
// are simple commands or compound ones (if, for).

type list []andOr

type andOr struct {
	first pipeline
	rest  []opPipe
}

type opPipe struct {
	op string // "&&" or "||"
	p  pipeline
}

type pipeline struct {
	neg  bool      // ! pipeline
	cmds []command // *simple, *ifCmd, *forCmd or *whileCmd
}

type command interface{}

// ifCmd is if/elif/else/fi: conds[i] guards bodies[i].
type ifCmd struct {
	conds, bodies []list
	els           list
	hasElse       bool
}

// whileCmd is while/until COND; do BODY; done.
type whileCmd struct {
	until      bool
	cond, body list
}

// forCmd is for NAME [in WORDS]; do BODY; done.
type forCmd struct {
	name  string
	words []word
	hasIn bool
	body  list
}

type simple struct {
	assigns []assign
	words   []word
	redirs  []redir
}

type assign struct {
	name  string
	value word
}

type redir struct {
	fd     int    // 0, 1, 2
	op     string // ">", ">>", "<", ">&"
	target word   // file name, or fd digit / "-" for ">&"
}

// word is a sequence of parts concatenated after expansion.
type word []part

type partKind int

const (
	lit    partKind = iota // literal text
	param                  // $name / ${name...}
	cmdsub                 // $(script) or `script`: text is the script
	arith                  // $((expr)): text is the expression
)

type part struct {
	kind   partKind
	text   string // literal text, or the parameter name
	quoted bool   // inside quotes: no field splitting
	op     string // "", ":-", "-", ":=", "=", ":+", "+", "#" (length)
	arg    word   // the word after op
}

type parser struct {
	src string
	pos int
}

func parse(src string) (list, error) {
	p := &parser{src: src}
	l, _, err := p.list()
	if err != nil {
		return nil, err
	}
	return l, nil
}

func (p *parser) errf(kind error, msg string) error {
	return &SyntaxError{Script: p.src, Offset: p.pos, Msg: msg, Kind: kind}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.eof() {
		return 0
	}
	return p.src[p.pos]
}

func (p *parser) has(s string) bool { return strings.HasPrefix(p.src[p.pos:], s) }

// blank skips spaces, tabs, line continuations and comments (not newlines).
func (p *parser) blank() {
	for !p.eof() {
		switch c := p.peek(); {
		case c == ' ' || c == '\t' || c == '\r':
			p.pos++
		case p.has("\\\n"):
			p.pos += 2
		case c == '#':
			for !p.eof() && p.peek() != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

// list parses and-or chains until EOF or, when stops are given, until one of
// those reserved words, which it consumes and returns.
func (p *parser) list(stops ...string) (list, string, error) {
	var l list
	for {
		p.blank()
		for !p.eof() && (p.peek() == '\n' || p.peek() == ';') {
			if p.peek() == ';' && len(l) == 0 {
				return nil, "", p.errf(ErrSyntax, "unexpected \";\"")
			}
			p.pos++
			p.blank()
		}
		if p.eof() {
			if len(stops) > 0 {
				return nil, "", p.errf(ErrSyntax, "unexpected end of file (expecting \""+stops[len(stops)-1]+"\")")
			}
			return l, "", nil
		}
		if kw := p.peekWord(); len(stops) > 0 && slices.Contains(stops, kw) {
			if len(l) == 0 {
				return nil, "", p.errf(ErrSyntax, "unexpected \""+kw+"\"")
			}
			p.pos += len(kw)
			return l, kw, nil
		}
		ao, err := p.andOr()
		if err != nil {
			return nil, "", err
		}
		l = append(l, ao)
		p.blank()
		switch {
		case p.eof():
		case p.peek() == ';':
			p.pos++
			if p.peek() == ';' {
				return nil, "", p.errf(ErrSyntax, "unexpected \";;\"")
			}
		case p.peek() == '\n':
			p.pos++
		case p.peek() == '&':
			return nil, "", p.errf(ErrUnsupported, "background jobs (&)")
		default:
			return nil, "", p.errf(ErrSyntax, "unexpected \""+string(p.peek())+"\"")
		}
	}
}

// peekWord returns the plain word at the current position (after blanks),
// without consuming it.
func (p *parser) peekWord() string {
	p.blank()
	q := p.pos
	for q < len(p.src) && strings.IndexByte(" \t\r\n;&|<>()", p.src[q]) < 0 {
		q++
	}
	return p.src[p.pos:q]
}

func (p *parser) andOr() (andOr, error) {
	first, err := p.pipeline()
	if err != nil {
		return andOr{}, err
	}
	ao := andOr{first: first}
	for {
		p.blank()
		var op string
		switch {
		case p.has("&&"):
			op = "&&"
		case p.has("||"):
			op = "||"
		default:
			return ao, nil
		}
		p.pos += 2
		for p.blank(); !p.eof() && p.peek() == '\n'; p.blank() {
			p.pos++
		}
		next, err := p.pipeline()
		if err != nil {
			return andOr{}, err
		}
		ao.rest = append(ao.rest, opPipe{op: op, p: next})
	}
}

func (p *parser) pipeline() (pipeline, error) {
	var pl pipeline
	if p.peekWord() == "!" {
		pl.neg = true
		p.pos++
	}
	for {
		c, err := p.command()
		if err != nil {
			return pipeline{}, err
		}
		pl.cmds = append(pl.cmds, c)
		p.blank()
		if p.peek() == '|' && !p.has("||") {
			p.pos++
			for p.blank(); !p.eof() && p.peek() == '\n'; p.blank() {
				p.pos++
			}
			continue
		}
		return pl, nil
	}
}

func (p *parser) command() (command, error) {
	switch kw := p.peekWord(); kw {
	case "if":
		p.pos += 2
		return p.ifCmd()
	case "for":
		p.pos += 3
		return p.forCmd()
	case "while", "until":
		p.pos += len(kw)
		c := &whileCmd{until: kw == "until"}
		var err error
		if c.cond, _, err = p.list("do"); err != nil {
			return nil, err
		}
		if c.body, _, err = p.list("done"); err != nil {
			return nil, err
		}
		return c, nil
	}
	return p.simple()
}

func (p *parser) ifCmd() (command, error) {
	c := &ifCmd{}
	for {
		cond, _, err := p.list("then")
		if err != nil {
			return nil, err
		}
		body, kw, err := p.list("elif", "else", "fi")
		if err != nil {
			return nil, err
		}
		c.conds, c.bodies = append(c.conds, cond), append(c.bodies, body)
		switch kw {
		case "else":
			c.hasElse = true
			if c.els, _, err = p.list("fi"); err != nil {
				return nil, err
			}
			return c, nil
		case "fi":
			return c, nil
		}
	}
}

func (p *parser) forCmd() (command, error) {
	c := &forCmd{name: p.peekWord()}
	if !validName(c.name) {
		return nil, p.errf(ErrSyntax, "bad for loop variable")
	}
	p.pos += len(c.name)
	for p.blank(); !p.eof() && p.peek() == '\n'; p.blank() {
		p.pos++
	}
	if p.peekWord() == "in" {
		p.pos += 2
		c.hasIn = true
		for {
			p.blank()
			if p.eof() || p.peek() == ';' || p.peek() == '\n' {
				break
			}
			w, _, err := p.word(false)
			if err != nil {
				return nil, err
			}
			if w == nil {
				return nil, p.errf(ErrSyntax, "unexpected \""+string(p.peek())+"\"")
			}
			c.words = append(c.words, w)
		}
	}
	for p.blank(); !p.eof() && (p.peek() == '\n' || p.peek() == ';'); p.blank() {
		p.pos++
	}
	if p.peekWord() != "do" {
		return nil, p.errf(ErrSyntax, "expecting \"do\"")
	}
	p.pos += 2
	body, _, err := p.list("done")
	if err != nil {
		return nil, err
	}
	c.body = body
	return c, nil
}

// reserved words that cannot start a simple command: true means the word is
// misplaced syntax, false a construct the interpreter does not model.
var keywords = map[string]bool{"then": true, "else": true, "elif": true, "fi": true, "do": true, "done": true,
	"esac": true, "}": true, "case": false, "function": false, "{": false, "select": false}

func (p *parser) simple() (*simple, error) {
	c := &simple{}
	for {
		p.blank()
		if p.eof() {
			break
		}
		ch := p.peek()
		if ch == '\n' || ch == ';' || ch == '|' || ch == '&' && !p.has("&>") {
			break
		}
		if ch == '(' || ch == ')' {
			return nil, p.errf(ErrUnsupported, "subshells and functions")
		}
		start := p.pos
		// IO number: digits immediately followed by < or >.
		fd := -1
		if ch >= '0' && ch <= '9' {
			q := p.pos
			for q < len(p.src) && p.src[q] >= '0' && p.src[q] <= '9' {
				q++
			}
			if q < len(p.src) && (p.src[q] == '>' || p.src[q] == '<') && q-p.pos == 1 {
				fd = int(p.src[p.pos] - '0')
				p.pos = q
				ch = p.peek()
			}
		}
		if ch == '>' || ch == '<' || p.has("&>") {
			rs, err := p.redirect(fd)
			if err != nil {
				return nil, err
			}
			c.redirs = append(c.redirs, rs...)
			continue
		}
		p.pos = start
		w, raw, err := p.word(false)
		if err != nil {
			return nil, err
		}
		if len(c.words) == 0 {
			if name, ok := assignName(raw); ok {
				// Re-parse the value part as a word.
				p.pos = start + len(name) + 1
				v, _, err := p.word(false)
				if err != nil {
					return nil, err
				}
				c.assigns = append(c.assigns, assign{name: name, value: v})
				continue
			}
			if misplaced, ok := keywords[raw]; ok && isPlain(w) {
				if misplaced {
					return nil, p.errf(ErrSyntax, "unexpected \""+raw+"\"")
				}
				return nil, p.errf(ErrUnsupported, "compound command \""+raw+"\"")
			}
		}
		c.words = append(c.words, w)
	}
	if len(c.words) == 0 && len(c.assigns) == 0 && len(c.redirs) == 0 {
		if p.eof() {
			return nil, p.errf(ErrSyntax, "unexpected end of file")
		}
		return nil, p.errf(ErrSyntax, "unexpected \""+string(p.peek())+"\"")
	}
	return c, nil
}

func isPlain(w word) bool { return len(w) == 1 && w[0].kind == lit && !w[0].quoted }

// assignName reports whether raw (the source text of a word) starts NAME=.
func assignName(raw string) (string, bool) {
	i := strings.IndexByte(raw, '=')
	if i <= 0 || !validName(raw[:i]) {
		return "", false
	}
	return raw[:i], true
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (p *parser) redirect(fd int) ([]redir, error) {
	var op string
	both := false
	switch {
	case p.has("&>>"):
		op, both = ">>", true
	case p.has("&>"):
		op, both = ">", true
	case p.has(">>"):
		op = ">>"
	case p.has(">&"):
		op = ">&"
	case p.has("<&"):
		return nil, p.errf(ErrUnsupported, "input duplication (<&)")
	case p.has("<<"):
		return nil, p.errf(ErrUnsupported, "here-documents")
	case p.has(">|"):
		op = ">|"
	default:
		op = string(p.peek())
	}
	p.pos += len(op)
	if both {
		p.pos++
	}
	if op == ">|" {
		op = ">"
	}
	if fd < 0 {
		fd = 1
		if op == "<" {
			fd = 0
		}
	}
	p.blank()
	if p.eof() || strings.ContainsRune("\n;|&<>", rune(p.peek())) {
		return nil, p.errf(ErrSyntax, "missing file name after \""+op+"\"")
	}
	w, raw, err := p.word(false)
	if err != nil {
		return nil, err
	}
	if fd > 2 {
		return nil, p.errf(ErrUnsupported, "file descriptors above 2")
	}
	if op == ">&" {
		if raw != "1" && raw != "2" && raw != "-" {
			// bash: ">& file" redirects both streams to file.
			if fd == 1 && raw != "" && !strings.ContainsAny(raw[:1], "0123456789") {
				return []redir{{fd: 1, op: ">", target: w}, {fd: 2, op: ">&", target: word{{kind: lit, text: "1"}}}}, nil
			}
			return nil, p.errf(ErrSyntax, "bad file descriptor \""+raw+"\"")
		}
	}
	if both {
		return []redir{{fd: 1, op: op, target: w}, {fd: 2, op: ">&", target: word{{kind: lit, text: "1"}}}}, nil
	}
	return []redir{{fd: fd, op: op, target: w}}, nil
}
