// Command vpfake runs the fake of the Amazon Verified Permissions
// identity-source API (package fake) as a standalone HTTP server, for
// clients that are not written in Go or that run in another process.
//
// Usage:
//
//	vpfake [-addr host:port] [-region name] [-account 12digits] [-seed n]
//	       [-propagation-delay duration] [-credentials-file path] [-state-file path]
//	       [-exit-with-parent]
//	vpfake -version
//	vpfake -h
//
// Each flag defaults to an environment variable, and then to a built-in
// value: -addr VPFAKE_ADDR (127.0.0.1:4599), -region VPFAKE_REGION
// (us-east-1), -account VPFAKE_ACCOUNT (123456789012), -seed VPFAKE_SEED (0,
// random ids; any other value makes ids deterministic),
// -propagation-delay VPFAKE_PROPAGATION_DELAY (0: reads see every write at
// once; a Go duration such as 2s makes reads see the state as it was that
// long ago), -credentials-file VPFAKE_CREDENTIALS_FILE (none: requests are
// not authenticated), -state-file VPFAKE_STATE_FILE (none: the state lives
// and dies with the process), -exit-with-parent VPFAKE_EXIT_WITH_PARENT=1
// (off; on, vpfake shuts down when the process that started it exits, which
// make fake relies on). A malformed flag or variable, or a
// credentials file that cannot be read, is not valid JSON or lists no
// credentials, is reported and the command exits with status 2; a state
// file that is refused or a listener that cannot be opened exits with
// status 1.
//
// -version prints "vpfake <version>" (see internal/version) and exits 0.
// -h prints the flags, the control routes and notes on the state file and
// on SDK retries, and exits 0.
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
// A state file keeps the policy stores and identity sources across
// restarts, in the JSON of fake.State:
//
//	{
//	  "formatVersion": 1,
//	  "policyStores": [
//	    {
//	      "policyStoreId": "C7v5xMplfFH3i3e4Jrzb1a",
//	      "arn": "arn:aws:verifiedpermissions::123456789012:policy-store/C7v5xMplfFH3i3e4Jrzb1a",
//	      "validationSettings": {"mode": "STRICT"},
//	      "deletionProtection": "DISABLED",
//	      "createdDate": "2024-08-12T18:20:50.99Z",
//	      "lastUpdatedDate": "2024-08-12T18:20:50.99Z",
//	      "identitySources": [
//	        {
//	          "identitySourceId": "ISEXAMPLEabcdefg111111",
//	          "principalEntityType": "AWS::Cognito",
//	          "configuration": {"cognitoUserPoolConfiguration": {
//	            "userPoolArn": "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_1a2b3c4d5",
//	            "clientIds": ["a1b2c3d4e5f6g7h8i9j0kalbmc"]}},
//	          "createdDate": "2024-08-12T18:20:51Z",
//	          "lastUpdatedDate": "2024-08-12T18:20:51Z"
//	        }
//	      ]
//	    }
//	  ]
//	}
//
// At start vpfake reads the file if it exists; a missing or empty file is an
// empty state, and the file is created at the first change. A file that is
// not valid JSON, or not a valid state (checked as fake.Server.SetState
// checks it: ids, configurations against the API's constraints, ARNs of the
// -account, dates, one identity source per policy store), is refused before
// vpfake listens, with an error naming the file and the line and column of
// the JSON error or the invalid item, and the file is left untouched. After
// each change (API writes, POST /_vpfake/reset, PUT /_vpfake/state) vpfake
// writes the whole state to a temporary file in the same directory and
// renames it over the file, at most every 100ms, and a last time at
// shutdown; a file it has not changed is not rewritten. clientTokens,
// faults, rate limits and the history behind -propagation-delay are not
// kept.
//
// It prints "vpfake listening on http://<addr>" once it accepts requests,
// then logs one line per request to stderr (operation, status, duration).
// SIGINT or SIGTERM shuts it down gracefully, letting requests in flight
// finish, then writes the state file.
//
// Point any AWS SDK at it with the endpoint URL http://<addr> and, unless a
// credentials file is given, any credentials. SDKs retry
// ThrottlingException and InternalServerException by default, so a fault
// injected with count 1 is retried away unless the client makes a single
// attempt (AWS_MAX_ATTEMPTS=1, or RetryMaxAttempts = 1 in Go). The control
// routes, never authenticated, are those of fake.Server.Handler: GET
// /_vpfake/health reports readiness and settings, POST /_vpfake/reset
// forgets all state, faults and rate limits, /_vpfake/faults and
// /_vpfake/ratelimits inject faults and rate limits, and GET and PUT
// /_vpfake/state read and replace the state.
package main
