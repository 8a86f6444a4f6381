// Command vpfake runs the fake of the Amazon Verified Permissions
// identity-source API (package fake) as a standalone HTTP server, for
// clients that are not written in Go or that run in another process.
//
// Usage:
//
//	vpfake [-addr host:port] [-region name] [-account 12digits] [-seed n]
//	       [-propagation-delay duration] [-credentials-file path]
//
// Each flag defaults to an environment variable, and then to a built-in
// value: -addr VPFAKE_ADDR (127.0.0.1:4599), -region VPFAKE_REGION
// (us-east-1), -account VPFAKE_ACCOUNT (123456789012), -seed VPFAKE_SEED (0,
// random ids; any other value makes ids deterministic),
// -propagation-delay VPFAKE_PROPAGATION_DELAY (0: reads see every write at
// once; a Go duration such as 2s makes reads see the state as it was that
// long ago), -credentials-file VPFAKE_CREDENTIALS_FILE (none: requests are
// not authenticated). A malformed flag or variable, or a credentials file
// that cannot be read, is not valid JSON or lists no credentials, is
// reported and the command exits with status 2; a listener that cannot be
// opened exits with status 1.
//
// A credentials file turns SigV4 verification and access control on. It is
// a JSON array:
//
//	[
//	  {"accessKeyId": "AKIDADMIN", "secretAccessKey": "admin-secret", "allow": ["verifiedpermissions:*"]},
//	  {"accessKeyId": "AKIDREADER", "secretAccessKey": "reader-secret",
//	   "principal": "arn:aws:iam::123456789012:role/reader", "allow": ["verifiedpermissions:Get*"]}
//	]
//
// Every API request must then be signed by one of the keys for the fake's
// Region, and the key must allow the IAM action verifiedpermissions:<Operation>
// (else AccessDeniedException naming principal, action and policy store ARN).
// See fake.Credential.
//
// It prints "vpfake listening on http://<addr>" once it accepts requests,
// then logs one line per request to stderr (operation, status, duration).
// SIGINT or SIGTERM shuts it down gracefully, letting requests in flight
// finish.
//
// Point any AWS SDK at it with the endpoint URL http://<addr> and, unless a
// credentials file is given, any credentials. The control routes, never
// authenticated, are those of fake.Server.Handler: GET /_vpfake/health
// reports readiness and settings, POST /_vpfake/reset forgets all state,
// faults and rate limits, and /_vpfake/faults and /_vpfake/ratelimits inject
// faults and rate limits.
package main
