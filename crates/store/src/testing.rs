//! Fresh, isolated databases for tests: a temporary SQLite file, or a uniquely named
//! PostgreSQL database (on `AMITY_TEST_POSTGRES_URL`, default the local server) dropped after.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use sqlx::Connection;

use crate::db::{Backend, Db};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The server used for PostgreSQL tests.
pub fn postgres_admin_url() -> String {
    std::env::var("AMITY_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn unique_name() -> String {
    format!(
        "amity_test_{}_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A migrated, empty database that removes itself on [`TestDb::cleanup`].
#[derive(Debug)]
pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDb {
    pub async fn new(backend: Backend) -> anyhow::Result<TestDb> {
        let name = unique_name();
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                (format!("sqlite://{}", path.display()), Cleanup::File(path))
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let mut admin =
                    sqlx::PgConnection::connect(&admin_url)
                        .await
                        .with_context(|| {
                            format!("connecting to {}", crate::db::redact_url(&admin_url))
                        })?;
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .await?;
                let mut url = url::Url::parse(&admin_url)?;
                url.set_path(&name);
                (url.to_string(), Cleanup::Database { admin_url, name })
            }
        };
        let db = Db::connect(&url).await?;
        crate::migrate(&db).await?;
        Ok(TestDb { db, url, cleanup })
    }

    /// Closes the pool and deletes the file or drops the database.
    pub async fn cleanup(self) -> anyhow::Result<()> {
        self.db.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await?;
            }
        }
        Ok(())
    }
}

/// Both backends, for tests that must hold on each.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
