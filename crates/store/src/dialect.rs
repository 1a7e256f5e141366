//! The only SQL that differs between SQLite and PostgreSQL: the full-text search index (built by
//! the first migration, which keeps its own copy of the statements).
//!
//! Both index the same Rust-folded text (see [`amity_domain::text::fold`]), so both return the
//! same hits: SQLite through FTS5 (`unicode61`), PostgreSQL through `to_tsvector('simple', …)`
//! with a GIN index.

use sea_query::{Value, Values};
use sqlx::Arguments;
use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteArguments;

/// Which database engine is behind a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A condition matching documents (placeholders as sea-query reads them for each backend: `?`
/// for SQLite, `$1` for PostgreSQL) that contain every term as a word prefix, and the bound
/// value it needs. Terms are already folded and alphanumeric ([`amity_domain::text::search_terms`]).
pub(crate) fn search_match(backend: Backend, terms: &[String]) -> (&'static str, String) {
    match backend {
        Backend::Sqlite => (
            "search_docs.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)",
            terms
                .iter()
                .map(|t| format!("\"{t}\"*"))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Backend::Postgres => (
            "to_tsvector('simple', search_docs.folded) @@ to_tsquery('simple', $1)",
            terms
                .iter()
                .map(|t| format!("{t}:*"))
                .collect::<Vec<_>>()
                .join(" & "),
        ),
    }
}

/// Binds sea-query's values as sqlx arguments. The same arms serve both backends; only the
/// argument type differs. Unsigned and small integers widen to `i64`/`i16`, which both accept.
macro_rules! bind_values {
    ($args:expr, $values:expr) => {{
        let mut args = $args;
        for value in $values.0 {
            let added = match value {
                Value::Bool(v) => args.add(v),
                Value::TinyInt(v) => args.add(v.map(i16::from)),
                Value::SmallInt(v) => args.add(v),
                Value::Int(v) => args.add(v),
                Value::BigInt(v) => args.add(v),
                Value::TinyUnsigned(v) => args.add(v.map(i16::from)),
                Value::SmallUnsigned(v) => args.add(v.map(i32::from)),
                Value::Unsigned(v) => args.add(v.map(i64::from)),
                Value::BigUnsigned(v) => args.add(v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))),
                Value::Float(v) => args.add(v),
                Value::Double(v) => args.add(v),
                Value::String(v) => args.add(v),
                Value::Char(v) => args.add(v.map(String::from)),
                Value::Bytes(v) => args.add(v),
                Value::Json(v) => args.add(v.map(|j| j.to_string())),
                Value::ChronoDate(v) => args.add(v),
                Value::ChronoDateTime(v) => args.add(v),
                Value::ChronoDateTimeUtc(v) => args.add(v),
                other => {
                    return Err(crate::error::Error::Other(anyhow::anyhow!(
                        "unsupported query value {other:?}"
                    )));
                }
            };
            added.map_err(|e| {
                crate::error::Error::Other(anyhow::anyhow!("binding a query value: {e}"))
            })?;
        }
        Ok(args)
    }};
}

pub(crate) fn sqlite_args(values: Values) -> crate::error::Result<SqliteArguments<'static>> {
    bind_values!(SqliteArguments::default(), values)
}

pub(crate) fn pg_args(values: Values) -> crate::error::Result<PgArguments> {
    bind_values!(PgArguments::default(), values)
}
