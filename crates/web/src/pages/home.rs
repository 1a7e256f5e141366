//! The home page: the user's unit and what it contains.

use amity_domain::application::Procedure;
use amity_domain::authz::Action;
use amity_store::org::{self, ClusterRole, OrgUnit, UnitFilter};
use amity_store::todo::{self, Item, Todo};
use amity_store::user;
use askama::Template;
use axum::extract::State;
use axum::routing::get;
use chrono::Utc;

use super::{PageResult, render};
use crate::auth::Auth;
use crate::i18n::Lang;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{PageCtx, path};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ctx: &'a PageCtx,
    unit: OrgUnit,
    children: Vec<OrgUnit>,
    /// How many accounts and units the reader manages (administrators only).
    managed: Option<(i64, i64)>,
    cluster_roles: Vec<ClusterRole>,
    todo: Todo,
}

impl HomePage<'_> {
    /// Where an item of the to-do list leads.
    fn link(&self, item: &Item) -> String {
        let id = item.id.unwrap_or_default();
        match item.kind {
            "delegation" => path::delegation(id),
            "report" => path::report(id),
            "report_due" => match (item.id, &item.form, &item.period) {
                (Some(id), _, _) => path::report(id),
                (None, Some(form), Some(period)) => path::periodic_of(form, period),
                _ => path::REPORTS_PERIODIC.to_owned(),
            },
            "application" => path::application(id),
            "ngo" => format!("{}#permits", path::ngo(id)),
            _ => path::agreement(id),
        }
    }

    /// The item's title in the reader's language, where the record keeps one in English.
    fn title<'i>(&self, item: &'i Item) -> &'i str {
        match (self.ctx.lang, &item.title_en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => &item.title,
        }
    }

    /// What is said after the title: the unit (or how many units), the date and a note.
    fn detail(&self, item: &Item) -> String {
        let mut parts: Vec<String> = item.period.iter().map(|p| self.ctx.period(p)).collect();
        match (item.kind, item.note.as_deref()) {
            ("application", Some(n)) => {
                parts.extend(n.parse::<Procedure>().ok().map(|p| self.ctx.vocab(&p)))
            }
            ("ngo", Some(n)) => parts.push(format!("{} {n}", self.ctx.t("todo-permit-number"))),
            ("agreement_task", Some(n)) => parts.push(n.to_owned()),
            _ => {}
        }
        if let Some(n) = item.units_waiting {
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            parts.push(format!(
                "{} {}",
                self.ctx.num(&n),
                self.ctx.t("todo-units-waiting")
            ));
        }
        // The reader's own unit goes without saying.
        if !item.unit.is_empty() && item.unit != self.unit.name {
            parts.push(item.unit.clone());
        }
        if let Some(date) = item.date {
            let key = match item.kind {
                "report" | "report_due" | "application" => "todo-due",
                "ngo" | "agreement" => "todo-ends",
                _ => "todo-starts",
            };
            parts.push(format!("{} {}", self.ctx.t(key), self.ctx.date(&date)));
        }
        parts.join(" · ")
    }
}

async fn home(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> PageResult {
    let today = Utc::now().date_naive();

    let mut conn = state.db.conn().await?;
    let unit = org::get(&mut conn, me.user.unit_id, today).await?;
    let mut filter = UnitFilter::as_of(today);
    filter.parent_id = Some(unit.id);
    let (children, _) = org::list(&mut conn, &filter, 500, 0).await?;
    let managed = if me.actor.may(Action::ManageUsers, Some(unit.id)) {
        let (_, accounts) = user::list(&mut conn, &me.actor, ("name", false), 1, 0).await?;
        let (_, units_today) = org::list(&mut conn, &UnitFilter::as_of(today), 1, 0).await?;
        Some((accounts, units_today))
    } else {
        None
    };
    // The unit's own work and roles are its own and those of the units it was formed from
    // (today's Khánh Hòa led Cluster 3 in 2023), not those of the units placed under it.
    let own = org::structure_graph(&mut conn).await?.carried(unit.id);
    let cluster_roles = org::cluster_roles_of(&mut conn, &own).await?;
    let todo = todo::of(&mut conn, &me.actor, &own, today).await?;
    Ok(render(&HomePage {
        ctx: &ctx,
        unit,
        children,
        managed,
        cluster_roles,
        todo,
    }))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/", get(home))
}
