//! Migration 15: NGO applicant accounts, their applications, moves and the office's internal notes.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("ngo_applicants")
            .col(
                ColumnDef::new("user_id")
                    .big_integer()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new("partner_id").big_integer().not_null())
            .foreign_key(&mut fk("ngo_applicants", "user_id", "users", "id"))
            .foreign_key(&mut fk("ngo_applicants", "partner_id", "partners", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("applications")
            .col(id("id"))
            .col(ColumnDef::new("partner_id").big_integer().not_null())
            .col(ColumnDef::new("procedure").text().not_null())
            .col(ColumnDef::new("state").text().not_null())
            .col(ColumnDef::new("permit_id").big_integer().null())
            .col(ColumnDef::new("documents").text().not_null())
            .col(ColumnDef::new("details").text().not_null())
            .col(ColumnDef::new("submitted_on").date().not_null())
            .col(ColumnDef::new("deadline").date().not_null())
            .col(
                ColumnDef::new("decided_at")
                    .timestamp_with_time_zone()
                    .null(),
            )
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
            .foreign_key(&mut fk("applications", "partner_id", "partners", "id"))
            .foreign_key(&mut fk("applications", "permit_id", "ngo_permits", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("application_moves")
            .col(id("id"))
            .col(ColumnDef::new("application_id").big_integer().not_null())
            .col(ColumnDef::new("from_state").text().null())
            .col(ColumnDef::new("to_state").text().not_null())
            .col(ColumnDef::new("comment").text().null())
            .col(ColumnDef::new("user_id").big_integer().null())
            .col(ColumnDef::new("at").timestamp_with_time_zone().not_null())
            .foreign_key(&mut fk(
                "application_moves",
                "application_id",
                "applications",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("application_notes")
            .col(id("id"))
            .col(ColumnDef::new("application_id").big_integer().not_null())
            .col(ColumnDef::new("note").text().not_null())
            .col(ColumnDef::new("user_id").big_integer().null())
            .col(ColumnDef::new("at").timestamp_with_time_zone().not_null())
            .foreign_key(&mut fk(
                "application_notes",
                "application_id",
                "applications",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        &Index::create()
            .name("applications_partner")
            .table("applications")
            .col("partner_id")
            .to_owned(),
    )
    .await
}
