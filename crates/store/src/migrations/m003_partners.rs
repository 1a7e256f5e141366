//! Migration 3: partners and their relations to our units.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("partners")
            .col(id("id"))
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("category").text().null())
            .col(ColumnDef::new("country_id").big_integer().null())
            .col(ColumnDef::new("name_native").text().null())
            .col(ColumnDef::new("name_latin").text().null())
            .col(ColumnDef::new("name_vi").text().null())
            .col(ColumnDef::new("name_key").binary().not_null())
            .col(ColumnDef::new("acronyms").text().not_null())
            .col(ColumnDef::new("aliases").text().not_null())
            .col(ColumnDef::new("website").text().null())
            .col(ColumnDef::new("address").text().null())
            .col(ColumnDef::new("note").text().null())
            .col(ColumnDef::new("owner_unit_id").big_integer().not_null())
            .col(ColumnDef::new("merged_into_id").big_integer().null())
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
            .foreign_key(&mut fk("partners", "country_id", "countries", "id"))
            .foreign_key(&mut fk("partners", "owner_unit_id", "org_units", "id"))
            .foreign_key(&mut fk("partners", "merged_into_id", "partners", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("partner_units")
            .col(id("id"))
            .col(ColumnDef::new("partner_id").big_integer().not_null())
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("relation").text().not_null())
            .col(ColumnDef::new("valid_from").date().null())
            .col(ColumnDef::new("valid_to").date().null())
            .col(ColumnDef::new("note").text().null())
            .foreign_key(&mut fk("partner_units", "partner_id", "partners", "id"))
            .foreign_key(&mut fk("partner_units", "unit_id", "org_units", "id")),
    )
    .await?;
    for index in [
        Index::create()
            .name("partners_country")
            .table("partners")
            .col("country_id")
            .to_owned(),
        Index::create()
            .name("partners_owner")
            .table("partners")
            .col("owner_unit_id")
            .to_owned(),
        Index::create()
            .name("partner_units_partner")
            .table("partner_units")
            .col("partner_id")
            .to_owned(),
        Index::create()
            .name("partner_units_unit")
            .table("partner_units")
            .col("unit_id")
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}
