package image

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/diagnostics"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// Where the Images API serves no image data (Rackspace), a copy goes
// through the object stores: an export task writes the source's data to
// <container>/<source id>.vhd in the source's region, the provider streams
// that object to the same place in the copy's region (hashing it, with the
// ETag checked by the store), and an import task makes the copy from it.
// Each step finds the work of an earlier, interrupted apply and goes on from
// there (an object already exported or copied, an export still running, the
// import task saved in the state), so that nothing is done twice. Both
// objects are deleted once the copy is active.

// copyContainer holds, in both regions, the data of the copies to region on
// their way: one per copy's region, so that copies of one source to several
// regions, made at once as a for_each does, each have an export and an
// object of their own, and none deletes what another still reads.
func copyContainer(region string) string {
	return "cloudimages-copies-" + strings.ToLower(region)
}

// copyObject is an object that a copy leaves on its way.
type copyObject struct {
	Region    string `json:"region"`
	Container string `json:"container"`
	Object    string `json:"object"`
}

// startCopyThroughObjectStore is startCopy's path where src serves no image
// data: the export, the object copied between the regions, then the import
// (startImport, which saves the task), carrying the source's properties.
func (r *imageResource) startCopyThroughObjectStore(ctx context.Context, planned tfsdk.Plan, plan resourceModel, resp *resource.CreateResponse,
	src *client.Client, img *client.Image, properties map[string]string) (started, bool) {
	container, object := copyContainer(r.client.Region()), img.ID+".vhd"
	from := fmt.Sprintf("image %s in region %s", img.ID, src.Region())
	fail := func(what string, err error) (started, bool) {
		diagnostics.AttributeAPIError(&resp.Diagnostics, path.Root("copy_from"), what, err,
			fmt.Sprintf("No image was created. What the copy has done so far (in the object stores' container %s) is found "+
				"again by the next apply, which goes on from there.", container))
		return started{}, false
	}
	if err := exportForCopy(ctx, src, img.ID, container, object); err != nil {
		return fail(fmt.Sprintf("export %s to its region's object store", from), err)
	}
	algo, _, _ := validate.SplitHash(plan.ExpectedHash.ValueString())
	digest, err := r.objectForCopy(ctx, src, img, container, object, algo == "sha256")
	if err != nil {
		return fail(fmt.Sprintf("copy the export of %s to the object store of region %s", from, r.client.Region()), err)
	}
	if err := client.VerifyDigest(img, digest); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("copy_from"), "The copied data differs from its source",
			fmt.Sprintf("The export of %s, as copied, is not the source's data: %s. No image was created; the objects %s/%s in "+
				"regions %s and %s are left for a look.", from, err, container, object, src.Region(), r.client.Region()))
		return started{}, false
	}
	st, ok := r.startImportFor(ctx, planned, plan, resp, path.Root("copy_from"), container+"/"+object)
	st.local = &digest
	st.filled = &plan
	st.mark.CopyProperties = properties
	st.mark.CopyObjects = []copyObject{
		{Region: src.Region(), Container: container, Object: object},
		{Region: r.client.Region(), Container: container, Object: object},
	}
	return st, ok
}

// exportForCopy has the source's data exported to object in its region's
// store, unless an earlier apply did: the object is there already, or the
// export is still running (it is waited for).
func exportForCopy(ctx context.Context, src *client.Client, imageID, container, object string) error {
	if info, err := src.HeadObject(ctx, container, object); err != nil || info != nil {
		return err
	}
	if err := src.EnsureContainer(ctx, container); err != nil {
		return err
	}
	t, err := src.RunningExport(ctx, imageID, container)
	if err != nil {
		return err
	}
	if t == nil {
		if t, err = src.CreateExportTask(ctx, imageID, container); err != nil {
			return err
		}
	}
	tflog.Info(ctx, "waiting for the export of the image to copy", map[string]any{"task_id": t.ID, "region": src.Region()})
	_, err = src.WaitForTask(ctx, t.ID)
	return err
}

// objectForCopy streams the exported object to the copy's region, unless
// an earlier apply did (the same ETag is there) and no sha256 is asked for
// (only streaming computes one). The digest is of the data streamed; when
// nothing was streamed, it is the object's ETag (md5) and size, with the
// source's sha512: VerifyDigest then checks the md5 and the size against the
// source, and the copy's own hashes, once imported from that object, are
// checked against the source's md5 and sha512 (finish).
func (r *imageResource) objectForCopy(ctx context.Context, src *client.Client, img *client.Image, container, object string, withSHA256 bool) (client.Digest, error) {
	exported, err := src.HeadObject(ctx, container, object)
	if err != nil {
		return client.Digest{}, err
	}
	if exported == nil {
		return client.Digest{}, fmt.Errorf("the export succeeded but %s/%s is not in the object store of region %s", container, object, src.Region())
	}
	there, err := r.client.HeadObject(ctx, container, object)
	if err != nil {
		return client.Digest{}, err
	}
	if there != nil && there.ETag == exported.ETag && there.Size == exported.Size && !withSHA256 {
		d := client.Digest{MD5: there.ETag, Size: there.Size}
		if strings.EqualFold(img.OSHashAlgo, "sha512") {
			d.SHA512 = img.OSHashValue
		}
		return d, nil
	}
	if err := r.client.EnsureContainer(ctx, container); err != nil {
		return client.Digest{}, err
	}
	return r.client.CopyObjectFrom(ctx, src, container, object, withSHA256)
}

// copyPropertyOps add the source's properties that a copy through the object
// stores carries over (the import made the image without them), except
// those the plan manages.
func copyPropertyOps(mark unfinishedMark, plan resourceModel, img *client.Image) []client.PatchOp {
	var ops []client.PatchOp
	managed := plan.Properties.Elements()
	for _, key := range sortedKeys(mark.CopyProperties) {
		if _, ok := managed[key]; !ok && img.Properties[key] != mark.CopyProperties[key] {
			ops = append(ops, client.PatchOp{Op: "add", Attribute: key, Value: mark.CopyProperties[key]})
		}
	}
	return ops
}

// deleteCopyObjects deletes what a finished copy left in the object stores;
// what cannot be deleted is a warning that names it (the copy is complete).
func (r *imageResource) deleteCopyObjects(ctx context.Context, objects []copyObject, diags *diag.Diagnostics) {
	for _, o := range objects {
		c, err := r.client.ForRegion(o.Region)
		if err == nil {
			err = c.DeleteObject(ctx, o.Container, o.Object)
		}
		if err != nil {
			diags.AddWarning("The copy left an object behind",
				fmt.Sprintf("The image was copied, but deleting %s/%s from the object store of region %s failed: %s. Delete it by hand.",
					o.Container, o.Object, o.Region, err))
		}
	}
}
