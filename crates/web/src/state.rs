//! What every handler shares: the database, the web settings, the login throttle.

use std::num::NonZeroU32;
use std::sync::Arc;

use amity_store::Db;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Settings of the HTTP layer, passed down from the typed configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// How long a sign-in lasts, for pages and API tokens alike.
    pub session_hours: i64,
    /// Sign-in attempts allowed per account per minute, in a burst.
    pub login_attempts_per_minute: u32,
    /// Where attached files are kept (by content).
    pub files_dir: std::path::PathBuf,
    /// The largest attached file accepted, in bytes (at most 15 MiB).
    pub max_upload_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_hours: 12,
            login_attempts_per_minute: 5,
            files_dir: std::env::temp_dir().join("amity-files"),
            max_upload_bytes: 10 * 1024 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub login_limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

impl AppState {
    pub fn new(db: Db, mut config: WebConfig) -> Self {
        config.max_upload_bytes = config.max_upload_bytes.min(15 * 1024 * 1024);
        let per_minute =
            NonZeroU32::new(config.login_attempts_per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        AppState {
            db,
            config: Arc::new(config),
            login_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
        }
    }

    /// Whether another sign-in attempt for this account may go ahead now.
    pub fn allow_login_attempt(&self, email: &str) -> bool {
        self.login_limiter
            .check_key(&email.trim().to_lowercase())
            .is_ok()
    }
}
