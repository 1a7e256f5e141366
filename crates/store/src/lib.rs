//! Amity's storage: one code path over SQLite (embedded default) and PostgreSQL.
//!
//! Queries are built with sea-query and rendered for the connected backend by [`db::Conn`];
//! the few statements that differ by dialect live in [`dialect`]. Every write takes an
//! [`amity_domain::authz::Actor`], checks it, and appends its audit entry in the same
//! transaction.

pub mod audit;
pub mod db;
pub mod dialect;
pub mod error;
pub mod generate;
pub mod org;
pub mod schema;
pub mod scope;
pub mod search;
pub mod seed;
pub mod testing;
pub mod user;

pub use db::{Backend, Conn, Db};
pub use error::{Error, Result};
