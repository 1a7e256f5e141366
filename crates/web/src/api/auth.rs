//! `POST /api/v1/auth/token`: API tokens for an email and password.

use amity_domain::user::Password;
use amity_store::throttle::Attempt;
use amity_store::user::{self, SessionKind, SignIn};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{Auth, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ClientAddr};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Credentials {
    email: String,
    password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Token {
    token: String,
    expires_at: DateTime<Utc>,
}

#[utoipa::path(
    post,
    path = "/auth/token",
    tag = "auth",
    summary = "Exchange an email and password for an API token",
    request_body = Credentials,
    security(()),
    responses(
        (status = 201, description = "A token", body = Token),
        (status = 401, description = "Wrong email or password", body = crate::api::openapi::Error),
        (status = 429, description = "Too many failed attempts from this address, for this account or both: wait the seconds `Retry-After` says",
            body = crate::api::openapi::Error)
    )
)]
async fn create_token(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(creds): ApiJson<Credentials>,
) -> ApiResult<(StatusCode, Json<Token>)> {
    if creds.email.trim().is_empty() {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "email",
            "must not be empty",
        ));
    }
    let attempt = Attempt::new(&creds.email, address);
    let ttl = Duration::hours(state.config.session_hours);
    match user::sign_in(&state.db, &attempt, &creds.password, SessionKind::Api, ttl).await? {
        SignIn::Granted { user, session } => {
            tracing::info!(user.id = user.id, "API token issued");
            Ok((
                StatusCode::CREATED,
                Json(Token {
                    token: session.token,
                    expires_at: session.expires_at,
                }),
            ))
        }
        SignIn::Refused => {
            tracing::info!(auth.outcome = "refused", "API sign-in refused");
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "wrong email or password",
            ))
        }
        SignIn::Wait(wait) => Err(ApiError::throttled(wait)),
    }
}

/// Revokes the token the request was made with.
#[utoipa::path(
    delete,
    path = "/auth/token/current",
    tag = "auth",
    summary = "Revoke the token this request carries",
    responses((status = 204, description = "Revoked"))
)]
async fn revoke_token(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = token {
        let mut conn = state.db.conn().await?;
        user::end_session(&mut conn, token.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Me {
    #[serde(flatten)]
    user: user::User,
    /// Whether the account reads the whole federation.
    federation_wide: bool,
}

#[utoipa::path(
    get,
    path = "/me",
    tag = "auth",
    summary = "The signed-in account",
    responses((status = 200, description = "The account", body = Me))
)]
async fn me(Auth(CurrentUser { user, actor, .. }): Auth) -> Json<Me> {
    Json(Me {
        federation_wide: actor.read.is_all(),
        user,
    })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// Changes the caller's own password; every session and token of the account ends, this one too.
#[utoipa::path(
    post,
    path = "/me/password",
    tag = "auth",
    summary = "Change the caller's own password; every session and token of the account ends",
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "The current password is wrong, or the new one too short or the same", body = crate::api::openapi::Error),
        (status = 429, description = "Too many wrong current passwords: wait the seconds `Retry-After` says", body = crate::api::openapi::Error)
    )
)]
async fn change_password(
    State(state): State<AppState>,
    Auth(me): Auth,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let new = Password::parse(&body.new_password)
        .map_err(|e| ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "new_password", e))?;
    let attempt = Attempt::new(&me.user.email, address);
    user::change_own_password(
        &state.db,
        &me.actor,
        &body.current_password,
        &new,
        (&attempt, None),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) fn public_routes() -> RouteSet {
    RouteSet::default().route("/api/v1/auth/token", post(create_token))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(create_token, revoke_token, me, change_password))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route(
            "/api/v1/auth/token/current",
            axum::routing::delete(revoke_token),
        )
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", post(change_password))
}
