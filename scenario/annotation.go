package scenario

import (
	"strconv"

	wk "github.com/openwijkwerken/wijkwerken"
)

// Annotation formats a GitHub Actions workflow command that shows msg as an
// annotation of the given level ("error", "warning" or "notice") on pos
// (its file, and its line and column when known), with the properties
// and the message escaped as the runner wants them. Other tools that report
// on rulebook or scenario files (mutation testing) use it.
func Annotation(level string, pos wk.Position, title, msg string) string {
	s := "::" + level
	sep := " "
	prop := func(k, v string) {
		s += sep + k + "=" + v
		sep = ","
	}
	if pos.File != "" {
		prop("file", ghProperty(pos.File))
	}
	if pos.Line > 0 {
		prop("line", strconv.Itoa(pos.Line))
	}
	if pos.Column > 0 {
		prop("col", strconv.Itoa(pos.Column))
	}
	if title != "" {
		prop("title", ghProperty(title))
	}
	return s + "::" + ghData(msg) + "\n"
}
