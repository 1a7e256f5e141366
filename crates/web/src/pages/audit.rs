//! Audit pages: who changed what, before → after, in the user's scope.

use amity_store::audit::{self, AuditEntry, AuditFilter};
use amity_store::user;
use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use serde::Deserialize;

use super::{PageResult, render};
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

const PER_PAGE: u64 = 50;

/// The kinds of record the trail keeps, for its filter.
pub(crate) const ENTITIES: [&str; 25] = [
    "org_unit",
    "user",
    "partner",
    "person",
    "country",
    "commemoration",
    "delegation",
    "event",
    "agreement",
    "work_plan",
    "report",
    "ngo",
    "ngo_permit",
    "ngo_application",
    "ngo_application_note",
    "ngo_applicant",
    "aid_project",
    "aid_transaction",
    "award",
    "emulation",
    "report_form",
    "exchange_rate",
    "holiday",
    "generated_activity",
    "sign_in",
];

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    ctx: &'a PageCtx,
    entries: Vec<AuditEntry>,
    total: i64,
    page: u64,
    pages: u64,
    entity_type: String,
    entity_id: String,
    actor: String,
    query: String,
}

#[derive(Debug, Deserialize)]
struct AuditQuery {
    #[serde(default)]
    entity_type: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    actor: String,
    page: Option<u64>,
}

impl AuditPage<'_> {
    fn entity(&self, entity_type: &str) -> String {
        self.ctx.record_kind(entity_type)
    }

    fn field(&self, field: &str) -> String {
        self.ctx.lang.field_label(field)
    }

    fn show(&self, field: &str, value: &serde_json::Value) -> String {
        show_value(self.ctx, field, value)
    }
}

/// A recorded value as the reader reads it: dates and times in Vietnamese form (Vietnam's
/// time), words of a vocabulary and roles by their labels, lists and details spelt out.
fn show_value(ctx: &PageCtx, field: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "—".into(),
        Value::Bool(true) => ctx.t("yes"),
        Value::Bool(false) => ctx.t("no"),
        Value::Number(n) => match n.as_i64() {
            // Record numbers and years are written as they are (2024, not 2.024).
            Some(i) if field == "id" || field.ends_with("_id") || field.contains("year") => {
                i.to_string()
            }
            Some(i) => ctx.num(&i),
            None => n.as_f64().map(|f| ctx.figure(&f)).unwrap_or_default(),
        },
        Value::String(s) => show_text(ctx, field, s),
        Value::Array(items) if items.is_empty() => "—".into(),
        Value::Array(items) => items
            .iter()
            .map(|v| show_value(ctx, field, v))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}: {}", ctx.lang.field_label(k), show_value(ctx, k, v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn show_text(ctx: &PageCtx, field: &str, s: &str) -> String {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(s) {
        return ctx.datetime(&at.with_timezone(&chrono::Utc));
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return ctx.date(&d);
    }
    if field == "record_type"
        && let Some(kind) = ctx.lang.record_kind(s)
    {
        return kind;
    }
    ctx.code_label(field, s).unwrap_or_else(|| s.to_owned())
}

async fn audit_page(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let page = q.page.unwrap_or(1).max(1);

    let mut conn = state.db.conn().await?;
    let actor_id = match q.actor.trim() {
        "" => None,
        a => Some(
            user::find_by_email(&mut conn, a)
                .await?
                .map_or(-1, |u| u.id),
        ),
    };
    let filter = AuditFilter {
        entity_type: Some(q.entity_type.trim().to_owned()).filter(|t| !t.is_empty()),
        entity_id: q.entity_id.trim().parse().ok(),
        actor_id,
        oldest_first: false,
    };
    let (entries, total) = audit::list(
        &mut conn,
        &me.actor,
        &filter,
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;

    let pages = super::page_count(total, PER_PAGE);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("entity_type", &q.entity_type)
        .append_pair("entity_id", &q.entity_id)
        .append_pair("actor", &q.actor)
        .finish();
    Ok(render(&AuditPage {
        ctx: &ctx,
        entries,
        total,
        page,
        pages,
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        actor: q.actor,
        query,
    }))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/audit", get(audit_page))
}
