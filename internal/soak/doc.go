// Command soak runs a standalone vpfake under load for a while and checks
// that it stays correct and that its memory comes back; `make soak` runs it,
// and soak -h lists its flags. It builds nothing: it starts the vpfake
// binary it is given (bin/vpfake, which make build writes) on a free
// loopback port.
//
// Each of the concurrent clients makes moves at random, by weight (the
// moves table of main.go): it creates policy stores (half with a
// clientToken, some replayed with the same input, which must answer the
// same store, and with other input, which must answer ConflictException),
// reads them back with their tags, creates, reads, updates (switching
// between Cognito and both OpenID Connect token selections), lists and
// deletes identity sources, deletes policy stores, reads other clients'
// resources, sends invalid requests (which must be answered 400) and
// injects counted faults, some delayed, over the control routes (their
// errors are recognised by their default message and counted apart).
//
// Every write carries a marker in every member: the policy store's
// description and tags, the identity source's principalEntityType
// ("Soak::<marker>"), user pool, client ids, issuer, claims and group
// entity type. Every read is checked against the writes sent (check.go):
// it must be exactly one configuration written to that resource, with the
// principalEntityType of the same write, never a torn or merged one. With
// no propagation delay, a client must also read its own last answered
// write, and its own resources must be found; with one, reads may lag, and
// a resource may be missing for the delay after its creation.
//
// Before the clients start, and after they stop, the soak clears the
// faults, resets the fake (POST /_vpfake/reset) and reads its heap from
// GET /_vpfake/health?gc=1 (after a garbage collection); it samples the
// heap meanwhile. The heap after the run must be at most -heap-slack above
// the heap before it. Last, it stops vpfake with SIGTERM, which must exit
// 0.
//
// It prints the requests (by operation), the errors (by kind: expected
// errors, injected faults and invalid requests), the anomalies (the first
// 20 in full), the heap at start, peak and end, and vpfake's exit. Its exit
// status is 0 when there was no anomaly, 1 when there was one, and 2 when
// it could not run (vpfake missing or not starting).
package main
