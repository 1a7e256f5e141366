//! Migration 18: aid projects' results: indicators with their baselines, targets and actuals.

use sea_query::{ColumnDef, Index, Table};

use super::fk;
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("aid_project_results")
            .col(ColumnDef::new("project_id").big_integer().not_null())
            .col(ColumnDef::new("position").integer().not_null())
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("indicator_vi").text().not_null())
            .col(ColumnDef::new("indicator_en").text().null())
            .col(ColumnDef::new("measure").text().not_null())
            .col(ColumnDef::new("baseline").text().null())
            .col(ColumnDef::new("baseline_year").integer().null())
            .col(ColumnDef::new("target").text().null())
            .col(ColumnDef::new("actual").text().null())
            .primary_key(Index::create().col("project_id").col("position"))
            .foreign_key(&mut fk(
                "aid_project_results",
                "project_id",
                "aid_projects",
                "id",
            )),
    )
    .await
}
