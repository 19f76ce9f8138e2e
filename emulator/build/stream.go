package build

import (
	"bytes"
	"encoding/json"
	"errors"
)

// stream accumulates dockerd's build output: one JSON message per write,
// each followed by "\r\n" as dockerd's stream formatter writes them.
type stream struct {
	buf   bytes.Buffer
	quiet bytes.Buffer // stdout held back in quiet mode
	q     bool
}

type jsonError struct {
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

type message struct {
	Stream      string     `json:"stream,omitempty"`
	ErrorDetail *jsonError `json:"errorDetail,omitempty"`
	Error       string     `json:"error,omitempty"`
	Aux         any        `json:"aux,omitempty"`
}

func (s *stream) emit(buf *bytes.Buffer, m message) {
	b, _ := json.Marshal(m) // cannot fail: strings and a map
	buf.Write(b)
	buf.WriteString("\r\n")
}

// out writes a stdout chunk.
func (s *stream) out(text string) {
	if s.q {
		s.emit(&s.quiet, message{Stream: text})
		return
	}
	s.emit(&s.buf, message{Stream: text})
}

// errOut writes a stderr chunk, red as dockerd's stderr formatter paints it.
func (s *stream) errOut(text string) { s.out("\033[91m" + text + "\033[0m") }

func (s *stream) aux(id string) { s.emit(&s.buf, message{Aux: map[string]string{"ID": id}}) }

// fail writes the error message; a failed RUN carries its exit code.
func (s *stream) fail(err error) {
	if s.q {
		s.buf.Write(s.quiet.Bytes())
		s.quiet.Reset()
	}
	d := &jsonError{Message: err.Error()}
	var be *Error
	if errors.As(err, &be) && be.jsonCode {
		d.Code = be.ExitCode
	}
	s.emit(&s.buf, message{ErrorDetail: d, Error: err.Error()})
}

// started reports whether anything reached the client yet: dockerd answers
// errors before that point with an HTTP error, after it inside the stream.
func (s *stream) started() bool { return s.buf.Len() > 0 || s.quiet.Len() > 0 }

func (s *stream) bytes() []byte { return append([]byte(nil), s.buf.Bytes()...) }
