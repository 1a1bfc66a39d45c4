package mockserver

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultRegion is the one region of a server whose Options.Regions is empty.
const DefaultRegion = "MOCK"

// region is one region of the server: a set of the per-area stores, as a regional
// deployment of Glance and Swift has its own database and object store. Identity is not
// regional (shared.identity). With several regions, a region's API is served under the
// path prefix "/<name>" (http_regions.go); with one, without a prefix.
type region struct {
	name   string
	prefix string  // "" with one region, "/<name>" with several
	router *router // the API routes, their handlers bound to this region's view

	images  *imageStore  // images_store.go: images (image data keeps its bookkeeping on them)
	members *memberStore // members_store.go: members, by image
	tasks   *taskStore   // tasks_store.go: tasks
	objects *objectStore // objectstore_store.go: containers and objects, by tenant
}

// addRegions makes the regions (nil or empty: DefaultRegion alone) with their views,
// and returns the first one's.
func (sh *shared) addRegions(names []string) *Server {
	if len(names) == 0 {
		names = []string{DefaultRegion}
	}
	for _, name := range names {
		rg := &region{
			name:   name,
			images: newImageStore(), members: newMemberStore(), tasks: newTaskStore(),
			objects: newObjectStore(sh.now()),
		}
		if len(names) > 1 {
			rg.prefix = "/" + name
		}
		sh.regions = append(sh.regions, rg)
		sh.views = append(sh.views, &Server{shared: sh, region: rg})
	}
	return sh.views[0]
}

// InRegion is the server as seen from the named region: the same methods, acting on that
// region's images, members, tasks and object store, with its URLs (ImageURL,
// ObjectStoreURL). What is not regional (tokens, faults, counters, delay, Close) is the
// same server's. It panics on a region the server does not have, as a test's typo should
// fail loudly; Regions lists them.
func (s *Server) InRegion(name string) *Server {
	if v := s.view(name); v != nil {
		return v
	}
	panic(fmt.Sprintf("mockserver: no region %q (the server has %s)", name, strings.Join(s.Regions(), ", ")))
}

// view is the named region's view, or nil.
func (s *Server) view(name string) *Server {
	for i, rg := range s.regions {
		if rg.name == name {
			return s.views[i]
		}
	}
	return nil
}

// Region is the name of the region this view addresses.
func (s *Server) Region() string { return s.name }

// Regions are the server's regions, the first (Start's view) first.
func (s *Server) Regions() []string {
	out := make([]string, len(s.regions))
	for i, rg := range s.regions {
		out[i] = rg.name
	}
	return out
}

// reservedRegions would make a region's prefix look like a path of the server.
var reservedRegions = []string{"identity", "image", "object", "internal", "admin"}

// CheckRegions says what is wrong with a list of region names, as Options.Regions and
// MOCK_REGIONS take it: each non-empty, of letters, digits and '-', none twice, none a
// top-level path of the server (identity, image, object, internal, admin). An empty list
// is fine (DefaultRegion).
func CheckRegions(names []string) error {
	for i, name := range names {
		switch {
		case name == "":
			return fmt.Errorf("region %d is empty", i+1)
		case strings.IndexFunc(name, func(r rune) bool { return !isRegionRune(r) }) >= 0:
			return fmt.Errorf("region %q: only letters, digits and '-' are allowed", name)
		case slices.Contains(reservedRegions, name):
			return fmt.Errorf("region %q is a path of the server (%s are reserved)", name, strings.Join(reservedRegions, ", "))
		case slices.Contains(names[:i], name):
			return fmt.Errorf("region %q is listed twice", name)
		}
	}
	return nil
}

func isRegionRune(r rune) bool {
	return r == '-' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z')
}
