package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/function"
)

var _ function.Function = checksumFromSums{}

// NewChecksumFromSums is the constructor of checksum_from_sums.
func NewChecksumFromSums() function.Function { return checksumFromSums{} }

type checksumFromSums struct{}

func (checksumFromSums) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "checksum_from_sums"
}

func (checksumFromSums) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The expected_hash of a file, read from a published checksum file",
		MarkdownDescription: "Reads the digest of `file_name` from the text of a checksum file as distributions publish " +
			"them (`SHA256SUMS`, `SHA512SUMS`, `MD5SUMS` from `sha256sum` and friends, and BSD-style or Fedora " +
			"`CHECKSUM` files, clearsigned or not) and returns it in the form `expected_hash` takes, such as " +
			"`sha256:9f86…`. The name matches an entry exactly or by its last path element; when the file lists " +
			"several algorithms for it, the strongest wins. Fails, naming what the file lists, when it has no entry " +
			"for the name or two that disagree.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "text", MarkdownDescription: "The checksum file's content, e.g. from the `http` data source or `file()`."},
			function.StringParameter{Name: "file_name", MarkdownDescription: "The name of the file whose digest to return, e.g. `debian-13-generic-amd64.qcow2`."},
		},
		Return: function.StringReturn{},
	}
}

func (checksumFromSums) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text, fileName string
	resp.Error = function.ConcatFuncErrors(req.Arguments.Get(ctx, &text, &fileName))
	if resp.Error != nil {
		return
	}
	sum, err := checksumFor(text, fileName)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(int64(err.arg), err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, sum)
}
