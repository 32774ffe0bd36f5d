//! `souk push` over TLS: a private cluster on 127.0.0.1 that admits TCP clients over TLS only, with a certificate
//! issued in the test by a throwaway authority; `sslmode` as libpq users expect it.
use crate::cluster::{Cluster, ServerTls};
use crate::fixture::build;
use crate::support::common::run;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    SanType,
};
use std::path::Path;

const A: &str = "0190f1a2-0000-7000-8000-00000000aa01";

/// An authority (its PEM certificate) and, when asked, a server certificate it issued for 127.0.0.1.
fn authority(name: &str) -> (String, CertifiedIssuer<'static, KeyPair>) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
    (ca.pem(), ca)
}

fn server_cert(ca: &CertifiedIssuer<'static, KeyPair>) -> ServerTls {
    let mut params = CertificateParams::new(vec!["pg.region.test".to_string()]).unwrap();
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    params
        .distinguished_name
        .push(DnType::CommonName, "pg.region.test");
    let key = KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, ca).unwrap();
    ServerTls {
        cert: cert.pem(),
        key: key.serialize_pem(),
    }
}

fn push(db: &Path, url: &str) -> (bool, String, String) {
    let out = run(db, &["push", "--to", url]);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn push_over_tls_as_sslmode_asks() {
    let (ca_pem, ca) = authority("Autorité de test souk");
    let (other_pem, _) = authority("Autre autorité");
    let Some(pg) = Cluster::start_tls("push_over_tls_as_sslmode_asks", &server_cert(&ca)) else {
        return;
    };
    pg.url("region");
    let dir = tempfile::tempdir().unwrap();
    let (ca_file, other_file) = (dir.path().join("ca.pem"), dir.path().join("autre.pem"));
    std::fs::write(&ca_file, ca_pem).unwrap();
    std::fs::write(&other_file, other_pem).unwrap();
    let m = build(dir.path(), A, "ifrane", 2, 0);
    let at = |host: &str, query: &str| {
        format!(
            "postgresql://souk:s3cret@{host}:{}/region?{query}",
            pg.port()
        )
    };

    // The server admits TCP clients over TLS only: a plain connection is refused, and said so.
    let (done, _, err) = push(&m.organiser, &at("127.0.0.1", "sslmode=disable"));
    assert!(
        !done && err.contains("exige une connexion chiffrée"),
        "{err}"
    );

    // require: encrypted, the certificate not checked.
    let (done, out, err) = push(&m.organiser, &at("127.0.0.1", "sslmode=require"));
    assert!(done, "{err}");
    assert!(out.contains("T01 :"), "{out}");

    // verify-full with the authority that issued the certificate.
    let right = format!("sslmode=verify-full&sslrootcert={}", ca_file.display());
    let (done, out, err) = push(&m.organiser, &at("127.0.0.1", &right));
    assert!(done, "{err}");
    assert!(out.contains("le serveur avait déjà tout"), "{out}");

    // verify-full with another authority: refused in French, naming the file, never the password.
    let wrong = format!("sslmode=verify-full&sslrootcert={}", other_file.display());
    let (done, _, err) = push(&m.organiser, &at("127.0.0.1", &wrong));
    assert!(!done, "a certificate from another authority was accepted");
    assert!(
        err.contains("pas signé par une autorité de confiance") && err.contains("autre.pem"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");

    // The right authority but another host name: verify-full refuses, verify-ca does not check names.
    let (done, _, err) = push(&m.organiser, &at("localhost", &right));
    assert!(
        !done && err.contains("pas établi pour l'hôte « localhost »"),
        "{err}"
    );
    let ca_only = format!("sslmode=verify-ca&sslrootcert={}", ca_file.display());
    let (done, _, err) = push(&m.organiser, &at("localhost", &ca_only));
    assert!(done, "{err}");

    // The region report reads over the same verified link.
    let out = run(
        &m.organiser,
        &[
            "region",
            "report",
            "--from",
            &at("127.0.0.1", &right),
            "--format",
            "csv",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(A));
}
