package mockserver

import "net/http"

// stageImage is PUT /v2/images/{id}/stage (REFERENCE §1.11): the first half of a
// glance-direct import. queued → uploading, the body streamed to disk through md5 and
// sha512 as an upload is, and size set; the image stays uploading until POST /import.
// Only a queued image can be staged, so staging twice is a 409 (uploading → uploading).
func (s *Server) stageImage(w http.ResponseWriter, r *http.Request, c *call) {
	s.receiveData(w, r, c, dataTarget{status: statusUploading, action: "modify_image", finish: s.finishStage})
}

// finishStage keeps the staged data on the image. The image must still be the one this
// stage started on (not deleted, not restored to queued and staged again).
func (s *Server) finishStage(id string, attempt uint64, data stored) *apiError {
	var old string
	err := s.withAttempt(id, attempt, statusUploading, func(img *image) *apiError {
		old = img.DataPath
		img.DataPath, img.staged = data.path, data
		img.Size = ptr(data.size)
		img.UpdatedAt = s.now()
		return nil
	})
	if old != data.path {
		removeData(old) // data a test left on an image it put back to queued
	}
	return err
}
