package client

import (
	"fmt"
	"sync"
)

// One provider block can serve every region of the catalog: the client of
// each region shares the identity session of the one New made (token,
// renewal, connections, masked secrets) and has the image and object-store
// endpoints of its region. Each is made on first use and then reused.

// regionalClients are the clients of one identity session, by region.
type regionalClients struct {
	catalog *authInfo // nil when the catalog does not say where other regions are
	// noCatalog says why catalog is nil.
	noCatalog string
	mu        sync.Mutex
	byRegion  map[string]*Client
}

// ForRegion returns the client of region: c itself for "" or c's own
// region, otherwise the region's client, made from the catalog on first use
// (a region's name is matched as the catalog spells it, or ignoring case).
// A region the catalog lacks is a *ConfigError on "region" that lists the
// catalog's regions.
func (c *Client) ForRegion(region string) (*Client, error) {
	if region == "" || region == c.region {
		return c, nil
	}
	r := c.regional
	if r == nil {
		r = &regionalClients{noCatalog: "the client has no identity session"}
	}
	if r.catalog == nil {
		return nil, &ConfigError{
			Attributes: []string{AttrRegion},
			Summary:    "Region not available",
			Detail:     fmt.Sprintf("region %q: %s, so this provider configuration serves only its own region (%q).", region, r.noCatalog, c.region),
		}
	}
	name, err := r.catalog.chooseRegion(region)
	if err != nil {
		return nil, err
	}
	if name == c.region {
		return c, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if rc, ok := r.byRegion[name]; ok {
		return rc, nil
	}
	base, err := normalizeImageEndpoint(r.catalog.endpointFor(name))
	if err != nil {
		return nil, &ConfigError{
			Attributes: []string{AttrRegion},
			Summary:    "Unusable images endpoint in the service catalog",
			Detail:     fmt.Sprintf("the catalog's image endpoint for region %q is unusable: %v.", name, err),
		}
	}
	rc := &Client{
		image:      imageServiceClient(c.image.ProviderClient, base),
		region:     name,
		tenantID:   c.tenantID,
		identity:   c.identity,
		objects:    r.catalog.objectStoreFor(name),
		secrets:    c.secrets,
		maxRetries: c.maxRetries,
		sourceHTTP: c.sourceHTTP,
		regional:   r,
	}
	r.byRegion[name] = rc
	return rc, nil
}

// Regions are the catalog's regions with an images endpoint, sorted; only
// the client's own without identity.
func (c *Client) Regions() []string {
	if c.regional == nil || c.regional.catalog == nil {
		return []string{c.region}
	}
	return c.regional.catalog.regions()
}
