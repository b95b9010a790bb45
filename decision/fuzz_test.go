package decision_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// FuzzDecide decodes arbitrary case documents and decides them on a date
// the input picks: a clear error or a result, never a panic. Each case is
// decided twice, with the trace (expr's VM, rules reading their parameters
// as they run) and without (the fast path's closures, parameters folded
// in): both must give the same outputs and errors.
func FuzzDecide(f *testing.F) {
	files, _ := filepath.Glob("../testdata/cases/*.yaml")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data), 2400)
	}
	f.Add("person: {domicile_region: flanders, income: none}\nrequest: {date: 2024-02-29, minutes: -1}", 0)
	f.Add("cheque: {issued: 2019-03-13}\npurchase: {date: 2019-12-31, count: 3, unit_price: 7.45, buyer: natural_person}", 900)
	f.Add("community_service: {start: 2024-03-01, end: 2023-01-01, hours_per_month: 99999999999}", 3000)
	// Extreme values: the largest int, a huge and a long decimal, the last
	// civil dates, the bounds of validation.
	f.Add("request: {date: 2024-03-01, minutes: 9223372036854775807, km: 1e308}\ntrajectory: {start: 2024-01-01}", 2500)
	f.Add("request: {date: 2024-03-01, minutes: 100000, km: 999999999.999999}\ntrajectory: {start: 2024-01-01, hours: {2024-01: 744}}", 2500)
	f.Add("trajectory: {start: 9999-12-31, evaluations: [9999-12-31]}\ncheque: {issued: 9999-12-31}", 4999)
	f.Add("trajectory: {start: 0001-01-01}\ncheque: {issued: 0001-01-01}", 1)
	f.Add("purchase: {date: 2024-01-10, count: 9223372036854775807, unit_price: 7.4500000000000000000000000000000001, buyer: natural_person}", 2400)
	f.Add("organiser: {inhabitants: 9223372036854775807, price_decisions: [{decided: 9999-12-31, price: 7.45}]}", 2400)
	f.Add("trajectory: {start: 2024-01-01, agreement: {duration_months: -9223372036854775808, hours_plan: [-1, 9223372036854775807]}}", 2400)
	rb, err := wk.Reference()
	if err != nil {
		f.Fatal(err)
	}
	eng, err := decision.New(rb)
	if err != nil {
		f.Fatal(err)
	}
	base := wk.MustParseDate("2017-06-01")
	f.Fuzz(func(t *testing.T, doc string, day int) {
		c, err := dossier.ParseCase("fuzz.yaml", []byte(doc))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		date := base.AddDays(((day % 5000) + 5000) % 5000)
		r, err := eng.Decide(date, c, wk.WithTrace())
		if err != nil && err.Error() == "" {
			t.Fatal("an error without a message")
		}
		fast, fastErr := eng.Decide(date, c)
		if (err == nil) != (fastErr == nil) || (err != nil && err.Error() != fastErr.Error()) {
			t.Fatalf("traced error %v, untraced %v", err, fastErr)
		}
		if r == nil {
			return
		}
		traced, err := r.OutputsJSON()
		if err != nil {
			t.Fatal(err)
		}
		untraced, err := fast.OutputsJSON()
		if err != nil {
			t.Fatal(err)
		}
		var a, b map[string]any
		if json.Unmarshal(traced, &a) != nil || json.Unmarshal(untraced, &b) != nil {
			t.Fatal("outputs are not JSON")
		}
		delete(a, "trace")
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("traced and untraced decisions differ:\n%v\n%v", a, b)
		}
	})
}

// FuzzReformDecide adds a rule with an arbitrary condition to a reform and,
// when the engine accepts it, decides cases under it: a load error, a
// rule error or a decision, never a panic, and never a decision that takes
// long (the work budget is found at load; a rule that escaped it would show
// here as a slow decision).
func FuzzReformDecide(f *testing.F) {
	for _, when := range []string{
		"person.interim_days_last_28 > 5",
		"let x = 1..10000; all(x, {all(x, {# > 0})})",
		`len(reduce(1..30000, #acc + "xxxxxxxxxx", "")) > 0`,
		"all(1..100000, {all(1..100000, {true})})",
		`count(1..1000, {# > person.interim_days_last_28}) < 0`,
		"9223372036854775807 + person.interim_days_last_28 + 1 > 0",
		"-9223372036854775807 - person.interim_days_last_28 - 2 < 0",
		"person.interim_days_last_28 * 9223372036854775807 > 1",
		`add_months(parse_date("9999-12-01"), person.interim_days_last_28 + 1) > date`,
		"add_days(date, 9223372036854775807) > date",
		"ceil_div(9223372036854775807, 1) > 0",
		"((((((((((true))))))))))",
		`"a" matches person.income`,
		"len(map(1..100000000, # * 2)) > 0",
		"dec(1) / dec(person.interim_days_last_28) > dec(1)",
	} {
		f.Add(when)
	}
	rb, err := wk.Reference()
	if err != nil {
		f.Fatal(err)
	}
	c := &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"}}
	date := wk.MustParseDate("2024-03-01")
	f.Fuzz(func(t *testing.T, when string) {
		if strings.ContainsAny(when, "\n\r\x00") {
			return // one line of YAML
		}
		src := "reform: fuzz\ncite: fuzz\nadd_rules:\n  - id: eligibility.fuzz\n    area: eligibility\n    cite: fuzz\n    from: 2018-01-01\n" +
			"    description: {nl: a, en: b}\n    message: {nl: a, en: b}\n    reason: fuzz\n    when: " + strconv.Quote(when) + "\n"
		rf, err := wk.ParseReform("fuzz.yaml", []byte(src))
		if err != nil {
			return
		}
		rb2, err := rb.Reform(rf)
		if err != nil {
			return
		}
		eng, err := decision.New(rb2)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("a load error without a message")
			}
			return
		}
		start := time.Now()
		for _, o := range [][]wk.Option{nil, {wk.WithTrace()}} {
			r, err := eng.Decide(date, c, o...)
			if err == nil && r == nil {
				t.Fatal("neither a result nor an error")
			}
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("two decisions took %v under a rule the engine accepted: %s", d, when)
		}
	})
}
