//! CSV imports of aid projects and of their transactions.
//!
//! Every row goes through the same store calls as one entered by hand, inside one database
//! transaction: a preview (`dry_run`) runs them all and rolls back, so it finds exactly the
//! problems the import would (a code taken by an existing project or by an earlier row, a
//! transaction dated outside its project, a currency without a rate); an import commits only
//! when no row has a problem.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use amity_domain::aid::{OrgRole, ProjectDraft, ProjectOrg, Share, TransactionDraft};
use amity_domain::authz::Actor;
use amity_domain::error::{Checker, FieldError, Invalid};
use amity_domain::partner::Vocabulary;
use amity_domain::text::parse_date;
use amity_store::aid::{self, Transaction};
use amity_store::db::Conn;
use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use super::import::{self, DuplicateRow, Row};
use crate::error::ApiError;
use crate::state::AppState;

/// The columns of a projects file. Organizations are named in the column of their role, several
/// separated by `;`, by a name, acronym or alias of the registry, or by `#id`. Sectors are
/// `code:percent` and provinces `unit code:percent`, separated by `;`.
pub(crate) const PROJECT_COLUMNS: [&str; 18] = [
    "code",
    "title_vi",
    "title_en",
    "unit",
    "programme",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "beneficiaries",
    "description",
    "funding",
    "accountable",
    "extending",
    "implementing",
    "sectors",
    "provinces",
];

/// The columns of a transactions file; `project` is the project's code, `amount` and
/// `rate_to_vnd` are written with `.` for decimals and no thousands separator.
pub(crate) const TRANSACTION_COLUMNS: [&str; 7] = [
    "project",
    "kind",
    "date",
    "amount",
    "currency",
    "rate_to_vnd",
    "note",
];

/// A row as the import created (or in a preview, would create) it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub(crate) struct Imported {
    pub line: usize,
    /// The project's code.
    pub code: String,
    /// The project's title, or the transaction's kind and date.
    pub label: String,
    pub unit: String,
    /// A transaction's đồng.
    #[serde(with = "amity_domain::money::decimal_text")]
    pub amount_vnd: Decimal,
}

/// What an import did or would do.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ImportOutcome)]
pub(crate) struct Report {
    pub rows: usize,
    pub created: usize,
    pub dry_run: bool,
    /// Transactions the project already has (or an earlier row gives): same kind, date, amount
    /// and currency.
    pub duplicates: Vec<DuplicateRow>,
    pub items: Vec<Imported>,
}

fn text(row: &Row, column: &str) -> Option<String> {
    row.text(column)
}

fn date(row: &Row, column: &str, check: &mut Checker) -> Option<NaiveDate> {
    match row.get(column) {
        "" => None,
        d => check.check(column, parse_date(d)),
    }
}

/// `key:percent` pairs separated by `;` (a space may stand for the colon).
fn pairs(row: &Row, column: &str, check: &mut Checker) -> Vec<(String, Decimal)> {
    let mut out = Vec::new();
    for item in row
        .get(column)
        .split(';')
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        let parsed = item.rsplit_once([':', ' ']).and_then(|(k, p)| {
            Decimal::from_str(p.trim().trim_end_matches('%'))
                .ok()
                .map(|p| (k.trim().to_owned(), p))
        });
        match parsed {
            Some(pair) => out.push(pair),
            None => check.push(column, format!("“{item}” is not “code:percent”")),
        }
    }
    out
}

/// The store's refusal of one row, named by its line; anything else stops the import.
fn row_errors(line: usize, e: amity_store::Error) -> Result<Vec<FieldError>, ApiError> {
    use amity_store::Error as E;
    let one = |field: &str, detail: String| {
        vec![FieldError::new(field, format!("line {line}: {detail}"))]
    };
    match e {
        E::Invalid(i) => Ok(import::at_line(line, i).collect()),
        E::Conflict { field, detail } => Ok(one(&field, crate::i18n::Lang::En.problem(&detail))),
        E::Denied(d) => Ok(one("unit", d.0.to_owned())),
        E::NotFound(what) => Ok(one(what, format!("no {what} with that code in your scope"))),
        other => Err(other.into()),
    }
}

/// Partners named in a cell: registry names (folded), or `#id`.
fn partners(
    cell: &str,
    names: &HashMap<String, Vec<i64>>,
    column: &str,
    check: &mut Checker,
) -> Vec<i64> {
    let mut out = Vec::new();
    for name in cell.split(';').map(str::trim).filter(|n| !n.is_empty()) {
        if let Some(id) = name.strip_prefix('#').and_then(|i| i.parse().ok()) {
            out.push(id);
            continue;
        }
        match names
            .get(&amity_store::partner::name_key(name))
            .map(Vec::as_slice)
        {
            Some([id]) => out.push(*id),
            Some(_) => check.push(
                column,
                format!("“{name}” names several partners: write #id"),
            ),
            None => check.push(column, format!("no partner named “{name}” in the registry")),
        }
    }
    out
}

async fn unit_code(
    conn: &mut Conn,
    code: &str,
    today: NaiveDate,
    column: &str,
    check: &mut Checker,
) -> amity_store::Result<Option<i64>> {
    let found = amity_store::org::by_code(conn, code, today).await?;
    if found.is_none() {
        check.push(column, format!("no unit with the code “{code}” today"));
    }
    Ok(found)
}

/// A projects row as a draft; `Ok(Err(..))` is the row's own problems.
async fn project_draft(
    conn: &mut Conn,
    actor: &Actor,
    row: &Row,
    names: &HashMap<String, Vec<i64>>,
) -> amity_store::Result<Result<ProjectDraft, Invalid>> {
    let today = Utc::now().date_naive();
    let mut check = Checker::new();
    let planned_start = date(row, "planned_start", &mut check);
    let planned_end = date(row, "planned_end", &mut check);
    let actual_start = date(row, "actual_start", &mut check);
    let actual_end = date(row, "actual_end", &mut check);
    let unit_id = match row.get("unit") {
        "" => None,
        code => unit_code(conn, code, today, "unit", &mut check).await?,
    };
    let programme_id = match row.get("programme") {
        "" => None,
        code => {
            let found = aid::find(conn, actor, code).await?;
            if found.is_none() {
                check.push(
                    "programme",
                    format!(
                        "no project with the code “{code}” (a programme comes before its projects)"
                    ),
                );
            }
            found
        }
    };
    let mut organizations = Vec::new();
    for role in OrgRole::ALL {
        for partner_id in partners(row.get(role.as_str()), names, role.as_str(), &mut check) {
            organizations.push(ProjectOrg {
                partner_id,
                role: *role,
            });
        }
    }
    let sectors = pairs(row, "sectors", &mut check)
        .into_iter()
        .map(|(key, percent)| Share { key, percent })
        .collect();
    let mut provinces = Vec::new();
    for (code, percent) in pairs(row, "provinces", &mut check) {
        if let Some(key) = unit_code(conn, &code, today, "provinces", &mut check).await? {
            provinces.push(Share { key, percent });
        }
    }
    if let Err(invalid) = check.finish() {
        return Ok(Err(invalid));
    }
    Ok(Ok(ProjectDraft {
        code: text(row, "code"),
        title_vi: text(row, "title_vi"),
        title_en: text(row, "title_en"),
        programme_id,
        unit_id,
        status: text(row, "status"),
        planned_start,
        planned_end,
        actual_start,
        actual_end,
        beneficiaries: text(row, "beneficiaries"),
        description: text(row, "description"),
        organizations,
        sectors,
        provinces,
        results: Vec::new(),
    }))
}

/// Reads a file's rows as they are, leaving every check to the row's turn.
pub(super) fn read(body: &str, known: &[&str]) -> Result<Vec<(usize, Row)>, ApiError> {
    import::rows(body, known, |row| Ok(row.clone()))
}

/// Imports (or previews) a projects file: all rows or none.
pub(crate) async fn projects(
    state: &AppState,
    actor: &Actor,
    body: &str,
    dry_run: bool,
) -> Result<Report, ApiError> {
    let rows = read(body, &PROJECT_COLUMNS)?;
    let mut tx = state.db.begin().await?;
    let names = amity_store::partner::name_index(&mut tx).await?;
    let (mut errors, mut items) = (Vec::new(), Vec::new());
    for (line, row) in &rows {
        let draft = match project_draft(&mut tx, actor, row, &names).await? {
            Ok(draft) => draft,
            Err(invalid) => {
                errors.extend(import::at_line(*line, invalid));
                continue;
            }
        };
        match aid::create(&mut tx, actor, &draft).await {
            Ok(p) => items.push(Imported {
                line: *line,
                code: p.code,
                label: p.title_vi,
                unit: p.unit.name,
                amount_vnd: Decimal::ZERO,
            }),
            Err(e) => errors.extend(row_errors(*line, e)?),
        }
    }
    import::reject(errors)?;
    let created = if dry_run { 0 } else { items.len() };
    if !dry_run {
        tx.commit().await?;
    }
    Ok(Report {
        rows: rows.len(),
        created,
        dry_run,
        duplicates: vec![],
        items,
    })
}

/// A transaction's identity for spotting one recorded twice.
type Same = (i64, String, NaiveDate, Decimal, String);

fn same(project: i64, t: &Transaction) -> Same {
    (
        project,
        t.kind.as_str().to_owned(),
        t.date,
        t.amount.normalize(),
        t.currency.clone(),
    )
}

/// Imports (or previews) a transactions file: all rows or none. A row repeating a transaction
/// the project has (or an earlier row) is reported as a duplicate and needs `confirm`.
pub(crate) async fn transactions(
    state: &AppState,
    actor: &Actor,
    body: &str,
    dry_run: bool,
    confirm: bool,
) -> Result<Report, ApiError> {
    let rows = read(body, &TRANSACTION_COLUMNS)?;
    let mut tx = state.db.begin().await?;
    // Each project's transactions before the import, and where each was seen.
    let mut seen: BTreeMap<Same, String> = BTreeMap::new();
    let mut projects: HashMap<String, (i64, String)> = HashMap::new();
    let (mut errors, mut items, mut duplicates) = (Vec::new(), Vec::new(), Vec::new());
    for (line, row) in &rows {
        let code = row.get("project").to_uppercase();
        if !projects.contains_key(&code) {
            let Some(id) = aid::find(&mut tx, actor, &code).await? else {
                let detail = if code.is_empty() {
                    "is required".to_owned()
                } else {
                    format!("no project with the code “{code}” in your scope")
                };
                errors.push(FieldError::new("project", format!("line {line}: {detail}")));
                continue;
            };
            let p = aid::get(&mut tx, actor, id).await?;
            for t in &p.transactions {
                seen.insert(same(id, t), format!("transaction {}", t.id));
            }
            projects.insert(code.clone(), (id, p.unit.name));
        }
        let (project, unit) = projects[&code].clone();
        let mut check = Checker::new();
        let date = date(row, "date", &mut check);
        if let Err(invalid) = check.finish() {
            errors.extend(import::at_line(*line, invalid));
            continue;
        }
        let draft = TransactionDraft {
            kind: text(row, "kind"),
            date,
            amount: text(row, "amount"),
            currency: text(row, "currency"),
            rate_to_vnd: text(row, "rate_to_vnd"),
            note: text(row, "note"),
        };
        match aid::add_transaction(&mut tx, actor, project, &draft).await {
            Ok(t) => {
                let key = same(project, &t);
                if let Some(earlier) = seen.get(&key) {
                    duplicates.push(DuplicateRow {
                        line: *line,
                        candidates: vec![earlier.clone()],
                    });
                }
                seen.entry(key).or_insert_with(|| format!("line {line}"));
                let label = format!("{} {}", t.kind.as_str(), t.date);
                items.push(Imported {
                    line: *line,
                    code: code.clone(),
                    label,
                    unit,
                    amount_vnd: t.amount_vnd,
                });
            }
            Err(e) => errors.extend(row_errors(*line, e)?),
        }
    }
    import::reject(errors)?;
    if dry_run {
        return Ok(Report {
            rows: rows.len(),
            created: 0,
            dry_run,
            duplicates,
            items,
        });
    }
    if !duplicates.is_empty() && !confirm {
        return Err(import::unconfirmed(&duplicates, "amount"));
    }
    tx.commit().await?;
    Ok(Report {
        rows: rows.len(),
        created: items.len(),
        dry_run,
        duplicates,
        items,
    })
}
