package hub

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// Fingerprint returns the SHA-256 fingerprint of a DER certificate, in lower-case hex.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// FileFingerprint returns the fingerprint of the first certificate of a PEM file.
func FileFingerprint(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read hub certificate: %w", err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return "", fmt.Errorf("read hub certificate %s: no PEM certificate", path)
	}
	if _, err := x509.ParseCertificate(block.Bytes); err != nil {
		return "", fmt.Errorf("read hub certificate %s: %w", path, err)
	}
	return Fingerprint(block.Bytes), nil
}

// Pin makes the client trust only the hub certificate with the SHA-256 fingerprint (hex; colons
// and case do not matter): the hub's self-signed certificate needs no certificate authority, and
// no other certificate passes, whatever signed it.
func (c *Client) Pin(fingerprint string) error {
	want := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(fingerprint), ":", ""))
	if len(want) != 64 {
		return errors.New("hub certificate fingerprint must be 64 hex digits (SHA-256)")
	}
	conf := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // replaced by the pin below: only this certificate is trusted
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || Fingerprint(raw[0]) != want {
				return errors.New("the hub's certificate is not the pinned one")
			}
			return nil
		},
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = conf
	c.http = &http.Client{Timeout: 10 * time.Second, Transport: tr}
	c.long = &http.Client{Transport: tr}
	return nil
}
