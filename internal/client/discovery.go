package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// discovery caches what the endpoint says about itself, read at most once per
// client (one provider instance): its image schema and import methods.
type discovery struct {
	mu            sync.Mutex
	schema        *ImageSchema
	importMethods []string
	methodsRead   bool
}

// ImageSchema is what GET /v2/schemas/image says about image attributes.
type ImageSchema struct {
	// Attributes are the image's own attributes (not custom properties).
	Attributes map[string]bool
	// ReadOnly are those the server sets and a PATCH may not change.
	ReadOnly map[string]bool
}

// ImageSchema reads the image schema once per client. The server knows its
// own base and read-only attributes better than a list in the provider,
// which a server that adds new ones would make wrong.
func (c *Client) ImageSchema(ctx context.Context) (*ImageSchema, error) {
	c.disco.mu.Lock()
	defer c.disco.mu.Unlock()
	if c.disco.schema != nil {
		return c.disco.schema, nil
	}
	var doc struct {
		Properties map[string]struct {
			ReadOnly bool `json:"readOnly"`
		} `json:"properties"`
	}
	if err := c.call(ctx, http.MethodGet, c.image.ServiceURL("schemas", "image"), nil, []int{http.StatusOK}, &doc); err != nil {
		return nil, err
	}
	s := &ImageSchema{Attributes: map[string]bool{}, ReadOnly: map[string]bool{}}
	for name, p := range doc.Properties {
		s.Attributes[name] = true
		if p.ReadOnly {
			s.ReadOnly[name] = true
		}
	}
	c.disco.schema = s
	return s, nil
}

// ImportMethods are the interoperable import methods the endpoint offers
// (GET /v2/info/import), read once per client; none where the endpoint has
// no interoperable import (Rackspace: 404).
func (c *Client) ImportMethods(ctx context.Context) ([]string, error) {
	c.disco.mu.Lock()
	defer c.disco.mu.Unlock()
	if c.disco.methodsRead {
		return c.disco.importMethods, nil
	}
	var doc struct {
		ImportMethods struct {
			Value []string `json:"value"`
		} `json:"import-methods"`
	}
	err := c.call(ctx, http.MethodGet, c.image.ServiceURL("info", "import"), nil, []int{http.StatusOK}, &doc)
	if err != nil && !IsNotFound(err) {
		return nil, err
	}
	c.disco.importMethods, c.disco.methodsRead = doc.ImportMethods.Value, true
	return c.disco.importMethods, nil
}

// WebDownload is POST /v2/images/{id}/import with the web-download method:
// the server fetches uri itself into the queued image.
func (c *Client) WebDownload(ctx context.Context, id, uri string) error {
	body := map[string]any{"method": map[string]string{"name": "web-download", "uri": uri}}
	for attempt := 0; ; attempt++ {
		err := c.call(ctx, http.MethodPost, c.imageURL(id, "import"), body, []int{http.StatusAccepted}, nil)
		if err == nil || !UnknownOutcome(err) || attempt >= c.maxRetries {
			return err
		}
		// The answer was lost, or a gateway failed: the import may have
		// been accepted. Glance marks an accepted import on the image
		// (os_glance_import_task) and moves it on from queued; posting again
		// would fetch the data twice, so look first.
		img, gerr := c.GetImage(ctx, id)
		if gerr != nil {
			return fmt.Errorf("%w; and reading image %s to see whether the import began failed: %v", err, id, gerr)
		}
		if img.Properties[importTaskKey] != "" || img.Status != StatusQueued {
			tflog.Info(c.secrets.mask(ctx), "The web-download import was accepted (its answer was lost)", map[string]any{"image_id": id, "status": img.Status})
			return nil
		}
		if err := pause(ctx, attempt); err != nil {
			return err
		}
	}
}

// importTaskKey is the property Glance sets on an image whose import it
// accepted, naming the import's task.
const importTaskKey = "os_glance_import_task"
