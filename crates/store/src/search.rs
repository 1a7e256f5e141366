//! One search over everything, ignoring Vietnamese diacritics; modules register their records.

use amity_domain::authz::{Actor, Scope};
use amity_domain::text::search_terms;
use sea_query::{Cond, Expr, ExprTrait, OnConflict, Order, Query};
use serde::Serialize;

use crate::db::Conn;
use crate::dialect;
use crate::error::Result;
use crate::schema::SearchDocs;

/// A record as the search index knows it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub entity_type: &'static str,
    pub entity_id: i64,
    /// The owning unit: only actors who may read it find the record. `None` means visible to
    /// every signed-in user (the federation's structure itself).
    pub unit_id: Option<i64>,
    pub title: String,
    pub subtitle: Option<String>,
    /// What a link to the record names besides its kind and id (a country's code), or empty.
    pub key: String,
    /// Further text to match (codes, aliases, emails), besides title and subtitle.
    pub extra: String,
}

/// Adds or replaces a record in the index. Call in the transaction that writes the record.
pub async fn put(conn: &mut Conn, doc: &Doc) -> Result<()> {
    let text = format!(
        "{} {} {}",
        doc.title,
        doc.subtitle.as_deref().unwrap_or(""),
        doc.extra
    );
    let folded = search_terms(&text).join(" ");
    conn.execute(
        Query::insert()
            .into_table(SearchDocs::Table)
            .columns([
                SearchDocs::EntityType,
                SearchDocs::EntityId,
                SearchDocs::UnitId,
                SearchDocs::Title,
                SearchDocs::Subtitle,
                SearchDocs::RecordKey,
                SearchDocs::Folded,
            ])
            .values_panic([
                doc.entity_type.into(),
                doc.entity_id.into(),
                doc.unit_id.into(),
                doc.title.clone().into(),
                doc.subtitle.clone().into(),
                doc.key.clone().into(),
                folded.into(),
            ])
            .on_conflict(
                OnConflict::columns([SearchDocs::EntityType, SearchDocs::EntityId])
                    .update_columns([
                        SearchDocs::UnitId,
                        SearchDocs::Title,
                        SearchDocs::Subtitle,
                        SearchDocs::RecordKey,
                        SearchDocs::Folded,
                    ])
                    .to_owned(),
            ),
    )
    .await?;
    Ok(())
}

pub async fn remove(conn: &mut Conn, entity_type: &str, entity_id: i64) -> Result<()> {
    conn.execute(
        Query::delete()
            .from_table(SearchDocs::Table)
            .and_where(Expr::col(SearchDocs::EntityType).eq(entity_type))
            .and_where(Expr::col(SearchDocs::EntityId).eq(entity_id)),
    )
    .await?;
    Ok(())
}

/// Ids of `entity_type` records whose indexed text contains every word of `q` (as prefixes,
/// diacritics ignored), as a subquery for other modules' list filters. `None` when `q` has no
/// words.
pub(crate) fn matching_ids(
    backend: crate::Backend,
    entity_type: &str,
    q: &str,
) -> Option<sea_query::SelectStatement> {
    let terms = search_terms(q);
    if terms.is_empty() {
        return None;
    }
    let (sql, value) = dialect::search_match(backend, &terms);
    Some(
        Query::select()
            .column(SearchDocs::EntityId)
            .from(SearchDocs::Table)
            .and_where(Expr::col(SearchDocs::EntityType).eq(entity_type))
            .and_where(Expr::cust_with_values(sql, [value]))
            .to_owned(),
    )
}

/// A record found: its kind, id and key (see [`Doc::key`]) for the web layer to link to.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Hit {
    pub entity_type: String,
    pub entity_id: i64,
    pub title: String,
    pub subtitle: Option<String>,
    #[sqlx(rename = "record_key")]
    pub key: String,
}

/// Records matching every word of `q` (as word prefixes, diacritics ignored) that the actor
/// may read, with the total count of such records.
pub async fn query(
    conn: &mut Conn,
    actor: &Actor,
    q: &str,
    limit: u64,
    offset: u64,
) -> Result<(Vec<Hit>, i64)> {
    let terms = search_terms(q);
    if terms.is_empty() {
        return Ok((vec![], 0));
    }
    let (sql, value) = dialect::search_match(conn.backend(), &terms);
    let mut cond = Cond::all().add(Expr::cust_with_values(sql, [value]));
    if let Scope::Units(units) = &actor.read {
        cond = cond.add(
            Cond::any()
                .add(Expr::col((SearchDocs::Table, SearchDocs::UnitId)).is_null())
                .add(
                    Expr::col((SearchDocs::Table, SearchDocs::UnitId)).is_in(units.iter().copied()),
                ),
        );
    }
    let (total,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(SearchDocs::Id).count())
                .from(SearchDocs::Table)
                .cond_where(cond.clone()),
        )
        .await?;
    let hits = conn
        .fetch_all(
            Query::select()
                .columns([
                    SearchDocs::EntityType,
                    SearchDocs::EntityId,
                    SearchDocs::Title,
                    SearchDocs::Subtitle,
                    SearchDocs::RecordKey,
                ])
                .from(SearchDocs::Table)
                .cond_where(cond)
                .order_by_expr(Expr::cust("length(search_docs.title)"), Order::Asc)
                .order_by(SearchDocs::Title, Order::Asc)
                .limit(limit)
                .offset(offset),
        )
        .await?;
    Ok((hits, total))
}
