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
// The fake serves CreatePolicyStore, GetPolicyStore, DeletePolicyStore,
// CreateIdentitySource, GetIdentitySource, UpdateIdentitySource,
// DeleteIdentitySource and ListIdentitySources. Any other
// VerifiedPermissions operation answers NotImplementedException (HTTP 501)
// naming it. Besides the API, Handler serves control routes:
// GET /_vpfake/health and POST /_vpfake/reset (the same as Reset).
//
// Requests are not authenticated: signatures and credentials are ignored.
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
// (ServiceQuotaExceededException); principalEntityType AWS::Cognito when a
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
// timestamps truncated to microseconds.
//
// Not modelled: authentication and IAM permissions (no AccessDeniedException),
// throttling, eventual consistency (every write is visible at once),
// policy-store aliases (an alias is an unknown policy store), and policies,
// templates, schemas and authorization.
package fake
