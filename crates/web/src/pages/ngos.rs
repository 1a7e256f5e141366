//! Foreign-NGO pages: the registry with its warnings, and one NGO's work and permits, with the
//! forms central staff keep them by.

use amity_domain::authz::Action;
use amity_domain::error::Checker;
use amity_domain::ngo::{PermitChange, PermitDraft, PermitKind};
use amity_domain::org::OrgKind;
use amity_domain::partner::Vocabulary;
use amity_store::ngo::{self, Listed, Ngo, NgoFilter};
use amity_store::org::OrgUnit;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::{PageResult, after_post, beside_field, render, save};
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

const PER_PAGE: u64 = 50;

fn ngo_path(id: i64) -> String {
    crate::view::path::ngo(id)
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Today's provincial unions, for choosing provinces.
/// Today's provincial unions, read on the request's one connection.
async fn provinces(conn: &mut amity_store::Conn) -> amity_store::Result<Vec<OrgUnit>> {
    let units = amity_store::org::all_as_of(conn, today()).await?;
    Ok(units
        .into_iter()
        .filter(|u| u.kind == OrgKind::ProvinceUnion.as_str())
        .collect())
}

#[derive(Debug, Default, Deserialize)]
struct ListForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    attention: String,
    page: Option<u64>,
}

impl ListForm {
    fn query_string(&self) -> String {
        let given = [
            ("q", &self.q),
            ("province", &self.province),
            ("sector", &self.sector),
            ("attention", &self.attention),
        ];
        super::filter_query(given)
    }
}

#[derive(Template)]
#[template(path = "ngos.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    ngos: Vec<Listed>,
    total: i64,
    page: u64,
    pages: u64,
    form: ListForm,
    query: String,
    provinces: Vec<OrgUnit>,
}

async fn list(
    State(state): State<AppState>,
    Auth(_): Auth,
    ctx: PageCtx,
    Query(form): Query<ListForm>,
) -> PageResult {
    let page = form.page.unwrap_or(1).max(1);

    let filter = NgoFilter {
        q: Some(form.q.trim().to_owned()).filter(|q| !q.is_empty()),
        province: form.province.trim().parse().ok(),
        sector: Some(form.sector.trim().to_owned()).filter(|s| !s.is_empty()),
        needs_attention: !form.attention.is_empty(),
    };
    let mut conn = state.db.conn().await?;
    let (ngos, total) =
        ngo::list(&mut conn, &filter, PER_PAGE, (page - 1) * PER_PAGE, today()).await?;
    let provinces = provinces(&mut conn).await?;
    let query = form.query_string();
    Ok(render(&ListPage {
        ctx: &ctx,
        ngos,
        total,
        page,
        pages: super::page_count(total, PER_PAGE),
        form,
        query,
        provinces,
    }))
}

/// The permit form's fields as the page sends them (also an application's move, whose
/// `change` is the state moved to and `note` the comment).
#[derive(Debug, Default, Clone, Deserialize)]
pub(super) struct PermitFields {
    #[serde(default)]
    pub(super) change: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    issued_on: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_to: String,
    #[serde(default)]
    provinces: Vec<String>,
    #[serde(default)]
    sectors: String,
    #[serde(default)]
    pub(super) note: String,
}

impl PermitFields {
    /// The draft, every unreadable field named.
    pub(super) fn draft(&self) -> amity_store::Result<PermitDraft> {
        let mut check = Checker::new();
        let issued_on = check.optional_date("issued_on", &self.issued_on).flatten();
        let valid_from = check
            .optional_date("valid_from", &self.valid_from)
            .flatten();
        let valid_to = check.optional_date("valid_to", &self.valid_to).flatten();
        let provinces = self
            .provinces
            .iter()
            .filter_map(|p| p.trim().parse().ok())
            .collect();
        check.finish()?;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(PermitDraft {
            kind: text(&self.kind),
            number: text(&self.number),
            issuer: text(&self.issuer),
            issued_on,
            valid_from,
            valid_to,
            provinces,
            sectors: self
                .sectors
                .split([',', ' ', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            note: text(&self.note),
        })
    }

    fn has_province(&self, id: &i64) -> bool {
        self.provinces.iter().any(|p| p == &id.to_string())
    }
}

#[derive(Template)]
#[template(path = "ngo.html")]
struct NgoPage<'a> {
    ctx: &'a PageCtx,
    ngo: Ngo,
    can_manage: bool,
    provinces: Vec<OrgUnit>,
    kinds: &'static [PermitKind],
    changes: &'static [PermitChange],
    /// The work form's sectors, as written.
    work_sectors: String,
    fields: PermitFields,
    errors: FormErrors,
    /// The aid projects it takes part in, over all years, within the reader's scope.
    aid: amity_store::aid::Overall,
}

impl NgoPage<'_> {
    fn works_in(&self, id: &i64) -> bool {
        self.ngo.provinces.iter().any(|u| u.id == *id)
    }
}

async fn ngo_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    fields: Option<PermitFields>,
    errors: FormErrors,
) -> amity_store::Result<NgoPage<'a>> {
    let mut conn = state.db.conn().await?;
    let ngo = ngo::get(&mut conn, id, today()).await?;
    let work_sectors = ngo
        .sectors
        .iter()
        .map(|s| s.code.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let aid = amity_store::aid::overall(&mut conn, &me.actor, amity_store::aid::Whose::Partner(id))
        .await?;
    Ok(NgoPage {
        ctx,
        aid,
        can_manage: me.actor.may(Action::ManageNgos, None),
        provinces: provinces(&mut conn).await?,
        kinds: PermitKind::ALL,
        changes: &PermitChange::ALL[1..],
        work_sectors,
        fields: fields.unwrap_or_else(|| PermitFields {
            kind: PermitKind::OperationRegistration.as_str().into(),
            ..Default::default()
        }),
        errors,
        ngo,
    })
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(
        &ngo_page(&state, &ctx, &me, id, None, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct WorkFields {
    #[serde(default)]
    sectors: String,
    #[serde(default)]
    provinces: Vec<String>,
}

async fn set_work(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<WorkFields>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let sectors: Vec<String> = f
                .sectors
                .split([',', ' ', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let provinces: Vec<i64> = f
                .provinces
                .iter()
                .filter_map(|p| p.trim().parse().ok())
                .collect();
            ngo::set_work(tx, &me.actor, id, &sectors, &provinces, today()).await?;
            Ok(())
        },
        |()| ngo_path(id),
        |errors| ngo_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

async fn add_permit(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<PermitFields>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let draft = f.draft()?;
            ngo::add_permit(tx, &me.actor, id, &draft, today()).await?;
            Ok(())
        },
        |()| ngo_path(id),
        |errors| ngo_page(&state, &ctx, &me, id, Some(f.clone()), errors),
    )
    .await
}

async fn change_permit(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path((id, permit)): Path<(i64, i64)>,
    PostForm(f): PostForm<PermitFields>,
) -> PageResult {
    let result = async {
        let change = f
            .change
            .parse::<PermitChange>()
            .map_err(|e| amity_store::Error::invalid("change", e))?;
        let draft = f.draft()?;
        let mut tx = state.db.begin().await?;
        ngo::change_permit(&mut tx, &me.actor, permit, change, &draft, today()).await?;
        tx.commit().await
    }
    .await
    .map_err(beside_field)
    // Named after the permit, above the page: the add-permit form's fields share these names.
    .map_err(|e| match e {
        amity_store::Error::Invalid(i) => {
            amity_store::Error::Invalid(amity_domain::error::Invalid(
                i.0.into_iter()
                    .map(|f| amity_domain::error::FieldError {
                        field: format!("permit {permit}, {}", f.field),
                        problem: f.problem,
                    })
                    .collect(),
            ))
        }
        other => other,
    });
    after_post(
        &ctx,
        result,
        |()| ngo_path(id),
        |errors| ngo_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/ngos", get(list))
        .route("/ngos/{id}", get(show))
        .route("/ngos/{id}/work", post(set_work))
        .route("/ngos/{id}/permits", post(add_permit))
        .route("/ngos/{id}/permits/{permit}/changes", post(change_permit))
}
