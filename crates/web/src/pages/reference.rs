//! The reference tables the aid figures and the e-procedures' deadlines rest on: the exchange
//! rates (`/aid/rates`) and the public holidays (`/holidays`). Everyone signed in reads them;
//! administrators keep them, every change audited by the store.

use amity_domain::authz::Action;
use amity_domain::error::Checker;
use amity_domain::money::{Currency, format_amount, parse_amount};
use amity_domain::text::parse_date;
use amity_store::aid::{self, Rate};
use amity_store::holiday::{self, Holiday};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use chrono::{Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::aid::page_number;
use super::{PageResult, after_post, error_page_for, render, save};
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

/// A currency's rates, oldest first, and the start of the one in force today.
struct CurrencyRates {
    currency: String,
    rates: Vec<Rate>,
    current: Option<NaiveDate>,
}

impl CurrencyRates {
    /// Whether `rate` is the one in force today.
    fn in_force(&self, rate: &Rate) -> bool {
        self.current == Some(rate.valid_from)
    }

    /// The rate in force today, if one has started.
    fn rate_in_force(&self) -> Option<&Rate> {
        self.rates.iter().find(|r| self.in_force(r))
    }
}

#[derive(Template)]
#[template(path = "rates.html")]
struct RatesPage<'a> {
    ctx: &'a PageCtx,
    currencies: Vec<CurrencyRates>,
    can_edit: bool,
    fields: RateFields,
    errors: FormErrors,
}

impl RatesPage<'_> {
    fn amount(&self, d: &Decimal) -> String {
        format_amount(d)
    }
}

/// The rate form's fields as the page sends them.
#[derive(Debug, Default, Clone, Deserialize)]
struct RateFields {
    #[serde(default)]
    currency: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    vnd_per_unit: String,
}

async fn rates_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    fields: RateFields,
    errors: FormErrors,
) -> amity_store::Result<RatesPage<'a>> {
    let mut conn = state.db.conn().await?;
    let today = Utc::now().date_naive();
    let mut currencies: Vec<CurrencyRates> = Vec::new();
    for rate in aid::rates(&mut conn).await? {
        match currencies.last_mut() {
            Some(c) if c.currency == rate.currency => c.rates.push(rate),
            _ => currencies.push(CurrencyRates {
                currency: rate.currency.clone(),
                rates: vec![rate],
                current: None,
            }),
        }
    }
    for c in &mut currencies {
        c.current = c
            .rates
            .iter()
            .map(|r| r.valid_from)
            .filter(|d| *d <= today)
            .max();
    }
    Ok(RatesPage {
        ctx,
        currencies,
        can_edit: me.actor.may(Action::ManageReference, None),
        fields,
        errors,
    })
}

async fn rates(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> PageResult {
    Ok(render(
        &rates_page(
            &state,
            &ctx,
            &me,
            RateFields::default(),
            FormErrors::default(),
        )
        .await?,
    ))
}

async fn set_rate(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<RateFields>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut check = Checker::new();
            let currency = check.required("currency", Some(f.currency.trim()), Currency::parse);
            let valid_from = check.required("valid_from", Some(f.valid_from.trim()), parse_date);
            let rate = check.required("vnd_per_unit", Some(f.vnd_per_unit.trim()), |r| {
                parse_amount(&page_number(r))
            });
            check.finish()?;
            let (Some(currency), Some(valid_from), Some(rate)) = (currency, valid_from, rate)
            else {
                unreachable!("the checker reported every missing value")
            };
            aid::set_rate(tx, &me.actor, &currency, valid_from, rate).await?;
            Ok(())
        },
        |()| "/aid/rates".into(),
        |errors| rates_page(&state, &ctx, &me, f.clone(), errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "holidays.html")]
struct HolidaysPage<'a> {
    ctx: &'a PageCtx,
    year: i32,
    holidays: Vec<Holiday>,
    can_edit: bool,
    fields: HolidayFields,
    errors: FormErrors,
}

impl HolidaysPage<'_> {
    fn weekday(&self, d: &NaiveDate) -> String {
        self.ctx
            .t(&format!("weekday-{}", d.weekday().number_from_monday()))
    }
}

/// The holiday form's fields as the page sends them.
#[derive(Debug, Default, Clone, Deserialize)]
struct HolidayFields {
    #[serde(default)]
    date: String,
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    name_en: String,
}

#[derive(Debug, Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn holidays_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    year: i32,
    fields: HolidayFields,
    errors: FormErrors,
) -> amity_store::Result<HolidaysPage<'a>> {
    let mut conn = state.db.conn().await?;
    let holidays = holiday::list(&mut conn, Some(year)).await?;
    Ok(HolidaysPage {
        ctx,
        year,
        holidays,
        can_edit: me.actor.may(Action::ManageReference, None),
        fields,
        errors,
    })
}

/// The years the page shows.
/// The years the holiday table can be read for (the page links no further).
const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

async fn holidays(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let year = q.year.unwrap_or_else(|| Utc::now().year());
    if !YEARS.contains(&year) {
        return Ok(error_page_for(
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "year: must be between 1990 and 2100",
        ));
    }
    Ok(render(
        &holidays_page(
            &state,
            &ctx,
            &me,
            year,
            HolidayFields::default(),
            FormErrors::default(),
        )
        .await?,
    ))
}

fn holidays_path(year: i32) -> String {
    crate::view::path::holidays_of(year)
}

async fn set_holiday(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<HolidayFields>,
) -> PageResult {
    let result = async {
        let mut check = Checker::new();
        let date = check.required("date", Some(f.date.trim()), parse_date);
        check.finish()?;
        let Some(date) = date else {
            unreachable!("the checker reported a missing date")
        };
        let mut tx = state.db.begin().await?;
        let set = holiday::set(
            &mut tx,
            &me.actor,
            date,
            &f.name_vi,
            Some(f.name_en.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok(set.date.year())
    }
    .await;
    let year = parse_date(f.date.trim())
        .map(|d| d.year())
        .unwrap_or_else(|_| Utc::now().year());
    after_post(&ctx, result, holidays_path, |errors| {
        holidays_page(&state, &ctx, &me, year, f.clone(), errors)
    })
    .await
}

async fn remove_holiday(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(date): Path<String>,
) -> PageResult {
    let Ok(date) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") else {
        return Ok(error_page_for(
            &ctx,
            StatusCode::NOT_FOUND,
            "holiday not found",
        ));
    };
    let result = async {
        let mut tx = state.db.begin().await?;
        holiday::remove(&mut tx, &me.actor, date).await?;
        tx.commit().await
    }
    .await;
    let year = date.year();
    after_post(
        &ctx,
        result,
        |()| holidays_path(year),
        |errors| holidays_page(&state, &ctx, &me, year, HolidayFields::default(), errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/aid/rates", get(rates).post(set_rate))
        .route("/holidays", get(holidays).post(set_holiday))
        .route("/holidays/{date}/delete", post(remove_holiday))
}
