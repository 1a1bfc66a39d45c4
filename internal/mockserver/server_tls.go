package mockserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// listenTLS wraps ln in TLS with a certificate from a CA made for this server alone, and
// writes the CA's PEM where clients can find it (CAFile).
func (s *Server) listenTLS(ln net.Listener) (net.Listener, error) {
	ca, caKey, caDER, err := newCA()
	if err != nil {
		return nil, fmt.Errorf("mockserver: TLS: %w", err)
	}
	leaf, err := newLeaf(ca, caKey, ln.Addr())
	if err != nil {
		return nil, fmt.Errorf("mockserver: TLS: %w", err)
	}
	path := s.opts.CAFile
	if path == "" {
		path = filepath.Join(s.dataDir, "ca.pem")
	}
	if path, err = filepath.Abs(path); err != nil {
		return nil, fmt.Errorf("mockserver: CA file: %w", err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		return nil, fmt.Errorf("mockserver: CA file: %w", err)
	}
	s.caFile, s.ca, s.caKey = path, ca, caKey
	cfg := &tls.Config{
		Certificates: []tls.Certificate{leaf},
		MinVersion:   tls.VersionTLS12,
		// HTTP/1.1 only: faults cut and truncate answers by hijacking the connection,
		// which HTTP/2 does not allow.
		NextProtos: []string{"http/1.1"},
	}
	if s.opts.ClientCerts {
		pool := x509.NewCertPool()
		pool.AddCert(ca)
		cfg.ClientAuth, cfg.ClientCAs = tls.RequireAndVerifyClientCert, pool
	}
	return tls.NewListener(ln, cfg), nil
}

// IssueClientCertificate makes a client certificate for commonName signed by
// the server's CA, as PEM: what a client presents to a server started with
// Options.ClientCerts. It fails without Options.TLS.
func (s *Server) IssueClientCertificate(commonName string) (certPEM, keyPEM []byte, err error) {
	if s.ca == nil {
		return nil, nil, fmt.Errorf("mockserver: client certificates need Options.TLS")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: commonName, Organization: []string{"cloudimages mock"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.ca, &key.PublicKey, s.caKey)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// Certificates are made with the real clock: clients check them against theirs, whatever
// Options.Now says. They start an hour early to forgive skew.
const certLifetime = 365 * 24 * time.Hour

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// newCA makes a self-signed CA that signs the server's certificate (and, with
// Options.ClientCerts, clients').
func newCA() (*x509.Certificate, *ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "Cloud Images mock CA", Organization: []string{"cloudimages mock"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certLifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	ca, err := x509.ParseCertificate(der)
	return ca, key, der, err
}

// newLeaf makes the server's certificate for the loopback names, plus the listening IP
// when it is a specific other one.
func newLeaf(ca *x509.Certificate, caKey *ecdsa.PrivateKey, addr net.Addr) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := serialNumber()
	if err != nil {
		return tls.Certificate{}, err
	}
	ips := []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	if tcp, ok := addr.(*net.TCPAddr); ok && !tcp.IP.IsUnspecified() && !tcp.IP.IsLoopback() {
		ips = append(ips, tcp.IP)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"cloudimages mock"}},
		DNSNames:     []string{"localhost"},
		IPAddresses:  ips,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
