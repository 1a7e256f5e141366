//! The route table: every path, public or behind the sign-in middleware, in one place.

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::require_user;
use crate::error::api_errors_as_json;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::{api, pages};

/// Every path the server answers, split by whether it needs a signed-in user.
#[derive(Debug, Clone)]
pub struct RouteTable {
    pub public: Vec<&'static str>,
    pub protected: Vec<&'static str>,
}

fn public_routes() -> RouteSet {
    RouteSet::default()
        .merge(pages::public_routes())
        .merge(api::public_routes())
}

fn protected_routes() -> RouteSet {
    RouteSet::default()
        .merge(pages::routes())
        .merge(api::routes())
}

/// The paths of the application, for tests and documentation.
pub fn route_table() -> RouteTable {
    RouteTable {
        public: public_routes().paths,
        protected: protected_routes().paths,
    }
}

/// How long a handler may take before the request is answered 503.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// Requests worked on at once; more wait their turn.
pub const MAX_IN_FLIGHT: usize = 512;

/// The whole application. Everything in the protected set passes [`require_user`] first.
pub fn router(state: AppState) -> Router {
    let hsts = state.config.hsts;
    // Error pages are drawn inside the sign-in check, which gives them the reader.
    let protected = protected_routes()
        .router
        .route_layer(middleware::from_fn(pages::error_pages))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_user));
    Router::new()
        .merge(
            public_routes()
                .router
                .route_layer(middleware::from_fn(pages::error_pages)),
        )
        .merge(protected)
        .fallback(pages::not_found)
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::response::Response| {
                hsts.then(|| HeaderValue::from_static("max-age=31536000; includeSubDomains"))
            },
        ))
        .layer(RequestBodyLimitLayer::new(api::UPLOAD_REQUEST_LIMIT))
        // A handler that has not answered in time is answered for (a download already
        // streaming is not cut); at most so many requests are worked on at once, the rest wait.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(GlobalConcurrencyLimitLayer::new(MAX_IN_FLIGHT))
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn(api_errors_as_json))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
