//! Amity's storage: one code path over SQLite (embedded default) and PostgreSQL.
//!
//! Queries are built with sea-query and rendered for the connected backend by [`db::Conn`];
//! the few statements that differ by dialect live in [`dialect`]. Every write takes an
//! [`amity_domain::authz::Actor`], checks it, and appends its audit entry in the same
//! transaction.

pub mod activity;
pub mod agreement;
pub mod aid;
pub mod anniversary;
pub mod application;
pub mod attachment;
pub mod audit;
pub mod award;
pub mod country;
pub mod db;
pub mod delegation;
pub mod dialect;
pub mod emulation;
pub mod error;
pub mod event;
pub mod generate;
pub mod holiday;
mod migrations;
pub mod ngo;
pub mod org;
pub mod partner;
pub mod periodic;
pub mod person;
pub mod plan;
pub mod record_files;
pub mod report;
pub mod schema;
pub mod scope;
pub mod search;
pub mod sector;
pub mod seed;
mod sets;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod timeline;
pub mod totals;
pub mod user;

pub use db::{Backend, Conn, Db};
pub use error::{Error, Result};

/// Brings the database up to date: applies every migration not yet applied (each in its own
/// transaction) and, when one of them changes what the live totals count, recomputes the totals
/// from the records with today's code. Returns the versions applied.
pub async fn migrate(db: &Db) -> Result<Vec<i64>> {
    let newly = migrations::run(db).await?;
    if migrations::changes_totals(&newly) {
        let mut tx = db.begin().await?;
        rebuild_totals(&mut tx).await?;
        tx.commit().await?;
        tracing::info!("recomputed the live activity totals");
    }
    Ok(newly)
}

/// Every record's contribution to the live totals, summed: what the totals must hold.
async fn computed_totals(conn: &mut Conn) -> Result<totals::Contribution> {
    let mut computed = totals::Contribution::default();
    let all = [
        delegation::all_contributions(conn).await?,
        event::all_contributions(conn).await?,
        agreement::all_contributions(conn).await?,
        partner::all_contributions(conn).await?,
        aid::all_contributions(conn).await?,
    ];
    for c in all.iter().flatten() {
        computed.merge(c, 1);
    }
    Ok(computed)
}

/// Replaces every stored total with what the records give (after a change of what the totals
/// count).
pub async fn rebuild_totals(conn: &mut Conn) -> Result<()> {
    let computed = computed_totals(conn).await?;
    totals::replace_all(conn, &computed).await
}

/// Recomputes every total from the records and lists where the stored ones differ
/// (`amity check`).
pub async fn check_totals(conn: &mut Conn) -> Result<Vec<totals::Difference>> {
    let computed = computed_totals(conn).await?;
    totals::differences(conn, &computed).await
}

/// Parses a `?sort=` value: one of `allowed`, with a leading `-` for descending order.
pub fn parse_sort<'a>(
    input: &str,
    allowed: &[&'a str],
) -> std::result::Result<(&'a str, bool), String> {
    let (descending, name) = match input.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, input.trim()),
    };
    allowed
        .iter()
        .find(|a| **a == name)
        .map(|a| (*a, descending))
        .ok_or_else(|| {
            format!(
                "cannot sort by “{name}” (use {}, with - for descending)",
                allowed.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn sort_values_name_a_known_field() {
        assert_eq!(
            super::parse_sort("-name", &["name", "code"]),
            Ok(("name", true))
        );
        assert_eq!(
            super::parse_sort("code", &["name", "code"]),
            Ok(("code", false))
        );
        assert!(super::parse_sort("colour", &["name"]).is_err_and(|e| e.contains("name")));
    }
}
