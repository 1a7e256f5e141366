//! Migration 13: foreign NGOs: sectors and provinces of work, permits and their history.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("ngo_sectors")
            .col(ColumnDef::new("partner_id").big_integer().not_null())
            .col(ColumnDef::new("sector_code").text().not_null())
            .primary_key(Index::create().col("partner_id").col("sector_code"))
            .foreign_key(&mut fk("ngo_sectors", "partner_id", "partners", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("ngo_provinces")
            .col(ColumnDef::new("partner_id").big_integer().not_null())
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .primary_key(Index::create().col("partner_id").col("unit_id"))
            .foreign_key(&mut fk("ngo_provinces", "partner_id", "partners", "id"))
            .foreign_key(&mut fk("ngo_provinces", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("ngo_permits")
            .col(id("id"))
            .col(ColumnDef::new("partner_id").big_integer().not_null())
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("number").text().not_null())
            .col(ColumnDef::new("issuer").text().not_null())
            .col(ColumnDef::new("issued_on").date().not_null())
            .col(ColumnDef::new("valid_from").date().not_null())
            .col(ColumnDef::new("valid_to").date().not_null())
            .col(ColumnDef::new("standing").text().not_null())
            .col(ColumnDef::new("note").text().null())
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
            .foreign_key(&mut fk("ngo_permits", "partner_id", "partners", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("ngo_permit_provinces")
            .col(ColumnDef::new("permit_id").big_integer().not_null())
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .primary_key(Index::create().col("permit_id").col("unit_id"))
            .foreign_key(&mut fk(
                "ngo_permit_provinces",
                "permit_id",
                "ngo_permits",
                "id",
            ))
            .foreign_key(&mut fk(
                "ngo_permit_provinces",
                "unit_id",
                "org_units",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("ngo_permit_sectors")
            .col(ColumnDef::new("permit_id").big_integer().not_null())
            .col(ColumnDef::new("sector_code").text().not_null())
            .primary_key(Index::create().col("permit_id").col("sector_code"))
            .foreign_key(&mut fk(
                "ngo_permit_sectors",
                "permit_id",
                "ngo_permits",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("ngo_permit_changes")
            .col(id("id"))
            .col(ColumnDef::new("permit_id").big_integer().not_null())
            .col(ColumnDef::new("change").text().not_null())
            .col(ColumnDef::new("note").text().null())
            .col(ColumnDef::new("user_id").big_integer().null())
            .col(ColumnDef::new("at").timestamp_with_time_zone().not_null())
            .foreign_key(&mut fk(
                "ngo_permit_changes",
                "permit_id",
                "ngo_permits",
                "id",
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("ngo_permits_partner")
            .table("ngo_permits")
            .col("partner_id")
            .to_owned(),
        Index::create()
            .name("ngo_permit_changes_permit")
            .table("ngo_permit_changes")
            .col("permit_id")
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}
