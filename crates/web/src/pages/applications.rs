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

/// A multipart form as sent: its text fields, and its files by field (empty file fields, as
/// browsers send for a file not chosen, left out).
struct Sent {
    text: std::collections::HashMap<String, String>,
    files: Vec<(String, String, Vec<u8>)>,
}

async fn read_sent(mut form: axum::extract::Multipart) -> amity_store::Result<Sent> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        amity_store::Error::invalid("file", e.body_text())
    };
    let mut sent = Sent {
        text: Default::default(),
        files: Vec::new(),
    };
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(bad)?;
                if !file_name.is_empty() || !bytes.is_empty() {
                    sent.files.push((name, file_name, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(bad)?;
                sent.text.insert(name, text);
            }
        }
    }
    Ok(sent)
}

#[derive(Template)]
#[template(path = "application_new.html")]
struct NewPage<'a> {
    ctx: &'a PageCtx,
    /// The procedure chosen; none yet: the list to choose from.
    procedure: Option<Procedure>,
    procedures: &'static [Procedure],
    permits: Vec<(i64, String)>,
    /// What was typed, kept when the form comes back.
    request: String,
    permit_id: String,
    errors: FormErrors,
}

async fn new_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    procedure: Option<Procedure>,
    (request, permit_id): (String, String),
    errors: FormErrors,
) -> amity_store::Result<NewPage<'a>> {
    let list = list_page(state, ctx, me, FormErrors::default()).await?;
    if !list.can_file {
        return Err(amity_store::Error::Denied(amity_domain::authz::Denied(
            "applications are filed from an NGO's applicant account",
        )));
    }
    Ok(NewPage {
        ctx,
        procedure,
        procedures: Procedure::ALL,
        permits: list.permits,
        request,
        permit_id,
        errors,
    })
}

impl NewPage<'_> {
    /// The problems not shown beside a field of the form.
    fn general_errors(&self) -> Vec<String> {
        let mut shown = vec!["permit_id".to_owned(), "request".to_owned()];
        if let Some(p) = self.procedure {
            shown.extend((0..p.required_documents().len()).map(|i| format!("doc_{i}")));
        }
        let shown: Vec<&str> = shown.iter().map(String::as_str).collect();
        self.errors.general(&shown)
    }
}

#[derive(Debug, Deserialize)]
struct ChooseQuery {
    procedure: Option<String>,
}

/// Filing, step one: choose the procedure; step two: its checklist, a file for each document.
async fn new_form(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    axum::extract::Query(q): axum::extract::Query<ChooseQuery>,
) -> PageResult {
    let procedure = q.procedure.as_deref().and_then(|p| p.parse().ok());
    Ok(render(
        &new_page(
            &state,
            &ctx,
            &me,
            procedure,
            Default::default(),
            FormErrors::default(),
        )
        .await?,
    ))
}

/// Files an application with a file for each document of its procedure's checklist.
async fn file_with_documents(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    form: axum::extract::Multipart,
) -> PageResult {
    let sent = read_sent(form).await;
    let (procedure, typed) = match &sent {
        Ok(s) => (
            s.text
                .get("procedure")
                .and_then(|p| p.parse::<Procedure>().ok()),
            (
                s.text.get("request").cloned().unwrap_or_default(),
                s.text.get("permit_id").cloned().unwrap_or_default(),
            ),
        ),
        Err(_) => (None, Default::default()),
    };
    let result = async {
        let sent = sent?;
        let procedure = procedure.ok_or_else(|| {
            amity_store::Error::invalid("procedure", amity_domain::error::Problem::Required)
        })?;
        // Each document of the checklist needs its file.
        let mut check = amity_domain::error::Checker::new();
        let mut documents = Vec::new();
        for (i, name) in procedure.required_documents().iter().enumerate() {
            match sent
                .files
                .iter()
                .find(|(field, ..)| *field == format!("doc_{i}"))
            {
                Some(_) => documents.push((*name).to_owned()),
                None => check.push(
                    &format!("doc_{i}"),
                    amity_domain::error::said("file-needed", []),
                ),
            }
        }
        check.finish()?;
        let draft = ApplicationDraft {
            procedure: Some(procedure.as_str().to_owned()),
            permit_id: typed.1.trim().parse().ok(),
            documents,
            request: Some(typed.0.clone()),
        };
        let files = crate::api::activities::files(&state);
        let mut tx = state.db.begin().await?;
        let filed = application::file(&mut tx, &me.actor, &draft, today()).await?;
        for (field, file_name, bytes) in &sent.files {
            // Kept under the checklist's name of the document it stands for.
            let document = field
                .strip_prefix("doc_")
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| procedure.required_documents().get(i));
            let file_name = match document {
                Some(d) => format!("{} – {file_name}", d.replace(['/', '\\'], "-")),
                None => file_name.clone(),
            };
            application::attach(
                &mut tx,
                &me.actor,
                &files,
                filed.id,
                (&file_name, bytes),
                today(),
            )
            .await
            .map_err(|e| match e {
                amity_store::Error::Invalid(i) => {
                    amity_store::Error::Invalid(amity_domain::error::Invalid(
                        i.0.into_iter()
                            .map(|f| amity_domain::error::FieldError {
                                field: field.clone(),
                                ..f
                            })
                            .collect(),
                    ))
                }
                other => other,
            })?;
        }
        tx.commit().await?;
        files.publish().await?;
        Ok(filed.id)
    }
    .await
    .map_err(beside_field);
    after_post(&ctx, result, application_path, |errors| {
        new_page(&state, &ctx, &me, procedure, typed.clone(), errors)
    })
    .await
}

/// The applicant's answer to a request for information: its words and the documents asked for,
/// sent back to the office in one go.
async fn answer(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> PageResult {
    let result = async {
        let sent = read_sent(form).await?;
        let words = sent
            .text
            .get("answer")
            .map(|a| a.trim())
            .unwrap_or_default();
        if words.is_empty() && sent.files.is_empty() {
            return Err(amity_store::Error::invalid(
                "answer",
                amity_domain::error::said("answer-needed", []),
            ));
        }
        let files = crate::api::activities::files(&state);
        let mut tx = state.db.begin().await?;
        for (_, file_name, bytes) in &sent.files {
            application::attach(&mut tx, &me.actor, &files, id, (file_name, bytes), today())
                .await?;
        }
        let comment = Some(words).filter(|w| !w.is_empty());
        application::transition(
            &mut tx,
            &me.actor,
            id,
            ApplicationState::Submitted,
            comment,
            None,
            today(),
        )
        .await?;
        tx.commit().await?;
        files.publish().await
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

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage<'a> {
    ctx: &'a PageCtx,
    application: Application,
    /// The moves the reader may make now.
    moves: Vec<ApplicationState>,
    provinces: Vec<OrgUnit>,
    /// The documents sent with it and since.
    files: Vec<amity_store::attachment::Attachment>,
    errors: FormErrors,
}

impl ApplicationPage<'_> {
    fn is_office(&self) -> bool {
        self.application.notes.is_some()
    }

    /// Where the application stands, in words, for its reader.
    fn now_key(&self) -> String {
        format!(
            "applications-now-{}",
            self.application.state.as_str().replace('_', "-")
        )
    }

    fn answer_path(&self) -> String {
        format!(
            "{}/answer",
            crate::view::path::application(self.application.id)
        )
    }

    /// The applicant is asked for more and may answer.
    fn may_answer(&self) -> bool {
        !self.is_office() && self.application.state == ApplicationState::InfoRequested
    }

    /// What the office last asked for, in its words.
    fn request_for_information(&self) -> Option<&str> {
        self.application
            .moves
            .iter()
            .rev()
            .find(|m| m.to == ApplicationState::InfoRequested)
            .and_then(|m| m.comment.as_deref())
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
    let files =
        amity_store::attachment::of_record(&mut conn, application::ENTITY, application.id).await?;
    Ok(ApplicationPage {
        ctx,
        application,
        moves,
        provinces,
        files,
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
        .route("/applications/new", get(new_form).post(file_with_documents))
        .route("/applications/{id}/answer", post(answer))
        .route("/applications/{id}", get(show))
        .route("/applications/{id}/transitions", post(transition))
        .route("/applications/{id}/notes", post(add_note))
}
