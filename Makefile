# vpconform — make targets. `make help` lists them.
GO        ?= go
ADDR      ?= 127.0.0.1:4599
BENCHTIME ?= 2s
BENCHCOUNT ?= 5

# Credentials of testdata/vpfake-credentials.json, for the runs against a
# standalone fake that verifies SigV4; AWS settings are pinned so that no
# profile, credential file or instance metadata of this machine is read.
FAKE_CREDENTIALS = testdata/vpfake-credentials.json
FAKE_ENV = AWS_ACCESS_KEY_ID=AKIDVPCONFORMALLOWED AWS_SECRET_ACCESS_KEY=vpconform-allowed-secret \
	AWS_SESSION_TOKEN= AWS_PROFILE= AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null \
	AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
WITHFAKE = $(GO) run ./internal/withfake -vpfake bin/vpfake -arg -credentials-file=$(FAKE_CREDENTIALS)

.PHONY: help test test-unit test-endpoint test-aws-on-fake conformance record compare vet fmt-check fake build bench bench-catalogue clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

test: vet test-unit test-endpoint test-aws-on-fake ## go vet, every test with -race, then suites/endpoint and suites/aws against a standalone fake

test-unit: ## go test -race -count=1 ./... (suites/fake included; endpoint and aws suites skip themselves)
	$(GO) test -race -count=1 ./...

test-endpoint: build ## suites/endpoint against a standalone vpfake started for the run
	env $(FAKE_ENV) VPCONFORM_DENIED_ACCESS_KEY_ID=AKIDVPCONFORMDENIED \
		VPCONFORM_DENIED_SECRET_ACCESS_KEY=vpconform-denied-secret \
		$(WITHFAKE) -url-env VPCONFORM_ENDPOINT -- $(GO) test -count=1 -v ./suites/endpoint -args -ginkgo.succinct -ginkgo.no-color

test-aws-on-fake: build ## suites/aws with VPCONFORM_AWS=1, pointed at a standalone vpfake posing as AWS
	env $(FAKE_ENV) VPCONFORM_AWS=1 \
		VPCONFORM_AWS_USER_POOL_ARN=arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_vpconform1 \
		VPCONFORM_AWS_SECOND_USER_POOL_ARN=arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_vpconform2 \
		VPCONFORM_AWS_CLIENT_IDS=vpconformclient1,vpconformclient2,vpconformclient3 \
		VPCONFORM_AWS_OIDC_ISSUER=https://auth.vpconform.example \
		$(WITHFAKE) -url-env AWS_ENDPOINT_URL_VERIFIEDPERMISSIONS -- $(GO) test -count=1 -v ./suites/aws -args -ginkgo.succinct -ginkgo.no-color

conformance: ## run suites/endpoint against ENDPOINT=http://host:port; prints the summary, failures by cause, counts per operation and where the report is (reports/endpoint/: conformance.md, .json, summary.txt, junit.xml); exits non-zero on any failure or if the run could not start
	@test -n "$(ENDPOINT)" || { echo "usage: make conformance ENDPOINT=http://host:port"; exit 2; }
	@dir=$${VPCONFORM_REPORT_DIR:-$(CURDIR)/reports}; \
	rm -f "$$dir/endpoint/conformance.md" "$$dir/endpoint/conformance.json" "$$dir/endpoint/summary.txt" "$$dir/endpoint/junit.xml"; \
	VPCONFORM_ENDPOINT=$(ENDPOINT) VPCONFORM_REPORT_DIR=$$dir $(GO) test -count=1 -v ./suites/endpoint $(GINKGO_ARGS); status=$$?; \
	echo; \
	if [ -f "$$dir/endpoint/summary.txt" ]; then \
		cat "$$dir/endpoint/summary.txt"; \
		echo "conformance report: $$dir/endpoint/conformance.md (and conformance.json, junit.xml)"; \
	else \
		echo "make conformance: no report: the run could not start (see above)"; \
		[ $$status -ne 0 ] || status=1; \
	fi; exit $$status

# Golden files (package fixtures). record writes one file per scenario into
# the golden set of TARGET, refusing to replace a file unless
# VPCONFORM_UPDATE_GOLDEN=1; compare runs suites/endpoint (against ENDPOINT,
# else a standalone fake) and diffs each scenario against the golden set
# GOLDEN (fake, aws, another directory under fixtures/testdata, or a path).
GOLDEN_ROOT = $(CURDIR)/fixtures/testdata
REPORTS    ?= $(CURDIR)/reports
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

record: build ## record golden files: TARGET=fake|endpoint|aws (endpoint needs ENDPOINT=http://host:port, aws needs VPCONFORM_AWS=1)
	@started=$$(mktemp); trap 'rm -f "$$started"' EXIT; \
	case "$(TARGET)" in \
	fake) dir=$(GOLDEN_ROOT)/fake; $(call check_overwrite,$$dir); \
		VPCONFORM_RECORD_DIR=$$dir VPCONFORM_REPORT_DIR=$(REPORTS) \
		$(GO) test -count=1 -v ./suites/fake -run '^TestFake$$' $(GINKGO_ARGS) -ginkgo.label-filter=golden; status=$$?; \
		report=$(REPORTS)/fake-golden;; \
	endpoint) test -n "$(ENDPOINT)" || { echo "usage: make record TARGET=endpoint ENDPOINT=http://host:port"; exit 2; }; \
		host=$$(echo "$(ENDPOINT)" | sed -E 's#^[a-z]+://##; s#/.*##; s#[^A-Za-z0-9.-]+#-#g'); \
		dir=$${VPCONFORM_RECORD_DIR:-$(GOLDEN_ROOT)/endpoint-$$host}; $(call check_overwrite,$$dir); \
		VPCONFORM_ENDPOINT=$(ENDPOINT) VPCONFORM_RECORD_DIR=$$dir VPCONFORM_REPORT_DIR=$(REPORTS) \
		$(GO) test -count=1 -v ./suites/endpoint $(GINKGO_ARGS); status=$$?; \
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
		VPCONFORM_ENDPOINT=$(ENDPOINT) VPCONFORM_GOLDEN_DIR=$$dir VPCONFORM_REPORT_DIR=$(REPORTS) \
		$(GO) test -count=1 -v ./suites/endpoint $(GINKGO_ARGS); status=$$?; \
	else \
		env $(FAKE_ENV) VPCONFORM_DENIED_ACCESS_KEY_ID=AKIDVPCONFORMDENIED VPCONFORM_DENIED_SECRET_ACCESS_KEY=vpconform-denied-secret \
		VPCONFORM_GOLDEN_DIR=$$dir VPCONFORM_REPORT_DIR=$(REPORTS) \
		$(WITHFAKE) -url-env VPCONFORM_ENDPOINT -- $(GO) test -count=1 -v ./suites/endpoint $(GINKGO_ARGS); status=$$?; \
	fi; \
	echo "compare: golden set $$dir; the lines 'DIFFERS …' above name each scenario that differed (diffs in the failures)"; \
	$(call report_line,compare,$(REPORTS)/endpoint); exit $$status

vet: ## go vet ./...
	$(GO) vet ./...

fmt-check: ## fail if any Go file is not gofmt-formatted
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

fake: ## run the standalone fake in the foreground on $(ADDR) (Ctrl-C stops it)
	$(GO) run ./fake/cmd/vpfake -addr $(ADDR)

build: ## build bin/vpfake
	$(GO) build -o bin/vpfake ./fake/cmd/vpfake

bench: ## GetIdentitySource on the fake vs a canned net/http handler, over loopback; prints both and the ratio
	@mkdir -p bin
	$(GO) test -run '^$$' -bench 'BenchmarkGetIdentitySource' -benchmem -benchtime $(BENCHTIME) -count $(BENCHCOUNT) ./fake | tee bin/bench.txt
	$(GO) run ./internal/benchratio -base canned -subject fake bin/bench.txt

bench-catalogue: ## the whole catalogue against the fake and against servers that fail everything (HTTP 400 InvalidAction; HTTP 500 InternalServerException; 200 {}); prints the median times and the ratios
	@mkdir -p bin
	$(GO) test -run '^$$' -bench 'BenchmarkCatalogue' -benchtime 1x -count $(BENCHCOUNT) ./internal/deviations | tee bin/bench-catalogue.txt
	$(GO) run ./internal/benchratio -base fake -subject fails-everything bin/bench-catalogue.txt
	$(GO) run ./internal/benchratio -base fake -subject fails-everything-500 bin/bench-catalogue.txt
	$(GO) run ./internal/benchratio -base fake -subject empty-200 bin/bench-catalogue.txt

clean: ## remove build and bench output
	rm -rf bin
