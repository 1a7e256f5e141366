//! Migration 21: sign-in failures counted per account, per client address and per pair of
//! them, so every process and every restart sees the same waits.

use sea_query::{ColumnDef, Table};

use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table("sign_in_throttle")
            .col(ColumnDef::new("key").text().not_null().primary_key())
            .col(ColumnDef::new("failures").big_integer().not_null())
            .col(
                ColumnDef::new("last_failure_at")
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new("blocked_until")
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await
}
