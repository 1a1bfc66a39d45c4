package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	tokens2 "github.com/gophercloud/gophercloud/v2/openstack/identity/v2/tokens"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
	"github.com/gophercloud/gophercloud/v2/openstack/utils"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Client talks to one region's images endpoint. It is safe for concurrent use.
type Client struct {
	image    *gophercloud.ServiceClient
	region   string
	tenantID string
	secrets  *secretSet
	// maxRetries also bounds the retries that need a look at the server
	// first: uploads while the image is queued, lost task creates.
	maxRetries int
	// sourceHTTP fetches source_url data: its own client, without the API's
	// token or request logging (its headers may hold credentials).
	sourceHTTP *http.Client
	disco      discovery
}

// Region is the region whose images endpoint the client uses ("" when an
// endpoint was given without a region).
func (c *Client) Region() string { return c.region }

// TenantID is the authenticated tenant/project (from the token); "" when an
// endpoint and token were used without identity.
func (c *Client) TenantID() string { return c.tenantID }

// ImageEndpoint is the base of every image URL; it ends in "/v2/".
func (c *Client) ImageEndpoint() string { return c.image.ResourceBaseURL() }

// ServiceClient is the gophercloud image service client (ResourceBase already
// ending in /v2/), for calls this package does not wrap (members, tasks).
// Wrap their errors with WrapError.
func (c *Client) ServiceClient() *gophercloud.ServiceClient { return c.image }

// MaskSecrets returns ctx with the configured password, API key and token and
// every token issued so far masked in tflog output, for callers that log
// things the client did not build.
func (c *Client) MaskSecrets(ctx context.Context) context.Context { return c.secrets.mask(ctx) }

// raxAPIKeyAuth is the Rackspace RAX-KSKEY:apiKeyCredentials builder that
// gophercloud v2 lacks.
type raxAPIKeyAuth struct {
	Username, APIKey, TenantID, TenantName string
	AllowReauth                            bool
}

func (o raxAPIKeyAuth) ToTokenV2CreateMap() (map[string]any, error) {
	auth := map[string]any{"RAX-KSKEY:apiKeyCredentials": map[string]any{"username": o.Username, "apiKey": o.APIKey}}
	if o.TenantID != "" {
		auth["tenantId"] = o.TenantID
	}
	if o.TenantName != "" {
		auth["tenantName"] = o.TenantName
	}
	return map[string]any{"auth": auth}, nil
}

func (o raxAPIKeyAuth) CanReauth() bool { return o.AllowReauth }

// staticToken is the AuthResult of a token given by the user.
type staticToken string

func (t staticToken) ExtractTokenID() (string, error) { return string(t), nil }

// New authenticates (unless Endpoint and Token are given without a username)
// and returns a client for the selected region's images endpoint.
func New(ctx context.Context, cfg Config) (*Client, error) {
	cfg = cfg.normalized()
	method, ver, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	tlsCfg, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}

	secrets := newSecretSet()
	secrets.add(cfg.Password, cfg.APIKey, cfg.Token)
	ctx = secrets.mask(ctx)

	httpClient := http.Client{Transport: newTransport(newHTTPTransport(tlsCfg), cfg.MaxRetries, secrets)}
	sourceHTTP := &http.Client{Transport: newHTTPTransport(tlsCfg)}

	if method == authEndpointToken {
		base, _ := normalizeImageEndpoint(cfg.Endpoint) // validated
		pc := &gophercloud.ProviderClient{HTTPClient: httpClient}
		pc.UseTokenLock()
		if cfg.UserAgent != "" {
			pc.UserAgent.Prepend(cfg.UserAgent)
		}
		if err := pc.SetTokenAndAuthResult(staticToken(cfg.Token)); err != nil {
			return nil, err
		}
		tflog.Debug(ctx, "Using the images endpoint and token as given, without identity", map[string]any{"endpoint": base})
		return &Client{image: imageServiceClient(pc, base), region: cfg.Region, secrets: secrets, maxRetries: cfg.MaxRetries, sourceHTTP: sourceHTTP}, nil
	}

	pc, err := openstack.NewClient(cfg.AuthURL)
	if err != nil {
		return nil, &ConfigError{Attributes: []string{AttrAuthURL}, Summary: "Invalid identity URL", Detail: err.Error()}
	}
	pc.HTTPClient = httpClient
	if cfg.UserAgent != "" {
		pc.UserAgent.Prepend(cfg.UserAgent)
	}

	if ver == identityUnknown {
		ver, err = discoverIdentityVersion(ctx, pc, cfg)
		if err != nil {
			return nil, err
		}
	}
	if ver == identityV3 && method == authAPIKey {
		return nil, &ConfigError{
			Attributes: []string{AttrAPIKey, AttrAuthURL},
			Summary:    "API key needs identity v2.0",
			Detail:     "the identity service at " + cfg.AuthURL + " offers v3 only; Rackspace API-key authentication (api_key) exists only in v2.0. Use password.",
		}
	}

	tflog.Debug(ctx, "Authenticating", map[string]any{
		"auth_url": cfg.AuthURL, "identity_version": ver.String(), "auth_method": method.String(),
	})
	if ver == identityV3 {
		err = authenticateV3(ctx, pc, cfg, method)
	} else {
		err = authenticateV2(ctx, pc, cfg, method)
	}
	if err != nil {
		return nil, authError(cfg, method, err)
	}

	info, err := readAuthResult(pc.GetAuthResult())
	if err != nil {
		return nil, fmt.Errorf("reading the identity response from %s: %w", cfg.AuthURL, err)
	}

	c := &Client{tenantID: info.tenantID, secrets: secrets, maxRetries: cfg.MaxRetries, sourceHTTP: sourceHTTP}
	if cfg.Endpoint != "" {
		base, _ := normalizeImageEndpoint(cfg.Endpoint) // validated
		c.region = cfg.Region
		if c.region == "" {
			c.region, _ = info.chooseRegion("")
		}
		c.image = imageServiceClient(pc, base)
	} else {
		region, err := info.chooseRegion(cfg.Region)
		if err != nil {
			return nil, err
		}
		raw := info.endpointFor(region)
		base, err := normalizeImageEndpoint(raw)
		if err != nil {
			return nil, &ConfigError{
				Attributes: []string{AttrEndpoint},
				Summary:    "Unusable images endpoint in the service catalog",
				Detail:     fmt.Sprintf("the catalog's image endpoint for region %q is unusable (%v); set endpoint to the images URL.", region, err),
			}
		}
		c.region = region
		c.image = imageServiceClient(pc, base)
	}
	tflog.Debug(ctx, "Authenticated", map[string]any{
		"region": c.region, "tenant_id": c.tenantID, "images_endpoint": c.ImageEndpoint(),
	})
	return c, nil
}

// imageServiceClient builds the image ServiceClient by hand: the catalog's URL
// may already end in /v2 (Rackspace), where openstack.NewImageV2 would build
// …/v2/v2/; base always ends in "/v2/".
func imageServiceClient(pc *gophercloud.ProviderClient, base string) *gophercloud.ServiceClient {
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: base, ResourceBase: base, Type: "image"}
}

func (v identityVersion) String() string {
	switch v {
	case identityV2:
		return "v2.0"
	case identityV3:
		return "v3"
	}
	return "unknown"
}

func discoverIdentityVersion(ctx context.Context, pc *gophercloud.ProviderClient, cfg Config) (identityVersion, error) {
	versions := []*utils.Version{
		{ID: "v2.0", Priority: 20, Suffix: "/v2.0/"},
		{ID: "v3", Priority: 30, Suffix: "/v3/"},
	}
	chosen, _, err := utils.ChooseVersion(ctx, pc, versions)
	if err != nil {
		return identityUnknown, &ConfigError{
			Attributes: []string{AttrAuthURL},
			Summary:    "Cannot find the identity API version",
			Detail: fmt.Sprintf("%s does not end in /v2.0 or /v3 and version discovery failed: %s. Use the full versioned URL, e.g. %s.",
				cfg.AuthURL, WrapError(http.MethodGet, pc.IdentityBase, err).Error(), DefaultAuthURL),
		}
	}
	if chosen.ID == "v3" {
		return identityV3, nil
	}
	return identityV2, nil
}

func authenticateV2(ctx context.Context, pc *gophercloud.ProviderClient, cfg Config, method authMethod) error {
	var opts tokens2.AuthOptionsBuilder
	switch method {
	case authAPIKey:
		opts = raxAPIKeyAuth{Username: cfg.Username, APIKey: cfg.APIKey, TenantID: cfg.TenantID, TenantName: cfg.TenantName, AllowReauth: true}
	case authPassword:
		opts = tokens2.AuthOptions{Username: cfg.Username, Password: cfg.Password, TenantID: cfg.TenantID, TenantName: cfg.TenantName, AllowReauth: true}
	default:
		opts = tokens2.AuthOptions{TokenID: cfg.Token, TenantID: cfg.TenantID, TenantName: cfg.TenantName}
	}
	return openstack.AuthenticateV2(ctx, pc, opts, gophercloud.EndpointOpts{})
}

func authenticateV3(ctx context.Context, pc *gophercloud.ProviderClient, cfg Config, method authMethod) error {
	opts := &tokens3.AuthOptions{}
	switch method {
	case authPassword:
		opts.Username = cfg.Username
		opts.Password = cfg.Password
		opts.DomainName = cfg.UserDomainName
		if opts.DomainName == "" {
			opts.DomainName = "Default"
		}
		opts.AllowReauth = true
	default:
		opts.TokenID = cfg.Token
	}
	switch {
	case cfg.TenantID != "":
		opts.Scope.ProjectID = cfg.TenantID
	case cfg.TenantName != "":
		opts.Scope.ProjectName = cfg.TenantName
		opts.Scope.DomainName = cfg.ProjectDomainName
		if opts.Scope.DomainName == "" {
			opts.Scope.DomainName = "Default"
		}
	}
	return openstack.AuthenticateV3(ctx, pc, opts, gophercloud.EndpointOpts{})
}

// authError turns an identity failure into something the user can act on.
func authError(cfg Config, method authMethod, err error) error {
	status := StatusCode(err)
	msg := err.Error()
	if ue, ok := unexpected(err); ok {
		msg = serverMessage(ue.Actual, ue.Body)
		if msg == "" {
			msg = http.StatusText(ue.Actual)
		}
	}
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusBadRequest:
		attrs := method.credentialAttrs()
		if cfg.TenantID != "" {
			attrs = append(attrs, AttrTenantID)
		}
		if cfg.TenantName != "" {
			attrs = append(attrs, AttrTenantName)
		}
		return &ConfigError{
			Attributes: attrs,
			Summary:    "Authentication failed",
			Detail: fmt.Sprintf("the identity service at %s rejected the %s credentials (%d %s): %s",
				cfg.AuthURL, method, status, http.StatusText(status), msg),
		}
	case http.StatusNotFound:
		return &ConfigError{
			Attributes: []string{AttrAuthURL},
			Summary:    "Identity service not found",
			Detail:     fmt.Sprintf("%s answered 404 Not Found to the token request; check auth_url (e.g. %s).", cfg.AuthURL, DefaultAuthURL),
		}
	case 0:
		var opErr *net.OpError
		var dnsErr *net.DNSError
		if errors.As(err, &opErr) || errors.As(err, &dnsErr) {
			return &ConfigError{
				Attributes: []string{AttrAuthURL},
				Summary:    "Cannot reach the identity service",
				Detail:     fmt.Sprintf("%s: %v", cfg.AuthURL, err),
			}
		}
		if isTLSError(err) {
			return &ConfigError{
				Attributes: []string{AttrAuthURL, AttrCACertFile, AttrInsecure},
				Summary:    "TLS verification failed",
				Detail:     fmt.Sprintf("%s: %v. Add the server's CA with cacert_file, or (for testing only) set insecure = true.", cfg.AuthURL, err),
			}
		}
	}
	return fmt.Errorf("authenticating with %s: %w", cfg.AuthURL, WrapError(http.MethodPost, cfg.AuthURL, err))
}

func isTLSError(err error) bool {
	return err != nil && !retryableError(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// authInfo is what the client needs from the token response.
type authInfo struct {
	tenantID      string
	defaultRegion string
	hasImage      bool
	endpoints     []catalogEndpoint // public image endpoints
}

type catalogEndpoint struct{ region, url string }

func readAuthResult(r gophercloud.AuthResult) (*authInfo, error) {
	info := &authInfo{}
	switch res := r.(type) {
	case tokens2.CreateResult:
		var s struct {
			Access struct {
				Token struct {
					Tenant struct {
						ID string `json:"id"`
					} `json:"tenant"`
				} `json:"token"`
				User struct {
					DefaultRegion string `json:"RAX-AUTH:defaultRegion"`
				} `json:"user"`
			} `json:"access"`
		}
		if err := res.ExtractInto(&s); err != nil {
			return nil, err
		}
		info.tenantID = s.Access.Token.Tenant.ID
		info.defaultRegion = s.Access.User.DefaultRegion
		catalog, err := res.ExtractServiceCatalog()
		if err != nil {
			return nil, err
		}
		for _, e := range catalog.Entries {
			if e.Type != "image" {
				continue
			}
			info.hasImage = true
			for _, ep := range e.Endpoints {
				if ep.PublicURL != "" {
					info.endpoints = append(info.endpoints, catalogEndpoint{region: ep.Region, url: ep.PublicURL})
				}
			}
		}
	case tokens3.CreateResult:
		return readV3(info, res.ExtractProject, res.ExtractServiceCatalog)
	case tokens3.GetResult:
		return readV3(info, res.ExtractProject, res.ExtractServiceCatalog)
	default:
		return nil, fmt.Errorf("unexpected identity result %T", r)
	}
	return info, nil
}

func readV3(info *authInfo, project func() (*tokens3.Project, error), catalog func() (*tokens3.ServiceCatalog, error)) (*authInfo, error) {
	p, err := project()
	if err != nil {
		return nil, err
	}
	if p != nil {
		info.tenantID = p.ID
	}
	cat, err := catalog()
	if err != nil {
		return nil, err
	}
	for _, e := range cat.Entries {
		if e.Type != "image" {
			continue
		}
		info.hasImage = true
		for _, ep := range e.Endpoints {
			if ep.Interface != "public" || ep.URL == "" {
				continue
			}
			region := ep.Region
			if region == "" {
				region = ep.RegionID
			}
			info.endpoints = append(info.endpoints, catalogEndpoint{region: region, url: ep.URL})
		}
	}
	return info, nil
}

func (a *authInfo) regions() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range a.endpoints {
		if !seen[e.region] {
			seen[e.region] = true
			out = append(out, e.region)
		}
	}
	sort.Strings(out)
	return out
}

func (a *authInfo) endpointFor(region string) string {
	for _, e := range a.endpoints {
		if e.region == region {
			return e.url
		}
	}
	return ""
}

// chooseRegion: the configured one if the image service is there; else the
// user's default region (Rackspace); else the only region; else an error
// listing the regions.
func (a *authInfo) chooseRegion(want string) (string, error) {
	regions := a.regions()
	if len(regions) == 0 {
		detail := "the service catalog has no image service"
		if !a.hasImage {
			detail += "; if the token is unscoped, set tenant_id or tenant_name"
		} else {
			detail = "the catalog's image service has no public endpoint"
		}
		return "", &ConfigError{
			Attributes: []string{AttrEndpoint, AttrTenantID, AttrTenantName},
			Summary:    "No images endpoint",
			Detail:     detail + ". Set endpoint to the images URL.",
		}
	}
	list := quoteList(regions)
	if want != "" {
		for _, r := range regions {
			if r == want {
				return r, nil
			}
		}
		for _, r := range regions { // be forgiving about case: "dfw" → "DFW"
			if strings.EqualFold(r, want) {
				return r, nil
			}
		}
		return "", &ConfigError{
			Attributes: []string{AttrRegion},
			Summary:    "Region not found",
			Detail:     fmt.Sprintf("the service catalog has no image endpoint in region %q; the image service is available in: %s.", want, list),
		}
	}
	if a.defaultRegion != "" {
		for _, r := range regions {
			if r == a.defaultRegion {
				return r, nil
			}
		}
	}
	if len(regions) == 1 {
		return regions[0], nil
	}
	return "", &ConfigError{
		Attributes: []string{AttrRegion},
		Summary:    "Region required",
		Detail:     fmt.Sprintf("the image service is available in several regions and the account has no default region; set region to one of: %s.", list),
	}
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		if s == "" {
			q[i] = `"" (no region)`
		} else {
			q[i] = s
		}
	}
	return strings.Join(q, ", ")
}
