package wijkwerken

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// referenceFingerprint pins the fingerprint of the embedded reference
// rulebook. It changes whenever regulation/*.yaml changes in content (not in
// layout or comments): then check that the change was meant and set the new
// value printed by the failing test.
const referenceFingerprint = "sha256:2798c94ba78ca7bff9e0cab59c6eae6cae6cce4b3748f5ed3d44c788fb0ae980"

func TestFingerprintReferencePinned(t *testing.T) {
	fp := ref(t).Fingerprint()
	assert.Regexp(t, regexp.MustCompile(`^sha256:[0-9a-f]{64}$`), fp)
	assert.Equal(t, referenceFingerprint, fp, "the reference rulebook's content changed: if on purpose, set referenceFingerprint to %s", fp)
	assert.Equal(t, fp, ref(t).Fingerprint(), "the fingerprint must not change between calls")
}

// regulationCopy returns the reference files under other names, in a MapFS,
// transformed by edit.
func regulationCopy(t *testing.T, edit func(name string, data []byte) []byte) (fstest.MapFS, []string) {
	t.Helper()
	fsys := fstest.MapFS{}
	var names []string
	entries, err := fs.ReadDir(RegulationFS(), "regulation")
	require.NoError(t, err)
	for _, e := range entries {
		data, err := fs.ReadFile(RegulationFS(), path.Join("regulation", e.Name()))
		require.NoError(t, err)
		name := "elsewhere/copy-of-" + e.Name()
		fsys[name] = &fstest.MapFile{Data: edit(name, data)}
		names = append(names, name)
	}
	return fsys, names
}

func TestFingerprintIgnoresPlaceOrderAndLayout(t *testing.T) {
	want := ref(t).Fingerprint()
	// The same files in another directory, read in the reverse order, with
	// comments and blank lines added (every position moves): same content.
	fsys, names := regulationCopy(t, func(_ string, data []byte) []byte {
		return append([]byte("# a comment\n\n# another\n\n"), data...)
	})
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	rb, err := Load(fsys, names...)
	require.NoError(t, err)
	assert.NotEqual(t, ref(t).Name(), rb.Name())
	assert.Equal(t, want, rb.Fingerprint(), "moved, reordered and commented files")
}

func TestFingerprintSeesContent(t *testing.T) {
	want := ref(t).Fingerprint()
	for _, tc := range []struct{ name, old, new string }{
		{"a citation", `cite: "Decreet wijk-werken art. 10-11 (doelgroep) [S15, S20, S28]"`, `cite: "Decreet wijk-werken art. 10-11 [S15]"`},
		{"a reason code", "reason: not_domiciled_in_flanders", "reason: not_domiciled_in_the_flemish_region"},
		{"a message", "en: The person is not domiciled in the Flemish Region.", "en: The person lives elsewhere."},
		{"an expression", `when: person.social_economy_highest`, `when: person.social_economy_highest and true`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys, names := regulationCopy(t, func(_ string, data []byte) []byte {
				return []byte(strings.Replace(string(data), tc.old, tc.new, 1))
			})
			rb, err := Load(fsys, names...)
			require.NoError(t, err)
			assert.NotEqual(t, want, rb.Fingerprint())
		})
	}
}

const smallRulebook = `
parameters:
  - id: a.limit
    type: decimal
    cite: art. 1
    description: {nl: grens, en: limit}
    values:
      - {from: 2020-01-01, value: 7.45}
area: eligibility
rules:
  - id: a.over
    cite: art. 2
    from: 2020-01-01
    description: {nl: boven, en: over}
    when: person.interim_days_last_28 > 3 and person.income == "a  b"
    reason: over
    message: {nl: boven, en: over}
`

func smallFingerprint(t *testing.T, src string) string {
	t.Helper()
	rb, err := Load(fstest.MapFS{"rb.yaml": {Data: []byte(src)}}, "rb.yaml")
	require.NoError(t, err)
	return rb.Fingerprint()
}

func TestFingerprintCanonicalForms(t *testing.T) {
	base := smallFingerprint(t, smallRulebook)
	same := map[string]string{
		"keys of an entry in another order": strings.Replace(smallRulebook, "    cite: art. 2\n    from: 2020-01-01\n", "    from: 2020-01-01\n    cite: art. 2\n", 1),
		"a decimal with a trailing zero":    strings.Replace(smallRulebook, "value: 7.45", "value: 7.450", 1),
		"an expression laid out as a block": strings.Replace(smallRulebook, `when: person.interim_days_last_28 > 3 and person.income == "a  b"`, "when: |\n      person.interim_days_last_28   >   3\n        and person.income == \"a  b\"", 1),
	}
	for name, src := range same {
		assert.Equal(t, base, smallFingerprint(t, src), name)
	}
	other := map[string]string{
		"whitespace inside a string literal": strings.Replace(smallRulebook, `"a  b"`, `"a b"`, 1),
		"another decimal":                    strings.Replace(smallRulebook, "value: 7.45", "value: 7.46", 1),
		"another date":                       strings.Replace(smallRulebook, "from: 2020-01-01, value", "from: 2020-01-02, value", 1),
		"another description":                strings.Replace(smallRulebook, "{nl: boven, en: over}\n    when", "{nl: boven, en: above}\n    when", 1),
	}
	for name, src := range other {
		assert.NotEqual(t, base, smallFingerprint(t, src), name)
	}
}

func TestFingerprintReforms(t *testing.T) {
	rb := ref(t)
	parse := func(name, src string) *Reform {
		r, err := ParseReform(name, []byte(src))
		require.NoError(t, err)
		return r
	}
	cap80 := parse("cap80.yaml", "reform: cap 80\ncite: test\nset:\n  - {param: hours.per_month_max, from: 2024-01-01, value: 80}\n")
	interim := parse("interim.yaml", "reform: interim 15\ncite: test\nset:\n  - {param: eligibility.interim_days_max, from: 2024-01-01, value: 15}\n")
	one, err := rb.Reform(cap80)
	require.NoError(t, err)
	both, err := rb.Reform(cap80, interim)
	require.NoError(t, err)
	swapped, err := rb.Reform(interim, cap80)
	require.NoError(t, err)
	again, err := rb.Reform(parse("elsewhere/cap80.yaml", "# same reform, other file\nreform: cap 80\ncite: test\nset:\n  - param: hours.per_month_max\n    value: 80\n    from: 2024-01-01\n"))
	require.NoError(t, err)

	before := rb.Fingerprint()
	fps := map[string]string{"reference": before, "cap80": one.Fingerprint(), "cap80+interim": both.Fingerprint(), "interim+cap80": swapped.Fingerprint()}
	seen := map[string]string{}
	for name, fp := range fps {
		if prev, dup := seen[fp]; dup {
			t.Errorf("%s and %s share the fingerprint %s", prev, name, fp)
		}
		seen[fp] = name
	}
	assert.Equal(t, one.Fingerprint(), again.Fingerprint(), "the same reform from another file, laid out otherwise")
	assert.Equal(t, before, rb.Fingerprint(), "reforming must not change the rulebook reformed")
}
