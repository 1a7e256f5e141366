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

/// A whole CSV file: the byte-order mark, the header, the rows.
fn csv_bytes<S: AsRef<[u8]>>(header: &[S], rows: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    out.write_record(header).map_err(internal)?;
    csv_rows(out, rows)
}

/// Writes the rows after whatever `out` holds, no cell starting a formula.
fn csv_rows(mut out: csv::Writer<Vec<u8>>, rows: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
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

/// The most characters a spreadsheet cell holds; a longer text is cut and marked.
const CELL_CHARS: usize = 32_767;

/// A text as a spreadsheet cell takes it: cut to [`CELL_CHARS`] with “…” at the end.
fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    if value.chars().count() <= CELL_CHARS {
        return std::borrow::Cow::Borrowed(value);
    }
    let mut cut: String = value.chars().take(CELL_CHARS - 1).collect();
    cut.push('…');
    std::borrow::Cow::Owned(cut)
}

/// A page of a table as its reader downloads it (see [`Table::for_reader`]), written by
/// [`csv_download`] and [`xlsx_download`].
pub struct Sheet {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// A download response with the file name given.
pub fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    attachment(axum::body::Body::from(bytes), content_type, file_name)
}

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Rows read per query while a download is written: a download of any length holds one page.
pub const EXPORT_PAGE: u64 = 1000;

/// The rows at an offset of a list being downloaded, in pages of [`EXPORT_PAGE`].
pub type Page = std::pin::Pin<Box<dyn Future<Output = Result<Table, ApiError>> + Send>>;

/// What writing a download needs between its pages.
struct Pages<F> {
    next: F,
    me: crate::auth::CurrentUser,
    headers: axum::http::HeaderMap,
}

/// A list's CSV written page by page as it is sent: `first` is the first page (read before
/// answering, so a refused filter is still a 422), `next(offset)` reads the page at `offset`.
/// Memory stays at one page whatever the length.
pub fn csv_download<F>(
    first: Table,
    next: F,
    me: crate::auth::CurrentUser,
    headers: axum::http::HeaderMap,
    file_name: &str,
) -> Response
where
    F: Fn(u64) -> Page + Send + Sync + 'static,
{
    let pages = std::sync::Arc::new(Pages { next, me, headers });
    let more = first.rows.len() as u64 == EXPORT_PAGE;
    let head = {
        let sheet = first.for_reader(&pages.me, &pages.headers);
        csv_bytes(&sheet.header, &sheet.rows)
    };
    let rest = futures_util::stream::unfold(more.then_some(EXPORT_PAGE), move |offset| {
        let pages = pages.clone();
        async move {
            let offset = offset?;
            let chunk = async {
                let table = (pages.next)(offset).await?;
                let read = table.rows.len() as u64;
                let bytes = csv_rows(
                    csv::Writer::from_writer(Vec::new()),
                    &table.for_reader(&pages.me, &pages.headers).rows,
                )?;
                Ok::<_, ApiError>((bytes, (read == EXPORT_PAGE).then_some(offset + read)))
            }
            .await;
            Some(match chunk {
                Ok((bytes, next)) => (Ok(axum::body::Bytes::from(bytes)), next),
                Err(e) => {
                    tracing::error!(status = %e.status, offset, "a download stopped part way");
                    (
                        Err(std::io::Error::other("the download stopped part way")),
                        None,
                    )
                }
            })
        }
    });
    let body = match head {
        Ok(head) => futures_util::StreamExt::boxed(futures_util::StreamExt::chain(
            futures_util::stream::once(async move { Ok(axum::body::Bytes::from(head)) }),
            rest,
        )),
        Err(e) => return e.into_response(),
    };
    attachment(axum::body::Body::from_stream(body), CSV, file_name)
}

/// A list's XLSX workbook, its sheet written page by page to a temporary file (never the whole
/// list in memory), then packed off the async threads.
pub async fn xlsx_download<F>(
    first: Table,
    next: F,
    (me, headers): (&crate::auth::CurrentUser, &axum::http::HeaderMap),
    (sheet_name, file_name): (&str, &str),
) -> Result<Response, ApiError>
where
    F: Fn(u64) -> Page + Send + Sync + 'static,
{
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let worksheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(internal)?;
    worksheet.set_name(sheet_name).map_err(internal)?;
    worksheet.set_freeze_panes(1, 0).map_err(internal)?;
    let mut page = first;
    let mut row = 0_u32;
    loop {
        let read = page.rows.len() as u64;
        let sheet = page.for_reader(me, headers);
        if row == 0 {
            for (col, title) in sheet.header.iter().enumerate() {
                worksheet
                    .write_string_with_format(0, col as u16, title, &bold)
                    .map_err(internal)?;
            }
        }
        for values in &sheet.rows {
            row += 1;
            for (col, value) in values.iter().enumerate() {
                worksheet
                    .write_string(row, col as u16, cell(value))
                    .map_err(internal)?;
            }
        }
        if read < EXPORT_PAGE {
            break;
        }
        page = next(u64::from(row)).await?;
    }
    let bytes = tokio::task::spawn_blocking(move || workbook.save_to_buffer())
        .await
        .map_err(internal)?
        .map_err(internal)?;
    Ok(attachment(axum::body::Body::from(bytes), XLSX, file_name))
}

fn attachment(body: axum::body::Body, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// The two downloads of a list, `export_csv` and `export_xlsx`, described under `$tag` at the
/// paths given: both write what the module's `export_table(&state, &me, &query, (limit,
/// offset))` makes of the list's filters, page after page, the spreadsheet's one sheet named
/// `$sheet`.
macro_rules! downloads {
    ($tag:literal, $csv:literal, $xlsx:literal, $sheet:literal) => {
        /// The pages after the first of this list's download.
        fn export_pages(
            state: &AppState,
            me: &$crate::auth::CurrentUser,
            q: &ListQuery,
        ) -> impl Fn(u64) -> $crate::export::Page + Send + Sync + 'static {
            let (state, me, q) = (state.clone(), me.clone(), q.clone());
            move |offset| {
                let (state, me, q) = (state.clone(), me.clone(), q.clone());
                Box::pin(async move {
                    export_table(&state, &me, &q, ($crate::export::EXPORT_PAGE, offset)).await
                })
            }
        }

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
            let first = export_table(&state, &me, &q, ($crate::export::EXPORT_PAGE, 0)).await?;
            let next = export_pages(&state, &me, &q);
            Ok($crate::export::csv_download(
                first,
                next,
                me,
                headers,
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
            let first = export_table(&state, &me, &q, ($crate::export::EXPORT_PAGE, 0)).await?;
            let next = export_pages(&state, &me, &q);
            $crate::export::xlsx_download(
                first,
                next,
                (&me, &headers),
                ($sheet, &$crate::export::file_name($xlsx)),
            )
            .await
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
    fn a_text_longer_than_a_cell_is_cut_and_marked() {
        let long = "ă".repeat(40_000);
        let cut = cell(&long);
        assert_eq!(cut.chars().count(), CELL_CHARS);
        assert!(cut.ends_with('…'));
        assert_eq!(cell("ngắn"), "ngắn");
    }

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
