//! An amount as people type it: read or refused with a reason, never a panic; an amount read
//! reads back the same from how the pages show it (`1.234.567,5`), as when a form is sent again.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|typed: &str| {
    if let Ok(amount) = amity_domain::money::read_amount(typed) {
        let shown = amity_domain::money::format_amount(&amount);
        assert_eq!(amity_domain::money::read_amount(&shown), Ok(amount), "{typed:?} → {shown:?}");
    }
});
