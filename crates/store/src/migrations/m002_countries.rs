//! Migration 2: countries, partnership levels, commemorative years.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("countries")
            .col(id("id"))
            .col(ColumnDef::new("code").text().not_null().unique_key())
            .col(ColumnDef::new("alpha3").text().not_null())
            .col(ColumnDef::new("numeric").text().not_null())
            .col(ColumnDef::new("name_en").text().not_null())
            .col(ColumnDef::new("name_vi").text().not_null())
            .col(ColumnDef::new("name_key").binary().not_null())
            .col(ColumnDef::new("region").text().null())
            .col(ColumnDef::new("sub_region").text().null())
            .col(ColumnDef::new("relations_date").date().null())
            .col(ColumnDef::new("relations_precision").text().null())
            .col(ColumnDef::new("relations_note").text().null())
            .col(ColumnDef::new("source").text().null())
            .col(
                ColumnDef::new("updated_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("country_levels")
            .col(id("id"))
            .col(ColumnDef::new("country_id").big_integer().not_null())
            .col(ColumnDef::new("level").text().not_null())
            .col(ColumnDef::new("since").date().null())
            .col(ColumnDef::new("since_precision").text().null())
            .col(ColumnDef::new("note").text().null())
            .col(ColumnDef::new("source").text().null())
            .foreign_key(&mut fk("country_levels", "country_id", "countries", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("commemorations")
            .col(id("id"))
            .col(ColumnDef::new("title").text().not_null())
            .col(ColumnDef::new("year").integer().not_null())
            .col(ColumnDef::new("country_id").big_integer().null())
            .col(ColumnDef::new("note").text().null())
            .col(
                ColumnDef::new("created_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk("commemorations", "country_id", "countries", "id")),
    )
    .await?;
    for index in [
        Index::create()
            .name("country_levels_country")
            .table("country_levels")
            .col("country_id")
            .to_owned(),
        Index::create()
            .name("commemorations_year")
            .table("commemorations")
            .col("year")
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}
