package image

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/client"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/validate"
)

// The image's data comes from one of five places: none (a queued image),
// file, source_url (streamed by the provider, or fetched by the server with
// web_download), copy_from (another image's, streamed by the provider; see
// copy.go) or import_from (an import task).

// sourceAttributes are the arguments that say where the data comes from.
var sourceAttributes = []string{"file", "source_url", "import_from"}

// stateHadSource reports whether the prior state recorded where the data came
// from. An imported image records none: setting its source in the
// configuration then adopts it instead of replacing it.
func stateHadSource(ctx context.Context, state tfsdk.State) bool {
	for _, name := range sourceAttributes {
		var v types.String
		if d := state.GetAttribute(ctx, path.Root(name), &v); !d.HasError() && !v.IsNull() {
			return true
		}
	}
	var copyFrom types.Object
	d := state.GetAttribute(ctx, path.Root("copy_from"), &copyFrom)
	return !d.HasError() && !copyFrom.IsNull()
}

const replaceIfSourceDescription = "Changing it replaces the image, unless the state records no source (an imported image)."

// replaceIfSourceChanged replaces the image when a source argument changes,
// except after an import, whose state has no source to compare with.
func replaceIfSourceChanged() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = stateHadSource(ctx, req.State)
	}, replaceIfSourceDescription, replaceIfSourceDescription)
}

// replaceBoolIfSourceChanged is replaceIfSourceChanged for web_download and
// decompress. A change of decompress with file replaces the image only
// through the file's digest (ModifyPlan): the data may be the same.
func replaceBoolIfSourceChanged() planmodifier.Bool {
	return boolplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.BoolRequest, resp *boolplanmodifier.RequiresReplaceIfFuncResponse) {
		if req.Path.Equal(path.Root("decompress")) {
			var file types.String
			req.Plan.GetAttribute(ctx, path.Root("file"), &file)
			if !file.IsNull() {
				return
			}
		}
		resp.RequiresReplace = stateHadSource(ctx, req.State)
	}, replaceIfSourceDescription, replaceIfSourceDescription)
}

// uploadSource is the data the provider streams for the plan: the file or
// the body of source_url.
func (m resourceModel) uploadSource(ctx context.Context, c *client.Client) (client.UploadSource, diag.Diagnostics) {
	var diags diag.Diagnostics
	var src client.UploadSource
	if !m.File.IsNull() {
		src = client.FileSource(m.File.ValueString(), m.Decompress.ValueBool())
	} else {
		headers := map[string]string{}
		for _, h := range []types.Map{m.SourceHeaders, m.SourceHeadersWO} {
			if !h.IsNull() && !h.IsUnknown() {
				diags.Append(h.ElementsAs(ctx, &headers, false)...)
			}
		}
		src = c.URLSource(m.SourceURL.ValueString(), headers, m.Decompress.ValueBool())
	}
	algo, _, _ := validate.SplitHash(m.ExpectedHash.ValueString())
	src.SHA256 = algo == "sha256"
	return src, diags
}

// streamsData reports whether the provider sends the data itself (so that
// it can hash it with any algorithm), as opposed to the server fetching it.
func (m resourceModel) streamsData() bool {
	return !m.File.IsNull() || !m.CopyFrom.IsNull() || (!m.SourceURL.IsNull() && !m.WebDownload.ValueBool())
}

// serverSideSource names the argument through which the server fetches the
// data itself, or "" when the provider streams it (or there is none).
func (m resourceModel) serverSideSource() string {
	switch {
	case !m.ImportFrom.IsNull():
		return "import_from"
	case !m.SourceURL.IsNull() && m.WebDownload.ValueBool():
		return "web_download"
	}
	return ""
}

// hashOf picks the digest of algo from what was hashed locally.
func hashOf(algo string, d client.Digest) string {
	switch algo {
	case "md5":
		return d.MD5
	case "sha256":
		return d.SHA256
	case "sha512":
		return d.SHA512
	}
	return ""
}

// serverHashOf is the digest of algo the server reports for img, or "" with
// the reason when it reports none.
func serverHashOf(algo string, checksum, osHashAlgo, osHashValue string) (string, string) {
	switch {
	case algo == "md5" && checksum != "":
		return strings.ToLower(checksum), ""
	case algo == "md5":
		return "", "the server reported no checksum (md5)"
	case strings.EqualFold(osHashAlgo, algo) && osHashValue != "":
		return strings.ToLower(osHashValue), ""
	case osHashAlgo != "":
		return "", fmt.Sprintf("the server hashes images with %s (os_hash_algo), not %s", osHashAlgo, algo)
	}
	return "", fmt.Sprintf("the server reported no %s hash (os_hash_value)", algo)
}

// checkExpectedHash compares expected_hash with the data's: the local digest
// when the provider streamed the data, otherwise the server's. It returns
// the error to show on expected_hash, or nil.
func checkExpectedHash(expected types.String, img *client.Image, local *client.Digest) diag.Diagnostic {
	if expected.IsNull() || expected.IsUnknown() {
		return nil
	}
	algo, want, err := validate.SplitHash(expected.ValueString())
	if err != nil {
		return diag.NewAttributeErrorDiagnostic(path.Root("expected_hash"), "Invalid expected_hash", err.Error())
	}
	got, from := "", "the data the provider streamed"
	if local != nil {
		got = hashOf(algo, *local)
	} else {
		var why string
		got, why = serverHashOf(algo, img.Checksum, img.OSHashAlgo, img.OSHashValue)
		from = "the image data the server holds"
		if got == "" {
			return diag.NewAttributeErrorDiagnostic(path.Root("expected_hash"), "Cannot check the image's hash",
				fmt.Sprintf("expected_hash is %s, but %s, so image %s cannot be checked. %s", expected.ValueString(), why, img.ID, taintedHint(img.ID)))
		}
	}
	if got == want {
		return nil
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("expected_hash"), "Image data does not match expected_hash",
		fmt.Sprintf("The %s of %s is %s, but expected_hash is %s:%s. Check the source and expected_hash. %s",
			algo, from, got, algo, want, taintedHint(img.ID)))
}

// planSourceChecks are the checks of the data source that need the server:
// whether it offers web-download, and whether it computes the hash that
// expected_hash names for a server-side source.
func (r *imageResource) planSourceChecks(ctx context.Context, plan resourceModel, diags *diag.Diagnostics) {
	if plan.WebDownload.ValueBool() {
		methods, err := r.client.ImportMethods(ctx)
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("web_download"), "Cannot read the import methods",
				fmt.Sprintf("Reading GET /v2/info/import failed: %s", err))
		case !slices.Contains(methods, "web-download"):
			offered := "none"
			if len(methods) > 0 {
				offered = strings.Join(methods, ", ")
			}
			diags.AddAttributeError(path.Root("web_download"), "The endpoint does not offer web-download",
				fmt.Sprintf("This Images endpoint offers these import methods: %s. Remove web_download (or set it to false) "+
					"to have the provider stream source_url into the upload instead.", offered))
		}
	}
	algo, _, err := validate.SplitHash(plan.ExpectedHash.ValueString())
	if err != nil || plan.serverSideSource() == "" || algo != "sha512" {
		return
	}
	s, err := r.client.ImageSchema(ctx)
	if err == nil && !s.Attributes["os_hash_value"] {
		diags.AddAttributeError(path.Root("expected_hash"), "expected_hash cannot be checked",
			fmt.Sprintf("With %s the server computes the image's hashes, and this endpoint's image schema has no "+
				"os_hash_value: only md5 (checksum) can be checked. Use expected_hash = \"md5:...\".", plan.serverSideSource()))
	}
}

// validateSourceConfig reports the combinations of source arguments that
// cannot work, each on the argument to change.
func validateSourceConfig(cfg resourceModel, diags *diag.Diagnostics) {
	hasSource := !cfg.File.IsNull() || !cfg.SourceURL.IsNull() || !cfg.ImportFrom.IsNull() || !cfg.CopyFrom.IsNull()
	sourcesUnknown := cfg.File.IsUnknown() || cfg.SourceURL.IsUnknown() || cfg.ImportFrom.IsUnknown() || cfg.CopyFrom.IsUnknown()
	webDownload := cfg.WebDownload.ValueBool()
	if webDownload && cfg.SourceURL.IsNull() {
		diags.AddAttributeError(path.Root("web_download"), "web_download needs source_url",
			"With web_download = true the server fetches source_url: set source_url to the URL of the image data, or "+
				"remove web_download.")
	}
	if webDownload && cfg.Decompress.ValueBool() {
		diags.AddAttributeError(path.Root("decompress"), "decompress is not possible with web_download",
			"With web_download the server fetches source_url and stores the data as it is. Remove decompress, or set "+
				"web_download = false to have the provider decompress the data while streaming it.")
	}
	if u, err := url.Parse(cfg.SourceURL.ValueString()); err == nil && !cfg.SourceURL.IsUnknown() && u.User != nil {
		if _, hasPassword := u.User.Password(); hasPassword {
			diags.AddAttributeError(path.Root("source_url"), "Credentials in source_url",
				"source_url holds a user and password, and it is stored in the state in plain text. Remove them from the "+
					"URL and send them in a header that is never stored: source_headers_wo = { Authorization = "+
					"\"Basic ${base64encode(\"user:password\")}\" }.")
		}
	}
	if webDownload && (!cfg.SourceHeaders.IsNull() || !cfg.SourceHeadersWO.IsNull()) {
		diags.AddAttributeError(path.Root("source_headers"), "source_headers are not possible with web_download",
			"With web_download the server fetches source_url and cannot send these headers. Remove them, or set "+
				"web_download = false to have the provider download the URL with them.")
	}
	if !cfg.ImportFrom.IsNull() {
		// The import task sets the image's formats; what the user means is
		// most likely the object's format.
		for name, v := range map[string]types.String{"disk_format": cfg.DiskFormat, "container_format": cfg.ContainerFormat} {
			if !v.IsNull() {
				diags.AddAttributeError(path.Root(name), name+" is set by the import",
					fmt.Sprintf("With import_from the import task sets the image's disk_format and container_format. Remove %s; "+
						"to say what the object is, set import_from_format = %q instead.", name, v.ValueString()))
			}
		}
	}
	if cfg.Decompress.ValueBool() && !cfg.CopyFrom.IsNull() {
		diags.AddAttributeError(path.Root("decompress"), "decompress is not possible with copy_from",
			"A copy streams the source image's data as the service holds it. Remove decompress.")
	}
	if cfg.Decompress.ValueBool() && !cfg.ImportFrom.IsNull() {
		diags.AddAttributeError(path.Root("decompress"), "decompress is not possible with import_from",
			"An import task reads the object as it is from the object store. Remove decompress, or store the "+
				"decompressed object.")
	}
	if !cfg.ExpectedHash.IsNull() && !cfg.ExpectedHash.IsUnknown() {
		algo, _, _ := validate.SplitHash(cfg.ExpectedHash.ValueString())
		switch {
		case !hasSource && !sourcesUnknown:
			diags.AddAttributeError(path.Root("expected_hash"), "expected_hash needs image data",
				"Set file, source_url, copy_from or import_from: without data there is nothing to check.")
		case algo == "sha256" && cfg.serverSideSource() != "":
			diags.AddAttributeError(path.Root("expected_hash"), "sha256 cannot be checked with "+cfg.serverSideSource(),
				fmt.Sprintf("With %s the server computes the image's hashes: md5 (checksum) and sha512 (os_hash_value). "+
					"It never computes sha256, so this expected_hash could never be checked. Use md5: or sha512:, "+
					"or let the provider stream the data (file, or source_url without web_download).", cfg.serverSideSource()))
		}
	}
	if cfg.Deactivated.ValueBool() && !hasSource && !sourcesUnknown {
		diags.AddAttributeError(path.Root("deactivated"), "Only an image with data can be deactivated",
			"The service deactivates only active images, and an image without file, source_url, copy_from or import_from "+
				"stays queued. Set one of them, or remove deactivated.")
	}
}
