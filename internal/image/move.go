package image

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/region"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/tfvalue"
)

// Moves from the OpenStack provider (Terraform 1.8 and later):
//
//	moved {
//	  from = openstack_images_image_v2.debian
//	  to   = cloudimages_image.debian
//	}
//
// take the image's state over without touching the image. The source is
// matched by its provider's address suffix, so registry mirrors and
// OpenTofu's registry move the same way.

var _ resource.ResourceWithMoveState = (*imageResource)(nil)

// openstackProvider is the end of the OpenStack provider's source address.
const openstackProvider = "terraform-provider-openstack/openstack"

func (r *imageResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{{StateMover: moveFromOpenStack}}
}

// openstackImage is what openstack_images_image_v2 (v3) keeps that has a
// counterpart here.
type openstackImage struct {
	ID              string            `json:"id"`
	Name            string            `json:"name"`
	ContainerFormat string            `json:"container_format"`
	DiskFormat      string            `json:"disk_format"`
	LocalFilePath   string            `json:"local_file_path"`
	ImageSourceURL  string            `json:"image_source_url"`
	WebDownload     bool              `json:"web_download"`
	Decompress      bool              `json:"decompress"`
	VerifyChecksum  *bool             `json:"verify_checksum"`
	MinDiskGB       int64             `json:"min_disk_gb"`
	MinRAMMB        int64             `json:"min_ram_mb"`
	Protected       bool              `json:"protected"`
	Hidden          bool              `json:"hidden"`
	Visibility      string            `json:"visibility"`
	Tags            []string          `json:"tags"`
	Properties      map[string]string `json:"properties"`
	Checksum        string            `json:"checksum"`
	SizeBytes       int64             `json:"size_bytes"`
	Owner           string            `json:"owner"`
	Status          string            `json:"status"`
	CreatedAt       string            `json:"created_at"`
	UpdatedAt       string            `json:"updated_at"`
	File            string            `json:"file"`
	Region          string            `json:"region"`
}

func moveFromOpenStack(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
	if req.SourceTypeName != "openstack_images_image_v2" || !strings.HasSuffix(req.SourceProviderAddress, openstackProvider) || req.SourceRawState == nil {
		return // not ours to move: another mover may take it
	}
	var src openstackImage
	if err := json.Unmarshal(req.SourceRawState.JSON, &src); err != nil {
		resp.Diagnostics.AddError("Cannot move openstack_images_image_v2", fmt.Sprintf("Its state is not what the OpenStack provider v3 writes: %s", err))
		return
	}
	m := listedModel()
	m.ID = types.StringValue(src.ID)
	m.Region = tfvalue.String(src.Region) // the region the OpenStack provider used; none: the refresh sets the provider's
	m.Name = types.StringValue(src.Name)
	m.ContainerFormat = tfvalue.String(src.ContainerFormat)
	m.DiskFormat = tfvalue.String(src.DiskFormat)
	m.File = tfvalue.String(src.LocalFilePath)
	m.SourceURL = tfvalue.String(src.ImageSourceURL)
	m.WebDownload = types.BoolValue(src.WebDownload)
	m.Decompress = types.BoolValue(src.Decompress)
	m.VerifyChecksum = types.BoolValue(src.VerifyChecksum == nil || *src.VerifyChecksum)
	m.MinDisk, m.MinRAM = types.Int64Value(src.MinDiskGB), types.Int64Value(src.MinRAMMB)
	m.Protected, m.Hidden = types.BoolValue(src.Protected), types.BoolValue(src.Hidden)
	m.Visibility = types.StringValue(orDefault(src.Visibility, "private"))
	m.Deactivated = types.BoolValue(src.Status == "deactivated")
	tags, diags := types.SetValueFrom(ctx, types.StringType, nonNil(src.Tags))
	resp.Diagnostics.Append(diags...)
	m.Tags = tags
	// The OpenStack provider keeps the server's own properties beside the
	// user's; only keys a configuration may set are carried over.
	props := map[string]string{}
	for k, v := range src.Properties {
		if reservedProperty(k) == "" {
			props[k] = v
		}
	}
	if len(props) > 0 {
		m.Properties, diags = types.MapValueFrom(ctx, types.StringType, props)
		resp.Diagnostics.Append(diags...)
	}
	m.Checksum = tfvalue.String(src.Checksum)
	m.Size = types.Int64Value(src.SizeBytes)
	m.Owner, m.Status = types.StringValue(src.Owner), types.StringValue(src.Status)
	m.CreatedAt, m.UpdatedAt, m.FileURL = types.StringValue(src.CreatedAt), types.StringValue(src.UpdatedAt), types.StringValue(src.File)
	m.OSHashAlgo, m.OSHashValue, m.VirtualSize = types.StringNull(), types.StringNull(), types.Int64Null() // the refresh reads them
	resp.Diagnostics.Append(resp.TargetState.Set(ctx, &m)...)
	if resp.TargetIdentity != nil {
		resp.Diagnostics.Append(resp.TargetIdentity.SetAttribute(ctx, path.Root("id"), src.ID)...)
		resp.Diagnostics.Append(resp.TargetIdentity.SetAttribute(ctx, path.Root(region.Attr), m.Region)...)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
