// Package fake runs the vpconform scenario catalogue (package specs) against
// the bundled fake server, started in process and driven through its
// in-memory transport. It runs in every `go test ./...` and needs no
// network and no credentials of the caller.
//
// The files:
//
//   - suite_test.go runs the catalogue against a consistent fake and
//     against one whose reads see writes only a while later
//     (fake.WithPropagationDelay), which proves every scenario polls its
//     reads after writes as it must against AWS (and, once the whole
//     catalogue has run, that the delayed fake answered more calls than
//     the consistent one: the delay was seen). Both verify SigV4
//     signatures with two credentials of their own, one allowed and one
//     denied, and accept injected faults, so no scenario is skipped. The
//     targets are strict: the fake implements every decision of the
//     design, including those resting only on inference, so an advisory
//     deviation of the fake is a bug in the fake and fails the run.
//   - golden_test.go runs it a third time, a fresh deterministic fake per
//     scenario (fixed clock and id seed), and compares every scenario with
//     the golden set fixtures/testdata/fake; the delayed fake is compared
//     with it too. VPCONFORM_RECORD_DIR makes this run record instead
//     (make record TARGET=fake).
//   - recording_test.go runs the suite in subprocesses: two recordings are
//     byte-identical and hold none of the distinctive credentials they were
//     made with, and a recording killed midway leaves no partial golden
//     file.
//   - stale_test.go checks that every file of the golden set belongs to a
//     scenario.
//
// The README says how to run a part of the catalogue and where the
// reports go.
package fake
