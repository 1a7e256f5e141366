//! CSV imports shared by the registries: read a file against its known columns, report every
//! problem as "line N: …" under its column, and answer with what was (or would be) created.

use amity_domain::error::{FieldError, Invalid};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::unprocessable;
use crate::error::ApiError;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportQuery {
    /// Check and report without writing anything.
    #[serde(default)]
    pub dry_run: bool,
    /// Import rows that look like existing records anyway.
    #[serde(default)]
    pub confirm_duplicates: bool,
}

/// What an import did or would do.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub dry_run: bool,
    /// Rows that look like existing records (or like earlier rows): line → candidate names.
    pub duplicates: Vec<DuplicateRow>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DuplicateRow {
    pub line: usize,
    pub candidates: Vec<String>,
}

/// One data row of an import file.
#[derive(Clone)]
pub(crate) struct Row {
    headers: csv::StringRecord,
    record: csv::StringRecord,
}

impl Row {
    /// The cell under `column`, trimmed; empty when the file lacks the column.
    pub fn get(&self, column: &str) -> &str {
        self.headers
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
    }

    /// The cell as optional text: spaces collapsed, blank as absent.
    pub fn text(&self, column: &str) -> Option<String> {
        super::text(Some(self.get(column).to_owned()))
    }
}

/// A row's problems, each prefixed with its line.
pub(crate) fn at_line(line: usize, invalid: Invalid) -> impl Iterator<Item = FieldError> {
    invalid
        .0
        .into_iter()
        .map(move |e| FieldError::new(e.field, format!("line {line}: {}", e.problem)))
}

/// A 422 listing every problem found, or nothing when there is none.
pub(crate) fn reject(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            candidates: vec![],
            retry_after: None,
        })
    }
}

/// The 409 an import answers when rows look like existing records and were not confirmed.
pub(crate) fn unconfirmed(duplicates: &[DuplicateRow], field: &str) -> ApiError {
    let errors = duplicates
        .iter()
        .map(|d| FieldError {
            field: field.into(),
            problem: format!(
                "line {}: looks like {} (send confirm_duplicates=true to import anyway)",
                d.line,
                d.candidates.join(", ")
            )
            .into(),
        })
        .collect();
    ApiError {
        status: StatusCode::CONFLICT,
        errors,
        candidates: vec![],
        retry_after: None,
    }
}

/// The most rows one import takes: an import is one transaction, and while it writes, every
/// other writer waits.
pub(crate) const MAX_IMPORT_ROWS: usize = 2_000;

/// Reads a CSV file (a leading byte-order mark allowed) whose header names only `known`
/// columns; then parses each row with `parse`, collecting every row's problems.
pub(crate) fn rows<T>(
    body: &str,
    known: &[&str],
    mut parse: impl FnMut(&Row) -> Result<T, Invalid>,
) -> Result<Vec<(usize, T)>, ApiError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| unprocessable("file", format!("the header row cannot be read: {e}")))?
        .clone();
    if let Some(unknown) = headers.iter().find(|h| !known.contains(h)) {
        return Err(unprocessable(
            unknown,
            format!(
                "line 1: unknown column “{unknown}” (known: {})",
                known.join(", ")
            ),
        ));
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if i >= MAX_IMPORT_ROWS {
            let max = MAX_IMPORT_ROWS.to_string();
            return Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                "file",
                amity_domain::error::said("import-too-many-rows", [("max", max)]),
            ));
        }
        match record {
            Ok(record) => match parse(&Row {
                headers: headers.clone(),
                record,
            }) {
                Ok(value) => out.push((line, value)),
                Err(invalid) => errors.extend(at_line(line, invalid)),
            },
            Err(e) => errors.push(FieldError::new("file", format!("line {line}: {e}"))),
        }
    }
    reject(errors)?;
    if out.is_empty() {
        return Err(unprocessable("file", "the file has no rows"));
    }
    Ok(out)
}
