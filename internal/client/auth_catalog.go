package client

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gophercloud/gophercloud/v2"
	tokens2 "github.com/gophercloud/gophercloud/v2/openstack/identity/v2/tokens"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

// authInfo is what the client needs from the token response.
type authInfo struct {
	tenantID      string
	tenantName    string // identity v3 only
	defaultRegion string
	iface         string
	hasImage      bool
	endpoints     []catalogEndpoint // image endpoints of the interface
	objectStores  []catalogEndpoint // object-store endpoints of the interface
}

type catalogEndpoint struct{ region, url string }

// readAuthResult reads the token's tenant, the user's default region and the
// catalog's image and object-store endpoints of one interface ("" = public).
func readAuthResult(r gophercloud.AuthResult, iface string) (*authInfo, error) {
	if iface == "" {
		iface = "public"
	}
	info := &authInfo{iface: iface}
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
			for _, ep := range e.Endpoints {
				url := map[string]string{"public": ep.PublicURL, "internal": ep.InternalURL, "admin": ep.AdminURL}[iface]
				info.add(e.Type, ep.Region, url)
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

func (a *authInfo) add(typ, region, url string) {
	switch typ {
	case "image":
		a.hasImage = true
		if url != "" {
			a.endpoints = append(a.endpoints, catalogEndpoint{region: region, url: url})
		}
	case "object-store":
		if url != "" {
			a.objectStores = append(a.objectStores, catalogEndpoint{region: region, url: url})
		}
	}
}

func readV3(info *authInfo, project func() (*tokens3.Project, error), catalog func() (*tokens3.ServiceCatalog, error)) (*authInfo, error) {
	p, err := project()
	if err != nil {
		return nil, err
	}
	if p != nil {
		info.tenantID, info.tenantName = p.ID, p.Name
	}
	cat, err := catalog()
	if err != nil {
		return nil, err
	}
	for _, e := range cat.Entries {
		for _, ep := range e.Endpoints {
			if ep.Interface != info.iface {
				continue
			}
			region := ep.Region
			if region == "" {
				region = ep.RegionID
			}
			info.add(e.Type, region, ep.URL)
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

func (a *authInfo) endpointFor(region string) string { return lookup(a.endpoints, region) }

func (a *authInfo) objectStoreFor(region string) string { return lookup(a.objectStores, region) }

func lookup(eps []catalogEndpoint, region string) string {
	for _, e := range eps {
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
		detail := "the service catalog has no image service; an unscoped token has no catalog, so a project may be missing"
		attrs := []string{AttrEndpoint, AttrTenantID, AttrTenantName}
		if a.hasImage {
			detail = "the catalog's image service has no " + a.iface + " endpoint"
			attrs = []string{AttrInterface, AttrEndpoint}
		}
		return "", &ConfigError{Attributes: attrs, Summary: "No images endpoint", Detail: detail + "."}
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
			Detail:     fmt.Sprintf("the service catalog has no %s image endpoint in region %q; the image service is available in: %s.", a.iface, want, list),
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
		Detail:     fmt.Sprintf("the image service is available in several regions and the account has no default region; the regions are: %s.", list),
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
