package specs

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
	"github.com/vpconform/vpconform/fake"
	"github.com/vpconform/vpconform/schemas"
)

// TestScenariosAgainstWrongServers is a Ginkgo suite proving that the
// scenarios can fail: run against servers that answer wrongly, each scenario
// aimed at the wrong behaviour must fail, through its own assertions or the
// schema checks Register adds.
func TestScenariosAgainstWrongServers(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "specs: scenarios against wrong servers")
}

// handlerTransport serves requests with a handler, in memory.
type handlerTransport struct{ handler http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.handler.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// wrongTarget is a strict target served in memory by handler.
func wrongTarget(handler http.Handler) Target {
	return Target{
		Name: "wrong",
		AWSConfig: aws.Config{
			Region:       "us-east-1",
			Credentials:  credentials.NewStaticCredentialsProvider("AKIDWRONG", "secret", ""),
			BaseEndpoint: aws.String("http://wrong.invalid"),
			HTTPClient:   &http.Client{Transport: handlerTransport{handler}},
		},
		Fixtures: DefaultFixtures(),
		Strict:   true,
	}
}

// runScenario runs sc against t as Register would, without failing the
// calling spec, and says why the scenario failed, or "" if it passed.
func runScenario(ctx context.Context, t Target, sc Scenario) string {
	GinkgoHelper()
	s, err := newSession(t, sc)
	Expect(err).NotTo(HaveOccurred())
	s.consistency = 300 * time.Millisecond
	if failure := InterceptGomegaFailure(func() { sc.run(ctx, s) }); failure != nil {
		return failure.Error()
	}
	if problems := s.exchangeProblems(sc.Kind == KindHappy); len(problems) > 0 {
		return problems[0].text
	}
	return ""
}

var _ = Describe("every scenario against a server answering 200 {} to everything", func() {
	stub := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", schemas.ContentType)
		_, _ = w.Write([]byte(`{}`))
	})
	for _, sc := range Catalogue() {
		It("fails "+sc.ID, func(ctx SpecContext) {
			Expect(runScenario(ctx, wrongTarget(stub), sc)).NotTo(BeEmpty(), "%s passed", sc.ID)
		})
	}
})

// The schema checks Register adds after a spec must see the deletions the
// scenario's cleanups make, so they must run after them.
var _ = Describe("cleanup order", Ordered, func() {
	var order []string
	BeforeEach(func() {
		DeferCleanup(func() { order = append(order, "schema check") })
	})
	It("runs the scenario's cleanups first", func() {
		DeferCleanup(func() { order = append(order, "delete policy store") })
		DeferCleanup(func() { order = append(order, "delete identity source") })
	})
	It("in reverse order of registration, the check last", func() {
		Expect(order).To(Equal([]string{"delete identity source", "delete policy store", "schema check"}))
	})
})

// Register itself, against the unmutated fake with no capabilities: every
// scenario needing one is skipped, and only those.
var _ = Describe("Register against a fake without capabilities", func() {
	var srv *fake.Server
	BeforeEach(func() {
		srv = fake.NewServer(fake.WithoutListener())
		DeferCleanup(srv.Close)
	})
	needs := map[string]bool{}
	for _, sc := range Catalogue() {
		needs[sc.ID] = len(sc.Needs) > 0
	}
	ReportAfterEach(func(r SpecReport) {
		id, _, _ := strings.Cut(r.LeafNodeText, ": ")
		if needs[id] && r.State != types.SpecStateSkipped {
			Fail(fmt.Sprintf("%s needs a capability the target lacks, but was not skipped: %s", id, r.State))
		}
		if !needs[id] && r.State != types.SpecStatePassed {
			Fail(fmt.Sprintf("%s needs no capability, but %s", id, r.State))
		}
	})
	Register(func() Target {
		t := wrongTarget(srv.Handler())
		t.Name = "fake-without-capabilities"
		return t
	})
})
