package member

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/identity"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/importid"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*statusResource)(nil)
	_ resource.ResourceWithImportState = (*statusResource)(nil)
	_ resource.ResourceWithIdentity    = (*statusResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*statusResource)(nil)
)

// memberStatuses are the statuses a consumer can set.
var memberStatuses = []string{client.MemberAccepted, client.MemberRejected, client.MemberPending}

// NewStatusResource is the constructor of cloudimages_image_member_status.
func NewStatusResource() resource.Resource {
	return &statusResource{}
}

type statusResource struct {
	client *client.Client
}

func (r *statusResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_member_status"
	// Identities made before resources had a region lack it.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *statusResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identity.Schema(identity.Attribute{Name: "image_id", Description: "The image's UUID."}, identity.Attribute{Name: "member_id", Description: "The member: the consumer's tenant (project) id."}, identity.Region)
}

func (r *statusResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The consumer's side of image sharing: accepts or rejects an image another tenant " +
			"shared with this one. Configure it with the consumer's credentials. An accepted image appears in the " +
			"consumer's image lists; a pending or rejected one does not (but can still be read by id). Destroying " +
			"this resource returns the status to `pending`; if the producer already removed the share, there is " +
			"nothing to do and destroy succeeds. A create waits for a share that is not there yet (the `create` " +
			"timeout), so that producer and consumer can be in one configuration: take `image_id` from the image " +
			"and set `wait_for_answer` on the producer's `cloudimages_image_member`, and one apply leaves both " +
			"sides as the server has them.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "`image_id/member_id`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"image_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "The id (a UUID) of the shared image. Changing it replaces the resource.",
				Validators:    []validator.String{validate.UUID()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"member_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "The consumer's tenant (project) id, 1–255 characters. Default: the tenant the " +
					"provider is authenticated as. Changing it replaces the resource.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 255)},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured(),
				},
			},
			"status": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "`accepted`, `rejected` or `pending`. Only `accepted` puts the image in the " +
					"consumer's image lists; all three let the consumer read it by id. Changed in place; a status " +
					"changed elsewhere shows in the plan and is set back.",
				Validators: []validator.String{stringvalidator.OneOf(memberStatuses...)},
			},
			"region": region.ResourceAttribute("share (the image's region)"),
			"created_at": schema.StringAttribute{
				Computed: true, MarkdownDescription: "When the image was shared (RFC 3339).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the status last changed (RFC 3339)."},
		},
		Blocks: map[string]schema.Block{
			"timeouts": createTimeoutBlock(ctx, "How long the create waits for a share that is not there yet (default 2 "+
				"minutes): the producer may be making it in the same apply."),
		},
	}
}

// statusModel is the state of cloudimages_image_member_status.
type statusModel struct {
	memberModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (r *statusResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan plans the region.
func (r *statusResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	region.Plan(ctx, r.client, req, resp)
}

func (r *statusResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, memberIdentity, &resp.State)
	applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, r.create)
}

// create sets the status of a new resource, for the provider's own tenant
// when member_id is not configured, once the share exists.
func (r *statusResource) create(ctx context.Context, m *statusModel, diags *diag.Diagnostics) {
	if m.MemberID.IsUnknown() || m.MemberID.IsNull() {
		tenant := r.client.TenantID()
		if tenant == "" {
			diags.AddAttributeError(path.Root("member_id"), "Missing member_id",
				"The provider does not know its own tenant (it was configured with an endpoint and a token, without the "+
					"identity service): set member_id to the consumer's tenant id.")
			return
		}
		m.MemberID = types.StringValue(tenant)
	}
	timeout, d := m.Timeouts.Create(ctx, defaultShareTimeout)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r.setWith(ctx, m, diags, setWhenShared)
}

// update changes the status of an existing share.
func (r *statusResource) update(ctx context.Context, m *statusModel, diags *diag.Diagnostics) {
	r.setWith(ctx, m, diags, func(ctx context.Context, c *client.Client, imageID, memberID, status string) (*client.Member, error) {
		return c.SetMemberStatus(ctx, imageID, memberID, status)
	})
}

type setStatus func(ctx context.Context, c *client.Client, imageID, memberID, status string) (*client.Member, error)

// setWith changes the status with set and confirms it with a read, as the
// server saw it.
func (r *statusResource) setWith(ctx context.Context, m *statusModel, diags *diag.Diagnostics, set setStatus) {
	c := region.Client(r.client, m.Region, diags)
	if c == nil {
		return
	}
	imageID, memberID, status := m.ImageID.ValueString(), m.MemberID.ValueString(), m.Status.ValueString()
	op := fmt.Sprintf("set the status of image %s for member %s to %s", imageID, memberID, status)
	if _, err := set(ctx, c, imageID, memberID, status); err != nil {
		diags.AddError("Cannot "+op, err.Error()+r.statusHint(imageID, memberID, err))
		return
	}
	mem, err := c.GetMember(ctx, imageID, memberID)
	if err != nil {
		diags.AddError("Cannot confirm: "+op, err.Error())
		return
	}
	if mem.Status != status {
		diags.AddError("Status not confirmed",
			fmt.Sprintf("The server accepted the change of image %s for member %s to %q but now reports %q.", imageID, memberID, status, mem.Status))
		return
	}
	m.setFromAPI(c, mem)
}

func (r *statusResource) statusHint(imageID, memberID string, err error) string {
	switch client.StatusCode(err) {
	case http.StatusForbidden:
		return fmt.Sprintf("\n\nOnly the member itself (tenant %s) can accept or reject a share; this provider is authenticated "+
			"as tenant %s, which looks like the image's owner. Configure cloudimages_image_member_status with the consumer's "+
			"credentials (a provider alias); the producer shares with cloudimages_image_member.", memberID, r.client.TenantID())
	case http.StatusNotFound:
		return fmt.Sprintf("\n\nImage %s is not shared with tenant %s (or does not exist): the producer must share it first "+
			"with cloudimages_image_member, and this resource must use the consumer's credentials.", imageID, memberID)
	}
	return ""
}

// Read drops a share the producer removed: there is nothing left to accept.
func (r *statusResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, memberIdentity, &resp.State, &req.State)
	readMember(ctx, r.client, req, resp, "member status")
}

func (r *statusResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, memberIdentity, &resp.State)
	applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, r.update)
}

// Delete returns the share to pending, where it started; a share the
// producer already removed needs nothing.
func (r *statusResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state statusModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(r.client, state.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	_, err := c.SetMemberStatus(ctx, state.ImageID.ValueString(), state.MemberID.ValueString(), client.MemberPending)
	if err != nil && !client.IsNotFound(err) {
		diagnostics.APIError(&resp.Diagnostics, "return member status "+state.ID.ValueString()+" to pending", err, "")
	}
}

func (r *statusResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if identity.Import(ctx, req, resp, memberIdentity...) {
		checkImportedImageID(ctx, resp)
		return
	}
	inRegion, id := statusImportRegion(req.ID)
	imageID, memberID := id, ""
	if parts, err := importid.Parse(id, []string{"image_id", "member_id"}, "image_id"); err == nil {
		imageID, memberID = parts[0], parts[1]
	} else if !validate.IsUUID(id) {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected image_id (the member is the provider's own tenant) or image_id/member_id, with the region "+
				"in front where it is not the provider's (DFW/image_id); got %q.", req.ID))
		return
	}
	if memberID == "" {
		memberID = r.client.TenantID()
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("member_id"), memberID)...)
	importRegion(ctx, inRegion, resp)
}

// statusImportRegion takes the region off a status's import id, whose own
// form is image_id or image_id/member_id: "DFW/<uuid>/member" has one, and
// so does "DFW/<uuid>", told from "<uuid>/member" by its UUID.
func statusImportRegion(id string) (inRegion, rest string) {
	parts := strings.Split(id, "/")
	if len(parts) == 3 || (len(parts) == 2 && !validate.IsUUID(parts[0]) && validate.IsUUID(parts[1])) {
		return parts[0], strings.Join(parts[1:], "/")
	}
	return "", id
}
