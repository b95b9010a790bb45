package mutate

import (
	"strings"
	"unicode"

	wk "github.com/openwijkwerken/wijkwerken"
)

// locator places an offset in a rule's expression at its line and column
// in the file the rule was read from. YAML may have folded the expression
// (a block scalar, a plain scalar over several lines) or escaped it (quoted
// scalars), so the offset is found by walking the expression and the file
// side by side.
type locator struct {
	read  func(string) ([]byte, error)
	files map[string][]string // file -> lines (nil: unreadable)
}

func (l *locator) lines(file string) []string {
	if ls, ok := l.files[file]; ok {
		return ls
	}
	var ls []string
	if l.read != nil {
		if data, err := l.read(file); err == nil {
			ls = strings.Split(string(data), "\n")
		}
	}
	l.files[file] = ls
	return ls
}

// position returns where the rune at offset of r's expression is in its
// file, or the start of the expression when the file cannot be read or
// does not match.
func (l *locator) position(r *wk.Rule, offset int) wk.Position {
	start := r.ExprPos
	if start.Line == 0 {
		return r.Pos
	}
	ls := l.lines(start.File)
	if ls == nil {
		return start
	}
	if p, ok := walk(ls, start, []rune(r.Expression()), offset); ok {
		return p
	}
	return start
}

// walk finds the file position of expr[offset], the expression starting at
// start (1-based line and column) in lines.
func walk(lines []string, start wk.Position, expr []rune, offset int) (wk.Position, bool) {
	li, ci := start.Line-1, start.Column-1
	if li < 0 || li >= len(lines) || ci < 0 {
		return wk.Position{}, false
	}
	line := []rune(lines[li])
	if ci < len(line) && (line[ci] == '|' || line[ci] == '>') {
		// A block scalar: the expression starts on the next line.
		li, ci, line = li+1, 0, nil
		if li < len(lines) {
			line = []rune(lines[li])
		}
	}
	// next moves the file cursor one rune on, across line ends.
	cur := func() (rune, bool) {
		for li < len(lines) {
			if ci < len(line) {
				return line[ci], true
			}
			if ci == len(line) {
				return '\n', true
			}
			li, ci = li+1, 0
			if li < len(lines) {
				line = []rune(lines[li])
			}
		}
		return 0, false
	}
	advance := func() {
		ci++
		if ci > len(line) {
			li, ci = li+1, 0
			if li < len(lines) {
				line = []rune(lines[li])
			}
		}
	}
	skipSpace := func() {
		for {
			c, ok := cur()
			if !ok || !unicode.IsSpace(c) {
				return
			}
			advance()
		}
	}
	for i := 0; i < len(expr); {
		if unicode.IsSpace(expr[i]) {
			for i < len(expr) && unicode.IsSpace(expr[i]) {
				i++
			}
			skipSpace()
			continue
		}
		c, ok := cur()
		if !ok {
			return wk.Position{}, false
		}
		switch {
		case c == expr[i]:
			if i == offset {
				return wk.Position{File: start.File, Line: li + 1, Column: ci + 1}, true
			}
			advance()
			if n, ok := cur(); ok && c == '\'' && n == '\'' {
				advance() // '' in a single-quoted scalar is one quote
			}
			i++
		case unicode.IsSpace(c):
			skipSpace()
		case c == '\\':
			advance() // an escape in a double-quoted scalar
		default:
			return wk.Position{}, false
		}
	}
	return wk.Position{}, false
}

// key returns where key: (from, to) of the entry at pos has its value, or
// pos when the file cannot be read or the entry has no such key. The entry
// ends at the next list item that is not more indented than it.
func (l *locator) key(pos wk.Position, key string) wk.Position {
	ls := l.lines(pos.File)
	if pos.Line < 1 || pos.Line > len(ls) {
		return pos
	}
	indent := func(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
	first := ls[pos.Line-1]
	base := indent(first)
	for i := pos.Line - 1; i < len(ls) && i < pos.Line+60; i++ {
		s := ls[i]
		t := strings.TrimLeft(s, " ")
		if i > pos.Line-1 && strings.HasPrefix(t, "- ") && indent(s) <= base {
			break
		}
		t = strings.TrimPrefix(t, "- ")
		if v, ok := strings.CutPrefix(t, key+":"); ok {
			col := len(s) - len(strings.TrimLeft(v, " "))
			return wk.Position{File: pos.File, Line: i + 1, Column: col + 1}
		}
	}
	return pos
}

// element returns where list element e is written in the value at pos (as
// key found it): on a line "- e" below it, or inside a flow list [.., e].
func (l *locator) element(pos wk.Position, e string) wk.Position {
	ls := l.lines(pos.File)
	if pos.Line < 1 || pos.Line > len(ls) {
		return pos
	}
	for i := pos.Line - 1; i < len(ls) && i < pos.Line+80; i++ {
		s := ls[i]
		from := 0
		if i == pos.Line-1 {
			from = max(0, pos.Column-1)
		}
		t := strings.TrimSpace(s)
		if i > pos.Line-1 && !strings.HasPrefix(t, "- ") {
			break // the block list ended
		}
		for _, q := range []string{e, `"` + e + `"`, `'` + e + `'`} {
			if j := strings.Index(s[min(from, len(s)):], q); j >= 0 {
				end := from + j + len(q)
				if end == len(s) || strings.ContainsAny(s[end:end+1], ",] #") {
					return wk.Position{File: pos.File, Line: i + 1, Column: from + j + 1}
				}
			}
		}
	}
	return pos
}
