//! The IATI 2.03 activity file of aid projects: `iati-activities` with one `iati-activity` per
//! project, its titles and descriptions in Vietnamese and English, the NGOs with their roles,
//! status and dates, Viet Nam as recipient country, sectors (DAC 5-digit) with percentages, a
//! budget per calendar year (the year's commitments), every transaction in the currency it was
//! made in, and its results (each indicator's baseline, and its target and actual over the
//! project's planned period).
//!
//! A project's documents are not linked: IATI's `document-link` is for documents the public
//! can open, and a project's documents are read within its unit's scope only.
//!
//! Elements are written in the order the 2.03 schema's sequences require;
//! `data/reference/iati/iati-activities-schema.xsd` validates the result in the tests.

use std::collections::BTreeMap;
use std::io;

use amity_domain::aid::TransactionKind;
use amity_store::aid::Project;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use rust_decimal::Decimal;

/// The identifier prefix of the reporting organization.
pub const REPORTING_ORG: &str = "VN-VUFO";
pub const CONTENT_TYPE: &str = "application/xml; charset=utf-8";

type W = Writer<Vec<u8>>;

/// Vietnamese narrative, then English when given.
fn narratives(w: &mut W, vi: &str, en: Option<&str>) -> io::Result<()> {
    w.create_element("narrative")
        .write_text_content(BytesText::new(vi))?;
    if let Some(en) = en.filter(|e| !e.is_empty()) {
        w.create_element("narrative")
            .with_attribute(("xml:lang", "en"))
            .write_text_content(BytesText::new(en))?;
    }
    Ok(())
}

fn date(w: &mut W, element: &str, kind: &str, day: NaiveDate) -> io::Result<()> {
    w.create_element(element)
        .with_attributes([("iso-date", day.to_string().as_str()), ("type", kind)])
        .write_empty()?;
    Ok(())
}

fn activity(w: &mut W, p: &Project) -> io::Result<()> {
    w.create_element("iati-activity")
        .with_attributes([
            (
                "last-updated-datetime",
                p.updated_at
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string()
                    .as_str(),
            ),
            ("xml:lang", "vi"),
            ("default-currency", "VND"),
        ])
        .write_inner_content(|w| {
            w.create_element("iati-identifier")
                .write_text_content(BytesText::new(&format!("{REPORTING_ORG}-{}", p.code)))?;
            w.create_element("reporting-org")
                .with_attributes([("ref", REPORTING_ORG), ("type", "22")])
                .write_inner_content(|w| {
                    narratives(
                        w,
                        "Liên hiệp các tổ chức hữu nghị Việt Nam",
                        Some("Vietnam Union of Friendship Organizations"),
                    )
                })?;
            w.create_element("title")
                .write_inner_content(|w| narratives(w, &p.title_vi, p.title_en.as_deref()))?;
            w.create_element("description")
                .with_attribute(("type", "1"))
                .write_inner_content(|w| {
                    narratives(w, p.description.as_deref().unwrap_or(&p.title_vi), None)
                })?;
            for o in &p.organizations {
                let role = o.role.iati_code().to_string();
                w.create_element("participating-org")
                    .with_attributes([("role", role.as_str()), ("type", "21")])
                    .write_inner_content(|w| narratives(w, &o.name, None))?;
            }
            w.create_element("participating-org")
                .with_attribute(("role", "4"))
                .write_inner_content(|w| narratives(w, &p.unit.name, None))?;
            let status = p.status.iati_code().to_string();
            w.create_element("activity-status")
                .with_attribute(("code", status.as_str()))
                .write_empty()?;
            date(w, "activity-date", "1", p.planned_start)?;
            if let Some(d) = p.actual_start {
                date(w, "activity-date", "2", d)?;
            }
            date(w, "activity-date", "3", p.planned_end)?;
            if let Some(d) = p.actual_end {
                date(w, "activity-date", "4", d)?;
            }
            w.create_element("recipient-country")
                .with_attributes([("code", "VN"), ("percentage", "100")])
                .write_empty()?;
            for s in &p.sectors {
                let pct = s.percent.normalize().to_string();
                w.create_element("sector")
                    .with_attributes([
                        ("vocabulary", "1"),
                        ("code", s.key.as_str()),
                        ("percentage", pct.as_str()),
                    ])
                    .write_empty()?;
            }
            budgets(w, p)?;
            for t in &p.transactions {
                let code = t.kind.iati_code().to_string();
                w.create_element("transaction").write_inner_content(|w| {
                    w.create_element("transaction-type")
                        .with_attribute(("code", code.as_str()))
                        .write_empty()?;
                    w.create_element("transaction-date")
                        .with_attribute(("iso-date", t.date.to_string().as_str()))
                        .write_empty()?;
                    w.create_element("value")
                        .with_attributes([
                            ("currency", t.currency.as_str()),
                            ("value-date", t.date.to_string().as_str()),
                        ])
                        .write_text_content(BytesText::new(&t.amount.normalize().to_string()))?;
                    Ok(())
                })?;
            }
            results(w, p)
        })?;
    Ok(())
}

/// A result per indicator: its baseline, and its target and actual over the project's planned
/// period.
fn results(w: &mut W, p: &Project) -> io::Result<()> {
    for r in &p.results {
        let kind = r.kind.iati_code().to_string();
        w.create_element("result")
            .with_attribute(("type", kind.as_str()))
            .write_inner_content(|w| {
                w.create_element("title").write_inner_content(|w| {
                    narratives(w, &r.indicator_vi, r.indicator_en.as_deref())
                })?;
                let measure = r.measure.iati_code().to_string();
                w.create_element("indicator")
                    .with_attribute(("measure", measure.as_str()))
                    .write_inner_content(|w| {
                        w.create_element("title").write_inner_content(|w| {
                            narratives(w, &r.indicator_vi, r.indicator_en.as_deref())
                        })?;
                        if let (Some(value), Some(year)) = (r.baseline, r.baseline_year) {
                            let (value, year) = (value.normalize().to_string(), year.to_string());
                            w.create_element("baseline")
                                .with_attributes([
                                    ("year", year.as_str()),
                                    ("value", value.as_str()),
                                ])
                                .write_empty()?;
                        }
                        w.create_element("period").write_inner_content(|w| {
                            w.create_element("period-start")
                                .with_attribute(("iso-date", p.planned_start.to_string().as_str()))
                                .write_empty()?;
                            w.create_element("period-end")
                                .with_attribute(("iso-date", p.planned_end.to_string().as_str()))
                                .write_empty()?;
                            for (element, value) in [("target", r.target), ("actual", r.actual)] {
                                if let Some(value) = value {
                                    let value = value.normalize().to_string();
                                    w.create_element(element)
                                        .with_attribute(("value", value.as_str()))
                                        .write_empty()?;
                                }
                            }
                            Ok(())
                        })?;
                        Ok(())
                    })?;
                Ok(())
            })?;
    }
    Ok(())
}

/// One budget per calendar year of the project: that year's commitments, in đồng.
fn budgets(w: &mut W, p: &Project) -> io::Result<()> {
    let mut by_year: BTreeMap<i32, Decimal> = BTreeMap::new();
    for t in p
        .transactions
        .iter()
        .filter(|t| t.kind == TransactionKind::Commitment)
    {
        *by_year.entry(t.date.year()).or_default() += t.amount_vnd;
    }
    for (year, value) in by_year {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            continue;
        };
        let (start, end) = (first.max(p.planned_start), last.min(p.planned_end));
        let (start, end) = if start <= end {
            (start, end)
        } else {
            (first, last)
        };
        w.create_element("budget")
            .with_attributes([("type", "1"), ("status", "2")])
            .write_inner_content(|w| {
                w.create_element("period-start")
                    .with_attribute(("iso-date", start.to_string().as_str()))
                    .write_empty()?;
                w.create_element("period-end")
                    .with_attribute(("iso-date", end.to_string().as_str()))
                    .write_empty()?;
                w.create_element("value")
                    .with_attributes([
                        ("currency", "VND"),
                        ("value-date", start.to_string().as_str()),
                    ])
                    .write_text_content(BytesText::new(&value.normalize().to_string()))?;
                Ok(())
            })?;
    }
    Ok(())
}

/// The activity file of `projects`, generated at `at`.
pub fn activities(projects: &[Project], at: DateTime<Utc>) -> io::Result<Vec<u8>> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("iati-activities")
        .with_attributes([
            ("version", "2.03"),
            (
                "generated-datetime",
                at.format("%Y-%m-%dT%H:%M:%SZ").to_string().as_str(),
            ),
        ])
        .write_inner_content(|w| {
            for p in projects {
                activity(w, p)?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}
