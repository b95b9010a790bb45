package wijkwerken

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

func parseParameter(file string, n *yaml.Node, ps *Problems) *Parameter {
	f := fields(file, n, peekID(n), ps, paramKeys...)
	id := entryID(file, f, n, ps)
	p := &Parameter{ID: id, Pos: Position{File: file, Line: n.Line}}
	if ts, ok := scalar(file, f["type"], id, "type", ps); ok {
		k, err := ParseKind(ts)
		if err != nil {
			ps.at(file, f["type"], id, "%v", err)
		}
		p.Kind = k
	} else if f["type"] == nil {
		ps.at(file, n, id, "missing type (integer, decimal, date, string, list or bool)")
	}
	p.Unit, _ = scalar(file, f["unit"], id, "unit", ps)
	p.Min = paramBound(file, f["min"], id, "min", p.Kind, ps)
	p.Max = paramBound(file, f["max"], id, "max", p.Kind, ps)
	if p.Min != nil && p.Max != nil && compareValues(*p.Min, *p.Max) > 0 {
		ps.at(file, f["max"], id, "max %s is below min %s", p.Max, p.Min)
		p.Min, p.Max = nil, nil // reported once, not again at every value
	}
	p.Cite, _ = scalar(file, f["cite"], id, "cite", ps)
	p.Sources = sourceList(file, f["sources"], id, ps)
	p.Source, _ = scalar(file, f["source"], id, "source", ps)
	p.Confidence = checkConfidence(file, f["confidence"], id, ps)
	p.Description = textField(file, f["description"], id, "description", ps)
	vs := f["values"]
	switch {
	case vs == nil:
		ps.at(file, n, id, "missing values")
	case vs.Kind != yaml.SequenceNode || len(vs.Content) == 0:
		ps.at(file, vs, id, "values: want a list of {from, value} entries")
	default:
		for _, vn := range vs.Content {
			if v, ok := parseParamValue(file, vn, id, p.Kind, ps); ok {
				p.Values = append(p.Values, v)
			}
		}
	}
	return p
}

// paramBound reads a parameter's min: or max:.
func paramBound(file string, n *yaml.Node, id, what string, k Kind, ps *Problems) *Value {
	if n == nil || k == KindInvalid {
		return nil
	}
	if k != KindInteger && k != KindDecimal && k != KindDate {
		ps.at(file, n, id, "%s: only integer, decimal and date parameters have bounds", what)
		return nil
	}
	v, err := nodeValue(n, k)
	if err != nil {
		ps.at(file, n, id, "%s: %v", what, err)
		return nil
	}
	return &v
}

// compareValues orders two integer, decimal or date values of one kind.
func compareValues(a, b Value) int {
	switch a.kind {
	case KindInteger:
		return cmpInt(a.i, b.i)
	case KindDecimal:
		return a.Decimal().Cmp(b.Decimal())
	case KindDate:
		return cmpInt(int(a.date.v), int(b.date.v))
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// checkBounds reports a value outside its parameter's min: and max:, at the
// value (in the rulebook or the reform that set it).
func checkBounds(p *Parameter, ps *Problems) {
	for _, v := range p.Values {
		if v.Value.Kind() != p.Kind {
			continue
		}
		if p.Min != nil && compareValues(v.Value, *p.Min) < 0 {
			ps.Add(Problem{Pos: v.Pos, ID: p.ID, Msg: fmt.Sprintf("value %s (from %s) is below the minimum %s a decision can work with (min: of the parameter at %s)", v.Value, v.From, p.Min, p.Pos)})
		}
		if p.Max != nil && compareValues(v.Value, *p.Max) > 0 {
			ps.Add(Problem{Pos: v.Pos, ID: p.ID, Msg: fmt.Sprintf("value %s (from %s) is above the maximum %s a decision can work with (max: of the parameter at %s)", v.Value, v.From, p.Max, p.Pos)})
		}
	}
}

// checkParamCite reports a parameter value without a citation.
func checkParamCite(p *Parameter, ps *Problems) {
	if p.Cite != "" {
		return
	}
	for _, v := range p.Values {
		if v.Cite == "" {
			ps.Add(Problem{Pos: p.Pos, ID: p.ID, Msg: "missing cite: give the article or source on the parameter or on each value"})
			return
		}
	}
}

func parseParamValue(file string, n *yaml.Node, id string, k Kind, ps *Problems) (ParamValue, bool) {
	f := fields(file, n, id, ps, valueKeys...)
	v := ParamValue{Pos: Position{File: file, Line: n.Line}}
	if f["from"] == nil {
		ps.at(file, n, id, "value without from: date")
	}
	v.From = dateField(file, f["from"], id, "from", ps)
	v.To = dateField(file, f["to"], id, "to", ps)
	if !v.To.IsZero() && v.To.Before(v.From) {
		ps.at(file, f["to"], id, "to %s is before from %s", v.To, v.From)
	}
	v.Cite, _ = scalar(file, f["cite"], id, "cite", ps)
	v.Sources = sourceList(file, f["sources"], id, ps)
	v.Source, _ = scalar(file, f["source"], id, "source", ps)
	v.Confidence = checkConfidence(file, f["confidence"], id, ps)
	vn := f["value"]
	if vn == nil {
		ps.at(file, n, id, "missing value")
		return v, false
	}
	if k == KindInvalid {
		return v, false // the type is reported already
	}
	val, err := nodeValue(vn, k)
	if err != nil {
		ps.at(file, vn, id, "value: %v", err)
		return v, false
	}
	v.Value = val
	return v, k != KindInvalid
}

// nodeValue reads a YAML node as a value of kind k.
func nodeValue(n *yaml.Node, k Kind) (Value, error) {
	if k == KindList {
		if n.Kind != yaml.SequenceNode {
			return Value{}, errors.New("want a list")
		}
		items := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return Value{}, fmt.Errorf("line %d: want a plain list item", c.Line)
			}
			items = append(items, c.Value)
		}
		return ListValue(items), nil
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return Value{}, fmt.Errorf("want a single %s", k)
	}
	if k == KindString && n.Tag != "!!str" && n.Style == 0 {
		// A bare number or bool where text is expected is most likely a slip.
		switch n.Tag {
		case "!!int", "!!float", "!!bool":
			return Value{}, fmt.Errorf("%q is not text; quote it if it is meant as text", n.Value)
		}
	}
	return ParseValue(k, n.Value)
}
