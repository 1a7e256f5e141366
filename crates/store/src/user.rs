//! Accounts, password checks and sessions (web cookies and API tokens).

use amity_domain::authz::{Action, Actor};
use amity_domain::text::sort_key;
use amity_domain::user::{Email, Password, Role};
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditAction, Entry, scope_cond};
use crate::db::Conn;
use crate::error::{Error, Result};
use crate::schema::{Sessions, Users};
use crate::search::{self, Doc};
use crate::throttle;

const ENTITY: &str = "user";
/// The audit trail's name for sign-ins and refused sign-ins.
pub const SIGN_IN: &str = "sign_in";

/// A real hash of nothing in particular, checked against when the account does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Password::parse("no account has this password")
        .ok()
        .and_then(|p| hash_password(&p).ok())
        .unwrap_or_default()
});

/// An account as the application sees it (never with its password hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i64,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    unit_id: i64,
    active: bool,
    created_at: DateTime<Utc>,
}

impl TryFrom<Row> for User {
    type Error = Error;
    fn try_from(r: Row) -> Result<User> {
        let role = r
            .role
            .parse::<Role>()
            .map_err(|e| Error::Other(anyhow::anyhow!("stored role of user {}: {e}", r.id)))?;
        Ok(User {
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            role,
            unit_id: r.unit_id,
            active: r.active,
            created_at: r.created_at,
        })
    }
}

const COLUMNS: [Users; 7] = [
    Users::Id,
    Users::Email,
    Users::DisplayName,
    Users::Role,
    Users::UnitId,
    Users::Active,
    Users::CreatedAt,
];

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &Password) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Other(anyhow::anyhow!("hashing a password: {e}")))
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A new account, validated.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i64,
    pub password: Password,
}

fn to_json(u: &User) -> Value {
    serde_json::to_value(u).unwrap_or(Value::Null)
}

async fn index(conn: &mut Conn, user: &User) -> Result<()> {
    search::put(
        conn,
        &Doc {
            entity_type: ENTITY,
            entity_id: user.id,
            unit_id: Some(user.unit_id),
            title: user.display_name.clone(),
            subtitle: Some(format!("{} · {}", user.email, user.role)),
            key: String::new(),
            extra: user.email.clone(),
        },
    )
    .await
}

/// Creates an account (system administrators only), audited and indexed.
pub async fn create(conn: &mut Conn, actor: &Actor, new: &NewUser) -> Result<User> {
    actor.require(Action::ManageUsers, Some(new.unit_id))?;
    if crate::org::get(conn, new.unit_id, Utc::now().date_naive())
        .await
        .is_err()
    {
        return Err(Error::invalid(
            "unit_id",
            amity_domain::error::Problem::NoSuchRecord {
                kind: "unit",
                id: new.unit_id,
            },
        ));
    }
    if find_by_email(conn, new.email.as_str()).await?.is_some() {
        return Err(Error::invalid(
            "email",
            amity_domain::error::said("account-exists", [("value", new.email.to_string())]),
        ));
    }
    let hash = hash_password(&new.password)?;
    let id = insert_row(
        conn,
        new.email.as_str(),
        &new.display_name,
        &hash,
        new.role,
        new.unit_id,
        true,
    )
    .await?;
    let user = get_unscoped(conn, id).await?;
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Create,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(user.unit_id),
            before: None,
            after: Some(&to_json(&user)),
        },
    )
    .await?;
    index(conn, &user).await?;
    Ok(user)
}

/// Inserts an account row as given (no checks, no audit): for [`create`] and for bulk seeding,
/// which checks and audits in its own way.
pub(crate) async fn insert_row(
    conn: &mut Conn,
    email: &str,
    display_name: &str,
    password_hash: &str,
    role: Role,
    unit_id: i64,
    active: bool,
) -> Result<i64> {
    let now = Utc::now();
    conn.insert_id(
        Query::insert()
            .into_table(Users::Table)
            .columns([
                Users::Email,
                Users::DisplayName,
                Users::NameKey,
                Users::PasswordHash,
                Users::Role,
                Users::UnitId,
                Users::Active,
                Users::CreatedAt,
                Users::UpdatedAt,
            ])
            .values_panic([
                email.into(),
                display_name.into(),
                sort_key(display_name).into(),
                password_hash.into(),
                role.as_str().into(),
                unit_id.into(),
                active.into(),
                now.into(),
                now.into(),
            ])
            .returning_col(Users::Id),
    )
    .await
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub unit_id: Option<i64>,
    pub active: Option<bool>,
    pub password: Option<Password>,
}

pub async fn update(conn: &mut Conn, actor: &Actor, id: i64, patch: &UserPatch) -> Result<User> {
    let before = get(conn, actor, id).await?;
    actor.require(Action::ManageUsers, Some(before.unit_id))?;
    if let Some(unit) = patch.unit_id
        && crate::org::get(conn, unit, Utc::now().date_naive())
            .await
            .is_err()
    {
        return Err(Error::invalid(
            "unit_id",
            amity_domain::error::Problem::NoSuchRecord {
                kind: "unit",
                id: unit,
            },
        ));
    }
    if actor.user_id == Some(id)
        && (patch.active == Some(false) || patch.role.is_some_and(|r| r != Role::SystemAdmin))
    {
        return Err(Error::invalid(
            "role",
            amity_domain::error::said("own-account", []),
        ));
    }
    let mut update = Query::update();
    update
        .table(Users::Table)
        .value(Users::UpdatedAt, Utc::now())
        .and_where(Expr::col(Users::Id).eq(id));
    if let Some(name) = &patch.display_name {
        update
            .value(Users::DisplayName, name.clone())
            .value(Users::NameKey, sort_key(name));
    }
    if let Some(role) = patch.role {
        update.value(Users::Role, role.as_str());
    }
    if let Some(unit) = patch.unit_id {
        update.value(Users::UnitId, unit);
    }
    if let Some(active) = patch.active {
        update.value(Users::Active, active);
    }
    if let Some(password) = &patch.password {
        update.value(Users::PasswordHash, hash_password(password)?);
    }
    conn.execute(&update).await?;
    if patch.active == Some(false) || patch.password.is_some() {
        // A disabled account or a reset password ends every session of the account.
        conn.execute(
            Query::delete()
                .from_table(Sessions::Table)
                .and_where(Expr::col(Sessions::UserId).eq(id)),
        )
        .await?;
    }
    let after = get_unscoped(conn, id).await?;
    let mut after_json = to_json(&after);
    if patch.password.is_some() {
        after_json["password"] = Value::String("(changed)".into());
    }
    audit::record(
        conn,
        actor,
        Entry {
            action: AuditAction::Update,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(after.unit_id),
            before: Some(&to_json(&before)),
            after: Some(&after_json),
        },
    )
    .await?;
    index(conn, &after).await?;
    Ok(after)
}

async fn get_unscoped(conn: &mut Conn, id: i64) -> Result<User> {
    let row: Row = conn
        .fetch_optional(
            Query::select()
                .columns(COLUMNS)
                .from(Users::Table)
                .and_where(Expr::col(Users::Id).eq(id)),
        )
        .await?
        .ok_or(Error::NotFound("user"))?;
    row.try_into()
}

/// An account the actor may read; others are reported as not found, so ids outside scope
/// reveal nothing.
pub async fn get(conn: &mut Conn, actor: &Actor, id: i64) -> Result<User> {
    let user = get_unscoped(conn, id).await?;
    if !actor.may(Action::Read, Some(user.unit_id)) {
        return Err(Error::NotFound("user"));
    }
    Ok(user)
}

pub async fn find_by_email(conn: &mut Conn, email: &str) -> Result<Option<User>> {
    let row: Option<Row> = conn
        .fetch_optional(
            Query::select()
                .columns(COLUMNS)
                .from(Users::Table)
                .and_where(Expr::col(Users::Email).eq(email.trim().to_lowercase())),
        )
        .await?;
    row.map(User::try_from).transpose()
}

/// The fields accounts can be sorted by (`name` in Vietnamese order).
pub const SORT_FIELDS: [&str; 5] = ["name", "email", "role", "created_at", "id"];

/// Accounts in the actor's read scope, sorted by a field of [`SORT_FIELDS`].
pub async fn list(
    conn: &mut Conn,
    actor: &Actor,
    sort: (&str, bool),
    limit: u64,
    offset: u64,
) -> Result<(Vec<User>, i64)> {
    let mut cond = Cond::all();
    if let Some(scoped) = scope_cond(&actor.read, Expr::col(Users::UnitId)) {
        cond = cond.add(scoped);
    }
    let (total,): (i64,) = conn
        .fetch_one(
            Query::select()
                .expr(Expr::col(Users::Id).count())
                .from(Users::Table)
                .cond_where(cond.clone()),
        )
        .await?;
    let rows: Vec<Row> = conn
        .fetch_all(
            Query::select()
                .columns(COLUMNS)
                .from(Users::Table)
                .cond_where(cond)
                .order_by(
                    match sort.0 {
                        "email" => Users::Email,
                        "role" => Users::Role,
                        "created_at" => Users::CreatedAt,
                        "id" => Users::Id,
                        _ => Users::NameKey,
                    },
                    if sort.1 { Order::Desc } else { Order::Asc },
                )
                .order_by(Users::Id, Order::Asc)
                .limit(limit)
                .offset(offset),
        )
        .await?;
    Ok((
        rows.into_iter()
            .map(User::try_from)
            .collect::<Result<_>>()?,
        total,
    ))
}

/// Changes the actor's own password after checking the current one, ends every session of the
/// account and, given `renew`, starts a web session lasting that long. A wrong current password counts as a failed
/// sign-in of the attempt ([`throttle`]) and, too often, makes it wait. Audited without either
/// password.
pub async fn change_own_password(
    db: &crate::Db,
    actor: &Actor,
    current: &str,
    new: &Password,
    (attempt, renew): (&throttle::Attempt, Option<Duration>),
) -> Result<Option<NewSession>> {
    let id = actor.user_id.ok_or(Error::NotFound("account"))?;
    let now = Utc::now();
    let (wait, hash, unit_id) = {
        let mut conn = db.conn().await?;
        let wait = throttle::wait(&mut conn, attempt, now).await?;
        let (hash, unit_id): (String, i64) = conn
            .fetch_one(
                Query::select()
                    .columns([Users::PasswordHash, Users::UnitId])
                    .from(Users::Table)
                    .and_where(Expr::col(Users::Id).eq(id)),
            )
            .await?;
        (wait, hash, unit_id)
    };
    if let Some(wait) = wait {
        return Err(Error::Throttled(wait));
    }
    if !verify_off_thread(hash, current.to_owned()).await {
        throttle::failed(&mut db.conn().await?, attempt, now).await?;
        return Err(Error::invalid(
            "current_password",
            amity_domain::error::said("not-current-password", []),
        ));
    }
    if current == new.expose() {
        return Err(Error::invalid(
            "new_password",
            amity_domain::error::said("same-password", []),
        ));
    }
    let hashed = {
        let new = new.clone();
        let _permit = HASHING
            .acquire()
            .await
            .map_err(|e| Error::Other(e.into()))?;
        tokio::task::spawn_blocking(move || hash_password(&new))
            .await
            .map_err(|e| Error::Other(e.into()))??
    };
    let mut tx = db.begin().await?;
    tx.execute(
        Query::update()
            .table(Users::Table)
            .value(Users::PasswordHash, hashed)
            .value(Users::UpdatedAt, Utc::now())
            .and_where(Expr::col(Users::Id).eq(id)),
    )
    .await?;
    tx.execute(
        Query::delete()
            .from_table(Sessions::Table)
            .and_where(Expr::col(Sessions::UserId).eq(id)),
    )
    .await?;
    let after = serde_json::json!({ "password": "(changed)" });
    audit::record(
        &mut tx,
        actor,
        Entry {
            action: AuditAction::ChangePassword,
            entity_type: ENTITY,
            entity_id: id,
            unit_id: Some(unit_id),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    let session = match renew {
        Some(ttl) => Some(start_session(&mut tx, id, SessionKind::Web, ttl).await?),
        None => None,
    };
    tx.commit().await?;
    Ok(session)
}

/// Checks an email and password; `None` for an unknown account, a wrong password or a
/// disabled account alike (the caller must not tell them apart). Neither throttled nor audited:
/// people sign in through [`sign_in`].
pub async fn authenticate(conn: &mut Conn, email: &str, password: &str) -> Result<Option<User>> {
    let account = credentials(conn, email).await?;
    let hash = account
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |a| a.hash.clone());
    let matches = verify_off_thread(hash, password.to_owned()).await;
    match account {
        Some(a) if a.active && matches => get_unscoped(conn, a.id).await.map(Some),
        _ => Ok(None),
    }
}

/// What the sign-in check reads of an account.
struct Credentials {
    id: i64,
    hash: String,
    active: bool,
    unit_id: i64,
}

async fn credentials(conn: &mut Conn, email: &str) -> Result<Option<Credentials>> {
    let row: Option<(i64, String, bool, i64)> = conn
        .fetch_optional(
            Query::select()
                .columns([Users::Id, Users::PasswordHash, Users::Active, Users::UnitId])
                .from(Users::Table)
                .and_where(Expr::col(Users::Email).eq(email.trim().to_lowercase())),
        )
        .await?;
    Ok(row.map(|(id, hash, active, unit_id)| Credentials {
        id,
        hash,
        active,
        unit_id,
    }))
}

/// How many password checks run at once: each takes a core and 19 MiB for tens of
/// milliseconds, so more than the cores only queues them in memory.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from))
});

/// Checks a password on the blocking threads, a few at a time, never on the async workers.
async fn verify_off_thread(hash: String, password: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .unwrap_or(false)
}

/// What a sign-in came to.
#[derive(Debug)]
pub enum SignIn {
    Granted {
        user: User,
        session: NewSession,
    },
    /// Unknown account, wrong password or disabled account alike.
    Refused,
    /// Too many failures: try again after this long (nothing was checked).
    Wait(Duration),
}

/// Signs in with an email and password: waits first if the attempt's account, address or both
/// have failed too often ([`throttle`]), then checks the password off the async threads, and in
/// one transaction counts the outcome, audits it (readable by administrators) and, on success,
/// starts a session lasting `ttl`.
pub async fn sign_in(
    db: &crate::Db,
    attempt: &throttle::Attempt,
    password: &str,
    kind: SessionKind,
    ttl: Duration,
) -> Result<SignIn> {
    let now = Utc::now();
    let (wait, account) = {
        let mut conn = db.conn().await?;
        let wait = throttle::wait(&mut conn, attempt, now).await?;
        (wait, credentials(&mut conn, attempt.email()).await?)
    };
    if let Some(wait) = wait {
        return Ok(SignIn::Wait(wait));
    }
    let hash = account
        .as_ref()
        .map_or_else(|| DUMMY_HASH.clone(), |a| a.hash.clone());
    let matches = verify_off_thread(hash, password.to_owned()).await;
    let granted = account.as_ref().is_some_and(|a| a.active) && matches;
    let mut tx = db.begin().await?;
    let actor = Actor {
        user_id: account.as_ref().map(|a| a.id),
        email: attempt.email().to_owned(),
        ..Actor::system()
    };
    let after = serde_json::json!({
        "client_address": attempt.address().map(|a| a.to_string()),
        "via": kind.as_str(),
    });
    audit::record(
        &mut tx,
        &actor,
        Entry {
            action: if granted {
                AuditAction::SignIn
            } else {
                AuditAction::SignInRefused
            },
            entity_type: SIGN_IN,
            entity_id: account.as_ref().map_or(0, |a| a.id),
            unit_id: account.as_ref().map(|a| a.unit_id),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    let outcome = match account.filter(|_| granted) {
        Some(a) => {
            throttle::succeeded(&mut tx, attempt).await?;
            let user = get_unscoped(&mut tx, a.id).await?;
            let session = start_session(&mut tx, a.id, kind, ttl).await?;
            SignIn::Granted { user, session }
        }
        None => {
            throttle::failed(&mut tx, attempt, now).await?;
            SignIn::Refused
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// What a session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A started session: the secret token (shown once, stored only as a hash) and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn start_session(
    conn: &mut Conn,
    user_id: i64,
    kind: SessionKind,
    ttl: Duration,
) -> Result<NewSession> {
    let token = random_token();
    let csrf = random_token();
    let now = Utc::now();
    let expires_at = now + ttl;
    conn.execute(
        Query::insert()
            .into_table(Sessions::Table)
            .columns([
                Sessions::TokenHash,
                Sessions::UserId,
                Sessions::Kind,
                Sessions::Csrf,
                Sessions::CreatedAt,
                Sessions::ExpiresAt,
            ])
            .values_panic([
                token_hash(&token).into(),
                user_id.into(),
                kind.as_str().into(),
                csrf.clone().into(),
                now.into(),
                expires_at.into(),
            ]),
    )
    .await?;
    Ok(NewSession {
        token,
        csrf,
        expires_at,
    })
}

/// The active account behind a session token, with the session's CSRF token.
pub async fn session_user(
    conn: &mut Conn,
    token: &str,
    kind: SessionKind,
) -> Result<Option<(User, String)>> {
    let row: Option<(i64, String, DateTime<Utc>)> = conn
        .fetch_optional(
            Query::select()
                .columns([Sessions::UserId, Sessions::Csrf, Sessions::ExpiresAt])
                .from(Sessions::Table)
                .and_where(Expr::col(Sessions::TokenHash).eq(token_hash(token)))
                .and_where(Expr::col(Sessions::Kind).eq(kind.as_str())),
        )
        .await?;
    let Some((user_id, csrf, expires_at)) = row else {
        return Ok(None);
    };
    if expires_at < Utc::now() {
        return Ok(None);
    }
    let user = get_unscoped(conn, user_id).await?;
    Ok(user.active.then_some((user, csrf)))
}

pub async fn end_session(conn: &mut Conn, token: &str) -> Result<()> {
    conn.execute(
        Query::delete()
            .from_table(Sessions::Table)
            .and_where(Expr::col(Sessions::TokenHash).eq(token_hash(token))),
    )
    .await?;
    Ok(())
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired_sessions(conn: &mut Conn) -> Result<u64> {
    conn.execute(
        Query::delete()
            .from_table(Sessions::Table)
            .and_where(Expr::col(Sessions::ExpiresAt).lt(Utc::now())),
    )
    .await
}

/// Seeds an account without an acting user (demo, CLI bootstrap); audited as the system.
pub async fn create_as_system(conn: &mut Conn, new: &NewUser) -> Result<User> {
    create(conn, &Actor::system(), new).await
}
