//! Connecting to the region's server, with French errors that never repeat a password.
use super::tls::{self, Mode};
use anyhow::{Result, anyhow, bail};
use postgres::config::{Host, SslMode};
use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

/// `user@host/db` of a URL (never its password), for messages.
pub fn describe(config: &Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    format!(
        "{}@{}/{}",
        config.get_user().unwrap_or("?"),
        host,
        config.get_dbname().unwrap_or("?")
    )
}

pub fn connect(url: &str) -> Result<Client> {
    if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
        bail!("adresse de serveur invalide : attendu postgresql://utilisateur@hôte/base");
    }
    let (rest, tls) = tls::split(url)?;
    let mut config: Config = rest.parse().map_err(|_| {
        anyhow!("adresse de serveur invalide : attendu postgresql://utilisateur@hôte/base")
    })?;
    let who = describe(&config);
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => Some(name.clone()),
        _ => None,
    };
    let connected = match (&host, tls.connector()?) {
        (Some(_), Some(connector)) => {
            config.ssl_mode(if tls.mode == Mode::Prefer {
                SslMode::Prefer
            } else {
                SslMode::Require
            });
            config.connect(connector)
        }
        // A Unix socket never carries TLS (libpq ignores sslmode there too).
        _ => {
            config.ssl_mode(SslMode::Disable);
            config.connect(NoTls)
        }
    };
    connected.map_err(|e| {
        let why =
            tls::problem(&e, &tls, host.as_deref().unwrap_or("")).unwrap_or_else(|| refusal(&e));
        anyhow!("{who} : {why}")
    })
}

fn refusal(e: &postgres::Error) -> String {
    match e.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD => {
            "connexion refusée : identifiant ou mot de passe incorrect".to_string()
        }
        Some(c) if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            let plain = e
                .as_db_error()
                .is_some_and(|d| d.message().contains("no encryption"));
            if plain {
                "connexion refusée : le serveur exige une connexion chiffrée (ajoutez ?sslmode=require ou verify-full)"
                    .to_string()
            } else {
                "connexion refusée : cet utilisateur n'est pas admis par le serveur".to_string()
            }
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => {
            "cette base n'existe pas sur le serveur".to_string()
        }
        Some(_) => "connexion refusée par le serveur".to_string(),
        None => "serveur injoignable (adresse, port ou réseau)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(url: &str) -> String {
        format!("{:#}", connect(url).err().expect("refused"))
    }

    #[test]
    fn a_wrong_address_is_named_without_its_password() {
        assert!(error("mysql://u:pw@host/db").contains("adresse de serveur invalide"));
        assert!(
            error("postgresql://u:pw@host:notaport/db").contains("adresse de serveur invalide")
        );
        let tls =
            error("postgresql://u:s3cret@host/db?sslmode=verify-full&sslrootcert=/nowhere/ca.pem");
        assert!(tls.contains("/nowhere/ca.pem"), "{tls}");
        assert!(!tls.contains("s3cret"), "{tls}");
    }
}
