//! The month calendar and agenda of delegations and events in the user's scope.

use amity_store::delegation::Delegation;
use amity_store::event::Event;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate, Utc};
use serde::Deserialize;

use super::render;
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

/// One entry on a day: a delegation or an event.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub link: String,
    pub title: String,
    /// `outbound`, `inbound` or `event` (for the style).
    pub kind: &'static str,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub unit: String,
}

impl Entry {
    fn of_delegation(d: &Delegation) -> Entry {
        let kind = match d.direction {
            amity_domain::activity::Direction::Outbound => "outbound",
            amity_domain::activity::Direction::Inbound => "inbound",
        };
        Entry {
            link: crate::view::path::delegation(d.id),
            title: d.title.clone(),
            kind,
            start_on: d.start_on,
            end_on: d.end_on,
            unit: d.owner_unit_name.clone(),
        }
    }

    fn of_event(e: &Event) -> Entry {
        Entry {
            link: crate::view::path::event(e.id),
            title: e.title.clone(),
            kind: "event",
            start_on: e.start_on,
            end_on: e.end_on,
            unit: e.owner_unit_name.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage<'a> {
    ctx: &'a PageCtx,
    month: NaiveDate,
    prev: String,
    next: String,
    /// Weeks of (day, in this month, entries that day).
    weeks: Vec<Vec<(NaiveDate, bool, Vec<Entry>)>>,
    agenda: Vec<Entry>,
    feed: String,
}

#[derive(Debug, Deserialize)]
struct MonthQuery {
    /// `YYYY-MM`.
    month: Option<String>,
}

fn first_of(q: Option<&str>) -> NaiveDate {
    let today = Utc::now().date_naive();
    q.and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today))
}

async fn calendar(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<MonthQuery>,
) -> Response {
    let mut month = first_of(q.month.as_deref());
    if q.month.is_none() {
        // This month unless nothing starts in it: then the latest month that has something.
        let end_of_month = month
            .checked_add_months(Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(month);
        let latest = match state.db.conn().await {
            Ok(mut conn) => super::latest_activity(&mut conn, &me.actor, end_of_month).await,
            Err(e) => Err(e),
        };
        match latest {
            Ok(Some(d)) if d < month => month = d.with_day(1).unwrap_or(d),
            Ok(_) => {}
            Err(e) => {
                return axum::response::IntoResponse::into_response(crate::error::ApiError::from(
                    e,
                ));
            }
        }
    }
    let last = month
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(month);
    // Whole weeks, Monday first.
    let start = month - chrono::Days::new(u64::from(month.weekday().num_days_from_monday()));
    let end = last + chrono::Days::new(u64::from(6 - last.weekday().num_days_from_monday()));
    let (delegations, events) = match crate::api::activities::calendar_items(
        &state,
        &me,
        start - chrono::Days::new(62),
        end,
    )
    .await
    {
        Ok(items) => items,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    let mut entries: Vec<Entry> = delegations
        .iter()
        .map(Entry::of_delegation)
        .chain(events.iter().map(Entry::of_event))
        .filter(|e| e.end_on >= start)
        .collect();
    entries.sort_by(|a, b| (a.start_on, &a.title).cmp(&(b.start_on, &b.title)));
    let mut weeks = Vec::new();
    let mut day = start;
    while day <= end {
        let mut week = Vec::new();
        for _ in 0..7 {
            let on: Vec<Entry> = entries
                .iter()
                .filter(|e| e.start_on <= day && day <= e.end_on)
                .cloned()
                .collect();
            week.push((day, day.month() == month.month(), on));
            day = day.succ_opt().unwrap_or(day);
        }
        weeks.push(week);
    }
    let agenda = entries
        .into_iter()
        .filter(|e| e.end_on >= month && e.start_on <= last)
        .collect();
    let fmt = |d: NaiveDate| d.format("%Y-%m").to_string();
    render(&CalendarPage {
        ctx: &ctx,
        month,
        prev: fmt(month.checked_sub_months(Months::new(1)).unwrap_or(month)),
        next: fmt(month.checked_add_months(Months::new(1)).unwrap_or(month)),
        weeks,
        agenda,
        feed: "/api/v1/calendar.ics".into(),
    })
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/calendar", get(calendar))
}
