//! Amity's HTTP layer: the JSON API under `/api/v1` and the server-rendered pages.
//!
//! Handlers stay thin: they parse input into domain types, call storage with the request's
//! [`auth::CurrentUser`] actor, and render. Every route is registered through [`routes`], which
//! keeps the table of public and protected paths that tests walk.

pub mod api;
pub mod auth;
pub mod chart;
pub mod document;
pub mod error;
pub mod error_page;
pub mod export;
pub mod extract;
pub mod i18n;
pub mod iati;
pub mod pages;
pub mod route_set;
pub mod routes;
pub mod session;
pub mod state;
pub mod view;

pub use routes::{RouteTable, router};
pub use state::{AppState, WebConfig};
