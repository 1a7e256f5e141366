//! A CSV file sent to an importer (partners, people, aid projects and transactions): read or
//! refused with messages, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|file: &str| {
    let _ = amity_web::api::fuzzing::partner_rows(file);
    let _ = amity_web::api::fuzzing::people_rows(file);
    let _ = amity_web::api::fuzzing::aid_rows(file);
});
