//go:build race

package mutate

// raceEnabled: the tests run under the race detector, ten times slower.
const raceEnabled = true
