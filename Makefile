# vpconform — make targets. `make help` lists them.
GO        ?= go
ADDR      ?= 127.0.0.1:4599
BENCHTIME ?= 2s
BENCHCOUNT ?= 5

.PHONY: help test vet fmt-check fake build bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

test: vet ## go vet, then every test with the race detector (suites/fake included)
	$(GO) test -race -count=1 ./...

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
