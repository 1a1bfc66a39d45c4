package client

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Field names of Config, as ConfigError names them. They are spelt like the
// provider's arguments so the provider can map them to its own table; the
// client attaches no advice of where they come from.
const (
	AttrAuthURL                     = "auth_url"
	AttrUsername                    = "username"
	AttrUserID                      = "user_id"
	AttrAPIKey                      = "api_key"
	AttrPassword                    = "password"
	AttrToken                       = "token"
	AttrApplicationCredentialID     = "application_credential_id"
	AttrApplicationCredentialName   = "application_credential_name"
	AttrApplicationCredentialSecret = "application_credential_secret"
	AttrTenantID                    = "tenant_id"
	AttrTenantName                  = "tenant_name"
	AttrUserDomainName              = "user_domain_name"
	AttrUserDomainID                = "user_domain_id"
	AttrProjectDomainName           = "project_domain_name"
	AttrProjectDomainID             = "project_domain_id"
	AttrRegion                      = "region"
	AttrInterface                   = "endpoint_type"
	AttrEndpoint                    = "endpoint"
	AttrObjectStoreEndpoint         = "endpoint_overrides"
	AttrInsecure                    = "insecure"
	AttrCACertFile                  = "cacert_file"
	AttrCert                        = "cert"
	AttrKey                         = "key"
	AttrMaxRetries                  = "max_retries"
)

// Interfaces of a catalog endpoint.
var Interfaces = []string{"public", "internal", "admin"}

// Config holds everything needed to build a Client. It has no defaults of
// its own: the caller (the provider) decides them.
type Config struct {
	AuthURL                                   string // identity endpoint, versioned or not
	Username, UserID, Password, APIKey, Token string
	ApplicationCredentialID                   string
	ApplicationCredentialName                 string
	ApplicationCredentialSecret               string
	TenantID, TenantName                      string
	UserDomainName, UserDomainID              string // identity v3; "Default" when no domain is given
	ProjectDomainName, ProjectDomainID        string // identity v3; "Default" when no domain is given
	// Region "" → the v2 token user's "RAX-AUTH:defaultRegion", else the only
	// region the catalog's image service has, else a ConfigError listing them.
	Region string
	// Interface of the catalog endpoints: public (""), internal or admin.
	Interface string
	// Endpoint is an images endpoint to use instead of the catalog's, with or
	// without a trailing /v2. With Token and no user, identity is skipped.
	Endpoint string
	// ObjectStoreEndpoint replaces the catalog's object-store endpoint.
	ObjectStoreEndpoint string
	Insecure            bool
	// CACert, ClientCert and ClientKey are each a PEM file's path or the PEM itself.
	CACert, ClientCert, ClientKey string
	// MaxRetries of a safe request on 429/500/502/503/504/connection errors;
	// 0 means no retries.
	MaxRetries int
	UserAgent  string // prepended to gophercloud's
}

type identityVersion int

const (
	identityUnknown identityVersion = iota
	identityV2
	identityV3
)

func (v identityVersion) String() string {
	switch v {
	case identityV2:
		return "v2.0"
	case identityV3:
		return "v3"
	}
	return "unknown"
}

type authMethod int

const (
	authNone authMethod = iota
	authPassword
	authAPIKey
	authToken
	authAppCredential
	authEndpointToken // Endpoint + Token: no identity call
)

// credentialAttrs are the fields a rejected authentication points at.
func (m authMethod) credentialAttrs(c Config) []string {
	var out []string
	user := func() {
		if c.UserID != "" {
			out = append(out, AttrUserID)
		} else if c.Username != "" {
			out = append(out, AttrUsername)
		}
	}
	switch m {
	case authPassword:
		user()
		out = append(out, AttrPassword)
	case authAPIKey:
		user()
		out = append(out, AttrAPIKey)
	case authAppCredential:
		if c.ApplicationCredentialID != "" {
			out = append(out, AttrApplicationCredentialID)
		} else {
			out = append(out, AttrApplicationCredentialName)
			user()
		}
		out = append(out, AttrApplicationCredentialSecret)
	default:
		out = append(out, AttrToken)
	}
	return out
}

func (m authMethod) String() string {
	switch m {
	case authPassword:
		return "password"
	case authAPIKey:
		return "api key"
	case authAppCredential:
		return "application credential"
	case authToken, authEndpointToken:
		return "token"
	}
	return "none"
}

// needs is the identity version a method and its fields require.
func (c Config) needs(m authMethod) (identityVersion, []string) {
	switch m {
	case authAPIKey:
		return identityV2, []string{AttrAPIKey}
	case authAppCredential:
		return identityV3, []string{AttrApplicationCredentialSecret}
	}
	var v3only []string
	for attr, v := range map[string]string{AttrUserID: c.UserID, AttrUserDomainID: c.UserDomainID, AttrProjectDomainID: c.ProjectDomainID} {
		if v != "" {
			v3only = append(v3only, attr)
		}
	}
	if len(v3only) > 0 {
		return identityV3, sortedStrings(v3only)
	}
	return identityUnknown, nil
}

// normalized trims values.
func (c Config) normalized() Config {
	for _, s := range []*string{&c.AuthURL, &c.Username, &c.UserID, &c.TenantID, &c.TenantName,
		&c.ApplicationCredentialID, &c.ApplicationCredentialName,
		&c.UserDomainName, &c.UserDomainID, &c.ProjectDomainName, &c.ProjectDomainID,
		&c.Region, &c.Interface, &c.Endpoint, &c.ObjectStoreEndpoint, &c.CACert, &c.ClientCert, &c.ClientKey, &c.UserAgent} {
		*s = strings.TrimSpace(*s)
	}
	c.Interface = strings.TrimSuffix(strings.ToLower(c.Interface), "url") // publicURL → public
	c.MaxRetries = max(c.MaxRetries, 0)
	return c
}

func conflict(attrs []string, detail string) error {
	return &ConfigError{Attributes: attrs, Summary: "Conflicting credentials", Detail: detail}
}

// method checks the credentials combination and returns the auth method.
func (c Config) method() (authMethod, error) {
	hasUser := c.Username != "" || c.UserID != ""
	appCred := c.ApplicationCredentialID != "" || c.ApplicationCredentialName != "" || c.ApplicationCredentialSecret != ""
	var secrets []string
	for attr, v := range map[string]bool{AttrAPIKey: c.APIKey != "", AttrPassword: c.Password != "", AttrToken: c.Token != "", AttrApplicationCredentialSecret: appCred} {
		if v {
			secrets = append(secrets, attr)
		}
	}
	secrets = sortedStrings(secrets)
	switch {
	case len(secrets) > 1:
		return authNone, conflict(secrets, strings.Join(secrets, " and ")+" are all set; one method authenticates, so exactly one of them may be set.")
	case c.Token != "" && hasUser:
		return authNone, conflict([]string{AttrUsername, AttrToken}, "a user name or id is not used with token authentication, but both are set.")
	case appCred:
		if c.ApplicationCredentialSecret == "" {
			return authNone, &ConfigError{Attributes: []string{AttrApplicationCredentialSecret}, Summary: "Missing application credential secret",
				Detail: "an application credential is named but its secret is not set."}
		}
		if c.ApplicationCredentialID == "" && (c.ApplicationCredentialName == "" || !hasUser) {
			return authNone, &ConfigError{Attributes: []string{AttrApplicationCredentialID, AttrApplicationCredentialName, AttrUsername, AttrUserID},
				Summary: "Incomplete application credential",
				Detail:  "an application credential is found by its id, or by its name and its user (user_id, or username with its domain); neither is set."}
		}
		if c.TenantID != "" || c.TenantName != "" {
			return authNone, &ConfigError{Attributes: []string{AttrTenantID, AttrTenantName}, Summary: "Application credentials carry their project",
				Detail: "an application credential is bound to the project it was made in; Keystone refuses a token request that names a project with it, but a project is set."}
		}
		return authAppCredential, nil
	case hasUser && c.Password == "" && c.APIKey == "":
		return authNone, &ConfigError{Attributes: []string{AttrAPIKey, AttrPassword}, Summary: "Missing credentials",
			Detail: "a user is set but neither its password nor its API key is."}
	case !hasUser && (c.Password != "" || c.APIKey != ""):
		return authNone, &ConfigError{Attributes: []string{AttrUsername}, Summary: "Missing username",
			Detail: "a password or API key is set without the user it belongs to."}
	case !hasUser && c.Token == "":
		return authNone, &ConfigError{Attributes: []string{AttrUsername, AttrAPIKey, AttrPassword, AttrToken, AttrApplicationCredentialID},
			Summary: "No credentials", Detail: "no credentials are set."}
	case c.APIKey != "":
		return authAPIKey, nil
	case c.Password != "":
		return authPassword, nil
	case c.Endpoint != "":
		return authEndpointToken, nil
	}
	return authToken, nil
}

// validate checks the whole configuration and returns the auth method.
func (c Config) validate() (authMethod, error) {
	if c.Endpoint != "" {
		if _, err := normalizeImageEndpoint(c.Endpoint); err != nil {
			return authNone, &ConfigError{Attributes: []string{AttrEndpoint}, Summary: "Invalid images endpoint", Detail: err.Error()}
		}
	}
	if c.ObjectStoreEndpoint != "" {
		if u, err := url.Parse(c.ObjectStoreEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return authNone, &ConfigError{Attributes: []string{AttrObjectStoreEndpoint}, Summary: "Invalid object-store endpoint",
				Detail: fmt.Sprintf("%q is not an http(s) URL.", c.ObjectStoreEndpoint)}
		}
	}
	switch c.Interface {
	case "", "public", "internal", "admin":
	default:
		return authNone, &ConfigError{Attributes: []string{AttrInterface}, Summary: "Invalid endpoint interface",
			Detail: fmt.Sprintf("%q is not an endpoint interface; the catalog has %s.", c.Interface, strings.Join(Interfaces, ", "))}
	}
	if (c.ClientCert == "") != (c.ClientKey == "") {
		return authNone, &ConfigError{Attributes: []string{AttrCert, AttrKey}, Summary: "Incomplete client certificate",
			Detail: "a client certificate needs both the certificate and its private key; only one is set."}
	}
	m, err := c.method()
	if err != nil || m == authEndpointToken {
		return m, err
	}
	if c.AuthURL == "" {
		return authNone, &ConfigError{Attributes: []string{AttrAuthURL}, Summary: "No identity URL", Detail: "the identity URL is not set."}
	}
	u, err := url.Parse(c.AuthURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return authNone, &ConfigError{Attributes: []string{AttrAuthURL}, Summary: "Invalid identity URL",
			Detail: fmt.Sprintf("%q is not an http(s) URL.", c.AuthURL)}
	}
	return m, nil
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
