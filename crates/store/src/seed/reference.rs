//! The reference structure every database starts with: VUFO, the provincial unions of the 63
//! provinces before 2025-07-01 and of the 34 after, joined by the merge events, and the
//! countries with Vietnam's relations, imported from `data/reference/`.

use std::collections::HashMap;

use amity_domain::anniversary::PartialDate;
use amity_domain::authz::Actor;
use amity_domain::org::{ChangeKind, OrgCode, OrgKind, OrgName, Period};
use anyhow::Context;
use chrono::NaiveDate;
use sea_query::{Expr, ExprTrait, Query};
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, AuditAction, Entry};
use crate::country::{self, NewLevel};
use crate::db::{Conn, Db};
use crate::error::Result;
use crate::org::{self, Contact, NewUnit, bulk};
use crate::schema::{OrgParents, OrgUnits};

const ISO_COUNTRIES: &str =
    include_str!("../../../../data/reference/countries/iso3166_lukes_all.csv");
const COUNTRY_NAMES_VI: &str =
    include_str!("../../../../data/reference/countries/umpirsky_country-list_vi.csv");
const RELATIONS: &str =
    include_str!("../../../../data/reference/countries/vn_diplomatic_relations_partnerships.csv");
const PROVINCES_63: &str =
    include_str!("../../../../data/reference/vn_admin/vn_provinces_63_pre2025.csv");
const PROVINCES_34: &str =
    include_str!("../../../../data/reference/vn_admin/vn_provinces_34_post2025.csv");

/// The 63-province configuration dates from the Hà Tây merger of 1 August 2008.
pub fn era_63_start() -> NaiveDate {
    date(2008, 8, 1)
}

/// Resolution 202/2025/QH15: 34 provinces from 1 July 2025.
pub fn merger_date() -> NaiveDate {
    date(2025, 7, 1)
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date written in the code")
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct Pre {
    code: String,
    name_vi: String,
    short_name_vi: String,
    name_ascii: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct Post {
    code: String,
    name_vi: String,
    name_en: String,
    #[serde(rename = "type")]
    kind: String,
    merged_from_codes: String,
}

fn read_csv<T: for<'de> Deserialize<'de>>(text: &str) -> anyhow::Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .context("reading bundled province data")
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct IsoCountry {
    name: String,
    #[serde(rename = "alpha-2")]
    alpha2: String,
    #[serde(rename = "alpha-3")]
    alpha3: String,
    #[serde(rename = "country-code")]
    numeric: String,
    region: String,
    #[serde(rename = "sub-region")]
    sub_region: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct VietnameseName {
    id: String,
    value: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
struct Relation {
    iso2: String,
    relations_established: String,
    relations_note: String,
    partnership_level: String,
    partnership_since: String,
    partnership_note: String,
    source: String,
}

fn blank(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// Imports the ISO countries with Vietnamese names, Vietnam's relation dates and partnership
/// levels (each fact keeps its source; unknown dates stay empty) when the table is empty.
/// Returns how many countries it imported.
pub async fn ensure_countries(conn: &mut Conn) -> anyhow::Result<usize> {
    let (existing,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(crate::schema::Countries::Table),
        )
        .await?;
    if existing > 0 {
        return Ok(0);
    }
    let iso: Vec<IsoCountry> = read_csv(ISO_COUNTRIES)?;
    let vi: HashMap<String, String> = read_csv::<VietnameseName>(COUNTRY_NAMES_VI)?
        .into_iter()
        .map(|n| (n.id, n.value))
        .collect();
    let relations: HashMap<String, Relation> = read_csv::<Relation>(RELATIONS)?
        .into_iter()
        .map(|r| (r.iso2.clone(), r))
        .collect();
    for c in &iso {
        let relation = relations.get(&c.alpha2);
        let established = match relation.and_then(|r| blank(&r.relations_established)) {
            Some(d) => Some(
                PartialDate::parse(d)
                    .map_err(|e| anyhow::anyhow!("relations of {}: {e}", c.alpha2))?,
            ),
            None => None,
        };
        let id = country::bulk::insert(
            conn,
            &country::bulk::NewCountry {
                code: &c.alpha2,
                alpha3: &c.alpha3,
                numeric: &c.numeric,
                name_en: &c.name,
                name_vi: vi.get(&c.alpha2).map_or(c.name.as_str(), String::as_str),
                region: blank(&c.region),
                sub_region: blank(&c.sub_region),
                relations: established,
                relations_note: relation.and_then(|r| blank(&r.relations_note)),
                source: relation.and_then(|r| blank(&r.source)),
            },
        )
        .await?;
        if let Some(r) = relation
            && let Some(level) = blank(&r.partnership_level)
        {
            let since = match blank(&r.partnership_since) {
                Some(d) => Some(
                    PartialDate::parse(d)
                        .map_err(|e| anyhow::anyhow!("partnership of {}: {e}", c.alpha2))?,
                ),
                None => None,
            };
            let level = NewLevel {
                level: level
                    .parse()
                    .map_err(|e| anyhow::anyhow!("partnership of {}: {e}", c.alpha2))?,
                since,
                note: blank(&r.partnership_note).map(str::to_owned),
                source: blank(&r.source).map(str::to_owned),
            };
            country::bulk::level(conn, id, &level).await?;
        }
    }
    let summary = json!({ "countries": iso.len(), "with_relations_or_levels": relations.len() });
    audit::record(
        conn,
        &Actor::system(),
        Entry {
            action: AuditAction::ImportReference,
            entity_type: "country",
            entity_id: 0,
            unit_id: None,
            before: None,
            after: Some(&summary),
        },
    )
    .await?;
    Ok(iso.len())
}

/// "Tỉnh Quảng Bình" → "Liên hiệp các tổ chức hữu nghị tỉnh Quảng Bình".
fn union_name(province: &str) -> String {
    let mut chars = province.chars();
    let lowered: String = chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default();
    format!("Liên hiệp các tổ chức hữu nghị {lowered}")
}

fn union_name_en(province_en: &str) -> String {
    format!("{province_en} Union of Friendship Organizations")
}

pub(super) fn new_unit(
    kind: OrgKind,
    code: &str,
    name: &str,
    short: Option<&str>,
    en: Option<&str>,
    parent: Option<i64>,
    period: Period,
) -> anyhow::Result<NewUnit> {
    Ok(NewUnit {
        kind,
        code: Some(OrgCode::parse(code).map_err(|e| anyhow::anyhow!("code {code}: {e}"))?),
        name: OrgName::parse(name).map_err(|e| anyhow::anyhow!("name {name}: {e}"))?,
        short_name: short.map(str::to_owned),
        name_en: en.map(str::to_owned),
        parent_id: parent,
        period,
        contact: Contact::default(),
    })
}

/// The provincial unions created by [`import_provinces`], by code and era.
#[derive(Debug, Default)]
pub struct Provinces {
    /// Unions of the 63 provinces (before 2025-07-01), by province code.
    pub before: HashMap<String, i64>,
    /// Unions of the 34 provinces (from 2025-07-01), by province code.
    pub after: HashMap<String, i64>,
}

/// Creates a union per province over the right dates under `root`: the 63 from 2008, the 34 from
/// 2025-07-01, joined by merge events. A province that did not merge keeps its union (and id).
pub async fn import_provinces(conn: &mut Conn, root: i64) -> anyhow::Result<Provinces> {
    let pre: Vec<Pre> = read_csv(PROVINCES_63)?;
    let post: Vec<Post> = read_csv(PROVINCES_34)?;
    let continuing: HashMap<&str, &Post> = post
        .iter()
        .filter(|p| p.merged_from_codes == p.code)
        .map(|p| (p.code.as_str(), p))
        .collect();
    let mut out = Provinces::default();
    for p in &pre {
        let to = if continuing.contains_key(p.code.as_str()) {
            None
        } else {
            Some(merger_date().pred_opt().expect("a day before"))
        };
        let unit = new_unit(
            OrgKind::ProvinceUnion,
            &p.code,
            &union_name(&p.name_vi),
            Some(&p.short_name_vi),
            Some(&union_name_en(&p.name_ascii)),
            Some(root),
            Period {
                from: era_63_start(),
                to,
            },
        )?;
        let id = bulk::insert_unit(conn, &unit).await?;
        out.before.insert(p.code.clone(), id);
    }
    for p in &post {
        let short = p.name_vi.strip_prefix("Thành phố ").unwrap_or(&p.name_vi);
        let full = if p.name_vi.starts_with("Thành phố") {
            p.name_vi.clone()
        } else if p.kind.starts_with("Thành phố") {
            format!("Thành phố {}", p.name_vi)
        } else {
            format!("Tỉnh {}", p.name_vi)
        };
        let name = union_name(&full);
        let en = union_name_en(&p.name_en);
        if let Some(&id) = continuing
            .get(p.code.as_str())
            .and_then(|_| out.before.get(&p.code))
        {
            let current = org::get(conn, id, merger_date()).await?;
            if current.name != name {
                bulk::end_name(conn, id, merger_date()).await?;
                let parsed = OrgName::parse(&name).map_err(|e| anyhow::anyhow!("{e}"))?;
                bulk::add_name(
                    conn,
                    id,
                    &parsed,
                    Some(short.to_owned()),
                    Some(en),
                    Period {
                        from: merger_date(),
                        to: None,
                    },
                )
                .await?;
                bulk::event(
                    conn,
                    ChangeKind::Rename,
                    merger_date(),
                    Some("Sắp xếp đơn vị hành chính cấp tỉnh 2025"),
                    &[(Some(id), Some(id), None)],
                )
                .await?;
            }
            out.after.insert(p.code.clone(), id);
            continue;
        }
        let unit = new_unit(
            OrgKind::ProvinceUnion,
            &p.code,
            &name,
            Some(short),
            Some(&en),
            Some(root),
            Period {
                from: merger_date(),
                to: None,
            },
        )?;
        let id = bulk::insert_unit(conn, &unit).await?;
        let mut links = Vec::new();
        for old in p.merged_from_codes.split(';') {
            let old_id = *out
                .before
                .get(old)
                .with_context(|| format!("province {} lists unknown code {old}", p.code))?;
            links.push((Some(old_id), Some(id), Some(1.0)));
        }
        bulk::event(
            conn,
            ChangeKind::Merge,
            merger_date(),
            Some("Nghị quyết 202/2025/QH15: sắp xếp 63 tỉnh, thành phố thành 34"),
            &links,
        )
        .await?;
        out.after.insert(p.code.clone(), id);
    }
    Ok(out)
}

pub(super) async fn unit_count(conn: &mut Conn) -> Result<i64> {
    let (n,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(OrgUnits::Id).count())
                .from(OrgUnits::Table),
        )
        .await?;
    Ok(n)
}

/// Moves a unit under `parent` from `date`, keeping its earlier placement in history.
pub(super) async fn place_under(
    conn: &mut Conn,
    unit: i64,
    parent: i64,
    from: NaiveDate,
) -> anyhow::Result<()> {
    let current: Option<(i64, NaiveDate, Option<NaiveDate>)> = conn
        .fetch_optional(
            Query::select()
                .columns([OrgParents::Id, OrgParents::ValidFrom, OrgParents::ValidTo])
                .from(OrgParents::Table)
                .and_where(Expr::col(OrgParents::UnitId).eq(unit))
                .and_where(Expr::col(OrgParents::ValidFrom).lte(from))
                .and_where(
                    Expr::col(OrgParents::ValidTo)
                        .is_null()
                        .or(Expr::col(OrgParents::ValidTo).gte(from)),
                ),
        )
        .await?;
    let to = match current {
        Some((row, start, to)) if start >= from => {
            conn.execute(
                Query::delete()
                    .from_table(OrgParents::Table)
                    .and_where(Expr::col(OrgParents::Id).eq(row)),
            )
            .await?;
            to
        }
        Some((row, _, to)) => {
            conn.execute(
                Query::update()
                    .table(OrgParents::Table)
                    .value(OrgParents::ValidTo, from.pred_opt())
                    .and_where(Expr::col(OrgParents::Id).eq(row)),
            )
            .await?;
            to
        }
        None => None,
    };
    bulk::add_parent(conn, unit, parent, Period { from, to }).await?;
    Ok(())
}

pub(super) async fn reindex_all(conn: &mut Conn) -> anyhow::Result<()> {
    let ids: Vec<(i64,)> = conn
        .fetch_all(Query::select().column(OrgUnits::Id).from(OrgUnits::Table))
        .await?;
    for (id,) in ids {
        bulk::reindex(conn, id).await?;
    }
    Ok(())
}

/// On an empty database: VUFO and the provincial unions (no clusters, no accounts). Does
/// nothing when units exist. Returns whether it imported.
pub async fn base_structure(db: &Db) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    if unit_count(&mut tx).await? > 0 {
        return Ok(false);
    }
    ensure_countries(&mut tx).await?;
    let root = create_vufo(&mut tx).await?;
    let provinces = import_provinces(&mut tx, root).await?;
    reindex_all(&mut tx).await?;
    let summary = json!({ "provinces_before_2025": provinces.before.len(), "provinces_from_2025": provinces.after.len() });
    audit::record(
        &mut tx,
        &Actor::system(),
        Entry {
            action: AuditAction::ImportReference,
            entity_type: "org_unit",
            entity_id: root,
            unit_id: None,
            before: None,
            after: Some(&summary),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

pub(super) async fn create_vufo(conn: &mut Conn) -> anyhow::Result<i64> {
    let unit = new_unit(
        OrgKind::Central,
        "VUFO",
        "Liên hiệp các tổ chức hữu nghị Việt Nam",
        Some("Liên hiệp các tổ chức hữu nghị Việt Nam"),
        Some("Vietnam Union of Friendship Organizations"),
        None,
        Period {
            from: date(1950, 5, 17),
            to: None,
        },
    )?;
    Ok(bulk::insert_unit(conn, &unit).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_names_follow_the_province() {
        assert_eq!(
            union_name("Tỉnh Quảng Bình"),
            "Liên hiệp các tổ chức hữu nghị tỉnh Quảng Bình"
        );
        assert_eq!(
            union_name("Thành phố Đà Nẵng"),
            "Liên hiệp các tổ chức hữu nghị thành phố Đà Nẵng"
        );
    }

    #[test]
    fn bundled_country_data_reads() {
        assert_eq!(
            read_csv::<IsoCountry>(ISO_COUNTRIES).map(|v| v.len()).ok(),
            Some(249)
        );
        let relations = read_csv::<Relation>(RELATIONS).expect("relations");
        assert!(relations.iter().all(|r| {
            blank(&r.relations_established).is_none_or(|d| PartialDate::parse(d).is_ok())
        }));
    }

    #[test]
    fn bundled_data_has_63_and_34_provinces() {
        assert_eq!(
            read_csv::<Pre>(PROVINCES_63).map(|v| v.len()).ok(),
            Some(63)
        );
        assert_eq!(
            read_csv::<Post>(PROVINCES_34).map(|v| v.len()).ok(),
            Some(34)
        );
    }
}
