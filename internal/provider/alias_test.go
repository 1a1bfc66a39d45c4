package provider_test

import (
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// eachAliasItsOwnTenant is a step with two provider configurations: the
// default one, empty, takes everything from the exported environment; the
// consumer alias has consumerArgs in its block. Each must list only its own
// tenant's image: mine for the default, theirs for the consumer, so that
// nothing of the environment bled into the alias.
func eachAliasItsOwnTenant(consumerArgs, mine, theirs string) resource.TestStep {
	return resource.TestStep{
		Config: `
terraform {
  required_providers {
    cloudimages = { source = "hashicorp/cloudimages" }
    consumer    = { source = "hashicorp/consumer" }
  }
}
provider "cloudimages" {}
provider "consumer" {
` + consumerArgs + `
}
data "cloudimages_images" "all" {}
data "cloudimages_images" "consumer" {
  provider = consumer
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("data.cloudimages_images.all", tfjsonpath.New("ids"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(mine)})),
			statecheck.ExpectKnownValue("data.cloudimages_images.consumer", tfjsonpath.New("ids"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(theirs)})),
		},
	}
}
