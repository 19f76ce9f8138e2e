package shell

import (
	"strings"
)

// word parses one shell word; raw is its source text. inBrace makes '}' end
// the word (for ${X:-word}).
func (p *parser) word(inBrace bool) (word, string, error) {
	start := p.pos
	var w word
	var buf strings.Builder
	flush := func(quoted bool) {
		if buf.Len() > 0 {
			w = append(w, part{kind: lit, text: buf.String(), quoted: quoted})
			buf.Reset()
		}
	}
	for !p.eof() {
		c := p.peek()
		if inBrace && c == '}' {
			break
		}
		if !inBrace && (c == ' ' || c == '\t' || c == '\r' || c == '\n' || strings.IndexByte(";&|<>()", c) >= 0) {
			break
		}
		switch c {
		case '\'':
			flush(false)
			end := strings.IndexByte(p.src[p.pos+1:], '\'')
			if end < 0 {
				p.pos = len(p.src) // the input ran out inside the quote
				return nil, "", p.errf(ErrSyntax, "unterminated quoted string")
			}
			w = append(w, part{kind: lit, text: p.src[p.pos+1 : p.pos+1+end], quoted: true})
			p.pos += end + 2
		case '"':
			flush(false)
			p.pos++
			if err := p.dquote(&w); err != nil {
				return nil, "", err
			}
		case '\\':
			flush(false)
			p.pos++
			if p.eof() {
				buf.WriteByte('\\')
				continue
			}
			if p.peek() == '\n' {
				p.pos++
				continue
			}
			w = append(w, part{kind: lit, text: string(p.peek()), quoted: true})
			p.pos++
		case '$':
			flush(false)
			pt, err := p.dollar(false)
			if err != nil {
				return nil, "", err
			}
			w = append(w, pt)
		case '`':
			flush(false)
			pt, err := p.backtick(false)
			if err != nil {
				return nil, "", err
			}
			w = append(w, pt)
		default:
			buf.WriteByte(c)
			p.pos++
		}
	}
	flush(false)
	if w == nil && inBrace {
		w = word{}
	}
	return w, p.src[start:p.pos], nil
}

func (p *parser) dquote(w *word) error {
	var buf strings.Builder
	flush := func() {
		// An empty "" still makes a (quoted, empty) part, so "" is an argument.
		*w = append(*w, part{kind: lit, text: buf.String(), quoted: true})
		buf.Reset()
	}
	for {
		if p.eof() {
			return p.errf(ErrSyntax, "unterminated quoted string")
		}
		c := p.peek()
		switch c {
		case '"':
			p.pos++
			flush()
			return nil
		case '\\':
			p.pos++
			if p.eof() {
				return p.errf(ErrSyntax, "unterminated quoted string")
			}
			n := p.peek()
			switch n {
			case '$', '`', '"', '\\':
				buf.WriteByte(n)
			case '\n':
			default:
				buf.WriteByte('\\')
				buf.WriteByte(n)
			}
			p.pos++
		case '$':
			flush()
			pt, err := p.dollar(true)
			if err != nil {
				return err
			}
			*w = append(*w, pt)
		case '`':
			flush()
			pt, err := p.backtick(true)
			if err != nil {
				return err
			}
			*w = append(*w, pt)
		default:
			buf.WriteByte(c)
			p.pos++
		}
	}
}

// dollar parses $NAME, ${...}, $?, $$, $0-$9, $#, $@, $*; a lone $ is literal.
func (p *parser) dollar(quoted bool) (part, error) {
	p.pos++ // '$'
	if p.eof() {
		return part{kind: lit, text: "$", quoted: quoted}, nil
	}
	c := p.peek()
	switch {
	case c == '(':
		return p.subst(quoted)
	case c == '{':
		p.pos++
		pt := part{kind: param, quoted: quoted}
		if p.peek() == '#' && p.pos+1 < len(p.src) && p.src[p.pos+1] != '}' {
			pt.op = "#"
			p.pos++
		}
		q := p.pos
		for q < len(p.src) && (p.src[q] == '_' || isAlnum(p.src[q])) {
			q++
		}
		if q == p.pos && q < len(p.src) && strings.IndexByte("?$#@*!-", p.src[q]) >= 0 {
			q++
		}
		pt.text = p.src[p.pos:q]
		p.pos = q
		if pt.text == "" {
			return part{}, p.errf(ErrSyntax, "bad substitution")
		}
		if pt.op == "" {
			for _, op := range []string{":-", ":=", ":+", ":?", "-", "=", "+", "?"} {
				if p.has(op) {
					pt.op = op
					p.pos += len(op)
					arg, _, err := p.word(true)
					if err != nil {
						return part{}, err
					}
					pt.arg = arg
					break
				}
			}
		}
		if p.peek() != '}' {
			if p.eof() {
				return part{}, p.errf(ErrSyntax, "missing '}'")
			}
			return part{}, p.errf(ErrSyntax, "bad substitution")
		}
		p.pos++
		return pt, nil
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		q := p.pos
		for q < len(p.src) && (p.src[q] == '_' || isAlnum(p.src[q])) {
			q++
		}
		pt := part{kind: param, text: p.src[p.pos:q], quoted: quoted}
		p.pos = q
		return pt, nil
	case c >= '0' && c <= '9' || strings.IndexByte("?$#@*!-", c) >= 0:
		p.pos++
		return part{kind: param, text: string(c), quoted: quoted}, nil
	}
	return part{kind: lit, text: "$", quoted: quoted}, nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// subst parses $(script) or $((expr)); p.pos is at the first '('.
func (p *parser) subst(quoted bool) (part, error) {
	if strings.HasPrefix(p.src[p.pos:], "((") {
		end := strings.Index(p.src[p.pos:], "))")
		if end < 0 {
			return part{}, p.errf(ErrSyntax, "missing '))'")
		}
		expr := p.src[p.pos+2 : p.pos+end]
		p.pos += end + 2
		return part{kind: arith, text: expr, quoted: quoted}, nil
	}
	start := p.pos + 1
	depth := 0
	for q := p.pos; q < len(p.src); q++ {
		switch p.src[q] {
		case '\\':
			q++
		case '\'':
			end := strings.IndexByte(p.src[q+1:], '\'')
			if end < 0 {
				return part{}, p.errf(ErrSyntax, "unterminated quoted string")
			}
			q += end + 1
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				inner := p.src[start:q]
				if err := checkScript(inner); err != nil {
					return part{}, err
				}
				p.pos = q + 1
				return part{kind: cmdsub, text: inner, quoted: quoted}, nil
			}
		}
	}
	return part{}, p.errf(ErrSyntax, "missing ')'")
}

// backtick parses `script`; p.pos is at the opening backquote.
func (p *parser) backtick(quoted bool) (part, error) {
	var b strings.Builder
	for q := p.pos + 1; q < len(p.src); q++ {
		c := p.src[q]
		if c == '\\' && q+1 < len(p.src) && strings.IndexByte("`$\\", p.src[q+1]) >= 0 {
			b.WriteByte(p.src[q+1])
			q++
			continue
		}
		if c == '`' {
			if err := checkScript(b.String()); err != nil {
				return part{}, err
			}
			p.pos = q + 1
			return part{kind: cmdsub, text: b.String(), quoted: quoted}, nil
		}
		b.WriteByte(c)
	}
	return part{}, p.errf(ErrSyntax, "unterminated backquote")
}

// checkScript reports a syntax error in a substituted script.
func checkScript(src string) error {
	_, err := parse(src)
	return err
}
