//! Documents as PDF: a typst template laid out in the Vietnamese administrative style, filled
//! with a document given as JSON and set in a bundled font (DejaVu Serif, which covers
//! Vietnamese), embedded in the file. No packages and no system fonts are read.
//!
//! The document's shape (all strings): `above`, `unit`, `number`, `place_date`, `title`,
//! `subtitle`, `status` (or null), `motto` (two lines), `signer`, and `sections`, each with a
//! `heading`, `paragraphs` and an optional `table` of `header`, `rows` and `numeric_from` (the
//! first right-aligned column).

use std::sync::OnceLock;

use serde::Serialize;
use typst::foundations::{Dict, IntoValue, Str};
use typst_as_lib::TypstEngine;
use typst_as_lib::TypstTemplateMainFile;
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("document.typ");
const FONTS: [&[u8]; 3] = [
    include_bytes!("../fonts/DejaVuSerif.ttf"),
    include_bytes!("../fonts/DejaVuSerif-Bold.ttf"),
    include_bytes!("../fonts/DejaVuSerif-Italic.ttf"),
];

fn engine() -> &'static TypstEngine<TypstTemplateMainFile> {
    static ENGINE: OnceLock<TypstEngine<TypstTemplateMainFile>> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .main_file(TEMPLATE)
            .fonts(FONTS)
            .build()
    })
}

/// Lays out `doc` (see the module's description) and writes it as PDF.
pub fn render(doc: &impl Serialize) -> Result<Vec<u8>, String> {
    let json = serde_json::to_string(doc).map_err(|e| format!("the document is not JSON: {e}"))?;
    let mut inputs = Dict::new();
    inputs.insert(Str::from("doc"), Str::from(json.as_str()).into_value());
    let compiled: PagedDocument = engine()
        .compile_with_input(inputs)
        .output
        .map_err(|e| format!("laying out the document: {e}"))?;
    typst_pdf::pdf(&compiled, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        format!(
            "writing the PDF: {}",
            errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })
}
