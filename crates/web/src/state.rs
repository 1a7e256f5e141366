//! What every handler shares: the database, the web settings.

use std::sync::Arc;

use amity_store::Db;

/// Settings of the HTTP layer, passed down from the typed configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Send `Strict-Transport-Security` (served behind HTTPS).
    pub hsts: bool,
    /// How long a sign-in lasts, for pages and API tokens alike.
    pub session_hours: i64,
    /// The reverse proxy in front of the server, if any: only from it is `X-Forwarded-For`
    /// believed for the client's address (sign-in throttling, the audit trail).
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// Where attached files are kept (by content).
    pub files_dir: std::path::PathBuf,
    /// The largest attached file accepted, in bytes (at most 15 MiB).
    pub max_upload_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            hsts: false,
            session_hours: 12,
            trusted_proxy: None,
            files_dir: std::env::temp_dir().join("amity-files"),
            max_upload_bytes: 10 * 1024 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(db: Db, mut config: WebConfig) -> Self {
        config.max_upload_bytes = config.max_upload_bytes.min(15 * 1024 * 1024);
        AppState {
            db,
            config: Arc::new(config),
        }
    }
}
