// Package examples holds runnable examples of the standalone fake (vpfake)
// driven by clients that are not written in Go (the Go examples are
// packages of their own under go/):
//
//	python/  boto3: example_boto3.py, runnable on its own or under pytest,
//	         with vpfake_fixture.py (run_vpfake, a context manager that starts
//	         and stops a vpfake) and conftest.py (the vpfake_endpoint fixture)
//	js/      the AWS SDK for JavaScript v3: example.mjs, with package.json and
//	         package-lock.json (npm ci --prefix examples/js)
//	cli/     the AWS CLI: example.sh
//
// Each creates a policy store and a Cognito identity source, reads it,
// updates its client ids, reads it again, checks the update and prints the
// identity source as JSON. They read the fake's URL from $VPFAKE_ENDPOINT
// (example_boto3.py also from its argument, and starts a vpfake of its own
// when given neither) and use dummy credentials.
//
// The package has no code: its test builds vpfake, starts a fresh one for
// each example on a free loopback port and runs the example against it,
// skipping an example whose client (python3 with boto3, pytest, node with
// the installed SDK, aws) is missing. The examples run with no AWS_*
// variable of the caller and a temporary HOME, so no real credentials or
// configuration are read and only loopback is contacted.
package examples
