// Package emulator is the README's example for an emulator written in Go:
// the whole vpconform catalogue bound into the emulator's own Ginkgo suite
// with specs.Register (the bundled fake stands in for the emulator).
package emulator
