package mockserver

import "net/http"

// Image statuses (REFERENCE §1.13).
const (
	statusQueued        = "queued"
	statusSaving        = "saving"
	statusUploading     = "uploading"
	statusImporting     = "importing"
	statusActive        = "active"
	statusKilled        = "killed"
	statusDeleted       = "deleted"
	statusPendingDelete = "pending_delete"
	statusDeactivated   = "deactivated"
)

// validTargets is Glance's Image.valid_state_targets.
var validTargets = map[string][]string{
	statusQueued:        {statusSaving, statusUploading, statusImporting, statusActive, statusDeleted},
	statusSaving:        {statusActive, statusKilled, statusDeleted, statusQueued},
	statusUploading:     {statusImporting, statusQueued, statusDeleted},
	statusImporting:     {statusActive, statusDeleted, statusQueued},
	statusActive:        {statusPendingDelete, statusDeleted, statusDeactivated},
	statusKilled:        {statusDeleted},
	statusPendingDelete: {statusDeleted, statusActive},
	statusDeactivated:   {statusActive, statusDeleted},
}

// transition moves img to status to, enforcing the status machine: 409 for an illegal
// transition, 400 when data-bearing states are entered without disk and container formats.
// Entering queued forgets the data's size and hashes.
func transition(img *image, to string) *apiError {
	from := img.Status
	legal := false
	for _, t := range validTargets[from] {
		legal = legal || t == to
	}
	if !legal {
		return errorf(http.StatusConflict, "Image status transition from %s to %s is not allowed", from, to)
	}
	if (from == statusQueued || from == statusUploading) &&
		(to == statusSaving || to == statusActive || to == statusImporting) &&
		(img.DiskFormat == nil || img.ContainerFormat == nil) {
		return errorf(http.StatusBadRequest, "Properties disk_format, container_format must be set prior to saving data.")
	}
	img.Status = to
	if to == statusQueued {
		img.Size, img.VirtualSize = nil, nil
		img.Checksum, img.OSHashAlgo, img.OSHashValue = nil, nil, nil
	}
	return nil
}
