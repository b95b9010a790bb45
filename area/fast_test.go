package area

import (
	"fmt"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every construct the fast path compiles decides as expr's VM does: each
// condition below is evaluated untraced (fast closures) and traced (VM)
// over a grid of environments and dates, and must agree; each must also
// really be compiled to closures.
func TestFastPathMatchesVM(t *testing.T) {
	conds := []string{
		`n > param("t.limit")`,
		`n >= 3 && n <= 12 || s == "x"`,
		`not (s in ["a", "b"]) and n != 4`,
		`s in ["x", "y"]`,
		`-n < -5 or n % 3 == 0`,
		`n * 2 + 1 - n > 7`,
		`amt > param("t.rate") * n`,
		`amt * 2 >= dec("1.5") && amt - 1 < amt + n`,
		`round_half_up(amt * dec("1.005"), 2) == amt`,
		`n > 0 && n / 2 > dec("2.5")`,
		`dec_max(amt, dec(n)) > dec_min(amt, dec(3))`,
		`d > param("t.start") || d == no_date()`,
		`is_set(d) && period_end(d, n) >= add_months(d, 3)`,
		`add_days(d, n) > date ? true : n == 2`,
		`latest(d, date) == date && earliest(d, date) <= d`,
		`start_of_year(date) < d && d <= end_of_year(date)`,
		`ceil_div(n, 4) > 1`,
		`max(n, 5, 2) == n || min(n, 5) == n`,
		`len(s) > 1`,
		`param_at("t.limit", d) > n`,
		`year(date) > 2019 && month_key(d) != "2024-01"`,
		// Lists: closures over ints and structs, indexes, list literals.
		`any(ns, # > n) || all(ns, # != 4)`,
		`len(ns) > 1 && ns[0] < n`,
		`count(items, {.on <= date}) == n || none(items, .code == s)`,
		`len(items) > 0 && items[len(items) - 1].price > amt`,
		`count(items, .price >= param("t.rate") * amt) > 1`,
		`s in (n > 3 ? ["x", "ab"] : [])`,
		// Ranges, walked in place (the work budget takes literal bounds
		// only), an empty one, nested.
		`count(1..12, # > n) == 12 - n`,
		`any(-3..10, # % 3 == n) && none(1..0, # > 0)`,
		`all(-3..3, {# >= -3 + n})`,
		`one(0..20, # == n) || all(1..5, {count(1..5, # > n) >= 0})`,
		// A decimal written twice is computed once per evaluation.
		`round_down((amt - param("t.rate")) / 2, 0) == (amt - param("t.rate")) / 2`,
		`(amt * n > dec(5) ? amt * n : dec(5) - amt * n) > dec("0.5") || any(items, .price * n > amt * n)`,
	}
	var rules strings.Builder
	for i, c := range conds {
		rules.WriteString(rule(fmt.Sprintf("t.c%d", i), fmt.Sprintf("    when: '%s'\n    reason: c%d\n", c, i)))
	}
	rb, err := testRulebook(t, rules.String())
	require.NoError(t, err)
	rs, err := Compile(rb, testSpec)
	require.NoError(t, err)
	for _, versions := range rs.slots {
		for _, c := range versions {
			assert.NotNil(t, c.general(), "%s: %s is not on the fast path", c.rule.ID, c.rule.When)
			for i := range c.folded {
				_, closures := c.foldedAt(i)
				assert.NotNil(t, closures, "%s folded from %s", c.rule.ID, c.folded[i].from)
			}
		}
	}
	lists := [][]int{nil, {4}, {1, 12, 30}, {-7, 4, 9, 300}}
	item := func(on, price, code string) testItem {
		return testItem{On: wk.MustParseDate(on), Price: decimal.RequireFromString(price), Code: code}
	}
	items := [][]testItem{nil, {item("2019-12-31", "0.30", "x")}, {item("2018-01-01", "1.785", "ab"), item("2024-02-29", "3", ""), item("2030-01-01", "200", "x")}}
	dates := []wk.Date{wk.MustParseDate("2018-03-01"), wk.MustParseDate("2019-12-31"), wk.MustParseDate("2020-01-01"), wk.MustParseDate("2024-02-29")}
	checked := 0
	for _, date := range dates {
		for _, n := range []int{-7, 0, 1, 2, 4, 9, 10, 11, 12, 21, 300} {
			for _, amt := range []string{"0", "0.3", "1.785", "3", "120.50"} {
				for _, d := range []wk.Date{{}, wk.MustParseDate("2017-05-31"), wk.MustParseDate("2023-01-01"), wk.MustParseDate("2024-01-31"), wk.MustParseDate("2024-12-31")} {
					for _, s := range []string{"", "x", "ab"} {
						fast := &testEnv{N: n, Amt: decimal.RequireFromString(amt), D: d, S: s, Ns: lists[(n%4+4)%4], Items: items[(n%3+3)%3]}
						slow := *fast
						a, errA := rs.Eval(fast, date, nil)
						b, errB := rs.Eval(&slow, date, &wk.Trace{})
						require.Equal(t, errB, errA, "n=%d amt=%s d=%s s=%q on %s", n, amt, d, s, date)
						require.Equal(t, wk.Codes(b), wk.Codes(a), "n=%d amt=%s d=%s s=%q on %s", n, amt, d, s, date)
						checked++
					}
				}
			}
		}
	}
	assert.Equal(t, 3300, checked)
}

// An error on the fast path is the VM's error, message and all.
func TestFastPathErrorsAreTheVMs(t *testing.T) {
	rb, err := testRulebook(t, rule("t.div", "    when: 'amt / n > 1'\n    reason: r\n")+
		rule("t.ceil", "    when: 'ceil_div(3, n) > 1'\n    reason: r2\n")+
		rule("t.old", "    when: 'param_at(\"t.limit\", d) > 1'\n    reason: r3\n"))
	require.NoError(t, err)
	rs, err := Compile(rb, testSpec)
	require.NoError(t, err)
	for _, env := range []testEnv{{N: 0, D: wk.MustParseDate("2020-01-01")}, {N: 2, D: wk.MustParseDate("2010-01-01")}} {
		slow := env
		_, errFast := rs.Eval(&env, wk.MustParseDate("2024-01-01"), nil)
		_, errSlow := rs.Eval(&slow, wk.MustParseDate("2024-01-01"), &wk.Trace{})
		require.Error(t, errFast)
		assert.Equal(t, errSlow.Error(), errFast.Error())
		var re *wk.RuleError
		assert.ErrorAs(t, errFast, &re)
	}
}
