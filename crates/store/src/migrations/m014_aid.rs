//! Migration 14: aid projects, their NGOs, sectors and provinces; transactions and exchange rates.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id, insert_shipped};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("aid_projects")
            .col(id("id"))
            .col(ColumnDef::new("code").text().not_null().unique_key())
            .col(ColumnDef::new("title_vi").text().not_null())
            .col(ColumnDef::new("title_en").text().null())
            .col(ColumnDef::new("programme_id").big_integer().null())
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("status").text().not_null())
            .col(ColumnDef::new("planned_start").date().not_null())
            .col(ColumnDef::new("planned_end").date().not_null())
            .col(ColumnDef::new("actual_start").date().null())
            .col(ColumnDef::new("actual_end").date().null())
            .col(ColumnDef::new("beneficiaries").text().null())
            .col(ColumnDef::new("description").text().null())
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
            .foreign_key(&mut fk(
                "aid_projects",
                "programme_id",
                "aid_projects",
                "id",
            ))
            .foreign_key(&mut fk("aid_projects", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("aid_project_orgs")
            .col(ColumnDef::new("project_id").big_integer().not_null())
            .col(ColumnDef::new("partner_id").big_integer().not_null())
            .col(ColumnDef::new("role").text().not_null())
            .primary_key(
                Index::create()
                    .col("project_id")
                    .col("partner_id")
                    .col("role"),
            )
            .foreign_key(&mut fk(
                "aid_project_orgs",
                "project_id",
                "aid_projects",
                "id",
            ))
            .foreign_key(&mut fk("aid_project_orgs", "partner_id", "partners", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("aid_project_sectors")
            .col(ColumnDef::new("project_id").big_integer().not_null())
            .col(ColumnDef::new("sector_code").text().not_null())
            .col(ColumnDef::new("percent").text().not_null())
            .primary_key(Index::create().col("project_id").col("sector_code"))
            .foreign_key(&mut fk(
                "aid_project_sectors",
                "project_id",
                "aid_projects",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("aid_project_provinces")
            .col(ColumnDef::new("project_id").big_integer().not_null())
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("percent").text().not_null())
            .primary_key(Index::create().col("project_id").col("unit_id"))
            .foreign_key(&mut fk(
                "aid_project_provinces",
                "project_id",
                "aid_projects",
                "id",
            ))
            .foreign_key(&mut fk(
                "aid_project_provinces",
                "unit_id",
                "org_units",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("exchange_rates")
            .col(ColumnDef::new("currency").text().not_null())
            .col(ColumnDef::new("valid_from").date().not_null())
            .col(ColumnDef::new("vnd_per_unit").text().not_null())
            .primary_key(Index::create().col("currency").col("valid_from")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("aid_transactions")
            .col(id("id"))
            .col(ColumnDef::new("project_id").big_integer().not_null())
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("date").date().not_null())
            .col(ColumnDef::new("amount").text().not_null())
            .col(ColumnDef::new("currency").text().not_null())
            .col(ColumnDef::new("rate_to_vnd").text().not_null())
            .col(ColumnDef::new("amount_vnd").text().not_null())
            .col(ColumnDef::new("note").text().null())
            .col(
                ColumnDef::new("created_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                "aid_transactions",
                "project_id",
                "aid_projects",
                "id",
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("aid_projects_unit")
            .table("aid_projects")
            .col("unit_id")
            .to_owned(),
        Index::create()
            .name("aid_projects_programme")
            .table("aid_projects")
            .col("programme_id")
            .to_owned(),
        Index::create()
            .name("aid_transactions_project")
            .table("aid_transactions")
            .col("project_id")
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    let columns = ["currency", "valid_from", "vnd_per_unit"];
    insert_shipped(c, "exchange_rates", columns, DEFAULT_RATES, 1).await
}

const DEFAULT_RATES: &str = include_str!("m014_exchange_rates.csv");
