//! The OECD DAC 5-digit sectors, from the IATI 2.03 codelist shipped in `data/reference/iati`.

use std::sync::LazyLock;

use serde::Serialize;

const CODELIST: &str = include_str!("../../../data/reference/iati/codelist-Sector.csv");

/// A sector of the codelist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Sector {
    pub code: String,
    pub name: String,
    /// The DAC 3-digit category.
    pub category: String,
    /// Withdrawn codes are kept for old records; new records take active ones only.
    pub active: bool,
}

static SECTORS: LazyLock<Vec<Sector>> = LazyLock::new(|| {
    #[derive(serde::Deserialize, utoipa::ToSchema)]
    struct Row {
        code: String,
        name: String,
        category: String,
        status: String,
    }
    csv::Reader::from_reader(CODELIST.as_bytes())
        .deserialize::<Row>()
        .filter_map(Result::ok)
        .map(|r| Sector {
            code: r.code,
            name: r.name,
            category: r.category,
            active: r.status == "active",
        })
        .collect()
});

/// Every sector of the codelist, in code order.
pub fn all() -> &'static [Sector] {
    &SECTORS
}

/// A sector by its code.
pub fn get(code: &str) -> Option<&'static Sector> {
    SECTORS.iter().find(|s| s.code == code)
}

/// The first of `codes` that is not an active sector, with why.
pub fn refuse_unknown<'a>(codes: impl IntoIterator<Item = &'a String>) -> Option<String> {
    codes.into_iter().find_map(|c| match get(c) {
        None => Some(format!("“{c}” is not a DAC sector code")),
        Some(s) if !s.active => Some(format!("the sector {c} ({}) is withdrawn", s.name)),
        Some(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codelist_loads_every_sector() {
        assert_eq!(all().len(), 325);
        assert_eq!(all().iter().filter(|s| s.active).count(), 295);
        assert_eq!(get("11110").map(|s| s.category.as_str()), Some("111"));
        assert!(refuse_unknown(&["11110".to_owned()]).is_none());
        assert!(refuse_unknown(&["99999".to_owned()]).is_some());
    }
}
