//! Reports as documents: the Vietnamese administrative layout (issuing unit and number at top
//! left, the national motto at top right, place and date, title, body with tables, signature
//! block) written as DOCX, and the same tables as an XLSX workbook with a chart.

use std::io::Cursor;

use amity_store::periodic::Report;
use amity_store::report::{Reading, Summary};
use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook};

use crate::error::ApiError;
use crate::view::{figure, signed};

/// Whether this build writes PDF (the `pdf` feature).
pub const HAS_PDF: bool = cfg!(feature = "pdf");
pub const PDF: &str = "application/pdf";
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The national motto, in two lines.
pub const MOTTO: [&str; 2] = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
];

/// A table in the body: a header row and rows of text; columns from `numeric_from` on are
/// figures (right-aligned; written as numbers in XLSX).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DocTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric_from: usize,
    /// The same rows' figures, for the workbook and its chart.
    #[serde(skip)]
    pub figures: Vec<Vec<Option<f64>>>,
    /// The column the workbook's chart draws.
    #[serde(skip)]
    pub chart_col: usize,
}

/// A numbered part of the body.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub table: Option<DocTable>,
}

/// A report laid out as an administrative document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The level above the issuing unit (first line at top left).
    pub above: String,
    pub unit: String,
    /// The document number line, left for the unit's clerk to fill in.
    pub number: String,
    pub place: String,
    pub date: NaiveDate,
    pub title: String,
    pub subtitle: String,
    /// "Dự thảo" and the like, under the subtitle.
    pub status: Option<String>,
    pub sections: Vec<Section>,
    pub signer: String,
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::from(amity_store::Error::Other(anyhow::anyhow!(
        "writing a document: {e}"
    )))
}

/// The place a unit writes from: its province, or Hà Nội for central bodies.
pub fn place_of(unit_name: &str) -> String {
    for marker in [" tỉnh ", " thành phố "] {
        if let Some((_, place)) = unit_name.split_once(marker) {
            return place.trim().to_owned();
        }
    }
    "Hà Nội".to_owned()
}

/// "Khánh Hòa, ngày 22 tháng 11 năm 2026".
pub fn place_and_date(place: &str, date: NaiveDate) -> String {
    format!(
        "{place}, ngày {:02} tháng {:02} năm {}",
        date.day(),
        date.month(),
        date.year()
    )
}

const ABOVE: &str = "LIÊN HIỆP CÁC TỔ CHỨC HỮU NGHỊ VIỆT NAM";

/// A periodic report as a document.
pub fn of_report(r: &Report, today: NaiveDate) -> Document {
    let computed = DocTable {
        header: [
            "STT",
            "Chỉ tiêu",
            "Đơn vị tính",
            &format!("Kỳ báo cáo {}", r.period),
            "Cùng kỳ năm trước",
        ]
        .map(String::from)
        .to_vec(),
        rows: r
            .computed
            .iter()
            .enumerate()
            .map(|(i, v)| {
                vec![
                    (i + 1).to_string(),
                    v.name_vi.to_owned(),
                    v.measure_vi.to_owned(),
                    figure(v.value),
                    v.previous.map(figure).unwrap_or_default(),
                ]
            })
            .collect(),
        numeric_from: 3,
        figures: r
            .computed
            .iter()
            .map(|v| vec![Some(v.value), v.previous])
            .collect(),
        chart_col: 3,
    };
    let manual = DocTable {
        header: [
            "STT",
            "Chỉ tiêu",
            "Đơn vị tính",
            &format!("Kỳ báo cáo {}", r.period),
        ]
        .map(String::from)
        .to_vec(),
        rows: r
            .manual
            .iter()
            .enumerate()
            .map(|(i, m)| {
                vec![
                    (i + 1).to_string(),
                    m.name_vi.to_owned(),
                    m.measure_vi.to_owned(),
                    m.value.map(figure).unwrap_or_default(),
                ]
            })
            .collect(),
        numeric_from: 3,
        figures: r.manual.iter().map(|m| vec![m.value]).collect(),
        chart_col: 3,
    };
    let lines = |text: &str| {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let status = match r.state {
        amity_domain::report::ReportState::Draft => Some("(Dự thảo)".to_owned()),
        amity_domain::report::ReportState::Submitted => Some("(Đã gửi, chờ phê duyệt)".to_owned()),
        _ if !r.changed_since_approval.is_empty() => {
            Some("(Số liệu đã thay đổi sau khi phê duyệt)".to_owned())
        }
        _ => None,
    };
    Document {
        above: ABOVE.to_owned(),
        unit: r.unit_name.clone(),
        number: format!("Số:       /BC-{}", r.form_code.trim_start_matches("BC-")),
        place: place_of(&r.unit_name),
        date: r
            .approved_at
            .map(|a| a.date_naive())
            .or(r.submitted_at.map(|s| s.date_naive()))
            .unwrap_or(today),
        title: "BÁO CÁO".to_owned(),
        subtitle: format!("{} {}", r.form_name_vi, r.period),
        status,
        sections: vec![
            Section {
                heading: "I. KẾT QUẢ THỰC HIỆN".into(),
                paragraphs: lines(&r.results),
                table: Some(computed),
            },
            Section {
                heading: "Các chỉ tiêu do đơn vị thống kê".into(),
                paragraphs: vec![],
                table: Some(manual),
            },
            Section {
                heading: "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN".into(),
                paragraphs: lines(&r.shortcomings),
                table: None,
            },
            Section {
                heading: "III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI".into(),
                paragraphs: lines(&r.directions),
                table: None,
            },
        ],
        signer: format!("TM. {}", r.unit_name.to_uppercase()),
    }
}

/// A roll-up summary as a document.
pub fn of_summary(s: &Summary, today: NaiveDate) -> Document {
    let indicators = DocTable {
        header: [
            "STT",
            "Chỉ tiêu",
            "Đơn vị tính",
            "Của đơn vị",
            "Toàn hệ thống",
            "Cùng kỳ năm trước",
            "Tăng, giảm",
        ]
        .map(String::from)
        .to_vec(),
        rows: s
            .indicators
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let change = match (v.change, v.change_pct) {
                    (Some(c), Some(p)) => format!("{} ({}%)", signed(c), signed(p)),
                    (Some(c), None) => signed(c),
                    _ => String::new(),
                };
                vec![
                    (i + 1).to_string(),
                    v.name_vi.to_owned(),
                    v.measure_vi.to_owned(),
                    figure(v.own),
                    figure(v.subtree),
                    v.previous.map(figure).unwrap_or_default(),
                    change,
                ]
            })
            .collect(),
        numeric_from: 3,
        figures: s
            .indicators
            .iter()
            .map(|v| vec![Some(v.own), Some(v.subtree), v.previous, v.change])
            .collect(),
        chart_col: 4,
    };
    let codes = [
        "delegations_out",
        "delegations_in",
        "events",
        "participants",
        "foreign_participants",
    ];
    let names: Vec<String> = codes
        .iter()
        .map(|c| {
            amity_domain::indicator::CATALOGUE
                .iter()
                .find(|i| i.code == *c)
                .map(|i| i.name_vi.to_owned())
                .unwrap_or_default()
        })
        .collect();
    let parts = DocTable {
        header: std::iter::once("Đơn vị".to_owned()).chain(names).collect(),
        rows: s
            .parts
            .iter()
            .map(|p| {
                let mut name = p.unit_name.clone();
                if !p.carries.is_empty() {
                    let carried: Vec<&str> =
                        p.carries.iter().map(|c| c.unit_name.as_str()).collect();
                    name = format!("{name} (gồm cả {})", carried.join(", "));
                }
                std::iter::once(name)
                    .chain(
                        codes
                            .iter()
                            .map(|c| figure(p.values.get(c).copied().unwrap_or_default())),
                    )
                    .collect()
            })
            .collect(),
        numeric_from: 1,
        figures: s
            .parts
            .iter()
            .map(|p| codes.iter().map(|c| p.values.get(c).copied()).collect())
            .collect(),
        chart_col: 3,
    };
    let reading = match s.structure {
        Reading::Then => "theo cơ cấu tổ chức tại thời điểm báo cáo",
        Reading::Current => "quy đổi theo cơ cấu tổ chức hiện nay",
    };
    let notes = s
        .notes
        .iter()
        .map(|n| {
            let now: Vec<&str> = n.now_in.iter().map(|t| t.unit_name.as_str()).collect();
            match n.kind {
                "joined" => format!(
                    "{} không thuộc đơn vị trong kỳ; số liệu nay được tính vào {}.",
                    n.unit_name,
                    now.join(", ")
                ),
                _ => format!(
                    "{} thuộc đơn vị trong kỳ; số liệu nay được tính vào {} (ngoài đơn vị).",
                    n.unit_name,
                    now.join(", ")
                ),
            }
        })
        .collect();
    let mut sections = vec![Section {
        heading: "I. CÁC CHỈ TIÊU".into(),
        paragraphs: vec![format!(
            "Số liệu kỳ {} {reading}{}.",
            s.period,
            s.compared_with
                .as_ref()
                .map(|c| format!(", so sánh với cùng kỳ {c}"))
                .unwrap_or_default()
        )],
        table: Some(indicators),
    }];
    if !s.parts.is_empty() {
        sections.push(Section {
            heading: "II. CÁC ĐƠN VỊ TRỰC THUỘC".into(),
            paragraphs: vec![],
            table: Some(parts),
        });
    }
    if !s.notes.is_empty() {
        sections.push(Section {
            heading: "III. THAY ĐỔI DO HỢP NHẤT, CHIA TÁCH".into(),
            paragraphs: notes,
            table: None,
        });
    }
    Document {
        above: ABOVE.to_owned(),
        unit: s.unit_name.clone(),
        number: "Số:       /BC".to_owned(),
        place: place_of(&s.unit_name),
        date: today,
        title: "BÁO CÁO SỐ LIỆU".to_owned(),
        subtitle: format!("{} — kỳ {}", s.unit_name, s.period),
        status: None,
        sections,
        signer: format!("TM. {}", s.unit_name.to_uppercase()),
    }
}

fn text(s: &str) -> Run {
    Run::new().add_text(s)
}

fn centered(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center)
}

/// Width of an A4 page's text area in twentieths of a point (A4 minus 3 cm and 2 cm margins).
const TEXT_WIDTH: usize = 9070;

fn bordered_table(t: &DocTable) -> Table {
    let cols = t.header.len().max(1);
    // A narrow number column and a wide name column when the table is numbered; the figures
    // share what is left.
    let lead: Vec<usize> = if t.numeric_from > 1 {
        vec![500, 3000]
    } else {
        vec![3000]
    };
    let rest = (TEXT_WIDTH - lead.iter().sum::<usize>()) / cols.saturating_sub(lead.len()).max(1);
    let widths: Vec<usize> = (0..cols)
        .map(|i| lead.get(i).copied().unwrap_or(rest))
        .collect();
    let cell = |s: &str, i: usize, bold: bool| {
        let run = if bold {
            text(s).bold().size(22)
        } else {
            text(s).size(22)
        };
        let align = if bold || i == 0 && t.numeric_from > 1 {
            AlignmentType::Center
        } else if i >= t.numeric_from {
            AlignmentType::Right
        } else {
            AlignmentType::Left
        };
        TableCell::new()
            .width(widths[i.min(widths.len() - 1)], WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(run).align(align))
    };
    let header = TableRow::new(
        t.header
            .iter()
            .enumerate()
            .map(|(i, h)| cell(h, i, true))
            .collect(),
    );
    let rows = t.rows.iter().map(|r| {
        TableRow::new(
            r.iter()
                .enumerate()
                .map(|(i, v)| cell(v, i, false))
                .collect(),
        )
    });
    Table::new(std::iter::once(header).chain(rows).collect()).set_grid(widths.clone())
}

impl Document {
    /// The document as DOCX: Times New Roman 13 pt on A4, the heading as a borderless
    /// two-column table.
    pub fn docx(&self) -> Result<Vec<u8>, ApiError> {
        let fonts = RunFonts::new()
            .ascii("Times New Roman")
            .hi_ansi("Times New Roman")
            .east_asia("Times New Roman")
            .cs("Times New Roman");
        let half = TEXT_WIDTH / 2;
        let left = TableCell::new()
            .width(half - 600, WidthType::Dxa)
            .add_paragraph(centered(text(&self.above).size(24)))
            .add_paragraph(centered(text(&self.unit.to_uppercase()).bold().size(24)))
            .add_paragraph(centered(text("———")))
            .add_paragraph(centered(text(&self.number)));
        let right = TableCell::new()
            .width(half + 600, WidthType::Dxa)
            .add_paragraph(centered(text(MOTTO[0]).bold().size(24)))
            .add_paragraph(centered(text(MOTTO[1]).bold().underline("single")))
            .add_paragraph(Paragraph::new())
            .add_paragraph(centered(
                text(&place_and_date(&self.place, self.date)).italic(),
            ));
        let heading = Table::without_borders(vec![TableRow::new(vec![left, right])])
            .set_grid(vec![half - 600, half + 600]);
        let mut doc = Docx::new()
            .page_size(11906, 16838)
            .page_margin(
                docx_rs::PageMargin::new()
                    .top(1134)
                    .bottom(1134)
                    .left(1701)
                    .right(1134),
            )
            .default_fonts(fonts)
            .default_size(26)
            .add_table(heading)
            .add_paragraph(Paragraph::new())
            .add_paragraph(centered(text(&self.title).bold().size(28)))
            .add_paragraph(centered(text(&self.subtitle).bold()));
        if let Some(status) = &self.status {
            doc = doc.add_paragraph(centered(text(status).italic()));
        }
        doc = doc.add_paragraph(Paragraph::new());
        for section in &self.sections {
            doc = doc.add_paragraph(Paragraph::new().add_run(text(&section.heading).bold()));
            for p in &section.paragraphs {
                doc =
                    doc.add_paragraph(Paragraph::new().add_run(text(p)).align(AlignmentType::Both));
            }
            if let Some(t) = &section.table {
                doc = doc
                    .add_table(bordered_table(t))
                    .add_paragraph(Paragraph::new());
            }
        }
        let signature = TableCell::new()
            .width(half, WidthType::Dxa)
            .add_paragraph(centered(text(&self.signer).bold()))
            .add_paragraph(centered(text("(Ký, ghi rõ họ tên, đóng dấu)").italic()));
        let recipients = TableCell::new()
            .width(half, WidthType::Dxa)
            .add_paragraph(Paragraph::new().add_run(text("Nơi nhận:").bold().italic().size(24)))
            .add_paragraph(Paragraph::new().add_run(text("- Như trên;").size(22)))
            .add_paragraph(Paragraph::new().add_run(text("- Lưu: VT.").size(22)));
        doc = doc.add_table(
            Table::without_borders(vec![TableRow::new(vec![recipients, signature])])
                .set_grid(vec![half, half]),
        );
        let mut out = Cursor::new(Vec::new());
        doc.build().pack(&mut out).map_err(internal)?;
        Ok(out.into_inner())
    }

    /// The document as PDF, laid out by amity-pdf's template with its font embedded.
    #[cfg(feature = "pdf")]
    pub fn pdf(&self) -> Result<Vec<u8>, ApiError> {
        amity_pdf::render(&serde_json::json!({
            "above": self.above,
            "unit": self.unit,
            "number": self.number,
            "place_date": place_and_date(&self.place, self.date),
            "title": self.title,
            "subtitle": self.subtitle,
            "status": self.status,
            "motto": MOTTO,
            "signer": self.signer,
            "sections": self.sections,
        }))
        .map_err(internal)
    }

    /// The document's tables as one worksheet, figures as numbers, with a column chart of the
    /// first table's figures.
    pub fn xlsx(&self) -> Result<Vec<u8>, ApiError> {
        const SHEET: &str = "Báo cáo";
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let number = Format::new().set_num_format("#,##0.##");
        let sheet = workbook.add_worksheet();
        sheet.set_name(SHEET).map_err(internal)?;
        sheet
            .write_string_with_format(0, 0, &self.unit, &bold)
            .map_err(internal)?;
        sheet
            .write_string_with_format(1, 0, format!("{} — {}", self.title, self.subtitle), &bold)
            .map_err(internal)?;
        sheet
            .write_string(2, 0, place_and_date(&self.place, self.date))
            .map_err(internal)?;
        let mut row: u32 = 4;
        let mut chart_source = None;
        for section in &self.sections {
            sheet
                .write_string_with_format(row, 0, &section.heading, &bold)
                .map_err(internal)?;
            row += 1;
            for p in &section.paragraphs {
                sheet.write_string(row, 0, p).map_err(internal)?;
                row += 1;
            }
            let Some(t) = &section.table else { continue };
            for (c, h) in t.header.iter().enumerate() {
                sheet
                    .write_string_with_format(row, c as u16, h, &bold)
                    .map_err(internal)?;
            }
            let first = row + 1;
            for (r, values) in t.rows.iter().enumerate() {
                let at = first + r as u32;
                for (c, v) in values.iter().enumerate() {
                    match (c >= t.numeric_from).then(|| {
                        t.figures
                            .get(r)
                            .and_then(|f| f.get(c - t.numeric_from))
                            .copied()
                            .flatten()
                    }) {
                        Some(Some(n)) => sheet
                            .write_number_with_format(at, c as u16, n, &number)
                            .map_err(internal)?,
                        Some(None) => sheet,
                        None => sheet.write_string(at, c as u16, v).map_err(internal)?,
                    };
                }
            }
            let last = first + t.rows.len().saturating_sub(1) as u32;
            if chart_source.is_none() && !t.rows.is_empty() {
                let label_col = if t.numeric_from > 1 { 1 } else { 0 };
                chart_source = Some((
                    first,
                    last,
                    label_col as u16,
                    t.chart_col as u16,
                    t.header.get(t.chart_col).cloned().unwrap_or_default(),
                ));
            }
            row = last + 2;
        }
        if let Some((first, last, label_col, value_col, name)) = chart_source {
            let mut chart = Chart::new(ChartType::Bar);
            chart
                .add_series()
                .set_name(name.as_str())
                .set_categories((SHEET, first, label_col, last, label_col))
                .set_values((SHEET, first, value_col, last, value_col));
            chart.title().set_name(&self.subtitle);
            chart.legend().set_hidden();
            sheet.insert_chart(4, 8, &chart).map_err(internal)?;
        }
        sheet.set_column_width(0, 8).map_err(internal)?;
        sheet.set_column_width(1, 45).map_err(internal)?;
        for c in 2..8 {
            sheet.set_column_width(c, 16).map_err(internal)?;
        }
        workbook.save_to_buffer().map_err(internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_union_writes_from_its_province_and_central_bodies_from_ha_noi() {
        assert_eq!(
            place_of("Liên hiệp các tổ chức hữu nghị tỉnh Khánh Hòa"),
            "Khánh Hòa"
        );
        assert_eq!(
            place_of("Liên hiệp các tổ chức hữu nghị thành phố Đà Nẵng"),
            "Đà Nẵng"
        );
        assert_eq!(place_of("Hội hữu nghị Việt Nam – Lào"), "Hà Nội");
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).expect("date");
        assert_eq!(place_and_date("Huế", d), "Huế, ngày 05 tháng 03 năm 2026");
    }
}
