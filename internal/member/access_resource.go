package member

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/identity"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/providerdata"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

var (
	_ resource.ResourceWithConfigure   = (*accessResource)(nil)
	_ resource.ResourceWithImportState = (*accessResource)(nil)
	_ resource.ResourceWithIdentity    = (*accessResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*accessResource)(nil)
)

// accessType is the resource's type name, for messages.
const accessType = "cloudimages_image_access"

// memberCalls is how many member calls run at once when many members are
// added or removed; the client's retry policy absorbs a 429.
const memberCalls = 8

// NewAccessResource is the constructor of cloudimages_image_access.
func NewAccessResource() resource.Resource {
	return &accessResource{}
}

type accessResource struct {
	client *client.Client
}

type accessModel struct {
	ID        types.String `tfsdk:"id"`
	ImageID   types.String `tfsdk:"image_id"`
	Region    types.String `tfsdk:"region"`
	MemberIDs types.Set    `tfsdk:"member_ids"`
	Members   types.Map    `tfsdk:"members"`
}

// accessMemberType is the type of one value of the members map.
var accessMemberType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"status": types.StringType, "created_at": types.StringType, "updated_at": types.StringType,
}}

// setFromAPI makes the model the image's members as the server (c's
// region) has them.
func (m *accessModel) setFromAPI(c *client.Client, imageID string, members []client.Member, diags *diag.Diagnostics) {
	ids := make([]attr.Value, 0, len(members))
	byID := make(map[string]attr.Value, len(members))
	for _, mem := range members {
		ids = append(ids, types.StringValue(mem.MemberID))
		obj, d := types.ObjectValueFrom(context.Background(), accessMemberType.AttrTypes, shareFrom(&mem))
		diags.Append(d...)
		byID[mem.MemberID] = obj
	}
	var d diag.Diagnostics
	m.ID = types.StringValue(imageID)
	m.ImageID = types.StringValue(imageID)
	m.Region = types.StringValue(c.Region())
	m.MemberIDs, d = types.SetValue(types.StringType, ids)
	diags.Append(d...)
	m.Members, d = types.MapValue(accessMemberType, byID)
	diags.Append(d...)
}

func (r *accessResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image_access"
	// Identities made before resources had a region lack it.
	resp.ResourceBehavior.MutableIdentity = true
}

func (r *accessResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identity.Schema(identity.Attribute{Name: "image_id", Description: "The image's UUID."}, identity.Region)
}

func (r *accessResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The complete member list of an image, for sharing one image with many tenants: the " +
			"producer's side, configured with the image owner's credentials. The list is **authoritative**: create and " +
			"update add the missing members (adopting any that already exist) and then remove every member the list " +
			"does not name, including members added outside Terraform, which show as a change in the next plan. " +
			"Members that stay in the list are left alone, so what their consumers accepted stays accepted. The image " +
			"must have `visibility = \"shared\"` (on Rackspace, `private` images can be shared too).\n\n" +
			"Do not use it together with `cloudimages_image_member` on the same image: each would undo the other. " +
			"When both plan for one image in the same provider configuration (and the image id is known at plan " +
			"time), the plan shows a warning.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "The image's id.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"image_id": schema.StringAttribute{
				Required: true, MarkdownDescription: "The id (a UUID) of the image to share. Changing it removes the members from the old image " +
					"and adds them to the new one.",
				Validators:    []validator.String{validate.UUID()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"region": region.ResourceAttribute("member list (the image's region)"),
			"member_ids": schema.SetAttribute{
				Required: true, ElementType: types.StringType,
				MarkdownDescription: "Every tenant (project) id the image is shared with, and no other, each 1–255 characters. `[]` shares it " +
					"with no one. Changed in place: only the members added or removed are touched. New members start as " +
					"`pending` until their consumer accepts with `cloudimages_image_member_status`. At most 128 members " +
					"(the service's quota).",
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthBetween(1, 255))},
			},
			"members": schema.MapNestedAttribute{
				Computed: true,
				MarkdownDescription: "Where each share stands, keyed by member (tenant) id, as of the last refresh: e.g. " +
					"`members[\"100002\"].status`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"status": schema.StringAttribute{
						Computed: true, MarkdownDescription: "`pending`, `accepted` or `rejected`, as the consumer set it.",
					},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the image was shared (RFC 3339)."},
					"updated_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the status last changed (RFC 3339)."},
				}},
			},
		},
	}
}

func (r *accessResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = providerdata.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *accessResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, accessIdentity, &resp.State)
	// On failure nothing is saved: the members added so far stay, and the
	// next create adopts them.
	if plan, applied := applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, r.apply); applied {
		rememberApplied(ctx, plan, resp.Private, &resp.Diagnostics)
	}
}

// appliedKey keeps, in private state, the member ids this resource last
// applied: what destroy removes. The state's member_ids may also hold members
// a refresh found; whether destroy sees the refreshed state differs between
// terraform and OpenTofu, so destroy does not depend on it.
const appliedKey = "applied_member_ids"

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func rememberApplied(ctx context.Context, plan *accessModel, private privateSetter, diags *diag.Diagnostics) {
	var ids []string
	diags.Append(plan.MemberIDs.ElementsAs(ctx, &ids, false)...)
	raw, err := json.Marshal(ids)
	if err != nil || diags.HasError() {
		return
	}
	diags.Append(private.SetKey(ctx, appliedKey, raw)...)
}

// apply makes the members of the plan's image exactly the plan's member
// ids, adding the missing ones first and then removing the others, and
// fills in the members as the server then has them.
func (r *accessResource) apply(ctx context.Context, plan *accessModel, diags *diag.Diagnostics) {
	c := region.Client(r.client, plan.Region, diags)
	if c == nil {
		return
	}
	imageID := plan.ImageID.ValueString()
	var want []string
	diags.Append(plan.MemberIDs.ElementsAs(ctx, &want, false)...)
	if diags.HasError() {
		return
	}
	img, err := c.GetImage(ctx, imageID)
	if err != nil {
		diagnostics.AttributeAPIError(diags, path.Root("image_id"), "share image "+imageID, err, shareHint(ctx, c, accessType, imageID, err))
		return
	}
	// A member lists only its own entry: with its credentials the list
	// would look complete and be wrong.
	if hint := ownerHint(c, accessType, img); hint != "" {
		diags.AddAttributeError(path.Root("image_id"), "Cannot manage the members of image "+imageID, hint)
		return
	}
	have, ok := listMembers(ctx, c, imageID, diags)
	if !ok {
		return
	}
	haveIDs := memberIDs(have)
	add := without(want, haveIDs)
	remove := without(haveIDs, want)
	tflog.Debug(ctx, "syncing image members", map[string]any{"image_id": imageID, "add": add, "remove": remove})

	failed := forEachMember(ctx, add, func(ctx context.Context, memberID string) error {
		_, err := c.AddMember(ctx, imageID, memberID)
		if client.StatusCode(err) == http.StatusConflict {
			tflog.Info(ctx, "image already shared with this member: adopting it", map[string]any{"image_id": imageID, "member_id": memberID})
			return nil
		}
		return err
	})
	report(ctx, c, diags, "share image %s with %s", imageID, failed)
	if len(failed) > 0 {
		// Remove nothing while the list is incomplete.
		return
	}
	failed = forEachMember(ctx, remove, func(ctx context.Context, memberID string) error {
		err := c.RemoveMember(ctx, imageID, memberID)
		if client.IsNotFound(err) {
			return nil
		}
		return err
	})
	report(ctx, c, diags, "remove member %[2]s from image %[1]s", imageID, failed)
	if len(failed) > 0 {
		return
	}

	now, ok := listMembers(ctx, c, imageID, diags)
	if !ok {
		return
	}
	// The state holds what was planned: a member someone adds meanwhile is
	// for the next refresh to find.
	var mine []client.Member
	for _, id := range want {
		i := slices.IndexFunc(now, func(m client.Member) bool { return m.MemberID == id })
		if i < 0 {
			diags.AddError("Member missing after sharing",
				fmt.Sprintf("Image %s was shared with %s, but the member list no longer shows it: it was removed meanwhile. Apply again.", imageID, id))
			return
		}
		mine = append(mine, now[i])
	}
	planned := plan.Members
	plan.setFromAPI(c, imageID, mine, diags)
	plan.keepPlannedMembers(planned, diags)
}

// listMembers returns every member of the image.
func listMembers(ctx context.Context, c *client.Client, imageID string, diags *diag.Diagnostics) ([]client.Member, bool) {
	members, err := c.ListMembers(ctx, imageID)
	if err != nil {
		diagnostics.AttributeAPIError(diags, path.Root("image_id"), "list the members of image "+imageID, err,
			shareHint(ctx, c, accessType, imageID, err))
		return nil, false
	}
	return members, true
}

// report adds an error for each failed member call, in member order; op is a
// format taking the image id and the member id.
func report(ctx context.Context, c *client.Client, diags *diag.Diagnostics, op, imageID string, failed map[string]error) {
	ids := make([]string, 0, len(failed))
	for id := range failed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	hints := map[int]string{} // one hint per status: the reason is the image's, not the member's
	for _, id := range ids {
		err := failed[id]
		code := client.StatusCode(err)
		if _, seen := hints[code]; !seen {
			hints[code] = shareHint(ctx, c, accessType, imageID, err)
		}
		diagnostics.AttributeAPIError(diags, path.Root("member_ids"), fmt.Sprintf(op, imageID, id), err, hints[code])
	}
}

func (r *accessResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, accessIdentity, &resp.State, &req.State)
	var state accessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(r.client, state.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	imageID := state.ImageID.ValueString()
	members, err := c.ListMembers(ctx, imageID)
	if client.IsNotFound(err) {
		tflog.Debug(ctx, "image is gone, removing its member list from the state", map[string]any{"image_id": imageID})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		diagnostics.APIError(&resp.Diagnostics, "list the members of image "+imageID, err, shareHint(ctx, c, accessType, imageID, err))
		return
	}
	state.setFromAPI(c, imageID, members, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *accessResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	defer identity.FromState(ctx, resp.Identity, &resp.Diagnostics, accessIdentity, &resp.State)
	plan, applied := applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, r.apply)
	if applied {
		rememberApplied(ctx, plan, resp.Private, &resp.Diagnostics)
	}
	if plan == nil || applied {
		return
	}
	// Half done: keep what the server has, so the next plan shows the rest.
	imageID := plan.ImageID.ValueString()
	var d diag.Diagnostics
	if c := region.Client(r.client, plan.Region, &d); c != nil {
		if members, err := c.ListMembers(ctx, imageID); err == nil {
			plan.setFromAPI(c, imageID, members, &d)
			if !d.HasError() {
				resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
				return
			}
		}
	}
	resp.State.Raw = req.State.Raw
}

// Delete removes the members this resource last applied (after an import
// that was never applied, those the state holds); a member or an image
// already gone is fine. Members added outside Terraform stay.
func (r *accessResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state accessModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var ids []string
	raw, d := req.Private.GetKey(ctx, appliedKey)
	resp.Diagnostics.Append(d...)
	if len(raw) == 0 || json.Unmarshal(raw, &ids) != nil {
		// Imported and never applied: the members the state holds.
		resp.Diagnostics.Append(state.MemberIDs.ElementsAs(ctx, &ids, false)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	c := region.Client(r.client, state.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	imageID := state.ImageID.ValueString()
	failed := forEachMember(ctx, ids, func(ctx context.Context, memberID string) error {
		err := c.RemoveMember(ctx, imageID, memberID)
		if client.IsNotFound(err) {
			return nil
		}
		return err
	})
	report(ctx, c, &resp.Diagnostics, "remove member %[2]s from image %[1]s", imageID, failed)
}

func (r *accessResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if identity.Import(ctx, req, resp, accessIdentity...) {
		checkImportedImageID(ctx, resp)
		return
	}
	inRegion, imageID := region.SplitImportID(req.ID, 1)
	if !validate.IsUUID(imageID) {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Expected the image id (a UUID), with the region in front "+
			"where it is not the provider's (DFW/6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77); got %q.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("image_id"), imageID)...)
	importRegion(ctx, inRegion, resp)
}

func memberIDs(members []client.Member) []string {
	ids := make([]string, 0, len(members))
	for _, m := range members {
		ids = append(ids, m.MemberID)
	}
	return ids
}

// without is the ids of a that are not in b, in a's order.
func without(a, b []string) []string {
	var out []string
	for _, id := range a {
		if !slices.Contains(b, id) {
			out = append(out, id)
		}
	}
	return out
}
