//! A partner's history on one line of time: its founding, its links to our units, the people
//! who held posts there, its agreements and their yearly tasks, and the partners merged into
//! it, and the delegations and events that met it. Later modules (aid, articles) add theirs here.

use std::collections::BTreeSet;

use amity_domain::anniversary::Precision;
use amity_domain::authz::Actor;
use amity_domain::partner::{UnitRelation, Vocabulary};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::db::Conn;
use crate::error::Result;
use crate::{agreement, partner, person};

/// What a timeline entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Founded,
    Recorded,
    MergedIn,
    LinkStarts,
    LinkEnds,
    PositionStarts,
    PositionEnds,
    AgreementSigned,
    AgreementStarts,
    AgreementEnds,
    Task,
    Delegation,
    Event,
}

impl EntryKind {
    pub const ALL: &'static [EntryKind] = &[
        EntryKind::Founded,
        EntryKind::Recorded,
        EntryKind::MergedIn,
        EntryKind::LinkStarts,
        EntryKind::LinkEnds,
        EntryKind::PositionStarts,
        EntryKind::PositionEnds,
        EntryKind::AgreementSigned,
        EntryKind::AgreementStarts,
        EntryKind::AgreementEnds,
        EntryKind::Task,
        EntryKind::Delegation,
        EntryKind::Event,
    ];

    /// The message key of the kind's label.
    pub fn label_key(self) -> &'static str {
        match self {
            EntryKind::Founded => "timeline-founded",
            EntryKind::Recorded => "timeline-recorded",
            EntryKind::MergedIn => "timeline-merged-in",
            EntryKind::LinkStarts => "timeline-link-starts",
            EntryKind::LinkEnds => "timeline-link-ends",
            EntryKind::PositionStarts => "timeline-position-starts",
            EntryKind::PositionEnds => "timeline-position-ends",
            EntryKind::AgreementSigned => "timeline-agreement-signed",
            EntryKind::AgreementStarts => "timeline-agreement-starts",
            EntryKind::AgreementEnds => "timeline-agreement-ends",
            EntryKind::Task => "timeline-task",
            EntryKind::Delegation => "timeline-delegation",
            EntryKind::Event => "timeline-event",
        }
    }
}

/// One dated fact about a partner.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub date: NaiveDate,
    /// `year` for yearly tasks and year-only dates (then `date` is 1 January).
    pub precision: Precision,
    pub kind: EntryKind,
    /// The record concerned: an agreement's title, a person's name, a unit's name.
    pub subject: String,
    /// More about it: a position's title, an agreement's number or title.
    pub detail: Option<String>,
    /// How a linked unit relates to the partner.
    pub relation: Option<UnitRelation>,
    pub link: Option<String>,
}

/// A partner's timeline, newest first, and every year that has an entry (for the filter).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    pub entries: Vec<Entry>,
    pub years: Vec<i32>,
}

fn day(
    date: NaiveDate,
    kind: EntryKind,
    subject: &str,
    detail: Option<String>,
    link: Option<String>,
) -> Entry {
    Entry {
        date,
        precision: Precision::Day,
        kind,
        subject: subject.to_owned(),
        detail,
        relation: None,
        link,
    }
}

/// The timeline of `partner_id` as `actor` may see it (agreements only within their scope),
/// limited to `year` when given.
pub async fn for_partner(
    conn: &mut Conn,
    actor: &Actor,
    partner_id: i64,
    year: Option<i32>,
) -> Result<Timeline> {
    let p = partner::get(conn, partner_id).await?;
    let mut entries = Vec::new();
    if let Some(f) = p.founded {
        entries.push(Entry {
            date: f.date,
            precision: f.precision,
            kind: EntryKind::Founded,
            subject: p.name.clone(),
            detail: None,
            relation: None,
            link: None,
        });
    }
    entries.push(day(
        p.created_at.date_naive(),
        EntryKind::Recorded,
        &p.name,
        None,
        None,
    ));
    for m in partner::merged_into(conn, partner_id).await? {
        entries.push(day(
            m.updated_at.date_naive(),
            EntryKind::MergedIn,
            &m.name,
            None,
            Some(format!("/partners/{}", m.id)),
        ));
    }
    for link in partner::unit_links(conn, partner_id).await? {
        let url = Some(format!("/org-units/{}", link.unit.id));
        for (date, kind) in [
            (link.valid_from, EntryKind::LinkStarts),
            (link.valid_to, EntryKind::LinkEnds),
        ] {
            if let Some(date) = date {
                entries.push(Entry {
                    relation: Some(link.relation),
                    ..day(date, kind, &link.unit.name, None, url.clone())
                });
            }
        }
    }
    for (who, post) in person::at_partner(conn, actor, partner_id).await? {
        let url = Some(format!("/people/{}", who.id));
        if let Some(from) = post.valid_from {
            entries.push(day(
                from,
                EntryKind::PositionStarts,
                &who.name,
                Some(post.title.clone()),
                url.clone(),
            ));
        }
        if let Some(to) = post.valid_to {
            entries.push(day(
                to,
                EntryKind::PositionEnds,
                &who.name,
                Some(post.title.clone()),
                url,
            ));
        }
    }
    let (agreements, _) = agreement::list(
        conn,
        actor,
        &agreement::AgreementFilter {
            partner: Some(partner_id),
            ..Default::default()
        },
        10_000,
        0,
    )
    .await?;
    for a in agreements {
        let url = Some(format!("/agreements/{}", a.id));
        for (date, kind) in [
            (a.signed_on, EntryKind::AgreementSigned),
            (a.valid_from, EntryKind::AgreementStarts),
            (a.valid_to, EntryKind::AgreementEnds),
        ] {
            if let Some(date) = date {
                entries.push(day(date, kind, &a.title, a.number.clone(), url.clone()));
            }
        }
        for t in &a.tasks {
            let Some(date) = NaiveDate::from_ymd_opt(t.year, 1, 1) else {
                continue;
            };
            entries.push(Entry {
                date,
                precision: Precision::Year,
                kind: EntryKind::Task,
                subject: t.item.clone(),
                detail: Some(a.title.clone()),
                relation: None,
                link: url.clone(),
            });
        }
    }
    let met = crate::activity::ActivityFilter {
        partner: Some(partner_id),
        ..Default::default()
    };
    let delegations = crate::delegation::DelegationFilter {
        shared: met.clone(),
        ..Default::default()
    };
    for d in crate::delegation::list(conn, actor, &delegations, ("start_on", true), 10_000, 0)
        .await?
        .0
    {
        let detail = Some(format!("{} · {}", d.owner_unit_name, d.state.as_str()));
        entries.push(day(
            d.start_on,
            EntryKind::Delegation,
            &d.title,
            detail,
            Some(format!("/delegations/{}", d.id)),
        ));
    }
    let events = crate::event::EventFilter {
        shared: met,
        ..Default::default()
    };
    for e in crate::event::list(conn, actor, &events, ("start_on", true), 10_000, 0)
        .await?
        .0
    {
        entries.push(day(
            e.start_on,
            EntryKind::Event,
            &e.title,
            Some(e.owner_unit_name.clone()),
            Some(format!("/events/{}", e.id)),
        ));
    }
    let years: BTreeSet<i32> = entries.iter().map(|e| e.date.year()).collect();
    entries.retain(|e| year.is_none_or(|y| e.date.year() == y));
    entries.sort_by(|a, b| b.date.cmp(&a.date).then(a.subject.cmp(&b.subject)));
    Ok(Timeline {
        entries,
        years: years.into_iter().rev().collect(),
    })
}
