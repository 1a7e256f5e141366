//! The pages' error type: handlers return [`PageResult`] and use `?`; what went wrong becomes the
//! error page in the reader's language, or the form again with each problem beside its field.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::store_error_page;
use crate::view::PageCtx;

/// What a page handler gives back.
pub(crate) type PageResult<T = Response> = Result<T, PageError>;

/// Why a page could not be served as asked.
#[derive(Debug)]
pub(crate) enum PageError {
    /// Refused, missing, in conflict or failed: shown as the error page (a 500 is logged once,
    /// when the page is made).
    Store(amity_store::Error),
    /// The form again, already rendered with each problem beside its field.
    Form(Response),
}

impl From<amity_store::Error> for PageError {
    fn from(e: amity_store::Error) -> Self {
        PageError::Store(e)
    }
}

impl From<amity_domain::authz::Denied> for PageError {
    fn from(d: amity_domain::authz::Denied) -> Self {
        PageError::Store(d.into())
    }
}

impl From<amity_domain::error::Invalid> for PageError {
    fn from(i: amity_domain::error::Invalid) -> Self {
        PageError::Store(i.into())
    }
}

/// A store error waiting in a response for [`error_pages`], which knows the request's language
/// and user and so can draw the page.
#[derive(Clone)]
struct Pending(Arc<Mutex<Option<amity_store::Error>>>);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Form(page) => page,
            PageError::Store(e) => {
                let mut response = Response::default();
                response
                    .extensions_mut()
                    .insert(Pending(Arc::new(Mutex::new(Some(e)))));
                response
            }
        }
    }
}

/// Draws the error page for a handler's [`PageError`], with the reader's language and the usual
/// header; every other response passes unchanged.
pub(crate) async fn error_pages(ctx: PageCtx, request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let pending = response
        .extensions_mut()
        .remove::<Pending>()
        .and_then(|p| p.0.lock().ok().and_then(|mut slot| slot.take()));
    match pending {
        Some(e) => store_error_page(&ctx, e),
        // A refusal made below the handlers (a path segment that is not a number, a form body
        // that does not read) arrives as plain developer text: the reader gets a page instead.
        None if !api
            && response.status().is_client_error()
            && response
                .headers()
                .get(axum::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("text/plain")) =>
        {
            let status = response.status();
            let (status, key) = match status {
                axum::http::StatusCode::BAD_REQUEST | axum::http::StatusCode::NOT_FOUND => {
                    (axum::http::StatusCode::NOT_FOUND, "error-404-detail")
                }
                other => (other, "error-bad-request"),
            };
            crate::error_page::error_page_for(&ctx, status, &ctx.t(key))
        }
        None => {
            // The "done" notice is shown once: the page that showed it clears it.
            if ctx.done && response.status() == axum::http::StatusCode::OK {
                let clear = format!(
                    "{}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly",
                    crate::view::DONE_COOKIE
                );
                if let Ok(value) = axum::http::HeaderValue::from_str(&clear) {
                    response
                        .headers_mut()
                        .append(axum::http::header::SET_COOKIE, value);
                }
            }
            response
        }
    }
}
