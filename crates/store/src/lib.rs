//! Amity's storage: one code path over SQLite (embedded default) and PostgreSQL.
//!
//! Queries are built with sea-query and rendered for the connected backend by [`db::Conn`];
//! the few statements that differ by dialect live in [`dialect`]. Every write takes an
//! [`amity_domain::authz::Actor`], checks it, and appends its audit entry in the same
//! transaction.

pub mod activity;
pub mod agreement;
pub mod aid;
pub mod anniversary;
pub mod application;
pub mod attachment;
pub mod audit;
pub mod award;
pub mod country;
pub mod db;
pub mod delegation;
pub mod dialect;
pub mod emulation;
pub mod error;
pub mod event;
pub mod generate;
pub mod holiday;
mod migrations;
pub mod ngo;
pub mod org;
pub mod partner;
pub mod periodic;
pub mod person;
pub mod plan;
pub mod record_files;
pub mod report;
pub mod schema;
pub mod scope;
pub mod search;
pub mod sector;
pub mod seed;
mod sets;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod throttle;
pub mod timeline;
pub mod todo;
pub mod totals;
pub mod user;

pub use db::{Backend, Conn, Db};
pub use error::{Error, Result};

/// Brings the database up to date: applies every migration not yet applied (each in its own
/// transaction) and, when one of them changes what the live totals count, recomputes the totals
/// from the records with today's code. Returns the versions applied.
pub async fn migrate(db: &Db) -> Result<Vec<i64>> {
    let newly = migrations::run(db).await?;
    if migrations::changes_totals(&newly) {
        let mut tx = db.begin().await?;
        rebuild_totals(&mut tx).await?;
        tx.commit().await?;
        tracing::info!("recomputed the live activity totals");
    }
    Ok(newly)
}

/// Every record's contribution to the live totals, summed: what the totals must hold.
async fn computed_totals(conn: &mut Conn) -> Result<totals::Contribution> {
    let mut computed = totals::Contribution::default();
    let all = [
        delegation::all_contributions(conn).await?,
        event::all_contributions(conn).await?,
        agreement::all_contributions(conn).await?,
        partner::all_contributions(conn).await?,
        aid::all_contributions(conn).await?,
    ];
    for c in all.iter().flatten() {
        computed.merge(c, 1);
    }
    Ok(computed)
}

/// Replaces every stored total with what the records give (after a change of what the totals
/// count).
pub async fn rebuild_totals(conn: &mut Conn) -> Result<()> {
    let computed = computed_totals(conn).await?;
    totals::replace_all(conn, &computed).await
}

/// Recomputes every total from the records and lists where the stored ones differ
/// (`amity check`).
pub async fn check_totals(conn: &mut Conn) -> Result<Vec<totals::Difference>> {
    let computed = computed_totals(conn).await?;
    totals::differences(conn, &computed).await
}

/// Parses a `?sort=` value: one of `allowed`, with a leading `-` for descending order.
pub fn parse_sort<'a>(
    input: &str,
    allowed: &[&'a str],
) -> std::result::Result<(&'a str, bool), amity_domain::error::Problem> {
    let (descending, name) = match input.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, input.trim()),
    };
    allowed
        .iter()
        .find(|a| **a == name)
        .map(|a| (*a, descending))
        .ok_or_else(|| amity_domain::error::Problem::NotASort {
            value: name.to_owned(),
            fields: allowed.join(", "),
        })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn sort_values_name_a_known_field() {
        assert_eq!(
            super::parse_sort("-name", &["name", "code"]),
            Ok(("name", true))
        );
        assert_eq!(
            super::parse_sort("code", &["name", "code"]),
            Ok(("code", false))
        );
        assert!(
            super::parse_sort("colour", &["name"]).is_err_and(|e| e.to_string().contains("name"))
        );
    }

    /// The top-level modules of a crate's `src` and the ones each names through `crate::`
    /// (comments and unit tests left out).
    fn module_imports(
        src: &std::path::Path,
    ) -> std::collections::BTreeMap<String, BTreeSet<String>> {
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    files(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut all = Vec::new();
        files(src, &mut all);
        let mut graph: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
        for path in all {
            let rel = path.strip_prefix(src).expect("inside src");
            let first = rel.components().next().expect("a component");
            let module = first
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("source");
            let code = text
                .split("#[cfg(test)]\nmod tests")
                .next()
                .unwrap_or_default();
            let names = graph.entry(module.clone()).or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    let rest = &line[i + "crate::".len()..];
                    if let Some(group) = rest.strip_prefix('{') {
                        let inner = group.split('}').next().unwrap_or_default();
                        names.extend(inner.split(',').filter_map(|p| {
                            p.trim().split("::").next().map(|m| m.trim().to_owned())
                        }));
                    } else {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        names.insert(name);
                    }
                }
            }
            names.remove(&module);
        }
        graph
    }

    /// A module that reaches itself again through the modules it names, if any.
    fn circle(graph: &std::collections::BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
        fn visit(
            graph: &std::collections::BTreeMap<String, BTreeSet<String>>,
            module: &str,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
        ) -> Option<Vec<String>> {
            if let Some(at) = path.iter().position(|m| m == module) {
                return Some(path[at..].to_vec());
            }
            if done.contains(module) {
                return None;
            }
            path.push(module.to_owned());
            for next in graph.get(module).into_iter().flatten() {
                if graph.contains_key(next)
                    && let Some(found) = visit(graph, next, path, done)
                {
                    return Some(found);
                }
            }
            path.pop();
            done.insert(module.to_owned());
            None
        }
        let mut done = BTreeSet::new();
        graph
            .keys()
            .find_map(|m| visit(graph, m, &mut Vec::new(), &mut done))
    }

    #[test]
    fn neither_the_store_nor_the_web_crate_imports_in_a_circle() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for src in [here.join("src"), here.join("../web/src")] {
            let graph = module_imports(&src);
            assert!(graph.len() > 10, "read {}", src.display());
            assert_eq!(circle(&graph), None, "{}", src.display());
        }
        let mut looped = module_imports(&here.join("src"));
        looped
            .entry("attachment".into())
            .or_default()
            .insert("event".into());
        assert!(
            circle(&looped).is_some(),
            "the check finds a circle when there is one"
        );
    }
}
