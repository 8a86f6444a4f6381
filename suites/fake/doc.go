// Package fake runs the vpconform scenario catalogue (package specs) against
// the bundled fake server, started in process and driven through its
// in-memory transport. It runs in every `go test ./...`, needs no network
// and no credentials.
//
// The target is strict: the fake implements every decision of the design,
// including those resting only on inference, so an advisory deviation of the
// fake is a bug in the fake and fails the run.
//
//	go test -race ./suites/fake/
//	go test ./suites/fake/ -ginkgo.label-filter='op:UpdateIdentitySource && kind:negative'
package fake
