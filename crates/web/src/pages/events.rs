//! Event pages: the list with its filters, the entry and edit form, and an event's page with
//! its files.

use amity_domain::activity::{Channel, EventType};
use std::collections::HashMap;

use amity_domain::authz::{Action, Actor};
use amity_domain::event::EventDraft;
use amity_domain::partner::Vocabulary;
use amity_store::Conn;
use amity_store::attachment::{self, Attachment};
use amity_store::event::{self, Event};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::editing::{self, Edited};
use super::{PageResult, render};
use crate::api::events::Events as List;
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

const PER_PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize, Serialize)]
struct ListForm {
    #[serde(default, rename = "type")]
    event_type: String,
    #[serde(default)]
    year: String,
    /// A date range (from a report's figure): records starting within it.
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    sort: String,
    #[serde(skip_serializing)]
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "events.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    events: Vec<Event>,
    total: i64,
    page: u64,
    pages: u64,
    form: ListForm,
    query: String,
    types: &'static [EventType],
    units: Vec<amity_store::org::OrgUnit>,
    /// The country filter as the reader typed it, and the names to suggest.
    country_shown: String,
    country_names: Vec<(String, String)>,
    error: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(mut form): Query<ListForm>,
) -> Response {
    let page = form.page.unwrap_or(1).max(1);
    let (country_shown, country_names) =
        match super::country_filter(&state, &ctx, &mut form.country).await {
            Ok(found) => found,
            Err(page) => return page,
        };
    let rows = match super::activity_rows::<List>(
        &state,
        &ctx,
        &me,
        super::list_query(&form, (&form.year, &form.unit)),
        (page, PER_PAGE),
    )
    .await
    {
        Ok(rows) => rows,
        Err(page) => return page,
    };
    let query = super::filters_query(&form);
    render(&ListPage {
        ctx: &ctx,
        events: rows.records,
        total: rows.total,
        page,
        pages: super::page_count(rows.total, PER_PAGE),
        form,
        query,
        types: EventType::ALL,
        units: rows.units,
        country_shown,
        country_names,
        error: rows.error,
    })
}

#[derive(Template)]
#[template(path = "event_form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    existing: Option<Event>,
    form: EventDraft,
    partners: Vec<amity_store::partner::Partner>,
    tasks: Vec<(i64, String)>,
    /// Units open today, to choose co-organizers from.
    units: Vec<amity_store::org::OrgUnit>,
    types: &'static [EventType],
    channels: &'static [Channel],
    /// Suggested as one types a country: (code, name).
    country_names: Vec<(String, String)>,
    errors: FormErrors,
}

impl FormPage<'_> {
    fn chosen(list: &[String], id: i64) -> bool {
        list.iter().any(|v| v.trim() == id.to_string())
    }

    fn has_partner(&self, id: &i64) -> bool {
        Self::chosen(&self.form.partners, *id)
    }

    fn has_task(&self, id: &i64) -> bool {
        Self::chosen(&self.form.tasks, *id)
    }

    fn has_co_organizer(&self, id: &i64) -> bool {
        Self::chosen(&self.form.co_organizers, *id)
    }

    /// The countries concerned, as the form's one text box shows them.
    fn countries(&self) -> String {
        self.form.countries.join(", ")
    }
}

async fn form_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    existing: Option<Event>,
    form: EventDraft,
    errors: FormErrors,
) -> amity_store::Result<FormPage<'a>> {
    let mut conn = state.db.conn().await?;
    let (partners, _) =
        amity_store::partner::list(&mut conn, &Default::default(), ("name", false), 10_000, 0)
            .await?;
    let actor = ctx
        .user
        .as_ref()
        .map(|u| u.actor.clone())
        .ok_or(amity_store::Error::NotFound("session"))?;
    let tasks = super::delegations::task_choices(&mut conn, &actor).await?;
    let units = amity_store::org::all_as_of(&mut conn, chrono::Utc::now().date_naive()).await?;
    let country_names = super::country_names(&mut conn, ctx).await?;
    let mut form = form;
    form.place_country = super::named_countries(&form.place_country, &country_names);
    form.countries = vec![super::named_countries(
        &form.countries.join(", "),
        &country_names,
    )];
    Ok(FormPage {
        ctx,
        existing,
        form,
        country_names,
        partners,
        tasks,
        units,
        types: EventType::ALL,
        channels: Channel::ALL,
        errors,
    })
}

/// The form with its countries, typed by name, read as codes.
async fn with_country_codes(tx: &mut Conn, form: &EventDraft) -> amity_store::Result<EventDraft> {
    let mut form = form.clone();
    form.place_country = super::typed_countries(tx, &form.place_country).await?;
    form.countries = vec![super::typed_countries(tx, &form.countries.join(", ")).await?];
    Ok(form)
}

/// The event form pair (see [`editing`]).
struct Events;

impl Edited for Events {
    type Record = Event;
    type Form = EventDraft;
    type Page<'a> = FormPage<'a>;

    fn blank(_: &HashMap<String, String>) -> EventDraft {
        EventDraft {
            channel: "in_person".into(),
            place_country: "VN".into(),
            ..Default::default()
        }
    }

    fn form_of(e: &Event) -> EventDraft {
        event::draft_of(e)
    }

    fn owner(e: &Event) -> i64 {
        e.owner_unit_id
    }

    fn path(e: &Event) -> String {
        path::event(e.id)
    }

    async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> amity_store::Result<Event> {
        event::get(conn, actor, id).await
    }

    async fn create(tx: &mut Conn, actor: &Actor, form: &EventDraft) -> amity_store::Result<Event> {
        let form = with_country_codes(tx, form).await?;
        event::create(tx, actor, &form.parse()?, None).await
    }

    async fn update(
        tx: &mut Conn,
        actor: &Actor,
        id: i64,
        form: &EventDraft,
    ) -> amity_store::Result<Event> {
        let form = with_country_codes(tx, form).await?;
        event::update(tx, actor, id, &form.parse()?).await
    }

    fn form_page<'a>(
        state: &'a AppState,
        ctx: &'a PageCtx,
        existing: Option<Event>,
        form: EventDraft,
        errors: FormErrors,
    ) -> impl Future<Output = amity_store::Result<FormPage<'a>>> + Send + 'a {
        form_page(state, ctx, existing, form, errors)
    }
}

async fn delete(State(state): State<AppState>, Auth(me): Auth, Path(id): Path<i64>) -> PageResult {
    let mut tx = state.db.begin().await?;
    event::delete(&mut tx, &me.actor, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(path::EVENTS).into_response())
}

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage<'a> {
    ctx: &'a PageCtx,
    event: Event,
    can_edit: bool,
    files: Vec<Attachment>,
    errors: FormErrors,
}

async fn event_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    errors: FormErrors,
) -> amity_store::Result<EventPage<'a>> {
    let mut conn = state.db.conn().await?;
    let event = event::get(&mut conn, &me.actor, id).await?;
    let files = attachment::of_record(&mut conn, "event", id).await?;
    Ok(EventPage {
        ctx,
        can_edit: me.actor.may(Action::Write, Some(event.owner_unit_id)),
        event,
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
        &event_page(&state, &ctx, &me, id, FormErrors::default()).await?,
    ))
}

async fn upload(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: Multipart,
) -> PageResult {
    let files = crate::api::activities::files(&state);
    super::save_with_files(
        &state,
        &ctx,
        &files,
        async |tx| {
            let (name, bytes) = super::delegations::read_upload(form).await?;
            amity_store::record_files::attach(tx, &me.actor, &files, "event", id, &name, &bytes)
                .await?;
            Ok(())
        },
        |()| path::event(id),
        |errors| event_page(&state, &ctx, &me, id, errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/events", get(list))
        .route(
            "/events/new",
            get(editing::new_form::<Events>).post(editing::create::<Events>),
        )
        .route("/events/{id}", get(show))
        .route(
            "/events/{id}/edit",
            get(editing::edit_form::<Events>).post(editing::update::<Events>),
        )
        .route("/events/{id}/delete", post(delete))
        .route(
            "/events/{id}/files",
            post(upload).layer(crate::api::activities::upload_limit()),
        )
}
