//! Resolves an account into an [`Actor`]: the scopes every read filter and write check use.

use amity_domain::authz::{Actor, Scope, led_only, scopes_for};

use crate::db::Conn;
use crate::error::Result;
use crate::org;
use crate::user::User;

/// The actor behind an account, with its read and write scopes computed from the structure
/// over all time (a merged unit's staff keep seeing what its predecessors recorded).
pub async fn actor_for(conn: &mut Conn, user: &User) -> Result<Actor> {
    let graph = org::structure_graph(conn).await?;
    let own = graph.reach(user.unit_id);
    let led = if user.role == amity_domain::user::Role::ClusterLead {
        org::led_cluster_members(conn, &own).await?
    } else {
        Default::default()
    };
    let (read, write) = scopes_for(user.role, user.unit_id, &graph, &led);
    let led = led_only(user.role, user.unit_id, &graph, &led);
    Ok(Actor {
        user_id: Some(user.id),
        email: user.email.clone(),
        role: user.role,
        unit_id: Some(user.unit_id),
        read,
        write,
        led,
    })
}

/// Whether the scope is unlimited, for display ("whole federation").
pub fn is_federation_wide(scope: &Scope) -> bool {
    scope.is_all()
}
