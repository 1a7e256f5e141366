//! The storage boundary's error type.

use amity_domain::authz::Denied;
use amity_domain::error::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that failed validation; each problem names its field.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The actor may not do this.
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request clashes with the current state (a used code, a closed unit).
    #[error("{field}: {detail}")]
    Conflict {
        field: String,
        detail: amity_domain::error::Problem,
    },
    /// The new record looks like existing ones; the caller may confirm and create it anyway.
    #[error("{field}: possible duplicate of {} existing record(s)", candidates.len())]
    Duplicate {
        field: String,
        candidates: Vec<serde_json::Value>,
    },
    /// Too many failed attempts: try again after this long.
    #[error("too many failed attempts; try again in {} s", .0.num_seconds().max(1))]
    Throttled(chrono::Duration),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn conflict(field: &str, detail: impl Into<amity_domain::error::Problem>) -> Self {
        Error::Conflict {
            field: field.into(),
            detail: detail.into(),
        }
    }

    pub fn invalid(field: &str, detail: impl Into<amity_domain::error::Problem>) -> Self {
        Error::Invalid(Invalid::field(field, detail))
    }

    /// Whether the database refused a write for a unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Database(e) if e.as_database_error().is_some_and(|d| d.is_unique_violation()))
    }
}

/// A vocabulary word the store wrote, read back; one that no longer parses is corrupt data,
/// not the caller's mistake.
pub(crate) fn stored<T: std::str::FromStr<Err: std::fmt::Display>>(s: &str) -> Result<T> {
    s.parse()
        .map_err(|e: T::Err| Error::Other(anyhow::anyhow!("{e}")))
}
