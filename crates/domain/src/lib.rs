//! Amity's domain: validated values, Vietnamese text rules and authorization decisions.
//!
//! Nothing here does I/O. Storage and HTTP take these types, so a value that reached them has
//! already been checked ("parse, don't validate").

pub mod activity;
pub mod agreement;
pub mod aid;
pub mod anniversary;
pub mod application;
pub mod authz;
pub mod country;
pub mod delegation;
pub mod emulation;
pub mod error;
pub mod event;
pub mod indicator;
pub mod money;
pub mod ngo;
pub mod org;
pub mod partner;
pub mod person;
pub mod plan;
pub mod report;
pub mod text;
pub mod user;
