//! The audit trail: every write appends an entry in its own transaction; nothing edits or
//! deletes entries.

use amity_domain::authz::{AUDIT_KINDS_RESTRICTED, Actor, Scope};
use chrono::{DateTime, NaiveDate, Utc};
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::db::Conn;
use crate::error::Result;
use crate::schema::AuditLog;

/// One field's value before and after a change.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldChange {
    pub before: Value,
    pub after: Value,
}

/// The fields that differ between two JSON objects (a missing object reads as all-null).
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Map<String, Value> {
    let empty = Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Map::new();
    for k in keys {
        let bv = b.get(k).cloned().unwrap_or(Value::Null);
        let av = a.get(k).cloned().unwrap_or(Value::Null);
        if bv != av {
            out.insert(k.clone(), serde_json::json!({ "before": bv, "after": av }));
        }
    }
    out
}

/// What was done to a record, as the audit trail names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    Create,
    Update,
    Merge,
    Split,
    Close,
    SetClusterRoles,
    ChangePassword,
    ImportReference,
    LoadDemo,
    /// A workflow move (a delegation submitted, approved, returned…), with its comment.
    Transition,
    Attach,
    Detach,
    /// A record removed (the entry keeps what it was).
    Delete,
    /// An account signed in (the entry keeps the client's address and the way in).
    SignIn,
    /// A sign-in refused: unknown account, wrong password or disabled account.
    SignInRefused,
}

impl AuditAction {
    pub const ALL: [AuditAction; 15] = [
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Merge,
        AuditAction::Split,
        AuditAction::Close,
        AuditAction::SetClusterRoles,
        AuditAction::ChangePassword,
        AuditAction::ImportReference,
        AuditAction::LoadDemo,
        AuditAction::Transition,
        AuditAction::Attach,
        AuditAction::Detach,
        AuditAction::Delete,
        AuditAction::SignIn,
        AuditAction::SignInRefused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Merge => "merge",
            AuditAction::Split => "split",
            AuditAction::Close => "close",
            AuditAction::SetClusterRoles => "set_cluster_roles",
            AuditAction::ChangePassword => "change_password",
            AuditAction::ImportReference => "import_reference",
            AuditAction::LoadDemo => "load_demo",
            AuditAction::Transition => "transition",
            AuditAction::Attach => "attach",
            AuditAction::Detach => "detach",
            AuditAction::Delete => "delete",
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInRefused => "sign_in_refused",
        }
    }
}

/// What changed, for one entity, by whom.
#[derive(Debug)]
pub struct Entry<'a> {
    pub action: AuditAction,
    pub entity_type: &'a str,
    pub entity_id: i64,
    /// The unit owning the entity, which decides who may read the entry.
    pub unit_id: Option<i64>,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

/// Appends an entry. Call inside the transaction that makes the change.
pub async fn record(conn: &mut Conn, actor: &Actor, entry: Entry<'_>) -> Result<()> {
    let changes = Value::Object(diff(entry.before, entry.after));
    conn.execute(
        Query::insert()
            .into_table(AuditLog::Table)
            .columns([
                AuditLog::At,
                AuditLog::ActorId,
                AuditLog::ActorEmail,
                AuditLog::Action,
                AuditLog::EntityType,
                AuditLog::EntityId,
                AuditLog::UnitId,
                AuditLog::Changes,
            ])
            .values_panic([
                Utc::now().into(),
                actor.user_id.into(),
                actor.email.clone().into(),
                entry.action.as_str().into(),
                entry.entity_type.into(),
                entry.entity_id.into(),
                entry.unit_id.into(),
                changes.to_string().into(),
            ]),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct Row {
    id: i64,
    at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor_email: String,
    action: String,
    entity_type: String,
    entity_id: i64,
    unit_id: Option<i64>,
    changes: String,
}

/// An audit entry as read back.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: i64,
    pub unit_id: Option<i64>,
    /// field → {before, after}
    pub changes: Map<String, Value>,
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<i64>,
    pub actor_id: Option<i64>,
    /// Oldest first instead of newest first.
    pub oldest_first: bool,
}

/// Restricts a query on `unit_col` to the actor's read scope. Records with no unit are
/// federation-wide and only an unlimited scope sees them.
pub(crate) fn scope_cond(scope: &Scope, unit_col: Expr) -> Option<Cond> {
    match scope {
        Scope::All => None,
        Scope::Units(units) => Some(Cond::all().add(unit_col.is_in(units.iter().copied()))),
    }
}

/// Restricts a query on records owned by `unit_col` and dated by `date_col` to what the actor
/// may read: its read scope, and for units it reads only as a cluster's lead, the years it led.
pub(crate) fn dated_scope_cond(actor: &Actor, unit_col: Expr, date_col: Expr) -> Option<Cond> {
    let scoped = scope_cond(&actor.read, unit_col.clone());
    if actor.led.is_empty() {
        return scoped;
    }
    let mut led = Cond::any().add(unit_col.clone().is_not_in(actor.led.keys().copied()));
    for (unit, years) in &actor.led {
        let mut in_years = Cond::any();
        for year in years {
            let (Some(first), Some(next)) = (
                NaiveDate::from_ymd_opt(*year, 1, 1),
                NaiveDate::from_ymd_opt(*year + 1, 1, 1),
            ) else {
                continue;
            };
            in_years = in_years.add(
                Cond::all()
                    .add(date_col.clone().gte(first))
                    .add(date_col.clone().lt(next)),
            );
        }
        led = led.add(Cond::all().add(unit_col.clone().eq(*unit)).add(in_years));
    }
    Some(scoped.unwrap_or_else(Cond::all).add(led))
}

/// Entries the actor may read, newest first (or oldest first), with the total for paging.
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    filter: &AuditFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<AuditEntry>, i64)> {
    let mut cond = Cond::all();
    if let Some(t) = &filter.entity_type {
        cond = cond.add(Expr::col(AuditLog::EntityType).eq(t.as_str()));
    }
    if let Some(id) = filter.entity_id {
        cond = cond.add(Expr::col(AuditLog::EntityId).eq(id));
    }
    if let Some(a) = filter.actor_id {
        cond = cond.add(Expr::col(AuditLog::ActorId).eq(a));
    }
    if let Some(scoped) =
        dated_scope_cond(actor, Expr::col(AuditLog::UnitId), Expr::col(AuditLog::At))
    {
        cond = cond.add(scoped);
    }
    for (kind, needs) in AUDIT_KINDS_RESTRICTED {
        if !actor.may(needs, None) {
            cond = cond.add(Expr::col(AuditLog::EntityType).ne(kind));
        }
    }
    let (total,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(AuditLog::Id).count())
                .from(AuditLog::Table)
                .cond_where(cond.clone()),
        )
        .await?;
    let rows: Vec<Row> = conn
        .fetch_all(
            Query::select()
                .columns([
                    AuditLog::Id,
                    AuditLog::At,
                    AuditLog::ActorId,
                    AuditLog::ActorEmail,
                    AuditLog::Action,
                    AuditLog::EntityType,
                    AuditLog::EntityId,
                    AuditLog::UnitId,
                    AuditLog::Changes,
                ])
                .from(AuditLog::Table)
                .cond_where(cond)
                .order_by(
                    AuditLog::Id,
                    if filter.oldest_first {
                        Order::Asc
                    } else {
                        Order::Desc
                    },
                )
                .limit(limit)
                .offset(offset),
        )
        .await?;
    let entries = rows
        .into_iter()
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            actor_id: r.actor_id,
            actor: r.actor_email,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            unit_id: r.unit_id,
            changes: serde_json::from_str(&r.changes).unwrap_or_default(),
        })
        .collect();
    Ok((entries, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_keeps_only_changed_fields() {
        let before = json!({"name": "A", "code": "01", "note": null});
        let after = json!({"name": "B", "code": "01", "phone": "123"});
        let d = diff(Some(&before), Some(&after));
        assert_eq!(d.len(), 2);
        assert_eq!(d["name"], json!({"before": "A", "after": "B"}));
        assert_eq!(d["phone"], json!({"before": null, "after": "123"}));
    }

    #[test]
    fn creation_diff_lists_every_field() {
        let after = json!({"name": "B", "code": "01"});
        assert_eq!(diff(None, Some(&after)).len(), 2);
    }
}
