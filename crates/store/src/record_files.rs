//! Files attached to delegations, events and aid projects, read and changed like their record.
//!
//! This module sits above the records and [`crate::attachment`]: it finds the unit a record
//! belongs to (and whether the reader may see it) and hands it to the attachment store, which
//! knows no record kind.

use amity_domain::authz::Actor;

use crate::attachment::{self, Attachment, FileStore};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::{aid, application, delegation, event};

/// The unit owning a record files may be attached to, if the actor may read it.
async fn owner_of(
    conn: &mut Conn,
    actor: &Actor,
    record_type: &str,
    record_id: i64,
) -> Result<i64> {
    match record_type {
        delegation::ENTITY => Ok(delegation::get(conn, actor, record_id).await?.owner_unit_id),
        event::ENTITY => Ok(event::get(conn, actor, record_id).await?.owner_unit_id),
        aid::PROJECT => Ok(aid::get(conn, actor, record_id).await?.unit.id),
        application::ENTITY => {
            application::owner_unit(conn, actor, record_id, chrono::Utc::now().date_naive()).await
        }
        other => Err(Error::invalid(
            "record_type",
            amity_domain::error::said("no-files-here", [("value", other.to_string())]),
        )),
    }
}

/// Attaches a file to a record the actor may change, audited on the record.
pub async fn attach(
    conn: &mut Conn,
    actor: &Actor,
    files: &FileStore,
    record_type: &str,
    record_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    let owner = owner_of(conn, actor, record_type, record_id).await?;
    attachment::attach(
        conn,
        actor,
        files,
        (record_type, record_id, owner),
        file_name,
        bytes,
    )
    .await
}

/// An attachment and its record's unit, if the actor may read the record; others are not found.
async fn readable(conn: &mut Conn, actor: &Actor, id: i64) -> Result<(Attachment, i64)> {
    let found = attachment::find(conn, id).await?;
    let owner = owner_of(conn, actor, &found.record_type, found.record_id)
        .await
        .map_err(|_| Error::NotFound("attachment"))?;
    Ok((found, owner))
}

/// One attachment, if the actor may read its record; others are not found.
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Attachment> {
    Ok(readable(conn, actor, id).await?.0)
}

/// Removes an attachment (whoever may change its record), audited; what it was. Its content
/// stays stored until [`FileStore::forget_unused`] after the commit.
pub async fn detach(conn: &mut Conn, actor: &Actor, id: i64) -> Result<Attachment> {
    let (found, owner) = readable(conn, actor, id).await?;
    attachment::detach(conn, actor, &found, owner).await?;
    Ok(found)
}
