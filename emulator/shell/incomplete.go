package shell

import (
	"errors"
	"strings"
)

// Incomplete reports whether script stops before its end: it does not parse,
// and the parser ran out of input (an open quote, a `do` or `fi` still
// expected). An interactive shell then reads another line (the "> " prompt)
// instead of reporting a syntax error.
func Incomplete(script string) bool {
	_, err := parse(script)
	var se *SyntaxError
	return errors.As(err, &se) && errors.Is(se.Kind, ErrSyntax) && se.Offset >= len(strings.TrimRight(script, " \t\n"))
}
