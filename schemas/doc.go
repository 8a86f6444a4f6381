// Package schemas holds the JSON Schemas (draft 2020-12) of the Amazon
// Verified Permissions identity-source API, derived from the service's API
// model (2021-12-01), and validates request, response and error bodies
// against them.
//
// There is one file per operation and direction
// (GetIdentitySource.input.schema.json, GetIdentitySource.output.schema.json,
// …), one per error shape (errors/ResourceNotFoundException.schema.json, …)
// and one common.schema.json whose $defs hold the shared shapes (ids, ARNs,
// the configuration unions). Every constraint of the model is encoded:
// required members, lengths, patterns, list bounds, enums, unions as exactly
// one member ("oneOf"), and no unknown members on inputs or outputs. Error
// bodies may carry members the model does not define.
//
// The files are embedded and compiled once when the package is initialised;
// no schema is ever fetched over the network. Validate and ValidateError
// report every broken constraint with its member path and keyword, which is
// what the fake server puts in a ValidationException's fieldList.
package schemas
