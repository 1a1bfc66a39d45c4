package client

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sort"
	"strings"
)

// pemOrFile is a PEM value given inline (as the OpenStack provider accepts
// it) or the path of a file that holds it.
func pemOrFile(attr, v string) ([]byte, error) {
	if strings.Contains(v, "-----BEGIN ") {
		return []byte(v), nil
	}
	b, err := os.ReadFile(v)
	if err != nil {
		return nil, &ConfigError{Attributes: []string{attr}, Summary: "Cannot read PEM file", Detail: err.Error()}
	}
	return b, nil
}

// describePEM names a value in messages without printing a PEM (a key is a
// secret).
func describePEM(v string) string {
	if strings.Contains(v, "-----BEGIN ") {
		return "the PEM given inline"
	}
	return v
}

// tlsConfig builds the TLS settings: verification on unless Insecure, the
// system roots plus CACert when given, and a client certificate.
func (c Config) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.Insecure {
		cfg.InsecureSkipVerify = true //nolint:gosec // the user asked for it (insecure = true)
	}
	if c.CACert != "" {
		pem, err := pemOrFile(AttrCACertFile, c.CACert)
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, &ConfigError{
				Attributes: []string{AttrCACertFile},
				Summary:    "Invalid CA certificate",
				Detail:     fmt.Sprintf("%s holds no PEM-encoded certificate.", describePEM(c.CACert)),
			}
		}
		cfg.RootCAs = pool
	}
	if c.ClientCert != "" {
		certPEM, err := pemOrFile(AttrCert, c.ClientCert)
		if err != nil {
			return nil, err
		}
		keyPEM, err := pemOrFile(AttrKey, c.ClientKey)
		if err != nil {
			return nil, err
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, &ConfigError{
				Attributes: []string{AttrCert, AttrKey},
				Summary:    "Invalid client certificate",
				Detail:     fmt.Sprintf("the certificate (%s) and key (%s) are not a PEM certificate and its private key: %v.", describePEM(c.ClientCert), describePEM(c.ClientKey), err),
			}
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

func sortedStrings(ss []string) []string {
	sort.Strings(ss)
	return ss
}
