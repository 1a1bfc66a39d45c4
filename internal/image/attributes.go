package image

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfvalue"
)

// imageAttributes are the image's attributes as the server reports them, in
// the resource and in both data sources alike: the one conversion from the
// API's image. Properties are not here: the resource shows only the keys it
// manages, the data sources all but the server's own.
type imageAttributes struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Status          types.String `tfsdk:"status"`
	Visibility      types.String `tfsdk:"visibility"`
	Owner           types.String `tfsdk:"owner"`
	DiskFormat      types.String `tfsdk:"disk_format"`
	ContainerFormat types.String `tfsdk:"container_format"`
	Protected       types.Bool   `tfsdk:"protected"`
	Hidden          types.Bool   `tfsdk:"hidden"`
	MinDisk         types.Int64  `tfsdk:"min_disk"`
	MinRAM          types.Int64  `tfsdk:"min_ram"`
	Size            types.Int64  `tfsdk:"size"`
	VirtualSize     types.Int64  `tfsdk:"virtual_size"`
	Checksum        types.String `tfsdk:"checksum"`
	OSHashAlgo      types.String `tfsdk:"os_hash_algo"`
	OSHashValue     types.String `tfsdk:"os_hash_value"`
	Tags            types.Set    `tfsdk:"tags"`
	CreatedAt       types.String `tfsdk:"created_at"`
	UpdatedAt       types.String `tfsdk:"updated_at"`
	FileURL         types.String `tfsdk:"file_url"`
}

func (a *imageAttributes) read(ctx context.Context, img *client.Image) diag.Diagnostics {
	a.ID = types.StringValue(img.ID)
	a.Name = types.StringValue(img.Name)
	a.Status = types.StringValue(img.Status)
	a.Visibility = types.StringValue(img.Visibility)
	a.Owner = types.StringValue(img.Owner)
	a.DiskFormat = tfvalue.String(img.DiskFormat)
	a.ContainerFormat = tfvalue.String(img.ContainerFormat)
	a.Protected = types.BoolValue(img.Protected)
	a.Hidden = types.BoolValue(img.Hidden)
	a.MinDisk = types.Int64Value(img.MinDisk)
	a.MinRAM = types.Int64Value(img.MinRAM)
	a.Size = tfvalue.Int64(img.Size)
	a.VirtualSize = tfvalue.Int64(img.VirtualSize)
	a.Checksum = tfvalue.String(img.Checksum)
	a.OSHashAlgo = tfvalue.String(img.OSHashAlgo)
	a.OSHashValue = tfvalue.String(img.OSHashValue)
	a.CreatedAt = tfvalue.Time(img.CreatedAt)
	a.UpdatedAt = tfvalue.Time(img.UpdatedAt)
	a.FileURL = types.StringValue(img.File)
	tags, diags := types.SetValueFrom(ctx, types.StringType, nonNil(img.Tags))
	a.Tags = tags
	return diags
}
