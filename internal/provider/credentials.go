package provider

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// settings are the provider's arguments as the configuration gives them:
// name → value, for those set (null ones absent).
type settings struct {
	values    map[string]string
	overrides map[string]string // endpoint_overrides
}

// resolved is the client configuration and where each value came from.
type resolved struct {
	cfg     client.Config
	origins map[string]string // argument → "the provider block", "OS_API_KEY", `cloud "x" in …`
	// source is where the credential set came from, for advice.
	source string
}

const fromBlock = "the provider block"

// resolve applies the rule of issue 15: credentials come as a set from one
// place. The provider block, if it sets any credential argument (alone, or
// over the entry its `cloud` names); else the clouds.yaml entry of `cloud` or
// OS_CLOUD; else the OS_* environment. Other settings: block, else the cloud
// entry, else the environment, else the default.
func resolve(in settings, getenv func(string) string) (*resolved, error) {
	out := &resolved{origins: map[string]string{}}
	values := map[string]string{}
	blockCreds := false
	for _, a := range arguments {
		if _, ok := in.values[a.name]; ok && a.credential {
			blockCreds = true
		}
	}
	cloudName, cloudFrom := in.values["cloud"], fromBlock
	if cloudName == "" && !blockCreds {
		cloudName, cloudFrom = getenv("OS_CLOUD"), "OS_CLOUD"
	}
	var cloud *cloudEntry
	if cloudName != "" {
		region := in.values[client.AttrRegion]
		if region == "" && !blockCreds {
			region = getenv("OS_REGION_NAME")
		}
		var err error
		if cloud, err = loadCloud(cloudName, region, getenv); err != nil {
			return nil, &client.ConfigError{Attributes: []string{"cloud"}, Summary: "Cannot read clouds.yaml",
				Detail: fmt.Sprintf("%v; the cloud is named by %s.", err, cloudFrom)}
		}
		out.origins["cloud"] = cloudFrom
	}
	switch {
	case blockCreds && cloud == nil:
		out.source = fromBlock
	case cloud != nil:
		out.source = fmt.Sprintf("cloud %q in %s", cloud.Name, cloud.CloudsPath)
	default:
		out.source = "the environment"
	}

	for _, a := range arguments {
		if a.name == "cloud" || a.kind == kindMap {
			continue
		}
		if v, ok := in.values[a.name]; ok {
			values[a.name], out.origins[a.name] = v, fromBlock
			continue
		}
		useEnv := !a.credential || (!blockCreds && cloud == nil)
		if cloud != nil && a.fromCloud != nil {
			if v := a.fromCloud(cloud); v != "" {
				values[a.name], out.origins[a.name] = v, cloud.origin(a)
				continue
			}
		}
		if useEnv {
			found := false
			for _, e := range a.env {
				if v := getenv(e); v != "" {
					values[a.name], out.origins[a.name], found = v, e, true
					break
				}
			}
			if found {
				continue
			}
		}
		if a.def != "" {
			values[a.name], out.origins[a.name] = a.def, "the default"
		}
	}

	cfg := client.Config{
		AuthURL: values[client.AttrAuthURL], Username: values[client.AttrUsername], UserID: values[client.AttrUserID],
		Password: values[client.AttrPassword], APIKey: values[client.AttrAPIKey], Token: values[client.AttrToken],
		ApplicationCredentialID:     values[client.AttrApplicationCredentialID],
		ApplicationCredentialName:   values[client.AttrApplicationCredentialName],
		ApplicationCredentialSecret: values[client.AttrApplicationCredentialSecret],
		TenantID:                    values[client.AttrTenantID], TenantName: values[client.AttrTenantName],
		UserDomainName: values[client.AttrUserDomainName], UserDomainID: values[client.AttrUserDomainID],
		ProjectDomainName: values[client.AttrProjectDomainName], ProjectDomainID: values[client.AttrProjectDomainID],
		Region: values[client.AttrRegion], Interface: values[client.AttrInterface], Endpoint: values[client.AttrEndpoint],
		CACert: values[client.AttrCACertFile], ClientCert: values[client.AttrCert], ClientKey: values[client.AttrKey],
	}
	for k, v := range in.overrides {
		switch k {
		case "image":
			if cfg.Endpoint != "" && out.origins[client.AttrEndpoint] == fromBlock {
				return nil, &client.ConfigError{Attributes: []string{client.AttrEndpoint, "endpoint_overrides"}, Summary: "Two images endpoints",
					Detail: "endpoint and endpoint_overrides.image are both set; set one of them."}
			}
			cfg.Endpoint, out.origins[client.AttrEndpoint] = v, fromBlock+" (endpoint_overrides)"
		case "object-store":
			cfg.ObjectStoreEndpoint, out.origins[client.AttrObjectStoreEndpoint] = v, fromBlock
		default:
			return nil, &client.ConfigError{Attributes: []string{"endpoint_overrides"}, Summary: "Unknown service in endpoint_overrides",
				Detail: fmt.Sprintf("%q is not a service this provider calls; the keys are image and object-store.", k)}
		}
	}
	var err error
	if cfg.MaxRetries, err = strconv.Atoi(values[client.AttrMaxRetries]); err != nil {
		return nil, &client.ConfigError{Attributes: []string{client.AttrMaxRetries}, Summary: "Invalid max_retries",
			Detail: fmt.Sprintf("max_retries %q (from %s) is not a number.", values[client.AttrMaxRetries], out.origins[client.AttrMaxRetries])}
	}
	if cfg.Insecure, err = strconv.ParseBool(values[client.AttrInsecure]); err != nil {
		return nil, &client.ConfigError{Attributes: []string{client.AttrInsecure}, Summary: "Invalid insecure",
			Detail: fmt.Sprintf("insecure must be true or false, not %q (from %s).", values[client.AttrInsecure], out.origins[client.AttrInsecure])}
	}
	out.cfg = cfg
	return out, nil
}

// valuesUsed lists where each credential and connection value came from,
// without the values (secrets among them).
func (r *resolved) valuesUsed() string {
	var names []string
	for name := range r.origins {
		if name == client.AttrMaxRetries {
			continue
		}
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return order(names[i]) < order(names[j]) })
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n + " from " + r.origins[n]
	}
	return s
}

func order(name string) int {
	for i, a := range arguments {
		if a.name == name {
			return i
		}
	}
	return len(arguments)
}

// whereToFix says where an argument of the error is to be changed.
func (r *resolved) whereToFix(attr string) string {
	if o, ok := r.origins[attr]; ok && o != "the default" {
		if isEnv(attr, o) {
			return attr + " (from the environment variable " + o + ")"
		}
		return attr + " (in " + o + ")"
	}
	a := argumentNamed(attr)
	if r.source == "the environment" && len(a.env) > 0 {
		return attr + " (not set; set it in the provider block, or " + a.env[0] + ")"
	}
	return attr + " (not set; set it in " + r.source + ")"
}

func isEnv(attr, origin string) bool {
	a := argumentNamed(attr)
	for _, e := range a.env {
		if e == origin {
			return true
		}
	}
	return false
}
