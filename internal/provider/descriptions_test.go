package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cloudimages/terraform-provider-cloudimages/internal/provider"
)

// Every attribute and block of the provider, its resources and data sources
// has a description: the registry docs are generated from them, and an
// undescribed attribute is a blank line there.
func TestSchemas_everyAttributeDescribed(t *testing.T) {
	t.Parallel()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("schema diagnostic: %s: %s", d.Summary, d.Detail)
	}
	if len(resp.ResourceSchemas) == 0 || len(resp.DataSourceSchemas) == 0 {
		t.Fatalf("%d resources and %d data sources: want some of each", len(resp.ResourceSchemas), len(resp.DataSourceSchemas))
	}
	schemas := map[string]*tfprotov6.Schema{"provider": resp.Provider}
	for name, s := range resp.ResourceSchemas {
		schemas["resource "+name] = s
	}
	for name, s := range resp.DataSourceSchemas {
		schemas["data source "+name] = s
	}
	for owner, s := range schemas {
		if owner != "provider" && s.Block.Description == "" {
			t.Errorf("%s: no description", owner)
		}
		checkBlock(t, owner, s.Block)
	}
}

func checkBlock(t *testing.T, path string, b *tfprotov6.SchemaBlock) {
	t.Helper()
	for _, a := range b.Attributes {
		checkAttribute(t, path+"."+a.Name, a)
	}
	for _, nb := range b.BlockTypes {
		// terraform-plugin-framework-timeouts gives its block no description
		// (only its attributes, checked below), nor a way to set one.
		if nb.Block.Description == "" && nb.TypeName != "timeouts" {
			t.Errorf("%s.%s: block without a description", path, nb.TypeName)
		}
		checkBlock(t, path+"."+nb.TypeName, nb.Block)
	}
}

func checkAttribute(t *testing.T, path string, a *tfprotov6.SchemaAttribute) {
	t.Helper()
	if a.Description == "" {
		t.Errorf("%s: attribute without a description", path)
	}
	if a.NestedType != nil {
		for _, n := range a.NestedType.Attributes {
			checkAttribute(t, path+"."+n.Name, n)
		}
	}
}
