// Package deviations proves that the vpconform catalogue catches an emulator
// that differs from AWS. It is test-only tooling of this repository: an
// emulator author never imports it, and nothing outside its own tests does.
//
// Each Deviation is one way a third-party emulator could get the
// identity-source API wrong (a ValidationException without fieldList, a
// stale GetIdentitySource, timestamps as numbers, …). Wrap puts it in front
// of the faithful bundled fake as an HTTP middleware that rewrites requests
// and responses: it buffers the answer, decodes it, changes it and encodes
// it again with a correct Content-Length; where the deviation needs to know
// the emulator's state it asks the wrapped handler, as an emulator would
// read its own store. The fake itself stays faithful, and each wrapped
// server deviates in exactly one way.
//
// Beside the deviations stand the conforming variants: each Variant is one
// way an emulator can differ from the bundled fake and still conform, a
// liberty the awsJson1_0 protocol, the API model or AWS's documentation
// allows (the error code only in __type, namespaced or only in the
// X-Amzn-ErrorType header; ids of another form the model's pattern allows;
// timestamps with another number of fractional digits; clientIds in
// another order; an optional member left out; reworded error messages; …).
// WrapVariant puts one in front of the fake, built from the same
// middleware helpers as the deviations; Conforming lists them. They guard
// the catalogue against false alarms, as the deviations guard it against
// missed ones.
//
// The detection test (detect_test.go) builds the endpoint suite
// (suites/endpoint) once and runs it against the faithful fake and against
// the fake wrapped in each deviation, parsing Ginkgo's JSON report. The
// faithful run must have no failed spec and no advisory deviation; each
// deviation must make at least one of the scenarios in its DetectedBy fail
// or, when the behaviour rests on inference (evidence I), report a
// deviation, and the kit's own report (conformance.json) must say so
// usefully: every detecting row says what was expected and what came back,
// and one matches the deviation's Shows, the two values spelled out. The
// test logs which scenarios detected each one, with their rows.
// TestConformingVariantsPassCleanly (conforming_test.go) runs the same
// build against the fake wrapped in each variant: every run must report at
// least 150 scenarios, none failed and no advisory deviation, and a run
// that does not lists each failing scenario and each deviation. The
// variants that leave requests intact run against a fake that verifies
// SigV4, so the scenarios about credentials run too. Both tests share one
// pool of two runs at a time, with the runs of the failing servers
// (failing_test.go).
//
// # Adding a deviation
//
//  1. Write a constructor returning a Deviation with a kebab-case Name, a
//     one-sentence Description of what the deviating emulator does, the
//     Evidence letter of the behaviour it breaks (the design's wire table),
//     DetectedBy: the catalogue ids (specs/testdata/catalogue.txt) that
//     aim at that behaviour, and Shows: a regular expression for the report
//     row of a detecting scenario, matching the value expected and the
//     value received. Build its middleware from apiMiddleware,
//     answerRewrite, jsonAnswerRewrite or identitySourceRewrite; keep it
//     total (a body that is not JSON, or not the shape expected, passes
//     through unchanged) and keep its state inside the middleware function,
//     so each Wrap has its own.
//  2. Add it to All.
//  3. Add its unit test to the table in deviation_test.go: the rewrite does
//     what the Description says and leaves other traffic alone. A test
//     fails while a deviation has none.
//  4. Run go test ./internal/deviations/. If no scenario in DetectedBy
//     catches it, the catalogue has a gap: add the scenario in package
//     specs rather than bending the deviation.
//
// # Adding a conforming variant
//
//  1. Write a constructor returning a Variant with a kebab-case Name (not
//     the name of a deviation), a one-sentence Description of what it
//     changes and a one-sentence Allowed naming what allows the change: the
//     protocol, a pattern or an optional member of the model, the
//     documentation's prose. A change no such source allows is a
//     deviation, not a variant. Build its middleware from the same helpers
//     as a deviation's, total and with its state inside the middleware
//     function.
//  2. Add it to Conforming.
//  3. Add its unit test to variantUnitTests in variant_test.go: the
//     rewrite does what the Description says and leaves other traffic
//     alone. A test fails while a variant has none.
//  4. Run go test ./internal/deviations/. A scenario that fails or reports
//     a deviation against the variant is a false alarm: fix the scenario
//     in package specs (compare as the Allowed sentence permits) rather
//     than bending the variant.
package deviations
