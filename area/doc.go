// Package area is for authors of an area of the regulation: it compiles an
// area's rules against the area's typed environment and runs the areas of a
// combined decision over one State, so that each fact is decided once.
//
// An area declares, in its own package and nowhere else:
//
//   - its environment: a struct embedding Env, whose expr-tagged fields are
//     what its rules read, and whose field `expr:"out"` points to the
//     area's result: the expr-tagged fields of the result (and of the
//     structs it embeds) are the outputs value rules compute (Compile);
//   - its result's output paths, with `path:"area.name"` tags on the same
//     fields (Paths), so that the combined decision, the scenario runner and
//     the JSON derive them from the declaration;
//   - a Definition (its name, the areas it reads from, when the case has
//     something for it, its result type) and a Package that compiles it.
//
// The domain packages (eligibility, trajectory, vouchers, placement,
// organiser) are the examples; docs/architecture.md walks through adding an
// output and adding an area.
//
// Rules run on expr's VM when traced (the trace records the parameters they
// read) and, untraced, compiled once more into typed Go closures with the
// parameters in force folded in as constants (internal/fast): a RuleSet
// refuses an environment of any other type than the one it was compiled
// for, since the closures read it in place.
package area
