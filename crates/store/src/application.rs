//! Foreign NGOs' applications (e-procedures). An applicant account belongs to one NGO: it files
//! that NGO's applications and follows their state, and sees nothing else. The office (central
//! staff, `Action::ManageNgos`) reviews, asks for more, approves or refuses, and keeps internal
//! notes the applicant never sees. Approving a permit application issues or changes the
//! permit in the same transaction. Every step is a move, audited.

use amity_domain::application::{ApplicationState, Procedure, deadline};
use amity_domain::authz::{Action, Actor};
use amity_domain::ngo::{PermitChange, PermitDraft};
use amity_domain::partner::{PartnerKind, Vocabulary};
use amity_domain::user::Role;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result, stored};
use crate::schema::{ApplicationMoves, ApplicationNotes, Applications, NgoApplicants, NgoPermits};
use crate::{holiday, ngo, partner};

pub const ENTITY: &str = "ngo_application";

/// A step of an application.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ApplicationMove)]
pub struct Move {
    pub from: Option<ApplicationState>,
    pub to: ApplicationState,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// An internal note of the office.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ApplicationNote)]
pub struct Note {
    pub note: String,
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// An application as its reader may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Application {
    pub id: i64,
    pub partner_id: i64,
    pub partner_name: String,
    pub procedure: Procedure,
    pub state: ApplicationState,
    /// The permit it concerns (extension, amendment) or issued (on approval).
    pub permit_id: Option<i64>,
    /// The documents included, as named in the procedure's checklist.
    pub documents: Vec<String>,
    /// What the NGO asks for, in its words.
    pub request: String,
    pub submitted_on: NaiveDate,
    /// The processing time's last working day, counted from the latest submission.
    pub deadline: NaiveDate,
    /// Still open after its deadline.
    pub overdue: bool,
    pub decided_at: Option<DateTime<Utc>>,
    pub moves: Vec<Move>,
    /// The code the NGO quotes to follow it (`HS-2026-00012`).
    pub tracking_code: String,
    /// The office's internal notes: absent for the applicant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<Note>>,
}

/// What an applicant files.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationDraft {
    pub procedure: Option<String>,
    /// The NGO's permit an extension or amendment concerns.
    pub permit_id: Option<i64>,
    #[serde(default)]
    pub documents: Vec<String>,
    pub request: Option<String>,
}

/// The NGO an applicant account files for.
pub async fn applicant_ngo(conn: &mut Conn, actor: &Actor) -> Result<Option<i64>> {
    let (Role::NgoApplicant, Some(user)) = (actor.role, actor.user_id) else {
        return Ok(None);
    };
    let row: Option<(i64,)> = conn
        .fetch_optional(
            Query::select()
                .column(NgoApplicants::PartnerId)
                .from(NgoApplicants::Table)
                .and_where(Expr::col(NgoApplicants::UserId).eq(user)),
        )
        .await?;
    Ok(row.map(|(p,)| p))
}

/// Makes an account an applicant of an NGO (administrators, or the system for the demo).
pub async fn link_applicant(
    conn: &mut Conn,
    actor: &Actor,
    user_id: i64,
    ngo_id: i64,
) -> Result<()> {
    actor.require(Action::ManageUsers, None)?;
    if partner::get(conn, ngo_id).await.ok().map(|p| p.kind) != Some(PartnerKind::Ngo) {
        return Err(Error::invalid(
            "ngo_id",
            amity_domain::error::said("not-an-ngo", [("id", ngo_id.to_string())]),
        ));
    }
    conn.execute(
        Query::delete()
            .from_table(NgoApplicants::Table)
            .and_where(Expr::col(NgoApplicants::UserId).eq(user_id)),
    )
    .await?;
    conn.execute(
        Query::insert()
            .into_table(NgoApplicants::Table)
            .columns([NgoApplicants::UserId, NgoApplicants::PartnerId])
            .values_panic([user_id.into(), ngo_id.into()]),
    )
    .await?;
    let after = serde_json::json!({ "user_id": user_id, "ngo_id": ngo_id });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: "ngo_applicant",
            entity_id: user_id,
            unit_id: None,
            before: None,
            after: Some(&after),
        },
    )
    .await
}

/// from, to, comment, when
type MoveRow = (Option<String>, String, Option<String>, DateTime<Utc>);

type Row = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    String,
    String,
    NaiveDate,
    NaiveDate,
    Option<DateTime<Utc>>,
);

fn columns() -> [Applications; 10] {
    [
        Applications::Id,
        Applications::PartnerId,
        Applications::Procedure,
        Applications::State,
        Applications::PermitId,
        Applications::Documents,
        Applications::Details,
        Applications::SubmittedOn,
        Applications::Deadline,
        Applications::DecidedAt,
    ]
}

/// Who reads an application: the office, and its own NGO's applicants.
enum Reader {
    Office,
    Applicant(i64),
}

async fn reader(conn: &mut Conn, actor: &Actor) -> Result<Option<Reader>> {
    if actor.may(Action::ManageNgos, None) {
        return Ok(Some(Reader::Office));
    }
    Ok(applicant_ngo(conn, actor).await?.map(Reader::Applicant))
}

async fn assemble(
    conn: &mut Conn,
    row: Row,
    office: bool,
    today: NaiveDate,
) -> Result<Application> {
    let (
        id,
        partner_id,
        procedure,
        state,
        permit_id,
        documents,
        request,
        submitted_on,
        deadline,
        decided_at,
    ) = row;
    let state: ApplicationState = stored(&state)?;
    let moves: Vec<MoveRow> = conn
        .fetch_all(
            Query::select()
                .columns([
                    ApplicationMoves::FromState,
                    ApplicationMoves::ToState,
                    ApplicationMoves::Comment,
                    ApplicationMoves::At,
                ])
                .from(ApplicationMoves::Table)
                .and_where(Expr::col(ApplicationMoves::ApplicationId).eq(id))
                .order_by(ApplicationMoves::Id, Order::Asc),
        )
        .await?;
    let moves = moves
        .into_iter()
        .map(|(from, to, comment, at)| {
            Ok(Move {
                from: from.as_deref().map(stored).transpose()?,
                to: stored(&to)?,
                comment,
                at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let notes = match office {
        true => {
            let rows: Vec<(String, Option<i64>, DateTime<Utc>)> = conn
                .fetch_all(
                    Query::select()
                        .columns([
                            ApplicationNotes::Note,
                            ApplicationNotes::UserId,
                            ApplicationNotes::At,
                        ])
                        .from(ApplicationNotes::Table)
                        .and_where(Expr::col(ApplicationNotes::ApplicationId).eq(id))
                        .order_by(ApplicationNotes::Id, Order::Asc),
                )
                .await?;
            Some(
                rows.into_iter()
                    .map(|(note, user_id, at)| Note { note, user_id, at })
                    .collect(),
            )
        }
        false => None,
    };
    Ok(Application {
        id,
        partner_id,
        partner_name: partner::get(conn, partner_id).await?.name,
        procedure: stored(&procedure)?,
        state,
        permit_id,
        documents: serde_json::from_str(&documents).unwrap_or_default(),
        request,
        submitted_on,
        deadline,
        overdue: !state.is_final() && today > deadline,
        decided_at,
        moves,
        tracking_code: tracking_code(id, submitted_on),
        notes,
    })
}

/// The code an NGO quotes to follow its application: the year it was filed and its number.
pub fn tracking_code(id: i64, filed: NaiveDate) -> String {
    format!("HS-{}-{id:05}", filed.year())
}

/// The unit answerable for an application's files: the one keeping its NGO.
pub async fn owner_unit(conn: &mut Conn, actor: &Actor, id: i64, today: NaiveDate) -> Result<i64> {
    let found = get(conn, actor, id, today).await?;
    Ok(partner::get(conn, found.partner_id).await?.owner_unit_id)
}

/// Attaches a document to an application its reader may see and that is not decided yet:
/// the applicant's checklist and answers, the office's papers.
pub async fn attach(
    conn: &mut Conn,
    actor: &Actor,
    files: &crate::attachment::FileStore,
    id: i64,
    (file_name, bytes): (&str, &[u8]),
    today: NaiveDate,
) -> Result<crate::attachment::Attachment> {
    let found = get(conn, actor, id, today).await?;
    if found.state.is_final() {
        return Err(Error::conflict(
            "file",
            amity_domain::error::said("application-decided", []),
        ));
    }
    let owner = partner::get(conn, found.partner_id).await?.owner_unit_id;
    crate::attachment::keep(conn, actor, files, (ENTITY, id, owner), file_name, bytes).await
}

async fn row(conn: &mut Conn, id: i64) -> Result<Row> {
    conn.fetch_optional(
        Query::select()
            .columns(columns())
            .from(Applications::Table)
            .and_where(Expr::col(Applications::Id).eq(id)),
    )
    .await?
    .ok_or(Error::NotFound("application"))
}

/// An application its reader may see: the office all, an applicant their NGO's (404 otherwise).
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64, today: NaiveDate) -> Result<Application> {
    let r = row(conn, id).await?;
    match reader(conn, actor).await? {
        Some(Reader::Office) => assemble(conn, r, true, today).await,
        Some(Reader::Applicant(ngo)) if ngo == r.1 => assemble(conn, r, false, today).await,
        _ => Err(Error::NotFound("application")),
    }
}

/// The applications the reader may see, most urgent first: open ones by deadline, then decided.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    state: Option<ApplicationState>,
    today: NaiveDate,
) -> Result<Vec<Application>> {
    let mut select = Query::select();
    select
        .columns(columns())
        .from(Applications::Table)
        .order_by(Applications::Deadline, Order::Asc)
        .order_by(Applications::Id, Order::Asc);
    let office = match reader(conn, actor).await? {
        Some(Reader::Office) => true,
        Some(Reader::Applicant(ngo)) => {
            select.and_where(Expr::col(Applications::PartnerId).eq(ngo));
            false
        }
        None => return Ok(vec![]),
    };
    if let Some(s) = state {
        select.and_where(Expr::col(Applications::State).eq(s.as_str()));
    }
    let rows: Vec<Row> = conn.fetch_all(&select).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(assemble(conn, r, office, today).await?);
    }
    out.sort_by_key(|a| a.state.is_final());
    Ok(out)
}

async fn record_move(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    from: Option<ApplicationState>,
    to: ApplicationState,
    comment: Option<&str>,
) -> Result<()> {
    conn.execute(
        Query::insert()
            .into_table(ApplicationMoves::Table)
            .columns([
                ApplicationMoves::ApplicationId,
                ApplicationMoves::FromState,
                ApplicationMoves::ToState,
                ApplicationMoves::Comment,
                ApplicationMoves::UserId,
                ApplicationMoves::At,
            ])
            .values_panic([
                id.into(),
                from.map(|f| f.as_str()).into(),
                to.as_str().into(),
                comment.map(str::to_owned).into(),
                actor.user_id.into(),
                Utc::now().into(),
            ]),
    )
    .await?;
    let (before, after) = (
        from.map(|f| serde_json::json!({ "state": f.as_str() })),
        serde_json::json!({ "state": to.as_str(), "comment": comment }),
    );
    audit::record(
        conn,
        actor,
        Entry {
            action: if from.is_none() {
                AuditAction::Create
            } else {
                AuditAction::Transition
            },
            entity_type: ENTITY,
            entity_id: id,
            unit_id: None,
            before: before.as_ref(),
            after: Some(&after),
        },
    )
    .await
}

/// Files an application for the applicant's NGO: the procedure, the permit it concerns when
/// it extends or amends one, every document of the procedure's checklist, and the request.
pub async fn file(
    conn: &mut Conn,
    actor: &Actor,
    draft: &ApplicationDraft,
    today: NaiveDate,
) -> Result<Application> {
    let Some(ngo_id) = applicant_ngo(conn, actor).await? else {
        return Err(Error::Denied(amity_domain::authz::Denied(
            "applications are filed from an NGO's applicant account",
        )));
    };
    let mut check = amity_domain::error::Checker::new();
    let procedure = match draft.procedure.as_deref().map(str::trim) {
        None | Some("") => {
            check.push("procedure", amity_domain::error::Problem::Required);
            None
        }
        Some(p) => check.check("procedure", p.parse::<Procedure>()),
    };
    if let Some(p) = procedure {
        let missing: Vec<&str> = p
            .required_documents()
            .iter()
            .filter(|d| !draft.documents.iter().any(|g| g.trim() == **d))
            .copied()
            .collect();
        if !missing.is_empty() {
            check.push("documents", format!("missing: {}", missing.join("; ")));
        }
        match (p.needs_permit(), draft.permit_id) {
            (true, None) => check.push("permit_id", amity_domain::error::Rule::NamePermit),
            (false, Some(_)) => {
                check.push("permit_id", amity_domain::error::Rule::NoPermitForProcedure)
            }
            _ => {}
        }
    }
    let request = draft
        .request
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if request.is_empty() {
        check.push("request", amity_domain::error::Rule::SayRequest);
    }
    check.finish()?;
    let procedure = procedure
        .ok_or_else(|| Error::invalid("procedure", amity_domain::error::Problem::Required))?;
    if let Some(permit) = draft.permit_id {
        let owner: Option<(i64,)> = conn
            .fetch_optional(
                Query::select()
                    .column(NgoPermits::PartnerId)
                    .from(NgoPermits::Table)
                    .and_where(Expr::col(NgoPermits::Id).eq(permit)),
            )
            .await?;
        if owner.map(|(o,)| o) != Some(ngo_id) {
            return Err(Error::invalid(
                "permit_id",
                amity_domain::error::said("permit-not-yours", [("id", permit.to_string())]),
            ));
        }
    }
    let documents: Vec<&str> = procedure.required_documents().to_vec();
    let holidays = holiday::after(conn, today).await?;
    let now = Utc::now();
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(Applications::Table)
                .columns([
                    Applications::PartnerId,
                    Applications::Procedure,
                    Applications::State,
                    Applications::PermitId,
                    Applications::Documents,
                    Applications::Details,
                    Applications::SubmittedOn,
                    Applications::Deadline,
                    Applications::CreatedAt,
                    Applications::UpdatedAt,
                ])
                .values_panic([
                    ngo_id.into(),
                    procedure.as_str().into(),
                    ApplicationState::Submitted.as_str().into(),
                    draft.permit_id.into(),
                    serde_json::to_string(&documents)
                        .map_err(|e| Error::Other(e.into()))?
                        .into(),
                    request.into(),
                    today.into(),
                    deadline(today, procedure.working_days(), &holidays).into(),
                    now.into(),
                    now.into(),
                ])
                .returning_col(Applications::Id),
        )
        .await?;
    record_move(conn, actor, id, None, ApplicationState::Submitted, None).await?;
    get(conn, actor, id, today).await
}

/// Moves an application. The office reviews, asks for more (saying what), approves or refuses
/// (saying why); approving a permit application issues the permit from `permit`'s details, or
/// extends or amends the permit it concerns. The applicant answers a request by submitting
/// again, which restarts the processing time.
pub async fn transition(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    to: ApplicationState,
    comment: Option<&str>,
    permit: Option<&PermitDraft>,
    today: NaiveDate,
) -> Result<Application> {
    let before = get(conn, actor, id, today).await?;
    let office = before.notes.is_some();
    let applicants = ApplicationState::is_applicants(before.state, to);
    if applicants == office {
        return Err(Error::Denied(amity_domain::authz::Denied(if office {
            "the applicant answers a request for information"
        } else {
            "applications are reviewed and decided by the office"
        })));
    }
    before
        .state
        .after(to)
        .map_err(|e| Error::conflict("to", e))?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if matches!(
        to,
        ApplicationState::InfoRequested | ApplicationState::Refused
    ) && comment.is_none()
    {
        return Err(Error::invalid(
            "comment",
            amity_domain::error::said("say-what-is-needed", []),
        ));
    }
    let mut update = Query::update();
    update
        .table(Applications::Table)
        .value(Applications::State, to.as_str())
        .value(Applications::UpdatedAt, Utc::now());
    if to == ApplicationState::Submitted {
        let holidays = holiday::after(conn, today).await?;
        update.value(Applications::SubmittedOn, today).value(
            Applications::Deadline,
            deadline(today, before.procedure.working_days(), &holidays),
        );
    }
    if to.is_final() {
        update.value(Applications::DecidedAt, Utc::now());
    }
    if to == ApplicationState::Approved {
        let details = || {
            permit.ok_or_else(|| Error::invalid("permit", amity_domain::error::Problem::Required))
        };
        if let Some(kind) = before.procedure.issues() {
            let draft = PermitDraft {
                kind: Some(kind.as_str().into()),
                ..details()?.clone()
            };
            let issued = ngo::add_permit(conn, actor, before.partner_id, &draft, today).await?;
            update.value(Applications::PermitId, issued.id);
        } else if let (Some(permit_id), true) = (before.permit_id, before.procedure.needs_permit())
        {
            let change = if before.procedure == Procedure::Extension {
                PermitChange::Extended
            } else {
                PermitChange::Amended
            };
            ngo::change_permit(conn, actor, permit_id, change, details()?, today).await?;
        }
    }
    conn.execute(update.and_where(Expr::col(Applications::Id).eq(id)))
        .await?;
    record_move(conn, actor, id, Some(before.state), to, comment).await?;
    get(conn, actor, id, today).await
}

/// Adds an internal note of the office (never shown to the applicant).
pub async fn add_note(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    note: &str,
    today: NaiveDate,
) -> Result<Application> {
    actor.require(Action::ManageNgos, None)?;
    row(conn, id).await?;
    let note = note.trim();
    if note.is_empty() {
        return Err(Error::invalid("note", amity_domain::error::Problem::Empty));
    }
    let note_id = conn
        .insert_id(
            Query::insert()
                .into_table(ApplicationNotes::Table)
                .columns([
                    ApplicationNotes::ApplicationId,
                    ApplicationNotes::Note,
                    ApplicationNotes::UserId,
                    ApplicationNotes::At,
                ])
                .values_panic([
                    id.into(),
                    note.into(),
                    actor.user_id.into(),
                    Utc::now().into(),
                ])
                .returning_col(ApplicationNotes::Id),
        )
        .await?;
    let after = serde_json::json!({ "application_id": id, "note": note });
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: "ngo_application_note",
            entity_id: note_id,
            unit_id: None,
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    get(conn, actor, id, today).await
}
