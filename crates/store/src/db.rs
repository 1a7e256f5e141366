//! The connection to either backend, and the one way statements reach it.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sea_query::{PostgresQueryBuilder, QueryStatementBuilder, SqliteQueryBuilder, Values};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{
    FromRow, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction,
};

pub use crate::dialect::Backend;
use crate::dialect::{pg_args, sqlite_args};
use crate::error::Result;

/// A pool of connections to the configured database.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A row type readable from both backends.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// Hides the password of a database URL, for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<unparsable database url>".into(),
    }
}

/// How long a request waits for a pooled connection before failing (not 30 s of silence).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a PostgreSQL statement may run.
const STATEMENT_TIMEOUT: &str = "60s";

impl Db {
    /// Writes a consistent copy of the embedded database to `to` while it serves
    /// (`VACUUM INTO`: one read transaction, so the copy is one moment of the data). Only for
    /// SQLite; PostgreSQL is backed up with its own tools (`pg_dump`).
    pub async fn snapshot_to(&self, to: &std::path::Path) -> Result<()> {
        let Db::Sqlite(pool) = self else {
            return Err(crate::Error::Other(anyhow::anyhow!(
                "the database is PostgreSQL: back it up with pg_dump (see docs/RELIABILITY.md)"
            )));
        };
        let target = to
            .to_str()
            .ok_or_else(|| crate::Error::Other(anyhow::anyhow!("{} is not UTF-8", to.display())))?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// SQLite's own check of the database file: `ok`, or what it found wrong.
    pub async fn integrity_check(&self) -> Result<String> {
        match self {
            Db::Sqlite(pool) => {
                let rows: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
                    .fetch_all(pool)
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|(r,)| r)
                    .collect::<Vec<_>>()
                    .join("; "))
            }
            Db::Postgres(_) => Ok("ok".into()),
        }
    }

    /// Connects to `sqlite://…` or `postgres://…`, choosing the backend from the scheme.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .with_context(|| format!("parsing database url {}", redact_url(url)))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // Every acknowledged commit, audit entry included, survives a power loss.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                // A writer waits for another's transaction (an import of up to 2,000 rows) rather
                // than failing.
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(options)
                .await
                .with_context(|| format!("opening {}", redact_url(url)))?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)
                .with_context(|| format!("parsing database url {}", redact_url(url)))?
                // No statement runs longer than this: a runaway query ends, not the server.
                .options([("statement_timeout", STATEMENT_TIMEOUT)]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(options)
                .await
                .with_context(|| format!("connecting to {}", redact_url(url)))?;
            Ok(Db::Postgres(pool))
        } else {
            anyhow::bail!(
                "unsupported database url {} (expected sqlite:… or postgres:…)",
                redact_url(url)
            )
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A connection without a transaction, for reads.
    pub async fn conn(&self) -> Result<Conn> {
        Ok(match self {
            Db::Sqlite(p) => Conn::SqlitePooled(p.acquire().await?),
            Db::Postgres(p) => Conn::PostgresPooled(p.acquire().await?),
        })
    }

    /// A transaction: every write and its audit entry go through one, committed together.
    pub async fn begin(&self) -> Result<Conn> {
        Ok(match self {
            // IMMEDIATE takes SQLite's write lock up front, so concurrent writers queue instead of
            // failing on lock upgrade.
            Db::Sqlite(p) => Conn::SqliteTx(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Conn::PostgresTx(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// One connection, pooled or in a transaction, to either backend.
#[derive(Debug)]
pub enum Conn {
    SqlitePooled(PoolConnection<Sqlite>),
    SqliteTx(Transaction<'static, Sqlite>),
    PostgresPooled(PoolConnection<Postgres>),
    PostgresTx(Transaction<'static, Postgres>),
}

enum Raw<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn {
    pub fn backend(&self) -> Backend {
        match self {
            Conn::SqlitePooled(_) | Conn::SqliteTx(_) => Backend::Sqlite,
            Conn::PostgresPooled(_) | Conn::PostgresTx(_) => Backend::Postgres,
        }
    }

    fn raw(&mut self) -> Raw<'_> {
        match self {
            Conn::SqlitePooled(c) => Raw::Sqlite(c),
            Conn::SqliteTx(t) => Raw::Sqlite(t),
            Conn::PostgresPooled(c) => Raw::Postgres(c),
            Conn::PostgresTx(t) => Raw::Postgres(t),
        }
    }

    /// Commits a transaction; a no-op for a plain connection.
    pub async fn commit(self) -> Result<()> {
        match self {
            Conn::SqliteTx(t) => t.commit().await?,
            Conn::PostgresTx(t) => t.commit().await?,
            Conn::SqlitePooled(_) | Conn::PostgresPooled(_) => {}
        }
        Ok(())
    }

    // The statement is rendered before the returned future starts, so the future holds only
    // owned SQL and values (and stays provably `Send` inside axum handlers).

    pub fn fetch_all<'c, T: Record>(
        &'c mut self,
        stmt: &impl QueryStatementBuilder,
    ) -> impl Future<Output = Result<Vec<T>>> + Send + 'c {
        let (sql, values) = self.render(stmt);
        async move { self.fetch_all_sql(&sql, values).await }
    }

    pub fn fetch_optional<'c, T: Record>(
        &'c mut self,
        stmt: &impl QueryStatementBuilder,
    ) -> impl Future<Output = Result<Option<T>>> + Send + 'c {
        let (sql, values) = self.render(stmt);
        async move {
            Ok(match self.raw() {
                Raw::Sqlite(c) => {
                    sqlx::query_as_with(&sql, sqlite_args(values)?)
                        .fetch_optional(c)
                        .await?
                }
                Raw::Postgres(c) => {
                    sqlx::query_as_with(&sql, pg_args(values)?)
                        .fetch_optional(c)
                        .await?
                }
            })
        }
    }

    pub fn fetch_one<'c, T: Record>(
        &'c mut self,
        stmt: &impl QueryStatementBuilder,
    ) -> impl Future<Output = Result<T>> + Send + 'c {
        let fetch = self.fetch_optional(stmt);
        async move { fetch.await?.ok_or(sqlx::Error::RowNotFound.into()) }
    }

    /// Runs a statement; returns the number of rows it touched.
    pub fn execute<'c>(
        &'c mut self,
        stmt: &impl QueryStatementBuilder,
    ) -> impl Future<Output = Result<u64>> + Send + 'c {
        let (sql, values) = self.render(stmt);
        async move { self.execute_sql(&sql, values).await }
    }

    /// Runs an insert ending in `RETURNING id` and gives the new id.
    pub fn insert_id<'c>(
        &'c mut self,
        stmt: &impl QueryStatementBuilder,
    ) -> impl Future<Output = Result<i64>> + Send + 'c {
        let fetch = self.fetch_one::<(i64,)>(stmt);
        async move { Ok(fetch.await?.0) }
    }

    fn render(&self, stmt: &impl QueryStatementBuilder) -> (String, Values) {
        match self.backend() {
            Backend::Sqlite => stmt.build_any(&SqliteQueryBuilder),
            Backend::Postgres => stmt.build_any(&PostgresQueryBuilder),
        }
    }

    /// SQL already written for this backend (by the query builder or [`crate::dialect`]).
    pub(crate) async fn fetch_all_sql<T: Record>(
        &mut self,
        sql: &str,
        values: Values,
    ) -> Result<Vec<T>> {
        Ok(match self.raw() {
            Raw::Sqlite(c) => {
                sqlx::query_as_with(sql, sqlite_args(values)?)
                    .fetch_all(c)
                    .await?
            }
            Raw::Postgres(c) => {
                sqlx::query_as_with(sql, pg_args(values)?)
                    .fetch_all(c)
                    .await?
            }
        })
    }

    /// Runs one statement written out in full, without parameters: for maintenance tasks and
    /// tests that must reach past the domain (never with text from a request).
    pub async fn execute_raw(&mut self, sql: &'static str) -> Result<u64> {
        self.execute_sql(sql, Values(vec![])).await
    }

    pub(crate) async fn execute_sql(&mut self, sql: &str, values: Values) -> Result<u64> {
        Ok(match self.raw() {
            Raw::Sqlite(c) => sqlx::query_with(sql, sqlite_args(values)?)
                .execute(c)
                .await?
                .rows_affected(),
            Raw::Postgres(c) => sqlx::query_with(sql, pg_args(values)?)
                .execute(c)
                .await?
                .rows_affected(),
        })
    }

    /// Renders a schema statement for this backend and runs it.
    pub(crate) async fn execute_schema(
        &mut self,
        stmt: &impl sea_query::SchemaStatementBuilder,
    ) -> Result<()> {
        let sql = match self.backend() {
            Backend::Sqlite => stmt.build(SqliteQueryBuilder),
            Backend::Postgres => stmt.build(PostgresQueryBuilder),
        };
        self.execute_sql(&sql, Values(vec![])).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_password_in_logs() {
        assert_eq!(
            redact_url("postgres://amity:s3cret@db:5432/amity"),
            "postgres://amity:***@db:5432/amity"
        );
        assert_eq!(
            redact_url("sqlite:///tmp/amity.db"),
            "sqlite:///tmp/amity.db"
        );
        assert!(!redact_url("not a url s3cret").contains("s3cret"));
    }
}
