//! Vietnamese text rules: folding for search, alphabetical order, dates and numbers.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use icu_collator::{Collator, CollatorBorrowed, options::CollatorOptions};
use icu_locale::locale;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for search: decomposes, drops combining marks, maps đ/Đ to d and lowercases.
///
/// Applied both to indexed text and to queries, so `Đà Nẵng`, `da nang` and `DA NANG` meet.
pub fn fold(text: &str) -> String {
    // Lowercase first: lowercasing can itself produce combining marks (İ → i̇).
    text.to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// Splits folded text into search terms (letters and digits), as both backends tokenize them.
pub fn search_terms(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

static COLLATOR: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    Collator::try_new(locale!("vi").into(), CollatorOptions::default())
        .expect("the Vietnamese collation is compiled into icu_collator")
});

/// Compares two strings in Vietnamese alphabetical order (Đ after D, Ă Â after A, tones second).
pub fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    COLLATOR.compare(a, b)
}

/// A binary sort key: comparing keys byte by byte gives Vietnamese alphabetical order, so the
/// database can sort by it on either backend.
pub fn sort_key(text: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(text.len() * 2);
    let Ok(()) = COLLATOR.write_sort_key_to(text, &mut key);
    key
}

/// `dd/mm/yyyy`, as Vietnamese readers write dates.
pub fn format_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// One line of text: runs of white space become one space; blank is none.
pub fn line(s: &str) -> Option<String> {
    Some(s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty())
}

/// Several lines of text, kept as written (Windows line ends made plain); blank is none.
pub fn paragraphs(s: &str) -> Option<String> {
    Some(s.trim().replace("\r\n", "\n")).filter(|s| !s.is_empty())
}

/// Years a date of the federation's work may fall in.
pub const WORK_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Parses `dd/mm/yyyy` (the UI's form) or ISO `yyyy-mm-dd` (the API's), in [`WORK_YEARS`].
pub fn parse_date(input: &str) -> Result<NaiveDate, crate::error::Problem> {
    let date = parse_historic_date(input)?;
    if WORK_YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(crate::error::said(
            "date-out-of-range",
            [("value", input.trim().to_owned())],
        ))
    }
}

/// [`parse_date`] for a date that may lie further back (when a partner was founded, what a
/// commemoration remembers).
pub fn parse_historic_date(input: &str) -> Result<NaiveDate, crate::error::Problem> {
    let input = input.trim();
    NaiveDate::parse_from_str(input, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(input, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1000..=*WORK_YEARS.end()).contains(&d.year()))
        .ok_or_else(|| crate::error::Problem::NotADate {
            value: input.to_owned(),
        })
}

/// An integer with Vietnamese thousands separators: `1.234.567`.
pub fn format_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// An amount of đồng: `1.234.567 ₫`.
pub fn format_vnd(amount: i64) -> String {
    format!("{} ₫", format_int(amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folding_meets_every_spelling_of_da_nang() {
        assert_eq!(fold("Đà Nẵng"), "da nang");
        assert_eq!(fold("DA NANG"), "da nang");
        assert_eq!(fold("đà nẵng"), fold("Da Nang"));
        // letters with two marks fold fully
        assert_eq!(fold("Hội hữu nghị Việt – Lào"), "hoi huu nghi viet – lao");
        assert_eq!(fold("Quảng Trị"), "quang tri");
    }

    #[test]
    fn search_terms_split_on_punctuation() {
        assert_eq!(search_terms("Việt Nam – Lào"), vec!["viet", "nam", "lao"]);
    }

    #[test]
    fn vietnamese_order_puts_d_stroke_after_d() {
        let mut names = vec![
            "Đồng Nai",
            "Điện Biên",
            "Đắk Lắk",
            "Đà Nẵng",
            "Gia Lai",
            "Dak Test",
            "An Giang",
            "Ăn",
            "Âu",
        ];
        names.sort_by(|a, b| compare(a, b));
        assert_eq!(
            names,
            vec![
                "An Giang",
                "Ăn",
                "Âu",
                "Dak Test",
                "Đà Nẵng",
                "Đắk Lắk",
                "Điện Biên",
                "Đồng Nai",
                "Gia Lai"
            ]
        );
    }

    #[test]
    fn sort_keys_order_like_the_collator() {
        let names = ["Ơn", "Ôm", "Oa", "Ưng", "Uy", "Vĩnh Long", "Đà Nẵng", "Da"];
        for a in names {
            for b in names {
                assert_eq!(sort_key(a).cmp(&sort_key(b)), compare(a, b), "{a} vs {b}");
            }
        }
    }

    #[test]
    fn dates_and_numbers_read_the_vietnamese_way() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).expect("valid date");
        assert_eq!(format_date(d), "01/07/2025");
        assert_eq!(parse_date("01/07/2025"), Ok(d));
        assert_eq!(parse_date("2025-07-01"), Ok(d));
        assert!(parse_date("31/02/2025").is_err());
        assert_eq!(format_int(1234567), "1.234.567");
        assert_eq!(format_int(-1000), "-1.000");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_vnd(2_500_000), "2.500.000 ₫");
    }

    proptest! {
        #[test]
        fn fold_is_idempotent_and_marks_free(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert!(!once.contains('đ'));
        }

        #[test]
        fn format_int_round_trips(n in any::<i64>()) {
            let s = format_int(n).replace('.', "");
            prop_assert_eq!(s.parse::<i64>().ok(), Some(n));
        }
    }
}
