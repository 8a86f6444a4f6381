# vpconform — make targets. `make help` lists them.
GO        ?= go
ADDR      ?= 127.0.0.1:4599
BENCHTIME ?= 2s
BENCHCOUNT ?= 5
# make bench-load: rounds per server and concurrency (each BENCHTIME long,
# a Go duration), and the client counts.
BENCHROUNDS ?= $(BENCHCOUNT)
BENCHCONCURRENCY ?= 1,8,64
# The version stamped into the binaries (vpfake -version, vpconform -version).
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
LDFLAGS    = -X github.com/vpconform/vpconform/internal/version.stamped=$(VERSION)
# Where make conformance, record and compare write their reports.
REPORTS   ?= $(or $(VPCONFORM_REPORT_DIR),$(CURDIR)/reports)

# Credentials of testdata/vpfake-credentials.json, for the runs against a
# standalone fake that verifies SigV4; AWS settings are pinned so that no
# profile, credential file or instance metadata of this machine is read.
FAKE_CREDENTIALS = testdata/vpfake-credentials.json
FAKE_ENV = AWS_ACCESS_KEY_ID=AKIDVPCONFORMALLOWED AWS_SECRET_ACCESS_KEY=vpconform-allowed-secret \
	AWS_SESSION_TOKEN= AWS_PROFILE= AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null \
	AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
WITHFAKE = $(GO) run ./internal/withfake -vpfake bin/vpfake -arg -credentials-file=$(FAKE_CREDENTIALS)

.PHONY: help fuzz soak test test-unit examples-deps test-endpoint test-aws-on-fake conformance record compare vet fmt-check fake build dist bench bench-load bench-scale bench-sdk bench-start bench-catalogue clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

test: vet test-unit test-endpoint test-aws-on-fake ## go vet, every test with -race, then suites/endpoint and suites/aws against a standalone fake

# The race detector makes every process built with -race sleep a second
# before it exits (GORACE atexit_sleep_ms, default 1000), to let goroutines
# still running report races: each test binary, and each child a test
# starts from its own binary, once all its tests are over, when nothing is
# left to check. Off for the tests; a GORACE of the caller comes after, so
# it wins.
#
# go test runs the packages in the order given (then the rest of ./...,
# each once), as many at a time as there are cores: the longest first, so
# that the short ones fill in beside them instead of one long package
# running alone at the end.
SLOW_TEST_PACKAGES = ./internal/deviations ./schemas ./fake ./suites/fake
test-unit: examples-deps ## go test -race -count=1 ./... (suites/fake included; endpoint and aws suites skip themselves)
	GORACE="atexit_sleep_ms=0 $$GORACE" $(GO) test -race -count=1 $(SLOW_TEST_PACKAGES) ./...

examples-deps: ## npm ci for examples/js when npm is there and its node_modules is missing or older than the lockfile (else its test skips)
	@if ! command -v npm >/dev/null 2>&1; then echo "examples-deps: no npm: the JavaScript example's test will skip"; \
	elif [ ! -f examples/js/node_modules/.package-lock.json ] || [ examples/js/package-lock.json -nt examples/js/node_modules/.package-lock.json ]; then \
		npm ci --prefix examples/js --no-audit --no-fund || echo "examples-deps: npm ci failed: the JavaScript example's test will skip"; fi

test-endpoint: build ## bin/vpconform against a standalone vpfake started for the run (report in $(REPORTS)/endpoint)
	env $(FAKE_ENV) VPCONFORM_DENIED_ACCESS_KEY_ID=AKIDVPCONFORMDENIED \
		VPCONFORM_DENIED_SECRET_ACCESS_KEY=vpconform-denied-secret \
		$(WITHFAKE) -url-env VPCONFORM_ENDPOINT -- bin/vpconform -report-dir $(REPORTS)

test-aws-on-fake: build ## suites/aws with VPCONFORM_AWS=1, pointed at a standalone vpfake posing as AWS
	env $(FAKE_ENV) VPCONFORM_AWS=1 \
		VPCONFORM_AWS_USER_POOL_ARN=arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform1 \
		VPCONFORM_AWS_SECOND_USER_POOL_ARN=arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_vpconform2 \
		VPCONFORM_AWS_CLIENT_IDS=vpconformclient1,vpconformclient2,vpconformclient3 \
		VPCONFORM_AWS_OIDC_ISSUER=https://auth.vpconform.example \
		$(WITHFAKE) -url-env AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS -- $(GO) test -count=1 -v ./suites/aws -args -ginkgo.succinct -ginkgo.no-color

conformance: build ## run the catalogue (bin/vpconform) against ENDPOINT=http://host:port; prints the summary, the failures by cause and the counts per operation; report in $(REPORTS)/endpoint/ (conformance.md, .json, summary.txt, junit.xml); exits non-zero on any failure or when the run cannot start; VPCONFORM_ARGS='-focus …' adds flags
	@test -n "$(ENDPOINT)" || { echo "usage: make conformance ENDPOINT=http://host:port [VPCONFORM_ARGS='…']"; exit 2; }
	bin/vpconform -endpoint $(ENDPOINT) -report-dir $(REPORTS) $(VPCONFORM_ARGS)

# Golden files (package fixtures). record writes one file per scenario into
# the golden set of TARGET, refusing to replace a file unless
# VPCONFORM_UPDATE_GOLDEN=1; compare runs suites/endpoint (against ENDPOINT,
# else a standalone fake) and diffs each scenario against the golden set
# GOLDEN (fake, aws, another directory under fixtures/testdata, or a path).
GOLDEN_ROOT = $(CURDIR)/fixtures/testdata
golden_dir  = $(if $(findstring /,$(1)),$(abspath $(1)),$(GOLDEN_ROOT)/$(1))
# Prints where the report of this run is, for command $(1) and report
# directory $(2), or, when the run wrote none (it could not start), says so
# and makes the status non-zero. $$started is a file made before the run.
report_line = if [ "$(2)/conformance.md" -nt "$$started" ]; then \
	echo "$(1): conformance report: $(2)/conformance.md (and conformance.json, summary.txt, junit.xml)"; \
	else echo "$(1): no conformance report: the run could not start (see above)"; [ $$status -ne 0 ] || status=1; fi
# Fails (exit 1) when directory $(1) holds golden files and VPCONFORM_UPDATE_GOLDEN is not 1.
check_overwrite = if [ "$$VPCONFORM_UPDATE_GOLDEN" != 1 ] && ls $(1)/*.json >/dev/null 2>&1; then \
	echo "record: $(1) already holds golden files; set VPCONFORM_UPDATE_GOLDEN=1 to replace them"; exit 1; fi
GINKGO_ARGS = -args -ginkgo.succinct -ginkgo.no-color

record: build ## record golden files: TARGET=fake|endpoint|aws (endpoint needs ENDPOINT=http://host:port and records into fixtures/testdata/endpoint-<host, or NAME>; aws needs VPCONFORM_AWS=1)
	@started=$$(mktemp); trap 'rm -f "$$started"' EXIT; \
	case "$(TARGET)" in \
	fake) dir=$(GOLDEN_ROOT)/fake; $(call check_overwrite,$$dir); \
		VPCONFORM_RECORD_DIR=$$dir VPCONFORM_REPORT_DIR=$(REPORTS) \
		$(GO) test -count=1 -v ./suites/fake -run '^TestFake$$' $(GINKGO_ARGS) -ginkgo.label-filter=golden; status=$$?; \
		report=$(REPORTS)/fake-golden;; \
	endpoint) test -n "$(ENDPOINT)" || { echo "usage: make record TARGET=endpoint ENDPOINT=http://host:port [NAME=name]"; exit 2; }; \
		name="$(NAME)"; [ -n "$$name" ] || name=$$(echo "$(ENDPOINT)" | sed -E 's#^[a-z]+://##; s#[/:].*##; s#[^A-Za-z0-9.-]+#-#g'); \
		dir=$${VPCONFORM_RECORD_DIR:-$(GOLDEN_ROOT)/endpoint-$$name}; $(call check_overwrite,$$dir); \
		bin/vpconform -endpoint $(ENDPOINT) -record-dir $$dir -report-dir $(REPORTS); status=$$?; \
		report=$(REPORTS)/endpoint;; \
	aws) test "$$VPCONFORM_AWS" = 1 || { echo "record TARGET=aws calls real AWS: set VPCONFORM_AWS=1 and the VPCONFORM_AWS_* variables (see fixtures/testdata/aws/README.md)"; exit 2; }; \
		dir=$(GOLDEN_ROOT)/aws; $(call check_overwrite,$$dir); \
		VPCONFORM_RECORD_DIR=$$dir VPCONFORM_REPORT_DIR=$(REPORTS) \
		$(GO) test -count=1 -timeout 60m -v ./suites/aws $(GINKGO_ARGS); status=$$?; \
		report=$(REPORTS)/aws;; \
	*) echo "usage: make record TARGET=fake|endpoint|aws [ENDPOINT=http://host:port]"; exit 2;; \
	esac; \
	echo "record: golden files in $$dir (the lines 'recorded …' above list those written this run)"; \
	$(call report_line,record,$$report); exit $$status

compare: build ## diff a target against a golden set: GOLDEN=fake|aws [ENDPOINT=http://host:port]; without ENDPOINT, a standalone fake
	@test -n "$(GOLDEN)" || { echo "usage: make compare GOLDEN=fake|aws [ENDPOINT=http://host:port]"; exit 2; }
	@dir=$(call golden_dir,$(GOLDEN)); started=$$(mktemp); trap 'rm -f "$$started"' EXIT; \
	if ! ls $$dir/*.json >/dev/null 2>&1; then \
		echo "compare: the golden set $$dir holds no recordings yet, nothing to compare (see $$dir/README.md)"; exit 0; fi; \
	if [ -n "$(ENDPOINT)" ]; then \
		bin/vpconform -endpoint $(ENDPOINT) -golden-dir $$dir -report-dir $(REPORTS); status=$$?; \
	else \
		env $(FAKE_ENV) VPCONFORM_DENIED_ACCESS_KEY_ID=AKIDVPCONFORMDENIED VPCONFORM_DENIED_SECRET_ACCESS_KEY=vpconform-denied-secret \
		$(WITHFAKE) -url-env VPCONFORM_ENDPOINT -- bin/vpconform -golden-dir $$dir -report-dir $(REPORTS); status=$$?; \
	fi; \
	echo "compare: golden set $$dir; the lines 'DIFFERS …' above name each scenario that differed (diffs in the failures)"; \
	$(call report_line,compare,$(REPORTS)/endpoint); exit $$status

vet: ## go vet ./...
	$(GO) vet ./...

fmt-check: ## fail if any Go file is not gofmt-formatted
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

fake: build ## run the standalone fake (bin/vpfake) in the foreground on $(ADDR); Ctrl-C stops it, and so does killing make
	exec bin/vpfake -addr $(ADDR) -exit-with-parent

build: ## build bin/vpfake and bin/vpconform, with the version stamped
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/vpfake ./fake/cmd/vpfake
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/vpconform ./cmd/vpconform

# Release builds: static binaries (no cgo) per platform, version stamped.
DIST_PLATFORMS = linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
DIST ?= $(CURDIR)/dist

dist: ## static vpfake and vpconform for linux, darwin (amd64, arm64) and windows (amd64) in $(DIST), version stamped, with SHA256SUMS
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@for p in $(DIST_PLATFORMS); do os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
		for cmd in vpfake=./fake/cmd/vpfake vpconform=./cmd/vpconform; do name=$${cmd%%=*}; pkg=$${cmd#*=}; \
			out=$(DIST)/$$name-$(VERSION)-$$os-$$arch$$ext; echo "dist: $$out"; \
			CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o $$out $$pkg || exit 1; \
		done; done
	@cd $(DIST) && sha256sum $$(ls | grep -v SHA256SUMS) > SHA256SUMS && echo "dist: $(DIST)/SHA256SUMS"

# The load figures first, then the in-process one, then start-up; one
# after the other, never side by side, even under make -j.
bench: ## bench-load, then bench-sdk, then bench-start: the fake against a canned server, as processes under raw HTTP load, then in process through the SDK; then its start-up against a hello-world server
	@$(MAKE) --no-print-directory bench-load
	@$(MAKE) --no-print-directory bench-sdk
	@$(MAKE) --no-print-directory bench-start

LOADBENCH_ARGS = -vpfake bin/vpfake -canned bin/canned -concurrency $(BENCHCONCURRENCY) -rounds $(BENCHROUNDS) -duration $(BENCHTIME)

bench-load: build ## GetIdentitySource on bin/vpfake and on bin/canned (a bare net/http server replaying the fake's answer), each its own process, under raw keep-alive HTTP at BENCHCONCURRENCY (1,8,64) clients in BENCHROUNDS (5) interleaved rounds of BENCHTIME (2s), without then with SigV4 credentials; prints req/s, p50, p99 and CPU per request of each and the ratios; JSON in bin/bench-load*.json
	$(GO) build -o bin/canned ./internal/loadbench/canned
	$(GO) build -o bin/loadbench ./internal/loadbench
	bin/loadbench $(LOADBENCH_ARGS) -json bin/bench-load.json
	bin/loadbench $(LOADBENCH_ARGS) -credentials -credentials-file $(FAKE_CREDENTIALS) -json bin/bench-load-credentials.json

# make bench-scale: the pairs the large vpfake holds, and the client counts.
PAIRS ?= 1000000
SCALECONCURRENCY ?= 1,8

bench-scale: build ## GetIdentitySource on two bin/vpfake processes, one filled with PAIRS (1000000) pairs of a policy store and its Cognito identity source (created with clientTokens over 8 connections), the other with 1, under raw keep-alive HTTP at SCALECONCURRENCY (1,8) clients in BENCHROUNDS (5) interleaved rounds of BENCHTIME (2s), each request naming a pair at random; prints the fill time, the resident memory after it, req/s, p50, p99 and CPU per request of each and the ratios large / small; JSON in bin/bench-scale.json
	$(GO) build -o bin/loadbench ./internal/loadbench
	bin/loadbench -vpfake bin/vpfake -pairs $(PAIRS) -concurrency $(SCALECONCURRENCY) -rounds $(BENCHROUNDS) -duration $(BENCHTIME) -json bin/bench-scale.json

bench-sdk: ## GetIdentitySource through the AWS SDK against the fake and a canned handler, both in the test process (BENCHCOUNT runs of BENCHTIME); prints both medians and their ratio
	@mkdir -p bin
	$(GO) test -run '^$$' -bench 'BenchmarkGetIdentitySource' -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./fake | tee bin/bench.txt
	$(GO) run ./internal/benchratio -base canned -subject fake bin/bench.txt

# make bench-start: measured starts of each server.
STARTROUNDS ?= 30

bench-start: build ## start-up: bin/vpfake and bin/hello (a hello-world net/http server) each started as a process STARTROUNDS (30) times, taking turns; prints the median, range and p90 of exec to the listening line and to the first answer (vpfake: a GetPolicyStore answered 404), CPU and peak memory, and the ratios vpfake / hello; JSON in bin/bench-start.json
	$(GO) build -o bin/hello ./internal/startbench/hello
	$(GO) build -o bin/startbench ./internal/startbench
	bin/startbench -vpfake bin/vpfake -hello bin/hello -rounds $(STARTROUNDS) -json bin/bench-start.json

bench-catalogue: ## the whole catalogue against the fake and against servers that fail everything (HTTP 400 InvalidAction; HTTP 500 InternalServerException; 200 {}); prints the median times and the ratios
	@mkdir -p bin
	$(GO) test -run '^$$' -bench 'BenchmarkCatalogue' -benchtime 1x -count $(BENCHCOUNT) ./internal/deviations | tee bin/bench-catalogue.txt
	$(GO) run ./internal/benchratio -base fake -subject fails-everything bin/bench-catalogue.txt
	$(GO) run ./internal/benchratio -base fake -subject fails-everything-500 bin/bench-catalogue.txt
	$(GO) run ./internal/benchratio -base fake -subject empty-200 bin/bench-catalogue.txt

FUZZTIME ?= 30s
FUZZ_TARGETS = FuzzRequestBody FuzzRequestAmplified FuzzRequestHeaders FuzzSigV4 FuzzParseSigV4 FuzzFlatDecode FuzzControlRoutes

fuzz: ## run each fuzz target of package fake for FUZZTIME (default 30s): every answer conforms to its schema, a refusal stays under 64 KiB; then schemas' FuzzValidator: the validator agrees with the jsonschema reference on any body
	@for f in $(FUZZ_TARGETS); do echo "fuzz: $$f for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./fake || exit 1; done
	@echo "fuzz: FuzzValidator for $(FUZZTIME)"; $(GO) test -run '^$$' -fuzz '^FuzzValidator$$' -fuzztime $(FUZZTIME) ./schemas

DURATION ?= 30s
CLIENTS  ?= 16

soak: build ## bin/vpfake under CLIENTS (16) concurrent clients for DURATION (30s), without and with a 250ms propagation delay: every read one written configuration, heap back near its start after a reset; prints requests, errors, anomalies, peak heap
	$(GO) run ./internal/soak -vpfake bin/vpfake -duration $(DURATION) -clients $(CLIENTS)
	$(GO) run ./internal/soak -vpfake bin/vpfake -duration $(DURATION) -clients $(CLIENTS) -propagation-delay 250ms

clean: ## remove build, bench and dist output
	rm -rf bin $(DIST)
