//! Sign-in and sign-out pages, and the language switch.

use amity_domain::error::Checker;
use amity_domain::user::Password;
use amity_store::org;
use amity_store::throttle::Attempt;
use amity_store::user::{self, SessionKind, SignIn};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::Duration;
use serde::Deserialize;

use super::{error_page_for, render, render_status, store_error_page};
use crate::auth::{Auth, LOGIN_CSRF_COOKIE, SESSION_COOKIE, same_secret, session_cookie};
use crate::error::sign_in_wait;
use crate::extract::ClientAddr;
use crate::i18n::Lang;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, LANG_COOKIE, PageCtx, path};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    ctx: &'a PageCtx,
    error: Option<String>,
    email: String,
    next: String,
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths are followed after sign-in (no open redirects): `next` is resolved
/// against the site's own origin as a browser would (which drops tabs and line breaks and reads
/// `\\` as `/`), and anything with a control character, or landing elsewhere, goes home.
fn safe_next(next: Option<&str>) -> String {
    const OWN: &str = "http://amity.invalid/";
    let resolved = next
        .filter(|n| n.starts_with('/') && !n.chars().any(char::is_control))
        .and_then(|n| url::Url::parse(OWN).ok()?.join(n).ok())
        .filter(|u| {
            u.scheme() == "http" && u.host_str() == Some("amity.invalid") && u.port().is_none()
        });
    match resolved {
        Some(u) => {
            let mut local = u.path().to_owned();
            if let Some(q) = u.query() {
                local.push('?');
                local.push_str(q);
            }
            local
        }
        None => path::HOME.to_owned(),
    }
}

fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn login_csrf_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((LOGIN_CSRF_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .path(path::LOGIN)
        .build()
}

async fn login_form(
    State(state): State<AppState>,
    mut ctx: PageCtx,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Response {
    let jar = if ctx.csrf.is_empty() {
        ctx.csrf = random_token();
        jar.add(login_csrf_cookie(&state, ctx.csrf.clone()))
    } else {
        jar
    };
    (
        jar,
        render(&LoginPage {
            ctx: &ctx,
            error: None,
            email: String::new(),
            next: safe_next(q.next.as_deref()),
        }),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf_token: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ctx: PageCtx,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let again = |status: StatusCode, error: String| {
        render_status(
            status,
            &LoginPage {
                ctx: &ctx,
                error: Some(error),
                email: form.email.clone(),
                next: next.clone(),
            },
        )
    };
    if ctx.csrf.is_empty() || !same_secret(&form.csrf_token, &ctx.csrf) {
        return again(StatusCode::FORBIDDEN, ctx.t("login-expired"));
    }
    let attempt = Attempt::new(&form.email, address);
    let ttl = Duration::hours(state.config.session_hours);
    match user::sign_in(&state.db, &attempt, &form.password, SessionKind::Web, ttl).await {
        Ok(SignIn::Granted { session, .. }) => {
            let jar = jar
                .add(session_cookie(&state, session.token))
                .remove(Cookie::build(LOGIN_CSRF_COOKIE).path(path::LOGIN));
            (jar, Redirect::to(&next)).into_response()
        }
        Ok(SignIn::Refused) => again(StatusCode::UNAUTHORIZED, ctx.t("login-failed")),
        Ok(SignIn::Wait(wait)) => wait_page(&ctx, wait, again),
        Err(e) => store_error_page(&ctx, e),
    }
}

/// The sign-in form again, saying how long to wait, with `Retry-After`.
fn wait_page(
    ctx: &PageCtx,
    wait: Duration,
    again: impl Fn(StatusCode, String) -> Response,
) -> Response {
    let (seconds, said) = sign_in_wait(wait);
    let mut page = again(StatusCode::TOO_MANY_REQUESTS, ctx.lang.problem(&said));
    page.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    page
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned())
        && let Ok(mut conn) = state.db.conn().await
        && let Err(e) = user::end_session(&mut conn, &token).await
    {
        tracing::error!(error = ?e, "ending a session failed");
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to(path::LOGIN),
    )
        .into_response()
}

/// Remembers the interface language and goes back where the user was.
async fn switch_language(
    ctx: PageCtx,
    Path(code): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    let Some(lang) = Lang::from_code(&code) else {
        return error_page_for(&ctx, StatusCode::NOT_FOUND, &ctx.t("error-404-detail"));
    };
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| {
            safe_next(Some(&format!(
                "{}{}",
                u.path(),
                u.query().map(|q| format!("?{q}")).unwrap_or_default()
            )))
        })
        .unwrap_or_else(|| path::HOME.to_owned());
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(&back)).into_response()
}

pub(super) fn public_routes() -> RouteSet {
    RouteSet::default()
        .route("/login", get(login_form).post(login))
        .route("/lang/{code}", get(switch_language))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    ctx: &'a PageCtx,
    unit_name: String,
    errors: FormErrors,
    changed: bool,
}

#[derive(Debug, Deserialize)]
struct ChangedQuery {
    changed: Option<String>,
}

async fn account(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<ChangedQuery>,
) -> Response {
    let unit = async {
        let mut conn = state.db.conn().await?;
        org::latest_names(&mut conn, [me.user.unit_id].into()).await
    }
    .await;
    match unit {
        Ok(names) => render(&AccountPage {
            ctx: &ctx,
            unit_name: names.get(&me.user.unit_id).cloned().unwrap_or_default(),
            errors: FormErrors::default(),
            changed: q.changed.is_some(),
        }),
        Err(e) => store_error_page(&ctx, e),
    }
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

/// Changes the user's own password, then signs this browser in again (every other session ends).
async fn change_password(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    Form(form): Form<PasswordForm>,
) -> Response {
    let result = async {
        let mut check = Checker::new();
        let new = check.check("new_password", Password::parse(&form.new_password));
        if form.new_password != form.repeat_password {
            check.push("repeat_password", ctx.t("password-mismatch"));
        }
        check.finish()?;
        let Some(new) = new else {
            unreachable!("the checker reported a missing password")
        };
        let attempt = Attempt::new(&me.user.email, address);
        let ttl = Duration::hours(state.config.session_hours);
        let renew = Some(ttl);
        let changed = (&attempt, renew);
        user::change_own_password(&state.db, &me.actor, &form.current_password, &new, changed)
            .await?
            .ok_or(amity_store::Error::NotFound("session"))
    }
    .await;
    let refused = async |status: StatusCode, invalid: amity_domain::error::Invalid| {
        let unit_name = async {
            let mut conn = state.db.conn().await?;
            org::latest_names(&mut conn, [me.user.unit_id].into()).await
        }
        .await
        .ok()
        .and_then(|names| names.get(&me.user.unit_id).cloned())
        .unwrap_or_default();
        render_status(
            status,
            &AccountPage {
                ctx: &ctx,
                unit_name,
                errors: FormErrors::from_fields(&invalid.0, ctx.lang),
                changed: false,
            },
        )
    };
    match result {
        Ok(session) => (
            jar.add(session_cookie(&state, session.token)),
            Redirect::to(&format!("{}?changed=1", path::ACCOUNT)),
        )
            .into_response(),
        Err(amity_store::Error::Invalid(invalid)) => {
            refused(StatusCode::UNPROCESSABLE_ENTITY, invalid).await
        }
        Err(amity_store::Error::Throttled(wait)) => {
            let (seconds, said) = sign_in_wait(wait);
            let invalid = amity_domain::error::Invalid::field("current_password", said);
            let mut page = refused(StatusCode::TOO_MANY_REQUESTS, invalid).await;
            page.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
            page
        }
        Err(e) => store_error_page(&ctx, e),
    }
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/logout", post(logout))
        .route("/account", get(account))
        .route("/account/password", post(change_password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/org-units/3")), "/org-units/3");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        // Browsers drop tabs and line breaks: "/\t/evil.example" would be "//evil.example".
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(Some("/%09/evil.example")), "/%09/evil.example");
        assert_eq!(
            safe_next(Some("/delegations?year=2024")),
            "/delegations?year=2024"
        );
    }
}
