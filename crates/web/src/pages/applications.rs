//! Application pages: an NGO applicant files and follows its NGO's applications; the office
//! sees every application, most urgent first, moves them and keeps internal notes.

use amity_domain::application::{ApplicationState, Procedure};
use amity_domain::ngo::PermitDraft;
use amity_domain::org::OrgKind;
use amity_domain::partner::Vocabulary;
use amity_store::application::{self, Application, ApplicationDraft};
use amity_store::org::OrgUnit;
use askama::Template;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::ngos::PermitFields;
use super::{PageResult, after_post, beside_field, render, save};
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn application_path(id: i64) -> String {
    crate::view::path::application(id)
}

#[derive(Template)]
#[template(path = "applications.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    applications: Vec<Application>,
    can_file: bool,
    procedures: &'static [Procedure],
    /// The applicant's NGO's permits, for extensions and amendments: (id, label).
    permits: Vec<(i64, String)>,
    errors: FormErrors,
}

async fn list_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    errors: FormErrors,
) -> amity_store::Result<ListPage<'a>> {
    let mut conn = state.db.conn().await?;
    let applications = application::list(&mut conn, &me.actor, None, today()).await?;
    let ngo = application::applicant_ngo(&mut conn, &me.actor).await?;
    let permits = match ngo {
        Some(id) => amity_store::ngo::get(&mut conn, id, today())
            .await?
            .permits
            .into_iter()
            .map(|p| (p.id, format!("{} ({})", p.number, p.valid_to)))
            .collect(),
        None => vec![],
    };
    Ok(ListPage {
        ctx,
        applications,
        can_file: ngo.is_some(),
        procedures: Procedure::ALL,
        permits,
        errors,
    })
}

async fn list(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> PageResult {
    Ok(render(
        &list_page(&state, &ctx, &me, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct FileForm {
    #[serde(default)]
    procedure: String,
    #[serde(default)]
    permit_id: String,
    #[serde(default)]
    documents: Vec<String>,
    #[serde(default)]
    request: String,
}

async fn file(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<FileForm>,
) -> PageResult {
    let result = async {
        let draft = ApplicationDraft {
            procedure: Some(f.procedure.clone()),
            permit_id: f.permit_id.trim().parse().ok(),
            documents: f.documents.clone(),
            request: Some(f.request.clone()),
        };
        let mut tx = state.db.begin().await?;
        let filed = application::file(&mut tx, &me.actor, &draft, today()).await?;
        tx.commit().await?;
        Ok(filed.id)
    }
    .await;
    after_post(&ctx, result, application_path, |errors| {
        list_page(&state, &ctx, &me, errors)
    })
    .await
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage<'a> {
    ctx: &'a PageCtx,
    application: Application,
    /// The moves the reader may make now.
    moves: Vec<ApplicationState>,
    provinces: Vec<OrgUnit>,
    errors: FormErrors,
}

impl ApplicationPage<'_> {
    fn is_office(&self) -> bool {
        self.application.notes.is_some()
    }
}

async fn application_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    errors: FormErrors,
) -> amity_store::Result<ApplicationPage<'a>> {
    let mut conn = state.db.conn().await?;
    let application = application::get(&mut conn, &me.actor, id, today()).await?;
    let office = application.notes.is_some();
    let moves = ApplicationState::ALL
        .iter()
        .copied()
        .filter(|to| {
            application.state.after(*to).is_ok()
                && ApplicationState::is_applicants(application.state, *to) != office
        })
        .collect();
    let provinces = match office {
        true => amity_store::org::all_as_of(&mut conn, today())
            .await?
            .into_iter()
            .filter(|u| u.kind == OrgKind::ProvinceUnion.as_str())
            .collect(),
        false => vec![],
    };
    Ok(ApplicationPage {
        ctx,
        application,
        moves,
        provinces,
        errors,
    })
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(
        &application_page(&state, &ctx, &me, id, FormErrors::default()).await?,
    ))
}

async fn transition(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<PermitFields>,
) -> PageResult {
    let result = async {
        let to = f
            .change
            .parse::<ApplicationState>()
            .map_err(|e| amity_store::Error::invalid("to", e))?;
        // The comment is the move's, not the permit's.
        let permit = PermitDraft {
            note: None,
            ..f.draft()?
        };
        let given =
            permit.number.is_some() || permit.valid_to.is_some() || !permit.provinces.is_empty();
        let mut tx = state.db.begin().await?;
        application::transition(
            &mut tx,
            &me.actor,
            id,
            to,
            Some(&f.note),
            given.then_some(&permit),
            today(),
        )
        .await?;
        tx.commit().await
    }
    .await
    .map_err(beside_field);
    after_post(
        &ctx,
        result,
        |()| application_path(id),
        |errors| application_page(&state, &ctx, &me, id, errors),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct NoteForm {
    #[serde(default)]
    note: String,
}

async fn add_note(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<NoteForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            application::add_note(tx, &me.actor, id, &f.note, today()).await?;
            Ok(())
        },
        |()| application_path(id),
        |errors| application_page(&state, &ctx, &me, id, errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/applications", get(list).post(file))
        .route("/applications/{id}", get(show))
        .route("/applications/{id}/transitions", post(transition))
        .route("/applications/{id}/notes", post(add_note))
}
