// Package fake is an in-process fake of the identity-source API of Amazon
// Verified Permissions (service verifiedpermissions, API 2021-12-01), for
// tests that call that API through the AWS SDK for Go v2 or any awsJson1_0
// client.
//
// # Use
//
// Start a server the way httptest.NewServer starts one, and point a client
// at it:
//
//	srv := fake.NewServer()
//	defer srv.Close()
//	vp := verifiedpermissions.NewFromConfig(srv.AWSConfig())
//
// AWSConfig uses the in-memory transport (Client); a client configured with
// only BaseEndpoint: srv.URL() and any static credentials uses the loopback
// listener instead. WithoutListener builds a server with no socket at all.
// WithClock and WithIDSeed make dates and ids deterministic. Handler can be
// mounted on any listener; cmd/vpfake does that to run the fake as a
// standalone process.
//
// AWSConfig keeps the SDK's default retries (3 attempts, with backoff), as
// a real client has them. ThrottlingException and InternalServerException
// are retryable, so an injected fault of either with Count 1 is retried
// away: the call succeeds at its second attempt and the test sees no error.
// A test that means to see the error makes one attempt:
//
//	cfg := srv.AWSConfig()
//	cfg.RetryMaxAttempts = 1
//	vp := verifiedpermissions.NewFromConfig(cfg)
//
// (or injects the fault with a Count above the attempts, or 0 for every
// call).
//
// The fake serves CreatePolicyStore, GetPolicyStore, DeletePolicyStore,
// CreateIdentitySource, GetIdentitySource, UpdateIdentitySource,
// DeleteIdentitySource and ListIdentitySources. Any other
// VerifiedPermissions operation answers NotImplementedException (HTTP 501)
// naming it.
//
// # Faults and rate limits
//
// InjectFault (or WithFault, or the control route) makes calls of one
// operation, or of all ("*"), fail with a declared error: ThrottlingException,
// InternalServerException, ConflictException, AccessDeniedException,
// ServiceQuotaExceededException, ResourceNotFoundException or
// ValidationException (FaultErrors lists them), for the next Count calls or
// until cleared, optionally after a Delay. Nothing is random. Each attempt
// of an SDK's retries is a call: see Use for the retries AWSConfig keeps. A fault fires after the operation is
// identified and the caller authenticated and authorised, before the body is
// validated and before any state is touched, so a faulted call has no
// effect. Faults are tried in the order injected; the first that matches
// fires and, if counted, is used up. SetRateLimit (or WithRateLimit) puts a
// token bucket, driven by the server's clock, on an operation or on all;
// a call over the limit is a ThrottlingException with serviceCode
// "verifiedpermissions" and quotaCode "L-RATE-<OPERATION>". ClearFaults and
// Reset remove faults and rate limits. An error the operation does not
// declare in the model (a ServiceQuotaExceededException from
// UpdateIdentitySource, say) reaches an SDK as a generic API error with
// that code rather than as the typed error.
//
// A server holds at most 1,000 faults (WithMaxFaults), each with a message
// of at most 4,096 bytes (WithMaxFaultMessageBytes), serviceCode and
// quotaCode of at most 256 bytes, and at most 10 resources with ids of at
// most 200 bytes; a fault beyond is refused. A Delay ends early when the
// request is cancelled, and for every call at once when EndDelays is
// called (Close calls it; cmd/vpfake calls it when shutdown begins): the
// call then answers its fault immediately.
//
// # Credentials
//
// By default requests are not authenticated: signatures and credentials are
// ignored. WithCredentials turns verification on: every API request must
// carry a SigV4 Authorization header for service verifiedpermissions and the
// server's Region, signed by one of the given access keys, with an X-Amz-Date
// (else MissingAuthenticationTokenException, IncompleteSignatureException,
// UnrecognizedClientException or InvalidSignatureException). The signature is
// recomputed with the AWS SDK's own signer over the headers the client
// signed and the body as received, so a request changed after signing
// fails. The credential must then allow the IAM action
// verifiedpermissions:<Operation> (see Credential), else
// AccessDeniedException naming the principal, the action and the policy
// store's ARN. Control routes are not authenticated by signatures; with
// WithControlToken they require a bearer token instead (see Control
// routes).
//
// The checks follow AWS's, in this order: the SignedHeaders must include
// host, x-amz-date and x-amz-target, and every signed header must be in the
// request (else IncompleteSignatureException); the credential scope must
// name verifiedpermissions, the server's Region and X-Amz-Date's day, and
// X-Amz-Date must be within 15 minutes of the signing clock (the server's
// clock; SetSigningClock replaces it), else InvalidSignatureException with
// AWS's messages ("Credential should be scoped to …", "Signature expired: …
// (… - 15 min.)", "Signature not yet current: … (… + 15 min.)"), so a
// request replayed more than 15 minutes later is refused; the access key
// must be known and X-Amz-Security-Token must be exactly its SessionToken,
// if it has one, and absent otherwise (else UnrecognizedClientException,
// "The security token included in the request is invalid."); the signature
// must match (else InvalidSignatureException). Every authentication error
// is HTTP 400, as AWS's JSON services answer them. API responses carry a
// Date header from the signing clock, so the SDKs' clock-skew correction
// works against a fake clock.
//
// # What the fake refuses before the model
//
// Go's net/http answers first a malformed request line or headers (400) and
// headers over the limit (431), in plain text without __type. Then: a
// method other than POST is UnknownOperationException (405); no
// X-Amz-Target, another service's, or a name that is not an operation of
// the model (names are case-sensitive) is UnknownOperationException (400),
// the name echoed clipped; a model operation the fake does not serve is
// NotImplementedException (501); a wrong Content-Type, a body over 4 MiB,
// bytes that are not UTF-8, a lone UTF-16 surrogate escape, a body that is
// not one JSON object, or a member of the wrong JSON type (including a
// number that is not a 32-bit integer written without fraction or exponent
// where the model says integer) is SerializationException (400). Any other
// broken constraint is ValidationException (400) listing the first ten
// violations and how many more there were, so a refusal stays a few KiB
// whatever the request's size.
//
// # Eventual consistency
//
// WithPropagationDelay makes reads (GetPolicyStore, GetIdentitySource,
// ListIdentitySources) see the state as it was the delay ago by the server's
// clock: a resource created within the delay is not found yet, an update
// within it is not visible yet (the previous configuration and dates are
// returned), a deletion within it not applied yet. The existence checks that
// writes make see the delay too, as on AWS (Terraform retries a
// CreateIdentitySource that answers ResourceNotFoundException right after
// CreatePolicyStore): CreateIdentitySource in a store created within the
// delay, and UpdateIdentitySource or DeleteIdentitySource of a source created
// within it, answer ResourceNotFoundException; a careful client retries them.
// What a write changes is always the latest state, and DeletePolicyStore,
// which succeeds for a missing store, always deletes the latest one. The
// default is no delay.
//
// # Limits
//
// Nothing a client sends can make the server hold memory without bound;
// each bound is an option, and GET /_vpfake/health lists them all under
// "limits" (Server.Limits) with what is in use under "usage"
// (Server.Usage):
//
//   - Policy stores: at most 30,000 (WithMaxPolicyStores), AWS's default
//     quota of policy stores per Region per account, which an account may
//     have raised. A CreatePolicyStore beyond it is answered as AWS
//     answers its quota: ServiceQuotaExceededException (HTTP 402) with
//     serviceCode "verifiedpermissions", quotaCode "L-919F2C9C" and
//     resourceType POLICY_STORE. A replayed clientToken still answers.
//   - Identity sources: one per policy store, AWS's quota, not adjustable
//     (ServiceQuotaExceededException, resourceType IDENTITY_SOURCE).
//   - encryptionContext: at most 8,192 bytes of keys and values
//     (WithMaxEncryptionContextBytes), the size limit the model documents
//     for EncryptionContext, whose entries the model otherwise leaves
//     unbounded in length: a ValidationException naming
//     encryptionSettings.kmsEncryptionSettings.encryptionContext. Tags are
//     bounded by the model itself (200 entries of at most 128 and 256
//     characters).
//   - State: at most 256 MiB (WithMaxStateBytes) of policy stores and
//     identity sources as the fake estimates them (their strings and a
//     fixed overhead each), counting under a propagation delay the earlier
//     versions reads can still see. The model leaves some members without
//     a length limit (OIDC claims), so that without this bound identity
//     sources could fill the memory; AWS has no such quota. A create or
//     update beyond it is ServiceQuotaExceededException with quotaCode
//     "L-VPFAKE-STATE-BYTES".
//   - clientTokens: remembered for 8 hours, by a SHA-256 digest of the
//     input rather than the input, and forgotten once the 8 hours have
//     passed or the resource the call created is deleted (a create
//     replayed afterwards is a new call). So they never outnumber the
//     resources that exist.
//   - Request bodies: at most 4 MiB (SerializationException beyond).
//   - Faults: see Faults and rate limits.
//   - HTTP: the server's listener, and an http.Server from NewHTTPServer,
//     allow 10s to read a request's headers (WithReadHeaderTimeout), 30s to
//     read the whole request (WithReadTimeout: a body still arriving then is
//     cut off), 60s for a keep-alive connection to stay idle
//     (WithIdleTimeout), and 64 KiB of headers (WithMaxHeaderBytes; larger
//     is HTTP 431). A handler may take longer than the read timeout: only
//     reading is bounded.
//
// SetState refuses a state beyond the limits. No call's cost grows with the
// number of resources held: the history behind WithPropagationDelay is
// pruned from a queue of the versions recorded, in time order, rather than
// by walking every resource, and of versions recorded at one instant only
// the last is kept.
//
// # State
//
// State returns every policy store and identity source, with all their
// members and dates, as a JSON document (see State for its format); SetState
// replaces the whole state with one, atomically, after checking all of it
// against the rules the API enforces (the same schemas as requests, one
// identity source per policy store, ids unique, ARNs of the server's
// account, RFC 3339 dates), and changes nothing if any of it is wrong;
// WithState starts a server from one, and ParseState reads one strictly,
// locating syntax errors, unknown members and values of the wrong type by
// line and column. WithStateChanged has a function called after every
// change, so that the state can be saved: cmd/vpfake -state-file writes it
// to a file that way and reads it back at start, so that a fake outlives its
// process.
//
// A state keeps policy stores and identity sources only. clientTokens are
// forgotten by SetState (a create replayed afterwards is a new call), the
// history behind WithPropagationDelay is not kept (a state set is visible
// to reads at once), faults and rate limits are not part of it (SetState
// leaves them as they are), and a WithIDSeed sequence starts again, skipping
// the ids in use.
//
// # Control routes
//
// Besides the API, Handler serves plain-JSON control routes under
// /_vpfake/; a request they cannot use is answered 400 {"message": "..."}.
// They are open unless WithControlToken is given: then every route but
// health requires the header "Authorization: Bearer <token>" (or
// "X-Vpfake-Control-Token: <token>") and answers 401 {"message": "..."},
// with WWW-Authenticate: Bearer, without it.
//
//	GET    /_vpfake/health      {"status":"ok","service":"vpfake","capabilities":["fault-injection","reset","state"],
//	                             "authentication":false,"controlToken":false,"propagationDelayMs":0,
//	                             "limits":{"policyStores":30000,"identitySourcesPerPolicyStore":1,
//	                               "encryptionContextBytes":8192,"stateBytes":268435456,"faults":1000,
//	                               "faultMessageBytes":4096,"clientTokenWindowSeconds":28800,"requestBodyBytes":4194304,
//	                               "readHeaderTimeoutMs":10000,"readTimeoutMs":30000,"idleTimeoutMs":60000,
//	                               "maxHeaderBytes":65536},
//	                             "usage":{"policyStores":0,"identitySources":0,"stateBytes":0,"clientTokens":0,"faults":0}}
//	                            with ?heap=1 also "heapAllocBytes", the process's heap in use
//	                            (runtime.MemStats.HeapAlloc); with ?gc=1 that after a garbage collection
//	POST   /_vpfake/reset       the same as Reset; answers {}
//	POST   /_vpfake/faults      {"operation":"UpdateIdentitySource","error":"ThrottlingException","count":1,
//	                             "delayMs":0,"message":"","serviceCode":"","quotaCode":"",
//	                             "resources":[{"resourceId":"…","resourceType":"IDENTITY_SOURCE"}]}
//	                            answers {"id":"fault-1"}; only operation and error are required;
//	                            400 beyond the fault limits (see Faults and rate limits)
//	GET    /_vpfake/faults      {"faults":[{…as posted…,"id":"fault-1","remaining":1}],
//	                             "rateLimits":[{"operation":"GetIdentitySource","perSecond":5,"burst":5}]}
//	                            (remaining is 0 for a fault with count 0, which never runs out)
//	DELETE /_vpfake/faults      the same as ClearFaults; answers {}
//	POST   /_vpfake/ratelimits  {"operation":"GetIdentitySource","perSecond":5,"burst":5}; answers {}
//	GET    /_vpfake/state       the State: {"formatVersion":1,"policyStores":[{…,"identitySources":[…]}]}
//	PUT    /_vpfake/state       a State, as GET answers it: the same as ParseState then SetState; answers {},
//	                            or 400 naming what is wrong (by line and column, or by item), the state untouched
//
// The error of a fault is one of FaultErrors; operation is one the fake
// serves or "*".
//
// # How far it can be trusted
//
// Every request body is validated against the project's JSON Schemas
// (package schemas), which carry every constraint of the service model:
// required members, lengths, patterns, list bounds, enums, unions and
// unknown members. A violation is a ValidationException whose fieldList names
// each member path. Error shapes, their members and HTTP statuses, the
// members and optionality of every output, principalIdClaim's default "sub",
// and the RFC 3339 timestamps also come from the model.
//
// Taken from the AWS documentation: the policy store ARN
// (arn:aws:verifiedpermissions::<account>:policy-store/<id>, no Region); the
// Cognito issuer https://cognito-idp.<region>.amazonaws.com/<userPoolId>
// derived from the user pool ARN; one identity source per policy store
// (ServiceQuotaExceededException); 30,000 policy stores per Region per
// account by default, quota code L-919F2C9C; the 8,192 limit of an
// encryptionContext (the model's); principalEntityType AWS::Cognito when a
// Cognito create omits it; clientToken idempotency for 8 hours with
// ConflictException on different input; DeletePolicyStore answering 200
// for a missing store and InvalidStateException under deletion protection;
// ListIdentitySources' default page size of 10 and maximum of 50.
//
// Observed on AWS by third parties: 22-character base62 ids; clientIds
// omitted on input returned as []; UpdateIdentitySource replacing the whole
// configuration, switching between Cognito and OIDC.
//
// Inferred, unconfirmed against AWS: the deprecated details member (sent for
// Cognito only, with discoveryUrl equal to the issuer); the
// principalEntityType default on updates and for OIDC; not-found errors
// naming POLICY_STORE before IDENTITY_SOURCE; DeletePolicyStore deleting the
// store's identity sources; the protocol errors (UnknownOperationException
// for a missing or foreign X-Amz-Target, 405 for a method other than POST,
// SerializationException for a wrong Content-Type, a body that is not one
// JSON object or a member of the wrong JSON type, an empty body read as {});
// the wording of messages; the format of nextToken; several filters in
// ListIdentitySources matching an identity source when any one of them does;
// lastUpdatedDate advancing by a microsecond when the clock has not moved;
// timestamps truncated to microseconds; the policy-store quota answered
// like the identity-source quota (ServiceQuotaExceededException, HTTP 402),
// with that quota code, serviceCode "verifiedpermissions", resourceType
// POLICY_STORE, no resourceId, and the fake's message; the encryptionContext
// limit counted in bytes of keys and values (the model says 8192 of a map)
// and answered ValidationException; a clientToken forgotten when its
// resource is deleted.
//
// Taken from AWS's common behaviour, not from this service's model: the four
// authentication errors, their statuses and the messages of
// MissingAuthenticationTokenException, UnrecognizedClientException and
// InvalidSignatureException; the AccessDeniedException message ("User: …
// is not authorized to perform: … on resource: …"). Inferred: the order of
// the checks (authentication before the method and operation are looked at;
// authorisation, then faults and rate limits, before the Content-Type and
// the schema), the wording of IncompleteSignatureException messages, the
// resource of an AccessDeniedException being the policy store ARN named in
// the body (policy-store/* for CreatePolicyStore or when the body names
// none), the default messages and members of injected errors, and reads
// lagging by exactly one fixed delay (AWS only says a few seconds).
//
// Not modelled: presigned URLs, IAM policies beyond
// a list of allowed actions (no resources, conditions or denies), jitter or
// per-resource variation in propagation, policy-store aliases (an alias is
// an unknown policy store), and policies, templates, schemas and
// authorization.
package fake
