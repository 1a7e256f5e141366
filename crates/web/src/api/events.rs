//! `/api/v1/events`: friendship events, conferences, contests, donations and the rest.

use amity_domain::event::EventDraft;
use amity_domain::partner::Vocabulary;
use amity_store::attachment::Attachment;
use amity_store::event::{self, Event, EventFilter};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde::Deserialize;

use super::activities::{self};
use super::{List, date_field, unprocessable};
use crate::auth::{Auth, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::export::Table;
use crate::extract::{ApiJson, ApiQuery, Paging, nullable};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    #[serde(rename = "type")]
    pub event_type: Option<String>,
    pub year: Option<i32>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub unit: Option<i64>,
    pub country: Option<String>,
    pub partner: Option<i64>,
    pub q: Option<String>,
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

async fn filter(state: &AppState, q: &ListQuery) -> Result<EventFilter, ApiError> {
    let shared = activities::shared(
        state,
        (q.year, q.from.as_deref(), q.to.as_deref()),
        q.unit,
        (q.country.as_deref(), q.partner),
        q.q.as_deref(),
    )
    .await?;
    Ok(EventFilter {
        shared,
        event_type: q
            .event_type
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().map_err(|e| unprocessable("type", e)))
            .transpose()?,
    })
}

/// The event list (see [`activities::ActivityList`]).
pub(crate) struct Events;

impl activities::ActivityList for Events {
    type Query = ListQuery;
    type Filter = EventFilter;
    type Record = Event;
    const SORT_FIELDS: &'static [&'static str] = &event::SORT_FIELDS;

    fn sort(q: &ListQuery) -> Option<&str> {
        q.sort.as_deref()
    }

    async fn filter(state: &AppState, q: &ListQuery) -> Result<EventFilter, ApiError> {
        filter(state, q).await
    }

    async fn list(
        conn: &mut amity_store::Conn,
        actor: &amity_domain::authz::Actor,
        filter: &EventFilter,
        sort: (&str, bool),
        (limit, offset): (u64, u64),
    ) -> amity_store::Result<(Vec<Event>, i64)> {
        event::list(conn, actor, filter, sort, limit, offset).await
    }
}

#[utoipa::path(
    get,
    path = "/events",
    tag = "events",
    summary = "Events in scope, filtered",
    params(ListQuery),
    responses((status = 200, description = "A page", body = List<Event>))
)]
async fn list(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<List<Event>>> {
    let (limit, offset) = Paging {
        page: q.page,
        per_page: q.per_page,
    }
    .window(50)?;
    let (items, total) =
        activities::window::<Events>(&state, &me.actor, &q, (limit, offset)).await?;
    Ok(Json(List { items, total }))
}

async fn export_table(
    state: &AppState,
    me: &CurrentUser,
    q: &ListQuery,
    window: (u64, u64),
) -> Result<Table, ApiError> {
    let (items, _) = activities::window::<Events>(state, &me.actor, q, window).await?;
    let date = amity_domain::text::format_date;
    Ok(Table {
        header: vec![
            "id",
            "type",
            "channel",
            "connected_sites",
            "title",
            "unit",
            "start_on",
            "end_on",
            "place",
            "participants",
            "foreign_participants",
            "countries",
            "partners",
        ],
        rows: items
            .into_iter()
            .map(|e| {
                vec![
                    e.id.to_string(),
                    e.event_type.as_str().to_owned(),
                    e.channel.as_str().to_owned(),
                    e.connected_sites.map(|n| n.to_string()).unwrap_or_default(),
                    e.title.clone(),
                    e.owner_unit_name.clone(),
                    date(e.start_on),
                    date(e.end_on),
                    e.place.clone().unwrap_or_default(),
                    e.participants.to_string(),
                    e.foreign_participants.to_string(),
                    e.countries
                        .iter()
                        .map(|c| c.code.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    e.partners
                        .iter()
                        .map(|p| p.name.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ]
            })
            .collect(),
    })
}

crate::export::downloads!(
    "events",
    "/events/export.csv",
    "/events/export.xlsx",
    "Sự kiện"
);

/// An event as the API receives it; on PATCH, absent fields keep their value.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = EventBody)]
#[serde(deny_unknown_fields)]
struct Body {
    #[serde(rename = "type")]
    event_type: Option<String>,
    channel: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    connected_sites: Option<Option<i64>>,
    title: Option<String>,
    start_on: Option<String>,
    end_on: Option<String>,
    place_country: Option<String>,
    place: Option<String>,
    participants: Option<i64>,
    foreign_participants: Option<i64>,
    description: Option<String>,
    results: Option<String>,
    co_organizers: Option<Vec<i64>>,
    partners: Option<Vec<i64>>,
    countries: Option<Vec<String>>,
    tasks: Option<Vec<i64>>,
    owner_unit_id: Option<i64>,
}

impl Body {
    /// The draft this body makes of `base` (the stored event's draft on PATCH, an empty one on
    /// POST): the fields it names replace the base's. Dates must be ISO here, as everywhere in
    /// the API.
    fn over(self, base: EventDraft) -> Result<EventDraft, ApiError> {
        let date = |field: &str, value: Option<String>, was: String| match value {
            Some(v) => date_field(field, &v).map(|_| v),
            None => Ok(was),
        };
        let ids = |v: Vec<i64>| v.iter().map(i64::to_string).collect();
        Ok(EventDraft {
            start_on: date("start_on", self.start_on, base.start_on)?,
            end_on: date("end_on", self.end_on, base.end_on)?,
            event_type: self.event_type.unwrap_or(base.event_type),
            channel: self.channel.unwrap_or(base.channel),
            connected_sites: match self.connected_sites {
                Some(n) => n.map(|n| n.to_string()).unwrap_or_default(),
                None => base.connected_sites,
            },
            title: self.title.unwrap_or(base.title),
            place_country: self.place_country.unwrap_or(base.place_country),
            place: self.place.unwrap_or(base.place),
            participants: self
                .participants
                .map_or(base.participants, |n| n.to_string()),
            foreign_participants: self
                .foreign_participants
                .map_or(base.foreign_participants, |n| n.to_string()),
            description: self.description.unwrap_or(base.description),
            results: self.results.unwrap_or(base.results),
            countries: self.countries.unwrap_or(base.countries),
            partners: self.partners.map_or(base.partners, ids),
            tasks: self.tasks.map_or(base.tasks, ids),
            co_organizers: self.co_organizers.map_or(base.co_organizers, ids),
        })
    }
}

#[utoipa::path(
    post,
    path = "/events",
    tag = "events",
    summary = "Record an event",
    request_body = Body,
    responses((status = 201, description = "The event", body = Event))
)]
async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<Body>,
) -> ApiResult<(StatusCode, Json<Event>)> {
    let owner = b.owner_unit_id;
    let input = b.over(EventDraft::default())?.parse()?;
    let mut tx = state.db.begin().await?;
    let created = event::create(&mut tx, &me.actor, &input, owner).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/events/{id}",
    tag = "events",
    summary = "An event in scope",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The event", body = Event))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Event>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(event::get(&mut conn, &me.actor, id).await?))
}

#[utoipa::path(
    patch,
    path = "/events/{id}",
    tag = "events",
    summary = "Change the fields given",
    params(("id" = i64, Path)),
    request_body = Body,
    responses((status = 200, description = "The event", body = Event))
)]
async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<Body>,
) -> ApiResult<Json<Event>> {
    if b.owner_unit_id.is_some() {
        return Err(unprocessable(
            "owner_unit_id",
            "an event stays with the unit that organized it",
        ));
    }
    let mut tx = state.db.begin().await?;
    let current = event::get(&mut tx, &me.actor, id).await?;
    let input = b.over(event::draft_of(&current))?.parse()?;
    let updated = event::update(&mut tx, &me.actor, id, &input).await?;
    tx.commit().await?;
    Ok(Json(updated))
}

#[utoipa::path(
    delete,
    path = "/events/{id}",
    tag = "events",
    summary = "Delete an event recorded by mistake (the audit keeps it)",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn remove(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    event::delete(&mut tx, &me.actor, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/events/{id}/attachments",
    tag = "attachments",
    summary = "Files of an event",
    params(("id" = i64, Path)),
    responses((status = 200, description = "A list", body = List<Attachment>))
)]
async fn attachments(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<List<Attachment>>> {
    let mut conn = state.db.conn().await?;
    event::get(&mut conn, &me.actor, id).await?;
    drop(conn);
    Ok(Json(activities::attachments_of(&state, "event", id).await?))
}

#[utoipa::path(
    post,
    path = "/events/{id}/attachments",
    tag = "attachments",
    summary = "Attach a file (multipart field `file`; pdf, images, office documents, text; size limited)",
    params(("id" = i64, Path)),
    request_body(content = crate::api::openapi::UploadForm, content_type = "multipart/form-data"),
    responses((status = 200, description = "The attachment", body = Attachment), (status = 201, description = "The attachment", body = Attachment))
)]
async fn upload(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    form: Multipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    activities::upload(&state, &me, "event", id, form).await
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    list,
    export_csv,
    export_xlsx,
    create,
    show,
    update,
    remove,
    attachments,
    upload
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/events", get(list).post(create))
        .route("/api/v1/events/export.csv", get(export_csv))
        .route("/api/v1/events/export.xlsx", get(export_xlsx))
        .route(
            "/api/v1/events/{id}",
            get(show).patch(update).delete(remove),
        )
        .route(
            "/api/v1/events/{id}/attachments",
            get(attachments)
                .post(upload)
                .layer(activities::upload_limit()),
        )
}
