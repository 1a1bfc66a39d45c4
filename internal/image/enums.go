package image

import "strings"

// The allowed values of the API's enums, each defined once: they feed both the
// validators and the descriptions (REFERENCE.md §1.2).
var (
	diskFormats      = []string{"ami", "ari", "aki", "vhd", "vhdx", "vmdk", "raw", "qcow2", "vdi", "iso", "ploop"}
	containerFormats = []string{"ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed"}
	visibilities     = []string{"private", "shared", "community", "public"}
	statuses         = []string{"queued", "saving", "uploading", "importing", "active", "killed", "deleted", "pending_delete", "deactivated"}
	// memberStatusFilters are the statuses of a share, and "all".
	memberStatusFilters = []string{"pending", "accepted", "rejected", "all"}
	// visibilityFilters adds the list filter's "all" to the visibilities.
	visibilityFilters = append(append([]string{}, visibilities...), "all")
)

// quoted renders values for a description: `a`, `b`, `c`.
func quoted(values []string) string {
	return "`" + strings.Join(values, "`, `") + "`"
}
