package main

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// escaper writes text for a terminal with the control characters that
// could steer it escaped: ESC and the other C0 controls but tab and
// newline, DEL, the C1 controls (U+0080–U+009F) and the bidirectional
// overrides, shown as strconv.Quote shows them (\x1b, \r, \u009b,
// \u202e). Scenario names, case values, ids and file names come from the
// user: a name holding "\x1b[2J" must not clear the screen, nor "\r" make
// a failure look like a pass. Machine formats (JSON, CSV, JSON lines) are
// written unescaped (raw), byte for byte.
type escaper struct {
	w       io.Writer
	pending []byte // the start of a UTF-8 sequence a Write cut in two
}

func newEscaper(w io.Writer) *escaper {
	if e, ok := w.(*escaper); ok {
		return e
	}
	return &escaper{w: w}
}

// raw returns the writer under an escaper, for machine formats and for
// the progress line (which rewrites its line with \r and ESC [K on
// purpose).
func raw(w io.Writer) io.Writer {
	if e, ok := w.(*escaper); ok {
		return e.w
	}
	return w
}

func (e *escaper) Write(p []byte) (int, error) {
	n := len(p)
	if len(e.pending) > 0 {
		p = append(e.pending, p...)
		e.pending = nil
	}
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				out = append(out, escapeRune(rune(c))...)
			} else {
				out = append(out, c)
			}
			i++
			continue
		}
		if !utf8.FullRune(p[i:]) {
			e.pending = append([]byte(nil), p[i:]...)
			break
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 || needsEscape(r) {
			if r == utf8.RuneError {
				out = append(out, fmt.Sprintf(`\x%02x`, p[i])...)
			} else {
				out = append(out, escapeRune(r)...)
			}
		} else {
			out = append(out, p[i:i+size]...)
		}
		i += size
	}
	if _, err := e.w.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}

// needsEscape reports whether a rune above ASCII steers a terminal or the
// direction text is shown in.
func needsEscape(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

func escapeRune(r rune) string {
	switch r {
	case '\r':
		return `\r`
	case '\a':
		return `\a`
	case '\b':
		return `\b`
	case '\f':
		return `\f`
	case '\v':
		return `\v`
	}
	if r < 0x100 && r < 0x80 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}
