//! Migration 20: search entries keep a reference to their record (a country's code) instead of a
//! page address; the web layer makes the links.

use sea_query::{Expr, ExprTrait, Query, Table};

use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    // Countries were linked as `/countries/XX`; their code is what remains.
    c.execute(
        Query::update()
            .table("search_docs")
            .value("url", Expr::cust("substr(url, 12)"))
            .and_where(Expr::col("entity_type").eq("country")),
    )
    .await?;
    c.execute(
        Query::update()
            .table("search_docs")
            .value("url", "")
            .and_where(Expr::col("entity_type").ne("country")),
    )
    .await?;
    c.execute_schema(
        &Table::alter()
            .table("search_docs")
            .rename_column("url", "record_key")
            .to_owned(),
    )
    .await
}
