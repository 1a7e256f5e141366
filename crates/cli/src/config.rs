//! Typed configuration: defaults, then an optional TOML file, then `AMITY_*` environment
//! variables, then command-line flags (each overriding the one before).

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// A database URL that never prints its password.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        DatabaseUrl(url.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&amity_store::db::redact_url(&self.0))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&amity_store::db::redact_url(&self.0))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address the server listens on.
    pub addr: String,
    /// Folder for the embedded database and uploaded files.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means the SQLite file in `data_dir`.
    pub database_url: Option<DatabaseUrl>,
    /// Mark cookies Secure; unset, they are Secure unless the server listens on loopback only.
    pub secure_cookies: Option<bool>,
    /// Send `Strict-Transport-Security`; unset, whenever cookies are Secure (behind HTTPS).
    pub hsts: Option<bool>,
    pub session_hours: i64,
    /// The reverse proxy in front of the server: only from it is `X-Forwarded-For` believed.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// The largest attached file accepted, in megabytes (at most 15).
    pub max_upload_mb: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("amity-data"),
            database_url: None,
            secure_cookies: None,
            hsts: None,
            session_hours: 12,
            trusted_proxy: None,
            max_upload_mb: 10,
        }
    }
}

/// Values given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<DatabaseUrl>,
}

impl Config {
    /// Loads defaults → `file` (if it exists) → `AMITY_*` → flags.
    pub fn load(file: Option<&Path>, flags: Overrides) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                anyhow::bail!("configuration file {} does not exist", file.display());
            }
            figment = figment.merge(Toml::file(file));
        } else if Path::new("amity.toml").exists() {
            figment = figment.merge(Toml::file("amity.toml"));
        }
        let config: Config = figment
            .merge(Env::prefixed("AMITY_").only(&[
                "addr",
                "data_dir",
                "database_url",
                "secure_cookies",
                "hsts",
                "session_hours",
                "trusted_proxy",
                "max_upload_mb",
            ]))
            .merge(Serialized::defaults(flags))
            .extract()?;
        Ok(config)
    }

    /// Whether cookies carry `Secure`: as configured, else whenever the server can be reached
    /// from another machine (then it sits behind HTTPS), never on loopback alone.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies
            .unwrap_or_else(|| !listens_on_loopback(&self.addr))
    }

    /// Whether responses carry `Strict-Transport-Security`: as configured, else with Secure
    /// cookies.
    pub fn hsts(&self) -> bool {
        self.hsts.unwrap_or_else(|| self.secure_cookies())
    }

    /// The configured URL, or the SQLite file in the data folder.
    pub fn database_url(&self) -> DatabaseUrl {
        match &self.database_url {
            Some(url) if !url.expose().is_empty() => url.clone(),
            _ => DatabaseUrl::new(format!(
                "sqlite://{}",
                self.data_dir.join("amity.db").display()
            )),
        }
    }
}

/// Whether `addr` (`host:port`) listens on the loopback interface only.
fn listens_on_loopback(addr: &str) -> bool {
    let host = addr.rsplit_once(':').map_or(addr, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_secure_unless_served_on_loopback_only() {
        let on = |addr: &str, set: Option<bool>| {
            Config {
                addr: addr.into(),
                secure_cookies: set,
                ..Config::default()
            }
            .secure_cookies()
        };
        assert!(
            !on("127.0.0.1:8080", None) && !on("localhost:8080", None) && !on("[::1]:8080", None)
        );
        assert!(on("0.0.0.0:8080", None) && on("192.0.2.10:443", None) && on("[::]:8080", None));
        assert!(!on("0.0.0.0:8080", Some(false)), "as configured");
        assert!(on("127.0.0.1:8080", Some(true)));
        let hsts = |addr: &str, set: Option<bool>| {
            Config {
                addr: addr.into(),
                hsts: set,
                ..Config::default()
            }
            .hsts()
        };
        assert!(!hsts("127.0.0.1:8080", None) && hsts("0.0.0.0:8080", None));
        assert!(!hsts("0.0.0.0:8080", Some(false)) && hsts("127.0.0.1:8080", Some(true)));
    }

    #[test]
    #[expect(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closure's error type"
    )]
    fn layers_override_in_order_and_secrets_stay_hidden() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "custom.toml",
                "addr = \"0.0.0.0:9000\"\nsession_hours = 4\n",
            )?;
            jail.set_env("AMITY_SESSION_HOURS", "6");
            let flags = Overrides {
                database_url: Some(DatabaseUrl::new("postgres://amity:s3cret@db/amity")),
                ..Default::default()
            };
            let config =
                Config::load(Some(Path::new("custom.toml")), flags).map_err(|e| e.to_string())?;
            assert_eq!(config.addr, "0.0.0.0:9000");
            assert_eq!(config.session_hours, 6);
            let shown = format!("{config:?}");
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(shown.contains("***"));
            Ok(())
        });
    }

    #[test]
    fn the_default_database_is_a_sqlite_file_in_the_data_folder() {
        let config = Config {
            data_dir: PathBuf::from("/srv/amity"),
            ..Config::default()
        };
        assert_eq!(
            config.database_url().expose(),
            "sqlite:///srv/amity/amity.db"
        );
    }
}
