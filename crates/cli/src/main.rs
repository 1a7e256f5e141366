//! `amity`: the server and its administration commands.

mod backup;
mod config;

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use amity_domain::authz::Actor;
use amity_domain::user::{Email, Password, Role};
use amity_store::generate::{GenSpec, generate};
use amity_store::seed::{self, DemoOutcome};
use amity_store::user::{self, NewUser};
use amity_store::{Db, org};
use amity_web::{AppState, WebConfig};
use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::{Config, DatabaseUrl, Overrides};

#[derive(Debug, Parser)]
#[command(
    name = "amity",
    version,
    about = "Amity: the information system of Vietnam's people-to-people diplomacy federation"
)]
struct Cli {
    /// A TOML configuration file (default: ./amity.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Folder for the embedded database and files.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// `sqlite://…` or `postgres://user@host/db` (default: SQLite in the data folder).
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (migrating the database first).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        addr: Option<String>,
        /// Fill an empty database with the demo federation and its accounts.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and import the reference structure if empty.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Recompute the live activity totals from the records and report any difference (exit
    /// status 1 if there is one).
    Check {
        /// Also compare the attached files with the attachments that refer to them: files no
        /// attachment refers to, attachments whose file is missing, unfinished writes.
        #[arg(long)]
        files: bool,
    },
    /// Copy the embedded database (consistently, while the server runs) and the attached files
    /// into one archive. PostgreSQL's database is backed up with pg_dump.
    Backup {
        /// The archive to write (a tar file).
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup archive back into the data folder (the server stopped), then check it.
    Restore {
        /// The archive `amity backup` wrote.
        #[arg(long)]
        from: PathBuf,
        /// Replace a database already in the data folder (kept beside as amity.db.before-restore).
        #[arg(long)]
        force: bool,
    },
    /// Generate synthetic national-scale data for benchmarks.
    Gen {
        #[arg(long, default_value_t = 34)]
        provinces: u32,
        #[arg(long, default_value_t = 10)]
        years: u32,
        /// Staff accounts per unit and year.
        #[arg(long, default_value_t = 20)]
        per_unit_year: u32,
        /// Leave out delegations and events (20–40 and 10–40 per union and year otherwise).
        #[arg(long)]
        no_activities: bool,
        /// Friendship associations beside the provinces.
        #[arg(long, default_value_t = 0)]
        associations: u32,
        /// National-scale activity: about this many more delegations and events in all
        /// (e.g. 10000000), spread over every union and year and written in bulk.
        #[arg(long, default_value_t = 0)]
        records: u64,
        /// Foreign NGOs in the registry, each with its work and a permit.
        #[arg(long, default_value_t = 0)]
        ngos: u32,
        /// Aid projects each province starts each year, with their transactions.
        #[arg(long, default_value_t = 0)]
        aid_per_unit_year: u32,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; the password is prompted for, or read from standard input.
    Add {
        #[arg(long)]
        email: String,
        /// system_admin, central_staff, cluster_lead, union_staff, association_staff, unit_head or viewer.
        #[arg(long)]
        role: String,
        /// Code of the unit the account belongs to (as of today).
        #[arg(long)]
        org: String,
        /// Display name (default: the email).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Memory freed after a burst of load goes back to the system (measured in docs/RELIABILITY.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AMITY_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .init();
    let cli = Cli::parse();
    let addr = match &cli.command {
        Command::Serve { addr, .. } => addr.clone(),
        _ => None,
    };
    let overrides = Overrides {
        addr,
        data_dir: cli.data_dir.clone(),
        database_url: cli.database_url.clone().map(DatabaseUrl::new),
    };
    let config = Config::load(cli.config.as_deref(), overrides)?;
    match cli.command {
        Command::Serve { demo, .. } => serve(&config, demo).await,
        Command::Migrate => {
            let db = open(&config).await?;
            if seed::base_structure(&db).await? {
                tracing::info!(
                    "imported VUFO and the provincial unions (63 before, 34 from 2025-07-01)"
                );
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    role,
                    org: code,
                    name,
                },
        } => add_user(&config, &email, &role, &code, name).await,
        Command::Check { files } => check(&config, files).await,
        Command::Backup { to } => {
            let db = open(&config).await?;
            let taken = backup::backup(&config, &db, &to).await?;
            db.close().await;
            println!(
                "{}: {}{} attached files, {} bytes",
                to.display(),
                if taken.database {
                    "the database and "
                } else {
                    ""
                },
                taken.files,
                taken.bytes
            );
            Ok(())
        }
        Command::Restore { from, force } => {
            let taken = backup::restore(&config, &from, force)?;
            let db = open(&config).await?;
            let integrity = db.integrity_check().await?;
            db.close().await;
            if integrity != "ok" {
                anyhow::bail!("the restored database fails its integrity check: {integrity}");
            }
            println!(
                "restored {}{} attached files into {}; integrity check: ok",
                if taken.database {
                    "the database and "
                } else {
                    ""
                },
                taken.files,
                config.data_dir.display()
            );
            Ok(())
        }
        Command::Gen {
            provinces,
            years,
            per_unit_year,
            no_activities,
            associations,
            records,
            ngos,
            aid_per_unit_year,
        } => {
            let activities = !no_activities;
            gen_data(
                &config,
                GenSpec {
                    provinces,
                    years,
                    per_unit_year,
                    activities,
                    associations,
                    records,
                    ngos,
                    aid_per_unit_year,
                },
            )
            .await
        }
    }
}

/// `amity check`: the stored totals against the records.
async fn check(config: &Config, with_files: bool) -> anyhow::Result<()> {
    let db = open(config).await?;
    let mut conn = db.conn().await?;
    let differences = amity_store::check_totals(&mut conn).await?;
    let files = if with_files {
        let root = config.data_dir.join("files");
        Some(amity_store::attachment::check_files(&mut conn, &root).await?)
    } else {
        None
    };
    drop(conn);
    db.close().await;
    let mut files_differ = false;
    if let Some(files) = files {
        for path in &files.orphans {
            println!("file no attachment refers to: {}", path.display());
        }
        for sha in &files.missing {
            println!("attachment whose file is missing: {sha}");
        }
        for path in &files.unfinished {
            println!("unfinished write: {}", path.display());
        }
        files_differ = !(files.orphans.is_empty() && files.missing.is_empty());
        println!(
            "attached files: {} stored and referred to, {} orphaned, {} missing, {} unfinished",
            files.stored,
            files.orphans.len(),
            files.missing.len(),
            files.unfinished.len()
        );
    }
    if differences.is_empty() {
        println!("activity totals: every stored total matches the records");
        if files_differ {
            std::process::exit(1)
        }
        return Ok(());
    }
    for d in &differences {
        println!(
            "unit {} {}-{:02} {}: stored {}, records give {}",
            d.unit_id, d.year, d.month, d.metric, d.stored, d.computed
        );
    }
    eprintln!(
        "{} stored totals differ from the records",
        differences.len()
    );
    std::process::exit(1)
}

/// Opens the configured database (creating the data folder for SQLite) and migrates it.
async fn open(config: &Config) -> anyhow::Result<Db> {
    let url = config.database_url();
    if url.expose().starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating the data folder {}", config.data_dir.display()))?;
    }
    tracing::info!(database.url = %url, "opening the database");
    let db = Db::connect(url.expose()).await?;
    let applied = amity_store::migrate(&db).await?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "database migrated");
    }
    // Reference data an existing database may predate.
    let mut tx = db.begin().await?;
    let imported = seed::ensure_countries(&mut tx).await?;
    tx.commit().await?;
    if imported > 0 {
        tracing::info!(
            countries = imported,
            "imported countries and Vietnam's relations"
        );
    }
    Ok(db)
}

async fn serve(config: &Config, demo: bool) -> anyhow::Result<()> {
    let db = open(config).await?;
    if demo {
        match seed::demo(&db).await? {
            DemoOutcome::Loaded => tracing::info!(
                "demo federation loaded; accounts such as admin@demo.amity use the demo password"
            ),
            DemoOutcome::AlreadyLoaded => tracing::info!("demo federation already present"),
            DemoOutcome::NotEmpty => {
                tracing::warn!("--demo ignored: the database already holds other data")
            }
        }
    } else if seed::base_structure(&db).await? {
        tracing::info!("imported VUFO and the provincial unions into the empty database");
    }
    let state = AppState::new(
        db.clone(),
        WebConfig {
            secure_cookies: config.secure_cookies(),
            hsts: config.hsts(),
            session_hours: config.session_hours,
            trusted_proxy: config.trusted_proxy,
            files_dir: config.data_dir.join("files"),
            max_upload_bytes: config.max_upload_mb * 1024 * 1024,
        },
    );
    tokio::spawn(purge_sessions(db.clone()));
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("listening on {}", config.addr))?;
    tracing::info!(addr = %listener.local_addr()?, "Amity is serving");
    let app =
        amity_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await?;
    db.close().await;
    Ok(())
}

/// Removes expired sessions now and every hour, so the table does not grow without bound.
async fn purge_sessions(db: Db) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let purged = async {
            let mut conn = db.conn().await?;
            amity_store::throttle::prune(&mut conn, chrono::Utc::now()).await?;
            user::purge_expired_sessions(&mut conn).await
        }
        .await;
        match purged {
            Ok(n) if n > 0 => tracing::info!(sessions.purged = n, "expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = ?e, "removing expired sessions failed"),
        }
    }
}

/// Ctrl-C or SIGTERM (what service managers and container runtimes send): the server stops
/// taking connections and finishes the requests under way.
async fn shutdown() {
    let interrupted = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminated = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = ?e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminated = std::future::pending::<()>();
    tokio::select! {
        () = interrupted => {},
        () = terminated => {},
    }
    tracing::info!("shutting down");
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat: ")?;
        anyhow::ensure!(first == again, "the passwords differ");
        Ok(first)
    } else {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text.lines().next().unwrap_or_default().to_owned())
    }
}

async fn add_user(
    config: &Config,
    email: &str,
    role: &str,
    code: &str,
    name: Option<String>,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email {e}"))?;
    let role: Role = role.parse().map_err(|e| anyhow::anyhow!("--role {e}"))?;
    let db = open(config).await?;
    seed::base_structure(&db).await?;
    let password =
        Password::parse(&read_password()?).map_err(|e| anyhow::anyhow!("password {e}"))?;
    let mut tx = db.begin().await?;
    let today = chrono::Utc::now().date_naive();
    let unit_id = org::by_code(&mut tx, &code.to_uppercase(), today)
        .await?
        .with_context(|| format!("no unit has code {code} today"))?;
    let display_name = name.unwrap_or_else(|| email.to_string());
    let created = user::create(
        &mut tx,
        &Actor::system(),
        &NewUser {
            email,
            display_name,
            role,
            unit_id,
            password,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    println!(
        "created account {} ({}) in unit {code}",
        created.email, created.role
    );
    Ok(())
}

async fn gen_data(config: &Config, spec: GenSpec) -> anyhow::Result<()> {
    let db = open(config).await?;
    let bar =
        ProgressBar::new(u64::from(spec.provinces + spec.associations) * u64::from(spec.years));
    bar.set_style(ProgressStyle::with_template(
        "{bar:40} {pos}/{len} unit-years · {elapsed} · eta {eta}",
    )?);
    let started = std::time::Instant::now();
    let stats = generate(&db, spec, |done, _| bar.set_position(done)).await?;
    bar.finish();
    println!(
        "generated {} units, {} accounts, {} delegations and {} events ({} of them in bulk), {} NGOs with {} permits, {} aid projects with {} transactions in {:.1?}",
        stats.units,
        stats.accounts,
        stats.delegations,
        stats.events,
        stats.bulk,
        stats.ngos,
        stats.permits,
        stats.aid_projects,
        stats.aid_transactions,
        started.elapsed()
    );
    Ok(())
}
