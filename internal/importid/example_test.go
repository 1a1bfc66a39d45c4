package importid_test

import (
	"fmt"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/importid"
)

func ExampleParse() {
	parts, err := importid.Parse("6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77/100002", []string{"image_id", "member_id"}, "image_id")
	if err != nil {
		fmt.Println(err)
		return
	}
	imageID, memberID := parts[0], parts[1]
	fmt.Println(imageID, memberID)

	_, err = importid.Parse("not-a-uuid/100002", []string{"image_id", "member_id"}, "image_id")
	fmt.Println(err)
	// Output:
	// 6f2ee3a1-8d1b-4a3c-9b1e-2f0e6c1d5a77 100002
	// expected an import id of the form image_id/member_id, got "not-a-uuid/100002": image_id must be a UUID
}
