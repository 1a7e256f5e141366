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
        let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
        out.write_record(&self.header).map_err(internal)?;
        for row in &self.rows {
            out.write_record(row).map_err(internal)?;
        }
        out.into_inner().map_err(internal)
    }

    pub fn xlsx(&self, sheet: &str) -> Result<Vec<u8>, ApiError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet).map_err(internal)?;
        for (col, title) in self.header.iter().enumerate() {
            worksheet
                .write_string_with_format(0, col as u16, *title, &bold)
                .map_err(internal)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
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
