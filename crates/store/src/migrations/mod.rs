//! The append-only migrations, one file each, run in order at start-up on either backend.
//!
//! A migration is frozen once it has shipped: it names its own tables and columns as text (never
//! the live table enums of [`crate::schema`]), carries its own data and dialect-specific SQL, and
//! calls no code that may change later. To change the schema, add the next file and list it in
//! [`MIGRATIONS`]. The conformance suite compares the schema they leave on both backends with a
//! checked-in snapshot, so an edited migration fails there.

mod m001_foundation;
mod m002_countries;
mod m003_partners;
mod m004_people;
mod m005_agreements;
mod m006_foundings_documents;
mod m007_activities;
mod m009_reports;
mod m010_work_plans;
mod m011_emulation_awards;
mod m012_stocks_due_dates;
mod m013_ngo_permits;
mod m014_aid;
mod m015_applications;
mod m016_aid_by_date;
mod m017_public_holidays;
mod m018_aid_results;
mod m019_event_sites;
mod m020_search_record_keys;
mod m021_sign_in_throttle;

use chrono::{NaiveDate, Utc};
use sea_query::{ColumnDef, ForeignKey, Iden, Query, Table};

use crate::db::{Conn, Db};
use crate::error::Result;

/// The migrations, in order: (version, name).
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, "foundation: structure, accounts, audit, search"),
    (2, "countries, partnership levels, commemorative years"),
    (3, "partners and their relations to our units"),
    (4, "people and their dated positions"),
    (5, "cooperation agreements, parties and yearly tasks"),
    (6, "partner founding dates, agreement documents"),
    (
        7,
        "delegations, events, attachments and live activity totals",
    ),
    (
        8,
        "live totals also count agreements signed, tasks done and new partners",
    ),
    (9, "periodic report forms, reports, their values and moves"),
    (10, "work plans: priorities, tasks and their evidence"),
    (
        11,
        "emulation criteria and scores, the awards register and its moves",
    ),
    (
        12,
        "live totals keep the agreements in force; a report keeps the due date of its first submission",
    ),
    (
        13,
        "foreign NGOs: sectors and provinces of work, permits and their history",
    ),
    (
        14,
        "aid projects, their NGOs, sectors and provinces; transactions and exchange rates",
    ),
    (
        15,
        "NGO applicant accounts, their applications, moves and the office's internal notes",
    ),
    (
        16,
        "aid transactions indexed by date, for the year's figures; live totals count the NGOs giving aid",
    ),
    (
        17,
        "public holidays, which applications' processing times do not count",
    ),
    (
        18,
        "aid projects' results: indicators with their baselines, targets and actuals",
    ),
    (
        19,
        "events' connected sites (điểm cầu) when held online or hybrid",
    ),
    (
        20,
        "search entries reference their record instead of a page address",
    ),
    (
        21,
        "sign-in failures per account, client address and pair, shared by every process",
    ),
];

/// Migrations that change what the live totals count: when one of them is newly applied, the
/// totals are recomputed from the records after the last migration, with today's code against
/// today's schema.
const REBUILD_TOTALS: &[i64] = &[8, 12, 14, 16];

/// Whether any of the `newly` applied migrations changes what the live totals count.
pub(crate) fn changes_totals(newly: &[i64]) -> bool {
    newly.iter().any(|v| REBUILD_TOTALS.contains(v))
}

/// Applies every migration not yet applied, each in its own transaction, and returns their
/// versions.
pub(crate) async fn run(db: &Db) -> Result<Vec<i64>> {
    let mut conn = db.conn().await?;
    conn.execute_schema(
        Table::create()
            .table("schema_migrations")
            .if_not_exists()
            .col(
                ColumnDef::new("version")
                    .big_integer()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new("name").text().not_null())
            .col(
                ColumnDef::new("applied_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    let applied: Vec<(i64,)> = conn
        .fetch_all(Query::select().column("version").from("schema_migrations"))
        .await?;
    drop(conn);
    let mut newly = Vec::new();
    for &(version, name) in MIGRATIONS {
        if applied.iter().any(|(v,)| *v == version) {
            continue;
        }
        let mut tx = db.begin().await?;
        apply(&mut tx, version).await?;
        tx.execute(
            Query::insert()
                .into_table("schema_migrations")
                .columns(["version", "name", "applied_at"])
                .values_panic([version.into(), name.into(), Utc::now().into()]),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            migration.version = version,
            migration.name = name,
            "applied migration"
        );
        newly.push(version);
    }
    Ok(newly)
}

async fn apply(conn: &mut Conn, version: i64) -> Result<()> {
    match version {
        1 => m001_foundation::up(conn).await,
        2 => m002_countries::up(conn).await,
        3 => m003_partners::up(conn).await,
        4 => m004_people::up(conn).await,
        5 => m005_agreements::up(conn).await,
        6 => m006_foundings_documents::up(conn).await,
        7 => m007_activities::up(conn).await,
        // Recomputed once every migration has run (see `REBUILD_TOTALS`).
        8 => Ok(()),
        9 => m009_reports::up(conn).await,
        10 => m010_work_plans::up(conn).await,
        11 => m011_emulation_awards::up(conn).await,
        12 => m012_stocks_due_dates::up(conn).await,
        13 => m013_ngo_permits::up(conn).await,
        14 => m014_aid::up(conn).await,
        15 => m015_applications::up(conn).await,
        16 => m016_aid_by_date::up(conn).await,
        17 => m017_public_holidays::up(conn).await,
        18 => m018_aid_results::up(conn).await,
        19 => m019_event_sites::up(conn).await,
        20 => m020_search_record_keys::up(conn).await,
        21 => m021_sign_in_throttle::up(conn).await,
        _ => unreachable!("migration {version} is listed but has no body"),
    }
}

pub(super) fn id(col: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

pub(super) fn fk(
    table: impl Iden + 'static,
    col: impl Iden + 'static,
    to: impl Iden + 'static,
    to_col: impl Iden + 'static,
) -> sea_query::ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, to_col)
        .to_owned()
}

/// Inserts the rows of a CSV file the server ships into `table`, the file's columns in the order
/// of `columns`; the one at `date_at` is a date (`YYYY-MM-DD`), the others text.
pub(super) async fn insert_shipped<T: Iden + Copy + 'static, const N: usize>(
    c: &mut Conn,
    table: T,
    columns: [T; N],
    file: &str,
    date_at: usize,
) -> Result<()> {
    let mut rows = csv::Reader::from_reader(file.as_bytes());
    for row in rows.records() {
        let row = row.map_err(|e| crate::error::Error::Other(e.into()))?;
        let mut values: Vec<sea_query::SimpleExpr> = Vec::with_capacity(N);
        for (i, field) in row.iter().enumerate().take(N) {
            values.push(if i == date_at {
                NaiveDate::parse_from_str(field, "%Y-%m-%d")
                    .map_err(|e| crate::error::Error::Other(e.into()))?
                    .into()
            } else {
                field.into()
            });
        }
        c.execute(
            Query::insert()
                .into_table(table)
                .columns(columns)
                .values_panic(values),
        )
        .await?;
    }
    Ok(())
}
