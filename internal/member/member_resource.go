// Package member holds both sides of image sharing: the producer's
// cloudimages_image_member, the consumer's cloudimages_image_member_status
// and the cloudimages_image_members data source.
package member

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/identity"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/importid"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*memberResource)(nil)
	_ resource.ResourceWithImportState = (*memberResource)(nil)
	_ resource.ResourceWithIdentity    = (*memberResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*memberResource)(nil)
)

// NewMemberResource is the constructor of cloudimages_image_member.
func NewMemberResource() resource.Resource {
	return &memberResource{}
}

type memberResource struct {
	client *client.Client
}

// memberResourceModel is the state of cloudimages_image_member.
type memberResourceModel struct {
	memberModel
	WaitForAnswer types.Bool     `tfsdk:"wait_for_answer"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

func (r *memberResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_member"
	// Identities made before resources had a region lack it.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *memberResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identity.Schema(identity.Attribute{Name: "image_id", Description: "The image's UUID."}, identity.Attribute{Name: "member_id", Description: "The member: the consumer's tenant (project) id."}, identity.Region)
}

func (r *memberResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The producer's side of image sharing: shares an image with another tenant. Configure it " +
			"with the image owner's credentials. The image must have `visibility = \"shared\"` (on Rackspace, " +
			"`private` images can be shared too). The new member starts as `pending` until the consumer accepts it " +
			"with `cloudimages_image_member_status`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "`image_id/member_id`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"image_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "The id (a UUID) of the image to share. Changing it replaces the member.",
				Validators: []validator.String{validate.UUID()}, PlanModifiers: replace,
			},
			"member_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "The tenant (project) id to share the image with, 1–255 characters. " +
					"Changing it replaces the member.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)}, PlanModifiers: replace,
			},
			"status": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Where the share stands, as the consumer set it: `pending` (where a new " +
					"member starts), `accepted` or `rejected`. Only the consumer can change it, with " +
					"`cloudimages_image_member_status`.",
			},
			"created_at": schema.StringAttribute{
				Computed: true, MarkdownDescription: "When the image was shared (RFC 3339).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the status last changed (RFC 3339)."},
			"region":     region.ResourceAttribute("share (the image's region)"),
			"wait_for_answer": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether the create waits (within the `create` timeout, default 10 minutes) until the " +
					"consumer accepts or rejects the share, so that `status` is its answer. Use it when the consumer's " +
					"`cloudimages_image_member_status` is in the same configuration and takes `image_id` from the image, " +
					"not from this resource (which it would then wait for): one apply then leaves both sides as the " +
					"server has them. Default `false`: `status` is `pending` until the next refresh after the answer.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": createTimeoutBlock(ctx, "How long the create waits for the consumer's answer (`wait_for_answer`)."),
		},
	}
}

func (r *memberResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans the region and warns when cloudimages_image_access
// manages the same image.
func (r *memberResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	region.Plan(ctx, r.client, req, resp)
	warnIfManagedTwice(ctx, r.client, resp.Plan, managedByMember, &resp.Diagnostics)
}

func (r *memberResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, memberIdentity, &resp.State)
	var plan memberResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(r.client, plan.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	imageID, memberID := plan.ImageID.ValueString(), plan.MemberID.ValueString()
	mem, err := c.AddMember(ctx, imageID, memberID)
	if client.StatusCode(err) == http.StatusConflict {
		// Already a member (an earlier create whose answer was lost, or a
		// share made by hand): adopt it rather than fail.
		tflog.Info(ctx, "image already shared with this member: adopting it", map[string]any{"image_id": imageID, "member_id": memberID})
		mem, err = c.GetMember(ctx, imageID, memberID)
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, fmt.Sprintf("share image %s with %s", imageID, memberID), err, shareHint(ctx, c, "cloudimages_image_member", imageID, err))
		return
	}
	plan.setFromAPI(c, mem)
	if plan.WaitForAnswer.ValueBool() && mem.Status == client.MemberPending {
		// The share exists whatever the wait brings: save it first.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		r.waitForAnswer(ctx, c, &plan, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// waitForAnswer waits for the consumer to accept or reject the new share. A
// wait that ends without an answer leaves the share pending, and an error
// that says why the answer may never come in this apply.
func (r *memberResource) waitForAnswer(ctx context.Context, c *client.Client, plan *memberResourceModel, diags *diag.Diagnostics) {
	timeout, d := plan.Timeouts.Create(ctx, defaultAnswerTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	imageID, memberID := plan.ImageID.ValueString(), plan.MemberID.ValueString()
	mem, err := waitForAnswer(ctx, c, imageID, memberID)
	if mem != nil {
		plan.setFromAPI(c, mem)
	}
	if err != nil {
		diags.AddAttributeError(path.Root("wait_for_answer"), "No answer from the consumer",
			fmt.Sprintf("Image %s is shared with %s, but the consumer did not accept or reject it: %v.\n\n"+
				"If the consumer's cloudimages_image_member_status is in this configuration, its image_id must come from "+
				"the image (cloudimages_image.<name>.id), not from this resource, which it would wait for. The share is "+
				"kept; the next apply replaces it, or set wait_for_answer = false.", imageID, memberID, err))
	}
}

func (r *memberResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, memberIdentity, &resp.State, &req.State)
	readMember(ctx, r.client, req, resp, "member")
	var wait types.Bool
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("wait_for_answer"), &wait)...)
	if wait.IsNull() && !resp.State.Raw.IsNull() {
		// After an import or a move: the default, so that the configuration's matches.
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_answer"), false)...)
	}
}

// Update is never called: every argument forces replacement.
func (r *memberResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, memberIdentity, &resp.State)
	resp.State.Raw = req.Plan.Raw
}

func (r *memberResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state memberResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(r.client, state.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	err := c.RemoveMember(ctx, state.ImageID.ValueString(), state.MemberID.ValueString())
	if err != nil && !client.IsNotFound(err) {
		diagnostics.APIError(&resp.Diagnostics, "remove member "+state.ID.ValueString(), err, "")
	}
}

func (r *memberResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if identity.Import(ctx, req, resp, memberIdentity...) {
		checkImportedImageID(ctx, resp)
		return
	}
	inRegion, id := region.SplitImportID(req.ID, 2)
	parts, err := importid.Parse(id, []string{"image_id", "member_id"}, "image_id")
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			"Expected the image's UUID and the member's tenant id as image_id/member_id, such as "+
				"6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77/100002, with the region in front where it is not the provider's "+
				"(DFW/6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77/100002): "+err.Error()+".")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), parts[1])...)
	importRegion(ctx, inRegion, resp)
}
