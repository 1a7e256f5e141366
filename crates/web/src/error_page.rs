//! The HTML error page: a refusal, a missing record, a conflict or a failure, in the reader's
//! language with the usual header.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use crate::i18n::Lang;
use crate::view::{PageCtx, render_status};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageCtx,
    status: u16,
    heading: String,
    detail: &'a str,
}

/// An HTML error page for UI routes.
pub fn error_page(status: StatusCode, detail: &str) -> Response {
    let ctx = PageCtx {
        lang: Lang::Vi,
        user: None,
        csrf: String::new(),
        path: String::new(),
        done: false,
    };
    error_page_for(&ctx, status, detail)
}

pub(crate) fn error_page_for(ctx: &PageCtx, status: StatusCode, detail: &str) -> Response {
    let heading = ctx.t(&format!("error-{}", status.as_u16()));
    render_status(
        status,
        &ErrorPage {
            ctx,
            status: status.as_u16(),
            heading,
            detail,
        },
    )
}

/// The page for a refused action.
pub(crate) fn denied_page(ctx: &PageCtx, denied: amity_domain::authz::Denied) -> Response {
    // The reason is the rule's English wording, for the logs; the reader gets it in words.
    tracing::debug!(reason = denied.0, "page refused");
    error_page_for(ctx, StatusCode::FORBIDDEN, &ctx.t("error-403-detail"))
}

/// Maps storage errors to pages: a refusal is a 403 page, a missing record a 404; anything
/// unexpected is logged once and shown as an opaque 500.
pub(crate) fn store_error_page(ctx: &PageCtx, err: amity_store::Error) -> Response {
    use amity_store::Error as E;
    match err {
        E::Denied(d) => denied_page(ctx, d),
        E::NotFound(_) => error_page_for(ctx, StatusCode::NOT_FOUND, &ctx.t("error-404-record")),
        E::Invalid(i) => {
            let said: Vec<String> = i.0.iter().map(|f| ctx.lang.problem(&f.problem)).collect();
            error_page_for(ctx, StatusCode::UNPROCESSABLE_ENTITY, &said.join("; "))
        }
        E::Conflict { field, detail } => {
            let said = ctx
                .lang
                .field_problem(&amity_domain::error::FieldError::new(&field, detail));
            error_page_for(ctx, StatusCode::CONFLICT, &said)
        }
        E::Duplicate { candidates, .. } => error_page_for(
            ctx,
            StatusCode::CONFLICT,
            &format!("{} ({})", ctx.t("duplicate-found"), candidates.len()),
        ),
        e => {
            tracing::error!(error = ?e, "page request failed");
            error_page_for(
                ctx,
                StatusCode::INTERNAL_SERVER_ERROR,
                &ctx.t("error-internal"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use askama::Template;

    use super::*;

    #[test]
    fn the_error_page_renders_in_english_without_a_server() {
        let ctx = PageCtx {
            lang: Lang::En,
            user: None,
            csrf: String::new(),
            path: "/nowhere".into(),
            done: false,
        };
        let page = ErrorPage {
            ctx: &ctx,
            status: 404,
            heading: ctx.t("error-404"),
            detail: "The page you are looking for does not exist.",
        };
        insta::assert_snapshot!(page.render().expect("renders"));
    }
}
