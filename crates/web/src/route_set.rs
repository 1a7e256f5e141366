//! A set of routes that remembers its paths; every domain's `routes()` returns one.

use axum::Router;
use axum::routing::MethodRouter;

use crate::state::AppState;

/// A set of routes that remembers its paths, so the whole table can be listed and tested.
pub struct RouteSet {
    pub(crate) router: Router<AppState>,
    pub(crate) paths: Vec<&'static str>,
}

impl Default for RouteSet {
    fn default() -> Self {
        RouteSet {
            router: Router::new(),
            paths: Vec::new(),
        }
    }
}

impl RouteSet {
    pub fn route(mut self, path: &'static str, method_router: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, method_router);
        self.paths.push(path);
        self
    }

    pub fn merge(mut self, other: RouteSet) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }
}
