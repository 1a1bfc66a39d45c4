package client

import (
	"context"
	"fmt"
	"net/http"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Client talks to one region's images endpoint. It is safe for concurrent use.
type Client struct {
	image    *gophercloud.ServiceClient
	region   string
	tenantID string
	identity IdentityURL
	objects  string // the object store's endpoint, "" when unknown
	secrets  *secretSet
	// maxRetries also bounds the retries that need a look at the server
	// first: uploads while the image is queued, lost task creates.
	maxRetries int
	// sourceHTTP fetches source_url data: its own client, without the API's
	// token or request logging (its headers may hold credentials).
	sourceHTTP *http.Client
	disco      discovery
	// regional holds the clients of the catalog's other regions, shared by
	// every client of this identity session (see ForRegion).
	regional *regionalClients
}

// Region is the region whose images endpoint the client uses ("" when an
// endpoint was given without a region).
func (c *Client) Region() string { return c.region }

// TenantID is the authenticated tenant/project (from the token); "" when an
// endpoint and token were used without identity.
func (c *Client) TenantID() string { return c.tenantID }

// ImageEndpoint is the base of every image URL; it ends in "/v2/".
func (c *Client) ImageEndpoint() string { return c.image.ResourceBaseURL() }

// ObjectStoreEndpoint is the object store's endpoint: the override, else the
// catalog's for the region and interface; "" when neither has one.
func (c *Client) ObjectStoreEndpoint() string { return c.objects }

// Token is the identity token the client sends now, for tools a
// configuration runs beside the provider (the cloudimages_auth ephemeral
// resource). The client renews it when the API rejects it.
func (c *Client) Token() string { return c.image.Token() }

// Identity is what the client found about the identity URL (zero without
// identity).
func (c *Client) Identity() IdentityURL { return c.identity }

// New authenticates (unless Endpoint and Token are given without a user) and
// returns a client for the selected region's images endpoint.
func New(ctx context.Context, cfg Config) (*Client, error) {
	cfg = cfg.normalized()
	method, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	tlsCfg, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}

	secrets := newSecretSet()
	secrets.add(cfg.Password, cfg.APIKey, cfg.Token, cfg.ApplicationCredentialSecret)
	ctx = secrets.mask(ctx)

	httpClient := http.Client{Transport: newTransport(newHTTPTransport(tlsCfg), cfg.MaxRetries, secrets)}
	c := &Client{secrets: secrets, maxRetries: cfg.MaxRetries, sourceHTTP: &http.Client{Transport: newHTTPTransport(tlsCfg)}, objects: cfg.ObjectStoreEndpoint}

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
		// A given token cannot be renewed: say so when the API refuses it.
		pc.ReauthFunc = func(context.Context) error { return ErrTokenRejected }
		tflog.Debug(ctx, "Using the images endpoint and token as given, without identity", map[string]any{"endpoint": base})
		c.image, c.region = imageServiceClient(pc, base), cfg.Region
		c.regional = &regionalClients{noCatalog: "the images endpoint was given with a token, without the identity service and its catalog"}
		return c, nil
	}

	identity, ver, err := resolveIdentity(ctx, &httpClient, cfg, method)
	if err != nil {
		return nil, err
	}
	c.identity = identity
	pc, err := openstack.NewClient(identity.Used)
	if err != nil {
		return nil, &ConfigError{Attributes: []string{AttrAuthURL}, Summary: "Invalid identity URL", Detail: err.Error()}
	}
	pc.HTTPClient = httpClient
	if cfg.UserAgent != "" {
		pc.UserAgent.Prepend(cfg.UserAgent)
	}
	tflog.Debug(ctx, "Authenticating", map[string]any{
		"auth_url": identity.Used, "identity_version": ver.String(), "auth_method": method.String(),
	})
	if ver == identityV3 {
		err = authenticateV3(ctx, pc, cfg, method)
	} else {
		err = authenticateV2(ctx, pc, cfg, method)
	}
	if err != nil {
		return nil, authError(cfg, identity, method, err)
	}
	if method == authToken {
		pc.ReauthFunc = func(context.Context) error { return ErrTokenRejected }
	}

	info, err := readAuthResult(pc.GetAuthResult(), cfg.Interface)
	if err != nil {
		return nil, fmt.Errorf("reading the identity response from %s: %w", identity.Used, err)
	}
	c.tenantID = info.tenantID
	// Both a project id and a name (as Horizon's RC files export them): the
	// token is scoped by the id, as keystoneauth does; a name that is another
	// project's is a mistake to report, not to ignore.
	if ver == identityV3 && method != authAppCredential && cfg.TenantID != "" && cfg.TenantName != "" && info.tenantName != cfg.TenantName {
		return nil, &ConfigError{
			Attributes: []string{AttrTenantID, AttrTenantName},
			Summary:    "Project id and name disagree",
			Detail: fmt.Sprintf("the token is scoped to the project of tenant_id %q, which is named %q, not %q as tenant_name says; set one of them, or make them agree.",
				cfg.TenantID, info.tenantName, cfg.TenantName),
		}
	}
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
				Detail:     fmt.Sprintf("the catalog's image endpoint for region %q is unusable: %v.", region, err),
			}
		}
		c.region = region
		c.image = imageServiceClient(pc, base)
	}
	if c.objects == "" {
		c.objects = info.objectStoreFor(c.region)
	}
	c.regional = &regionalClients{catalog: info, byRegion: map[string]*Client{}}
	if cfg.Endpoint != "" {
		// The endpoint given is one region's; the catalog's for the others
		// would bypass it.
		c.regional = &regionalClients{noCatalog: "the images endpoint is set in the configuration (endpoint or endpoint_overrides)"}
	}
	tflog.Debug(ctx, "Authenticated", map[string]any{
		"region": c.region, "tenant_id": c.tenantID, "images_endpoint": c.ImageEndpoint(), "object_store_endpoint": c.objects,
	})
	return c, nil
}

// imageServiceClient builds the image ServiceClient by hand: the catalog's URL
// may already end in /v2 (Rackspace), where openstack.NewImageV2 would build
// …/v2/v2/; base always ends in "/v2/".
func imageServiceClient(pc *gophercloud.ProviderClient, base string) *gophercloud.ServiceClient {
	return &gophercloud.ServiceClient{ProviderClient: pc, Endpoint: base, ResourceBase: base, Type: "image"}
}
