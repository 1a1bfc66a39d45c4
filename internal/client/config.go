package client

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// DefaultAuthURL is Rackspace's identity v2.0 endpoint.
const DefaultAuthURL = "https://identity.api.rackspacecloud.com/v2.0/"

// DefaultMaxRetries is used when Config.MaxRetries is negative.
const DefaultMaxRetries = 5

// Provider argument names, as the provider's schema spells them. ConfigError
// uses them.
const (
	AttrAuthURL           = "auth_url"
	AttrUsername          = "username"
	AttrAPIKey            = "api_key"
	AttrPassword          = "password"
	AttrToken             = "token"
	AttrTenantID          = "tenant_id"
	AttrTenantName        = "tenant_name"
	AttrUserDomainName    = "user_domain_name"
	AttrProjectDomainName = "project_domain_name"
	AttrRegion            = "region"
	AttrEndpoint          = "endpoint"
	AttrInsecure          = "insecure"
	AttrCACertFile        = "cacert_file"
	AttrMaxRetries        = "max_retries"
)

// Config holds everything needed to build a Client.
type Config struct {
	AuthURL                           string // default DefaultAuthURL
	Username, Password, APIKey, Token string
	TenantID, TenantName              string
	UserDomainName, ProjectDomainName string // identity v3 (default "Default" when v3 and unset)
	// Region "" → the v2 token user's "RAX-AUTH:defaultRegion", else the only
	// region the catalog's image service has, else a ConfigError listing them.
	Region string
	// Endpoint is an images endpoint to use instead of the catalog's, with or
	// without a trailing /v2. With Token and no Username, identity is skipped.
	Endpoint   string
	Insecure   bool
	CACertFile string
	// MaxRetries of a safe request on 429/500/502/503/504/connection errors;
	// 0 means no retries, a negative value means DefaultMaxRetries.
	MaxRetries int
	UserAgent  string // prepended to gophercloud's
}

type identityVersion int

const (
	identityUnknown identityVersion = iota
	identityV2
	identityV3
)

type authMethod int

const (
	authNone authMethod = iota
	authPassword
	authAPIKey
	authToken
	authEndpointToken // Endpoint + Token: no identity call
)

// credentialAttrs are the arguments a rejected authentication points at.
func (m authMethod) credentialAttrs() []string {
	switch m {
	case authPassword:
		return []string{AttrUsername, AttrPassword}
	case authAPIKey:
		return []string{AttrUsername, AttrAPIKey}
	default:
		return []string{AttrToken}
	}
}

func (m authMethod) String() string {
	switch m {
	case authPassword:
		return "password"
	case authAPIKey:
		return "api key"
	case authToken, authEndpointToken:
		return "token"
	}
	return "none"
}

// normalized applies defaults and trims values.
func (c Config) normalized() Config {
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&c.AuthURL, &c.Username, &c.TenantID, &c.TenantName,
		&c.UserDomainName, &c.ProjectDomainName, &c.Region, &c.Endpoint, &c.CACertFile, &c.UserAgent} {
		trim(s)
	}
	if c.AuthURL == "" {
		c.AuthURL = DefaultAuthURL
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	return c
}

// validate checks the credentials combination and returns the auth method.
func (c Config) validate() (authMethod, identityVersion, error) {
	ver := identityUnknown
	if c.Endpoint != "" {
		if _, err := normalizeImageEndpoint(c.Endpoint); err != nil {
			return authNone, ver, &ConfigError{
				Attributes: []string{AttrEndpoint},
				Summary:    "Invalid images endpoint",
				Detail:     err.Error(),
			}
		}
	}

	switch {
	case c.APIKey != "" && c.Password != "":
		return authNone, ver, &ConfigError{
			Attributes: []string{AttrAPIKey, AttrPassword},
			Summary:    "Conflicting credentials",
			Detail:     "api_key and password are both set; set only one of them (api_key for Rackspace API-key authentication, password otherwise).",
		}
	case c.Token != "" && (c.APIKey != "" || c.Password != ""):
		attrs := []string{AttrToken}
		if c.APIKey != "" {
			attrs = append(attrs, AttrAPIKey)
		}
		if c.Password != "" {
			attrs = append(attrs, AttrPassword)
		}
		return authNone, ver, &ConfigError{
			Attributes: attrs,
			Summary:    "Conflicting credentials",
			Detail:     "token cannot be combined with " + strings.Join(attrs[1:], " or ") + "; use either a token or a username with a password or API key.",
		}
	case c.Token != "" && c.Username != "":
		return authNone, ver, &ConfigError{
			Attributes: []string{AttrUsername, AttrToken},
			Summary:    "Conflicting credentials",
			Detail:     "username is not used with token authentication; unset username (OS_USERNAME) or token (OS_AUTH_TOKEN).",
		}
	case c.Username != "" && c.Password == "" && c.APIKey == "":
		return authNone, ver, &ConfigError{
			Attributes: []string{AttrAPIKey, AttrPassword},
			Summary:    "Missing credentials",
			Detail:     "username is set but neither api_key nor password is; set api_key (OS_API_KEY) or password (OS_PASSWORD).",
		}
	case c.Username == "" && (c.Password != "" || c.APIKey != ""):
		return authNone, ver, &ConfigError{
			Attributes: []string{AttrUsername},
			Summary:    "Missing username",
			Detail:     "api_key and password need a username; set username (OS_USERNAME).",
		}
	case c.Username == "" && c.Token == "":
		return authNone, ver, &ConfigError{
			Attributes: []string{AttrUsername, AttrAPIKey, AttrPassword, AttrToken},
			Summary:    "No credentials",
			Detail:     "Set username and api_key (or password), or token. They can also come from the environment variables OS_USERNAME, OS_API_KEY, OS_PASSWORD and OS_AUTH_TOKEN.",
		}
	}

	if c.Token != "" && c.Endpoint != "" {
		return authEndpointToken, ver, nil
	}

	u, err := url.Parse(c.AuthURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return authNone, ver, &ConfigError{
			Attributes: []string{AttrAuthURL},
			Summary:    "Invalid identity URL",
			Detail:     fmt.Sprintf("auth_url %q is not an http(s) URL, e.g. %s", c.AuthURL, DefaultAuthURL),
		}
	}
	ver = identityVersionOf(u.Path)

	method := authToken
	switch {
	case c.APIKey != "":
		method = authAPIKey
	case c.Password != "":
		method = authPassword
	}
	if ver == identityV3 {
		if method == authAPIKey {
			return authNone, ver, &ConfigError{
				Attributes: []string{AttrAPIKey, AttrAuthURL},
				Summary:    "API key needs identity v2.0",
				Detail:     "Rackspace API-key authentication (api_key) exists only in identity v2.0, but auth_url is a v3 endpoint; use password, or a v2.0 auth_url.",
			}
		}
		if c.TenantID != "" && c.TenantName != "" {
			return authNone, ver, &ConfigError{
				Attributes: []string{AttrTenantID, AttrTenantName},
				Summary:    "Conflicting project",
				Detail:     "identity v3 scopes a token to one project: set tenant_id or tenant_name, not both.",
			}
		}
	}
	return method, ver, nil
}

var reIdentityVersion = regexp.MustCompile(`/v(2\.0|3)(\.\d+)?/?$`)

func identityVersionOf(path string) identityVersion {
	m := reIdentityVersion.FindStringSubmatch(path)
	if m == nil {
		return identityUnknown
	}
	if m[1] == "3" {
		return identityV3
	}
	return identityV2
}

var reV2Segment = regexp.MustCompile(`^v2(\.\d+)?$`)

// normalizeImageEndpoint turns an images endpoint, with or without a trailing
// /v2 (or /v2.N), into the base every image URL is built on: it ends in "/v2/".
func normalizeImageEndpoint(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %v", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) URL", raw)
	}
	u.RawQuery, u.Fragment = "", ""
	path := strings.TrimRight(u.Path, "/")
	segs := strings.Split(path, "/")
	last := segs[len(segs)-1]
	if reV2Segment.MatchString(last) {
		path = strings.Join(segs[:len(segs)-1], "/")
	} else if strings.HasPrefix(last, "v") && len(last) > 1 && last[1] >= '0' && last[1] <= '9' {
		return "", fmt.Errorf("%q names image API version %s; only v2 is supported", raw, last)
	}
	u.Path = path + "/v2/"
	u.RawPath = ""
	return u.String(), nil
}

// tlsConfig builds the TLS settings: verification on unless Insecure, the
// system roots plus CACertFile when given.
func (c Config) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.Insecure {
		cfg.InsecureSkipVerify = true //nolint:gosec // the user asked for it (insecure = true)
	}
	if c.CACertFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(c.CACertFile)
	if err != nil {
		return nil, &ConfigError{
			Attributes: []string{AttrCACertFile},
			Summary:    "Cannot read CA certificate file",
			Detail:     err.Error(),
		}
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &ConfigError{
			Attributes: []string{AttrCACertFile},
			Summary:    "Invalid CA certificate file",
			Detail:     fmt.Sprintf("%s contains no PEM-encoded certificate", c.CACertFile),
		}
	}
	cfg.RootCAs = pool
	return cfg, nil
}
