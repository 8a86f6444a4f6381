// Command loadbench measures the standalone fake the way a client sees it:
// `make bench` runs it. It starts bin/vpfake and bin/canned (package
// internal/loadbench/canned, a bare net/http server) as processes of their
// own on free loopback ports, creates a policy store and a Cognito identity
// source in the fake with raw awsJson1_0 requests, captures the fake's
// GetIdentitySource answer (status, headers and body) and has the canned
// server answer every request with exactly that, checking it does.
//
// Then, for each concurrency (-concurrency, default 1,8,64), it opens one
// keep-alive connection per client to each server, loads each for -warmup
// unmeasured, and runs -rounds rounds of -duration each, the servers taking
// turns (fake, canned, fake, canned, …) so that both see the same machine.
// Its clients speak HTTP/1.1 over raw TCP, one request at a time per
// connection, without the AWS SDK: a fixed request, or with -credentials a
// request signed afresh each time with the SDK's SigV4 signer, carrying its
// own Amz-Sdk-Invocation-Id as every SDK request does, while vpfake runs
// with -credentials-file (testdata/vpfake-credentials.json by default) and
// verifies every signature. Every answer is checked: status 200 and the
// captured body; any other is counted as an error.
//
// For each round it records each request's latency (first byte written to
// last byte read), the requests answered per second, and the CPU time
// (user+system, from /proc/<pid>/stat, in clock ticks) the server process
// and the load generator itself used. It prints, per server and
// concurrency, the medians over the rounds of requests per second (with
// their range), p50 and p99 latency (nearest rank) and CPU per request,
// then the ratios fake / canned of throughput, p99 and CPU per request.
// -json writes every round too.
//
// Exit status: 0; 1 when an answer was wrong or a server did not stop
// cleanly (the figures are printed but are not to be trusted); 2 when it
// could not run.
package main
