package provider

import (
	"fmt"
	"strings"

	"github.com/gophercloud/utils/v2/openstack/clientconfig"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
)

// Defaults of the provider's arguments: the one place they are decided.
const (
	// DefaultAuthURL is Rackspace's identity v2.0 endpoint.
	DefaultAuthURL = "https://identity.api.rackspacecloud.com/v2.0/"
	// DefaultMaxRetries is how often a request that is safe to repeat is retried.
	DefaultMaxRetries = 5
	// DefaultInterface is the catalog interface of the endpoints used.
	DefaultInterface = "public"
)

type argKind int

const (
	kindString argKind = iota
	kindBool
	kindInt
	kindMap
)

// argument is one provider argument: the table below drives the schema, the
// environment fallback, clouds.yaml and the docs.
type argument struct {
	name string
	kind argKind
	// env are the environment variables read, first set wins.
	env []string
	// def is the default, "" for none.
	def       string
	sensitive bool
	// credential arguments form the credential set: they come together from
	// the provider block, a clouds.yaml entry, or the environment, never mixed.
	credential bool
	// fromCloud reads the value from a clouds.yaml entry; nil when clouds.yaml
	// has no such setting.
	fromCloud func(c *cloudEntry) string
	desc      string
}

func auth(f func(a *clientconfig.AuthInfo) string) func(*cloudEntry) string {
	return func(c *cloudEntry) string {
		if c.AuthInfo == nil {
			return ""
		}
		return f(c.AuthInfo)
	}
}

// arguments is the table of the provider's arguments, in the docs' order.
var arguments = []argument{
	{name: "cloud", env: []string{"OS_CLOUD"},
		desc: "Entry of `clouds.yaml` to take the credentials and settings from (searched in `OS_CLIENT_CONFIG_FILE`, `./`, `~/.config/openstack/`, `/etc/openstack/`; `secure.yaml` beside it is merged in). Used when the block sets no credential argument, or with the block's credential arguments overriding the entry's."},
	{name: client.AttrAuthURL, env: []string{"OS_AUTH_URL"}, def: DefaultAuthURL, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.AuthURL }),
		desc: "Identity endpoint. A URL ending in `/v2.0` uses identity v2.0 (Rackspace, Keystone v2), one ending in `/v3` Keystone v3; an unversioned URL is discovered (v2.0 when the method needs it, as `api_key` does, else v3). A URL ending in `/tokens` (pasted from curl) is used without it, with a warning."},
	{name: client.AttrUsername, env: []string{"OS_USERNAME"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.Username }),
		desc: "User name, with `api_key` or `password` (or with `application_credential_name`)."},
	{name: client.AttrUserID, env: []string{"OS_USER_ID"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.UserID }),
		desc: "Identity v3 only: the user's id, instead of `username`."},
	{name: client.AttrAPIKey, env: []string{"OS_API_KEY"}, sensitive: true, credential: true, fromCloud: func(c *cloudEntry) string { return c.APIKey },
		desc: "Rackspace API key (`RAX-KSKEY:apiKeyCredentials`, identity v2.0 only). Only one of `api_key`, `password`, `token` and an application credential may be set."},
	{name: client.AttrPassword, env: []string{"OS_PASSWORD"}, sensitive: true, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.Password }),
		desc: "Password of the user."},
	{name: client.AttrToken, env: []string{"OS_AUTH_TOKEN", "OS_TOKEN"}, sensitive: true, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.Token }),
		desc: "An existing token, used instead of a user and secret. With `endpoint` it skips the identity service entirely. A given token cannot be renewed: when the API rejects it, the error says so."},
	{name: client.AttrApplicationCredentialID, env: []string{"OS_APPLICATION_CREDENTIAL_ID"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.ApplicationCredentialID }),
		desc: "Identity v3 application credential id, with `application_credential_secret`. The token is scoped to the credential's own project."},
	{name: client.AttrApplicationCredentialName, env: []string{"OS_APPLICATION_CREDENTIAL_NAME"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.ApplicationCredentialName }),
		desc: "Identity v3 application credential name, with its user (`user_id`, or `username` and its domain) and `application_credential_secret`."},
	{name: client.AttrApplicationCredentialSecret, env: []string{"OS_APPLICATION_CREDENTIAL_SECRET"}, sensitive: true, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.ApplicationCredentialSecret }),
		desc: "Identity v3 application credential secret."},
	{name: client.AttrTenantID, env: []string{"OS_TENANT_ID", "OS_PROJECT_ID"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.ProjectID }),
		desc: "Tenant (project) id to scope the token to."},
	{name: client.AttrTenantName, env: []string{"OS_TENANT_NAME", "OS_PROJECT_NAME"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.ProjectName }),
		desc: "Tenant (project) name to scope the token to."},
	{name: client.AttrUserDomainName, env: []string{"OS_USER_DOMAIN_NAME"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.UserDomainName }),
		desc: "Identity v3 only: the user's domain name. `Default` when neither it nor `user_domain_id` is set."},
	{name: client.AttrUserDomainID, env: []string{"OS_USER_DOMAIN_ID"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.UserDomainID }),
		desc: "Identity v3 only: the user's domain id."},
	{name: client.AttrProjectDomainName, env: []string{"OS_PROJECT_DOMAIN_NAME"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.ProjectDomainName }),
		desc: "Identity v3 only: the project's domain name. `Default` when neither it nor `project_domain_id` is set."},
	{name: client.AttrProjectDomainID, env: []string{"OS_PROJECT_DOMAIN_ID"}, credential: true, fromCloud: auth(func(a *clientconfig.AuthInfo) string { return a.ProjectDomainID }),
		desc: "Identity v3 only: the project's domain id."},
	{name: client.AttrCert, env: []string{"OS_CERT"}, credential: true, fromCloud: func(c *cloudEntry) string { return c.ClientCertFile },
		desc: "Client certificate for TLS: a PEM file's path or the PEM itself, with `key`."},
	{name: client.AttrKey, env: []string{"OS_KEY"}, sensitive: true, credential: true, fromCloud: func(c *cloudEntry) string { return c.ClientKeyFile },
		desc: "Private key of `cert`: a PEM file's path or the PEM itself."},
	{name: client.AttrRegion, env: []string{"OS_REGION_NAME"}, fromCloud: func(c *cloudEntry) string { return c.RegionName },
		desc: "Region of the Images endpoint in the service catalog, such as `DFW` or `LON`. Default: the user's default region (`RAX-AUTH:defaultRegion`), else the only region the catalog has."},
	{name: client.AttrInterface, env: []string{"OS_INTERFACE", "OS_ENDPOINT_TYPE"}, def: DefaultInterface, fromCloud: func(c *cloudEntry) string { return c.EndpointType },
		desc: "Interface of the catalog endpoints used: " + quoted(client.Interfaces) + " (`publicURL`, `internalURL`, `adminURL` also accepted). clouds.yaml: `interface` or `endpoint_type`."},
	{name: client.AttrEndpoint, env: []string{"CLOUDIMAGES_ENDPOINT"},
		desc: "Images endpoint to use instead of the catalog's, with or without the trailing `/v2`. The same as `endpoint_overrides.image`."},
	{name: "endpoint_overrides", kind: kindMap,
		desc: "Endpoints to use instead of the catalog's, by service type: `image` (as `endpoint`) and `object-store`."},
	{name: client.AttrInsecure, kind: kindBool, env: []string{"OS_INSECURE"}, def: "false", fromCloud: func(c *cloudEntry) string {
		if c.Verify != nil && !*c.Verify {
			return "true"
		}
		return ""
	},
		desc: "Skip TLS certificate verification; only for test endpoints. clouds.yaml: `verify: false`."},
	{name: client.AttrCACertFile, env: []string{"OS_CACERT"}, fromCloud: func(c *cloudEntry) string { return c.CACertFile },
		desc: "CA to trust in addition to the system's: a PEM file's path or the PEM itself. clouds.yaml: `cacert`."},
	{name: client.AttrMaxRetries, kind: kindInt, def: fmt.Sprint(DefaultMaxRetries),
		desc: "How many times a request that is safe to repeat is retried after a 429, 500, 502, 503 or 504 answer or a connection error, with exponential backoff that honours `Retry-After`; `0` disables retries. Between 0 and 50."},
}

func quoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

// description is the argument's documentation: its own text, then its
// environment variables and default, from the table.
func (a argument) description() string {
	d := a.desc
	if a.def != "" {
		d += " Default: `" + a.def + "`."
	}
	if len(a.env) > 0 {
		d += " Environment: " + strings.ReplaceAll(quoted(a.env), ", ", " or ") + "."
	}
	if a.credential {
		d += " Part of the credential set (see the provider's documentation)."
	}
	return d
}

func argumentNamed(name string) argument {
	for _, a := range arguments {
		if a.name == name {
			return a
		}
	}
	return argument{}
}
