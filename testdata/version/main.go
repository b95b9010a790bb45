// Command version prints wijkwerken.Version() as JSON: version_test.go
// builds it to check what a real binary reports.
package main

import (
	"encoding/json"
	"os"

	wk "github.com/openwijkwerken/wijkwerken"
)

func main() {
	json.NewEncoder(os.Stdout).Encode(wk.Version())
}
