//! The API's description, generated from the handlers and the types they take and return.
//!
//! Each domain module derives its own [`utoipa::OpenApi`] from its handlers' `#[utoipa::path]`
//! attributes; [`DESCRIPTION`] merges them and adds what every operation shares: the bearer
//! token, the error envelope and the statuses any request may meet.

use std::sync::{Arc, LazyLock};

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use utoipa_swagger_ui::Config;

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{self, HttpMethod, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::error::ApiError;

/// The error envelope: `{"errors":[{"detail","field"}]}`, with the existing records a refused
/// duplicate resembles (409) when there are some.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the envelope that `ApiError` writes")]
pub(crate) struct Error {
    errors: Vec<ErrorItem>,
    candidates: Option<Vec<serde_json::Value>>,
}

/// One problem: what is wrong and, when one field is at fault, which.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "describes the envelope that `ApiError` writes")]
pub(crate) struct ErrorItem {
    detail: String,
    field: Option<String>,
}

/// A file sent as the multipart field `file`.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart form the upload handlers read"
)]
pub(crate) struct UploadForm {
    #[schema(content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Amity API",
        version = "1",
        description = "The JSON API of Amity. Authenticate with POST /auth/token and send \
            `Authorization: Bearer <token>`. Collections return {\"items\", \"total\"} with \
            ?page=&per_page= (up to 500). Dates are ISO YYYY-MM-DD. Unknown fields are refused \
            with 422. Errors: {\"errors\":[{\"detail\",\"field\"}]}."
    ),
    servers((url = "/api/v1")),
    security(("bearer" = [])),
    components(schemas(Error, ErrorItem, UploadForm))
)]
struct Root;

/// What every operation shares.
struct Shared;

impl Modify for Shared {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.responses.insert(
            "Error".to_owned(),
            RefOr::T(
                ResponseBuilder::new()
                    .description("An error, naming the field where one is at fault")
                    .content(
                        "application/json",
                        openapi::ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name(Error::name())))
                            .build(),
                    )
                    .build(),
            ),
        );
        for_each_operation(doc, add_errors);
    }
}

fn for_each_operation(doc: &mut Document, mut f: impl FnMut(HttpMethod, &mut Operation)) {
    for item in doc.paths.paths.values_mut() {
        for (method, op) in [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Delete, &mut item.delete),
        ] {
            if let Some(op) = op {
                f(method, op);
            }
        }
    }
}

/// The statuses any request may meet: a malformed request (400), no or a stale token (401),
/// outside the caller's scope (403), no such record (404), a refused value (422), a fault of
/// the server (500); writes may also conflict with what is stored (409) or be too large (413).
fn add_errors(method: HttpMethod, op: &mut Operation) {
    let mut statuses = vec!["400", "401", "403", "404", "422", "500"];
    if method != HttpMethod::Get {
        statuses.extend(["409", "413"]);
    }
    for status in statuses {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Error")));
    }
}

/// The whole description, built once.
pub(crate) static DESCRIPTION: LazyLock<String> = LazyLock::new(|| {
    let mut doc = Root::openapi();
    for (module, mut part) in super::descriptions() {
        // Handlers are named within their module (`list`, `show`); the ids must be unique.
        for_each_operation(&mut part, |_, op| {
            let name = op.operation_id.take().unwrap_or_default();
            op.operation_id = Some(format!("{module}_{name}"));
        });
        doc.merge(part);
    }
    Shared.modify(&mut doc);
    doc.to_pretty_json()
        .expect("the API description serializes")
});

/// Swagger UI's settings: it reads the description above.
static BROWSER: LazyLock<Arc<Config<'static>>> =
    LazyLock::new(|| Arc::new(Config::from("/api/v1/openapi.json")));

/// `/api/v1/docs/…`: the description as a browsable page (Swagger UI, its files built in).
pub(crate) async fn browse(file: Option<Path<String>>) -> Response {
    let file = file.as_ref().map_or("", |Path(f)| f.as_str());
    match utoipa_swagger_ui::serve(file, BROWSER.clone()) {
        Ok(Some(found)) => {
            let mut response = found.bytes.into_owned().into_response();
            let headers = response.headers_mut();
            if let Ok(kind) = HeaderValue::from_str(&found.content_type) {
                headers.insert(header::CONTENT_TYPE, kind);
            }
            if found.gzpipped {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            // Swagger UI sets style attributes as it draws; nothing else is loosened.
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                     script-src 'self'; frame-ancestors 'none'",
                ),
            );
            response
        }
        Ok(None) => ApiError::not_found().into_response(),
        Err(e) => {
            tracing::error!(error = %e, "the API browser could not serve a file");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; it has been logged",
            )
            .into_response()
        }
    }
}

/// `/api/v1/docs` without its slash: the page's relative links need one.
pub(crate) async fn browse_root() -> Redirect {
    Redirect::permanent("/api/v1/docs/")
}
