//! Events: friendship exchanges, celebrations, conferences, contests, donations, ceremonies,
//! trainings, cultural exchanges, memorials, organized by a unit (with co-organizers), with
//! partners, countries concerned and participant counts.
//!
//! An event is a record of its organizing unit; every write is audited and moves the live
//! totals ([`crate::totals`]) in the same transaction.

use std::collections::{BTreeSet, HashMap};

use amity_domain::activity::{Channel, EventType};
use amity_domain::authz::{Action, Actor};
use amity_domain::error::Problem;
use amity_domain::event::{EventDraft, EventSpec};
use amity_domain::partner::Vocabulary;
use amity_domain::text::sort_key;
use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Cond, Expr, ExprTrait, Query, SimpleExpr};
use serde::Serialize;

use crate::activity::{self, ActivityFilter, LinkType, ListTable, TaskRef};
use crate::audit::AuditAction;
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{Countries, Events};
use crate::search::Doc;
use crate::totals::Contribution;
use crate::{country, org, partner};

pub(crate) const ENTITY: &str = "event";

/// A country as an event names it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CountryRef {
    pub code: String,
    pub name_vi: String,
}

/// A unit as an event names it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct UnitName {
    pub id: i64,
    pub name: String,
}

/// An event as read back.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    pub owner_unit_id: i64,
    pub owner_unit_name: String,
    pub event_type: EventType,
    pub channel: Channel,
    /// How many sites an online or hybrid event connected (*điểm cầu*), when known.
    pub connected_sites: Option<i64>,
    pub title: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// The country it took place in (Vietnam for a province).
    pub place_country: Option<CountryRef>,
    /// The province or foreign city, in words.
    pub place: Option<String>,
    pub participants: i64,
    pub foreign_participants: i64,
    pub description: Option<String>,
    pub results: Option<String>,
    pub co_organizers: Vec<UnitName>,
    pub partners: Vec<crate::delegation::PartnerMet>,
    pub countries: Vec<CountryRef>,
    pub tasks: Vec<TaskRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    owner_unit_id: i64,
    event_type: String,
    channel: String,
    title: String,
    start_on: NaiveDate,
    end_on: NaiveDate,
    place_country_id: Option<i64>,
    place: Option<String>,
    participants: i64,
    foreign_participants: i64,
    description: Option<String>,
    results: Option<String>,
    connected_sites: Option<i32>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const COLUMNS: [Events; 16] = [
    Events::Id,
    Events::OwnerUnitId,
    Events::EventType,
    Events::Channel,
    Events::Title,
    Events::StartOn,
    Events::EndOn,
    Events::PlaceCountryId,
    Events::Place,
    Events::Participants,
    Events::ForeignParticipants,
    Events::Description,
    Events::Results,
    Events::ConnectedSites,
    Events::CreatedAt,
    Events::UpdatedAt,
];

/// The columns an event's spec sets, with their values: one list for insert and update.
fn written(
    spec: &EventSpec,
    place_country: Option<i64>,
    now: DateTime<Utc>,
) -> Vec<(Events, SimpleExpr)> {
    vec![
        (Events::EventType, spec.event_type.as_str().into()),
        (Events::Channel, spec.channel.as_str().into()),
        (Events::ConnectedSites, spec.connected_sites.into()),
        (Events::Title, spec.title.as_str().into()),
        (Events::TitleKey, sort_key(&spec.title).into()),
        (Events::StartOn, spec.start_on.into()),
        (Events::EndOn, spec.end_on.into()),
        (Events::PlaceCountryId, place_country.into()),
        (Events::Place, spec.place.clone().into()),
        (Events::Participants, spec.participants.into()),
        (
            Events::ForeignParticipants,
            spec.foreign_participants.into(),
        ),
        (Events::Description, spec.description.clone().into()),
        (Events::Results, spec.results.clone().into()),
        (Events::UpdatedAt, now.into()),
    ]
}

/// Countries by id, as an event names them.
async fn country_refs(conn: &mut Conn, ids: &[i64]) -> Result<HashMap<i64, CountryRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String, String)> = conn
        .fetch_all(
            Query::select()
                .columns([Countries::Id, Countries::Code, Countries::NameVi])
                .from(Countries::Table)
                .and_where(Expr::col(Countries::Id).is_in(ids.iter().copied())),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name_vi)| (id, CountryRef { code, name_vi }))
        .collect())
}

/// Events with their links, read in a fixed number of queries whatever their number (one more
/// for each distinct partner).
async fn load_many(conn: &mut Conn, rows: Vec<Row>) -> Result<Vec<Event>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut co = activity::targets_of_many(conn, ENTITY, &ids, LinkType::Unit).await?;
    let mut partner_links =
        activity::targets_of_many(conn, ENTITY, &ids, LinkType::Partner).await?;
    let mut country_links =
        activity::targets_of_many(conn, ENTITY, &ids, LinkType::Country).await?;
    let mut task_links = activity::targets_of_many(conn, ENTITY, &ids, LinkType::Task).await?;
    let units = org::unit_refs(
        conn,
        rows.iter()
            .map(|r| r.owner_unit_id)
            .chain(co.values().flatten().copied())
            .collect(),
    )
    .await?;
    let partners = crate::delegation::partners_met(conn, &partner_links).await?;
    let country_ids: Vec<i64> = country_links
        .values()
        .flatten()
        .copied()
        .chain(rows.iter().filter_map(|r| r.place_country_id))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let countries = country_refs(conn, &country_ids).await?;
    let all_tasks: Vec<i64> = task_links.values().flatten().copied().collect();
    let tasks: HashMap<i64, TaskRef> = activity::task_refs(conn, &all_tasks)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id;
        let stored = |what: &str, e: Problem| {
            Error::Other(anyhow::anyhow!("stored {what} of event {id}: {e}"))
        };
        let name = |u: &i64| units.get(u).map(|u| u.name.clone()).unwrap_or_default();
        out.push(Event {
            id,
            owner_unit_id: row.owner_unit_id,
            owner_unit_name: name(&row.owner_unit_id),
            event_type: row.event_type.parse().map_err(|e| stored("type", e))?,
            channel: row.channel.parse().map_err(|e| stored("channel", e))?,
            connected_sites: row.connected_sites.map(i64::from),
            title: row.title,
            start_on: row.start_on,
            end_on: row.end_on,
            place_country: row
                .place_country_id
                .and_then(|c| countries.get(&c).cloned()),
            place: row.place,
            participants: row.participants,
            foreign_participants: row.foreign_participants,
            description: row.description,
            results: row.results,
            co_organizers: co
                .remove(&id)
                .unwrap_or_default()
                .iter()
                .filter(|u| units.contains_key(u))
                .map(|u| UnitName {
                    id: *u,
                    name: name(u),
                })
                .collect(),
            partners: partner_links
                .remove(&id)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| partners.get(p).cloned())
                .collect(),
            countries: country_links
                .remove(&id)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| countries.get(c).cloned())
                .collect(),
            tasks: task_links
                .remove(&id)
                .unwrap_or_default()
                .iter()
                .filter_map(|t| tasks.get(t).cloned())
                .collect(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        });
    }
    Ok(out)
}

async fn fetch(conn: &mut Conn, id: i64) -> Result<Event> {
    LIST.fetch(conn, COLUMNS, id, load_many).await
}

/// An event the actor may read; others are reported as not found.
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Event> {
    LIST.get(conn, actor, COLUMNS, id, load_many).await
}

/// The draft that gives back `e` as it is: the edit form's first values, and what a PATCH
/// changes only in the fields it names.
pub fn draft_of(e: &Event) -> EventDraft {
    let ids = |ids: &mut dyn Iterator<Item = i64>| ids.map(|id| id.to_string()).collect();
    EventDraft {
        event_type: e.event_type.as_str().into(),
        channel: e.channel.as_str().into(),
        connected_sites: e.connected_sites.map(|n| n.to_string()).unwrap_or_default(),
        title: e.title.clone(),
        start_on: amity_domain::text::format_date(e.start_on),
        end_on: amity_domain::text::format_date(e.end_on),
        place_country: e
            .place_country
            .as_ref()
            .map(|c| c.code.clone())
            .unwrap_or_default(),
        place: e.place.clone().unwrap_or_default(),
        participants: e.participants.to_string(),
        foreign_participants: e.foreign_participants.to_string(),
        description: e.description.clone().unwrap_or_default(),
        results: e.results.clone().unwrap_or_default(),
        countries: vec![
            e.countries
                .iter()
                .map(|c| c.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ],
        partners: ids(&mut e.partners.iter().map(|p| p.id)),
        tasks: ids(&mut e.tasks.iter().map(|t| t.id)),
        co_organizers: ids(&mut e.co_organizers.iter().map(|u| u.id)),
    }
}

async fn write_links(conn: &mut Conn, actor: &Actor, id: i64, input: &EventSpec) -> Result<()> {
    for u in &input.co_organizers {
        if org::unit_refs(conn, [*u].into()).await?.is_empty() {
            return Err(Error::invalid(
                "co_organizers",
                amity_domain::error::Problem::NoSuchRecord {
                    kind: "unit",
                    id: *u,
                },
            ));
        }
    }
    for p in &input.partners {
        partner::get(conn, *p).await.map_err(|_| {
            Error::invalid(
                "partners",
                amity_domain::error::Problem::NoSuchRecord {
                    kind: "partner",
                    id: *p,
                },
            )
        })?;
    }
    let mut countries = Vec::new();
    for c in &input.countries {
        countries.push(country::id_for(conn, "countries", c).await?);
    }
    activity::check_tasks(conn, actor, &input.tasks).await?;
    activity::set_targets(conn, ENTITY, id, LinkType::Unit, &input.co_organizers).await?;
    activity::set_targets(conn, ENTITY, id, LinkType::Partner, &input.partners).await?;
    activity::set_targets(conn, ENTITY, id, LinkType::Country, &countries).await?;
    activity::set_targets(conn, ENTITY, id, LinkType::Task, &input.tasks).await
}

/// Records an event organized by `owner_unit` (default: the actor's unit).
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    input: &EventSpec,
    owner_unit: Option<i64>,
) -> Result<Event> {
    let owner = org::writing_unit(conn, actor, "owner_unit_id", owner_unit).await?;
    org::require_open_on(conn, owner, input.start_on).await?;
    let place_country = place_country_id(conn, input).await?;
    let now = Utc::now();
    let written = [
        (Events::OwnerUnitId, owner.into()),
        (Events::CreatedAt, now.into()),
    ]
    .into_iter()
    .chain(written(input, place_country, now));
    let id = LIST.insert(conn, written.unzip()).await?;
    write_links(conn, actor, id, input).await?;
    let created = fetch(conn, id).await?;
    activity::record(conn, actor, AuditAction::Create, None, Some(&created)).await?;
    Ok(created)
}

/// Replaces an event's details (its organizing unit's staff), audited before → after.
pub async fn update(conn: &mut Conn, actor: &Actor, id: i64, input: &EventSpec) -> Result<Event> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    org::require_open_on(conn, before.owner_unit_id, input.start_on).await?;
    let place_country = place_country_id(conn, input).await?;
    LIST.update(conn, id, written(input, place_country, Utc::now()))
        .await?;
    write_links(conn, actor, id, input).await?;
    let after = fetch(conn, id).await?;
    activity::record(
        conn,
        actor,
        AuditAction::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// The id of the country an event took place in, when it names one.
async fn place_country_id(conn: &mut Conn, input: &EventSpec) -> Result<Option<i64>> {
    Ok(match &input.place_country {
        Some(c) => Some(country::id_for(conn, "place_country", c).await?),
        None => None,
    })
}

/// Deletes an event recorded by mistake (its unit's staff); the audit keeps what it was.
pub async fn delete(conn: &mut Conn, actor: &Actor, id: i64) -> Result<()> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    LIST.delete(conn, id).await?;
    activity::record(conn, actor, AuditAction::Delete, Some(&before), None).await
}

/// The event table as its list reads it.
const LIST: ListTable<Events> = ListTable {
    entity: ENTITY,
    table: Events::Table,
    id: Events::Id,
    owner: Events::OwnerUnitId,
    start: Events::StartOn,
};

/// Which events a list shows.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// The period, units, country (where it was held or concerned), partner and words.
    pub shared: ActivityFilter,
    pub event_type: Option<EventType>,
}

/// The sort fields of the event list.
pub const SORT_FIELDS: [&str; 5] = ["start_on", "title", "participants", "type", "id"];

/// Events the actor may read, filtered and sorted.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    filter: &EventFilter,
    sort: (&str, bool),
    limit: u64,
    offset: u64,
) -> Result<(Vec<Event>, i64)> {
    let mut cond = LIST.shared_cond(conn, actor, &filter.shared);
    if let Some(t) = filter.event_type {
        cond = cond.add(Expr::col(Events::EventType).eq(t.as_str()));
    }
    if let Some(code) = &filter.shared.country {
        let id = country::id_for(conn, "country", code).await?;
        cond = cond.add(
            Cond::any()
                .add(Expr::col(Events::PlaceCountryId).eq(id))
                .add(Expr::col(Events::Id).in_subquery(activity::linked_to(
                    ENTITY,
                    LinkType::Country,
                    id,
                ))),
        );
    }
    let column = match sort.0 {
        "title" => Events::TitleKey,
        "participants" => Events::Participants,
        "type" => Events::EventType,
        "id" => Events::Id,
        _ => Events::StartOn,
    };
    let (rows, total): (Vec<Row>, i64) = LIST
        .page(conn, COLUMNS, cond, (column, sort.1), limit, offset)
        .await?;
    Ok((load_many(conn, rows).await?, total))
}

/// Every event's contribution, recomputed from the records (for `amity check`).
pub(crate) async fn all_contributions(conn: &mut Conn) -> Result<Vec<Contribution>> {
    LIST.contributions(conn, COLUMNS, load_many).await
}

impl activity::Activity for Event {
    const ENTITY: &'static str = ENTITY;
    fn id(&self) -> i64 {
        self.id
    }
    fn owner_unit_id(&self) -> i64 {
        self.owner_unit_id
    }
    fn start_on(&self) -> NaiveDate {
        self.start_on
    }
    /// What the event adds to the live totals, in the month it starts.
    fn contribution(&self) -> Contribution {
        let mut c = Contribution::default();
        c.add(
            self.owner_unit_id,
            self.start_on,
            format!("events:{}", self.event_type.as_str()),
            1,
        );
        c.add(
            self.owner_unit_id,
            self.start_on,
            "participants",
            self.participants,
        );
        c.add(
            self.owner_unit_id,
            self.start_on,
            "foreign_participants",
            self.foreign_participants,
        );
        c.add_countries(
            self.owner_unit_id,
            self.start_on,
            self.countries.iter().map(|c| c.code.as_str()),
        );
        c
    }
    fn search_doc(&self) -> Doc {
        activity::search_doc(
            ENTITY,
            (self.id, self.owner_unit_id),
            &self.title,
            &self.owner_unit_name,
            self.partners
                .iter()
                .map(|p| p.name.clone())
                .chain(self.place.clone()),
        )
    }
}
