//! Countries, Vietnam's diplomatic relations and partnership levels with them, commemorative
//! years, and the anniversaries they give.
//!
//! Reference data: readable by every signed-in user, completed or corrected by administrators
//! (audited). The table is small (249 countries), so lists are filtered and sorted in memory.

use std::collections::HashMap;

use amity_domain::anniversary::{PartialDate, Precision};
use amity_domain::authz::{Action, Actor};
use amity_domain::country::{CountryCode, PartnershipLevel};
use amity_domain::text::{compare, fold, sort_key};
use chrono::{NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{Commemorations, Countries, CountryLevels};
use crate::search::{self, Doc};

const ENTITY: &str = "country";

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    code: String,
    alpha3: String,
    numeric: String,
    name_en: String,
    name_vi: String,
    region: Option<String>,
    sub_region: Option<String>,
    relations_date: Option<NaiveDate>,
    relations_precision: Option<String>,
    relations_note: Option<String>,
    source: Option<String>,
}

/// A country with Vietnam's relations and current partnership level.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Country {
    pub id: i64,
    pub code: String,
    pub alpha3: String,
    pub numeric: String,
    pub name_en: String,
    pub name_vi: String,
    pub region: Option<String>,
    pub sub_region: Option<String>,
    /// Diplomatic relations established (ISO date; only the year is meaningful when
    /// `relations_precision` is `year`).
    pub relations_date: Option<NaiveDate>,
    pub relations_precision: Option<Precision>,
    pub relations_note: Option<String>,
    pub source: Option<String>,
    /// The current partnership level, the one with the latest start.
    pub level: Option<PartnershipLevel>,
    pub level_since: Option<NaiveDate>,
    pub level_since_precision: Option<Precision>,
}

impl Country {
    pub fn relations(&self) -> Option<PartialDate> {
        Some(PartialDate::from_parts(
            self.relations_date?,
            self.relations_precision.unwrap_or(Precision::Day),
        ))
    }

    pub fn level_since(&self) -> Option<PartialDate> {
        Some(PartialDate::from_parts(
            self.level_since?,
            self.level_since_precision.unwrap_or(Precision::Day),
        ))
    }
}

/// One level in a country's partnership history.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LevelRecord {
    pub id: i64,
    #[sqlx(skip)]
    pub level: Option<PartnershipLevel>,
    #[serde(skip)]
    #[sqlx(rename = "level")]
    pub level_text: String,
    pub since: Option<NaiveDate>,
    pub since_precision: Option<String>,
    pub note: Option<String>,
    pub source: Option<String>,
}

impl LevelRecord {
    /// The start, as precisely as it is known.
    pub fn since_date(&self) -> Option<PartialDate> {
        let precision = self
            .since_precision
            .as_deref()
            .and_then(|p| Precision::parse(p).ok())
            .unwrap_or(Precision::Day);
        Some(PartialDate::from_parts(self.since?, precision))
    }
}

/// Levels of each country, oldest first (an unknown start counts as earliest).
async fn levels_by_country(
    conn: &mut Conn,
    country: Option<i64>,
) -> Result<HashMap<i64, Vec<LevelRecord>>> {
    #[derive(sqlx::FromRow)]
    struct LevelRow {
        country_id: i64,
        #[sqlx(flatten)]
        record: LevelRecord,
    }
    let mut select = Query::select();
    select
        .columns([
            CountryLevels::CountryId,
            CountryLevels::Id,
            CountryLevels::Level,
            CountryLevels::Since,
            CountryLevels::SincePrecision,
            CountryLevels::Note,
            CountryLevels::Source,
        ])
        .from(CountryLevels::Table)
        .order_by(CountryLevels::Id, Order::Asc);
    if let Some(id) = country {
        select.and_where(Expr::col(CountryLevels::CountryId).eq(id));
    }
    let rows: Vec<LevelRow> = conn.fetch_all(&select).await?;
    let mut out: HashMap<i64, Vec<LevelRecord>> = HashMap::new();
    for mut row in rows {
        row.record.level = row.record.level_text.parse().ok();
        out.entry(row.country_id).or_default().push(row.record);
    }
    for levels in out.values_mut() {
        // Stable: equal starts keep the order they were recorded in.
        levels.sort_by_key(|l| l.since);
    }
    Ok(out)
}

fn to_country(row: Row, levels: Option<&Vec<LevelRecord>>) -> Country {
    let current = levels.and_then(|l| l.last());
    Country {
        id: row.id,
        code: row.code,
        alpha3: row.alpha3,
        numeric: row.numeric,
        name_en: row.name_en,
        name_vi: row.name_vi,
        region: row.region,
        sub_region: row.sub_region,
        relations_date: row.relations_date,
        relations_precision: row
            .relations_precision
            .as_deref()
            .and_then(|p| Precision::parse(p).ok()),
        relations_note: row.relations_note,
        source: row.source,
        level: current.and_then(|l| l.level),
        level_since: current.and_then(|l| l.since),
        level_since_precision: current
            .and_then(|l| l.since_precision.as_deref())
            .and_then(|p| Precision::parse(p).ok()),
    }
}

const COLUMNS: [Countries; 12] = [
    Countries::Id,
    Countries::Code,
    Countries::Alpha3,
    Countries::Numeric,
    Countries::NameEn,
    Countries::NameVi,
    Countries::Region,
    Countries::SubRegion,
    Countries::RelationsDate,
    Countries::RelationsPrecision,
    Countries::RelationsNote,
    Countries::Source,
];

/// Every country, with its current level.
pub async fn all(conn: &mut Conn) -> Result<Vec<Country>> {
    let rows: Vec<Row> = conn
        .fetch_all(
            Query::select()
                .columns(COLUMNS)
                .from(Countries::Table)
                .order_by(Countries::NameKey, Order::Asc),
        )
        .await?;
    let levels = levels_by_country(conn, None).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let l = levels.get(&r.id);
            to_country(r, l)
        })
        .collect())
}

/// Countries as people type them on a form, each by its Vietnamese or English name (accents
/// and case optional) or by its code: every part of `text` (split on `,` and `;`) that names a
/// country becomes its two-letter code; any other part stays as typed, for the check that
/// refuses it by name.
pub async fn codes_for_names(conn: &mut Conn, text: &str) -> Result<Vec<String>> {
    let parts: Vec<&str> = text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<(String, String, String)> = conn
        .fetch_all(
            Query::select()
                .columns([Countries::Code, Countries::NameVi, Countries::NameEn])
                .from(Countries::Table),
        )
        .await?;
    let fold = amity_domain::text::fold;
    Ok(parts
        .into_iter()
        .map(|part| {
            let typed = fold(part);
            names
                .iter()
                .find(|(code, vi, en)| {
                    fold(code) == typed || fold(vi) == typed || fold(en) == typed
                })
                .map_or_else(|| part.to_owned(), |(code, ..)| code.clone())
        })
        .collect())
}

/// Filters for the country list.
#[derive(Debug, Clone, Default)]
pub struct CountryFilter {
    /// Words in the Vietnamese or English name or the codes (diacritics ignored).
    pub q: Option<String>,
    pub region: Option<String>,
    pub level: Option<PartnershipLevel>,
    /// Only countries whose relations date is known (`true`) or unknown (`false`).
    pub has_relations: Option<bool>,
}

/// The sort fields of the country list (`name` in Vietnamese order).
pub const SORT_FIELDS: [&str; 4] = ["name", "code", "relations_date", "level"];

/// Countries matching `filter`, sorted, one page, with the total.
pub async fn list(
    conn: &mut Conn,
    filter: &CountryFilter,
    sort: (&str, bool),
    limit: u64,
    offset: u64,
) -> Result<(Vec<Country>, i64)> {
    let words: Vec<String> = filter
        .q
        .as_deref()
        .map(amity_domain::text::search_terms)
        .unwrap_or_default();
    let mut items: Vec<Country> = all(conn)
        .await?
        .into_iter()
        .filter(|c| {
            let text = fold(&format!(
                "{} {} {} {}",
                c.name_vi, c.name_en, c.code, c.alpha3
            ));
            let text_words: Vec<&str> = text.split(|ch: char| !ch.is_alphanumeric()).collect();
            words
                .iter()
                .all(|w| text_words.iter().any(|t| t.starts_with(w.as_str())))
        })
        .filter(|c| {
            filter
                .region
                .as_deref()
                .is_none_or(|r| c.region.as_deref() == Some(r))
        })
        .filter(|c| filter.level.is_none_or(|l| c.level == Some(l)))
        .filter(|c| {
            filter
                .has_relations
                .is_none_or(|h| c.relations_date.is_some() == h)
        })
        .collect();
    match sort.0 {
        "code" => items.sort_by(|a, b| a.code.cmp(&b.code)),
        "relations_date" => items.sort_by_key(|c| (c.relations_date.is_none(), c.relations_date)),
        "level" => items.sort_by_key(|c| {
            (
                c.level.is_none(),
                c.level
                    .map(|l| PartnershipLevel::ALL.iter().position(|x| *x == l)),
            )
        }),
        _ => items.sort_by(|a, b| compare(&a.name_vi, &b.name_vi)),
    }
    if sort.1 {
        items.reverse();
    }
    let total = items.len() as i64;
    let page = items
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    Ok((page, total))
}

/// A country by its ISO alpha-2 code.
/// The id of the country with `code`, or an invalid-input error naming `field`.
pub async fn id_for(conn: &mut Conn, field: &str, code: &CountryCode) -> Result<i64> {
    match get(conn, code).await {
        Ok(c) => Ok(c.id),
        Err(Error::NotFound(_)) => Err(Error::invalid(
            field,
            amity_domain::error::said("no-country", [("value", code.as_str().to_owned())]),
        )),
        Err(e) => Err(e),
    }
}

pub async fn get(conn: &mut Conn, code: &CountryCode) -> Result<Country> {
    let row: Row = conn
        .fetch_optional(
            Query::select()
                .columns(COLUMNS)
                .from(Countries::Table)
                .and_where(Expr::col(Countries::Code).eq(code.as_str())),
        )
        .await?
        .ok_or(Error::NotFound("country"))?;
    let levels = levels_by_country(conn, Some(row.id)).await?;
    let l = levels.get(&row.id);
    Ok(to_country(row, l))
}

/// A country's partnership levels over time, oldest first.
pub async fn levels(conn: &mut Conn, country: &Country) -> Result<Vec<LevelRecord>> {
    Ok(levels_by_country(conn, Some(country.id))
        .await?
        .remove(&country.id)
        .unwrap_or_default())
}

/// Corrections to a country's relations; `None` leaves a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct CountryPatch {
    pub relations: Option<Option<PartialDate>>,
    pub relations_note: Option<Option<String>>,
    pub source: Option<Option<String>>,
}

fn to_json(c: &Country) -> Value {
    serde_json::to_value(c).unwrap_or(Value::Null)
}

async fn record(conn: &mut Conn, actor: &Actor, before: &Country, after: &Country) -> Result<()> {
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: after.id,
            unit_id: None,
            before: Some(&to_json(before)),
            after: Some(&to_json(after)),
        },
    )
    .await
}

/// Completes or corrects a country's relations (administrators), audited.
pub async fn update(
    conn: &mut Conn,
    actor: &Actor,
    code: &CountryCode,
    patch: &CountryPatch,
) -> Result<Country> {
    actor.require(Action::ManageReference, None)?;
    let before = get(conn, code).await?;
    let mut update = Query::update();
    update
        .table(Countries::Table)
        .value(Countries::UpdatedAt, Utc::now())
        .and_where(Expr::col(Countries::Id).eq(before.id));
    if let Some(relations) = patch.relations {
        update.value(Countries::RelationsDate, relations.map(|r| r.date));
        update.value(
            Countries::RelationsPrecision,
            relations.map(|r| r.precision.as_str()),
        );
    }
    if let Some(note) = &patch.relations_note {
        update.value(Countries::RelationsNote, note.clone());
    }
    if let Some(source) = &patch.source {
        update.value(Countries::Source, source.clone());
    }
    conn.execute(&update).await?;
    let after = get(conn, code).await?;
    record(conn, actor, &before, &after).await?;
    Ok(after)
}

/// A partnership level reached on a date (or at an unknown date).
#[derive(Debug, Clone)]
pub struct NewLevel {
    pub level: PartnershipLevel,
    pub since: Option<PartialDate>,
    pub note: Option<String>,
    pub source: Option<String>,
}

async fn insert_level(conn: &mut Conn, country_id: i64, level: &NewLevel) -> Result<()> {
    conn.execute(
        Query::insert()
            .into_table(CountryLevels::Table)
            .columns([
                CountryLevels::CountryId,
                CountryLevels::Level,
                CountryLevels::Since,
                CountryLevels::SincePrecision,
                CountryLevels::Note,
                CountryLevels::Source,
            ])
            .values_panic([
                country_id.into(),
                level.level.as_str().into(),
                level.since.map(|s| s.date).into(),
                level.since.map(|s| s.precision.as_str()).into(),
                level.note.clone().into(),
                level.source.clone().into(),
            ]),
    )
    .await?;
    Ok(())
}

/// Records a new partnership level (an upgrade) in the country's history (administrators),
/// audited with the current level before → after.
pub async fn add_level(
    conn: &mut Conn,
    actor: &Actor,
    code: &CountryCode,
    level: &NewLevel,
) -> Result<Country> {
    actor.require(Action::ManageReference, None)?;
    let before = get(conn, code).await?;
    insert_level(conn, before.id, level).await?;
    let after = get(conn, code).await?;
    record(conn, actor, &before, &after).await?;
    Ok(after)
}

/// A named commemorative year (e.g. "Năm Đoàn kết Hữu nghị Việt Nam – Lào 2022").
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Commemoration {
    pub id: i64,
    pub title: String,
    pub year: i32,
    pub country_id: Option<i64>,
    pub note: Option<String>,
}

pub async fn commemorations(
    conn: &mut Conn,
    from_year: i32,
    to_year: i32,
) -> Result<Vec<Commemoration>> {
    conn.fetch_all(
        Query::select()
            .columns([
                Commemorations::Id,
                Commemorations::Title,
                Commemorations::Year,
                Commemorations::CountryId,
                Commemorations::Note,
            ])
            .from(Commemorations::Table)
            .and_where(Expr::col(Commemorations::Year).gte(from_year))
            .and_where(Expr::col(Commemorations::Year).lte(to_year))
            .order_by(Commemorations::Year, Order::Asc)
            .order_by(Commemorations::Id, Order::Asc),
    )
    .await
}

/// Records a commemorative year (administrators), audited.
pub async fn add_commemoration(
    conn: &mut Conn,
    actor: &Actor,
    title: &str,
    year: i32,
    country: Option<&CountryCode>,
    note: Option<String>,
) -> Result<Commemoration> {
    actor.require(Action::ManageReference, None)?;
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut check = amity_domain::error::Checker::new();
    if title.is_empty() {
        check.push("title", amity_domain::error::Problem::Empty);
    }
    if !(1900..=2200).contains(&year) {
        check.push(
            "year",
            amity_domain::error::Problem::OutOfRange {
                min: 1900,
                max: 2200,
            },
        );
    }
    check.finish()?;
    let country_id = match country {
        Some(code) => Some(id_for(conn, "country", code).await?),
        None => None,
    };
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(Commemorations::Table)
                .columns([
                    Commemorations::Title,
                    Commemorations::Year,
                    Commemorations::CountryId,
                    Commemorations::Note,
                    Commemorations::CreatedAt,
                ])
                .values_panic([
                    title.clone().into(),
                    year.into(),
                    country_id.into(),
                    note.clone().into(),
                    Utc::now().into(),
                ])
                .returning_col(Commemorations::Id),
        )
        .await?;
    let created = Commemoration {
        id,
        title,
        year,
        country_id,
        note,
    };
    let after = serde_json::to_value(&created).unwrap_or(Value::Null);
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: "commemoration",
            entity_id: id,
            unit_id: None,
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    Ok(created)
}

/// Plain inserts for the reference import.
pub(crate) mod bulk {
    use super::*;

    pub struct NewCountry<'a> {
        pub code: &'a str,
        pub alpha3: &'a str,
        pub numeric: &'a str,
        pub name_en: &'a str,
        pub name_vi: &'a str,
        pub region: Option<&'a str>,
        pub sub_region: Option<&'a str>,
        pub relations: Option<PartialDate>,
        pub relations_note: Option<&'a str>,
        pub source: Option<&'a str>,
    }

    pub async fn insert(conn: &mut Conn, c: &NewCountry<'_>) -> Result<i64> {
        let id = conn
            .insert_id(
                Query::insert()
                    .into_table(Countries::Table)
                    .columns([
                        Countries::Code,
                        Countries::Alpha3,
                        Countries::Numeric,
                        Countries::NameEn,
                        Countries::NameVi,
                        Countries::NameKey,
                        Countries::Region,
                        Countries::SubRegion,
                        Countries::RelationsDate,
                        Countries::RelationsPrecision,
                        Countries::RelationsNote,
                        Countries::Source,
                        Countries::UpdatedAt,
                    ])
                    .values_panic([
                        c.code.into(),
                        c.alpha3.into(),
                        c.numeric.into(),
                        c.name_en.into(),
                        c.name_vi.into(),
                        sort_key(c.name_vi).into(),
                        c.region.map(str::to_owned).into(),
                        c.sub_region.map(str::to_owned).into(),
                        c.relations.map(|r| r.date).into(),
                        c.relations.map(|r| r.precision.as_str()).into(),
                        c.relations_note.map(str::to_owned).into(),
                        c.source.map(str::to_owned).into(),
                        Utc::now().into(),
                    ])
                    .returning_col(Countries::Id),
            )
            .await?;
        search::put(
            conn,
            &Doc {
                entity_type: ENTITY,
                entity_id: id,
                unit_id: None,
                title: c.name_vi.to_owned(),
                subtitle: Some(format!("{} · {}", c.code, c.name_en)),
                key: c.code.to_owned(),
                extra: format!("{} {}", c.alpha3, c.name_en),
            },
        )
        .await?;
        Ok(id)
    }

    pub async fn level(conn: &mut Conn, country_id: i64, level: &NewLevel) -> Result<()> {
        insert_level(conn, country_id, level).await
    }
}
