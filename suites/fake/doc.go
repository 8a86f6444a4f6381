// Package fake runs the vpconform scenario catalogue (package specs) against
// the bundled fake server, started in process and driven through its
// in-memory transport. It runs in every `go test ./...`, needs no network
// and no credentials of the caller.
//
// The catalogue runs twice: against a consistent fake and against one whose
// reads see writes only a second late (fake.WithPropagationDelay), which
// proves every scenario polls its reads after writes as it must against
// AWS. Both fakes verify SigV4 signatures with two credentials of their own,
// one allowed and one denied, and accept injected faults, so every
// capability is available and no scenario is skipped.
//
// A third run uses a fresh deterministic fake per scenario (fixed clock
// 2026-01-01T00:00:00Z, fixed id seed) and compares every scenario with the
// golden set fixtures/testdata/fake; the delayed fake is compared with it
// too. VPCONFORM_RECORD_DIR makes the deterministic run record instead
// (make record TARGET=fake). The recording tests run this suite in
// subprocesses: two recordings are byte-identical and hold none of the
// distinctive credentials they were made with, and a recording killed
// midway leaves no partial golden file.
//
// The targets are strict: the fake implements every decision of the design,
// including those resting only on inference, so an advisory deviation of the
// fake is a bug in the fake and fails the run.
//
// After the run, a conformance report per target is written to
// reports/fake/ and reports/fake-delayed/ (or under $VPCONFORM_REPORT_DIR).
//
//	go test -race ./suites/fake/
//	go test ./suites/fake/ -ginkgo.label-filter='op:UpdateIdentitySource && kind:negative'
package fake
