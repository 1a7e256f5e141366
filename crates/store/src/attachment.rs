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
///
/// One is made per request. A file attached in a transaction is written under a unique
/// temporary name beside its place and synced ([`FileStore::stage`]); only once the transaction
/// has committed does [`FileStore::publish`] move it into place. Dropped unpublished (the
/// transaction failed), the temporary files go with it, so a refused write leaves nothing behind.
#[derive(Debug)]
pub struct FileStore {
    pub root: PathBuf,
    /// The largest file accepted, in bytes.
    pub max_bytes: usize,
    staged: std::sync::Mutex<Vec<Staged>>,
}

/// A file written and synced under a temporary name, waiting for its transaction.
#[derive(Debug)]
struct Staged {
    temp: PathBuf,
    path: PathBuf,
}

fn io_error(what: &str, path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Other(anyhow::anyhow!("{what} {}: {e}", path.display()))
}

/// Runs file work on the blocking threads, never on the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Other(anyhow::anyhow!("file work stopped: {e}")))?
}

impl FileStore {
    pub fn new(root: PathBuf, max_bytes: usize) -> Self {
        FileStore {
            root,
            max_bytes,
            staged: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn path_of(&self, sha256: &str) -> PathBuf {
        self.root.join(&sha256[..2]).join(sha256)
    }

    fn staged(&self) -> std::sync::MutexGuard<'_, Vec<Staged>> {
        self.staged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes the bytes under a unique temporary name beside their place and syncs them,
    /// unless the content is already stored; returns their hash. Nothing is in place until
    /// [`FileStore::publish`].
    async fn stage(&self, bytes: &[u8]) -> Result<String> {
        let owned = bytes.to_vec();
        let sha = blocking(move || Ok(hex::encode(Sha256::digest(&owned)))).await?;
        let path = self.path_of(&sha);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(sha);
        }
        let dir = path.parent().unwrap_or(Path::new(".")).to_owned();
        let mut nonce = [0u8; 8];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut nonce);
        let temp = dir.join(format!("{sha}.{}.partial", hex::encode(nonce)));
        let (owned, written) = (bytes.to_vec(), temp.clone());
        blocking(move || {
            use std::io::Write;
            std::fs::create_dir_all(&dir).map_err(|e| io_error("creating", &dir, e))?;
            let mut file =
                std::fs::File::create(&written).map_err(|e| io_error("writing", &written, e))?;
            file.write_all(&owned)
                .and_then(|()| file.sync_all())
                .map_err(|e| io_error("writing", &written, e))
        })
        .await?;
        self.staged().push(Staged { temp, path });
        Ok(sha)
    }

    /// Moves the files staged for a transaction into place, now that it has committed, and
    /// syncs their folders so the names survive a power loss.
    pub async fn publish(&self) -> Result<()> {
        let staged = std::mem::take(&mut *self.staged());
        if staged.is_empty() {
            return Ok(());
        }
        blocking(move || {
            for Staged { temp, path } in staged {
                std::fs::rename(&temp, &path).map_err(|e| io_error("storing", &path, e))?;
                if let Some(dir) = path.parent() {
                    std::fs::File::open(dir)
                        .and_then(|d| d.sync_all())
                        .map_err(|e| io_error("syncing", dir, e))?;
                }
            }
            Ok(())
        })
        .await
    }

    /// The bytes of a stored file, read off the async threads.
    pub async fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        tokio::fs::read(self.path_of(sha256))
            .await
            .map_err(|e| Error::Other(anyhow::anyhow!("reading stored file {sha256}: {e}")))
    }

    /// Removes the content `sha256` if no attachment refers to it any more; call after the
    /// transaction that detached it has committed. Whether it was removed.
    pub async fn forget_unused(&self, conn: &mut Conn, sha256: &str) -> Result<bool> {
        let (users,): (i64,) = conn
            .fetch_one(
                Query::select()
                    .expr(Expr::col(Attachments::Id).count())
                    .from(Attachments::Table)
                    .and_where(Expr::col(Attachments::Sha256).eq(sha256)),
            )
            .await?;
        if users > 0 {
            return Ok(false);
        }
        match tokio::fs::remove_file(self.path_of(sha256)).await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error("removing", &self.path_of(sha256), e)),
        }
    }
}

impl Drop for FileStore {
    /// Files staged for a transaction that never committed are not kept.
    fn drop(&mut self) {
        for Staged { temp, .. } in std::mem::take(&mut *self.staged()) {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// How the stored files and the attachments referring to them differ: what `amity check
/// --files` reports.
#[derive(Debug, Default)]
pub struct FileCheck {
    /// Stored files no attachment refers to.
    pub orphans: Vec<PathBuf>,
    /// Attachments whose content is not stored.
    pub missing: Vec<String>,
    /// Temporary files of writes that never finished.
    pub unfinished: Vec<PathBuf>,
    /// Stored files checked.
    pub stored: usize,
}

/// Compares the files under `root` with the attachments in the database.
pub async fn check_files(conn: &mut Conn, root: &Path) -> Result<FileCheck> {
    let referred: Vec<(String,)> = conn
        .fetch_all(
            Query::select()
                .distinct()
                .column(Attachments::Sha256)
                .from(Attachments::Table),
        )
        .await?;
    let referred: std::collections::BTreeSet<String> = referred.into_iter().map(|(s,)| s).collect();
    let root = root.to_owned();
    blocking(move || {
        let mut check = FileCheck::default();
        let mut found = std::collections::BTreeSet::new();
        let dirs = match std::fs::read_dir(&root) {
            Ok(d) => d.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io_error("reading", &root, e)),
        };
        for dir in dirs.into_iter().filter(|d| d.is_dir()) {
            for entry in std::fs::read_dir(&dir).map_err(|e| io_error("reading", &dir, e))? {
                let path = entry.map_err(|e| io_error("reading", &dir, e))?.path();
                let name = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                if name.ends_with(".partial") {
                    check.unfinished.push(path);
                } else if referred.contains(name) {
                    check.stored += 1;
                    found.insert(name.to_owned());
                } else {
                    check.orphans.push(path);
                }
            }
        }
        check.missing = referred.difference(&found).cloned().collect();
        Ok(check)
    })
    .await
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
    let sha = files.stage(bytes).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[tokio::test]
    async fn a_file_is_in_place_only_once_its_transaction_committed() {
        let root = std::env::temp_dir().join(format!("amity-stage-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        // A write that failed: the store is dropped unpublished and leaves nothing behind.
        let failed = FileStore::new(root.clone(), 1024);
        let sha = failed.stage(b"%PDF-1.4 refused").await.expect("staged");
        assert_eq!(files_under(&root).len(), 1, "only the temporary file");
        assert!(
            !failed.path_of(&sha).exists(),
            "not in place before the commit"
        );
        drop(failed);
        assert!(files_under(&root).is_empty(), "{:?}", files_under(&root));
        // Two writes of the same bytes at once get their own temporary names.
        let (a, b) = (
            FileStore::new(root.clone(), 1024),
            FileStore::new(root.clone(), 1024),
        );
        let (sa, sb) = tokio::join!(a.stage(b"%PDF-1.4 same"), b.stage(b"%PDF-1.4 same"));
        assert_eq!(sa.expect("a"), sb.expect("b"));
        assert_eq!(files_under(&root).len(), 2);
        a.publish().await.expect("published");
        b.publish().await.expect("published");
        let kept = files_under(&root);
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(
            kept[0].extension().is_none(),
            "in place under its hash: {kept:?}"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
