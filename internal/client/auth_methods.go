package client

import (
	"context"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack"
	tokens2 "github.com/gophercloud/gophercloud/v2/openstack/identity/v2/tokens"
	tokens3 "github.com/gophercloud/gophercloud/v2/openstack/identity/v3/tokens"
)

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

// defaultDomain is Keystone's default domain, used when a name needs a domain
// and none is given (as the openstack CLI does).
const defaultDomain = "Default"

func authenticateV3(ctx context.Context, pc *gophercloud.ProviderClient, cfg Config, method authMethod) error {
	opts := &tokens3.AuthOptions{}
	user := func() {
		opts.UserID = cfg.UserID
		if cfg.UserID == "" {
			opts.Username = cfg.Username
			opts.DomainID = cfg.UserDomainID
			opts.DomainName = cfg.UserDomainName
			if opts.DomainID == "" && opts.DomainName == "" {
				opts.DomainName = defaultDomain
			}
		}
	}
	switch method {
	case authPassword:
		user()
		opts.Password = cfg.Password
		opts.AllowReauth = true
	case authAppCredential:
		opts.ApplicationCredentialID = cfg.ApplicationCredentialID
		opts.ApplicationCredentialSecret = cfg.ApplicationCredentialSecret
		if cfg.ApplicationCredentialID == "" {
			opts.ApplicationCredentialName = cfg.ApplicationCredentialName
			user()
		}
		opts.AllowReauth = true
	default:
		opts.TokenID = cfg.Token
	}
	switch {
	case method == authAppCredential:
	case cfg.TenantID != "":
		opts.Scope.ProjectID = cfg.TenantID
	case cfg.TenantName != "":
		opts.Scope.ProjectName = cfg.TenantName
		opts.Scope.DomainID = cfg.ProjectDomainID
		opts.Scope.DomainName = cfg.ProjectDomainName
		if opts.Scope.DomainID == "" && opts.Scope.DomainName == "" {
			opts.Scope.DomainName = defaultDomain
		}
	}
	return openstack.AuthenticateV3(ctx, pc, opts, gophercloud.EndpointOpts{})
}
