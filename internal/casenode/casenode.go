// Package casenode lets the module's own readers of files that embed a
// case document (scenario files) decode it from its YAML node, without a
// YAML type in package dossier's exported API. Package dossier sets Decode
// when it is initialised.
package casenode

import "go.yaml.in/yaml/v3"

// Decode decodes a case from a YAML node, strictly, and validates it, as
// dossier.ParseCase does; the result is a *dossier.Case. Errors carry
// file:line.
var Decode func(file string, n *yaml.Node) (any, error)
