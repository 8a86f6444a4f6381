// Package aws runs the vpconform scenario catalogue (package specs) against
// real Amazon Verified Permissions. It is opt-in: it runs only with
// VPCONFORM_AWS=1, and is otherwise skipped.
//
// It uses config.LoadDefaultConfig, so the default credential chain and
// region, and honours AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS (which is how CI
// points it at a standalone fake). The account must hold a Cognito user
// pool: set VPCONFORM_AWS_USER_POOL_ARN (required) and optionally
// VPCONFORM_AWS_SECOND_USER_POOL_ARN, VPCONFORM_AWS_CLIENT_IDS
// (comma-separated) and VPCONFORM_AWS_OIDC_ISSUER. VPCONFORM_AWS_DENIED_PROFILE
// names a shared-config profile lacking the identity-source permissions,
// which enables the access-denied and signature scenarios. Fault injection
// is not available.
//
// What it touches: it creates policy stores, each tagged
// vpconform-run=<run id> and described "vpconform <scenario id>", and
// identity sources in them, and deletes them after each scenario. It never
// reads, changes or deletes anything it did not create. Reads after writes
// are polled, since the service is eventually consistent. Advisory
// expectations are reported, and fail only with VPCONFORM_STRICT=1.
//
// VPCONFORM_RECORD_DIR records each scenario as a golden file (make record
// TARGET=aws writes fixtures/testdata/aws).
//
//	VPCONFORM_AWS=1 VPCONFORM_AWS_USER_POOL_ARN=arn:aws:cognito-idp:… go test ./suites/aws/
package aws
