package main

import (
	"fmt"
	"io"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/mockserver"
)

// sampleSize is the data size of the seeded sample VHD: big enough to look like a disk,
// small enough to start at once.
const sampleSize = 1 << 20

// seed gives the producer something to import and somewhere to export to in every
// region, and describes it for the banner.
func seed(srv *mockserver.Server) (string, error) {
	var seeded string
	for _, name := range srv.Regions() {
		var err error
		if seeded, err = seedRegion(srv.InRegion(name)); err != nil {
			return "", fmt.Errorf("region %s: %w", name, err)
		}
	}
	if n := len(srv.Regions()); n > 1 {
		seeded += fmt.Sprintf(", in each of the %d regions", n)
	}
	return seeded, nil
}

func seedRegion(srv *mockserver.Server) (string, error) {
	tenant := mockserver.DefaultAccounts()[0].TenantID
	for _, c := range []string{"images", "exports"} {
		if err := srv.CreateContainer(tenant, c); err != nil {
			return "", err
		}
	}
	pr, pw := io.Pipe()
	go func() { _ = pw.CloseWithError(mockserver.WriteFixedVHD(pw, sampleSize)) }()
	err := srv.PutObject(tenant, "images", "sample.vhd", pr)
	_ = pr.Close() // ends the writer should PutObject have stopped reading early
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("images/sample.vhd (fixed VHD, %d MiB of data) and an empty container exports", sampleSize>>20), nil
}
