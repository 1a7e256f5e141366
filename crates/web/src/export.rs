//! Tables people open in a spreadsheet: CSV (UTF-8 with a byte-order mark, so Excel shows
//! Vietnamese correctly) and XLSX.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

use crate::error::ApiError;

/// A header row and data rows of text.
#[derive(Debug, Default)]
pub struct Table {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::from(amity_store::Error::Other(anyhow::anyhow!(
        "writing an export: {e}"
    )))
}

impl Table {
    pub fn csv(&self) -> Result<Vec<u8>, ApiError> {
        csv_bytes(&self.header, &self.rows)
    }

    pub fn xlsx(&self, sheet: &str) -> Result<Vec<u8>, ApiError> {
        xlsx_bytes(&self.header, &self.rows, sheet)
    }

    /// The table as its reader downloads it: for a signed-in page session, columns named as
    /// the pages name them and stored codes in words, in its language (cookie); for an API
    /// token, the codes.
    pub fn for_reader(
        self,
        me: &crate::auth::CurrentUser,
        headers: &axum::http::HeaderMap,
    ) -> Sheet {
        if me.via != crate::session::Via::Cookie {
            return Sheet {
                header: self.header.iter().map(|c| (*c).to_owned()).collect(),
                rows: self.rows,
            };
        }
        let lang = axum_extra::extract::CookieJar::from_headers(headers)
            .get(crate::view::LANG_COOKIE)
            .and_then(|c| crate::i18n::Lang::from_code(c.value()))
            .unwrap_or_default();
        self.in_words(lang)
    }

    /// The table for a person: columns named as the pages name them and stored codes in words,
    /// in `lang`.
    fn in_words(self, lang: crate::i18n::Lang) -> Sheet {
        let rows = self
            .rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .zip(&self.header)
                    .map(|(value, column)| lang.code_label(column, &value).unwrap_or(value))
                    .collect()
            })
            .collect();
        Sheet {
            header: self.header.iter().map(|c| lang.field_label(c)).collect(),
            rows,
        }
    }
}

fn csv_bytes<S: AsRef<[u8]>>(header: &[S], rows: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record(header).map_err(internal)?;
    for row in rows {
        out.write_record(row.iter().map(|cell| inert(cell).into_owned()))
            .map_err(internal)?;
    }
    out.into_inner().map_err(internal)
}

/// A cell a spreadsheet will not run as a formula: text starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading apostrophe (numbers, negative ones too, stay as they are).
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn xlsx_bytes<S: AsRef<str>>(
    header: &[S],
    rows: &[Vec<String>],
    sheet: &str,
) -> Result<Vec<u8>, ApiError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet).map_err(internal)?;
    for (col, title) in header.iter().enumerate() {
        worksheet
            .write_string_with_format(0, col as u16, title.as_ref(), &bold)
            .map_err(internal)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            worksheet
                .write_string(r as u32 + 1, col as u16, value)
                .map_err(internal)?;
        }
    }
    worksheet.set_freeze_panes(1, 0).map_err(internal)?;
    worksheet.autofit();
    workbook.save_to_buffer().map_err(internal)
}

/// A table as its reader downloads it (see [`Table::for_reader`]), written the same two ways.
pub struct Sheet {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Sheet {
    pub fn csv(&self) -> Result<Vec<u8>, ApiError> {
        csv_bytes(&self.header, &self.rows)
    }

    pub fn xlsx(&self, sheet: &str) -> Result<Vec<u8>, ApiError> {
        xlsx_bytes(&self.header, &self.rows, sheet)
    }
}

/// A download response with the file name given.
pub fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The two downloads of a list, `export_csv` and `export_xlsx`, described under `$tag` at the
/// paths given: both write what the module's `export_table(&state, &me, &query)` makes of the
/// list's filters (unpaged), the spreadsheet's one sheet named `$sheet`.
macro_rules! downloads {
    ($tag:literal, $csv:literal, $xlsx:literal, $sheet:literal) => {
        #[utoipa::path(
            get,
            path = $csv,
            tag = $tag,
            summary = "The list (same filters, unpaged) as CSV, UTF-8 with a byte-order mark",
            params(ListQuery),
            responses((status = 200, description = "CSV", content_type = "text/csv", body = String))
        )]
        async fn export_csv(
            axum::extract::State(state): axum::extract::State<AppState>,
            $crate::auth::Auth(me): $crate::auth::Auth,
            headers: axum::http::HeaderMap,
            $crate::extract::ApiQuery(q): $crate::extract::ApiQuery<ListQuery>,
        ) -> Result<axum::response::Response, $crate::error::ApiError> {
            let table = export_table(&state, &me, &q).await?;
            let bytes = table.for_reader(&me, &headers).csv()?;
            Ok($crate::export::download(
                bytes,
                $crate::export::CSV,
                &$crate::export::file_name($csv),
            ))
        }

        #[utoipa::path(
            get,
            path = $xlsx,
            tag = $tag,
            summary = "The list (same filters, unpaged) as XLSX",
            params(ListQuery),
            responses((
                status = 200,
                description = "XLSX",
                content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                body = String
            ))
        )]
        async fn export_xlsx(
            axum::extract::State(state): axum::extract::State<AppState>,
            $crate::auth::Auth(me): $crate::auth::Auth,
            headers: axum::http::HeaderMap,
            $crate::extract::ApiQuery(q): $crate::extract::ApiQuery<ListQuery>,
        ) -> Result<axum::response::Response, $crate::error::ApiError> {
            let table = export_table(&state, &me, &q).await?;
            let bytes = table.for_reader(&me, &headers).xlsx($sheet)?;
            Ok($crate::export::download(
                bytes,
                $crate::export::XLSX,
                &$crate::export::file_name($xlsx),
            ))
        }
    };
}
pub(crate) use downloads;

/// The name a download of the API path `/records/export.csv` is saved under:
/// `amity-records.csv`.
pub fn file_name(api_path: &str) -> String {
    let records = api_path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    let extension = api_path.rsplit('.').next().unwrap_or_default();
    format!("amity-{records}.{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_never_run_as_formulas() {
        let table = Table {
            header: vec!["title", "amount"],
            rows: vec![
                vec![
                    "=HYPERLINK(\"http://evil.example\",\"x\")".into(),
                    "-5".into(),
                ],
                vec!["+1+1".into(), "12.5".into()],
                vec!["@SUM(A1)".into(), "0".into()],
                vec!["-2+3".into(), "7".into()],
                vec!["Giao lưu hữu nghị".into(), "1".into()],
            ],
        };
        let text = String::from_utf8(table.csv().expect("csv")).expect("utf-8");
        for line in text.lines().skip(1) {
            let first = line.trim_start_matches('"');
            assert!(!first.starts_with(['=', '+', '@']), "{line}");
            assert!(!(first.starts_with('-') && first != "-5"), "{line}");
        }
        assert!(
            text.contains("'=HYPERLINK")
                && text.contains("'+1+1")
                && text.contains("'@SUM")
                && text.contains("'-2+3")
        );
        assert!(
            text.contains(",-5") && text.contains("Giao lưu hữu nghị,1"),
            "numbers and words stay: {text}"
        );
    }
}
