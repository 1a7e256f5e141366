//! Migration 6: partner founding dates, agreement documents.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    // One column per statement: SQLite alters one column at a time.
    for column in [
        ColumnDef::new("founded_on").date().null().to_owned(),
        ColumnDef::new("founded_precision").text().null().to_owned(),
    ] {
        c.execute_schema(
            &Table::alter()
                .table("partners")
                .add_column(column)
                .to_owned(),
        )
        .await?;
    }
    c.execute_schema(
        Table::create()
            .table("agreement_documents")
            .col(id("id"))
            .col(ColumnDef::new("agreement_id").big_integer().not_null())
            .col(ColumnDef::new("title").text().not_null())
            .col(ColumnDef::new("url").text().null())
            .col(
                ColumnDef::new("added_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                "agreement_documents",
                "agreement_id",
                "agreements",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        &Index::create()
            .name("agreement_documents_agreement")
            .table("agreement_documents")
            .col("agreement_id")
            .to_owned(),
    )
    .await
}
