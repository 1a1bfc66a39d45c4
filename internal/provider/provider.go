// Package provider is the cloudimages provider: its schema, its configuration
// (which builds the one API client every resource shares) and the lists of
// resources and data sources. It knows every feature package; none knows it.
package provider

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/image"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/member"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/task"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/cloudimages/cloudimages"

// DefaultMaxRetries is how often a request that is safe to repeat is retried.
const DefaultMaxRetries = 5

var _ provider.Provider = (*cloudImagesProvider)(nil)

// New returns a constructor of the provider, as providerserver wants it.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &cloudImagesProvider{version: version}
	}
}

type cloudImagesProvider struct {
	version string
}

type providerModel struct {
	AuthURL           types.String `tfsdk:"auth_url"`
	Username          types.String `tfsdk:"username"`
	APIKey            types.String `tfsdk:"api_key"`
	Password          types.String `tfsdk:"password"`
	Token             types.String `tfsdk:"token"`
	TenantID          types.String `tfsdk:"tenant_id"`
	TenantName        types.String `tfsdk:"tenant_name"`
	UserDomainName    types.String `tfsdk:"user_domain_name"`
	ProjectDomainName types.String `tfsdk:"project_domain_name"`
	Region            types.String `tfsdk:"region"`
	Endpoint          types.String `tfsdk:"endpoint"`
	Insecure          types.Bool   `tfsdk:"insecure"`
	CACertFile        types.String `tfsdk:"cacert_file"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
}

func (p *cloudImagesProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cloudimages"
	resp.Version = p.version
}

func (p *cloudImagesProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Cloud Images provider manages images in the Rackspace Cloud Images API " +
			"(the OpenStack Images v2 API, Glance). Every argument can also be set through the environment " +
			"variable named in its description; an argument in the configuration wins over the environment.",
		Attributes: map[string]schema.Attribute{
			"auth_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Identity endpoint. A URL ending in `/v2.0` uses identity v2.0 (Rackspace, Keystone v2), " +
					"one ending in `/v3` uses Keystone v3. Default: `" + client.DefaultAuthURL + "`. Environment: `OS_AUTH_URL`.",
				Validators: []validator.String{validate.HTTPURL()},
			},
			"username": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "User name, with `api_key` or `password`. Environment: `OS_USERNAME`.",
			},
			"api_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Rackspace API key (`RAX-KSKEY:apiKeyCredentials`, identity v2.0 only). " +
					"Conflicts with `password`. Environment: `OS_API_KEY`.",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("password"))},
			},
			"password": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Password. Conflicts with `api_key`. Environment: `OS_PASSWORD`.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("api_key"))},
			},
			"token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "An existing token, used instead of a user name and secret. With `endpoint` it skips the " +
					"identity service entirely. A token cannot be renewed when it expires. Environment: `OS_AUTH_TOKEN`.",
			},
			"tenant_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Tenant (project) to scope the token to. Environment: `OS_TENANT_ID` or `OS_PROJECT_ID`.",
			},
			"tenant_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Tenant (project) name to scope the token to. Environment: `OS_TENANT_NAME` or `OS_PROJECT_NAME`.",
			},
			"user_domain_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Identity v3 only: the user's domain. Default `Default`. Environment: `OS_USER_DOMAIN_NAME`.",
			},
			"project_domain_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Identity v3 only: the project's domain. Default `Default`. Environment: `OS_PROJECT_DOMAIN_NAME`.",
			},
			"region": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Region of the Images endpoint in the service catalog, such as `DFW` or `LON`. " +
					"Default: the user's default region (`RAX-AUTH:defaultRegion`), else the only region the catalog has. " +
					"Environment: `OS_REGION_NAME`.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Images endpoint to use instead of the catalog's, with or without the trailing `/v2`. " +
					"Environment: `CLOUDIMAGES_ENDPOINT`.",
				Validators: []validator.String{validate.HTTPURL()},
			},
			"insecure": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Skip TLS certificate verification. Default `false`; only for test endpoints. " +
					"Environment: `OS_INSECURE` (`true`/`false`).",
			},
			"cacert_file": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "PEM file of a CA to trust in addition to the system's. Environment: `OS_CACERT`.",
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: fmt.Sprintf("How many times a request that is safe to repeat is retried after a 429, 500, 502, "+
					"503 or 504 answer or a connection error, with exponential backoff that honours `Retry-After`. Default `%d`; `0` disables retries.", DefaultMaxRetries),
				Validators: []validator.Int64{int64validator.Between(0, 50)},
			},
		},
	}
}

func (p *cloudImagesProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknown := unknownAttributes(cfg); len(unknown) > 0 {
		for _, name := range unknown {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Provider argument not known yet",
				fmt.Sprintf("The provider cannot authenticate while %q depends on a value that is only known after apply. "+
					"Set it to a known value, or apply the resources it depends on first (-target).", name))
		}
		return
	}

	clientCfg, err := clientConfig(cfg, os.Getenv)
	if err != nil {
		addClientError(&resp.Diagnostics, err)
		return
	}
	clientCfg.UserAgent = "terraform-provider-cloudimages/" + p.version + " (+https://registry.terraform.io/providers/cloudimages/cloudimages)"
	ctx = tflog.SetField(ctx, "auth_url", clientCfg.AuthURL)
	c, err := client.New(ctx, clientCfg)
	if err != nil {
		addClientError(&resp.Diagnostics, err)
		return
	}
	tflog.Debug(ctx, "authenticated", map[string]any{"region": c.Region(), "image_endpoint": c.ImageEndpoint()})
	if clientCfg.Insecure {
		resp.Diagnostics.AddAttributeWarning(path.Root("insecure"), "TLS certificates are not verified",
			"insecure = true: the provider accepts any certificate, so anyone between it and the service can read "+
				"and change what it sends, credentials included. Use cacert_file to trust a private CA instead.")
	}
	resp.ResourceData = c
	resp.DataSourceData = c
}

func (p *cloudImagesProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		image.NewResource,
		member.NewMemberResource,
		member.NewStatusResource,
		member.NewAccessResource,
		task.NewImportTaskResource,
		task.NewExportTaskResource,
	}
}

func (p *cloudImagesProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		image.NewDataSource,
		image.NewListDataSource,
		member.NewMembersDataSource,
		task.NewDataSource,
	}
}

// clientConfig merges the configuration with the environment (configuration
// wins) into the client's settings.
func clientConfig(cfg providerModel, getenv func(string) string) (client.Config, error) {
	str := func(v types.String, envs ...string) string {
		if !v.IsNull() {
			return v.ValueString()
		}
		for _, e := range envs {
			if s := getenv(e); s != "" {
				return s
			}
		}
		return ""
	}
	out := client.Config{
		AuthURL:           str(cfg.AuthURL, "OS_AUTH_URL"),
		Username:          str(cfg.Username, "OS_USERNAME"),
		APIKey:            str(cfg.APIKey, "OS_API_KEY"),
		Password:          str(cfg.Password, "OS_PASSWORD"),
		Token:             str(cfg.Token, "OS_AUTH_TOKEN"),
		TenantID:          str(cfg.TenantID, "OS_TENANT_ID", "OS_PROJECT_ID"),
		TenantName:        str(cfg.TenantName, "OS_TENANT_NAME", "OS_PROJECT_NAME"),
		UserDomainName:    str(cfg.UserDomainName, "OS_USER_DOMAIN_NAME"),
		ProjectDomainName: str(cfg.ProjectDomainName, "OS_PROJECT_DOMAIN_NAME"),
		Region:            str(cfg.Region, "OS_REGION_NAME"),
		Endpoint:          str(cfg.Endpoint, "CLOUDIMAGES_ENDPOINT"),
		CACertFile:        str(cfg.CACertFile, "OS_CACERT"),
		MaxRetries:        DefaultMaxRetries,
	}
	if out.AuthURL == "" {
		out.AuthURL = client.DefaultAuthURL
	}
	if !cfg.MaxRetries.IsNull() {
		out.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	switch {
	case !cfg.Insecure.IsNull():
		out.Insecure = cfg.Insecure.ValueBool()
	case getenv("OS_INSECURE") != "":
		b, err := strconv.ParseBool(getenv("OS_INSECURE"))
		if err != nil {
			return out, &client.ConfigError{
				Attributes: []string{"insecure"},
				Summary:    "Invalid OS_INSECURE",
				Detail:     fmt.Sprintf("OS_INSECURE must be true or false, not %q.", getenv("OS_INSECURE")),
			}
		}
		out.Insecure = b
	}
	return out, nil
}

func unknownAttributes(cfg providerModel) []string {
	var out []string
	values := map[string]interface{ IsUnknown() bool }{
		"auth_url": cfg.AuthURL, "username": cfg.Username, "api_key": cfg.APIKey, "password": cfg.Password,
		"token": cfg.Token, "tenant_id": cfg.TenantID, "tenant_name": cfg.TenantName,
		"user_domain_name": cfg.UserDomainName, "project_domain_name": cfg.ProjectDomainName,
		"region": cfg.Region, "endpoint": cfg.Endpoint, "insecure": cfg.Insecure,
		"cacert_file": cfg.CACertFile, "max_retries": cfg.MaxRetries,
	}
	for name, v := range values {
		if v.IsUnknown() {
			out = append(out, name)
		}
	}
	return out
}
