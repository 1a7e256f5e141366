//! `amity backup` and `amity restore`: the embedded database and the attached files in one
//! archive, taken while the server runs.
//!
//! The archive is a tar file holding `amity.db` (a consistent copy made by SQLite's
//! `VACUUM INTO`) and `files/…` (the attached files, stored by content: a file is never changed
//! once written, so copying them while the server runs is safe; one attached after the
//! database copy began is simply not referred to by it). PostgreSQL is backed up with
//! `pg_dump` (docs/RELIABILITY.md); these commands then keep the files only.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::config::Config;

const DB_ENTRY: &str = "amity.db";
const FILES_ENTRY: &str = "files";

/// What a backup holds, for the summary printed.
pub struct Taken {
    pub database: bool,
    pub files: u64,
    pub bytes: u64,
}

/// Writes the archive to `to` (beside it first, then renamed, so a failed backup leaves no
/// half-written archive under the name).
pub async fn backup(config: &Config, db: &amity_store::Db, to: &Path) -> anyhow::Result<Taken> {
    let partial = to.with_extension("partial");
    let snapshot = to.with_extension("db-snapshot");
    let _ = std::fs::remove_file(&snapshot);
    let database = db.backend() == amity_store::Backend::Sqlite;
    if database {
        db.snapshot_to(&snapshot).await?;
    }
    let files_dir = config.data_dir.join(FILES_ENTRY);
    let (snapshot_path, partial_path, to_path) = (snapshot.clone(), partial.clone(), to.to_owned());
    let taken = tokio::task::spawn_blocking(move || -> anyhow::Result<Taken> {
        let out = File::create(&partial_path)
            .with_context(|| format!("creating {}", partial_path.display()))?;
        let mut archive = tar::Builder::new(BufWriter::new(out));
        archive.follow_symlinks(false);
        if database {
            archive
                .append_path_with_name(&snapshot_path, DB_ENTRY)
                .context("adding the database copy")?;
        }
        let mut files = 0;
        for path in stored_files(&files_dir)? {
            let name = Path::new(FILES_ENTRY).join(path.strip_prefix(&files_dir)?);
            archive
                .append_path_with_name(&path, &name)
                .with_context(|| format!("adding {}", path.display()))?;
            files += 1;
        }
        let mut out = archive.into_inner().context("finishing the archive")?;
        out.flush()?;
        let out = out.into_inner().map_err(|e| e.into_error())?;
        out.sync_all().context("writing the archive to disk")?;
        let bytes = out.metadata()?.len();
        std::fs::rename(&partial_path, &to_path)
            .with_context(|| format!("naming the archive {}", to_path.display()))?;
        Ok(Taken {
            database,
            files,
            bytes,
        })
    })
    .await??;
    let _ = std::fs::remove_file(&snapshot);
    Ok(taken)
}

/// The attached files under `dir` (none if it does not exist), leaving out any still being
/// written.
fn stored_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if !dir.exists() {
        return Ok(found);
    }
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_none_or(|e| e != "partial") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Unpacks an archive into the data folder. An existing database is refused unless `force`,
/// and then kept beside as `amity.db.before-restore`. The server must not be running.
pub fn restore(config: &Config, from: &Path, force: bool) -> anyhow::Result<Taken> {
    let data = &config.data_dir;
    let db_path = data.join(DB_ENTRY);
    if db_path.exists() {
        if !force {
            bail!(
                "{} already holds a database; stop the server and add --force to replace it (it is kept as {DB_ENTRY}.before-restore)",
                data.display()
            );
        }
        std::fs::rename(&db_path, data.join(format!("{DB_ENTRY}.before-restore")))?;
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(data.join(format!("{DB_ENTRY}{side}")));
        }
    }
    std::fs::create_dir_all(data)?;
    let mut archive =
        tar::Archive::new(File::open(from).with_context(|| format!("opening {}", from.display()))?);
    let (mut database, mut files, mut bytes) = (false, 0, 0);
    for entry in archive.entries()? {
        let mut entry = entry?;
        let name = entry.path()?.into_owned();
        let allowed = name == Path::new(DB_ENTRY) || name.starts_with(FILES_ENTRY);
        if !allowed
            || name
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            bail!(
                "{} is not an Amity backup (it holds {})",
                from.display(),
                name.display()
            );
        }
        bytes += entry.size();
        // `unpack_in` refuses any path leaving the data folder.
        entry.unpack_in(data)?;
        if name == Path::new(DB_ENTRY) {
            database = true;
        } else {
            files += 1;
        }
    }
    Ok(Taken {
        database,
        files,
        bytes,
    })
}
