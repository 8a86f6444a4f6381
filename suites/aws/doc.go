// Package aws runs the vpconform scenario catalogue (package specs) against
// real Amazon Verified Permissions, as a go test suite. It is opt-in: it
// runs only with VPCONFORM_AWS=1 and is skipped otherwise.
//
// Its one test file declares the catalogue against specs.AWSTargetFromEnv,
// which reads the default credential chain and region and the
// VPCONFORM_AWS_* variables (the README's "Variables of the Go suites"
// lists them), and the conformance report; package suites/internal/suite
// holds what it shares with suites/endpoint. It creates, tags and deletes
// its own policy stores and touches nothing else (see the README).
//
// VPCONFORM_RECORD_DIR records each scenario as a golden file: make record
// TARGET=aws writes fixtures/testdata/aws.
package aws
