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
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/providervalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/functions"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/image"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/member"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/session"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/task"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/cloudimages/cloudimages"

var (
	_ provider.Provider                       = (*cloudImagesProvider)(nil)
	_ provider.ProviderWithConfigValidators   = (*cloudImagesProvider)(nil)
	_ provider.ProviderWithFunctions          = (*cloudImagesProvider)(nil)
	_ provider.ProviderWithListResources      = (*cloudImagesProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*cloudImagesProvider)(nil)
	_ provider.ProviderWithActions            = (*cloudImagesProvider)(nil)
)

// New returns a constructor of the provider, as providerserver wants it.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &cloudImagesProvider{version: version}
	}
}

type cloudImagesProvider struct {
	version string
}

func (p *cloudImagesProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "cloudimages"
	resp.Version = p.version
}

func (p *cloudImagesProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	attrs := map[string]schema.Attribute{}
	for _, a := range arguments {
		attrs[a.name] = schemaAttribute(a)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Cloud Images provider manages images in the Rackspace Cloud Images API " +
			"(the OpenStack Images v2 API, Glance). Credentials come as a set from one place: the provider block when it " +
			"sets any credential argument; else the `clouds.yaml` entry named by `cloud` or `OS_CLOUD`; else the `OS_*` " +
			"environment. Nothing of the environment's credentials is mixed into a block that sets its own.",
		Attributes: attrs,
	}
}

func schemaAttribute(a argument) schema.Attribute {
	switch a.kind {
	case kindBool:
		return schema.BoolAttribute{Optional: true, MarkdownDescription: a.description()}
	case kindInt:
		return schema.Int64Attribute{Optional: true, MarkdownDescription: a.description(),
			Validators: []validator.Int64{int64validator.Between(0, 50)}}
	case kindMap:
		return schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: a.description(),
			Validators: []validator.Map{mapvalidator.KeysAre(stringvalidator.OneOf("image", "object-store")),
				mapvalidator.ValueStringsAre(validate.HTTPURL("https://dfw.images.api.rackspacecloud.com/v2"))}}
	}
	attr := schema.StringAttribute{Optional: true, Sensitive: a.sensitive, MarkdownDescription: a.description()}
	switch a.name {
	case client.AttrAuthURL:
		attr.Validators = []validator.String{validate.HTTPURL(DefaultAuthURL)}
	case client.AttrEndpoint:
		attr.Validators = []validator.String{validate.HTTPURL("https://dfw.images.api.rackspacecloud.com/v2")}
	}
	return attr
}

// secretArguments are the provider block's secrets, of which one
// authenticates.
var secretArguments = []string{client.AttrPassword, client.AttrAPIKey, client.AttrToken, client.AttrApplicationCredentialSecret}

// ConfigValidators refuse, when validating (before any credential is read
// from elsewhere), a block that sets two secrets. Conflicts between values
// from the environment or clouds.yaml are found by Configure, which knows
// where each value came from.
func (p *cloudImagesProvider) ConfigValidators(context.Context) []provider.ConfigValidator {
	// One validator per pair, so that the message names the two set.
	var out []provider.ConfigValidator
	for i, a := range secretArguments {
		for _, b := range secretArguments[i+1:] {
			out = append(out, providervalidator.Conflicting(path.MatchRoot(a), path.MatchRoot(b)))
		}
	}
	return out
}

func (p *cloudImagesProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	in, diags := readSettings(ctx, req.Config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	r, err := resolve(in, os.Getenv)
	if err != nil {
		addClientError(&resp.Diagnostics, err, r)
		return
	}
	clientCfg := r.cfg
	clientCfg.UserAgent = "terraform-provider-cloudimages/" + p.version + " (+https://registry.terraform.io/providers/cloudimages/cloudimages)"
	ctx = tflog.SetField(ctx, "auth_url", clientCfg.AuthURL)
	tflog.Debug(ctx, "Provider configuration", map[string]any{"credentials_from": r.source, "values_from": r.valuesUsed()})
	c, err := client.New(ctx, clientCfg)
	if err != nil {
		addClientError(&resp.Diagnostics, err, r)
		return
	}
	tflog.Debug(ctx, "authenticated", map[string]any{"region": c.Region(), "image_endpoint": c.ImageEndpoint()})
	if id := c.Identity(); id.TrimmedTokens {
		resp.Diagnostics.AddAttributeWarning(path.Root(client.AttrAuthURL), "auth_url names the token resource",
			fmt.Sprintf("auth_url (from %s) is %s, the URL of the token request itself; the provider used the identity endpoint %s. "+
				"Set auth_url = %q.", r.origins[client.AttrAuthURL], id.Given, id.Used, id.Used))
	}
	if clientCfg.Insecure {
		resp.Diagnostics.AddAttributeWarning(path.Root(client.AttrInsecure), "TLS certificates are not verified",
			"insecure = true (from "+r.origins[client.AttrInsecure]+"): the provider accepts any certificate, so anyone between it and the service can read "+
				"and change what it sends, credentials included. Use cacert_file to trust a private CA instead.")
	}
	resp.ResourceData = c
	resp.DataSourceData = c
	resp.ListResourceData = c
	resp.EphemeralResourceData = c
	resp.ActionData = c
}

// readSettings reads every argument of the table that the block sets, and
// refuses values only known after apply.
func readSettings(ctx context.Context, cfg tfsdk.Config) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := settings{values: map[string]string{}, overrides: map[string]string{}}
	unknown := func(name string) {
		diags.AddAttributeError(path.Root(name), "Provider argument not known yet",
			fmt.Sprintf("The provider cannot authenticate while %q depends on a value that is only known after apply. "+
				"Set it to a known value, or apply the resources it depends on first (-target).", name))
	}
	for _, a := range arguments {
		p := path.Root(a.name)
		switch a.kind {
		case kindBool:
			var v types.Bool
			diags.Append(cfg.GetAttribute(ctx, p, &v)...)
			if v.IsUnknown() {
				unknown(a.name)
			} else if !v.IsNull() {
				in.values[a.name] = strconv.FormatBool(v.ValueBool())
			}
		case kindInt:
			var v types.Int64
			diags.Append(cfg.GetAttribute(ctx, p, &v)...)
			if v.IsUnknown() {
				unknown(a.name)
			} else if !v.IsNull() {
				in.values[a.name] = strconv.FormatInt(v.ValueInt64(), 10)
			}
		case kindMap:
			var v types.Map
			diags.Append(cfg.GetAttribute(ctx, p, &v)...)
			if v.IsUnknown() {
				unknown(a.name)
			} else if !v.IsNull() {
				m := map[string]types.String{}
				diags.Append(v.ElementsAs(ctx, &m, false)...)
				for k, s := range m {
					if s.IsUnknown() {
						unknown(a.name)
					}
					in.overrides[k] = s.ValueString()
				}
			}
		default:
			var v types.String
			diags.Append(cfg.GetAttribute(ctx, p, &v)...)
			if v.IsUnknown() {
				unknown(a.name)
			} else if !v.IsNull() {
				in.values[a.name] = v.ValueString()
			}
		}
	}
	return in, diags
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

// Functions need no configured provider: they run on their arguments alone.
func (p *cloudImagesProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		functions.NewChecksumFromSums,
		functions.NewParseMemberID,
	}
}

// ListResources are what `terraform query` lists (Terraform 1.14 and later).
func (p *cloudImagesProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		image.NewListResource,
		member.NewStatusListResource,
		member.NewMemberListResource,
		task.NewImportTaskListResource,
		task.NewExportTaskListResource,
	}
}

// EphemeralResources are values for one run, never stored (Terraform 1.10 and later).
func (p *cloudImagesProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		session.NewAuthResource,
	}
}

// Actions are day-two operations that are not objects (Terraform 1.14 and later).
func (p *cloudImagesProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		image.NewDeactivationAction,
		member.NewAnswerAction,
		task.NewExportAction,
	}
}
