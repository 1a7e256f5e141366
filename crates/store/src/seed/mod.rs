//! What a database starts with: the reference structure and countries ([`reference`]), and on
//! request the demo federation ([`demo`]).

mod demo;
mod living;
mod reference;

pub use demo::{DemoOutcome, demo, demo_facts, demo_password};
pub use reference::{
    Provinces, base_structure, ensure_countries, era_63_start, import_provinces, merger_date,
};
