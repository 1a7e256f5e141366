//! Sign-in throttling, kept in the database so every process and every restart sees the same
//! waits.
//!
//! Failures are counted three ways: per pair of account and client address (what a forgetful
//! user or a guesser at one address meets first), per client address (a guesser rotating
//! accounts) and per account (a guesser rotating addresses). Each key takes a number of failures
//! freely; after that every failure doubles the wait before the next attempt, up to
//! [`MAX_WAIT`]. A success clears its pair, so a guesser elsewhere does not keep the real user
//! out: the account-wide key only begins to wait after [`ACCOUNT_FREE`] failures.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use sea_query::{Expr, ExprTrait, Query};

use crate::db::Conn;
use crate::error::Result;
use crate::schema::SignInThrottle;

/// Failures an account and address together take before waits begin.
pub const PAIR_FREE: i64 = 5;
/// Failures one client address takes, across accounts, before waits begin.
pub const ADDRESS_FREE: i64 = 20;
/// Failures one account takes, across addresses, before waits begin.
pub const ACCOUNT_FREE: i64 = 50;
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::minutes(15);
/// Failures older than this are forgotten.
pub const WINDOW: Duration = Duration::hours(1);

/// One sign-in attempt: the account asked for and where the request came from.
#[derive(Debug, Clone)]
pub struct Attempt {
    email: String,
    address: Option<IpAddr>,
}

impl Attempt {
    /// The attempt for the account `email` (as typed; no address is longer than 254
    /// characters, so neither is a key).
    pub fn new(email: &str, address: Option<IpAddr>) -> Self {
        Attempt {
            email: email.trim().to_lowercase().chars().take(254).collect(),
            address,
        }
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn address(&self) -> Option<IpAddr> {
        self.address
    }

    /// The keys this attempt counts under, each with the failures it takes freely.
    fn keys(&self) -> Vec<(String, i64)> {
        let address = self
            .address
            .map_or_else(|| "unknown".to_owned(), |a| a.to_string());
        vec![
            (format!("pair:{}|{address}", self.email), PAIR_FREE),
            (format!("address:{address}"), ADDRESS_FREE),
            (format!("account:{}", self.email), ACCOUNT_FREE),
        ]
    }
}

/// The wait after `failures` failures of a key that takes `free` of them freely: none before,
/// then 1 s, 2 s, 4 s… up to [`MAX_WAIT`].
pub fn wait_after(failures: i64, free: i64) -> Duration {
    if failures < free {
        return Duration::zero();
    }
    let doublings = Ord::min(u32::try_from(failures - free).unwrap_or(u32::MAX), 20);
    Ord::min(Duration::seconds(1_i64 << doublings), MAX_WAIT)
}

/// How long the attempt must still wait, if at all.
pub async fn wait(
    conn: &mut Conn,
    attempt: &Attempt,
    now: DateTime<Utc>,
) -> Result<Option<Duration>> {
    let keys: Vec<String> = attempt.keys().into_iter().map(|(k, _)| k).collect();
    let blocked: Vec<(DateTime<Utc>,)> = conn
        .fetch_all(
            Query::select()
                .column(SignInThrottle::BlockedUntil)
                .from(SignInThrottle::Table)
                .and_where(Expr::col(SignInThrottle::Key).is_in(keys)),
        )
        .await?;
    Ok(blocked
        .into_iter()
        .map(|(until,)| until - now)
        .filter(|left| *left > Duration::zero())
        .max())
}

/// Counts a failure under each of the attempt's keys. Call in the transaction that audits it.
pub async fn failed(conn: &mut Conn, attempt: &Attempt, now: DateTime<Utc>) -> Result<()> {
    for (key, free) in attempt.keys() {
        let seen: Option<(i64, DateTime<Utc>)> = conn
            .fetch_optional(
                Query::select()
                    .columns([SignInThrottle::Failures, SignInThrottle::LastFailureAt])
                    .from(SignInThrottle::Table)
                    .and_where(Expr::col(SignInThrottle::Key).eq(key.as_str())),
            )
            .await?;
        let failures = match seen {
            Some((n, last)) if now - last < WINDOW => n + 1,
            _ => 1,
        };
        let until = now + wait_after(failures, free);
        if seen.is_some() {
            conn.execute(
                Query::update()
                    .table(SignInThrottle::Table)
                    .value(SignInThrottle::Failures, failures)
                    .value(SignInThrottle::LastFailureAt, now)
                    .value(SignInThrottle::BlockedUntil, until)
                    .and_where(Expr::col(SignInThrottle::Key).eq(key.as_str())),
            )
            .await?;
        } else {
            conn.execute(
                Query::insert()
                    .into_table(SignInThrottle::Table)
                    .columns([
                        SignInThrottle::Key,
                        SignInThrottle::Failures,
                        SignInThrottle::LastFailureAt,
                        SignInThrottle::BlockedUntil,
                    ])
                    .values_panic([key.into(), failures.into(), now.into(), until.into()]),
            )
            .await?;
        }
    }
    Ok(())
}

/// Clears the pair of a successful attempt; the address's and account's counts decay on their
/// own.
pub async fn succeeded(conn: &mut Conn, attempt: &Attempt) -> Result<()> {
    let Some((pair, _)) = attempt.keys().into_iter().next() else {
        return Ok(());
    };
    conn.execute(
        Query::delete()
            .from_table(SignInThrottle::Table)
            .and_where(Expr::col(SignInThrottle::Key).eq(pair)),
    )
    .await?;
    Ok(())
}

/// Forgets failures older than the window, so the table stays as small as the attacks.
pub async fn prune(conn: &mut Conn, now: DateTime<Utc>) -> Result<u64> {
    conn.execute(
        Query::delete()
            .from_table(SignInThrottle::Table)
            .and_where(Expr::col(SignInThrottle::LastFailureAt).lt(now - WINDOW))
            .and_where(Expr::col(SignInThrottle::BlockedUntil).lt(now)),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_begin_after_the_free_failures_and_double_up_to_the_ceiling() {
        assert_eq!(wait_after(4, PAIR_FREE), Duration::zero());
        assert_eq!(wait_after(5, PAIR_FREE), Duration::seconds(1));
        assert_eq!(wait_after(7, PAIR_FREE), Duration::seconds(4));
        assert_eq!(wait_after(60, PAIR_FREE), MAX_WAIT);
        assert_eq!(wait_after(i64::MAX, 0), MAX_WAIT);
    }
}
