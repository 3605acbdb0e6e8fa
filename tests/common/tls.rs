//! Throwaway certificates for HTTPS tests: a self-signed CA and a leaf for
//! `127.0.0.1` (IP SAN) and `localhost` (DNS SAN) with a chosen validity, made with
//! rcgen; plus rustls server and client configurations (ring provider).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{ClientConfig, RootCertStore, ServerConfig};

use super::TempDir;

/// A CA and a server certificate signed by it.
pub struct TestCert {
    ca_pem: String,
    ca_der: Vec<u8>,
    leaf_pem: String,
    leaf_der: Vec<u8>,
    key_pem: String,
    key_der: Vec<u8>,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    files: OnceLock<(TempDir, PathBuf)>,
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("nanosecond 0 is valid")
}

fn provider() -> Arc<tokio_rustls::rustls::crypto::CryptoProvider> {
    Arc::new(tokio_rustls::rustls::crypto::ring::default_provider())
}

impl TestCert {
    /// A leaf valid from a day ago until `valid_for_days` days from now (0 or less
    /// gives a leaf that has already expired). The CA itself is valid for years.
    pub fn new(valid_for_days: i64) -> TestCert {
        let not_after = now() + Duration::days(valid_for_days);
        let not_before = (now() - Duration::days(1)).min(not_after - Duration::days(1));
        TestCert::with_validity(not_before, not_after)
    }

    /// A leaf that expired yesterday (valid from 30 days ago until a day ago).
    pub fn expired() -> TestCert {
        TestCert::with_validity(now() - Duration::days(30), now() - Duration::days(1))
    }

    /// A leaf with exactly this validity (whole seconds are what the certificate holds).
    pub fn with_validity(not_before: OffsetDateTime, not_after: OffsetDateTime) -> TestCert {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name = DistinguishedName::new();
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "upcheck test CA");
        ca_params
            .distinguished_name
            .push(DnType::OrganizationName, "upcheck tests");
        ca_params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        ca_params.not_before = not_before.min(now()) - Duration::days(1);
        ca_params.not_after = not_after.max(now()) + Duration::days(3650);
        let ca_key = KeyPair::generate().expect("CA key");
        let ca_cert = ca_params.self_signed(&ca_key).expect("self-sign CA");
        let issuer = Issuer::new(ca_params, ca_key);

        let mut leaf_params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .expect("leaf params");
        leaf_params.distinguished_name = DistinguishedName::new();
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        leaf_params.is_ca = IsCa::ExplicitNoCa;
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.use_authority_key_identifier_extension = true;
        leaf_params.not_before = not_before;
        leaf_params.not_after = not_after;
        let leaf_key = KeyPair::generate().expect("leaf key");
        let leaf_cert = leaf_params
            .signed_by(&leaf_key, &issuer)
            .expect("sign leaf");

        TestCert {
            ca_pem: ca_cert.pem(),
            ca_der: ca_cert.der().to_vec(),
            leaf_pem: leaf_cert.pem(),
            leaf_der: leaf_cert.der().to_vec(),
            key_pem: leaf_key.serialize_pem(),
            key_der: leaf_key.serialize_der(),
            not_before,
            not_after,
            files: OnceLock::new(),
        }
    }

    /// The CA certificate, PEM.
    pub fn ca_pem(&self) -> String {
        self.ca_pem.clone()
    }

    /// The CA certificate, DER.
    pub fn ca_der(&self) -> Vec<u8> {
        self.ca_der.clone()
    }

    /// The CA PEM written to a file (created on first call; removed when `self` drops).
    pub fn ca_pem_file(&self) -> PathBuf {
        let (_, path) = self.files.get_or_init(|| {
            let dir = TempDir::new("ca");
            let path = dir.write("ca.pem", &self.ca_pem);
            (dir, path)
        });
        path.clone()
    }

    /// The server (leaf) certificate, PEM.
    pub fn leaf_pem(&self) -> String {
        self.leaf_pem.clone()
    }

    /// The server (leaf) certificate, DER.
    pub fn leaf_der(&self) -> Vec<u8> {
        self.leaf_der.clone()
    }

    /// The leaf's private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> String {
        self.key_pem.clone()
    }

    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// When the leaf expires.
    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// rustls server configuration presenting the leaf, ALPN `http/1.1` only.
    pub fn server_config(&self) -> Arc<ServerConfig> {
        let mut cfg = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(self.leaf_der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone())),
            )
            .expect("server certificate");
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(cfg)
    }

    /// rustls client configuration trusting only this CA (for raw TLS clients in tests).
    pub fn client_config(&self) -> Arc<ClientConfig> {
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from(self.ca_der.clone()))
            .expect("add CA to root store");
        let cfg = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        Arc::new(cfg)
    }
}
