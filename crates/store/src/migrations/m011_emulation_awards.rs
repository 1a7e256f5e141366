//! Migration 11: emulation criteria and scores, the awards register and its moves.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("emulation_criteria")
            .col(id("id"))
            .col(ColumnDef::new("cluster_id").big_integer().not_null())
            .col(ColumnDef::new("year").integer().not_null())
            .col(ColumnDef::new("code").text().not_null())
            .col(ColumnDef::new("name").text().not_null())
            .col(ColumnDef::new("indicator").text().null())
            .col(ColumnDef::new("weight").double().not_null())
            .foreign_key(&mut fk(
                "emulation_criteria",
                "cluster_id",
                "org_units",
                "id",
            )),
    )
    .await?;
    c.execute_schema(
        Index::create()
            .name("emulation_criteria_code")
            .table("emulation_criteria")
            .col("cluster_id")
            .col("year")
            .col("code")
            .unique(),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("emulation_scores")
            .col(ColumnDef::new("criterion_id").big_integer().not_null())
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("points").double().not_null())
            .primary_key(Index::create().col("criterion_id").col("unit_id"))
            .foreign_key(&mut fk(
                "emulation_scores",
                "criterion_id",
                "emulation_criteria",
                "id",
            ))
            .foreign_key(&mut fk("emulation_scores", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("awards")
            .col(id("id"))
            .col(ColumnDef::new("award_type").text().not_null())
            .col(ColumnDef::new("proposing_unit_id").big_integer().not_null())
            .col(ColumnDef::new("recipient_unit_id").big_integer().null())
            .col(ColumnDef::new("recipient_person_id").big_integer().null())
            .col(ColumnDef::new("recipient_name").text().not_null())
            .col(ColumnDef::new("year").integer().not_null())
            .col(ColumnDef::new("reason").text().not_null())
            .col(ColumnDef::new("state").text().not_null())
            .col(ColumnDef::new("decision_number").text().null())
            .col(ColumnDef::new("decided_on").date().null())
            .col(ColumnDef::new("issuer").text().null())
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
            .foreign_key(&mut fk("awards", "proposing_unit_id", "org_units", "id"))
            .foreign_key(&mut fk("awards", "recipient_unit_id", "org_units", "id"))
            .foreign_key(&mut fk("awards", "recipient_person_id", "people", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("award_moves")
            .col(id("id"))
            .col(ColumnDef::new("award_id").big_integer().not_null())
            .col(ColumnDef::new("from_state").text().not_null())
            .col(ColumnDef::new("to_state").text().not_null())
            .col(ColumnDef::new("comment").text().null())
            .col(ColumnDef::new("user_id").big_integer().null())
            .col(ColumnDef::new("at").timestamp_with_time_zone().not_null())
            .foreign_key(&mut fk("award_moves", "award_id", "awards", "id")),
    )
    .await
}
