//! Country pages and the anniversary calendar.

use amity_domain::anniversary::{PartialDate, Precision};
use amity_domain::authz::{Action, Actor};
use amity_domain::country::{CountryCode, PartnershipLevel};
use amity_domain::partner::Vocabulary;
use amity_store::anniversary::{self, AnniversaryItem};
use amity_store::country::{self, Country, CountryFilter, CountryPatch, LevelRecord, NewLevel};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::{PageResult, after_post, error_page_for, render, save};
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "countries.html")]
struct CountriesPage<'a> {
    ctx: &'a PageCtx,
    countries: Vec<Country>,
    total: i64,
    page: u64,
    pages: u64,
    q: String,
    level: String,
    sort: String,
    levels: [PartnershipLevel; 4],
    query: String,
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    sort: String,
    page: Option<u64>,
}

async fn list(
    State(state): State<AppState>,
    _: Auth,
    ctx: PageCtx,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let page = q.page.unwrap_or(1).max(1);
    let filter = CountryFilter {
        q: Some(q.q.trim().to_owned()).filter(|s| !s.is_empty()),
        level: q.level.parse().ok(),
        ..Default::default()
    };
    let sort = amity_store::parse_sort(
        if q.sort.is_empty() { "name" } else { &q.sort },
        &country::SORT_FIELDS,
    )
    .unwrap_or(("name", false));

    let mut conn = state.db.conn().await?;
    let (countries, total) =
        country::list(&mut conn, &filter, sort, PER_PAGE, (page - 1) * PER_PAGE).await?;

    let pages = super::page_count(total, PER_PAGE);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .append_pair("level", &q.level)
        .append_pair("sort", &q.sort)
        .finish();
    Ok(render(&CountriesPage {
        ctx: &ctx,
        countries,
        total,
        page,
        pages,
        q: q.q,
        level: q.level,
        sort: q.sort,
        levels: PartnershipLevel::ALL,
        query,
    }))
}

#[derive(Template)]
#[template(path = "country.html")]
struct CountryPage<'a> {
    ctx: &'a PageCtx,
    country: Country,
    levels: Vec<LevelRecord>,
    upcoming: Vec<AnniversaryItem>,
    partners: Vec<amity_store::partner::Partner>,
    /// Recent delegations and events with the country, in the user's scope.
    delegations: Vec<amity_store::delegation::Delegation>,
    events: Vec<amity_store::event::Event>,
    all_levels: [PartnershipLevel; 4],
    form: CorrectionForm,
    errors: FormErrors,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct CorrectionForm {
    #[serde(default)]
    relations_established: String,
    #[serde(default)]
    relations_note: String,
    #[serde(default)]
    source: String,
}

fn not_found(ctx: &PageCtx) -> Response {
    error_page_for(ctx, StatusCode::NOT_FOUND, &ctx.t("error-404-detail"))
}

async fn load<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    actor: &Actor,
    code: &CountryCode,
    form: Option<CorrectionForm>,
    errors: FormErrors,
) -> amity_store::Result<CountryPage<'a>> {
    let mut conn = state.db.conn().await?;
    let country = country::get(&mut conn, code).await?;
    let levels = country::levels(&mut conn, &country).await?;
    let today = Utc::now().date_naive();
    let horizon = NaiveDate::from_ymd_opt(today.year() + 25, 12, 31).unwrap_or(today);
    let upcoming = anniversary::list(&mut conn, actor, today, horizon)
        .await?
        .into_iter()
        .filter(|a| a.country_code.as_deref() == Some(code.as_str()))
        .take(5)
        .collect();
    let filter = amity_store::partner::PartnerFilter {
        country: Some(code.clone()),
        ..Default::default()
    };
    let (partners, _) =
        amity_store::partner::list(&mut conn, &filter, ("name", false), 200, 0).await?;
    let concerning = amity_store::activity::ActivityFilter {
        country: Some(code.clone()),
        ..Default::default()
    };
    let with = amity_store::delegation::DelegationFilter {
        shared: concerning.clone(),
        ..Default::default()
    };
    let (delegations, _) =
        amity_store::delegation::list(&mut conn, actor, &with, ("start_on", true), 20, 0).await?;
    let with = amity_store::event::EventFilter {
        shared: concerning,
        ..Default::default()
    };
    let (events, _) =
        amity_store::event::list(&mut conn, actor, &with, ("start_on", true), 20, 0).await?;
    let form = form.unwrap_or_else(|| CorrectionForm {
        relations_established: country.relations().map(|r| r.display()).unwrap_or_default(),
        relations_note: country.relations_note.clone().unwrap_or_default(),
        source: country.source.clone().unwrap_or_default(),
    });
    Ok(CountryPage {
        ctx,
        country,
        levels,
        upcoming,
        partners,
        delegations,
        events,
        all_levels: PartnershipLevel::ALL,
        form,
        errors,
    })
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> PageResult {
    let Ok(code) = CountryCode::parse(&code) else {
        return Ok(not_found(&ctx));
    };
    Ok(render(
        &load(&state, &ctx, &me.actor, &code, None, FormErrors::default()).await?,
    ))
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

async fn correct(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(code): Path<String>,
    Form(form): Form<CorrectionForm>,
) -> PageResult {
    let Ok(code) = CountryCode::parse(&code) else {
        return Ok(not_found(&ctx));
    };
    save(
        &state,
        &ctx,
        async |tx| {
            let relations = match opt(&form.relations_established) {
                None => None,
                Some(d) => Some(
                    PartialDate::parse(&d)
                        .map_err(|e| amity_store::Error::invalid("relations_established", e))?,
                ),
            };
            let patch = CountryPatch {
                relations: Some(relations),
                relations_note: Some(opt(&form.relations_note)),
                source: Some(opt(&form.source)),
            };
            country::update(tx, &me.actor, &code, &patch).await?;
            Ok(())
        },
        |()| path::country(code.as_str()),
        |errors| load(&state, &ctx, &me.actor, &code, Some(form.clone()), errors),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct LevelForm {
    #[serde(default)]
    level: String,
    #[serde(default)]
    since: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    source: String,
}

async fn add_level(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(code): Path<String>,
    Form(form): Form<LevelForm>,
) -> PageResult {
    let Ok(code) = CountryCode::parse(&code) else {
        return Ok(not_found(&ctx));
    };
    save(
        &state,
        &ctx,
        async |tx| {
            let mut check = amity_domain::error::Checker::new();
            let level = check.check("level", form.level.parse::<PartnershipLevel>());
            let since = match opt(&form.since) {
                None => Some(None),
                Some(s) => check.check("since", PartialDate::parse(&s).map(Some)),
            };
            check.finish()?;
            let (Some(level), Some(since)) = (level, since) else {
                unreachable!("the checker reported every missing value")
            };
            country::add_level(
                tx,
                &me.actor,
                &code,
                &NewLevel {
                    level,
                    since,
                    note: opt(&form.note),
                    source: opt(&form.source),
                },
            )
            .await?;
            Ok(())
        },
        |()| path::country(code.as_str()),
        |errors| load(&state, &ctx, &me.actor, &code, None, errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "anniversaries.html")]
struct CalendarPage<'a> {
    ctx: &'a PageCtx,
    year: i32,
    /// (month number, anniversaries in it)
    months: Vec<(u32, Vec<AnniversaryItem>)>,
    total: usize,
    feed: String,
    errors: FormErrors,
    can_add: bool,
}

impl CalendarPage<'_> {
    fn title(&self, a: &AnniversaryItem) -> String {
        match self.ctx.lang {
            crate::i18n::Lang::Vi => a.title_vi.clone(),
            crate::i18n::Lang::En => a.title_en.clone(),
        }
    }

    fn when(&self, a: &AnniversaryItem) -> String {
        match a.precision {
            Precision::Day => self.ctx.date(&a.date),
            Precision::Month => a.date.format("%m/%Y").to_string(),
            Precision::Year => self.ctx.t("anniversary-whole-year"),
        }
    }
}

#[derive(Debug, Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn calendar_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &crate::auth::CurrentUser,
    year: i32,
    errors: FormErrors,
) -> amity_store::Result<CalendarPage<'a>> {
    let (from, to) = match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(f), Some(t)) => (f, t),
        _ => {
            return Err(amity_store::Error::invalid(
                "year",
                amity_domain::error::said("out-of-bounds", []),
            ));
        }
    };
    let mut conn = state.db.conn().await?;
    let items = anniversary::list(&mut conn, &me.actor, from, to).await?;
    let total = items.len();
    let mut months: Vec<(u32, Vec<AnniversaryItem>)> = Vec::new();
    for item in items {
        // Year-only items head the calendar, before January's.
        let month = if item.precision == Precision::Year {
            0
        } else {
            item.date.month()
        };
        match months.last_mut() {
            Some((m, list)) if *m == month => list.push(item),
            _ => months.push((month, vec![item])),
        }
    }
    months.sort_by_key(|(m, _)| *m);
    let feed = format!("/api/v1/anniversaries.ics?from={from}&to={to}");
    Ok(CalendarPage {
        ctx,
        year,
        months,
        total,
        feed,
        errors,
        can_add: me.actor.may(Action::ManageReference, None),
    })
}

async fn calendar(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = q.year.unwrap_or_else(|| Utc::now().year());
    if !(1900..=2200).contains(&year) {
        return Ok(error_page_for(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "year: must be between 1900 and 2200",
        ));
    }
    Ok(render(
        &calendar_page(&state, &ctx, &me, year, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct CommemorationForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    country: String,
}

async fn add_commemoration(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Form(form): Form<CommemorationForm>,
) -> PageResult {
    let fallback_year = Utc::now().year();
    let result = async {
        let mut check = amity_domain::error::Checker::new();
        let year = check.check(
            "year",
            form.year
                .trim()
                .parse::<i32>()
                .map_err(|_| "write the year as four digits".to_owned()),
        );
        let country = match opt(&form.country) {
            None => Some(None),
            Some(c) => check.check("country", CountryCode::parse(&c).map(Some)),
        };
        check.finish()?;
        let (Some(year), Some(country)) = (year, country) else {
            unreachable!("the checker reported every missing value")
        };
        let mut tx = state.db.begin().await?;
        let created = country::add_commemoration(
            &mut tx,
            &me.actor,
            &form.title,
            year,
            country.as_ref(),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(created.year)
    }
    .await;
    let year = form.year.trim().parse().unwrap_or(fallback_year);
    after_post(&ctx, result, path::anniversaries, |errors| {
        calendar_page(&state, &ctx, &me, year, errors)
    })
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/countries", get(list))
        .route("/countries/{code}", get(show).post(correct))
        .route("/countries/{code}/levels", post(add_level))
        .route("/anniversaries", get(calendar).post(add_commemoration))
}
