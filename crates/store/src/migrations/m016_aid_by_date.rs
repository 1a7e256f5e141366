//! Migration 16: aid transactions indexed by date, for the year's figures; live totals count the NGOs giving aid.

use sea_query::Index;

use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        &Index::create()
            .name("aid_transactions_date")
            .table("aid_transactions")
            .col("date")
            .col("kind")
            .to_owned(),
    )
    .await
}
