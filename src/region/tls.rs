//! TLS to the region's server when the URL asks for it, with libpq's meaning of `sslmode`:
//! `disable` plain; `prefer` (the default) encrypted if the server offers it, certificate not checked;
//! `require` encrypted, certificate not checked (checked against `sslrootcert` when one is given, as libpq does);
//! `verify-ca` encrypted, certificate signed by a trusted authority; `verify-full` that and issued for the host.
//! Trusted authorities: the PEM file `sslrootcert=PATH`, else `~/.postgresql/root.crt` when it exists (libpq's
//! default), else Mozilla's roots compiled into souk (`sslrootcert=system` asks for those explicitly).
//! Over a Unix socket TLS is never used, whatever the mode (as libpq).
use anyhow::{Result, anyhow, bail};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// What the URL asked of TLS, its `ssl*` parameters taken out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    pub mode: Mode,
    pub root: Option<String>,
}

/// Splits `sslmode` and `sslrootcert` off a URL's query (the client library knows neither `verify-*` nor
/// `sslrootcert`); the rest of the URL is returned as given.
pub fn split(url: &str) -> Result<(String, Tls)> {
    let mut tls = Tls {
        mode: Mode::Prefer,
        root: None,
    };
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), tls));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => {
                tls.mode = match value {
                    "disable" => Mode::Disable,
                    "allow" | "prefer" => Mode::Prefer,
                    "require" => Mode::Require,
                    "verify-ca" => Mode::VerifyCa,
                    "verify-full" => Mode::VerifyFull,
                    other => bail!(
                        "sslmode={other} inconnu : attendu disable, prefer, require, verify-ca ou verify-full"
                    ),
                }
            }
            "sslrootcert" => tls.root = Some(decode(value)),
            "sslcert" | "sslkey" | "sslpassword" => bail!(
                "{key} : les certificats clients ne sont pas pris en charge par souk (authentification par mot de passe)"
            ),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, tls))
}

/// Percent-decoding of a URL parameter (a path may carry `%2F` or spaces).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Tls {
    /// The rustls connector for this mode; `None` for `disable`.
    pub fn connector(&self) -> Result<Option<MakeRustlsConnect>> {
        let provider = Arc::new(ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()?;
        let verifier: Arc<dyn ServerCertVerifier> = match (self.mode, &self.root) {
            (Mode::Disable, _) => return Ok(None),
            (Mode::Prefer, _) | (Mode::Require, None) => Arc::new(Unchecked(algorithms)),
            (Mode::Require | Mode::VerifyCa, _) => Arc::new(AnyName(self.webpki(provider)?)),
            (Mode::VerifyFull, _) => self.webpki(provider)?,
        };
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Some(MakeRustlsConnect::new(config)))
    }

    /// Where the trusted authorities come from, for messages.
    pub fn root_label(&self) -> String {
        match self.root_file() {
            Some(p) => p.display().to_string(),
            None => "les autorités publiques connues de souk".into(),
        }
    }

    fn root_file(&self) -> Option<PathBuf> {
        match self.root.as_deref() {
            Some("system") => None,
            Some(p) => Some(PathBuf::from(p)),
            None => std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".postgresql/root.crt"))
                .filter(|p| p.exists()),
        }
    }

    fn webpki(&self, provider: Arc<CryptoProvider>) -> Result<Arc<dyn ServerCertVerifier>> {
        let mut roots = RootCertStore::empty();
        match self.root_file() {
            None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            Some(path) => {
                let certs = CertificateDer::pem_file_iter(&path)
                    .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                    .map_err(|_| {
                        anyhow!(
                            "sslrootcert : {} illisible (attendu un fichier PEM de certificats)",
                            path.display()
                        )
                    })?;
                let (added, _) = roots.add_parsable_certificates(certs);
                if added == 0 {
                    bail!(
                        "sslrootcert : {} ne contient aucun certificat",
                        path.display()
                    );
                }
            }
        }
        Ok(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| anyhow!("autorités de certification inutilisables : {e}"))?,
        )
    }
}

/// `prefer`/`require` without authority: the link is encrypted and the handshake signed by the certificate's
/// key, but who holds that key is not checked (libpq's behaviour).
#[derive(Debug)]
struct Unchecked(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// `verify-ca`: the chain to a trusted authority is checked, the host name is not.
#[derive(Debug)]
struct AnyName(Arc<dyn ServerCertVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // The name is checked last, once the chain is accepted: a name error means the chain was good.
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// A French reason for a failed TLS handshake, when the error is one.
pub fn problem(e: &postgres::Error, tls: &Tls, host: &str) -> Option<String> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        let rustls_error = s.downcast_ref::<rustls::Error>().or_else(|| {
            s.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(r) = rustls_error {
            return Some(certificate(r, tls, host));
        }
        if s.to_string() == "server does not support TLS" {
            return Some(format!(
                "le serveur n'accepte pas TLS alors que l'adresse l'exige (sslmode={})",
                mode_name(tls.mode)
            ));
        }
        source = s.source();
    }
    None
}

fn certificate(e: &rustls::Error, tls: &Tls, host: &str) -> String {
    use CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => format!(
            "certificat du serveur refusé : il n'est pas signé par une autorité de confiance ({})",
            tls.root_label()
        ),
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => {
            format!("certificat du serveur refusé : il n'est pas établi pour l'hôte « {host} »")
        }
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "certificat du serveur refusé : il a expiré".into()
        }
        rustls::Error::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            "certificat du serveur refusé : pas encore valide (horloge de cet ordinateur ?)".into()
        }
        other => format!("échec de la négociation TLS ({other})"),
    }
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Disable => "disable",
        Mode::Prefer => "prefer",
        Mode::Require => "require",
        Mode::VerifyCa => "verify-ca",
        Mode::VerifyFull => "verify-full",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssl_parameters_are_taken_out_of_the_url() {
        let (rest, tls) = split(
            "postgresql://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca%20r.pem&connect_timeout=5",
        )
        .unwrap();
        assert_eq!(rest, "postgresql://u@h/db?connect_timeout=5");
        assert_eq!(tls.mode, Mode::VerifyFull);
        assert_eq!(tls.root.as_deref(), Some("/etc/ca r.pem"));
        let (rest, tls) = split("postgresql://u@h/db").unwrap();
        assert_eq!(
            (rest.as_str(), tls.mode),
            ("postgresql://u@h/db", Mode::Prefer)
        );
        let (rest, tls) = split("postgresql://u@h/db?sslmode=disable").unwrap();
        assert_eq!(
            (rest.as_str(), tls.mode),
            ("postgresql://u@h/db", Mode::Disable)
        );
    }

    #[test]
    fn unknown_modes_and_client_certificates_are_refused_in_french() {
        let e = split("postgresql://u@h/db?sslmode=always")
            .unwrap_err()
            .to_string();
        assert!(e.contains("sslmode=always inconnu"), "{e}");
        let e = split("postgresql://u@h/db?sslcert=/c.pem")
            .unwrap_err()
            .to_string();
        assert!(e.contains("certificats clients"), "{e}");
    }

    #[test]
    fn an_unreadable_root_file_is_named() {
        let tls = Tls {
            mode: Mode::VerifyFull,
            root: Some("/nonexistent/ca.pem".into()),
        };
        let e = tls.connector().err().unwrap().to_string();
        assert!(
            e.contains("/nonexistent/ca.pem") && e.contains("illisible"),
            "{e}"
        );
    }
}
