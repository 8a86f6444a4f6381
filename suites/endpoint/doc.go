// Package endpoint runs the vpconform scenario catalogue (package specs)
// against any endpoint URL speaking the Verified Permissions API, such as a
// standalone vpfake or a third-party emulator: this is how an emulator is
// certified. It runs only when VPCONFORM_ENDPOINT is set; otherwise the test
// is skipped.
//
// The target comes from specs.EndpointTargetFromEnv: credentials from
// AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or static dummy ones (never the
// default chain, so nothing but the endpoint is contacted), region AWS_REGION
// or us-east-1, capabilities from GET <endpoint>/_vpfake/health, denied
// credentials from VPCONFORM_DENIED_ACCESS_KEY_ID and
// VPCONFORM_DENIED_SECRET_ACCESS_KEY, fixtures overridable with
// VPCONFORM_USER_POOL_ARN, VPCONFORM_SECOND_USER_POOL_ARN,
// VPCONFORM_CLIENT_IDS and VPCONFORM_OIDC_ISSUER. Advisory expectations are
// reported, and fail only with VPCONFORM_STRICT=1.
//
//	go run ./fake/cmd/vpfake -addr 127.0.0.1:4599 &
//	VPCONFORM_ENDPOINT=http://127.0.0.1:4599 go test ./suites/endpoint/
//
// VPCONFORM_RECORD_DIR records each scenario as a golden file, and
// VPCONFORM_GOLDEN_DIR compares each with a golden set (make record
// TARGET=endpoint, make compare).
//
// The report is written to reports/endpoint/ (or under
// $VPCONFORM_REPORT_DIR). Scenarios that inject faults change the endpoint
// for everyone: do not point two runs at one endpoint at once.
package endpoint
