// Command benchratio reads `go test -bench` output and prints, for two
// sub-benchmarks of the same benchmark, the median ns/op of each and their
// ratio. `make bench-sdk` uses it to compare GetIdentitySource on the fake with
// the same call against a bare net/http handler returning a canned response:
//
//	go run ./internal/benchratio -base canned -subject fake bin/bench.txt
//
// It reads standard input when no file is named.
package main
