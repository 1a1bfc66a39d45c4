package provider

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gophercloud/utils/v2/openstack/clientconfig"
	"gopkg.in/yaml.v3"
)

// cloudEntry is one clouds.yaml entry, merged with secure.yaml by
// gophercloud/utils (the library the OpenStack provider uses), plus what that
// library does not read: a Rackspace entry's auth.api_key, and where each
// file was found.
type cloudEntry struct {
	*clientconfig.Cloud
	Name        string
	APIKey      string
	CloudsPath  string
	SecurePath  string
	secureEntry *clientconfig.Cloud // the entry in secure.yaml alone, to tell where a value came from
	secureKey   string
}

// yamlFiles finds clouds.yaml and secure.yaml on the usual search path:
// OS_CLIENT_CONFIG_FILE (OS_CLIENT_SECURE_FILE for secure.yaml), then ./,
// ~/.config/openstack/, /etc/openstack/.
type yamlFiles struct {
	getenv                 func(string) string
	cloudsPath, securePath string
	cloudsRaw, secureRaw   []byte
}

func (y *yamlFiles) find(envVar, name string) (string, []byte, error) {
	if p := y.getenv(envVar); p != "" {
		b, err := os.ReadFile(p)
		return p, b, err
	}
	p, b, err := clientconfig.FindAndReadYAML(name + ".yaml")
	if p == "" {
		p, b, err = clientconfig.FindAndReadYAML(name + ".yml")
	}
	return p, b, err
}

func parseClouds(raw []byte) (map[string]clientconfig.Cloud, error) {
	var c clientconfig.Clouds
	if err := yaml.Unmarshal(raw, &c); err != nil {
		return nil, err
	}
	return c.Clouds, nil
}

func (y *yamlFiles) LoadCloudsYAML() (map[string]clientconfig.Cloud, error) {
	p, b, err := y.find("OS_CLIENT_CONFIG_FILE", "clouds")
	if err != nil {
		return nil, err
	}
	y.cloudsPath, y.cloudsRaw = abs(p), b
	return parseClouds(b)
}

func (y *yamlFiles) LoadSecureCloudsYAML() (map[string]clientconfig.Cloud, error) {
	p, b, err := y.find("OS_CLIENT_SECURE_FILE", "secure")
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil // secure.yaml is optional
	}
	if err != nil {
		return nil, err
	}
	y.securePath, y.secureRaw = abs(p), b
	return parseClouds(b)
}

func (y *yamlFiles) LoadPublicCloudsYAML() (map[string]clientconfig.Cloud, error) {
	return nil, nil // profiles of public clouds are not supported
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// apiKeys reads auth.api_key of each entry (Rackspace), which clientconfig
// does not know.
func apiKeys(raw []byte) map[string]string {
	var doc struct {
		Clouds map[string]struct {
			Auth struct {
				APIKey string `yaml:"api_key"`
			} `yaml:"auth"`
		} `yaml:"clouds"`
	}
	out := map[string]string{}
	if yaml.Unmarshal(raw, &doc) == nil {
		for name, c := range doc.Clouds {
			out[name] = c.Auth.APIKey
		}
	}
	return out
}

// loadCloud reads the named entry.
func loadCloud(name, region string, getenv func(string) string) (*cloudEntry, error) {
	files := &yamlFiles{getenv: getenv}
	cloud, err := clientconfig.GetCloudFromYAML(&clientconfig.ClientOpts{Cloud: name, RegionName: region, YAMLOpts: files})
	if err != nil {
		where := files.cloudsPath
		if where == "" {
			where = "no clouds.yaml found (OS_CLIENT_CONFIG_FILE, ./, ~/.config/openstack/, /etc/openstack/)"
		}
		return nil, fmt.Errorf("cloud %q: %v (%s)", name, err, where)
	}
	e := &cloudEntry{Cloud: cloud, Name: name, CloudsPath: files.cloudsPath, SecurePath: files.securePath}
	e.APIKey = apiKeys(files.cloudsRaw)[name]
	if files.secureRaw != nil {
		if secure, err := parseClouds(files.secureRaw); err == nil {
			if s, ok := secure[name]; ok {
				e.secureEntry = &s
			}
		}
		if k := apiKeys(files.secureRaw)[name]; k != "" {
			e.APIKey, e.secureKey = k, k
		}
	}
	return e, nil
}

// origin is where a value of the entry was read.
func (e *cloudEntry) origin(a argument) string {
	if e.secureEntry != nil && a.fromCloud != nil {
		if a.fromCloud(&cloudEntry{Cloud: e.secureEntry, APIKey: e.secureKey}) != "" {
			return fmt.Sprintf("cloud %q in %s", e.Name, e.SecurePath)
		}
	}
	return fmt.Sprintf("cloud %q in %s", e.Name, e.CloudsPath)
}
