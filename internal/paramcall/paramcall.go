// Package paramcall recognises a rule's reads of the rulebook's parameters
// in an expr syntax tree: shared by the rulebook's loader, which checks the
// parameters a rule reads, and package area, which compiles the reads.
package paramcall

import "github.com/expr-lang/expr/ast"

// Of recognises a param("id") or param_at("id", d) call; at is true for
// param_at.
func Of(n ast.Node) (call *ast.CallNode, at, ok bool) {
	call, ok = n.(*ast.CallNode)
	if !ok {
		return nil, false, false
	}
	ident, ok := call.Callee.(*ast.IdentifierNode)
	if !ok || (ident.Value != "param" && ident.Value != "param_at") {
		return nil, false, false
	}
	return call, ident.Value == "param_at", true
}
