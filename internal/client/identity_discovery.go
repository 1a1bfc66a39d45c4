package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// IdentityURL is what the client found about the identity URL it was given.
type IdentityURL struct {
	// Given is the URL as configured.
	Given string
	// Used is the versioned endpoint the client authenticated with.
	Used string
	// Version is "v2.0" or "v3".
	Version string
	// TrimmedTokens is set when Given named the token resource itself
	// (…/v2.0/tokens, …/v3/auth/tokens, as curl examples do): Used is its
	// version's endpoint.
	TrimmedTokens bool
	// Discovered is set when Given named no version and the client read the
	// versions document; Offered lists what it offered.
	Discovered bool
	Offered    []string
}

// trimTokens turns a token resource URL into its version's endpoint.
func trimTokens(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		return raw, false
	}
	p := strings.TrimRight(u.Path, "/")
	for _, suffix := range []string{"/auth/tokens", "/tokens"} {
		if strings.HasSuffix(p, suffix) {
			base := strings.TrimSuffix(p, suffix)
			if v := identityVersionOf(base); (suffix == "/tokens" && v == identityV2) || (suffix == "/auth/tokens" && v == identityV3) {
				u.Path = base + "/"
				u.RawPath = ""
				return u.String(), true
			}
		}
	}
	return raw, false
}

// offeredVersion is one entry of an identity versions document.
type offeredVersion struct {
	version identityVersion
	id      string
	href    string
}

// discoverIdentity reads the versions document of an unversioned identity URL
// (Keystone's GET / answers 300 with versions.values; others list versions).
func discoverIdentity(ctx context.Context, hc *http.Client, authURL string) ([]offeredVersion, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusMultipleChoices {
		return nil, fmt.Errorf("GET %s answered %s", authURL, resp.Status)
	}
	type entry struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Links  []struct {
			Rel  string `json:"rel"`
			Href string `json:"href"`
		} `json:"links"`
	}
	var doc struct {
		Versions json.RawMessage `json:"versions"`
		Version  *entry          `json:"version"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("GET %s: not a versions document: %v", authURL, err)
	}
	var entries []entry
	var keystone struct {
		Values []entry `json:"values"`
	}
	switch {
	case doc.Version != nil:
		entries = []entry{*doc.Version}
	case json.Unmarshal(doc.Versions, &keystone) == nil && keystone.Values != nil:
		entries = keystone.Values
	case json.Unmarshal(doc.Versions, &entries) == nil:
	default:
		return nil, fmt.Errorf("GET %s: not a versions document", authURL)
	}
	var out []offeredVersion
	for _, e := range entries {
		v := identityVersionOf("/" + e.ID)
		if v == identityUnknown {
			continue
		}
		o := offeredVersion{version: v, id: e.ID}
		for _, l := range e.Links {
			if l.Rel == "self" {
				o.href = l.Href
			}
		}
		if o.href == "" {
			o.href = strings.TrimRight(authURL, "/") + "/" + map[identityVersion]string{identityV2: "v2.0", identityV3: "v3"}[v] + "/"
		}
		if !strings.HasSuffix(o.href, "/") {
			o.href += "/"
		}
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version > out[j].version })
	return out, nil
}

// chooseIdentity picks the version a method needs among those offered: the
// one it needs, else v3 (the newer), else v2.0.
func chooseIdentity(offered []offeredVersion, need identityVersion) (offeredVersion, bool) {
	for _, o := range offered {
		if need == identityUnknown || o.version == need {
			return o, true
		}
	}
	return offeredVersion{}, false
}

func versionIDs(offered []offeredVersion) []string {
	var out []string
	for _, o := range offered {
		out = append(out, o.version.String())
	}
	return out
}

// resolveIdentity finds the versioned identity endpoint to authenticate with.
func resolveIdentity(ctx context.Context, hc *http.Client, cfg Config, m authMethod) (IdentityURL, identityVersion, error) {
	info := IdentityURL{Given: cfg.AuthURL}
	used, trimmed := trimTokens(cfg.AuthURL)
	info.TrimmedTokens = trimmed
	u, _ := url.Parse(used) // validated
	need, needAttrs := cfg.needs(m)
	ver := identityVersionOf(u.Path)
	if ver == identityUnknown {
		offered, err := discoverIdentity(ctx, hc, used)
		if e := handshakeRefused(cfg, used, err); e != nil {
			return info, ver, e
		}
		var netErr *url.Error
		if errors.As(err, &netErr) && isTLSError(netErr.Err) {
			return info, ver, &ConfigError{
				Attributes: []string{AttrAuthURL, AttrCACertFile, AttrInsecure, AttrCert},
				Summary:    "TLS verification failed",
				Detail:     fmt.Sprintf("%s: %v.", used, netErr.Err),
			}
		}
		if err != nil {
			return info, ver, &ConfigError{
				Attributes: []string{AttrAuthURL},
				Summary:    "Cannot find the identity API version",
				Detail:     fmt.Sprintf("%s does not end in /v2.0 or /v3, and reading its versions document failed: %v.", cfg.AuthURL, err),
			}
		}
		info.Discovered, info.Offered = true, versionIDs(offered)
		o, ok := chooseIdentity(offered, need)
		if !ok {
			detail := fmt.Sprintf("the identity service at %s offers %s", cfg.AuthURL, strings.Join(info.Offered, " and "))
			if len(offered) == 0 {
				detail = fmt.Sprintf("the identity service at %s offers no version this client speaks (v2.0, v3)", cfg.AuthURL)
			}
			return info, ver, &ConfigError{
				Attributes: append(needAttrs, AttrAuthURL),
				Summary:    "Identity " + need.String() + " not offered",
				Detail:     detail + "; " + strings.Join(needAttrs, ", ") + " needs identity " + need.String() + ".",
			}
		}
		used, ver = o.href, o.version
	}
	info.Used, info.Version = used, ver.String()
	if need != identityUnknown && need != ver {
		return info, ver, &ConfigError{
			Attributes: append(needAttrs, AttrAuthURL),
			Summary:    "Identity " + need.String() + " needed",
			Detail: fmt.Sprintf("%s needs identity %s, but the identity URL %s is a %s endpoint.",
				strings.Join(needAttrs, ", "), need, cfg.AuthURL, ver),
		}
	}
	return info, ver, nil
}
