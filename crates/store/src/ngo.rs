//! The foreign-NGO registry: each NGO is a partner of kind `ngo`, with the sectors and provinces
//! it works in, and its permits (operation registration, project office, representative office)
//! with their area, sectors and history of extensions, amendments, re-issues and decisions.
//!
//! Everyone signed in reads the registry; central staff keep it (`Action::ManageNgos`). A
//! province is named by its provincial union.

use std::collections::{BTreeSet, HashMap};

use amity_domain::authz::{Action, Actor};
use amity_domain::ngo::{
    EXPIRY_WARNING_DAYS, PermitChange, PermitDraft, PermitKind, PermitSpec, PermitStanding,
    PermitState,
};
use amity_domain::org::OrgKind;
use amity_domain::partner::{PartnerKind, Vocabulary};
use chrono::{DateTime, Days, NaiveDate, Utc};
use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result, stored};
use crate::org::{self, UnitRef};
use crate::partner::{self, Partner};
use crate::schema::{
    NgoPermitChanges, NgoPermitProvinces, NgoPermitSectors, NgoPermits, NgoProvinces, NgoSectors,
    OrgUnits, Partners,
};
use crate::sector::{self, Sector};
use crate::sets;

const ENTITY: &str = "ngo";
const PERMIT: &str = "ngo_permit";

/// A step in a permit's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PermitStep {
    pub change: PermitChange,
    pub note: Option<String>,
    pub user_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A permit with its area, sectors, state today and history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Permit {
    pub id: i64,
    pub partner_id: i64,
    pub kind: PermitKind,
    pub number: String,
    pub issuer: String,
    pub issued_on: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// What the issuing body last decided.
    pub standing: PermitStanding,
    /// What the permit is today (expiring within 90 days of its end, expired after it).
    pub state: PermitState,
    pub provinces: Vec<UnitRef>,
    pub sectors: Vec<Sector>,
    pub note: Option<String>,
    pub history: Vec<PermitStep>,
}

/// Something about an NGO that needs attention.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// A permit ends within 90 days.
    Expiring {
        permit_id: i64,
        number: String,
        valid_to: NaiveDate,
    },
    /// The NGO works in a province no permit it may work under today covers.
    Uncovered { unit_id: i64, unit_name: String },
}

/// An NGO of the registry.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Ngo {
    pub partner: Partner,
    pub sectors: Vec<Sector>,
    pub provinces: Vec<UnitRef>,
    pub permits: Vec<Permit>,
    pub warnings: Vec<Warning>,
}

/// The partner, if it is an NGO.
async fn ngo_partner(conn: &mut Conn, id: i64) -> Result<Partner> {
    let p = partner::get(conn, id).await?;
    if p.kind != PartnerKind::Ngo {
        return Err(Error::NotFound("NGO"));
    }
    Ok(p)
}

async fn unit_list(conn: &mut Conn, ids: Vec<i64>) -> Result<Vec<UnitRef>> {
    let refs = org::unit_refs(conn, ids.iter().copied().collect()).await?;
    Ok(ids.iter().filter_map(|id| refs.get(id).cloned()).collect())
}

fn sectors_of(codes: &[String]) -> Vec<Sector> {
    codes
        .iter()
        .filter_map(|c| sector::get(c).cloned())
        .collect()
}

/// change, note, user, when
type StepRow = (String, Option<String>, Option<i64>, DateTime<Utc>);

type PermitRow = (
    i64,
    i64,
    String,
    String,
    String,
    NaiveDate,
    NaiveDate,
    NaiveDate,
    String,
    Option<String>,
);

fn permit_columns() -> [NgoPermits; 10] {
    [
        NgoPermits::Id,
        NgoPermits::PartnerId,
        NgoPermits::Kind,
        NgoPermits::Number,
        NgoPermits::Issuer,
        NgoPermits::IssuedOn,
        NgoPermits::ValidFrom,
        NgoPermits::ValidTo,
        NgoPermits::Standing,
        NgoPermits::Note,
    ]
}

async fn assemble(conn: &mut Conn, row: PermitRow, today: NaiveDate) -> Result<Permit> {
    let (id, partner_id, kind, number, issuer, issued_on, valid_from, valid_to, standing, note) =
        row;
    let provinces: Vec<i64> = sets::read(
        conn,
        NgoPermitProvinces::Table,
        NgoPermitProvinces::PermitId,
        id,
        NgoPermitProvinces::UnitId,
    )
    .await?;
    let sectors: Vec<String> = sets::read(
        conn,
        NgoPermitSectors::Table,
        NgoPermitSectors::PermitId,
        id,
        NgoPermitSectors::SectorCode,
    )
    .await?;
    let steps: Vec<StepRow> = conn
        .fetch_all(
            Query::select()
                .columns([
                    NgoPermitChanges::Change,
                    NgoPermitChanges::Note,
                    NgoPermitChanges::UserId,
                    NgoPermitChanges::At,
                ])
                .from(NgoPermitChanges::Table)
                .and_where(Expr::col(NgoPermitChanges::PermitId).eq(id))
                .order_by(NgoPermitChanges::Id, Order::Asc),
        )
        .await?;
    let standing: PermitStanding = stored(&standing)?;
    Ok(Permit {
        id,
        partner_id,
        kind: stored(&kind)?,
        number,
        issuer,
        issued_on,
        valid_from,
        valid_to,
        standing,
        state: PermitState::on(standing, valid_to, today),
        provinces: unit_list(conn, provinces).await?,
        sectors: sectors_of(&sectors),
        note,
        history: steps
            .into_iter()
            .map(|(change, note, user_id, at)| {
                Ok(PermitStep {
                    change: stored(&change)?,
                    note,
                    user_id,
                    at,
                })
            })
            .collect::<Result<_>>()?,
    })
}

async fn permits_of(conn: &mut Conn, partner_id: i64, today: NaiveDate) -> Result<Vec<Permit>> {
    let rows: Vec<PermitRow> = conn
        .fetch_all(
            Query::select()
                .columns(permit_columns())
                .from(NgoPermits::Table)
                .and_where(Expr::col(NgoPermits::PartnerId).eq(partner_id))
                .order_by(NgoPermits::ValidFrom, Order::Desc)
                .order_by(NgoPermits::Id, Order::Desc),
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(assemble(conn, row, today).await?);
    }
    Ok(out)
}

/// What needs attention: permits ending within 90 days; provinces of work no permit the NGO may
/// work under today covers.
fn warnings(provinces: &[UnitRef], permits: &[Permit]) -> Vec<Warning> {
    let mut out: Vec<Warning> = permits
        .iter()
        .filter(|p| p.state == PermitState::Expiring)
        .map(|p| Warning::Expiring {
            permit_id: p.id,
            number: p.number.clone(),
            valid_to: p.valid_to,
        })
        .collect();
    let covered: BTreeSet<i64> = permits
        .iter()
        .filter(|p| p.state.allows_work())
        .flat_map(|p| p.provinces.iter().map(|u| u.id))
        .collect();
    out.extend(
        provinces
            .iter()
            .filter(|u| !covered.contains(&u.id))
            .map(|u| Warning::Uncovered {
                unit_id: u.id,
                unit_name: u.name.clone(),
            }),
    );
    out
}

/// An NGO with its work, permits and warnings as of `today` (404 for a partner of another kind).
pub async fn get(conn: &mut Conn, id: i64, today: NaiveDate) -> Result<Ngo> {
    let partner = ngo_partner(conn, id).await?;
    let sectors: Vec<String> = sets::read(
        conn,
        NgoSectors::Table,
        NgoSectors::PartnerId,
        id,
        NgoSectors::SectorCode,
    )
    .await?;
    let provinces: Vec<i64> = sets::read(
        conn,
        NgoProvinces::Table,
        NgoProvinces::PartnerId,
        id,
        NgoProvinces::UnitId,
    )
    .await?;
    let provinces = unit_list(conn, provinces).await?;
    let permits = permits_of(conn, id, today).await?;
    let warnings = warnings(&provinces, &permits);
    Ok(Ngo {
        partner,
        sectors: sectors_of(&sectors),
        provinces,
        permits,
        warnings,
    })
}

/// Provinces must be named by provincial unions that exist (today or earlier).
pub(crate) async fn check_provinces(conn: &mut Conn, field: &str, ids: &[i64]) -> Result<()> {
    let kinds: Vec<(i64, String)> = conn
        .fetch_all(
            Query::select()
                .columns([OrgUnits::Id, OrgUnits::Kind])
                .from(OrgUnits::Table)
                .and_where(Expr::col(OrgUnits::Id).is_in(ids.iter().copied())),
        )
        .await?;
    let kinds: HashMap<i64, String> = kinds.into_iter().collect();
    for id in ids {
        if kinds
            .get(id)
            .is_none_or(|k| k != OrgKind::ProvinceUnion.as_str())
        {
            return Err(Error::invalid(
                field,
                amity_domain::error::said("not-province-union", [("id", id.to_string())]),
            ));
        }
    }
    Ok(())
}

fn ngo_json(n: &Ngo) -> serde_json::Value {
    serde_json::json!({
        "sectors": n.sectors.iter().map(|s| &s.code).collect::<Vec<_>>(),
        "provinces": n.provinces.iter().map(|u| u.id).collect::<Vec<_>>(),
    })
}

/// Sets the sectors and provinces an NGO works in (central staff).
pub async fn set_work(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    sectors: &[String],
    provinces: &[i64],
    today: NaiveDate,
) -> Result<Ngo> {
    actor.require(Action::ManageNgos, None)?;
    let before = get(conn, id, today).await?;
    let sectors: BTreeSet<String> = sectors
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    if let Some(why) = sector::refuse_unknown(&sectors) {
        return Err(Error::invalid("sectors", why));
    }
    let provinces: BTreeSet<i64> = provinces.iter().copied().collect();
    check_provinces(
        conn,
        "provinces",
        &provinces.iter().copied().collect::<Vec<_>>(),
    )
    .await?;
    sets::replace(
        conn,
        NgoSectors::Table,
        NgoSectors::PartnerId,
        id,
        [NgoSectors::SectorCode],
        sectors.into_iter().map(|c| [Expr::val(c)]).collect(),
    )
    .await?;
    sets::replace(
        conn,
        NgoProvinces::Table,
        NgoProvinces::PartnerId,
        id,
        [NgoProvinces::UnitId],
        provinces.into_iter().map(|u| [Expr::val(u)]).collect(),
    )
    .await?;
    let after = get(conn, id, today).await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: None,
            before: Some(&ngo_json(&before)),
            after: Some(&ngo_json(&after)),
        },
    )
    .await?;
    Ok(after)
}

async fn check_spec(conn: &mut Conn, spec: &PermitSpec) -> Result<()> {
    if let Some(why) = sector::refuse_unknown(&spec.sectors) {
        return Err(Error::invalid("sectors", why));
    }
    check_provinces(conn, "provinces", &spec.provinces).await
}

async fn write_area(conn: &mut Conn, permit: i64, spec: &PermitSpec) -> Result<()> {
    let provinces = spec.provinces.iter().map(|u| [Expr::val(*u)]).collect();
    sets::replace(
        conn,
        NgoPermitProvinces::Table,
        NgoPermitProvinces::PermitId,
        permit,
        [NgoPermitProvinces::UnitId],
        provinces,
    )
    .await?;
    let sectors = spec
        .sectors
        .iter()
        .map(|c| [Expr::val(c.clone())])
        .collect();
    sets::replace(
        conn,
        NgoPermitSectors::Table,
        NgoPermitSectors::PermitId,
        permit,
        [NgoPermitSectors::SectorCode],
        sectors,
    )
    .await
}

async fn step(
    conn: &mut Conn,
    actor: &Actor,
    permit: i64,
    change: PermitChange,
    note: Option<&str>,
) -> Result<()> {
    conn.execute(
        Query::insert()
            .into_table(NgoPermitChanges::Table)
            .columns([
                NgoPermitChanges::PermitId,
                NgoPermitChanges::Change,
                NgoPermitChanges::Note,
                NgoPermitChanges::UserId,
                NgoPermitChanges::At,
            ])
            .values_panic([
                permit.into(),
                change.as_str().into(),
                note.map(str::to_owned).into(),
                actor.user_id.into(),
                Utc::now().into(),
            ]),
    )
    .await?;
    Ok(())
}

fn permit_json(p: &Permit) -> serde_json::Value {
    serde_json::json!({
        "kind": p.kind.as_str(), "number": p.number, "issuer": p.issuer, "issued_on": p.issued_on,
        "valid_from": p.valid_from, "valid_to": p.valid_to, "standing": p.standing.as_str(), "note": p.note,
        "provinces": p.provinces.iter().map(|u| u.id).collect::<Vec<_>>(),
        "sectors": p.sectors.iter().map(|s| &s.code).collect::<Vec<_>>(),
    })
}

async fn record(
    conn: &mut Conn,
    actor: &Actor,
    action: AuditAction,
    before: Option<&Permit>,
    after: &Permit,
) -> Result<()> {
    let before = before.map(permit_json);
    audit::record(
        conn,
        actor,
        Entry {
            action,
            entity_type: PERMIT,
            entity_id: after.id,
            unit_id: None,
            before: before.as_ref(),
            after: Some(&permit_json(after)),
        },
    )
    .await
}

/// A permit by its id.
pub async fn permit(conn: &mut Conn, id: i64, today: NaiveDate) -> Result<Permit> {
    let row: PermitRow = conn
        .fetch_optional(
            Query::select()
                .columns(permit_columns())
                .from(NgoPermits::Table)
                .and_where(Expr::col(NgoPermits::Id).eq(id)),
        )
        .await?
        .ok_or(Error::NotFound("permit"))?;
    assemble(conn, row, today).await
}

/// Records a permit issued to an NGO (central staff).
pub async fn add_permit(
    conn: &mut Conn,
    actor: &Actor,
    ngo: i64,
    draft: &PermitDraft,
    today: NaiveDate,
) -> Result<Permit> {
    actor.require(Action::ManageNgos, None)?;
    ngo_partner(conn, ngo).await?;
    let spec = draft.check()?;
    check_spec(conn, &spec).await?;
    let now = Utc::now();
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(NgoPermits::Table)
                .columns([
                    NgoPermits::PartnerId,
                    NgoPermits::Kind,
                    NgoPermits::Number,
                    NgoPermits::Issuer,
                    NgoPermits::IssuedOn,
                    NgoPermits::ValidFrom,
                    NgoPermits::ValidTo,
                    NgoPermits::Standing,
                    NgoPermits::Note,
                    NgoPermits::CreatedAt,
                    NgoPermits::UpdatedAt,
                ])
                .values_panic([
                    ngo.into(),
                    spec.kind.as_str().into(),
                    spec.number.clone().into(),
                    spec.issuer.clone().into(),
                    spec.issued_on.into(),
                    spec.valid_from.into(),
                    spec.valid_to.into(),
                    PermitStanding::Valid.as_str().into(),
                    spec.note.clone().into(),
                    now.into(),
                    now.into(),
                ])
                .returning_col(NgoPermits::Id),
        )
        .await?;
    write_area(conn, id, &spec).await?;
    step(conn, actor, id, PermitChange::Issued, spec.note.as_deref()).await?;
    let created = permit(conn, id, today).await?;
    record(conn, actor, AuditAction::Create, None, &created).await?;
    Ok(created)
}

/// Records a step in a permit's life (central staff). `patch` holds the details that change;
/// what it leaves out stays. An extension moves the end later and nothing else; an amendment
/// changes the area, sectors or note; a re-issue may change every detail but the kind; a
/// suspension, revocation or reinstatement changes the decision and needs its reason.
pub async fn change_permit(
    conn: &mut Conn,
    actor: &Actor,
    id: i64,
    change: PermitChange,
    patch: &PermitDraft,
    today: NaiveDate,
) -> Result<Permit> {
    actor.require(Action::ManageNgos, None)?;
    let before = permit(conn, id, today).await?;
    let standing = change
        .after(before.standing)
        .map_err(|e| Error::conflict("change", e))?;
    let note = patch
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let keep_or = |given: Option<NaiveDate>, field: &str, was: NaiveDate| -> Result<NaiveDate> {
        match given {
            Some(d)
                if d != was
                    && !matches!(change, PermitChange::Reissued)
                    && !(field == "valid_to" && change == PermitChange::Extended) =>
            {
                Err(Error::invalid(
                    field,
                    amity_domain::error::said("permit-keeps-field", []),
                ))
            }
            Some(d) => Ok(d),
            None => Ok(was),
        }
    };
    let merged = PermitDraft {
        kind: Some(before.kind.as_str().into()),
        number: Some(match (&patch.number, change) {
            (Some(n), PermitChange::Reissued) => n.clone(),
            _ => before.number.clone(),
        }),
        issuer: Some(match (&patch.issuer, change) {
            (Some(i), PermitChange::Reissued) => i.clone(),
            _ => before.issuer.clone(),
        }),
        issued_on: Some(keep_or(patch.issued_on, "issued_on", before.issued_on)?),
        valid_from: Some(keep_or(patch.valid_from, "valid_from", before.valid_from)?),
        valid_to: Some(keep_or(patch.valid_to, "valid_to", before.valid_to)?),
        provinces: match change {
            PermitChange::Amended | PermitChange::Reissued if !patch.provinces.is_empty() => {
                patch.provinces.clone()
            }
            _ => before.provinces.iter().map(|u| u.id).collect(),
        },
        sectors: match change {
            PermitChange::Amended | PermitChange::Reissued if !patch.sectors.is_empty() => {
                patch.sectors.clone()
            }
            _ => before.sectors.iter().map(|s| s.code.clone()).collect(),
        },
        note: note.map(str::to_owned).or(before.note.clone()),
    };
    let spec = merged.check()?;
    match change {
        PermitChange::Extended if spec.valid_to <= before.valid_to => {
            return Err(Error::invalid(
                "valid_to",
                amity_domain::error::said(
                    "extension-ends-after",
                    [("date", amity_domain::text::format_date(before.valid_to))],
                ),
            ));
        }
        PermitChange::Suspended | PermitChange::Revoked | PermitChange::Reinstated
            if note.is_none() =>
        {
            return Err(Error::invalid(
                "note",
                amity_domain::error::Rule::GiveReason,
            ));
        }
        _ => {}
    }
    check_spec(conn, &spec).await?;
    conn.execute(
        Query::update()
            .table(NgoPermits::Table)
            .values([
                (NgoPermits::Number, spec.number.clone().into()),
                (NgoPermits::Issuer, spec.issuer.clone().into()),
                (NgoPermits::IssuedOn, spec.issued_on.into()),
                (NgoPermits::ValidFrom, spec.valid_from.into()),
                (NgoPermits::ValidTo, spec.valid_to.into()),
                (NgoPermits::Standing, standing.as_str().into()),
                (NgoPermits::Note, spec.note.clone().into()),
                (NgoPermits::UpdatedAt, Utc::now().into()),
            ])
            .and_where(Expr::col(NgoPermits::Id).eq(id)),
    )
    .await?;
    write_area(conn, id, &spec).await?;
    step(conn, actor, id, change, note).await?;
    let after = permit(conn, id, today).await?;
    record(conn, actor, AuditAction::Transition, Some(&before), &after).await?;
    Ok(after)
}

/// An NGO in the registry's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ListedNgo)]
pub struct Listed {
    pub id: i64,
    pub name: String,
    pub acronyms: Vec<String>,
    pub country_code: Option<String>,
    pub provinces: Vec<UnitRef>,
    pub permits: usize,
    pub warnings: Vec<Warning>,
}

/// Which NGOs a list holds.
#[derive(Debug, Clone, Default)]
pub struct NgoFilter {
    /// Words of the name or acronym.
    pub q: Option<String>,
    /// Working in this province (a provincial union).
    pub province: Option<i64>,
    /// Working in this sector.
    pub sector: Option<String>,
    /// Only those with a warning.
    pub needs_attention: bool,
}

/// The NGOs that need attention on `today`, as a query of their ids: a permit ending within
/// [`EXPIRY_WARNING_DAYS`], or a province of work that no permit they may work under covers.
/// It asks in SQL what [`warnings`] finds in the records read, so both agree.
fn needing_attention(today: NaiveDate) -> SelectStatement {
    let horizon = today
        .checked_add_days(Days::new(EXPIRY_WARNING_DAYS))
        .unwrap_or(NaiveDate::MAX);
    let valid = PermitStanding::Valid.as_str();
    let expiring = Query::select()
        .column(NgoPermits::PartnerId)
        .from(NgoPermits::Table)
        .and_where(Expr::col(NgoPermits::Standing).eq(valid))
        .and_where(Expr::col(NgoPermits::ValidTo).between(today, horizon))
        .to_owned();
    let covering = Query::select()
        .expr(Expr::val(1))
        .from(NgoPermits::Table)
        .inner_join(
            NgoPermitProvinces::Table,
            Expr::col((NgoPermitProvinces::Table, NgoPermitProvinces::PermitId))
                .equals((NgoPermits::Table, NgoPermits::Id)),
        )
        .and_where(
            Expr::col((NgoPermits::Table, NgoPermits::PartnerId))
                .equals((NgoProvinces::Table, NgoProvinces::PartnerId)),
        )
        .and_where(
            Expr::col((NgoPermitProvinces::Table, NgoPermitProvinces::UnitId))
                .equals((NgoProvinces::Table, NgoProvinces::UnitId)),
        )
        .and_where(Expr::col((NgoPermits::Table, NgoPermits::Standing)).eq(valid))
        .and_where(Expr::col((NgoPermits::Table, NgoPermits::ValidTo)).gte(today))
        .to_owned();
    let uncovered = Query::select()
        .column((NgoProvinces::Table, NgoProvinces::PartnerId))
        .from(NgoProvinces::Table)
        .and_where(Expr::exists(covering).not())
        .to_owned();
    Query::select()
        .column(Partners::Id)
        .from(Partners::Table)
        .cond_where(
            Cond::any()
                .add(Expr::col(Partners::Id).in_subquery(expiring))
                .add(Expr::col(Partners::Id).in_subquery(uncovered)),
        )
        .to_owned()
}

/// The registry's NGOs, by name, with their warnings as of `today`. Every filter is matched in
/// the database and only the page's NGOs are read in full.
pub async fn list(
    conn: &mut Conn,
    filter: &NgoFilter,
    limit: u64,
    offset: u64,
    today: NaiveDate,
) -> Result<(Vec<Listed>, i64)> {
    let mut within = filter.needs_attention.then(|| needing_attention(today));
    if let Some(unit) = filter.province {
        let mut q = Query::select()
            .column(NgoProvinces::PartnerId)
            .from(NgoProvinces::Table)
            .and_where(Expr::col(NgoProvinces::UnitId).eq(unit))
            .to_owned();
        if let Some(before) = within.take() {
            q.and_where(Expr::col(NgoProvinces::PartnerId).in_subquery(before));
        }
        within = Some(q);
    }
    if let Some(code) = &filter.sector {
        let mut q = Query::select()
            .column(NgoSectors::PartnerId)
            .from(NgoSectors::Table)
            .and_where(Expr::col(NgoSectors::SectorCode).eq(code.clone()))
            .to_owned();
        if let Some(before) = within.take() {
            q.and_where(Expr::col(NgoSectors::PartnerId).in_subquery(before));
        }
        within = Some(q);
    }
    let partner_filter = partner::PartnerFilter {
        q: filter.q.clone(),
        kind: Some(PartnerKind::Ngo),
        within,
        ..Default::default()
    };
    let (partners, total) =
        partner::list(conn, &partner_filter, ("name", false), limit, offset).await?;
    let mut out = Vec::with_capacity(partners.len());
    for p in partners {
        let ngo = get(conn, p.id, today).await?;
        out.push(Listed {
            id: p.id,
            name: p.name,
            acronyms: p.acronyms,
            country_code: p.country_code,
            provinces: ngo.provinces,
            permits: ngo.permits.len(),
            warnings: ngo.warnings,
        });
    }
    Ok((out, total))
}
