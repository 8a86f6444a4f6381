package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The scale mode (-pairs N): GetIdentitySource on a vpfake holding N pairs
// of a policy store and its identity source against one holding 1.

// idLength is the length of the fake's policy store and identity source
// ids, as of AWS's ("C7v5xMplfFH3i3e4Jrzb1a"); the fill refuses others.
const idLength = 22

// maxPairs is the most pairs -pairs may ask for.
const maxPairs = 100_000_000

// pair is a policy store and its identity source, by id.
type pair struct {
	store, source [idLength]byte
}

// shuffleSeed seeds the random order in which the clients name the pairs.
const shuffleSeed = 1

// minStateBytes is the -max-state-bytes the fakes get at least, and
// stateBytesPerPair what they get per pair beyond it (the fake estimates a
// pair at about 1.2 KB).
const (
	minStateBytes     = 4 << 30
	stateBytesPerPair = 4 << 10
)

// progressEvery is how many pairs the fill reports its progress after.
const progressEvery = 100_000

// scaleFakeArgs are the flags of both vpfakes of a run with n pairs in
// the large one, and the limits they set.
func scaleFakeArgs(n int) (args []string, maxStores int, maxState int64) {
	maxStores = n + 1
	maxState = max(int64(minStateBytes), int64(n)*stateBytesPerPair)
	return []string{"-addr", "127.0.0.1:0", "-region", region, "-exit-with-parent",
		"-max-policy-stores", strconv.Itoa(maxStores), "-max-state-bytes", strconv.FormatInt(maxState, 10)}, maxStores, maxState
}

// benchScale starts two vpfakes with the same flags, fills one with
// s.pairs pairs and the other with 1, runs the rounds on both and stops
// them.
func benchScale(ctx context.Context, s settings, stderr io.Writer) (*report, error) {
	args, maxStores, maxState := scaleFakeArgs(s.pairs)
	rep := newReport(s)
	rep.Scale = &scaleReport{Pairs: s.pairs, FillConcurrency: s.fillConcurrency, ShuffleSeed: shuffleSeed, MaxPolicyStores: maxStores, MaxStateBytes: maxState}
	var servers []*server
	defer func() { rep.stopServers(servers, stderr) }()
	sizes := map[string]int{"large": s.pairs, "small": 1}
	for _, name := range scaleServerOrder {
		srv, err := startServer(name, s.vpfake, "vpfake listening on ", args...)
		if err != nil {
			return nil, fmt.Errorf("start the %s vpfake: %w (make build writes bin/vpfake)", name, err)
		}
		servers = append(servers, srv)
	}

	httpClient := &http.Client{Timeout: 30 * time.Second}
	defer httpClient.CloseIdleConnections()
	var targets []target
	for _, srv := range servers {
		n := sizes[srv.name]
		fmt.Fprintf(stderr, "loadbench: filling the %s vpfake (pid %d on %s) with %s over %d connections\n", srv.name, srv.pid(), srv.addr, countPairs(n), s.fillConcurrency)
		start := time.Now()
		pairs, err := fill(ctx, srv.addr, n, s.fillConcurrency, progressEvery, func(done int) {
			t := time.Since(start)
			fmt.Fprintf(stderr, "loadbench: %s: %d of %d pairs in %.1fs (%.0f pairs/s)\n", srv.name, done, n, t.Seconds(), float64(done)/t.Seconds())
		})
		took := time.Since(start)
		if err != nil {
			return nil, fmt.Errorf("fill the %s vpfake: %w", srv.name, err)
		}
		fmt.Fprintf(stderr, "loadbench: %s: %s in %.1fs (%.0f pairs/s)\n", srv.name, countPairs(n), took.Seconds(), float64(n)/took.Seconds())
		u, err := fakeUsage(httpClient, srv.addr)
		if err != nil {
			return nil, fmt.Errorf("%s vpfake after the fill: %w", srv.name, err)
		}
		if u.PolicyStores != n || u.IdentitySources != n {
			return nil, fmt.Errorf("%s vpfake after the fill of %s: it holds %d policy stores and %d identity sources, want %d of each", srv.name, countPairs(n), u.PolicyStores, u.IdentitySources, n)
		}
		rss, err := residentBytes(srv.pid())
		if err != nil {
			fmt.Fprintf(stderr, "loadbench: %v (resident memory unknown)\n", err)
			rss = -1
		}
		rep.Scale.Servers = append(rep.Scale.Servers, scaleServer{Name: srv.name, PID: srv.pid(), Pairs: n, FillSeconds: took.Seconds(), RSSBytes: rss, StateBytes: u.StateBytes})
		shufflePairs(pairs, shuffleSeed)
		head, err := apiHead(srv.addr, rep.Operation)
		if err != nil {
			return nil, err
		}
		targets = append(targets, target{srv, func(i, c int) client { return newPairClient(head, pairs, i, c) }})
	}
	fmt.Fprintf(stderr, "loadbench: %s naming pairs in a random order; %d concurrencies x %d rounds x 2 servers of %s\n", rep.Operation, len(s.concurrency), s.rounds, s.duration)
	for _, c := range s.concurrency {
		if err := benchConcurrency(ctx, rep, s, c, targets, stderr); err != nil {
			return nil, err
		}
	}
	rep.summarise()
	return rep, nil
}

// fill creates n pairs in the fake at addr, each a CreatePolicyStore then
// a CreateIdentitySource with clientTokens of their own, over conns
// keep-alive connections in parallel, and returns them, pair i with
// clientTokens ending in i. As it passes each multiple of every pairs
// (checked 10 times a second), it calls progress with that count, from the
// calling goroutine.
func fill(ctx context.Context, addr string, n, conns, every int, progress func(done int)) ([]pair, error) {
	storeHead, err := apiHead(addr, "CreatePolicyStore")
	if err != nil {
		return nil, err
	}
	sourceHead, err := apiHead(addr, "CreateIdentitySource")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pairs := make([]pair, n)
	var next, done atomic.Int64
	errs := make([]error, min(conns, n))
	var wg sync.WaitGroup
	for w := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dial(addr)
			if err != nil {
				errs[w] = err
				cancel()
				return
			}
			defer c.c.Close()
			f := filler{c: c, storeHead: storeHead, sourceHead: sourceHead}
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f.create(i, &pairs[i]); err != nil {
					errs[w] = fmt.Errorf("pair %d: %w", i, err)
					cancel()
					return
				}
				done.Add(1)
			}
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	reported := 0
	for waiting := true; waiting; {
		select {
		case <-finished:
			waiting = false
		case <-tick.C:
		}
		if d := int(done.Load()) / every * every; d > reported && d < n {
			reported = d
			progress(d)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil && int(done.Load()) < n {
		return nil, fmt.Errorf("interrupted after %d of %d pairs: %w", done.Load(), n, err)
	}
	return pairs, nil
}

// filler creates pairs over one connection.
type filler struct {
	c                     *conn
	storeHead, sourceHead []byte
	req                   []byte
}

// create creates pair i, CreatePolicyStore then CreateIdentitySource, and
// keeps their ids in p.
func (f *filler) create(i int, p *pair) error {
	tok := strconv.Itoa(i)
	var store struct {
		PolicyStoreID string `json:"policyStoreId"`
	}
	if err := f.call(f.storeHead, "CreatePolicyStore", createStoreBody("loadbench-store-"+tok), &store); err != nil {
		return err
	}
	if err := keepID(p.store[:], store.PolicyStoreID, "CreatePolicyStore", "policyStoreId"); err != nil {
		return err
	}
	var source struct {
		IdentitySourceID string `json:"identitySourceId"`
	}
	if err := f.call(f.sourceHead, "CreateIdentitySource", createSourceBody("loadbench-source-"+tok, store.PolicyStoreID), &source); err != nil {
		return err
	}
	return keepID(p.source[:], source.IdentitySourceID, "CreateIdentitySource", "identitySourceId")
}

// call sends the request of head with body and decodes the 200 answer
// into out.
func (f *filler) call(head []byte, op, body string, out any) error {
	f.req = appendBody(append(f.req[:0], head...), []byte(body))
	_, answer, err := f.c.roundTrip(f.req)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return fmt.Errorf("%s: decode the answer %s: %w", op, clip(answer, 300), err)
	}
	return nil
}

// keepID copies id, the field of op's answer, into dst, an array of
// idLength bytes; an id of another length is an error.
func keepID(dst []byte, id, op, field string) error {
	if len(id) != idLength {
		return fmt.Errorf("%s answered %s %q, of %d bytes; want %d, the length of AWS's ids, in which loadbench keeps them", op, field, id, len(id), idLength)
	}
	copy(dst, id)
	return nil
}

// countPairs is "1 pair" or "<n> pairs".
func countPairs(n int) string {
	if n == 1 {
		return "1 pair"
	}
	return strconv.Itoa(n) + " pairs"
}

// shufflePairs puts pairs in a random order, the same for the same seed.
func shufflePairs(pairs []pair, seed uint64) {
	rand.New(rand.NewPCG(seed, 0x6c6f616462656e63)).Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] }) // "loadbenc"
}

// pairClient asks for the pairs of order in turn, from its own start to
// the end and round again, and expects each answer to name the identity
// source asked for. Its own reads of order are sequential: the random
// accesses are the server's.
type pairClient struct {
	head  []byte // the GetIdentitySource request up to its Content-Length
	order []pair
	at    int    // the next pair
	body  []byte // the last request's body
	req   []byte // the last request
	want  []byte // `"identitySourceId":"<id>"` of the last request
}

// newPairClient is the client of connection i of n, starting i/n of the
// way through order so that the clients name different pairs at once.
func newPairClient(head []byte, order []pair, i, n int) *pairClient {
	return &pairClient{head: head, order: order, at: i * len(order) / n}
}

func (c *pairClient) next() ([]byte, error) {
	p := &c.order[c.at]
	if c.at++; c.at == len(c.order) {
		c.at = 0
	}
	c.body = append(append(append(append(append(c.body[:0],
		`{"policyStoreId":"`...), p.store[:]...), `","identitySourceId":"`...), p.source[:]...), `"}`...)
	c.want = append(append(append(c.want[:0], `"identitySourceId":"`...), p.source[:]...), '"')
	c.req = appendBody(append(c.req[:0], c.head...), c.body)
	return c.req, nil
}

func (c *pairClient) check(body []byte) error {
	if !bytes.Contains(body, c.want) {
		return fmt.Errorf("the answer does not name the identity source asked for, %s: %s", c.want, clip(body, 300))
	}
	return nil
}

// usage is the fake's counts, from GET /_vpfake/health.
type usage struct {
	PolicyStores    int   `json:"policyStores"`
	IdentitySources int   `json:"identitySources"`
	StateBytes      int64 `json:"stateBytes"`
}

// fakeUsage reads the usage of the fake at addr.
func fakeUsage(client *http.Client, addr string) (usage, error) {
	resp, err := client.Get("http://" + addr + "/_vpfake/health")
	if err != nil {
		return usage{}, fmt.Errorf("read its usage: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return usage{}, fmt.Errorf("read its usage: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return usage{}, fmt.Errorf("GET /_vpfake/health: HTTP %d, want 200: %s", resp.StatusCode, clip(b, 300))
	}
	var h struct {
		Usage *usage `json:"usage"`
	}
	if err := json.Unmarshal(b, &h); err != nil || h.Usage == nil {
		return usage{}, fmt.Errorf("GET /_vpfake/health answered %s, want a JSON object with usage (%v)", clip(b, 300), err)
	}
	return *h.Usage, nil
}
