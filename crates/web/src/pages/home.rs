//! The home page: the user's unit and what it contains.

use amity_store::org::{self, ClusterRole, OrgUnit, UnitFilter};
use amity_store::user;
use askama::Template;
use axum::extract::State;
use axum::routing::get;
use chrono::Utc;

use super::{PageResult, render};
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::PageCtx;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    ctx: &'a PageCtx,
    unit: OrgUnit,
    children: Vec<OrgUnit>,
    accounts: i64,
    units_today: i64,
    cluster_roles: Vec<ClusterRole>,
    /// Submitted delegations this user decides on.
    awaiting: Vec<amity_store::delegation::Delegation>,
    /// Drafts of the user's units that came back with a reviewer's comment.
    returned: Vec<amity_store::delegation::Delegation>,
}

async fn home(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> PageResult {
    let today = Utc::now().date_naive();

    let mut conn = state.db.conn().await?;
    let unit = org::get(&mut conn, me.user.unit_id, today).await?;
    let mut filter = UnitFilter::as_of(today);
    filter.parent_id = Some(unit.id);
    let (children, _) = org::list(&mut conn, &filter, 500, 0).await?;
    let (_, accounts) = user::list(&mut conn, &me.actor, ("name", false), 1, 0).await?;
    let (_, units_today) = org::list(&mut conn, &UnitFilter::as_of(today), 1, 0).await?;
    // Roles its predecessors held count too: today's Khánh Hòa led Cluster 3 in 2023.
    let own = org::structure_graph(&mut conn).await?.reach(unit.id);
    let cluster_roles = org::cluster_roles_of(&mut conn, &own).await?;
    let awaiting = amity_store::delegation::awaiting_decision(&mut conn, &me.actor).await?;
    let drafts = amity_store::delegation::DelegationFilter {
        state: Some(amity_domain::activity::DelegationState::Draft),
        shared: amity_store::activity::ActivityFilter {
            units: Some(own),
            ..Default::default()
        },
        ..Default::default()
    };
    let (drafts, _) =
        amity_store::delegation::list(&mut conn, &me.actor, &drafts, ("start_on", false), 100, 0)
            .await?;
    let returned = drafts
        .into_iter()
        .filter(|d| d.review_comment.is_some())
        .collect();
    Ok(render(&Ok::<_, amity_store::Error>(HomePage {
        ctx: &ctx,
        unit,
        children,
        accounts,
        units_today,
        cluster_roles,
        awaiting,
        returned,
    })?))
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default().route("/", get(home))
}
