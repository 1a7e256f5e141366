//! Server-rendered pages. Each page is an askama struct rendered from `templates/`.

mod agreements;
mod aid;
mod applications;
pub(crate) mod audit;
mod calendar;
mod countries;
mod dashboard;
mod delegations;
mod editing;
mod emulation;
mod error;
mod events;
mod home;
mod login;
mod ngos;
mod org;
mod partners;
mod people;
mod periodic;
mod plans;
mod reference;
mod report_forms;
mod reports;
mod search;
mod users;

use amity_domain::error::Problem;
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

pub(crate) use crate::error_page::{denied_page, error_page_for, store_error_page};
pub(crate) use crate::view::{render, render_status};
/// A one-line form field (spaces collapsed) and a text area (line ends made plain); blank is
/// absent.
pub(crate) use amity_domain::text::{line as field, paragraphs as text_area};
pub(crate) use error::{PageError, PageResult, error_pages};

/// A workflow move as a page's form sends it.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct MoveForm {
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub comment: String,
    /// With the report move: the trip's actual outcomes and report, saved first.
    pub outcomes: Option<String>,
    pub report: Option<String>,
}

/// How many pages of `per_page` a list of `total` rows fills (at least one, for the pager).
pub(crate) fn page_count(total: i64, per_page: u64) -> u64 {
    (total.max(0) as u64).div_ceil(per_page).max(1)
}

/// A list's year and unit filters as typed: blank is none; anything else must be a number.
pub(crate) fn year_and_unit(
    year: &str,
    unit: &str,
) -> Result<(Option<i32>, Option<i64>), amity_domain::error::Invalid> {
    let mut check = amity_domain::error::Checker::new();
    let year = match year.trim() {
        "" => Some(None),
        y => check.check(
            "year",
            y.parse::<i32>().map(Some).map_err(|_| Problem::NotANumber {
                value: y.to_owned(),
            }),
        ),
    };
    let unit = match unit.trim() {
        "" => Some(None),
        u => check.check(
            "unit",
            u.parse::<i64>().map(Some).map_err(|_| Problem::NotARecord {
                value: u.to_owned(),
            }),
        ),
    };
    check.finish()?;
    Ok((year.flatten(), unit.flatten()))
}

/// A list form's filters as given, each value trimmed.
fn given_filters(form: &impl serde::Serialize) -> Vec<(String, String)> {
    let query = serde_urlencoded::to_string(form).unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.trim().to_owned()))
        .collect()
}

/// A list form's filters as a query string for its pager and export links.
pub(crate) fn filters_query(form: &impl serde::Serialize) -> String {
    filter_query(given_filters(form))
}

/// A list form's filters as the API's query of the same list: the year and unit, which a form
/// sends as typed, are checked first and said beside the filters when refused.
pub(crate) fn list_query<Q: serde::de::DeserializeOwned>(
    form: &impl serde::Serialize,
    (year, unit): (&str, &str),
) -> amity_store::Result<Q> {
    year_and_unit(year, unit)?;
    serde_urlencoded::from_str(&filters_query(form)).map_err(|e| {
        amity_store::Error::Other(anyhow::anyhow!("a list form reads as its API query: {e}"))
    })
}

/// What an activity list page shows: a page of records and how many match in all, the first
/// refused filter in the reader's language (with no records), and the units the reader may
/// filter by.
pub(crate) struct ActivityRows<R> {
    pub records: Vec<R>,
    pub total: i64,
    pub error: Option<String>,
    pub units: Vec<amity_store::org::OrgUnit>,
}

/// The page `page` (of `per_page` records) of an activity list read with `query`; a failure
/// other than a refused filter is the error page.
pub(crate) async fn activity_rows<L: crate::api::activities::ActivityList>(
    state: &AppState,
    ctx: &PageCtx,
    me: &crate::auth::CurrentUser,
    query: amity_store::Result<L::Query>,
    (page, per_page): (u64, u64),
) -> Result<ActivityRows<L::Record>, Response> {
    let window = (per_page, (page.max(1) - 1) * per_page);
    let found = match query {
        Ok(q) => crate::api::activities::window::<L>(state, &me.actor, &q, window).await,
        Err(e) => Err(e.into()),
    };
    let (records, total, error) = match found {
        Ok((records, total)) => (records, total, None),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => (
            vec![],
            0,
            e.errors.first().map(|f| ctx.lang.field_problem(f)),
        ),
        Err(e) => return Err(error_page_for(ctx, e.status, &ctx.t("error-internal"))),
    };
    let units = async { delegations::readable_units(&mut state.db.conn().await?, me).await }
        .await
        .map_err(|e| store_error_page(ctx, e))?;
    Ok(ActivityRows {
        records,
        total,
        error,
        units,
    })
}

/// A list's filters as a query string for its pager and export links: the filters given only.
pub(crate) fn filter_query<K: AsRef<str>, V: AsRef<str>>(
    filters: impl IntoIterator<Item = (K, V)>,
) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(filters.into_iter().filter(|(_, v)| !v.as_ref().is_empty()))
        .finish()
}

/// A conflict with the record's current state, shown beside the field it names like any other
/// problem with the form.
pub(crate) fn beside_field(e: amity_store::Error) -> amity_store::Error {
    match e {
        amity_store::Error::Conflict { field, detail } => {
            amity_store::Error::invalid(&field, detail)
        }
        other => other,
    }
}

/// The start of the latest delegation or event the reader may see that began by `today`: the
/// period pages open on when none is asked for, so they never open on an empty one.
pub(crate) async fn latest_activity(
    conn: &mut amity_store::Conn,
    actor: &amity_domain::authz::Actor,
    today: chrono::NaiveDate,
) -> amity_store::Result<Option<chrono::NaiveDate>> {
    let shared = amity_store::activity::ActivityFilter {
        to: Some(today),
        ..Default::default()
    };
    let delegations = amity_store::delegation::DelegationFilter {
        shared: shared.clone(),
        ..Default::default()
    };
    let delegation =
        amity_store::delegation::list(conn, actor, &delegations, ("start_on", true), 1, 0)
            .await?
            .0
            .first()
            .map(|d| d.start_on);
    let events = amity_store::event::EventFilter {
        shared,
        ..Default::default()
    };
    let event = amity_store::event::list(conn, actor, &events, ("start_on", true), 1, 0)
        .await?
        .0
        .first()
        .map(|e| e.start_on);
    Ok(delegation.max(event))
}

/// A list filter's country as typed: `typed` becomes the code the list's query takes (a name
/// read as its code), with the name to show back in the field and the names to suggest.
pub(crate) async fn country_filter(
    state: &AppState,
    ctx: &PageCtx,
    typed: &mut String,
) -> Result<(String, Vec<(String, String)>), Response> {
    let found = async {
        let mut conn = state.db.conn().await?;
        let names = country_names(&mut conn, ctx).await?;
        let code = typed_countries(&mut conn, typed).await?;
        Ok::<_, amity_store::Error>((code, names))
    }
    .await;
    let (code, names) = found.map_err(|e| store_error_page(ctx, e))?;
    let shown = named_countries(typed, &names);
    *typed = code;
    Ok((shown, names))
}

/// The countries a form suggests as one types: code and name in the reader's language.
pub(crate) async fn country_names(
    conn: &mut amity_store::Conn,
    ctx: &PageCtx,
) -> amity_store::Result<Vec<(String, String)>> {
    Ok(amity_store::country::all(conn)
        .await?
        .into_iter()
        .map(|c| {
            let name = ctx.local(&c.name_vi, &c.name_en).to_owned();
            (c.code, name)
        })
        .collect())
}

/// Countries a form holds as codes, shown by name (anything else as it was typed).
pub(crate) fn named_countries(typed: &str, names: &[(String, String)]) -> String {
    typed
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            names
                .iter()
                .find(|(code, _)| code.eq_ignore_ascii_case(part))
                .map_or(part, |(_, name)| name.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Countries as typed on a form, names read as codes (see
/// [`amity_store::country::codes_for_names`]).
pub(crate) async fn typed_countries(
    conn: &mut amity_store::Conn,
    typed: &str,
) -> amity_store::Result<String> {
    Ok(amity_store::country::codes_for_names(conn, typed)
        .await?
        .join(", "))
}

/// The end of a form post: on success, a redirect to the URL `redirect` gives; on invalid
/// input, the form again (422) built by `form_again` with each error beside its field; any other
/// failure, an error page.
pub(crate) async fn after_post<'c, T, P, Fut>(
    ctx: &'c PageCtx,
    result: amity_store::Result<T>,
    redirect: impl FnOnce(T) -> String,
    form_again: impl FnOnce(FormErrors) -> Fut,
) -> PageResult
where
    P: Template + 'c,
    Fut: Future<Output = amity_store::Result<P>>,
{
    match result {
        Ok(value) => Ok((
            axum::response::AppendHeaders([(
                header::SET_COOKIE,
                format!(
                    "{}=1; Path=/; Max-Age=60; SameSite=Lax; HttpOnly",
                    crate::view::DONE_COOKIE
                ),
            )]),
            Redirect::to(&redirect(value)),
        )
            .into_response()),
        Err(amity_store::Error::Invalid(invalid)) => {
            let page = form_again(FormErrors::from_fields(&invalid.0, ctx.lang)).await?;
            Err(PageError::Form(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page,
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// A form post's write: `write` runs in a transaction committed only if it succeeds, and the
/// reader goes on to `redirect`'s page; a refused value shows the form again (`form_again`) with
/// each problem beside its field.
pub(crate) async fn save<'c, T, P, Fut>(
    state: &AppState,
    ctx: &'c PageCtx,
    write: impl AsyncFnOnce(&mut amity_store::Conn) -> amity_store::Result<T>,
    redirect: impl FnOnce(T) -> String,
    form_again: impl FnOnce(FormErrors) -> Fut,
) -> PageResult
where
    P: Template + 'c,
    Fut: Future<Output = amity_store::Result<P>>,
{
    let no_files = amity_store::attachment::FileStore::new(Default::default(), 0);
    save_with_files(state, ctx, &no_files, write, redirect, form_again).await
}

/// [`save`] for a write that attaches files to `files`: they are put in place once the
/// transaction has committed, and not at all if it fails.
pub(crate) async fn save_with_files<'c, T, P, Fut>(
    state: &AppState,
    ctx: &'c PageCtx,
    files: &amity_store::attachment::FileStore,
    write: impl AsyncFnOnce(&mut amity_store::Conn) -> amity_store::Result<T>,
    redirect: impl FnOnce(T) -> String,
    form_again: impl FnOnce(FormErrors) -> Fut,
) -> PageResult
where
    P: Template + 'c,
    Fut: Future<Output = amity_store::Result<P>>,
{
    let result = async {
        let mut tx = state.db.begin().await?;
        let value = write(&mut tx).await?;
        tx.commit().await?;
        files.publish().await?;
        Ok(value)
    }
    .await;
    after_post(ctx, result, redirect, form_again).await
}

/// Unknown paths: the API's JSON envelope under `/api/`, a page elsewhere.
pub async fn not_found(ctx: PageCtx, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::not_found().into_response();
    }
    error_page_for(&ctx, StatusCode::NOT_FOUND, &ctx.t("error-404-detail"))
}

static CSS: &str = include_str!("../../static/app.css");
static JS: &str = include_str!("../../static/app.js");

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        JS,
    )
}

pub(crate) fn public_routes() -> RouteSet {
    RouteSet::default()
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .merge(login::public_routes())
}

pub(crate) fn routes() -> RouteSet {
    RouteSet::default()
        .merge(login::routes())
        .merge(home::routes())
        .merge(org::routes())
        .merge(partners::routes())
        .merge(ngos::routes())
        .merge(aid::routes())
        .merge(reference::routes())
        .merge(applications::routes())
        .merge(people::routes())
        .merge(agreements::routes())
        .merge(delegations::routes())
        .merge(events::routes())
        .merge(calendar::routes())
        .merge(reports::routes())
        .merge(periodic::routes())
        .merge(report_forms::routes())
        .merge(plans::routes())
        .merge(emulation::routes())
        .merge(dashboard::routes())
        .merge(audit::routes())
        .merge(countries::routes())
        .merge(search::routes())
        .merge(users::routes())
}
