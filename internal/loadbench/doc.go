// Command loadbench measures the standalone fake the way a client sees it:
// `make bench` runs it, and `make bench-scale` its scale mode (-pairs,
// below). It starts bin/vpfake and bin/canned (package
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
// With -pairs N, the scale mode, it measures instead how GetIdentitySource
// holds up when the fake holds many resources: its latency at 10^6 pairs
// against its latency at 1. It starts two bin/vpfake processes
// with the same flags (those above, with -max-policy-stores N+1 and
// -max-state-bytes of at least 4 GiB, 4 KiB a pair beyond) and no canned
// server, and fills one, "large", with N pairs of a policy store and its
// Cognito identity source, the other, "small", with 1: for each pair a
// CreatePolicyStore then a CreateIdentitySource, each with a clientToken of
// its own, over raw keep-alive HTTP on -fill-concurrency (8) connections
// in parallel, printing the progress every 100,000 pairs, then checking
// the fake's usage (GET /_vpfake/health) holds N of each. It keeps the ids
// as 22-byte arrays, and stops if the fake answers an id of another
// length. It then runs the rounds as above at each concurrency (default
// 1,8), the servers taking turns (large, small, large, …), every request
// unsigned (-credentials is refused) and naming the next pair of a random
// order of the server's pairs (shuffled once, with a fixed seed), each
// client going through that order from its own start, so that the server
// looks up pairs at random while the client reads its own memory
// sequentially; the small server's clients go through their one pair the
// same way. An answer is right when it has status 200 and names the
// identity source asked for. It prints the fill times, each server's
// resident memory after its fill (VmRSS, from /proc/<pid>/status) and the
// state the fake estimates it holds, the same table of medians, then the
// ratios large / small of p50, p99, throughput and CPU per request.
//
// Exit status: 0; 1 when an answer was wrong or a server did not stop
// cleanly (the figures are printed but are not to be trusted); 2 when it
// could not run.
package main
