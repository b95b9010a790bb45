//go:build race

package store_test

// raceDetector is true in a test binary built with -race: its children start
// several times slower, and the crash tests kill fewer of them.
const raceDetector = true
