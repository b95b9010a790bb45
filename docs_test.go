package wijkwerken

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The contract document lists every reason code of the reference rulebook,
// and every code it lists is one (the documentation cannot drift from the
// rules).
func TestContractListsEveryReasonCode(t *testing.T) {
	doc, err := os.ReadFile("docs/contract.md")
	require.NoError(t, err)
	section := string(doc)
	section = section[strings.Index(section, "## Reason codes"):]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile("`([a-z_]+)`").FindAllStringSubmatch(section, -1) {
		listed[m[1]] = true
	}
	codes := map[string]bool{}
	for _, r := range ref(t).Rules("") {
		if r.Reason != "" {
			codes[r.Reason] = true
			assert.True(t, listed[r.Reason], "docs/contract.md does not list reason %s of rule %s", r.Reason, r.ID)
		}
	}
	for c := range listed {
		assert.True(t, codes[c], "docs/contract.md lists %s, which no rule yields", c)
	}
}

// Every citation of a modelling decision or a source in the reference
// rulebook points at a section that exists in docs/.
func TestCitationsResolve(t *testing.T) {
	md, err := os.ReadFile("docs/modelling-decisions.md")
	require.NoError(t, err)
	src, err := os.ReadFile("docs/sources.md")
	require.NoError(t, err)
	rb := ref(t)
	var cites []string
	for _, p := range rb.Parameters() {
		cites = append(cites, p.Cite)
		for _, v := range p.Values {
			cites = append(cites, v.Cite)
		}
	}
	for _, r := range rb.Rules("") {
		cites = append(cites, r.Cite)
	}
	mdRef := regexp.MustCompile(`MD (\d+[a-z]?)(?:-(\d+))?`)
	srcRef := regexp.MustCompile(`\bS(\d+)\b`)
	for _, c := range cites {
		for _, m := range mdRef.FindAllStringSubmatch(c, -1) {
			for _, n := range m[1:] {
				if n != "" {
					assert.Contains(t, string(md), `<a id="md-`+n+`"></a>`, "cite %q", c)
				}
			}
		}
		for _, m := range srcRef.FindAllStringSubmatch(c, -1) {
			assert.Regexp(t, `id="s`+m[1]+`"`, string(src), "cite %q", c)
		}
	}
}
