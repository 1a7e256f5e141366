//! Validation errors that name the field at fault.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub detail: String,
}

/// Input that failed validation: every problem found, each naming its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.detail)).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn field(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self(vec![FieldError {
            field: field.into(),
            detail: detail.into(),
        }])
    }
}

/// Collects field errors while a whole input is checked, so the user sees all of them at once.
#[derive(Debug, Default)]
pub struct Checker(Vec<FieldError>);

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value when `result` is Ok, records the error under `field` otherwise.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(detail) => {
                self.0.push(FieldError {
                    field: field.to_owned(),
                    detail,
                });
                None
            }
        }
    }

    /// A value that must be given, read by `parse`: "is required" under `field` when absent or
    /// empty, the reason it cannot be read otherwise.
    pub fn required<T>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match value {
            None | Some("") => {
                self.push(field, "is required");
                None
            }
            Some(v) => self.check(field, parse(v)),
        }
    }

    pub fn push(&mut self, field: &str, detail: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_owned(),
            detail: detail.into(),
        });
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}
