// Package specs is the vpconform scenario catalogue for the identity-source
// API of Amazon Verified Permissions, written once and run against any
// Target: the bundled fake, an emulator at an endpoint URL, or real AWS. The
// README says how to run it (sections "Certifying an emulator: vpconform"
// and "In a Go suite"), what counts as a difference, what the report holds
// and how golden files are recorded; this comment says how the package is
// organised.
//
// The public surface is what a suite needs to run the catalogue and read
// its results: Register; Target and the functions building one
// (EndpointTarget, EndpointTargetFromEnv, AWSTargetFromEnv); Fixtures,
// Capability and GoldenSettings; the tokens of the token scenarios
// (TokenIssuer, TokenRequest, SuppliedTokens, ErrTokenUnavailable); the reports (WriteReport, Conformances);
// the control-route protocol (InjectedFault, FaultPath,
// ControlTokenHeader); the names of the environment variables (the *Env
// constants: only the …FromEnv functions and WriteReport read the
// environment); and Catalogue, whose Scenarios are read-only data.
//
// The scenario DSL (the session a scenario runs in, its set-up helpers and
// assertions) is not exported, and Register takes no scenario from a
// caller: a scenario belongs in this package, where the manifest, the
// golden set and the catalogue's own tests (every scenario must fail
// against a server answering nonsense) cover it. A suite wanting checks of
// its own writes ordinary Ginkgo specs beside Register.
//
// The files:
//
//   - scenario.go: Scenario (id, MUST sentence, operation, Kind, Evidence,
//     needed capabilities) and catalogue, the index of every group of
//     scenarios; register.go turns each into a Ginkgo It with labels
//     op:, kind:, evidence:, needs: and generated.
//   - catalogue_get*.go, catalogue_update*.go: the scenarios of
//     GetIdentitySource and UpdateIdentitySource, one file per topic of
//     their ids (Cognito, OIDC, outcome, errors or validation); catalogue_create.go,
//     catalogue_list.go and catalogue_policystore.go: the few scenarios of
//     the operations around them; catalogue_tokens.go: what identity
//     sources are for, tokens accepted or refused by IsAuthorizedWithToken
//     and mapped to principals, before and after UpdateIdentitySource, with
//     its helpers (policies, tokens, awaited decisions) in authorize.go.
//   - generated.go and catalogue_faults.go: the scenarios made from the
//     registry of model facts (schemas.Registry) for each operation it
//     marks as a subject: one negative per constraint of the input schema,
//     built from the registry's valid requests; the unknown policy store
//     and identity source; one injected-error scenario per error the
//     operation declares; the signature, AccessDenied and retry scenarios.
//     They send the operation through its entry in opCalls; a subject
//     without one has scenarios that fail at once, saying so.
//   - session.go, resources.go, raw.go, transport.go, poll.go, retry.go:
//     the session a scenario runs in: an SDK client whose exchanges are
//     recorded and checked against the schemas after the spec, a signed raw
//     sender, the set-up helpers (setUpSource) and their cleanups, polling
//     of reads after writes.
//   - expect.go, verdict.go, errors.go, advisory.go: the assertions, each
//     failing with one line saying what was expected and what came back and
//     recording the root cause; advisory (evidence I) expectations.
//   - target.go, targets.go, capability.go, fixtures.go, faults.go,
//     tokens.go: the Target and its builders, capabilities, fixtures,
//     control routes, and where the token scenarios get their tokens
//     (minted by the target, or supplied by the user).
//   - report*.go, failure_line.go, golden.go, manifest.go: the conformance
//     report, golden-file recording and comparison (package fixtures), and
//     the manifest testdata/catalogue.txt, which a test keeps equal to
//     Catalogue (regenerate with go test ./specs -run TestCatalogueManifest
//     -update).
package specs
