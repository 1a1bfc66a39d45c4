package client

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestParseImageSort_valid(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]SortKey{
		"name:asc":                       {{Key: "name"}},
		"name":                           {{Key: "name", Desc: true}}, // Glance's default direction
		"size:desc,name:asc":             {{Key: "size", Desc: true}, {Key: "name"}},
		" disk_format : asc , id":        {{Key: "disk_format"}, {Key: "id", Desc: true}},
		"created_at:desc,updated_at:asc": {{Key: "created_at", Desc: true}, {Key: "updated_at"}},
	} {
		got, err := ParseImageSort(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseImageSort(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestParseImageSort_invalid(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                  "empty",
		"  ":                "empty",
		"name:asc,":         "sort key 2 of",
		"colour:asc":        `"colour" is not a sort key`,
		"visibility":        `"visibility" is not a sort key`,
		"name:up":           `the direction of "name" is "up"`,
		"name:ASC":          `is "ASC", not asc or desc`,
		"name:asc,name":     `"name" appears twice`,
		"name:asc:desc":     `not asc or desc`,
		"name:asc;size:asc": "not asc or desc",
	} {
		_, err := ParseImageSort(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseImageSort(%q): error %v, want one containing %q", in, err, want)
		}
	}
}

func TestListImagesInput_queryNewFilters(t *testing.T) {
	t.Parallel()
	q := ListImagesInput{
		DiskFormat: "qcow2", ContainerFormat: "bare", Hidden: true,
		Sort:    []SortKey{{Key: "name"}, {Key: "size", Desc: true}},
		SortKey: "ignored", SortDir: "ignored",
	}.query()
	want := url.Values{
		"disk_format": {"qcow2"}, "container_format": {"bare"}, "os_hidden": {"true"},
		"sort_key": {"name", "size"}, "sort_dir": {"asc", "desc"},
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("query %v, want %v", q, want)
	}
	// Hidden false sends nothing: an older server would take os_hidden=false
	// for a property filter.
	if q := (ListImagesInput{Hidden: false}).query(); q.Has("os_hidden") {
		t.Errorf("query %v sends os_hidden for Hidden false", q)
	}
}
