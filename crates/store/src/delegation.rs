//! Delegations: outbound (*đoàn ra*) and inbound (*đoàn vào*), from request through approval,
//! the trip itself and the report afterwards.
//!
//! A delegation is a record of the unit that sends or hosts it: read within scope, written by
//! that unit's staff, decided on as [`amity_domain::authz::delegation_move`] says. Every write
//! is audited and moves the live totals ([`crate::totals`]) in the same transaction.

use std::collections::{BTreeSet, HashMap};

use amity_domain::activity::{DelegationState, Direction, MemberRole};
use amity_domain::authz::{Action, Actor, delegation_move};
use amity_domain::delegation::{
    DelegationDraft, DelegationSpec, LegDraft, Member as DelegationMember, MemberDraft, MoneyDraft,
    Who,
};
use amity_domain::money::{Currency, Money};
use amity_domain::partner::Vocabulary;
use amity_domain::text::sort_key;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sea_query::{Expr, ExprTrait, Order, Query, SimpleExpr};
use serde::Serialize;
use serde_json::Value;

use crate::activity::{self, Activity, ActivityFilter, LinkType, ListTable, TaskRef};
use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{
    Countries, DelegationLegs, DelegationMembers, DelegationMoves, Delegations, People,
};
use crate::search::Doc;
use crate::totals::{self, Contribution};
use crate::{country, org, partner, person};

pub(crate) const ENTITY: &str = "delegation";

/// A member of a delegation: a person of the registry and their part in it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Member {
    pub person_id: i64,
    pub name: String,
    pub role: MemberRole,
}

/// The partners a page of delegations or events links to, each read once however many records
/// name it.
pub(crate) async fn partners_met(
    conn: &mut Conn,
    links: &HashMap<i64, Vec<i64>>,
) -> Result<HashMap<i64, PartnerMet>> {
    let mut met: HashMap<i64, PartnerMet> = HashMap::new();
    for p in links.values().flatten() {
        if !met.contains_key(p) {
            let found = partner::get(conn, *p).await?;
            met.insert(
                *p,
                PartnerMet {
                    id: found.id,
                    name: found.name,
                    country_code: found.country_code,
                },
            );
        }
    }
    Ok(met)
}

/// One leg of the itinerary.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Leg {
    pub country: String,
    pub country_name: String,
    pub city: Option<String>,
    pub from_on: NaiveDate,
    pub to_on: NaiveDate,
}

/// One move through the workflow, with the mover's comment.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = DelegationMove)]
pub struct Move {
    pub from: DelegationState,
    pub to: DelegationState,
    pub comment: Option<String>,
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A partner met, with its country (for the countries reached).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PartnerMet {
    pub id: i64,
    pub name: String,
    pub country_code: Option<String>,
}

/// A delegation as read back.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Delegation {
    pub id: i64,
    pub owner_unit_id: i64,
    pub owner_unit_name: String,
    pub direction: Direction,
    pub title: String,
    pub purpose: Option<String>,
    pub state: DelegationState,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub funding_source: Option<String>,
    pub budget: Option<Money>,
    /// The budget in đồng at the rate given.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub budget_vnd: Option<Decimal>,
    pub expected_outcomes: Option<String>,
    pub actual_outcomes: Option<String>,
    /// The report after the trip.
    pub report: Option<String>,
    /// The last reviewer's comment (why it was returned or rejected).
    pub review_comment: Option<String>,
    pub members: Vec<Member>,
    pub legs: Vec<Leg>,
    pub partners: Vec<PartnerMet>,
    pub tasks: Vec<TaskRef>,
    pub moves: Vec<Move>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Delegation {
    pub fn head(&self) -> Option<&Member> {
        self.members.iter().find(|m| m.role == MemberRole::Head)
    }

    /// Foreign countries the delegation reached: its legs' and its partners' countries.
    pub fn countries(&self) -> BTreeSet<String> {
        self.legs
            .iter()
            .map(|l| l.country.clone())
            .chain(self.partners.iter().filter_map(|p| p.country_code.clone()))
            .filter(|c| c != "VN")
            .collect()
    }
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    owner_unit_id: i64,
    direction: String,
    title: String,
    purpose: Option<String>,
    state: String,
    start_on: NaiveDate,
    end_on: NaiveDate,
    funding_source: Option<String>,
    budget_amount: Option<String>,
    budget_currency: Option<String>,
    exchange_rate: Option<String>,
    expected_outcomes: Option<String>,
    actual_outcomes: Option<String>,
    report: Option<String>,
    review_comment: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const COLUMNS: [Delegations; 18] = [
    Delegations::Id,
    Delegations::OwnerUnitId,
    Delegations::Direction,
    Delegations::Title,
    Delegations::Purpose,
    Delegations::State,
    Delegations::StartOn,
    Delegations::EndOn,
    Delegations::FundingSource,
    Delegations::BudgetAmount,
    Delegations::BudgetCurrency,
    Delegations::ExchangeRate,
    Delegations::ExpectedOutcomes,
    Delegations::ActualOutcomes,
    Delegations::Report,
    Delegations::ReviewComment,
    Delegations::CreatedAt,
    Delegations::UpdatedAt,
];

fn stored<T: std::str::FromStr<Err: std::fmt::Display>>(id: i64, what: &str, s: &str) -> Result<T> {
    s.parse()
        .map_err(|e| Error::Other(anyhow::anyhow!("stored {what} of delegation {id}: {e}")))
}

/// Reads the members, legs, partners, tasks and moves of several delegations, a query per
/// kind rather than per delegation.
async fn load_many(conn: &mut Conn, rows: Vec<Row>) -> Result<Vec<Delegation>> {
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let member_rows: Vec<(i64, i64, String, String)> = conn
        .fetch_all(
            Query::select()
                .column((DelegationMembers::Table, DelegationMembers::DelegationId))
                .column((DelegationMembers::Table, DelegationMembers::PersonId))
                .column((People::Table, People::Name))
                .column((DelegationMembers::Table, DelegationMembers::Role))
                .from(DelegationMembers::Table)
                .inner_join(
                    People::Table,
                    Expr::col((People::Table, People::Id))
                        .equals((DelegationMembers::Table, DelegationMembers::PersonId)),
                )
                .and_where(
                    Expr::col((DelegationMembers::Table, DelegationMembers::DelegationId))
                        .is_in(ids.iter().copied()),
                )
                .order_by(
                    (DelegationMembers::Table, DelegationMembers::Id),
                    Order::Asc,
                ),
        )
        .await?;
    let mut members: HashMap<i64, Vec<Member>> = HashMap::new();
    for (id, person_id, name, role) in member_rows {
        members.entry(id).or_default().push(Member {
            person_id,
            name,
            role: stored(id, "member role", &role)?,
        });
    }
    type LegRow = (i64, String, String, Option<String>, NaiveDate, NaiveDate);
    let leg_rows: Vec<LegRow> = conn
        .fetch_all(
            Query::select()
                .column((DelegationLegs::Table, DelegationLegs::DelegationId))
                .column((Countries::Table, Countries::Code))
                .column((Countries::Table, Countries::NameVi))
                .column((DelegationLegs::Table, DelegationLegs::City))
                .column((DelegationLegs::Table, DelegationLegs::FromOn))
                .column((DelegationLegs::Table, DelegationLegs::ToOn))
                .from(DelegationLegs::Table)
                .inner_join(
                    Countries::Table,
                    Expr::col((Countries::Table, Countries::Id))
                        .equals((DelegationLegs::Table, DelegationLegs::CountryId)),
                )
                .and_where(
                    Expr::col((DelegationLegs::Table, DelegationLegs::DelegationId))
                        .is_in(ids.iter().copied()),
                )
                .order_by((DelegationLegs::Table, DelegationLegs::FromOn), Order::Asc)
                .order_by((DelegationLegs::Table, DelegationLegs::Id), Order::Asc),
        )
        .await?;
    let mut legs: HashMap<i64, Vec<Leg>> = HashMap::new();
    for (id, country, country_name, city, from_on, to_on) in leg_rows {
        legs.entry(id).or_default().push(Leg {
            country,
            country_name,
            city,
            from_on,
            to_on,
        });
    }
    let partner_links = activity::targets_of_many(conn, ENTITY, &ids, LinkType::Partner).await?;
    let partners_met = partners_met(conn, &partner_links).await?;
    let task_links = activity::targets_of_many(conn, ENTITY, &ids, LinkType::Task).await?;
    let all_tasks: Vec<i64> = task_links.values().flatten().copied().collect();
    let task_refs: HashMap<i64, TaskRef> = activity::task_refs(conn, &all_tasks)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    type MoveRow = (
        i64,
        String,
        String,
        Option<String>,
        Option<i64>,
        DateTime<Utc>,
    );
    let move_rows: Vec<MoveRow> = conn
        .fetch_all(
            Query::select()
                .columns([
                    DelegationMoves::DelegationId,
                    DelegationMoves::FromState,
                    DelegationMoves::ToState,
                    DelegationMoves::Comment,
                    DelegationMoves::UserId,
                    DelegationMoves::At,
                ])
                .from(DelegationMoves::Table)
                .and_where(Expr::col(DelegationMoves::DelegationId).is_in(ids.iter().copied()))
                .order_by(DelegationMoves::Id, Order::Asc),
        )
        .await?;
    let mut moves: HashMap<i64, Vec<Move>> = HashMap::new();
    for (id, from, to, comment, user_id, at) in move_rows {
        moves.entry(id).or_default().push(Move {
            from: stored(id, "state", &from)?,
            to: stored(id, "state", &to)?,
            comment,
            user_id,
            at,
        });
    }
    let units = org::unit_refs(conn, rows.iter().map(|r| r.owner_unit_id).collect()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id;
        let budget = match (&row.budget_amount, &row.budget_currency) {
            (Some(a), Some(c)) => {
                let amount: Decimal = a.parse().map_err(|e| {
                    Error::Other(anyhow::anyhow!("stored budget of delegation {id}: {e}"))
                })?;
                let currency = Currency::parse(c).map_err(|e| Error::Other(anyhow::anyhow!(e)))?;
                let rate = row
                    .exchange_rate
                    .as_deref()
                    .map(str::parse::<Decimal>)
                    .transpose()
                    .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
                Some(
                    Money::new(amount, currency, rate)
                        .map_err(|e| Error::Other(anyhow::anyhow!(e)))?,
                )
            }
            _ => None,
        };
        out.push(Delegation {
            id,
            owner_unit_id: row.owner_unit_id,
            owner_unit_name: units
                .get(&row.owner_unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            direction: stored(id, "direction", &row.direction)?,
            title: row.title,
            purpose: row.purpose,
            state: stored(id, "state", &row.state)?,
            start_on: row.start_on,
            end_on: row.end_on,
            funding_source: row.funding_source,
            budget_vnd: budget.as_ref().map(Money::in_vnd),
            budget,
            expected_outcomes: row.expected_outcomes,
            actual_outcomes: row.actual_outcomes,
            report: row.report,
            review_comment: row.review_comment,
            members: members.remove(&id).unwrap_or_default(),
            legs: legs.remove(&id).unwrap_or_default(),
            partners: partner_links
                .get(&id)
                .into_iter()
                .flatten()
                .filter_map(|p| partners_met.get(p).cloned())
                .collect(),
            tasks: task_links
                .get(&id)
                .into_iter()
                .flatten()
                .filter_map(|t| task_refs.get(t).cloned())
                .collect(),
            moves: moves.remove(&id).unwrap_or_default(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        });
    }
    Ok(out)
}

async fn fetch(conn: &mut Conn, id: i64) -> Result<Delegation> {
    LIST.fetch(conn, COLUMNS, id, load_many).await
}

/// A delegation the actor may read; others are reported as not found.
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Delegation> {
    LIST.get(conn, actor, COLUMNS, id, load_many).await
}

/// The draft a stored delegation gives back: what its edit form starts from, and what an API
/// update changes only the named fields of.
pub fn draft_of(d: &Delegation) -> DelegationDraft {
    let date = amity_domain::text::format_date;
    DelegationDraft {
        direction: d.direction.as_str().into(),
        title: d.title.clone(),
        purpose: d.purpose.clone().unwrap_or_default(),
        start_on: date(d.start_on),
        end_on: date(d.end_on),
        funding_source: d.funding_source.clone().unwrap_or_default(),
        budget: d
            .budget
            .as_ref()
            .map(|b| MoneyDraft {
                amount: b.amount.to_string(),
                currency: b.currency.as_str().to_owned(),
                rate_to_vnd: Some(b)
                    .filter(|b| b.currency.as_str() != "VND")
                    .map(|b| b.rate_to_vnd.to_string())
                    .unwrap_or_default(),
            })
            .unwrap_or_default(),
        expected_outcomes: d.expected_outcomes.clone().unwrap_or_default(),
        actual_outcomes: d.actual_outcomes.clone().unwrap_or_default(),
        report: d.report.clone().unwrap_or_default(),
        members: d
            .members
            .iter()
            .map(|m| MemberDraft {
                person_id: m.person_id.to_string(),
                role: m.role.as_str().into(),
                ..Default::default()
            })
            .collect(),
        legs: d
            .legs
            .iter()
            .map(|l| LegDraft {
                country: l.country.clone(),
                city: l.city.clone().unwrap_or_default(),
                from_on: date(l.from_on),
                to_on: date(l.to_on),
            })
            .collect(),
        partners: d.partners.iter().map(|p| p.id.to_string()).collect(),
        tasks: d.tasks.iter().map(|t| t.id.to_string()).collect(),
    }
}

/// The columns a delegation's spec sets, with their values: one list for insert and update.
fn written(spec: &DelegationSpec, now: DateTime<Utc>) -> Vec<(Delegations, SimpleExpr)> {
    let budget = spec.budget.as_ref();
    vec![
        (Delegations::Direction, spec.direction.as_str().into()),
        (Delegations::Title, spec.title.as_str().into()),
        (Delegations::TitleKey, sort_key(&spec.title).into()),
        (Delegations::Purpose, spec.purpose.clone().into()),
        (Delegations::StartOn, spec.start_on.into()),
        (Delegations::EndOn, spec.end_on.into()),
        (
            Delegations::FundingSource,
            spec.funding_source.clone().into(),
        ),
        (
            Delegations::BudgetAmount,
            budget.map(|m| m.amount.to_string()).into(),
        ),
        (
            Delegations::BudgetCurrency,
            budget.map(|m| m.currency.as_str().to_owned()).into(),
        ),
        (
            Delegations::ExchangeRate,
            budget.map(|m| m.rate_to_vnd.to_string()).into(),
        ),
        (
            Delegations::ExpectedOutcomes,
            spec.expected_outcomes.clone().into(),
        ),
        (
            Delegations::ActualOutcomes,
            spec.actual_outcomes.clone().into(),
        ),
        (Delegations::Report, spec.report.clone().into()),
        (Delegations::UpdatedAt, now.into()),
    ]
}

/// The members as (person, role): a chosen person must exist and be readable; a name finds the
/// person already recorded or adds them to the registry, kept by `owner`. A person may appear
/// only once, however they were given.
async fn resolve_members(
    conn: &mut Conn,
    actor: &Actor,
    owner: i64,
    members: &[DelegationMember],
) -> Result<Vec<(i64, MemberRole)>> {
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let id = match &m.who {
            Who::Person(id) => {
                person::get(conn, actor, *id).await.map_err(|_| {
                    Error::invalid(
                        "members",
                        amity_domain::error::Problem::NoSuchRecord {
                            kind: "person",
                            id: *id,
                        },
                    )
                })?;
                *id
            }
            Who::Named(spec) => person::find_or_create(conn, actor, spec, Some(owner)).await?,
        };
        out.push((id, m.role));
    }
    let people: BTreeSet<i64> = out.iter().map(|(p, _)| *p).collect();
    if people.len() != out.len() {
        return Err(Error::invalid(
            "members",
            amity_domain::error::Problem::PersonTwice,
        ));
    }
    Ok(out)
}

async fn write_details(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    members: &[(i64, MemberRole)],
    input: &DelegationSpec,
) -> Result<()> {
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
    activity::check_tasks(conn, actor, &input.tasks).await?;
    conn.execute(
        Query::delete()
            .from_table(DelegationMembers::Table)
            .and_where(Expr::col(DelegationMembers::DelegationId).eq(id)),
    )
    .await?;
    for (person_id, role) in members {
        conn.execute(
            Query::insert()
                .into_table(DelegationMembers::Table)
                .columns([
                    DelegationMembers::DelegationId,
                    DelegationMembers::PersonId,
                    DelegationMembers::Role,
                ])
                .values_panic([id.into(), (*person_id).into(), role.as_str().into()]),
        )
        .await?;
    }
    conn.execute(
        Query::delete()
            .from_table(DelegationLegs::Table)
            .and_where(Expr::col(DelegationLegs::DelegationId).eq(id)),
    )
    .await?;
    for leg in &input.legs {
        let country = country::id_for(conn, "legs", &leg.country).await?;
        conn.execute(
            Query::insert()
                .into_table(DelegationLegs::Table)
                .columns([
                    DelegationLegs::DelegationId,
                    DelegationLegs::CountryId,
                    DelegationLegs::City,
                    DelegationLegs::FromOn,
                    DelegationLegs::ToOn,
                ])
                .values_panic([
                    id.into(),
                    country.into(),
                    leg.city.clone().into(),
                    leg.from_on.into(),
                    leg.to_on.into(),
                ]),
        )
        .await?;
    }
    activity::set_targets(conn, ENTITY, id, LinkType::Partner, &input.partners).await?;
    activity::set_targets(conn, ENTITY, id, LinkType::Task, &input.tasks).await?;
    Ok(())
}

/// Records a new delegation in draft, kept by `owner_unit` (default: the actor's unit).
pub async fn create(
    conn: &mut Conn,
    actor: &Actor,
    input: &DelegationSpec,
    owner_unit: Option<i64>,
) -> Result<Delegation> {
    let owner = org::writing_unit(conn, actor, "owner_unit_id", owner_unit).await?;
    org::require_open_on(conn, owner, input.start_on).await?;
    let members = resolve_members(conn, actor, owner, &input.members).await?;
    let now = Utc::now();
    let written = [
        (Delegations::OwnerUnitId, owner.into()),
        (Delegations::State, DelegationState::Draft.as_str().into()),
        (Delegations::CreatedAt, now.into()),
    ]
    .into_iter()
    .chain(written(input, now));
    let id = LIST.insert(conn, written.unzip()).await?;
    write_details(conn, actor, id, &members, input).await?;
    let created = fetch(conn, id).await?;
    activity::record(conn, actor, AuditAction::Create, None, Some(&created)).await?;
    Ok(created)
}

/// Changes a delegation's details (its unit's staff). A draft changes freely; once approved,
/// only the actual outcomes and the report may change; otherwise nothing does (409).
pub async fn update(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    input: &DelegationSpec,
) -> Result<Delegation> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::Write, Some(before.owner_unit_id))?;
    org::require_open_on(conn, before.owner_unit_id, input.start_on).await?;
    let members = resolve_members(conn, actor, before.owner_unit_id, &input.members).await?;
    if !before.state.is_editable() {
        let stored = draft_of(&before)
            .parse()
            .map_err(|e| Error::Other(anyhow::anyhow!("a stored delegation reads back: {e:?}")))?;
        let as_given = DelegationSpec {
            members: members
                .iter()
                .map(|(id, role)| DelegationMember {
                    who: Who::Person(*id),
                    role: *role,
                })
                .collect(),
            ..input.clone()
        };
        let locked = DelegationSpec {
            actual_outcomes: input.actual_outcomes.clone(),
            report: input.report.clone(),
            ..stored
        };
        let reportable = matches!(
            before.state,
            DelegationState::Approved | DelegationState::Completed | DelegationState::Reported
        );
        if locked != as_given || !reportable {
            return Err(Error::conflict(
                "state",
                amity_domain::error::said(
                    "delegation-locked",
                    [("state", before.state.as_str().to_owned())],
                ),
            ));
        }
    }
    LIST.update(conn, id, written(input, Utc::now())).await?;
    write_details(conn, actor, id, &members, input).await?;
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

/// Writes a delegation's actual outcomes and trip report, as the report move's form gives them
/// (the other details unchanged).
pub async fn write_report(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    outcomes: &str,
    report: &str,
) -> Result<Delegation> {
    let before = get(conn, actor, id).await?;
    let mut spec: DelegationSpec = draft_of(&before)
        .parse()
        .map_err(|e| Error::Other(anyhow::anyhow!("a stored delegation reads back: {e:?}")))?;
    let given = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    spec.actual_outcomes = given(outcomes);
    spec.report = given(report);
    update(conn, actor, id, &spec).await
}

/// Moves a delegation through its workflow. An impossible move is a conflict (409) and changes
/// nothing; who may make it is decided by [`delegation_move`].
pub async fn transition(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    to: DelegationState,
    comment: Option<&str>,
) -> Result<Delegation> {
    let before = get(conn, actor, id).await?;
    let next = before
        .state
        .after(to)
        .map_err(|e| Error::conflict("to", e))?;
    actor.require(
        delegation_move(before.direction, to),
        Some(before.owner_unit_id),
    )?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    match to {
        DelegationState::Submitted if before.head().is_none() => {
            return Err(Error::invalid(
                "members",
                amity_domain::error::said("name-head-first", []),
            ));
        }
        DelegationState::Returned | DelegationState::Rejected if comment.is_none() => {
            return Err(Error::invalid(
                "comment",
                amity_domain::error::said("say-why", []),
            ));
        }
        DelegationState::Completed if before.start_on > Utc::now().date_naive() => {
            return Err(Error::invalid(
                "to",
                amity_domain::error::said(
                    "not-yet-begun",
                    [("date", amity_domain::text::format_date(before.start_on))],
                ),
            ));
        }
        DelegationState::Reported
            if before.report.as_deref().is_none_or(|r| r.trim().is_empty()) =>
        {
            return Err(Error::invalid(
                "report",
                amity_domain::error::said("write-report-first", []),
            ));
        }
        _ => {}
    }
    let mut update = Query::update();
    update
        .table(Delegations::Table)
        .value(Delegations::State, next.as_str())
        .value(Delegations::UpdatedAt, Utc::now());
    if DelegationState::is_decision(to) {
        update.value(Delegations::ReviewComment, comment.map(str::to_owned));
    }
    conn.execute(update.and_where(Expr::col(Delegations::Id).eq(id)))
        .await?;
    conn.execute(
        Query::insert()
            .into_table(DelegationMoves::Table)
            .columns([
                DelegationMoves::DelegationId,
                DelegationMoves::FromState,
                DelegationMoves::ToState,
                DelegationMoves::Comment,
                DelegationMoves::UserId,
                DelegationMoves::At,
            ])
            .values_panic([
                id.into(),
                before.state.as_str().into(),
                to.as_str().into(),
                comment.map(str::to_owned).into(),
                actor.user_id.into(),
                Utc::now().into(),
            ]),
    )
    .await?;
    let after = fetch(conn, id).await?;
    let change = |d: &Delegation| serde_json::json!({ "state": d.state.as_str(), "review_comment": d.review_comment });
    let mut after_json = change(&after);
    after_json["move"] = serde_json::json!({ "to": to.as_str(), "comment": comment });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Transition,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(after.owner_unit_id),
            before: Some(&change(&before)),
            after: Some(&after_json),
        },
    )
    .await?;
    totals::apply(
        conn,
        Some(&before.contribution()),
        Some(&after.contribution()),
    )
    .await?;
    Ok(after)
}

/// The delegation table as its list reads it.
const LIST: ListTable<Delegations> = ListTable {
    entity: ENTITY,
    table: Delegations::Table,
    id: Delegations::Id,
    owner: Delegations::OwnerUnitId,
    start: Delegations::StartOn,
};

/// Which delegations a list shows.
#[derive(Debug, Clone, Default)]
pub struct DelegationFilter {
    /// The period, units, country (a leg's), partner and words.
    pub shared: ActivityFilter,
    pub direction: Option<Direction>,
    pub state: Option<DelegationState>,
    pub person: Option<i64>,
}

/// The sort fields of the delegation list.
pub const SORT_FIELDS: [&str; 4] = ["start_on", "title", "state", "id"];

/// Delegations the actor may read, filtered and sorted (default: latest start first).
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    filter: &DelegationFilter,
    sort: (&str, bool),
    limit: u64,
    offset: u64,
) -> Result<(Vec<Delegation>, i64)> {
    let mut cond = LIST.shared_cond(conn, actor, &filter.shared);
    if let Some(d) = filter.direction {
        cond = cond.add(Expr::col(Delegations::Direction).eq(d.as_str()));
    }
    if let Some(s) = filter.state {
        cond = cond.add(Expr::col(Delegations::State).eq(s.as_str()));
    }
    if let Some(code) = &filter.shared.country {
        let legs = Query::select()
            .column(DelegationLegs::DelegationId)
            .from(DelegationLegs::Table)
            .inner_join(
                Countries::Table,
                Expr::col((Countries::Table, Countries::Id))
                    .equals((DelegationLegs::Table, DelegationLegs::CountryId)),
            )
            .and_where(Expr::col((Countries::Table, Countries::Code)).eq(code.as_str()))
            .to_owned();
        cond = cond.add(Expr::col(Delegations::Id).in_subquery(legs));
    }
    if let Some(p) = filter.person {
        let with = Query::select()
            .column(DelegationMembers::DelegationId)
            .from(DelegationMembers::Table)
            .and_where(Expr::col(DelegationMembers::PersonId).eq(p))
            .to_owned();
        cond = cond.add(Expr::col(Delegations::Id).in_subquery(with));
    }
    let column = match sort.0 {
        "title" => Delegations::TitleKey,
        "state" => Delegations::State,
        "id" => Delegations::Id,
        _ => Delegations::StartOn,
    };
    let (rows, total): (Vec<Row>, i64) = LIST
        .page(conn, COLUMNS, cond, (column, sort.1), limit, offset)
        .await?;
    Ok((load_many(conn, rows).await?, total))
}

/// Submitted delegations the actor may decide on (for the home page).
pub async fn awaiting_decision(conn: &mut Conn, actor: &Actor) -> Result<Vec<Delegation>> {
    let filter = DelegationFilter {
        state: Some(DelegationState::Submitted),
        ..Default::default()
    };
    let (submitted, _) = list(conn, actor, &filter, ("start_on", false), 500, 0).await?;
    Ok(submitted
        .into_iter()
        .filter(|d| {
            actor.may(
                delegation_move(d.direction, DelegationState::Approved),
                Some(d.owner_unit_id),
            )
        })
        .collect())
}

/// Every delegation's contribution, recomputed from the records (for `amity check`).
pub(crate) async fn all_contributions(conn: &mut Conn) -> Result<Vec<Contribution>> {
    LIST.contributions(conn, COLUMNS, load_many).await
}

impl activity::Activity for Delegation {
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
    fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut v {
            // The moves have their own audit entries.
            map.remove("moves");
        }
        v
    }
    /// What the delegation adds to the live totals: one in its direction and state in the
    /// month it starts, and (once approved) the countries it reached.
    fn contribution(&self) -> Contribution {
        let mut c = Contribution::default();
        let way = match self.direction {
            Direction::Outbound => "out",
            Direction::Inbound => "in",
        };
        c.add(
            self.owner_unit_id,
            self.start_on,
            format!("delegations_{way}:{}", self.state.as_str()),
            1,
        );
        if matches!(
            self.state,
            DelegationState::Approved | DelegationState::Completed | DelegationState::Reported
        ) {
            c.add_countries(
                self.owner_unit_id,
                self.start_on,
                self.countries().iter().map(String::as_str),
            );
        }
        c
    }
    fn search_doc(&self) -> Doc {
        let legs = self.legs.iter().map(|l| {
            format!(
                "{} {}",
                l.country_name,
                l.city.as_deref().unwrap_or_default()
            )
        });
        activity::search_doc(
            ENTITY,
            (self.id, self.owner_unit_id),
            &self.title,
            &self.owner_unit_name,
            self.members
                .iter()
                .map(|m| m.name.clone())
                .chain(self.partners.iter().map(|p| p.name.clone()))
                .chain(legs),
        )
    }
}
