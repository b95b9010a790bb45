package wijkwerken

import (
	"embed"
	"sync"
)

//go:embed regulation/*.yaml
var regulationFS embed.FS

// RegulationFS returns the embedded reference regulation files
// (regulation/*.yaml), for tools that show or copy them.
func RegulationFS() embed.FS { return regulationFS }

var reference = sync.OnceValues(func() (*Rulebook, error) {
	rb, err := Load(regulationFS, "regulation")
	if err != nil {
		return nil, err
	}
	rb.name = "reference"
	return rb, nil
})

// Reference returns the reference rulebook embedded in the library: the
// regulation of wijk-werken and gemeenschapsdienst as docs/regulation.md
// describes it. It is loaded once and shared; it is immutable and safe for
// concurrent use. The error is only ever non-nil if the embedded files are
// broken, which the library's own tests rule out.
func Reference() (*Rulebook, error) { return reference() }
