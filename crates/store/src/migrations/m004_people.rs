//! Migration 4: people and their dated positions.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("people")
            .col(id("id"))
            .col(ColumnDef::new("name").text().not_null())
            .col(ColumnDef::new("name_latin").text().null())
            .col(ColumnDef::new("name_key").binary().not_null())
            .col(ColumnDef::new("honorific").text().null())
            .col(ColumnDef::new("gender").text().null())
            .col(ColumnDef::new("nationality_id").big_integer().null())
            .col(ColumnDef::new("email").text().null())
            .col(ColumnDef::new("phone").text().null())
            .col(ColumnDef::new("note").text().null())
            .col(ColumnDef::new("owner_unit_id").big_integer().not_null())
            .col(
                ColumnDef::new("created_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new("updated_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk("people", "nationality_id", "countries", "id"))
            .foreign_key(&mut fk("people", "owner_unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("positions")
            .col(id("id"))
            .col(ColumnDef::new("person_id").big_integer().not_null())
            .col(ColumnDef::new("title").text().not_null())
            .col(ColumnDef::new("partner_id").big_integer().null())
            .col(ColumnDef::new("unit_id").big_integer().null())
            .col(ColumnDef::new("organization").text().null())
            .col(ColumnDef::new("valid_from").date().null())
            .col(ColumnDef::new("valid_to").date().null())
            .foreign_key(&mut fk("positions", "person_id", "people", "id"))
            .foreign_key(&mut fk("positions", "partner_id", "partners", "id"))
            .foreign_key(&mut fk("positions", "unit_id", "org_units", "id")),
    )
    .await?;
    for index in [
        Index::create()
            .name("positions_person")
            .table("positions")
            .col("person_id")
            .to_owned(),
        Index::create()
            .name("positions_partner")
            .table("positions")
            .col("partner_id")
            .to_owned(),
        Index::create()
            .name("people_owner")
            .table("people")
            .col("owner_unit_id")
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}
