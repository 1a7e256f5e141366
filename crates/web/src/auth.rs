//! Who is asking: the one middleware every non-public route sits behind.
//!
//! It resolves a bearer token (API) or the session cookie (pages) into the account and its
//! [`Actor`], refuses anonymous requests (401 for the API, a redirect to the sign-in page for
//! pages) and checks the CSRF token on every state-changing request made with a cookie.

use amity_store::scope;
use amity_store::user::{self, SessionKind};
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::error::ApiError;
use crate::error_page::error_page;
pub use crate::session::{
    CSRF_FIELD, CSRF_HEADER, CurrentUser, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Via,
};
use crate::state::AppState;

const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Extracts the [`CurrentUser`] the middleware stored; only routes behind it take this.
#[derive(Debug, Clone)]
pub struct Auth(pub CurrentUser);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .map(Auth)
            .ok_or_else(ApiError::unauthorized)
    }
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn refuse(path: &str, status: StatusCode, detail: &str) -> Response {
    if is_api(path) {
        ApiError::new(status, detail).into_response()
    } else if status == StatusCode::UNAUTHORIZED {
        let next = url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
        Redirect::to(&format!("/login?next={next}")).into_response()
    } else {
        error_page(status, detail)
    }
}

/// The applications' page, where an applicant account starts.
const APPLICATIONS: &str = "/applications";

/// The only paths an NGO applicant account reaches: its applications, the sector codelist the
/// forms use, its account and signing out. Everything else (the registry, partners, units)
/// is the federation's.
fn applicant_may_reach(path: &str) -> bool {
    let under = |prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    [
        "/api/v1/applications",
        "/api/v1/auth",
        "/api/v1/sectors",
        "/api/v1/holidays",
        APPLICATIONS,
        "/account",
        "/logout",
    ]
    .into_iter()
    .any(under)
}

fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Reads the CSRF token from the header or, for a form post, from the body (which is put back
/// for the handler); for a file upload, from the form's first field (read from the start of
/// the streamed body, which the handler then reads whole). Never from the address, which
/// browsers keep in history and send on in `Referer`.
async fn csrf_of(req: Request) -> Result<(Option<String>, Request), Response> {
    if let Some(h) = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Ok((Some(h.to_owned()), req));
    }
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if is_multipart {
        return Ok(csrf_of_upload(req).await);
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((None, req));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| error_page(StatusCode::PAYLOAD_TOO_LARGE, "the form is too large"))?;
    let token = url::form_urlencoded::parse(&bytes)
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v.into_owned());
    Ok((
        token,
        Request::from_parts(parts, Body::from(printable(bytes))),
    ))
}

/// A form's fields without control characters (line breaks and tabs kept): what people can
/// type, never a NUL or an escape sequence pasted in.
fn printable(bytes: axum::body::Bytes) -> axum::body::Bytes {
    let unprintable = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    if !pairs
        .iter()
        .any(|(k, v)| k.chars().chain(v.chars()).any(unprintable))
    {
        return bytes;
    }
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        let clean = |s: &str| s.chars().filter(|c| !unprintable(*c)).collect::<String>();
        out.append_pair(&clean(k), &clean(v));
    }
    axum::body::Bytes::from(out.finish())
}

/// How much of an upload's body is read to find its first field, the token.
const UPLOAD_HEAD_BYTES: usize = 8 * 1024;

/// The CSRF token an upload form sends as its first field, and the request with its body
/// whole again.
async fn csrf_of_upload(req: Request) -> (Option<String>, Request) {
    use futures_util::StreamExt;
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| {
            ct.split(';')
                .find_map(|p| p.trim().strip_prefix("boundary="))
                .map(|b| b.trim_matches('"').to_owned())
        });
    let (parts, body) = req.into_parts();
    let mut stream = body.into_data_stream();
    let mut head = Vec::new();
    let mut failed = None;
    while head.len() < UPLOAD_HEAD_BYTES {
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(e)) => {
                failed = Some(e);
                break;
            }
            None => break,
        }
    }
    let token = boundary.and_then(|b| first_field(&head, &b, CSRF_FIELD));
    let rest = futures_util::stream::iter(failed.map(Err)).chain(stream);
    let whole =
        futures_util::stream::once(async move { Ok(axum::body::Bytes::from(head)) }).chain(rest);
    (token, Request::from_parts(parts, Body::from_stream(whole)))
}

/// The value of a multipart body's first part when it is the field `name`.
fn first_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let part = text.strip_prefix(&format!("--{boundary}\r\n"))?;
    let (headers, rest) = part.split_once("\r\n\r\n")?;
    let named = headers.lines().any(|h| {
        h.to_ascii_lowercase().starts_with("content-disposition:")
            && h.contains(&format!("name=\"{name}\""))
    });
    let (value, _) = rest.split_once(&format!("\r\n--{boundary}"))?;
    named.then(|| value.to_owned())
}

/// The middleware. See the module documentation.
pub async fn require_user(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let (token, kind, via) = if let Some(t) = bearer(&req) {
        (Some(t.to_owned()), SessionKind::Api, Via::Token)
    } else {
        let jar = CookieJar::from_headers(req.headers());
        (
            jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()),
            SessionKind::Web,
            Via::Cookie,
        )
    };
    let Some(token) = token else {
        return refuse(
            &path,
            StatusCode::UNAUTHORIZED,
            "sign in first: send Authorization: Bearer <token> (POST /api/v1/auth/token)",
        );
    };
    let resolved = async {
        let mut conn = state.db.conn().await?;
        let Some((user, csrf)) = user::session_user(&mut conn, &token, kind).await? else {
            return Ok::<_, amity_store::Error>(None);
        };
        let actor = scope::actor_for(&mut conn, &user).await?;
        Ok(Some(CurrentUser {
            user,
            actor,
            csrf,
            via,
        }))
    }
    .await;
    let current = match resolved {
        Ok(Some(c)) => c,
        Ok(None) => {
            return refuse(
                &path,
                StatusCode::UNAUTHORIZED,
                "the session or token has expired or was revoked; sign in again",
            );
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    if current.user.role == amity_domain::user::Role::NgoApplicant && !applicant_may_reach(&path) {
        if path == "/" {
            return Redirect::to(APPLICATIONS).into_response();
        }
        return refuse(
            &path,
            StatusCode::FORBIDDEN,
            "an NGO applicant account reaches its own NGO's applications only",
        );
    }
    let mut req = req;
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if via == Via::Cookie && !safe {
        let (sent, rebuilt) = match csrf_of(req).await {
            Ok(r) => r,
            Err(resp) => return resp,
        };
        if !sent.is_some_and(|s| same_secret(&s, &current.csrf)) {
            return refuse(
                &path,
                StatusCode::FORBIDDEN,
                "the form has expired (CSRF check failed); reload the page and try again",
            );
        }
        req = rebuilt;
    }
    req.extensions_mut().insert(current);
    next.run(req).await
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure when configured.
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .path("/")
        .max_age(time_hours(state.config.session_hours))
        .build()
}

fn time_hours(hours: i64) -> cookie::time::Duration {
    cookie::time::Duration::hours(hours)
}
