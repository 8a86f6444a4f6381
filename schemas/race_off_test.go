//go:build !race

package schemas

// raceDetector is false: the tests run at full size (see race_on_test.go).
const raceDetector = false
