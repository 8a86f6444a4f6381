// Package specs is the vpconform scenario catalogue for the identity-source
// API of Amazon Verified Permissions (GetIdentitySource, UpdateIdentitySource
// and the exceptions they declare), written once and run against any target:
// the bundled fake server, a third-party emulator at an endpoint URL, or real
// AWS.
//
// A suite binds the catalogue into its own Ginkgo tree with Register, in the
// manner of kubernetes-csi/csi-test's sanity package:
//
//	var srv *fake.Server
//	var _ = BeforeSuite(func() { srv = fake.NewServer(); DeferCleanup(srv.Close) })
//	var _ = specs.Register(func() specs.Target {
//		return specs.Target{Name: "fake", AWSConfig: srv.AWSConfig(), Fixtures: specs.DefaultFixtures()}
//	})
//	var _ = ReportAfterSuite("vpconform conformance report", func(r Report) {
//		Expect(specs.WriteReport(r)).To(Succeed())
//	})
//
// EndpointTargetFromEnv and AWSTargetFromEnv build the targets of
// suites/endpoint and suites/aws from the environment.
//
// Each Scenario is data: a stable id (such as
// "GetIdentitySource/NotFound/UnknownPolicyStore"), a MUST-style description,
// the operation, a kind (happy, negative, fault), the weakest evidence behind
// the expectations that fail it (M model, D AWS docs, O observed on AWS, I
// inferred; expectations resting on I are advisory) and the capabilities it
// needs. Register turns each into a Ginkgo It labelled
// op:<Operation>, kind:<Kind>, evidence:<E> and needs:<capability>, so a run
// can be narrowed with --label-filter.
//
// Every scenario runs in a Session: an aws-sdk-go-v2 Verified Permissions
// client whose HTTP client is wrapped by a validating transport that records
// each exchange, a SigV4-signed raw sender for requests the SDK refuses to
// send, Must… helpers that create policy stores and identity sources and
// delete them again after the spec, and error assertions. After every spec
// each recorded response must conform to its output or error schema (package
// schemas) and each request to its input schema, except the requests a
// negative scenario sends on purpose; those must not conform, which proves the
// case is really negative.
//
// A few scenarios cover the operations around them: CreateIdentitySource
// (clientToken idempotency and conflicts, the one-identity-source quota),
// ListIdentitySources (its items mirror GetIdentitySource; an unknown policy
// store) and DeletePolicyStore (a missing store is a success).
//
// Besides the hand-written scenarios, the catalogue holds one generated
// negative scenario per constraint of the input schemas of GetIdentitySource
// and UpdateIdentitySource (schemas.Constraints): from valid base requests
// naming a real policy store and identity source (awaited until visible), a
// request breaking only that constraint (checked with schemas.CheckBreaks),
// sent once, raw and signed, expecting ValidationException naming the
// member: whatever exists, that input must be refused. Their ids are
// "<Operation>/Generated/<member path>/<keyword>", such as
// "UpdateIdentitySource/Generated/updateConfiguration/oneOf-none", and they
// are labelled generated.
//
// Fault scenarios inject errors through the control routes of a target with
// the FaultInjection capability (POST /_vpfake/faults on
// Target.ControlEndpoint) and check the SDK's typed errors and its retries;
// scenarios needing DeniedCredentials use Target.DeniedAWSConfig and
// deliberately mis-signed requests. A scenario waits only while a write it
// made may still be propagating: a read after a write is polled (every 100
// ms, for at most the consistency timeout) while it does not find or show
// the write yet, and a CreateIdentitySource is sent again, same clientToken,
// while the policy store just created is not found; any other answer decides
// the scenario at once. So the catalogue passes against an eventually
// consistent target and is fast against one that fails everything.
//
// What counts as a difference: the error code may travel in __type or
// X-Amzn-ErrorType, in any form awsJson1_0 allows; ids may take any form the
// model's pattern allows, dates any precision; clientIds and audiences
// compare as sets; optional members may be absent; messages are opaque
// except those the kit injected. Every failure message says, on one line,
// what was expected and what came back, with the values, and a failed
// scenario records its root cause in words that do not depend on the
// scenario ("UpdateIdentitySource answers HTTP 400 InvalidAction"), so that
// the report groups the scenarios one fault broke.
//
// Expectations whose evidence is only inference (I) are advisory: a mismatch
// is recorded as a Deviation and reported, and fails the spec only when the
// Target is Strict or VPCONFORM_STRICT=1.
//
// WriteReport, called from ReportAfterSuite, writes per target
// conformance.md, conformance.json, summary.txt and junit.xml: the failures
// grouped by cause, largest first, the counts per operation, each failed
// scenario and each deviation with what was expected and what came back,
// how to enable each skipped scenario, and every scenario's result; it
// prints the summary and the causes as the suite's last lines, and appends
// them to $GITHUB_STEP_SUMMARY when set. A run that could not start writes no
// report, removes the suite's previous one and says why.
//
// Target.Golden records each scenario's exchanges as a golden file, or
// compares them with a golden set (package fixtures), after the scenario and
// its cleanups; names, client tokens and made-up ids are derived from the
// scenario id, so a deterministic target records the same bytes every run.
//
// The checked-in manifest testdata/catalogue.txt lists every scenario; a test
// keeps it equal to Catalogue(). Regenerate it with
//
//	go test ./specs -run TestCatalogueManifest -update
package specs
