//! Lays out a document given as JSON on standard input and writes the PDF to standard output,
//! for working on the template: `cargo run -p amity-pdf --example render < doc.json > doc.pdf`.

use std::io::{Read, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut json = String::new();
    std::io::stdin().read_to_string(&mut json)?;
    let doc: serde_json::Value = serde_json::from_str(&json)?;
    let pdf = amity_pdf::render(&doc)?;
    std::io::stdout().write_all(&pdf)?;
    Ok(())
}
