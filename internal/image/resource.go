package image

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/identity"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfmodel"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var (
	_ resource.ResourceWithConfigure      = (*imageResource)(nil)
	_ resource.ResourceWithImportState    = (*imageResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*imageResource)(nil)
	_ resource.ResourceWithValidateConfig = (*imageResource)(nil)
	_ resource.ResourceWithIdentity       = (*imageResource)(nil)
)

const (
	defaultCreateTimeout = 30 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// NewResource is the constructor of cloudimages_image.
func NewResource() resource.Resource {
	return &imageResource{}
}

type imageResource struct {
	client *client.Client
}

func (r *imageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
	// An image whose import task has not made it yet has an empty id (and
	// identity) until the apply that resumes the create.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *imageResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identity.Schema(identity.Attribute{Name: "id", Description: "The image's UUID."}, identity.Region)
}

// imageIdentity are the state's attributes that identify an image.
var imageIdentity = []string{"id", region.Attr}

// in is the resource acting in the region of m (the provider's when unset,
// as for an image saved before resources had a region): its methods call
// that region's client, and m has the region. Nil, with an error on region,
// for a region the catalog lacks.
func (r *imageResource) in(m *resourceModel, diags *diag.Diagnostics) *imageResource {
	c := region.Client(r.client, m.Region, diags)
	if c == nil {
		return nil
	}
	m.Region = types.StringValue(c.Region())
	return &imageResource{client: c}
}

func (r *imageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *imageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, imageIdentity, &resp.State, &req.State)
	var state resourceModel
	resp.Diagnostics.Append(tfmodel.Get(ctx, req.State.Schema, req.State.Raw, &state)...)
	if r = r.in(&state, &resp.Diagnostics); r == nil {
		return
	}
	if state.importStarted() && !r.readStartedImport(ctx, &state, req.Private, &resp.State, &resp.Diagnostics) {
		return // still importing (the plan waits for it), or gone
	}
	img, err := r.client.GetImage(ctx, state.ID.ValueString())
	if client.IsNotFound(err) || (err == nil && (img.Status == "deleted" || img.Status == "pending_delete")) {
		// Deleted behind Terraform's back: forget it, so the plan creates it again.
		tflog.Debug(ctx, "image is gone, removing it from the state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("read image %s", state.ID.ValueString()), err, "")
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, img)...)
	imported, diags := takeImported(ctx, req.Private, resp.Private)
	resp.Diagnostics.Append(diags...)
	if imported {
		state.Properties, diags = configurableProperties(ctx, img, serverSet(ctx, r.client))
		resp.Diagnostics.Append(diags...)
	}
	resp.Diagnostics.Append(tfmodel.Set(ctx, resp.State.Schema, &resp.State.Raw, &state)...)
}

func (r *imageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, imageIdentity, &resp.State)
	var plan, state resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r = r.in(&plan, &resp.Diagnostics); r == nil {
		return
	}
	state.Region = plan.Region // a new region replaces the image: only one made before regions lacks it
	timeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if isUnfinished(ctx, req.Private) || state.importStarted() {
		r.resume(ctx, state, plan, req, resp)
		return
	}

	ops, diags := patchOps(ctx, state, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	var img *client.Image
	var err error
	if len(ops) > 0 {
		img, err = r.client.UpdateImage(ctx, id, ops)
	} else {
		img, err = r.client.GetImage(ctx, id) // only arguments the server does not keep changed
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("update image %s", id), err, "")
		return
	}
	next := plan
	resp.Diagnostics.Append(next.setFromAPI(ctx, img)...)
	if len(ops) == 0 && !plan.UpdatedAt.IsUnknown() {
		next.UpdatedAt = plan.UpdatedAt // planned unchanged: nothing was sent (a change elsewhere shows at the next refresh)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &next)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.applyDeactivated(ctx, &next, plan, &resp.State, &resp.Diagnostics)
}

func (r *imageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state resourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r = r.in(&state, &resp.Diagnostics); r == nil {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	if state.importStarted() {
		r.deleteStartedImport(ctx, state, req.Private, &resp.Diagnostics)
		return
	}
	r.deleteImage(ctx, state.ID.ValueString(), state.Protected.ValueBool(), &resp.Diagnostics)
}

// deleteImage deletes the image and waits until it is gone.
func (r *imageResource) deleteImage(ctx context.Context, id string, protected bool, diags *diag.Diagnostics) {
	err := r.client.DeleteImage(ctx, id)
	switch {
	case client.IsNotFound(err):
		return // already gone
	case err != nil && client.StatusCode(err) == 403 && protected:
		diagnostics.AttributeAPIError(diags, path.Root("protected"), fmt.Sprintf("delete image %s", id), err,
			"The image is protected. Set protected = false and apply, then destroy it.")
		return
	case err != nil:
		diagnostics.APIError(diags, fmt.Sprintf("delete image %s", id), err, "")
		return
	}
	if err := r.client.WaitForImageDeleted(ctx, id); err != nil {
		diagnostics.APIError(diags, fmt.Sprintf("wait for image %s to be deleted", id), err, "")
	}
}

// ImportState takes the image's id, as a string (REGION/id in another
// region than the provider's) or as an identity.
func (r *imageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	inRegion, id := region.SplitImportID(req.ID, 1)
	if identity.Import(ctx, req, resp, imageIdentity...) {
		resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("id"), &id)...)
	}
	if !validate.IsUUID(id) {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Invalid import ID",
			fmt.Sprintf("Expected the image's UUID, such as 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77, with the region in front "+
				"where it is not the provider's (DFW/6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	if inRegion != "" {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(region.Attr), inRegion)...)
	}
	resp.Diagnostics.Append(markImported(ctx, resp.Private)...)
}
