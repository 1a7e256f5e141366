//! Public holidays: the working days an application's processing time does not count. The
//! table ships with the statutory days of `migrations/m017_public_holidays.csv`; administrators
//! add each year's days as the Government announces them.

use std::collections::BTreeSet;

use amity_domain::authz::{Action, Actor};
use chrono::{Datelike, NaiveDate, Weekday};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::PublicHolidays;

/// A public holiday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name_vi: String,
    pub name_en: Option<String>,
}

type Row = (NaiveDate, String, Option<String>);

fn holiday((date, name_vi, name_en): Row) -> Holiday {
    Holiday {
        date,
        name_vi,
        name_en,
    }
}

/// The holidays of `year` (every year when `None`), in date order.
pub async fn list(conn: &mut Conn, year: Option<i32>) -> Result<Vec<Holiday>> {
    let mut query = Query::select();
    query
        .columns([
            PublicHolidays::Date,
            PublicHolidays::NameVi,
            PublicHolidays::NameEn,
        ])
        .from(PublicHolidays::Table);
    if let Some(year) = year {
        let first = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| Error::invalid("year", amity_domain::error::Rule::NotAYear))?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| Error::invalid("year", amity_domain::error::Rule::NotAYear))?;
        query.and_where(Expr::col(PublicHolidays::Date).between(first, last));
    }
    let rows: Vec<Row> = conn
        .fetch_all(query.order_by(PublicHolidays::Date, Order::Asc))
        .await?;
    Ok(rows.into_iter().map(holiday).collect())
}

/// The holidays after `from`, which a deadline counted from `from` skips.
pub async fn after(conn: &mut Conn, from: NaiveDate) -> Result<BTreeSet<NaiveDate>> {
    let rows: Vec<(NaiveDate,)> = conn
        .fetch_all(
            Query::select()
                .column(PublicHolidays::Date)
                .from(PublicHolidays::Table)
                .and_where(Expr::col(PublicHolidays::Date).gt(from)),
        )
        .await?;
    Ok(rows.into_iter().map(|(d,)| d).collect())
}

async fn find(conn: &mut Conn, date: NaiveDate) -> Result<Option<Holiday>> {
    let row: Option<Row> = conn
        .fetch_optional(
            Query::select()
                .columns([
                    PublicHolidays::Date,
                    PublicHolidays::NameVi,
                    PublicHolidays::NameEn,
                ])
                .from(PublicHolidays::Table)
                .and_where(Expr::col(PublicHolidays::Date).eq(date)),
        )
        .await?;
    Ok(row.map(holiday))
}

fn json(h: &Holiday) -> serde_json::Value {
    serde_json::json!({ "date": h.date, "name_vi": h.name_vi, "name_en": h.name_en })
}

/// Records `date` as a holiday named `name_vi` (and `name_en`), or renames it (administrators),
/// audited. Saturdays and Sundays are refused: they are not working days to begin with, and a
/// holiday that falls on one is given on the next working day, which is the day to record.
pub async fn set(
    conn: &mut Conn,
    actor: &Actor,
    date: NaiveDate,
    name_vi: &str,
    name_en: Option<&str>,
) -> Result<Holiday> {
    actor.require(Action::ManageReference, None)?;
    if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        return Err(Error::invalid(
            "date",
            amity_domain::error::said("weekend-day", []),
        ));
    }
    let name_vi = name_vi.trim();
    if name_vi.is_empty() {
        return Err(Error::invalid(
            "name_vi",
            amity_domain::error::Problem::Required,
        ));
    }
    let name_en = name_en.map(str::trim).filter(|n| !n.is_empty());
    let before = find(conn, date).await?;
    conn.execute(
        Query::delete()
            .from_table(PublicHolidays::Table)
            .and_where(Expr::col(PublicHolidays::Date).eq(date)),
    )
    .await?;
    conn.execute(
        Query::insert()
            .into_table(PublicHolidays::Table)
            .columns([
                PublicHolidays::Date,
                PublicHolidays::NameVi,
                PublicHolidays::NameEn,
            ])
            .values_panic([date.into(), name_vi.into(), name_en.into()]),
    )
    .await?;
    let after = Holiday {
        date,
        name_vi: name_vi.to_owned(),
        name_en: name_en.map(str::to_owned),
    };
    audit::record(
        conn,
        actor,
        Entry {
            action: if before.is_some() {
                AuditAction::Update
            } else {
                AuditAction::Create
            },
            entity_type: "holiday",
            entity_id: 0,
            unit_id: None,
            before: before.as_ref().map(json).as_ref(),
            after: Some(&json(&after)),
        },
    )
    .await?;
    Ok(after)
}

/// Removes the holiday on `date` (administrators), audited. Deadlines already computed keep
/// their dates.
pub async fn remove(conn: &mut Conn, actor: &Actor, date: NaiveDate) -> Result<()> {
    actor.require(Action::ManageReference, None)?;
    let before = find(conn, date).await?.ok_or(Error::NotFound("holiday"))?;
    conn.execute(
        Query::delete()
            .from_table(PublicHolidays::Table)
            .and_where(Expr::col(PublicHolidays::Date).eq(date)),
    )
    .await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Delete,
            entity_type: "holiday",
            entity_id: 0,
            unit_id: None,
            before: Some(&json(&before)),
            after: None,
        },
    )
    .await
}
