package mockserver

import (
	"net/http"
	"strings"
)

// Interoperable image import (REFERENCE §1.11) in the Glance flavour. The methods are
// the two that need no multi-store deployment; copy-image and glance-download are not
// enabled, so asking for them is "Unknown import method name".
const (
	methodGlanceDirect = "glance-direct"
	methodWebDownload  = "web-download"
)

var importMethods = []string{methodGlanceDirect, methodWebDownload}

// importMethodsHeader is the header Glance adds to image answers when import is enabled.
const importMethodsHeader = "OpenStack-image-import-methods"

// setImportMethods adds the import methods header, which Rackspace does not send.
func (s *Server) setImportMethods(w http.ResponseWriter) {
	if !s.rackspace() {
		w.Header().Set(importMethodsHeader, strings.Join(importMethods, ","))
	}
}

// importInfo is GET /v2/info/import: the enabled import methods, as Glance's discovery
// controller lists them.
func (s *Server) importInfo(w http.ResponseWriter, _ *http.Request, _ *call) {
	writeJSON(w, http.StatusOK, map[string]any{"import-methods": map[string]any{
		"description": "Import methods available.", "type": "array", "value": importMethods,
	}})
}
