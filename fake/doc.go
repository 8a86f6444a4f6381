// Package fake is an in-process fake of the identity-source API of Amazon
// Verified Permissions (service verifiedpermissions, API 2021-12-01), with
// the static policies and the token authorization (IsAuthorizedWithToken,
// BatchIsAuthorizedWithToken) that identity sources exist for: an
// awsJson1_0 HTTP server for tests that call that API through the AWS SDK
// for Go v2 or any other client. cmd/vpfake runs it as a standalone process.
//
// Start a server the way httptest.NewServer starts one, and point a client
// at it:
//
//	srv := fake.NewServer()
//	defer srv.Close()
//	vp := verifiedpermissions.NewFromConfig(srv.AWSConfig())
//
// The README shows it in use ("Testing Go code against the fake") and lists
// what it refuses before the model; vpfake -h gives the standalone fake's
// flags and the control routes. Each exported name documents its own
// behaviour: NewServer and the options (WithCredentials, WithFault,
// WithPropagationDelay, WithState, the limits such as WithMaxPolicyStores),
// AWSConfig (and the SDK's retries), Fault and InjectFault, SetRateLimit,
// State and SetState, IssueToken (test tokens), Handler (the control
// routes) and the error types.
//
// # How it is organised
//
// Facts of the API model are not kept here: the operations of the model,
// each operation's constraints and each error shape's HTTP status come
// from package schemas (its JSON Schemas and its registry). The operations
// served are those of the table in protocol.go, one engine method each,
// which a test holds equal to the registry's served operations. A request
// goes through these files in turn:
//
//   - server.go: Server, its lifecycle and the top-level handler (request
//     id, recover guard, then the control routes or the API); options.go
//     the options and their defaults.
//   - protocol.go: the awsJson1_0 layer, which authenticates, parses,
//     dispatches and serialises, in the order apiHandler.serve gives;
//     wire.go reads X-Amz-Target and checks the body's encoding;
//     validation.go checks the body against its input schema; errors.go
//     holds the error shapes.
//   - auth.go: SigV4 verification and IAM actions; credentials.go:
//     Credential, ParseCredentials and the one check of a list of them.
//   - faults.go: injected faults and rate limits.
//   - engine.go: the behaviour, one typed method per operation, over the
//     shapes of shapes.go; ids.go makes ids, tokens.go keeps clientTokens,
//     consistency.go the history reads see under a propagation delay, and
//     limits.go the bounds and what a call beyond them is answered.
//   - policy.go: static policies, parsed and scoped with cedar-go;
//     authorize.go: IsAuthorizedWithToken and BatchIsAuthorizedWithToken,
//     which verify a token against the identity source whose issuer signed
//     it, map it to a principal, its groups, attributes and context, and
//     evaluate the store's policies with cedar-go.
//   - state.go: State, ParseState and SetState; control.go: the control
//     routes under /_vpfake/.
//   - issuer.go: the built-in test token issuer (IssueToken, TokenRequest,
//     POST /_vpfake/tokens): RS256 tokens for a user pool or an OIDC issuer,
//     signed by one RSA key per server, made on first use and published
//     at /_vpfake/jwks.json; it also verifies the tokens
//     IsAuthorizedWithToken receives.
//
// internal/sdktest holds what the tests of this package and of cmd/vpfake
// share.
//
// # How far it can be trusted
//
// What the fake answers rests on evidence of four kinds, as the README's
// "What the fake does, and how far to trust it" explains. From the model:
// every request body is validated against the project's JSON Schemas
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
// Policies and tokens. From the model: the shapes, constraints and
// declared errors of the five policy operations and the two authorization
// operations, and principal in their answers. Documented: a statement that
// does not parse as exactly one static Cedar policy is a ValidationException;
// DeletePolicy of a missing policy answers 200; clientToken idempotency as
// for identity sources; a token must be signed by a key of the identity
// source's issuer, unexpired, with token_use matching the parameter it came
// in (for Cognito), and with its aud (ID token) or client_id (access token)
// among the configured client ids, or for OpenID Connect the token type
// tokenSelection names with aud among its clientIds or audiences; claims
// named cognito, custom or dev are refused; the principal is
// <principalEntityType>::"<user pool id>|<sub>" (Cognito) or
// "<entityIdPrefix>|<principalIdClaim>" (OIDC), the groups parents of
// groupEntityType with ids "<user pool id>|<group>", the ID token's claims
// principal attributes and the access token's context.token (scope as a
// set); at most 30 requests per batch, answered in order. Observed: a
// refused token is a ValidationException (HTTP 400). Inferred: the
// messages; a store without identity source answering
// ResourceNotFoundException IDENTITY_SOURCE; a token of an issuer no source
// has being a ValidationException; no leeway on exp; token_use checked for
// OIDC only when present; the bare claim as entity id when entityIdPrefix
// is absent; AWS::CognitoGroup for Cognito groups without a group
// configuration; UpdatePolicy refusing to change the effect, principal or
// resource with a ValidationException; policy names unique per store
// (ConflictException); bodies nested deeper than 64 levels refused as
// SerializationException. Policies are read in their latest state, also
// under a propagation delay; identity sources, as for GetIdentitySource,
// only once the delay has passed, so an UpdateIdentitySource reaches
// authorization when it reaches reads.
//
// Not modelled: schemas and policy validation (PutSchema and GetSchema are
// not served, so STRICT stores check no policy against a schema), policy
// templates (a templateLinked policy names a template that cannot exist:
// ResourceNotFoundException POLICY_TEMPLATE), the limits of 100 entities and
// 99 groups per request, presigned URLs, IAM policies beyond a list of allowed
// actions (no resources, conditions or denies), jitter or per-resource
// variation in propagation, policy-store aliases (an alias is an unknown
// policy store), and the operations the fake does not serve (the
// registry's schemas.Default().Unserved()), which answer
// NotImplementedException.
package fake
