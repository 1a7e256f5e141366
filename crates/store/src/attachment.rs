//! Files attached to delegations, events and aid projects: stored once by content (the SHA-256 of the bytes
//! names the file, so the same file uploaded twice is kept once), described in the database,
//! and read or changed only by those who may read or change the record they belong to.

use std::path::{Path, PathBuf};

use amity_domain::authz::{Action, Actor};
use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::Attachments;

/// The file types accepted, by extension, with the type they are served as.
pub const ALLOWED: [(&str, &str); 12] = [
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("webp", "image/webp"),
    ("txt", "text/plain; charset=utf-8"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
];

/// Where file contents live: `<root>/<first two hex digits>/<sha256>`.
#[derive(Debug, Clone)]
pub struct FileStore {
    pub root: PathBuf,
    /// The largest file accepted, in bytes.
    pub max_bytes: usize,
}

impl FileStore {
    fn path_of(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    /// Writes the bytes under their hash unless already there; returns the hash.
    fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&sha);
        if !path.exists() {
            let dir = path.parent().unwrap_or(Path::new("."));
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::Other(anyhow::anyhow!("creating {}: {e}", dir.display())))?;
            // Written beside, then renamed: a reader never sees half a file.
            let partial = dir.join(format!("{sha}.{}.partial", std::process::id()));
            std::fs::write(&partial, bytes)
                .map_err(|e| Error::Other(anyhow::anyhow!("writing {}: {e}", partial.display())))?;
            std::fs::rename(&partial, &path)
                .map_err(|e| Error::Other(anyhow::anyhow!("storing {}: {e}", path.display())))?;
        }
        Ok(sha)
    }

    /// The bytes of a stored file.
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        std::fs::read(self.path_of(sha256))
            .map_err(|e| Error::Other(anyhow::anyhow!("reading stored file {sha256}: {e}")))
    }
}

/// A file attached to a record.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub record_type: String,
    pub record_id: i64,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub file_name: String,
    pub uploaded_at: DateTime<Utc>,
}

const COLUMNS: [Attachments; 8] = [
    Attachments::Id,
    Attachments::RecordType,
    Attachments::RecordId,
    Attachments::Sha256,
    Attachments::Size,
    Attachments::ContentType,
    Attachments::FileName,
    Attachments::UploadedAt,
];

/// The type a file is accepted as, from its name, or why it is not.
pub fn content_type_of(file_name: &str) -> std::result::Result<&'static str, String> {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    ALLOWED
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, t)| *t)
        .ok_or_else(|| {
            let known: Vec<&str> = ALLOWED.iter().map(|(e, _)| *e).collect();
            format!(
                "“{file_name}” is not an accepted type (accepted: {})",
                known.join(", ")
            )
        })
}

/// Attaches a file to a record of the unit `owner` (which the caller read from the record), if
/// the actor may change it; audited on the record. See [`crate::record_files::attach`].
pub(crate) async fn attach(
    conn: &mut Conn,
    actor: &Actor,
    files: &FileStore,
    (record_type, record_id, owner): (&str, i64, i64),
    file_name: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    actor.require(Action::Write, Some(owner))?;
    keep(
        conn,
        actor,
        files,
        (record_type, record_id, owner),
        file_name,
        bytes,
    )
    .await
}

/// Keeps a file for a record whose own rules the caller has applied (an NGO's application:
/// its applicant or the office), audited on the record under the unit `owner`.
pub(crate) async fn keep(
    conn: &mut Conn,
    actor: &Actor,
    files: &FileStore,
    (record_type, record_id, owner): (&str, i64, i64),
    file_name: &str,
    bytes: &[u8],
) -> Result<Attachment> {
    let file_name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    if file_name.is_empty() {
        return Err(Error::invalid(
            "file",
            amity_domain::error::Rule::FileHasNoName,
        ));
    }
    let content_type = content_type_of(file_name).map_err(|e| Error::invalid("file", e))?;
    if bytes.is_empty() {
        return Err(Error::invalid("file", amity_domain::error::Rule::FileEmpty));
    }
    if bytes.len() > files.max_bytes {
        return Err(Error::invalid(
            "file",
            amity_domain::error::said(
                "file-too-large",
                [("max", (files.max_bytes / (1024 * 1024)).to_string())],
            ),
        ));
    }
    let sha = files.put(bytes)?;
    let now = Utc::now();
    let id = conn
        .insert_id(
            Query::insert()
                .into_table(Attachments::Table)
                .columns([
                    Attachments::RecordType,
                    Attachments::RecordId,
                    Attachments::Sha256,
                    Attachments::Size,
                    Attachments::ContentType,
                    Attachments::FileName,
                    Attachments::UploadedBy,
                    Attachments::UploadedAt,
                ])
                .values_panic([
                    record_type.into(),
                    record_id.into(),
                    sha.clone().into(),
                    (bytes.len() as i64).into(),
                    content_type.into(),
                    file_name.into(),
                    actor.user_id.into(),
                    now.into(),
                ])
                .returning_col(Attachments::Id),
        )
        .await?;
    let attached = Attachment {
        id,
        record_type: record_type.into(),
        record_id,
        sha256: sha,
        size: bytes.len() as i64,
        content_type: content_type.into(),
        file_name: file_name.into(),
        uploaded_at: now,
    };
    let after = serde_json::to_value(&attached).unwrap_or_default();
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Attach,
            entity_type: record_type,
            entity_id: record_id,
            unit_id: Some(owner),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    Ok(attached)
}

/// The files of a record (the caller has checked it may read the record).
pub async fn of_record(
    conn: &mut Conn,
    record_type: &str,
    record_id: i64,
) -> Result<Vec<Attachment>> {
    conn.fetch_all(
        Query::select()
            .columns(COLUMNS)
            .from(Attachments::Table)
            .and_where(Expr::col(Attachments::RecordType).eq(record_type))
            .and_where(Expr::col(Attachments::RecordId).eq(record_id))
            .order_by(Attachments::Id, Order::Asc),
    )
    .await
}

/// One attachment, whoever's record it is: the caller checks the record's reader
/// ([`crate::record_files::get`]).
pub(crate) async fn find(conn: &mut Conn, id: i64) -> Result<Attachment> {
    conn.fetch_optional(
        Query::select()
            .columns(COLUMNS)
            .from(Attachments::Table)
            .and_where(Expr::col(Attachments::Id).eq(id)),
    )
    .await?
    .ok_or(Error::NotFound("attachment"))
}

/// Removes an attachment of a record of the unit `owner`, if the actor may change it; audited.
/// The content stays in the store while other attachments use it.
pub(crate) async fn detach(
    conn: &mut Conn,
    actor: &Actor,
    found: &Attachment,
    owner: i64,
) -> Result<()> {
    actor.require(Action::Write, Some(owner))?;
    conn.execute(
        Query::delete()
            .from_table(Attachments::Table)
            .and_where(Expr::col(Attachments::Id).eq(found.id)),
    )
    .await?;
    let before = serde_json::to_value(found).unwrap_or_default();
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Detach,
            entity_type: &found.record_type,
            entity_id: found.record_id,
            unit_id: Some(owner),
            before: Some(&before),
            after: None,
        },
    )
    .await
}

/// Removes every attachment of a record being deleted (its audit entry keeps the record).
pub(crate) async fn detach_all(conn: &mut Conn, record_type: &str, record_id: i64) -> Result<()> {
    conn.execute(
        Query::delete()
            .from_table(Attachments::Table)
            .and_where(Expr::col(Attachments::RecordType).eq(record_type))
            .and_where(Expr::col(Attachments::RecordId).eq(record_id)),
    )
    .await
    .map(|_| ())
}
