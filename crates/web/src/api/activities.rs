//! What the delegation and event APIs share: the period and unit-subtree filters, files
//! attached to their records, the calendar feed and the live totals.

use std::collections::BTreeSet;

use amity_domain::activity::{DelegationState, Direction};
use amity_domain::country::CountryCode;
use amity_domain::partner::Vocabulary;
use amity_store::activity::ActivityFilter;
use amity_store::attachment::{self, Attachment, FileStore};
use amity_store::delegation::{self, Delegation, DelegationFilter};
use amity_store::event::{self, Event, EventFilter};
use axum::Json;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event as IcsEvent, EventLike};
use serde::{Deserialize, Serialize};

use super::{List, date_field, text, unprocessable};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::route_set::RouteSet;
use crate::state::AppState;

/// `year=` or `from=`/`to=` (ISO dates) as an inclusive period; a 422 names a bad bound.
pub(crate) fn period(
    year: Option<i32>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let mut from = from
        .filter(|f| !f.is_empty())
        .map(|f| date_field("from", f))
        .transpose()?;
    let mut to = to
        .filter(|t| !t.is_empty())
        .map(|t| date_field("to", t))
        .transpose()?;
    if let Some(y) = year {
        let (start, end) = NaiveDate::from_ymd_opt(y, 1, 1)
            .zip(NaiveDate::from_ymd_opt(y, 12, 31))
            .ok_or_else(|| unprocessable("year", "is out of range"))?;
        from = Some(from.map_or(start, |f| f.max(start)));
        to = Some(to.map_or(end, |t| t.min(end)));
    }
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(unprocessable("to", "must not be before from"));
    }
    Ok((from, to))
}

/// A unit and everything under it (and every unit it was formed from), for `unit=` filters.
pub(crate) async fn subtree(
    state: &AppState,
    unit: Option<i64>,
) -> Result<Option<BTreeSet<i64>>, ApiError> {
    let Some(unit) = unit else { return Ok(None) };
    let mut conn = state.db.conn().await?;
    let graph = amity_store::org::structure_graph(&mut conn).await?;
    Ok(Some(graph.reach(unit)))
}

/// Reads the shared part of an activity list's query: the year or dates, the unit whose subtree
/// to show, a country's code, a partner met and words to search.
pub(crate) async fn shared(
    state: &AppState,
    (year, from, to): (Option<i32>, Option<&str>, Option<&str>),
    unit: Option<i64>,
    (country, partner): (Option<&str>, Option<i64>),
    q: Option<&str>,
) -> Result<ActivityFilter, ApiError> {
    let (from, to) = period(year, from, to)?;
    Ok(ActivityFilter {
        from,
        to,
        partner,
        units: subtree(state, unit).await?,
        country: country
            .filter(|c| !c.is_empty())
            .map(|c| CountryCode::parse(c).map_err(|e| unprocessable("country", e)))
            .transpose()?,
        q: text(q.map(str::to_owned)),
    })
}

/// A list's `?sort=`: one of `fields`, latest start first when not given.
pub(crate) fn sort(
    value: Option<&str>,
    fields: &[&'static str],
) -> Result<(&'static str, bool), ApiError> {
    amity_store::parse_sort(value.unwrap_or("-start_on"), fields)
        .map_err(|e| unprocessable("sort", e))
}

/// A list of activity records, as the API's list and export and the pages' list read it.
pub(crate) trait ActivityList {
    /// The list's query: its filters, sort and page.
    type Query: Sync;
    type Filter: Sync;
    type Record: Send;
    const SORT_FIELDS: &'static [&'static str];

    /// The query's sort (`-start_on`, latest first, when it names none).
    fn sort(q: &Self::Query) -> Option<&str>;
    fn filter(
        state: &AppState,
        q: &Self::Query,
    ) -> impl Future<Output = Result<Self::Filter, ApiError>> + Send;
    fn list(
        conn: &mut amity_store::Conn,
        actor: &amity_domain::authz::Actor,
        filter: &Self::Filter,
        sort: (&str, bool),
        window: (u64, u64),
    ) -> impl Future<Output = amity_store::Result<(Vec<Self::Record>, i64)>> + Send;
}

/// The records in the window (`limit`, `offset`) of the list the actor reads, and how many
/// match in all; a refused filter or sort is a 422 naming it.
pub(crate) async fn window<L: ActivityList>(
    state: &AppState,
    actor: &amity_domain::authz::Actor,
    q: &L::Query,
    window: (u64, u64),
) -> Result<(Vec<L::Record>, i64), ApiError> {
    let filter = L::filter(state, q).await?;
    let sort = sort(L::sort(q), L::SORT_FIELDS)?;
    let mut conn = state.db.conn().await?;
    Ok(L::list(&mut conn, actor, &filter, sort, window).await?)
}

/// The file store the server was configured with.
pub(crate) fn files(state: &AppState) -> FileStore {
    FileStore::new(
        state.config.files_dir.clone(),
        state.config.max_upload_bytes,
    )
}

/// Reads the one `file` field of a multipart upload and attaches it to the record.
/// The name and bytes of the first multipart field named `file`, if the form has one.
pub(crate) async fn file_field(
    mut form: Multipart,
) -> Result<Option<(String, axum::body::Bytes)>, MultipartError> {
    while let Some(field) = form.next_field().await? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_owned();
            return Ok(Some((name, field.bytes().await?)));
        }
    }
    Ok(None)
}

pub(crate) async fn upload(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    record_type: &str,
    record_id: i64,
    form: Multipart,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    let too_big = || {
        ApiError::field(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file",
            format!(
                "the file is larger than the {} MB allowed",
                state.config.max_upload_bytes / (1024 * 1024)
            ),
        )
    };
    let found = file_field(form).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_big()
        } else {
            unprocessable("file", e.body_text())
        }
    })?;
    let (name, bytes) = found
        .ok_or_else(|| unprocessable("file", "send the file in a multipart field named “file”"))?;
    if bytes.len() > state.config.max_upload_bytes {
        return Err(too_big());
    }
    let store = files(state);
    let mut tx = state.db.begin().await?;
    let attached = amity_store::record_files::attach(
        &mut tx,
        &me.actor,
        &store,
        record_type,
        record_id,
        &name,
        &bytes,
    )
    .await?;
    tx.commit().await?;
    store.publish().await?;
    Ok((StatusCode::CREATED, Json(attached)))
}

/// The largest request an upload route reads: the whole server's request limit. The
/// configured file limit (at most this, less the form's envelope) is checked on the file.
pub(crate) const UPLOAD_REQUEST_LIMIT: usize = 16 * 1024 * 1024;

pub(crate) fn upload_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(UPLOAD_REQUEST_LIMIT)
}

#[utoipa::path(
    get,
    path = "/attachments/{id}",
    tag = "attachments",
    summary = "Download a file (authorized like its record)",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file, with the content type it was stored with",
        content_type = "*/*", body = String))
)]
async fn download(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.conn().await?;
    let found = amity_store::record_files::get(&mut conn, &me.actor, id).await?;
    drop(conn);
    let bytes = files(&state).read(&found.sha256).await?;
    let encoded =
        percent_encoding::utf8_percent_encode(&found.file_name, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    let ascii: String = found
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    Ok((
        [
            (header::CONTENT_TYPE, found.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(
    delete,
    path = "/attachments/{id}",
    tag = "attachments",
    summary = "Remove a file from its record",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Removed"))
)]
async fn remove(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let mut tx = state.db.begin().await?;
    let detached = amity_store::record_files::detach(&mut tx, &me.actor, id).await?;
    tx.commit().await?;
    let mut conn = state.db.conn().await?;
    files(&state)
        .forget_unused(&mut conn, &detached.sha256)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct CalendarQuery {
    from: Option<String>,
    to: Option<String>,
}

/// The delegations and events in the caller's scope between two dates (default: from a month
/// ago to a year ahead), as calendar entries.
pub(crate) async fn calendar_items(
    state: &AppState,
    me: &crate::auth::CurrentUser,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<Delegation>, Vec<Event>), ApiError> {
    let mut conn = state.db.conn().await?;
    let dates = ActivityFilter {
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let df = DelegationFilter {
        shared: dates.clone(),
        ..Default::default()
    };
    let (delegations, _) =
        delegation::list(&mut conn, &me.actor, &df, ("start_on", false), 10_000, 0).await?;
    let ef = EventFilter {
        shared: dates,
        ..Default::default()
    };
    let (events, _) =
        event::list(&mut conn, &me.actor, &ef, ("start_on", false), 10_000, 0).await?;
    Ok((
        delegations
            .into_iter()
            .filter(|d| {
                !matches!(
                    d.state,
                    DelegationState::Cancelled | DelegationState::Rejected
                )
            })
            .collect(),
        events,
    ))
}

#[utoipa::path(
    get,
    path = "/calendar.ics",
    tag = "calendar",
    summary = "Delegations and events in the caller's scope as an iCalendar feed (default: a month ago to a year ahead)",
    params(CalendarQuery),
    responses((status = 200, description = "text/calendar", content_type = "text/calendar", body = String))
)]
async fn calendar_ics(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> Result<Response, ApiError> {
    let today = Utc::now().date_naive();
    let default_from = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(1)))
        .unwrap_or(today);
    let (from, to) = period(None, q.from.as_deref(), q.to.as_deref())?;
    let from = from.unwrap_or(default_from);
    let to = to.unwrap_or_else(|| {
        from.checked_add_months(chrono::Months::new(13))
            .unwrap_or(from)
    });
    if (to - from).num_days() > 3 * 366 {
        return Err(unprocessable("to", "a feed may span at most 3 years"));
    }
    let (delegations, events) = calendar_items(&state, &me, from, to).await?;
    let mut calendar = Calendar::new();
    calendar.name("Amity – Đoàn và sự kiện");
    for d in &delegations {
        let mut e = IcsEvent::new();
        let places: Vec<String> = d
            .legs
            .iter()
            .map(|l| {
                l.city.clone().map_or(l.country_name.clone(), |c| {
                    format!("{c}, {}", l.country_name)
                })
            })
            .collect();
        e.uid(&format!("delegation-{}@amity", d.id))
            .starts(d.start_on)
            .ends(d.end_on.succ_opt().unwrap_or(d.end_on))
            .summary(&format!(
                "{} {}",
                if d.direction == Direction::Outbound {
                    "Đoàn ra:"
                } else {
                    "Đoàn vào:"
                },
                d.title
            ))
            .description(&format!("{} · {}", d.owner_unit_name, d.state.as_str()));
        if !places.is_empty() {
            e.location(&places.join("; "));
        }
        calendar.push(e.done());
    }
    for ev in &events {
        let mut e = IcsEvent::new();
        e.uid(&format!("event-{}@amity", ev.id))
            .starts(ev.start_on)
            .ends(ev.end_on.succ_opt().unwrap_or(ev.end_on))
            .summary(&ev.title)
            .description(&ev.owner_unit_name);
        if let Some(place) = &ev.place {
            e.location(place);
        }
        calendar.push(e.done());
    }
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        calendar.done().to_string(),
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct TotalsQuery {
    /// A unit: its subtree's totals (default: everything in the caller's scope).
    unit: Option<i64>,
    /// Months as `YYYY-MM`.
    from: Option<String>,
    to: Option<String>,
}

/// The live totals summed over a unit's subtree and a span of months.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct TotalsSummary {
    metrics: std::collections::BTreeMap<String, i64>,
    countries_reached: usize,
}

fn month_field(field: &str, v: &str) -> Result<(i32, u32), ApiError> {
    let bad = || unprocessable(field, format!("“{v}” is not a month in YYYY-MM form"));
    let (y, m) = v.split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

#[utoipa::path(
    get,
    path = "/activity-totals",
    tag = "reports",
    summary = "Live totals over a unit's subtree and months (YYYY-MM): delegations_out:<state>, delegations_in:<state>, events:<type>, participants, foreign_participants, country:<code>; and the number of countries reached",
    params(TotalsQuery),
    responses((status = 200, description = "The totals", body = TotalsSummary))
)]
async fn totals(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<TotalsQuery>,
) -> ApiResult<Json<TotalsSummary>> {
    let this_year = Utc::now().year();
    let from = q
        .from
        .as_deref()
        .map(|f| month_field("from", f))
        .transpose()?
        .unwrap_or((this_year, 1));
    let to =
        q.to.as_deref()
            .map(|t| month_field("to", t))
            .transpose()?
            .unwrap_or((this_year, 12));
    if to < from {
        return Err(unprocessable("to", "must not be before from"));
    }
    if let Some(u) = q.unit {
        me.actor
            .require(amity_domain::authz::Action::Read, Some(u))
            .map_err(amity_store::Error::from)?;
    }
    let units: Option<Vec<i64>> = match (subtree(&state, q.unit).await?, &me.actor.read) {
        (Some(tree), _) => Some(
            tree.into_iter()
                .filter(|u| me.actor.may(amity_domain::authz::Action::Read, Some(*u)))
                .collect(),
        ),
        (None, amity_domain::authz::Scope::All) => None,
        (None, amity_domain::authz::Scope::Units(units)) => Some(units.iter().copied().collect()),
    };
    let mut conn = state.db.conn().await?;
    let rows = amity_store::totals::sum(&mut conn, units.as_deref(), from, to).await?;
    let (metrics, countries_reached) = amity_store::totals::summarize(&rows);
    Ok(Json(TotalsSummary {
        metrics,
        countries_reached,
    }))
}

/// The files of a record, for its detail view.
pub(crate) async fn attachments_of(
    state: &AppState,
    record_type: &str,
    record_id: i64,
) -> Result<List<Attachment>, ApiError> {
    let mut conn = state.db.conn().await?;
    let items = attachment::of_record(&mut conn, record_type, record_id).await?;
    Ok(List {
        total: items.len() as i64,
        items,
    })
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(download, remove, calendar_ics, totals))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/attachments/{id}", get(download).delete(remove))
        .route("/api/v1/calendar.ics", get(calendar_ics))
        .route("/api/v1/activity-totals", get(totals))
}
