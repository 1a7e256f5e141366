//! The anniversary calendar: round years of diplomatic relations, of partners' foundings and
//! of agreements' signings, and the commemorative years an admin records.

use std::collections::HashMap;

use amity_domain::anniversary::{Precision, round_anniversaries};
use amity_domain::authz::Actor;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::country::{self, Country};
use crate::db::Conn;
use crate::error::Result;
use crate::{agreement, partner};

/// What an anniversary commemorates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnniversaryKind {
    DiplomaticRelations,
    CommemorativeYear,
    PartnerFounding,
    AgreementSigning,
}

/// One anniversary in a range, ready for the calendar and the iCalendar feed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AnniversaryItem {
    /// Stable across feeds, so calendar clients update rather than duplicate.
    pub uid: String,
    pub kind: AnniversaryKind,
    pub date: NaiveDate,
    /// `year` when only the year is known (then `date` is 1 January).
    pub precision: Precision,
    /// Years since the origin (`None` for a commemorative year).
    pub years: Option<u32>,
    pub major: bool,
    pub title_vi: String,
    pub title_en: String,
    pub country_code: Option<String>,
    /// The date commemorated, as written (`18/01/1950`, or `1972`).
    pub origin: Option<String>,
    /// The page of what is commemorated (a country, a partner, an agreement).
    pub link: Option<String>,
}

/// Every anniversary within `from..=to` the actor may see, in date order: relations and
/// foundings every fifth year, agreements' signings every fifth year (agreements in the
/// actor's read scope), and commemorative years.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AnniversaryItem>> {
    let countries = country::all(conn).await?;
    let mut items = Vec::new();
    for c in &countries {
        let Some(origin) = c.relations() else {
            continue;
        };
        for a in round_anniversaries(origin, from, to) {
            items.push(AnniversaryItem {
                uid: format!("relations-{}-{}@amity", c.code, a.date.year()),
                kind: AnniversaryKind::DiplomaticRelations,
                date: a.date,
                precision: a.precision,
                years: Some(a.years),
                major: a.major,
                title_vi: format!(
                    "Kỷ niệm {} năm thiết lập quan hệ ngoại giao Việt Nam – {}",
                    a.years, c.name_vi
                ),
                title_en: format!(
                    "{} years of diplomatic relations between Vietnam and {}",
                    a.years, c.name_en
                ),
                country_code: Some(c.code.clone()),
                origin: Some(origin.display()),
                link: Some(format!("/countries/{}", c.code)),
            });
        }
    }
    for (p, origin) in partner::foundings(conn).await? {
        for a in round_anniversaries(origin, from, to) {
            items.push(AnniversaryItem {
                uid: format!("founding-{}-{}@amity", p.id, a.date.year()),
                kind: AnniversaryKind::PartnerFounding,
                date: a.date,
                precision: a.precision,
                years: Some(a.years),
                major: a.major,
                title_vi: format!("Kỷ niệm {} năm thành lập {}", a.years, p.name),
                title_en: format!("{} years since the founding of {}", a.years, p.name),
                country_code: p.country_code.clone(),
                origin: Some(origin.display()),
                link: Some(format!("/partners/{}", p.id)),
            });
        }
    }
    for s in agreement::signings(conn, actor).await? {
        let origin = amity_domain::anniversary::PartialDate {
            date: s.signed_on,
            precision: Precision::Day,
        };
        for a in round_anniversaries(origin, from, to) {
            items.push(AnniversaryItem {
                uid: format!("signing-{}-{}@amity", s.id, a.date.year()),
                kind: AnniversaryKind::AgreementSigning,
                date: a.date,
                precision: a.precision,
                years: Some(a.years),
                major: a.major,
                title_vi: format!("Kỷ niệm {} năm ký {}", a.years, s.title),
                title_en: format!("{} years since the signing of {}", a.years, s.title),
                country_code: None,
                origin: Some(origin.display()),
                link: Some(format!("/agreements/{}", s.id)),
            });
        }
    }
    let by_id: HashMap<i64, &Country> = countries.iter().map(|c| (c.id, c)).collect();
    for m in country::commemorations(conn, from.year(), to.year()).await? {
        let Some(date) = NaiveDate::from_ymd_opt(m.year, 1, 1) else {
            continue;
        };
        let country = m.country_id.and_then(|id| by_id.get(&id));
        items.push(AnniversaryItem {
            uid: format!("commemoration-{}@amity", m.id),
            kind: AnniversaryKind::CommemorativeYear,
            date,
            precision: Precision::Year,
            years: None,
            major: true,
            title_vi: m.title.clone(),
            title_en: m.title.clone(),
            country_code: country.map(|c| c.code.clone()),
            origin: None,
            link: country.map(|c| format!("/countries/{}", c.code)),
        });
    }
    items.sort_by(|a, b| (a.date, &a.title_vi).cmp(&(b.date, &b.title_vi)));
    Ok(items)
}
