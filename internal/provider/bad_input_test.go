package provider_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/acctest"
	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// Every invalid argument is refused at validate or plan time, with a
// diagnostic on the argument (Terraform prints the argument's line with it),
// and no image call is made: nothing is half-created.
func TestAccBadInput_refusedBeforeAnyImageCall(t *testing.T) {
	t.Parallel()
	acctest.SkipIfLive(t)
	srv := acctest.Mock(t, mockserver.Options{})
	dir := t.TempDir()
	long := strings.Repeat("x", 256)
	const uuid = "6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77"
	provider := acctest.ProviderConfig(srv, acctest.Producer)

	type tc struct {
		config string
		want   []string
	}
	res := func(typ, body string) string {
		return provider + fmt.Sprintf("resource %q \"x\" {\n%s\n}\n", typ, body)
	}
	data := func(typ, body string) string { return provider + fmt.Sprintf("data %q \"x\" {\n%s\n}\n", typ, body) }
	cases := map[string]tc{
		// The provider block.
		"provider auth_url":    {`provider "cloudimages" { auth_url = "identity.example.com" }` + "\n" + `data "cloudimages_images" "x" {}`, []string{"Invalid URL", "auth_url"}},
		"provider endpoint":    {`provider "cloudimages" { endpoint = "ftp://images" }` + "\n" + `data "cloudimages_images" "x" {}`, []string{"Invalid URL", "endpoint"}},
		"provider credentials": {`provider "cloudimages" {` + "\n" + `api_key = "a"` + "\n" + `password = "b"` + "\n}\n" + `data "cloudimages_images" "x" {}`, []string{"Invalid Attribute Combination", "cannot be configured together", "[password,api_key]"}},
		"provider max_retries": {`provider "cloudimages" { max_retries = 99 }` + "\n" + `data "cloudimages_images" "x" {}`, []string{"max_retries", "between 0 and 50"}},
		// cloudimages_image.
		"image disk_format":      {res("cloudimages_image", `name = "x"`+"\n"+`disk_format = "floppy"`), []string{"disk_format", "value must be one of"}},
		"image container_format": {res("cloudimages_image", `name = "x"`+"\n"+`container_format = "box"`), []string{"container_format", "value must be one of"}},
		"image visibility":       {res("cloudimages_image", `name = "x"`+"\n"+`visibility = "everyone"`), []string{"visibility", "value must be one of"}},
		"image min_disk":         {res("cloudimages_image", `name = "x"`+"\n"+`min_disk = -1`), []string{"min_disk", "at least 0"}},
		"image min_ram":          {res("cloudimages_image", `name = "x"`+"\n"+`min_ram = -5`), []string{"min_ram", "at least 0"}},
		"image name":             {res("cloudimages_image", fmt.Sprintf("name = %q", long)), []string{"name", "between 1 and 255"}},
		"image tag":              {res("cloudimages_image", fmt.Sprintf("name = \"x\"\ntags = [%q]", long)), []string{"tags", "between 1 and 255"}},
		"image missing file": {res("cloudimages_image", fmt.Sprintf("name = \"x\"\nfile = %q\ndisk_format = \"raw\"\ncontainer_format = \"bare\"", dir+"/nope.raw")),
			[]string{"Cannot read the image file", "no such file"}},
		"image directory file": {res("cloudimages_image", fmt.Sprintf("name = \"x\"\nfile = %q\ndisk_format = \"raw\"\ncontainer_format = \"bare\"", dir)),
			[]string{"Cannot read the image file", "is a directory"}},
		"image file and import_from": {res("cloudimages_image", fmt.Sprintf("name = \"x\"\nfile = %q\nimport_from = \"c/o\"", dir)), []string{"Invalid Attribute Combination"}},
		"image os_glance property":   {res("cloudimages_image", `name = "x"`+"\n"+`properties = { os_glance_x = "1" }`), []string{"properties", "reserved"}},
		"image com.rackspace property": {res("cloudimages_image", `name = "x"`+"\n"+`properties = { "com.rackspace__1__x" = "1" }`),
			[]string{"properties", "set by Rackspace"}},
		"image base attribute property": {res("cloudimages_image", `name = "x"`+"\n"+`properties = { checksum = "1" }`), []string{"properties", "attribute of the image"}},
		"image import_from":             {res("cloudimages_image", `name = "x"`+"\n"+`import_from = "nocontainer"`), []string{"Invalid object path", "import_from"}},
		// Sharing.
		"member image_id":  {res("cloudimages_image_member", `image_id = "abc"`+"\n"+`member_id = "100002"`), []string{"Invalid UUID", "image_id"}},
		"member member_id": {res("cloudimages_image_member", fmt.Sprintf("image_id = %q\nmember_id = \"\"", uuid)), []string{"member_id", "between 1 and 255"}},
		"status status":    {res("cloudimages_image_member_status", fmt.Sprintf("image_id = %q\nstatus = \"maybe\"", uuid)), []string{"status", "value must be one of"}},
		"status image_id":  {res("cloudimages_image_member_status", `image_id = "abc"`+"\n"+`status = "accepted"`), []string{"Invalid UUID", "image_id"}},
		"members image_id": {data("cloudimages_image_members", `image_id = "abc"`), []string{"Invalid UUID", "image_id"}},
		// Tasks.
		"import image_name":  {res("cloudimages_image_import_task", `image_name = ""`+"\n"+`import_from = "c/o"`), []string{"image_name", "between 1 and 255"}},
		"import import_from": {res("cloudimages_image_import_task", `image_name = "x"`+"\n"+`import_from = "c"`), []string{"Invalid object path", "import_from"}},
		"export image_id":    {res("cloudimages_image_export_task", `image_id = "abc"`+"\n"+`receiving_swift_container = "exports"`), []string{"Invalid UUID", "image_id"}},
		"export container": {res("cloudimages_image_export_task", fmt.Sprintf("image_id = %q\nreceiving_swift_container = \"a?b\"", uuid)),
			[]string{"Invalid container name", "receiving_swift_container"}},
		"task id": {data("cloudimages_task", `id = "abc"`), []string{"Invalid UUID", "id"}},
		// Image data sources.
		"image data id":            {data("cloudimages_image", `id = "abc"`), []string{"Invalid UUID", "id"}},
		"image data conflict":      {data("cloudimages_image", fmt.Sprintf("id = %q\nname = \"x\"", uuid)), []string{"Invalid Attribute Combination"}},
		"image data visibility":    {data("cloudimages_image", `visibility = "nobody"`), []string{"visibility", "value must be one of"}},
		"image data status":        {data("cloudimages_image", `status = "broken"`), []string{"status", "value must be one of"}},
		"image data member_status": {data("cloudimages_image", `member_status = "maybe"`), []string{"member_status", "value must be one of"}},
		"images data size_min":     {data("cloudimages_images", `size_min = -1`), []string{"size_min", "at least 0"}},
		"images data size_max":     {data("cloudimages_images", `size_max = -1`), []string{"size_max", "at least 0"}},
		"images data name_regex":   {data("cloudimages_images", `name_regex = ""`), []string{"name_regex", "at least 1"}},
	}
	names := make([]string, 0, len(cases))
	for name := range cases {
		names = append(names, name)
	}
	sort.Strings(names)
	var steps []resource.TestStep
	for _, name := range names {
		c := cases[name]
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: acctest.ErrorLike(c.want...)})
	}
	acctest.Test(t, resource.TestCase{Steps: steps})

	for route, n := range srv.RequestCounts() {
		if strings.Contains(route, "/image/v2/") && n > 0 {
			t.Errorf("an invalid configuration reached the API: %s called %d times", route, n)
		}
	}
	t.Logf("%d invalid configurations refused before any image call", len(cases))
}
