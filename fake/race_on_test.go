//go:build race

package fake_test

// raceDetector reports whether the tests run under the race detector
// (go test -race), which makes CPU-heavy code 5 to 10 times slower: a
// test whose size proves nothing about concurrency may then run a smaller
// size of the same check (see race_off_test.go).
const raceDetector = true
