//! The PDF's text extracts back as the Vietnamese text it was given.

use serde_json::json;
use unicode_normalization::UnicodeNormalization;

fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text extracts");
    // Words may break across lines; compare on single spaces and composed characters.
    text.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn report(narrative: &str) -> serde_json::Value {
    json!({
        "above": "LIÊN HIỆP CÁC TỔ CHỨC HỮU NGHỊ VIỆT NAM",
        "unit": "Liên hiệp các tổ chức hữu nghị tỉnh Khánh Hòa",
        "number": "Số: …/BC-LHHN",
        "place_date": "Khánh Hòa, ngày 22 tháng 11 năm 2026",
        "title": "BÁO CÁO",
        "subtitle": "Kết quả công tác đối ngoại nhân dân năm 2023",
        "status": "Dự thảo",
        "motto": ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
        "signer": "TM. BAN THƯỜNG VỤ",
        "sections": [
            { "heading": "I. KẾT QUẢ", "paragraphs": [narrative], "table": null },
            { "heading": "II. CÁC CHỈ TIÊU", "paragraphs": [], "table": {
                "header": ["Chỉ tiêu", "Năm 2023", "Năm 2022"],
                "rows": [["Số đoàn ra", "12", "9"], ["Số người nước ngoài tham dự", "1.250", "980"]],
                "numeric_from": 1
            }}
        ]
    })
}

#[test]
fn a_report_comes_back_as_the_same_vietnamese_text() {
    let narrative = "Tổ chức thành công Hội nghị Cụm thi đua số 3 tại Nha Trang; đón tiếp đoàn Hội hữu nghị Nhật – Việt.";
    let pdf = amity_pdf::render(&report(narrative)).expect("render");
    assert!(pdf.starts_with(b"%PDF-"), "a PDF file");
    assert!(
        pdf.windows(9).any(|w| w == b"/FontFile"),
        "the font is embedded"
    );
    let text = text_of(&pdf);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "LIÊN HIỆP CÁC TỔ CHỨC HỮU NGHỊ TỈNH KHÁNH HÒA",
        "Khánh Hòa, ngày 22 tháng 11 năm 2026",
        "BÁO CÁO",
        "Kết quả công tác đối ngoại nhân dân năm 2023",
        narrative,
        "Số người nước ngoài tham dự",
        "1.250",
        "TM. BAN THƯỜNG VỤ",
    ] {
        assert!(
            text.contains(expected),
            "“{expected}” is missing from: {text}"
        );
    }
}

#[test]
fn text_that_looks_like_markup_is_printed_as_written() {
    let narrative = "#set text(fill: red) = Tiêu đề *đậm* _nghiêng_ $x^2$ <nhãn> @ref `mã` #read(\"/etc/passwd\")";
    let text = text_of(&amity_pdf::render(&report(narrative)).expect("render"));
    assert!(
        text.contains("#set text(fill: red) = Tiêu đề *đậm* _nghiêng_ $x^2$ <nhãn> @ref `mã`"),
        "{text}"
    );
    // The line may break inside the path; compare without spaces.
    assert!(
        text.replace(' ', "").contains("#read(\"/etc/passwd\")"),
        "{text}"
    );
}

#[test]
fn a_document_missing_a_part_is_refused_with_a_reason() {
    let mut doc = report("x");
    doc.as_object_mut().expect("object").remove("title");
    let err = amity_pdf::render(&doc).expect_err("no title");
    assert!(err.contains("title"), "{err}");
}
