//! Migration 10: work plans: priorities, tasks and their evidence.

use sea_query::{ColumnDef, Index, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("work_plans")
            .col(id("id"))
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("year").integer().not_null())
            .col(ColumnDef::new("title").text().not_null())
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
            .foreign_key(&mut fk("work_plans", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Index::create()
            .name("work_plans_one_per_year")
            .table("work_plans")
            .col("unit_id")
            .col("year")
            .unique(),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("plan_priorities")
            .col(id("id"))
            .col(ColumnDef::new("plan_id").big_integer().not_null())
            .col(ColumnDef::new("number").integer().not_null())
            .col(ColumnDef::new("title").text().not_null())
            .foreign_key(&mut fk("plan_priorities", "plan_id", "work_plans", "id")),
    )
    .await?;
    c.execute_schema(
        Index::create()
            .name("plan_priorities_numbered")
            .table("plan_priorities")
            .col("plan_id")
            .col("number")
            .unique(),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("plan_tasks")
            .col(id("id"))
            .col(ColumnDef::new("priority_id").big_integer().not_null())
            .col(ColumnDef::new("title").text().not_null())
            .col(ColumnDef::new("owner_unit_id").big_integer().not_null())
            .col(ColumnDef::new("deadline").date().null())
            .col(ColumnDef::new("status").text().not_null())
            .col(ColumnDef::new("progress").integer().not_null())
            .col(ColumnDef::new("done_on").date().null())
            .col(
                ColumnDef::new("updated_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                "plan_tasks",
                "priority_id",
                "plan_priorities",
                "id",
            ))
            .foreign_key(&mut fk("plan_tasks", "owner_unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("plan_evidence")
            .col(ColumnDef::new("task_id").big_integer().not_null())
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("record_id").big_integer().not_null())
            .primary_key(Index::create().col("task_id").col("kind").col("record_id"))
            .foreign_key(&mut fk("plan_evidence", "task_id", "plan_tasks", "id")),
    )
    .await
}
