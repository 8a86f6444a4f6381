// Command vpfake runs the fake of the Amazon Verified Permissions
// identity-source API (package fake) as a standalone HTTP server, for
// clients that are not written in Go or that run in another process.
//
// Usage:
//
//	vpfake [-addr host:port] [-region name] [-account 12digits] [-seed n]
//	       [-propagation-delay duration] [-credentials-file path] [-state-file path]
//	       [-exit-with-parent] [-control-token token]
//	       [-max-policy-stores n] [-max-encryption-context-bytes n] [-max-state-bytes n]
//	       [-max-faults n] [-max-fault-message-bytes n]
//	       [-read-header-timeout d] [-read-timeout d] [-idle-timeout d] [-max-header-bytes n]
//	       [-shutdown-timeout d]
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
// make fake relies on), -control-token VPFAKE_CONTROL_TOKEN (none: the
// control routes are open; prefer the variable, as flags show in ps).
//
// The limits (see package fake, Limits) are flags too, each with its
// variable: -max-policy-stores VPFAKE_MAX_POLICY_STORES (30000, AWS's
// default quota of policy stores per Region per account),
// -max-encryption-context-bytes VPFAKE_MAX_ENCRYPTION_CONTEXT_BYTES (8192),
// -max-state-bytes VPFAKE_MAX_STATE_BYTES (268435456, 256 MiB, the fake's
// own bound on its estimated state), -max-faults VPFAKE_MAX_FAULTS (1000),
// -max-fault-message-bytes VPFAKE_MAX_FAULT_MESSAGE_BYTES (4096), and for
// HTTP -read-header-timeout VPFAKE_READ_HEADER_TIMEOUT (10s), -read-timeout
// VPFAKE_READ_TIMEOUT (30s: a request body still arriving then is cut off),
// -idle-timeout VPFAKE_IDLE_TIMEOUT (60s: an idle keep-alive connection is
// closed then) and -max-header-bytes VPFAKE_MAX_HEADER_BYTES (65536);
// -shutdown-timeout VPFAKE_SHUTDOWN_TIMEOUT (10s) bounds the drain at
// shutdown. Each count must be at least 1 and each duration positive.
//
// A CreatePolicyStore beyond -max-policy-stores is answered as AWS answers
// its quota: ServiceQuotaExceededException (HTTP 402) with serviceCode
// "verifiedpermissions" and quotaCode "L-919F2C9C". An encryptionContext
// over -max-encryption-context-bytes (keys and values) is a
// ValidationException. A create or update that would take the state over
// -max-state-bytes is ServiceQuotaExceededException with quotaCode
// "L-VPFAKE-STATE-BYTES". A fault beyond -max-faults, or with a message
// over -max-fault-message-bytes, is refused with 400 {"message"}. GET
// /_vpfake/health lists every limit under "limits" and what is in use
// under "usage"; with ?heap=1 it adds the process's heap in
// "heapAllocBytes", and with ?gc=1 the heap after a garbage collection (as
// internal/soak reads it).
//
// A malformed flag or variable, or a
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
// SIGINT or SIGTERM shuts it down gracefully: it stops accepting
// connections, ends every fault delay at once (a call held by one answers
// its fault immediately, see fake.Server.EndDelays) and waits up to
// -shutdown-timeout for the requests in flight; request bodies still
// arriving then are cut short (the call answers SerializationException),
// and only requests still unanswered 2s later have their connections
// closed. Then it writes the state file. It exits 0 when every request was
// answered, 1 otherwise.
//
// Point any AWS SDK at it with the endpoint URL http://<addr> and, unless a
// credentials file is given, any credentials. SDKs retry
// ThrottlingException and InternalServerException by default, so a fault
// injected with count 1 is retried away unless the client makes a single
// attempt (AWS_MAX_ATTEMPTS=1, or RetryMaxAttempts = 1 in Go). The control
// routes are those of fake.Server.Handler: GET /_vpfake/health reports
// readiness, settings, limits and usage, POST /_vpfake/reset forgets all
// state, faults and rate limits, /_vpfake/faults and /_vpfake/ratelimits
// inject faults and rate limits, and GET and PUT /_vpfake/state read and
// replace the state. They are not authenticated by signatures; with
// -control-token every route but health requires the header
// "Authorization: Bearer <token>" (or "X-Vpfake-Control-Token: <token>")
// and answers 401 {"message"} without it.
package main
