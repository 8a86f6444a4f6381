package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/vpconform/vpconform/proxy"
)

// proxyConfig is what the command line and the VPCONFORM_PROXY_*
// environment select for `vpconform proxy`.
type proxyConfig struct {
	upstream  string
	listen    string
	region    string
	sign      string
	recordDir string
	name      string
	update    bool
}

// Defaults and values of the proxy's flags.
const (
	defaultProxyListen = "127.0.0.1:4598"
	defaultProxyRegion = "us-east-1"
	defaultProxyName   = "proxy-session"
	signDefault        = "default"
	signNone           = "none"
	// proxyShutdownTimeout bounds how long requests in flight may take to
	// finish once the proxy is told to stop.
	proxyShutdownTimeout = 10 * time.Second
)

var (
	proxyRegionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	proxyNamePattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,127}$`)
)

// newProxyFlagSet binds the proxy's flags to cfg, each defaulting to its
// environment variable (through getenv), then to a built-in value.
func newProxyFlagSet(cfg *proxyConfig, getenv func(string) string) *envFlagSet {
	fs := newEnvFlagSet("vpconform proxy", getenv)
	fs.str(&cfg.upstream, envFlag{"upstream", "VPCONFORM_PROXY_UPSTREAM",
		"base `URL` requests are forwarded to: an emulator such as http://127.0.0.1:4599, or https://verifiedpermissions.<region>.amazonaws.com (required)"}, "")
	fs.str(&cfg.listen, envFlag{"listen", "VPCONFORM_PROXY_LISTEN",
		"`host:port` the application connects to; port 0 picks a free one"}, defaultProxyListen)
	fs.strElse(&cfg.region, envFlag{"region", "VPCONFORM_PROXY_REGION",
		"`region` requests are signed for and the recording names"}, "AWS_REGION", defaultProxyRegion)
	fs.str(&cfg.sign, envFlag{"sign", "VPCONFORM_PROXY_SIGN",
		"how requests are signed, `default|none`: default signs every request again with SigV4, with credentials from the AWS default chain (AWS_ACCESS_KEY_ID…, AWS_PROFILE, SSO, instance roles), so the application's own credentials never reach the upstream; none forwards each request as the application signed it"}, signDefault)
	fs.str(&cfg.recordDir, envFlag{"record-dir", "VPCONFORM_PROXY_RECORD_DIR",
		"record the session as one golden file, `DIR`/NAME.json, normalised and without credentials, when the proxy stops; empty records nothing"}, "")
	fs.str(&cfg.name, envFlag{"name", "VPCONFORM_PROXY_NAME",
		"`NAME` of the recording: its scenario id and file name, ASCII letters, digits and '-'"}, defaultProxyName)
	fs.boolean(&cfg.update, envFlag{"update", "VPCONFORM_PROXY_UPDATE",
		"let the recording replace an existing DIR/NAME.json; without it the proxy refuses to start when the file exists"}, false)
	return fs
}

// loadProxyConfig reads the proxy's flags from args over defaults from the
// environment (through getenv): a flag overrides its variable, which
// overrides the built-in default. It returns flag.ErrHelp for -h and an
// error saying what is wrong for anything malformed.
func loadProxyConfig(args []string, getenv func(string) string) (proxyConfig, error) {
	var cfg proxyConfig
	if err := newProxyFlagSet(&cfg, getenv).parse(args); err != nil {
		return proxyConfig{}, err
	}
	if cfg.upstream == "" {
		return proxyConfig{}, errors.New("-upstream/$VPCONFORM_PROXY_UPSTREAM is required: the base URL to forward to, such as http://127.0.0.1:4599 or https://verifiedpermissions.us-east-1.amazonaws.com")
	}
	if err := (proxy.Config{Upstream: cfg.upstream}).Check(); err != nil {
		return proxyConfig{}, fmt.Errorf("-upstream/$VPCONFORM_PROXY_UPSTREAM: %w", err)
	}
	if _, _, err := net.SplitHostPort(cfg.listen); err != nil {
		return proxyConfig{}, fmt.Errorf("-listen/$VPCONFORM_PROXY_LISTEN %q is not host:port: %w", cfg.listen, err)
	}
	if !proxyRegionPattern.MatchString(cfg.region) {
		return proxyConfig{}, fmt.Errorf("-region/$VPCONFORM_PROXY_REGION %q is not a region name such as us-east-1", cfg.region)
	}
	if cfg.sign != signDefault && cfg.sign != signNone {
		return proxyConfig{}, fmt.Errorf("-sign/$VPCONFORM_PROXY_SIGN %q: want %s or %s", cfg.sign, signDefault, signNone)
	}
	if !proxyNamePattern.MatchString(cfg.name) {
		return proxyConfig{}, fmt.Errorf("-name/$VPCONFORM_PROXY_NAME %q: use ASCII letters, digits and '-' only (at most 128), so that the recording is NAME.json", cfg.name)
	}
	return cfg, nil
}

// proxyUsage is the help text of the proxy subcommand.
func proxyUsage(getenv func(string) string) string {
	return newProxyFlagSet(&proxyConfig{}, getenv).defaults(`vpconform proxy forwards an application's Verified Permissions traffic to
the upstream unchanged, logs every request and answer that breaks the API's
schemas (operation, direction, member path, keyword), and records the whole
session as one golden file when it stops (SIGINT, SIGTERM). Exit status: 0,
1 when a violation was found or the proxy could not start, 2 for bad flags,
3 when the recording cannot be written.

Flags of vpconform proxy:
`)
}

// runProxy is the proxy subcommand: it serves until ctx is done, then
// writes the recording, prints a summary and returns the exit status.
func runProxy(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := loadProxyConfig(args, getenv)
	if code, done := configured(err, "vpconform proxy", func() string { return proxyUsage(getenv) }, stdout, stderr); done {
		return code
	}
	return serveProxy(ctx, cfg, stdout, stderr)
}

// serveProxy runs the proxy of cfg: see runProxy.
func serveProxy(ctx context.Context, cfg proxyConfig, stdout, stderr io.Writer) int {
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	pcfg := proxy.Config{
		Upstream:  cfg.upstream,
		Region:    cfg.region,
		Logger:    logger,
		RecordDir: cfg.recordDir,
		Name:      cfg.name,
		Overwrite: cfg.update,
	}
	if cfg.sign == signDefault {
		creds, err := defaultCredentials(ctx, cfg.region)
		if err != nil {
			fmt.Fprintf(stderr, "vpconform proxy: -sign default: %v\n(use -sign none to forward requests as the application signed them)\n", err)
			return exitFailed
		}
		pcfg.Credentials = creds
	}
	p, err := proxy.New(pcfg)
	if err != nil {
		fmt.Fprintf(stderr, "vpconform proxy: %v\n", err)
		if errors.Is(err, proxy.ErrCannotRecord) {
			return exitInternal
		}
		return exitFailed
	}
	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		fmt.Fprintf(stderr, "vpconform proxy: listen on %s: %v\n", cfg.listen, err)
		return exitFailed
	}
	hs := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelError),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	// The readiness line goes to stdout, without a log prefix, so that
	// scripts can wait for it.
	fmt.Fprintf(stdout, "vpconform proxy listening on http://%s → %s\n", ln.Addr(), cfg.upstream)
	if p.File() != "" {
		logger.Info("recording the session when the proxy stops", "file", p.File())
	} else {
		logger.Info("not recording: -record-dir is empty")
	}

	code := exitOK
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "vpconform proxy: serve on %s: %v\n", ln.Addr(), err)
		code = exitFailed
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), proxyShutdownTimeout)
		if err := hs.Shutdown(sctx); err != nil {
			logger.Warn("requests still in flight at shutdown were cut", "error", err)
		}
		cancel()
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Warn("serve", "error", err)
		}
	}

	path, werr := p.Flush()
	if err := p.Close(); werr == nil {
		werr = err
	}
	st := p.Stats()
	fmt.Fprintln(stdout, proxySummary(st, cfg, path, werr))
	switch {
	case werr != nil:
		fmt.Fprintf(stderr, "vpconform proxy: %v\n", werr)
		return exitInternal
	case code != exitOK:
		return code
	case st.Violations > 0:
		return exitFailed
	}
	return exitOK
}

// defaultCredentials returns the credentials of the AWS default chain,
// retrieved once so that a machine without any fails now rather than at
// the first request.
func defaultCredentials(ctx context.Context, region string) (aws.CredentialsProvider, error) {
	awsCfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("load the AWS configuration: %w", err)
	}
	if awsCfg.Credentials == nil {
		return nil, errors.New("the AWS default chain gives no credentials")
	}
	if _, err := awsCfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("retrieve credentials from the AWS default chain: %w", err)
	}
	return awsCfg.Credentials, nil
}

// proxySummary is the line printed when the proxy stops: exchanges,
// violations and what became of the recording.
func proxySummary(st proxy.Stats, cfg proxyConfig, path string, writeErr error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "vpconform proxy: %s, %s", plural(st.Exchanges, "exchange"), plural(st.Violations, "violation"))
	var extra []string
	if st.Unchecked > 0 {
		extra = append(extra, fmt.Sprintf("%d unchecked", st.Unchecked))
	}
	if st.Failed > 0 {
		extra = append(extra, fmt.Sprintf("%d not forwarded", st.Failed))
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(extra, ", "))
	}
	switch {
	case writeErr != nil:
		b.WriteString("; recording NOT written (see the error below)")
	case cfg.recordDir == "":
		b.WriteString("; not recorded (no -record-dir)")
	case path == "":
		b.WriteString("; nothing recorded (no exchange)")
	default:
		fmt.Fprintf(&b, "; wrote %s", path)
	}
	return b.String()
}

// plural is "1 exchange" or "n exchanges".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
