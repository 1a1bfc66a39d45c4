// Package region gives every resource and data source its `region`: where
// the object lives, by default the provider's region. One provider block
// serves every region of the service catalog; each region's client comes
// from client.ForRegion, made once per provider instance.
package region

import (
	"context"
	"fmt"
	"strings"

	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfmodel"
)

// Attr is the attribute's name, in the state and in resource identities.
const Attr = "region"

// ResourceAttribute is `region` on a resource (what the object's changes
// need is done by Plan).
func ResourceAttribute(object string) rschema.StringAttribute {
	return rschema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Region of the " + object + ", one of the service catalog's (checked when planning). " +
			"Default: the provider's `region`. Changing it replaces the " + object + ".",
	}
}

// DataSourceAttribute is `region` on a data source.
func DataSourceAttribute() dschema.StringAttribute {
	return dschema.StringAttribute{
		Optional: true, Computed: true,
		MarkdownDescription: "Region to look in, one of the service catalog's. Default: the provider's `region`.",
	}
}

// ListAttribute is `region` in a list resource's configuration.
func ListAttribute() listschema.StringAttribute {
	return listschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Region to list in, one of the service catalog's. Default: the provider's `region`.",
	}
}

// Plan plans region: the provider's region where the configuration sets
// none (also for an object made before resources had a region), checked
// against the catalog with an error on the attribute that lists the
// catalog's regions; another region than the state's replaces the object.
// c is nil while the provider is not configured, and nothing is planned.
func Plan(ctx context.Context, c *client.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if c == nil || req.Plan.Raw.IsNull() {
		return
	}
	// The values are read from the raw objects, and the plan set only when
	// it changes: the framework's path lookups cost more than the rest of a
	// plan of an unchanged resource.
	configured, err := tfmodel.StringAttribute(ctx, req.Config.Raw, Attr)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(Attr), "Cannot read the configuration", err.Error())
		return
	}
	if configured.IsUnknown() || resp.Diagnostics.HasError() {
		return // known at apply: checked then
	}
	rc, err := c.ForRegion(configured.ValueString())
	if err != nil {
		addError(&resp.Diagnostics, path.Root(Attr), "the provider's", err)
		return
	}
	if planned, err := tfmodel.StringAttribute(ctx, resp.Plan.Raw, Attr); err != nil || !planned.Equal(types.StringValue(rc.Region())) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(Attr), rc.Region())...)
	}
	if req.State.Raw.IsNull() {
		return
	}
	prior, err := tfmodel.StringAttribute(ctx, req.State.Raw, Attr)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root(Attr), "Cannot read the state", err.Error())
		return
	}
	if !prior.IsNull() && !prior.IsUnknown() && prior.ValueString() != rc.Region() {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root(Attr))
	}
}

// Client is the client of region (the provider's when null or empty);
// errors go on the attribute.
func Client(c *client.Client, region types.String, diags *diag.Diagnostics) *client.Client {
	return ClientAt(c, region.ValueString(), path.Root(Attr), "the provider's", diags)
}

// ClientAt is the client of the region named at the attribute at (c's own
// when name is empty, which the error calls byDefault); errors go on at.
func ClientAt(c *client.Client, name string, at path.Path, byDefault string, diags *diag.Diagnostics) *client.Client {
	rc, err := c.ForRegion(name)
	if err != nil {
		addError(diags, at, byDefault, err)
		return nil
	}
	return rc
}

func addError(diags *diag.Diagnostics, at path.Path, byDefault string, err error) {
	if ce, ok := err.(*client.ConfigError); ok {
		diags.AddAttributeError(at, ce.Summary, fmt.Sprintf("%s Set it to one of them, or leave it out for %s.", ce.Detail, byDefault))
		return
	}
	diags.AddAttributeError(at, "Invalid region", err.Error())
}

// SplitImportID takes a region off an import id that has one part more
// than the n of the object's own id ("DFW/<uuid>" for n = 1): the region
// and the rest; "" and id when there is no region.
func SplitImportID(id string, n int) (region, rest string) {
	if strings.Count(id, "/") != n {
		return "", id
	}
	region, rest, _ = strings.Cut(id, "/")
	return region, rest
}
