//! Who is signed in, as the sign-in middleware ([`crate::auth`]) resolved it, and the names of
//! the cookies and fields that carry the session.

use amity_domain::authz::Actor;
use amity_store::user::User;

pub const SESSION_COOKIE: &str = "amity_session";
/// Double-submit token for the sign-in form, before any session exists.
pub const LOGIN_CSRF_COOKIE: &str = "amity_login_csrf";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Token,
}

/// The signed-in account, its actor (scopes) and its session's CSRF token.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub actor: Actor,
    pub csrf: String,
    pub via: Via,
}
