package shell

import (
	"errors"
	"strconv"
	"strings"
)

var errArith = errors.New("arithmetic syntax error")

// arithmetic evaluates $((expr)): integers, variables (with or without $),
// + - * / %, comparisons, unary minus and parentheses.
func (in *interp) arithmetic(expr string) (int64, error) {
	a := &arithParser{in: in, s: expr}
	v, err := a.cmp()
	if err != nil {
		return 0, err
	}
	a.blank()
	if a.i != len(a.s) {
		return 0, errArith
	}
	return v, nil
}

type arithParser struct {
	in *interp
	s  string
	i  int
}

func (a *arithParser) blank() {
	for a.i < len(a.s) && (a.s[a.i] == ' ' || a.s[a.i] == '\t') {
		a.i++
	}
}

func (a *arithParser) op(ops ...string) string {
	a.blank()
	for _, o := range ops {
		if strings.HasPrefix(a.s[a.i:], o) {
			a.i += len(o)
			return o
		}
	}
	return ""
}

func (a *arithParser) cmp() (int64, error) {
	l, err := a.sum()
	for err == nil {
		o := a.op("==", "!=", "<=", ">=", "<", ">")
		if o == "" {
			return l, nil
		}
		var r int64
		if r, err = a.sum(); err != nil {
			break
		}
		t := map[string]bool{"==": l == r, "!=": l != r, "<=": l <= r, ">=": l >= r, "<": l < r, ">": l > r}[o]
		l = 0
		if t {
			l = 1
		}
	}
	return 0, err
}

func (a *arithParser) sum() (int64, error) {
	l, err := a.product()
	for err == nil {
		o := a.op("+", "-")
		if o == "" {
			return l, nil
		}
		var r int64
		if r, err = a.product(); err == nil {
			if o == "+" {
				l += r
			} else {
				l -= r
			}
		}
	}
	return 0, err
}

func (a *arithParser) product() (int64, error) {
	l, err := a.unary()
	for err == nil {
		o := a.op("*", "/", "%")
		if o == "" {
			return l, nil
		}
		var r int64
		if r, err = a.unary(); err == nil {
			switch {
			case o == "*":
				l *= r
			case r == 0:
				return 0, errArith
			case o == "/":
				l /= r
			default:
				l %= r
			}
		}
	}
	return 0, err
}

func (a *arithParser) unary() (int64, error) {
	switch a.op("-", "+", "(") {
	case "-":
		v, err := a.unary()
		return -v, err
	case "+":
		return a.unary()
	case "(":
		v, err := a.cmp()
		if err == nil && a.op(")") == "" {
			err = errArith
		}
		return v, err
	}
	a.blank()
	j := a.i
	if j < len(a.s) && a.s[j] == '$' {
		j++
	}
	k := j
	for k < len(a.s) && (a.s[k] == '_' || isAlnum(a.s[k])) {
		k++
	}
	tok := a.s[j:k]
	a.i = k
	switch {
	case tok == "":
		return 0, errArith
	case tok[0] >= '0' && tok[0] <= '9':
		return strconv.ParseInt(tok, 0, 64)
	case validName(tok):
		v, _ := a.in.lookup(tok)
		if v == "" {
			return 0, nil
		}
		return strconv.ParseInt(strings.TrimSpace(v), 0, 64)
	}
	return 0, errArith
}
