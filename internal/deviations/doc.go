// Package deviations is the test-only harness that proves the vpconform
// catalogue (package specs) tells a conforming emulator from one that is
// not: nothing outside this package's own tests imports it.
//
// It holds two lists of HTTP middlewares, each put in front of the
// faithful bundled fake to change it in exactly one way:
//
//   - All returns the Deviations: each is one way an emulator can get the
//     API wrong, with the Evidence letter of the behaviour it breaks, the
//     catalogue scenarios aimed at that behaviour (DetectedBy) and what
//     the report row of a detecting scenario must show (Shows).
//   - Conforming returns the Variants: each is one way an emulator can
//     differ from the fake and still conform, with the sentence naming
//     what allows it (Allowed).
//
// Wrap puts a deviation or a variant in front of a handler.
//
// # Files
//
// deviation.go and variant.go declare the two types and their lists.
// rewrite.go is the one rewriting machinery both are built from:
// apiMiddleware hands each API call (a call, its body decoded) to a
// handler that returns the answer (an answer, buffered, sent with a
// correct Content-Length); answerRewrite, jsonAnswerRewrite,
// successRewrite and identitySourceRewrite narrow it to edits of answers,
// existingSourceRewrite to calls about an identity source that exists, and
// a call can ask the wrapped fake for the state an emulator would read
// from its store (sideCall, current). memory.go keeps what a deviation
// remembers of each identity source between calls (writeMemory: what each
// write left). The deviations are grouped by what they
// break: errors.go (error answers), dates.go, update.go (writes and what
// reads show of them), configuration.go (the members of an identity
// source), protocol.go (the wire) and tokens.go (how IsAuthorizedWithToken
// checks tokens and maps them to principals). The variants are in variant_*.go.
//
// The tests: deviation_test.go and variant_test.go hold one unit test per
// deviation and per variant (its rewrite does what its Description says
// and leaves other traffic alone), and wrapper_test.go the checks common
// to both (declarations, untouched traffic, malformed bodies, a test for
// each). detect_test.go builds the endpoint suite once and runs it, two
// runs at a time, against the faithful fake (which must pass cleanly) and
// against each deviation, reading Ginkgo's JSON report and the kit's
// conformance.json: every scenario of DetectedBy that ran must fail or,
// for an evidence-I behaviour, report a deviation; every detecting row
// must say what was expected and what came back, and one must match
// Shows. conforming_test.go runs the same build against each variant
// (none may fail or report a deviation) and failing_test.go against
// servers that get everything wrong.
//
// # Adding a deviation
//
//  1. Write a constructor returning a Deviation: a kebab-case Name, a
//     one-sentence Description, the Evidence letter, DetectedBy (ids of
//     specs/testdata/catalogue.txt, or id prefixes ending in "*") and
//     Shows, a regular expression derived from the report row of a run,
//     never guessed. Build its middleware from the helpers of rewrite.go;
//     keep it total (a body that is not JSON, or not the shape expected,
//     passes through unchanged) and its state inside the middleware
//     function, so that each Wrap has its own.
//  2. Add it to All, and its unit test to unitTests in deviation_test.go.
//  3. Run go test ./internal/deviations/. A scenario of DetectedBy that
//     does not catch it is a gap of the catalogue: add or fix the
//     scenario in package specs rather than bending the deviation.
//
// # Adding a conforming variant
//
//  1. Write a constructor returning a Variant: a kebab-case Name (not a
//     deviation's), a one-sentence Description and a one-sentence Allowed
//     naming the protocol rule, model pattern, optional member or
//     documentation that allows the change; a change nothing allows is a
//     deviation. Build it from the same helpers, total and with its own
//     state.
//  2. Add it to Conforming, and its unit test to variantUnitTests in
//     variant_test.go.
//  3. Run go test ./internal/deviations/. A scenario that fails or
//     reports a deviation against the variant is a false alarm: fix the
//     scenario in package specs rather than bending the variant.
package deviations
