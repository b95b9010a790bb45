// Package httpexample holds the examples of calling `wijkwerken serve`
// from other languages: curl commands (README.md) and a Python client that
// uses only Python's standard library (wijkwerken_client.py). Its test
// runs the client against a service it starts.
package httpexample
