package client

import (
	"context"
	"net/http"
	"sync"
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
	return c.call(ctx, http.MethodPost, c.imageURL(id, "import"), body, []int{http.StatusAccepted}, nil)
}
