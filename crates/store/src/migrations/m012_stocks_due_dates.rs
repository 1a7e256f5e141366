//! Migration 12: live totals keep the agreements in force; a report keeps the due date of its first submission.

use chrono::NaiveDate;
use sea_query::{ColumnDef, Expr, ExprTrait, Index, Query, Table};

use crate::db::Conn;
use crate::error::Result;

/// Stocks are read by metric from the first month on (see `totals::stocks_by_unit`); the
/// totals themselves are recomputed once every migration has run (see `REBUILD_TOTALS`).
/// Reports already submitted keep the due date their form gave them then, so a later change of
/// the form does not judge them again.
pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        &Index::create()
            .name("activity_totals_metric_period")
            .table("activity_totals")
            .col("metric")
            .col("year")
            .col("month")
            .to_owned(),
    )
    .await?;
    c.execute_schema(
        &Table::alter()
            .table("reports")
            .add_column(ColumnDef::new("due_on").date().null())
            .to_owned(),
    )
    .await?;
    let submitted: Vec<(i64, i32, NaiveDate)> = c
        .fetch_all(
            Query::select()
                .column(("reports", "id"))
                .column(("report_forms", "due_days"))
                .column(("reports", "period_end"))
                .from("reports")
                .inner_join(
                    "report_forms",
                    Expr::col(("report_forms", "id")).equals(("reports", "form_id")),
                )
                .and_where(Expr::col(("reports", "submitted_at")).is_not_null()),
        )
        .await?;
    for (id, due_days, end) in submitted {
        let due = end + chrono::Duration::days(due_days.into());
        c.execute(
            Query::update()
                .table("reports")
                .value("due_on", due)
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
    }
    Ok(())
}
