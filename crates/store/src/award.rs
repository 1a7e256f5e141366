//! The awards register: medals "For the cause of people's diplomacy", certificates of merit,
//! emulation flags and other recognition, to a person or a unit. A unit proposes, sends the
//! proposal up, and central staff decide it with a decision number, date and issuer, or refuse
//! it; every step is kept.

use amity_domain::authz::{Action, Actor};
use amity_domain::emulation::{AwardState, AwardType};
use amity_domain::error::Checker;
use amity_domain::partner::Vocabulary;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use serde::Serialize;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{AwardMoves, Awards};
use crate::{org, person};

const ENTITY: &str = "award";

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AwardMove {
    pub from: AwardState,
    pub to: AwardState,
    pub comment: Option<String>,
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Award {
    pub id: i64,
    pub award_type: AwardType,
    pub proposing_unit_id: i64,
    pub proposing_unit_name: String,
    pub recipient_unit_id: Option<i64>,
    pub recipient_person_id: Option<i64>,
    pub recipient_name: String,
    pub year: i32,
    pub reason: String,
    pub state: AwardState,
    pub decision_number: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub issuer: Option<String>,
    pub moves: Vec<AwardMove>,
}

/// (from, to, comment, user, at)
type MoveRow = (String, String, Option<String>, Option<i64>, DateTime<Utc>);

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    award_type: String,
    proposing_unit_id: i64,
    recipient_unit_id: Option<i64>,
    recipient_person_id: Option<i64>,
    recipient_name: String,
    year: i32,
    reason: String,
    state: String,
    decision_number: Option<String>,
    decided_on: Option<NaiveDate>,
    issuer: Option<String>,
}

const COLUMNS: [Awards; 12] = [
    Awards::Id,
    Awards::AwardType,
    Awards::ProposingUnitId,
    Awards::RecipientUnitId,
    Awards::RecipientPersonId,
    Awards::RecipientName,
    Awards::Year,
    Awards::Reason,
    Awards::State,
    Awards::DecisionNumber,
    Awards::DecidedOn,
    Awards::Issuer,
];

fn stored<T: std::str::FromStr<Err: std::fmt::Display>>(id: i64, what: &str, s: &str) -> Result<T> {
    s.parse()
        .map_err(|e| Error::Other(anyhow::anyhow!("stored {what} of award {id}: {e}")))
}

async fn assemble(conn: &mut Conn, rows: Vec<Row>, with_moves: bool) -> Result<Vec<Award>> {
    let units = org::unit_refs(conn, rows.iter().map(|r| r.proposing_unit_id).collect()).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let moves = if with_moves {
            let m: Vec<MoveRow> = conn
                .fetch_all(
                    Query::select()
                        .columns([
                            AwardMoves::FromState,
                            AwardMoves::ToState,
                            AwardMoves::Comment,
                            AwardMoves::UserId,
                            AwardMoves::At,
                        ])
                        .from(AwardMoves::Table)
                        .and_where(Expr::col(AwardMoves::AwardId).eq(r.id))
                        .order_by(AwardMoves::Id, Order::Asc),
                )
                .await?;
            m.into_iter()
                .map(|(f, t, comment, user_id, at)| {
                    Ok(AwardMove {
                        from: stored(r.id, "move", &f)?,
                        to: stored(r.id, "move", &t)?,
                        comment,
                        user_id,
                        at,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        } else {
            vec![]
        };
        out.push(Award {
            id: r.id,
            award_type: stored(r.id, "type", &r.award_type)?,
            proposing_unit_name: units
                .get(&r.proposing_unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            proposing_unit_id: r.proposing_unit_id,
            recipient_unit_id: r.recipient_unit_id,
            recipient_person_id: r.recipient_person_id,
            recipient_name: r.recipient_name,
            year: r.year,
            reason: r.reason,
            state: stored(r.id, "state", &r.state)?,
            decision_number: r.decision_number,
            decided_on: r.decided_on,
            issuer: r.issuer,
            moves,
        });
    }
    Ok(out)
}

/// The award, if the actor may read its proposing unit's records.
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Award> {
    let row: Row = conn
        .fetch_optional(
            Query::select()
                .columns(COLUMNS)
                .from(Awards::Table)
                .and_where(Expr::col(Awards::Id).eq(id)),
        )
        .await?
        .ok_or(Error::NotFound("award"))?;
    if !actor.may(Action::Read, Some(row.proposing_unit_id)) {
        return Err(Error::NotFound("award"));
    }
    Ok(assemble(conn, vec![row], true).await?.remove(0))
}

#[derive(Debug, Clone, Default)]
pub struct AwardFilter {
    pub year: Option<i32>,
    pub award_type: Option<AwardType>,
    pub state: Option<AwardState>,
}

/// The register within the actor's scope, newest year first.
pub async fn list(conn: &mut Conn, actor: &Actor, filter: &AwardFilter) -> Result<Vec<Award>> {
    let mut cond = Cond::all();
    if let Some(y) = filter.year {
        cond = cond.add(Expr::col(Awards::Year).eq(y));
    }
    if let Some(t) = filter.award_type {
        cond = cond.add(Expr::col(Awards::AwardType).eq(t.as_str()));
    }
    if let Some(s) = filter.state {
        cond = cond.add(Expr::col(Awards::State).eq(s.as_str()));
    }
    let rows: Vec<Row> = conn
        .fetch_all(
            Query::select()
                .columns(COLUMNS)
                .from(Awards::Table)
                .cond_where(cond)
                .order_by(Awards::Year, Order::Desc)
                .order_by(Awards::Id, Order::Desc),
        )
        .await?;
    let rows = rows
        .into_iter()
        .filter(|r| actor.may(Action::Read, Some(r.proposing_unit_id)))
        .collect();
    assemble(conn, rows, false).await
}

/// A proposal as written. Exactly one recipient: a unit, a person on record, or a name.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub award_type: AwardType,
    pub proposing_unit_id: i64,
    pub recipient_unit_id: Option<i64>,
    pub recipient_person_id: Option<i64>,
    pub recipient_name: Option<String>,
    pub year: i32,
    pub reason: String,
}

/// Records a proposal (the proposing unit's staff).
pub async fn propose(conn: &mut Conn, actor: &Actor, p: &Proposal) -> Result<Award> {
    let mut c = Checker::new();
    let this_year = Utc::now().year();
    if !(1950..=this_year + 1).contains(&p.year) {
        c.push(
            "year",
            format!("{} is not an award year (1950–{})", p.year, this_year + 1),
        );
    }
    if p.reason.trim().is_empty() {
        c.push("reason", amity_domain::error::Problem::Required);
    }
    let recipients = usize::from(p.recipient_unit_id.is_some())
        + usize::from(p.recipient_person_id.is_some())
        + usize::from(
            p.recipient_name
                .as_deref()
                .is_some_and(|n| !n.trim().is_empty()),
        );
    if recipients != 1 {
        c.push(
            "recipient",
            "give exactly one of recipient_unit_id, recipient_person_id or recipient_name",
        );
    }
    c.finish()?;
    actor.require(Action::Write, Some(p.proposing_unit_id))?;
    let name = match (
        p.recipient_unit_id,
        p.recipient_person_id,
        &p.recipient_name,
    ) {
        (Some(u), _, _) => org::unit_refs(conn, [u].into())
            .await?
            .remove(&u)
            .map(|r| r.name)
            .ok_or_else(|| {
                Error::invalid(
                    "recipient_unit_id",
                    amity_domain::error::Problem::NoSuchRecord {
                        kind: "unit",
                        id: u,
                    },
                )
            })?,
        (_, Some(id), _) => {
            person::get(conn, actor, id)
                .await
                .map_err(|_| {
                    Error::invalid(
                        "recipient_person_id",
                        amity_domain::error::said("no-person", [("id", id.to_string())]),
                    )
                })?
                .name
        }
        (_, _, Some(n)) => n.trim().to_owned(),
        _ => unreachable!("checked above"),
    };
    let now = Utc::now();
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(Awards::Table)
                .columns([
                    Awards::AwardType,
                    Awards::ProposingUnitId,
                    Awards::RecipientUnitId,
                    Awards::RecipientPersonId,
                    Awards::RecipientName,
                    Awards::Year,
                    Awards::Reason,
                    Awards::State,
                    Awards::CreatedAt,
                    Awards::UpdatedAt,
                ])
                .values_panic([
                    p.award_type.as_str().into(),
                    p.proposing_unit_id.into(),
                    p.recipient_unit_id.into(),
                    p.recipient_person_id.into(),
                    name.clone().into(),
                    p.year.into(),
                    p.reason.trim().into(),
                    AwardState::Proposed.as_str().into(),
                    now.into(),
                    now.into(),
                ])
                .returning_col(Awards::Id),
        )
        .await?;
    let after = serde_json::json!({ "award_type": p.award_type.as_str(), "recipient": name, "year": p.year, "reason": p.reason.trim(), "state": "proposed" });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(p.proposing_unit_id),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    get(conn, actor, id).await
}

/// The decision that approves a proposal.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub number: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub issuer: Option<String>,
}

/// Moves a proposal: the proposing unit sends it up; central staff approve it (with the
/// decision's number, date and issuer), refuse it or send it back (with a reason).
pub async fn transition(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    to: AwardState,
    comment: Option<&str>,
    decision: &Decision,
) -> Result<Award> {
    let before = get(conn, actor, id).await?;
    let next = before
        .state
        .after(to)
        .map_err(|e| Error::conflict("to", e))?;
    let action = if before.state.is_decision(to) {
        Action::DecideAward
    } else {
        Action::Write
    };
    actor.require(action, Some(before.proposing_unit_id))?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let mut c = Checker::new();
    if matches!(to, AwardState::Refused | AwardState::Proposed)
        && before.state == AwardState::Submitted
        && comment.is_none()
    {
        c.push("comment", amity_domain::error::Rule::GiveReason);
    }
    let number = decision
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let issuer = decision
        .issuer
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if to == AwardState::Approved {
        if number.is_none() {
            c.push("decision_number", amity_domain::error::Problem::Required);
        }
        match decision.decided_on {
            None => c.push("decided_on", amity_domain::error::Problem::Required),
            Some(d) if d > Utc::now().date_naive() => {
                c.push("decided_on", amity_domain::error::Rule::NotInFuture)
            }
            Some(_) => {}
        }
        if issuer.is_none() {
            c.push("issuer", amity_domain::error::Problem::Required);
        }
    }
    c.finish()?;
    let mut update = Query::update();
    update
        .table(Awards::Table)
        .value(Awards::State, next.as_str())
        .value(Awards::UpdatedAt, Utc::now())
        .and_where(Expr::col(Awards::Id).eq(id));
    if to == AwardState::Approved {
        update
            .value(Awards::DecisionNumber, number)
            .value(Awards::DecidedOn, decision.decided_on)
            .value(Awards::Issuer, issuer);
    }
    conn.execute(&update).await?;
    conn.execute(
        Query::insert()
            .into_table(AwardMoves::Table)
            .columns([
                AwardMoves::AwardId,
                AwardMoves::FromState,
                AwardMoves::ToState,
                AwardMoves::Comment,
                AwardMoves::UserId,
                AwardMoves::At,
            ])
            .values_panic([
                id.into(),
                before.state.as_str().into(),
                next.as_str().into(),
                comment.into(),
                actor.user_id.into(),
                Utc::now().into(),
            ]),
    )
    .await?;
    let b = serde_json::json!({ "state": before.state.as_str() });
    let after = serde_json::json!({ "state": next.as_str(), "comment": comment, "decision_number": number, "decided_on": decision.decided_on, "issuer": issuer });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(before.proposing_unit_id),
            before: Some(&b),
            after: Some(&after),
        },
    )
    .await?;
    get(conn, actor, id).await
}
