//! A date as people type it: read within its years or refused, never a panic; a date read
//! reads back the same from how the pages write it.
#![no_main]

use chrono::Datelike;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: &str| {
    if let Ok(date) = amity_domain::text::parse_date(typed) {
        assert!(amity_domain::text::WORK_YEARS.contains(&date.year()), "{typed:?}");
        let shown = amity_domain::text::format_date(date);
        assert_eq!(amity_domain::text::parse_date(&shown), Ok(date), "{typed:?} → {shown}");
    }
    let _ = amity_domain::text::parse_historic_date(typed);
    let _ = amity_domain::anniversary::PartialDate::parse(typed);
});
