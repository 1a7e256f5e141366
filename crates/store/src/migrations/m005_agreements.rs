//! Migration 5: cooperation agreements, parties and yearly tasks.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("agreements")
            .col(id("id"))
            .col(ColumnDef::new("owner_unit_id").big_integer().not_null())
            .col(ColumnDef::new("title").text().not_null())
            .col(ColumnDef::new("title_key").binary().not_null())
            .col(ColumnDef::new("number").text().null())
            .col(ColumnDef::new("signed_on").date().null())
            .col(ColumnDef::new("signed_place").text().null())
            .col(ColumnDef::new("valid_from").date().null())
            .col(ColumnDef::new("valid_to").date().null())
            .col(ColumnDef::new("status").text().not_null())
            .col(ColumnDef::new("renewed_by_id").big_integer().null())
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
            .foreign_key(&mut fk("agreements", "owner_unit_id", "org_units", "id"))
            .foreign_key(&mut fk("agreements", "renewed_by_id", "agreements", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("agreement_parties")
            .col(id("id"))
            .col(ColumnDef::new("agreement_id").big_integer().not_null())
            .col(ColumnDef::new("partner_id").big_integer().null())
            .col(ColumnDef::new("unit_id").big_integer().null())
            .col(ColumnDef::new("name").text().null())
            .foreign_key(&mut fk(
                "agreement_parties",
                "agreement_id",
                "agreements",
                "id",
            ))
            .foreign_key(&mut fk("agreement_parties", "partner_id", "partners", "id"))
            .foreign_key(&mut fk("agreement_parties", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("agreement_tasks")
            .col(id("id"))
            .col(ColumnDef::new("agreement_id").big_integer().not_null())
            .col(ColumnDef::new("year").integer().not_null())
            .col(ColumnDef::new("item").text().not_null())
            .col(ColumnDef::new("owner_unit_id").big_integer().not_null())
            .col(ColumnDef::new("status").text().not_null())
            .col(ColumnDef::new("evidence").text().null())
            .foreign_key(&mut fk(
                "agreement_tasks",
                "agreement_id",
                "agreements",
                "id",
            ))
            .foreign_key(&mut fk(
                "agreement_tasks",
                "owner_unit_id",
                "org_units",
                "id",
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("agreements_owner")
            .table("agreements")
            .col("owner_unit_id")
            .to_owned(),
        Index::create()
            .name("agreement_parties_agreement")
            .table("agreement_parties")
            .col("agreement_id")
            .to_owned(),
        Index::create()
            .name("agreement_parties_partner")
            .table("agreement_parties")
            .col("partner_id")
            .to_owned(),
        Index::create()
            .name("agreement_tasks_agreement")
            .table("agreement_tasks")
            .col("agreement_id")
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}
