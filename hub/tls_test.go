package hub_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fengqiao/hub"
)

// selfSigned makes a certificate for 127.0.0.1 as the install guide's openssl commands do.
func selfSigned(t *testing.T) (tls.Certificate, []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fengqiao hub"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, der
}

func TestPinnedClient(t *testing.T) {
	api, _ := newAPI(t)
	srv := httptest.NewUnstartedServer(api)
	cert, der := selfSigned(t)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	defer srv.Close()
	ctx := context.Background()

	pemPath := filepath.Join(t.TempDir(), "hub.crt")
	os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	fromFile, err := hub.FileFingerprint(pemPath)
	if err != nil || fromFile != hub.Fingerprint(der) {
		t.Fatalf("file fingerprint %q, %v", fromFile, err)
	}

	pinned := hub.NewClient(srv.URL, kiosk)
	if err := pinned.Pin(fromFile); err != nil {
		t.Fatal(err)
	}
	if _, err := pinned.Info(ctx); err != nil {
		t.Fatalf("pinned client: %v", err)
	}

	unpinned := hub.NewClient(srv.URL, kiosk)
	unpinned.Retries = 0
	if _, err := unpinned.Info(ctx); !errors.Is(err, hub.ErrUnreachable) {
		t.Errorf("unpinned client reached a self-signed hub: %v", err)
	}
	_, otherDER := selfSigned(t)
	wrong := hub.NewClient(srv.URL, kiosk)
	wrong.Retries = 0
	if err := wrong.Pin(hub.Fingerprint(otherDER)); err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.Info(ctx); !errors.Is(err, hub.ErrUnreachable) {
		t.Errorf("client with a wrong pin reached the hub: %v", err)
	}
	if err := wrong.Pin("abc"); err == nil {
		t.Error("a short fingerprint was accepted")
	}
}
