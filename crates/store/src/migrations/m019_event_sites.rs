//! Migration 19: events' connected sites (điểm cầu) when held online or hybrid.

use sea_query::{ColumnDef, Table};

use crate::db::Conn;
use crate::error::Result;

pub(super) async fn up(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        &Table::alter()
            .table("events")
            .add_column(ColumnDef::new("connected_sites").integer().null())
            .to_owned(),
    )
    .await
}
