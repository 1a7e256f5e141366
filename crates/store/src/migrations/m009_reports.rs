//! Migration 9: periodic report forms, reports, their values and moves.

use sea_query::{ColumnDef, Index, Query, Table};

use super::{fk, id};
use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("report_forms")
            .col(id("id"))
            .col(ColumnDef::new("code").text().not_null().unique_key())
            .col(ColumnDef::new("name_vi").text().not_null())
            .col(ColumnDef::new("name_en").text().not_null())
            .col(ColumnDef::new("period_kind").text().not_null())
            .col(ColumnDef::new("unit_kinds").text().not_null())
            .col(ColumnDef::new("manual_codes").text().not_null())
            .col(ColumnDef::new("due_days").integer().not_null()),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("reports")
            .col(id("id"))
            .col(ColumnDef::new("form_id").big_integer().not_null())
            .col(ColumnDef::new("unit_id").big_integer().not_null())
            .col(ColumnDef::new("period").text().not_null())
            .col(ColumnDef::new("period_start").date().not_null())
            .col(ColumnDef::new("period_end").date().not_null())
            .col(ColumnDef::new("state").text().not_null())
            .col(ColumnDef::new("results").text().not_null())
            .col(ColumnDef::new("shortcomings").text().not_null())
            .col(ColumnDef::new("directions").text().not_null())
            .col(ColumnDef::new("return_comment").text().null())
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
            .col(
                ColumnDef::new("submitted_at")
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new("cluster_signed_at")
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(ColumnDef::new("cluster_signed_by").big_integer().null())
            .col(
                ColumnDef::new("approved_at")
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(ColumnDef::new("approved_by").big_integer().null())
            .col(
                ColumnDef::new("locked_at")
                    .timestamp_with_time_zone()
                    .null(),
            )
            .foreign_key(&mut fk("reports", "form_id", "report_forms", "id"))
            .foreign_key(&mut fk("reports", "unit_id", "org_units", "id")),
    )
    .await?;
    c.execute_schema(
        Index::create()
            .name("reports_one_per_period")
            .table("reports")
            .col("form_id")
            .col("unit_id")
            .col("period")
            .unique(),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("report_values")
            .col(ColumnDef::new("report_id").big_integer().not_null())
            .col(ColumnDef::new("kind").text().not_null())
            .col(ColumnDef::new("code").text().not_null())
            .col(ColumnDef::new("value").double().not_null())
            .col(ColumnDef::new("previous").double().null())
            .primary_key(Index::create().col("report_id").col("kind").col("code"))
            .foreign_key(&mut fk("report_values", "report_id", "reports", "id")),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table("report_moves")
            .col(id("id"))
            .col(ColumnDef::new("report_id").big_integer().not_null())
            .col(ColumnDef::new("from_state").text().not_null())
            .col(ColumnDef::new("to_state").text().not_null())
            .col(ColumnDef::new("comment").text().null())
            .col(ColumnDef::new("user_id").big_integer().null())
            .col(ColumnDef::new("at").timestamp_with_time_zone().not_null())
            .foreign_key(&mut fk("report_moves", "report_id", "reports", "id")),
    )
    .await?;
    // The federation's standing forms: quarterly reports from the provincial unions, half-year
    // and annual reviews from every member unit, the annual one also from the clusters.
    let forms: [(&str, &str, &str, &str, &str, &str, i32); 3] = [
        (
            "BC-QUY",
            "Báo cáo công tác quý",
            "Quarterly report",
            "quarter",
            "province_union",
            "media_items,funds_mobilized",
            10,
        ),
        (
            "BC-6THANG",
            "Báo cáo sơ kết công tác 6 tháng",
            "Half-year review report",
            "half_year",
            "province_union,association,member_org",
            "members_new,funds_mobilized,media_items,trainings",
            15,
        ),
        (
            "BC-NAM",
            "Báo cáo tổng kết công tác năm",
            "Annual review report",
            "year",
            "province_union,association,member_org,cluster",
            "members_new,funds_mobilized,media_items,trainings",
            15,
        ),
    ];
    for (code, vi, en, kind, kinds, manual, due) in forms {
        c.execute(
            Query::insert()
                .into_table("report_forms")
                .columns([
                    "code",
                    "name_vi",
                    "name_en",
                    "period_kind",
                    "unit_kinds",
                    "manual_codes",
                    "due_days",
                ])
                .values_panic([
                    code.into(),
                    vi.into(),
                    en.into(),
                    kind.into(),
                    kinds.into(),
                    manual.into(),
                    due.into(),
                ]),
        )
        .await?;
    }
    Ok(())
}
