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

.PHONY: help test test-unit test-endpoint test-aws-on-fake conformance vet fmt-check fake build bench clean

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

conformance: ## run suites/endpoint against ENDPOINT=http://host:port and print where the report is
	@test -n "$(ENDPOINT)" || { echo "usage: make conformance ENDPOINT=http://host:port"; exit 2; }
	@dir=$${VPCONFORM_REPORT_DIR:-$(CURDIR)/reports}; \
	VPCONFORM_ENDPOINT=$(ENDPOINT) VPCONFORM_REPORT_DIR=$$dir $(GO) test -count=1 ./suites/endpoint; status=$$?; \
	echo "conformance report: $$dir/endpoint/conformance.md (and conformance.json)"; exit $$status

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

clean: ## remove build and bench output
	rm -rf bin
