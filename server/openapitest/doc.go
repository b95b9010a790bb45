// Package openapitest checks the service's OpenAPI document with
// pb33f/libopenapi and libopenapi-validator, and the real responses of every
// endpoint against it. It is a module of its own because those libraries
// need Go 1.26 while the library itself needs only 1.24: a vendor who
// imports wijkwerken never sees them.
package openapitest
