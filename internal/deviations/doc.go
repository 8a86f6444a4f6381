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
// The detection test (detect_test.go) builds the endpoint suite
// (suites/endpoint) once and runs it against the faithful fake and against
// the fake wrapped in each deviation, parsing Ginkgo's JSON report. The
// faithful run must have no failed spec and no advisory deviation; each
// deviation must make at least one of the scenarios in its DetectedBy fail
// or, when the behaviour rests on inference (evidence I), report a
// deviation. The test logs which scenarios detected each one.
//
// # Adding a deviation
//
//  1. Write a constructor returning a Deviation with a kebab-case Name, a
//     one-sentence Description of what the deviating emulator does, the
//     Evidence letter of the behaviour it breaks (the design's wire table)
//     and DetectedBy: the catalogue ids (specs/testdata/catalogue.txt) that
//     aim at that behaviour. Build its middleware from apiMiddleware,
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
package deviations
