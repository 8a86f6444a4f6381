// Package schemas holds the JSON Schemas (draft 2020-12) of the Amazon
// Verified Permissions operations the kit serves (the identity-source and
// policy-store operations, the policy operations and the two authorization
// operations with a token, IsAuthorizedWithToken and
// BatchIsAuthorizedWithToken), derived from the service's API model
// (2021-12-01), and validates request, response and error bodies against
// them.
//
// There is one file per operation and direction
// (GetIdentitySource.input.schema.json, GetIdentitySource.output.schema.json,
// …), one per error shape (errors/ResourceNotFoundException.schema.json, …)
// and one common.schema.json whose $defs hold the shared shapes (ids, ARNs,
// the configuration unions, the policy definitions, the entity and
// attribute shapes). Every constraint of the model is encoded: required
// members, lengths, patterns, list bounds, enums, unions as exactly one
// member ("oneOf"), and no unknown members on inputs or outputs. Error
// bodies may carry members the model does not define.
//
// Where the two saved models differ, botocore's newer service-2.json wins
// (PolicyId's pattern, EntityId's and ActionId's maximum lengths, the
// optional definition of UpdatePolicy, policy names, entity tags); the
// Smithy model adds what botocore cannot state (anchored patterns,
// uniqueItems, RFC 3339 timestamps). A description "Sensitive." marks a
// shape the model marks sensitive. AttributeValue is recursive (a set or
// record holds AttributeValues): its schema refers to itself, and a walk of
// the schemas lists its constraints once per path.
//
// The files are embedded and each is compiled once, the first time it is
// used (so a program validating a few operations starts without compiling
// the rest); no schema is ever fetched over the network. The package
// compiles them itself (validator.go) for the keywords they use, because
// the fake validates every request: a general validator's walk cost
// several times the decoding of the body, and its package initialisation
// most of vpfake's start-up. The tests keep
// github.com/santhosh-tekuri/jsonschema/v5 as the reference
// (oracle_test.go) and hold the package to it: the same violations, with
// the same pointers, keywords, messages and order, over the registry's
// requests, random mutations of them, the golden recordings, edge cases and
// a fuzz target (make fuzz). Validate and ValidateError
// report every broken constraint with its member path and keyword, which is
// what the fake server puts in a ValidationException's fieldList.
package schemas
