//! Migration 17: public holidays, which applications' processing times do not count.

use sea_query::{ColumnDef, Table};

use super::insert_shipped;
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("public_holidays")
            .col(ColumnDef::new("date").date().not_null().primary_key())
            .col(ColumnDef::new("name_vi").text().not_null())
            .col(ColumnDef::new("name_en").text().null()),
    )
    .await?;
    let columns = ["date", "name_vi", "name_en"];
    insert_shipped(c, "public_holidays", columns, DEFAULT_HOLIDAYS, 0).await
}

const DEFAULT_HOLIDAYS: &str = include_str!("m017_public_holidays.csv");
