//! A record's sets: the rows of a child table that belong to one record (an NGO's sectors, a
//! permit's provinces, a project's partners and shares), read and replaced whole.

use sea_query::{Expr, ExprTrait, Iden, Order, Query};

use crate::db::{Conn, Record};
use crate::error::Result;

/// The values of `column` in the rows of `table` whose `key` is `id`, in order.
pub(crate) async fn read<T, C: Iden + Copy + 'static>(
    conn: &mut Conn,
    table: C,
    key: C,
    id: i64,
    column: C,
) -> Result<Vec<T>>
where
    (T,): Record,
{
    let rows: Vec<(T,)> = conn
        .fetch_all(
            Query::select()
                .column(column)
                .from(table)
                .and_where(Expr::col(key).eq(id))
                .order_by(column, Order::Asc),
        )
        .await?;
    Ok(rows.into_iter().map(|(v,)| v).collect())
}

/// Replaces the rows of `table` whose `key` is `id` with `rows`, each the values of `columns`.
pub(crate) async fn replace<C: Iden + Copy + 'static, const N: usize>(
    conn: &mut Conn,
    table: C,
    key: C,
    id: i64,
    columns: [C; N],
    rows: Vec<[Expr; N]>,
) -> Result<()> {
    conn.execute(
        Query::delete()
            .from_table(table)
            .and_where(Expr::col(key).eq(id)),
    )
    .await?;
    for row in rows {
        conn.execute(
            Query::insert()
                .into_table(table)
                .columns(std::iter::once(key).chain(columns))
                .values_panic(std::iter::once(Expr::val(id)).chain(row)),
        )
        .await?;
    }
    Ok(())
}
