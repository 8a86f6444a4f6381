// Package endpoint runs the vpconform scenario catalogue (package specs)
// against any endpoint URL speaking the Verified Permissions API, such as a
// standalone vpfake or a third-party emulator, as a go test suite: the
// go test counterpart of cmd/vpconform. It runs only when
// VPCONFORM_ENDPOINT is set and is skipped otherwise.
//
// Its one test file declares the catalogue against
// specs.EndpointTargetFromEnv, which reads the VPCONFORM_* and AWS_*
// variables (the README's "Variables of the Go suites" lists them), and the
// conformance report; package suites/internal/suite holds what it shares
// with suites/aws. make record TARGET=endpoint and make compare run it.
//
// Scenarios that inject faults change the endpoint for everyone: do not
// point two runs at one endpoint at once.
package endpoint
