//! UI strings in Vietnamese (default) and English, from Fluent files in `locales/`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use amity_domain::error::Problem;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Bidi isolation marks would show up in plain-text contexts such as <title>.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LazyLock<LanguageIdentifier> =
    LazyLock::new(|| "vi".parse().expect("vi is a language tag"));
static EN: LazyLock<LanguageIdentifier> =
    LazyLock::new(|| "en".parse().expect("en is a language tag"));

/// The vocabularies a stored word may belong to, tried in turn (as `Vocabulary::WHAT`).
const VOCABULARIES: [&str; 16] = [
    "state",
    "type",
    "kind",
    "role",
    "status",
    "channel",
    "direction",
    "procedure",
    "standing",
    "change",
    "category",
    "application_state",
    "project_status",
    "result_kind",
    "award_type",
    "period_kind",
];

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_owned())
    }

    /// A whole number as this language groups its digits (`10.000`, `10,000`); other text as it is.
    fn number(self, value: String) -> String {
        match value.parse::<i64>() {
            Ok(n) if n.unsigned_abs() >= 10_000 => {
                let grouped = amity_domain::text::format_int(n);
                match self {
                    Lang::Vi => grouped,
                    Lang::En => grouped.replace('.', ","),
                }
            }
            _ => value,
        }
    }

    /// The label of a stored code (a role, or a word of one of the vocabularies), `field`
    /// naming the vocabulary when it is known; `None` when `code` is no such word.
    pub fn code_label(self, field: &str, code: &str) -> Option<String> {
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return None;
        }
        if let Ok(role) = code.parse::<amity_domain::user::Role>() {
            return Some(self.t(&format!("role-{}", role.as_str().replace('_', "-"))));
        }
        let dashed = code.replace('_', "-");
        std::iter::once(field)
            .chain(VOCABULARIES)
            .map(|what| format!("vocab-{what}-{dashed}"))
            .find_map(|key| {
                let said = self.t(&key);
                (said != key).then_some(said)
            })
    }

    /// A kind of record (`ngo_application`) as people call it; `None` when it has no label.
    pub fn record_kind(self, kind: &str) -> Option<String> {
        LOCALES.try_lookup(
            self.id(),
            &format!("audit-entity-{}", kind.replace('_', "-")),
        )
    }

    /// A column or field as people call it (`start_on` → "Từ ngày"); the name itself when it
    /// has no label.
    pub fn field_label(self, field: &str) -> String {
        let dashed = field.replace('_', "-");
        // An indicator's values are recorded under its code.
        let indicator = amity_domain::indicator::CATALOGUE
            .iter()
            .find(|i| i.code == field)
            .or_else(|| amity_domain::report::manual_indicator(field))
            .map(|i| match self {
                Lang::Vi => i.name_vi.to_owned(),
                Lang::En => i.name_en.to_owned(),
            });
        [format!("audit-field-{dashed}"), format!("field-{dashed}")]
            .into_iter()
            .find_map(|key| LOCALES.try_lookup(self.id(), &key))
            .or(indicator)
            .unwrap_or_else(|| field.to_owned())
    }

    /// A refused value named by its field's label, in this language (`Năm: …`); a field
    /// without a label of its own gives the problem alone.
    pub fn field_problem(self, error: &amity_domain::error::FieldError) -> String {
        let key = match error.field.as_str() {
            "type" => "field-event-type".to_owned(),
            "sort" => "sort-label".to_owned(),
            "q" => "search-label".to_owned(),
            field => format!("field-{field}"),
        };
        let problem = self.problem(&error.problem);
        let audit_key = format!("audit-field-{}", error.field.replace('_', "-"));
        match LOCALES
            .try_lookup(self.id(), &key)
            .or_else(|| LOCALES.try_lookup(self.id(), &audit_key))
        {
            Some(label) => format!("{label}: {problem}"),
            None => problem,
        }
    }

    /// A validation problem in this language (`problem-*` messages with their arguments); one
    /// that has no code of its own yet is shown as it was written.
    pub fn problem(self, problem: &Problem) -> String {
        match problem {
            Problem::Text(text) => return text.clone(),
            Problem::InLeg { leg, problem } => {
                let args = HashMap::from([
                    (Cow::Borrowed("leg"), FluentValue::from(leg.to_string())),
                    (
                        Cow::Borrowed("detail"),
                        FluentValue::from(self.problem(problem)),
                    ),
                ]);
                return LOCALES
                    .try_lookup_with_args(self.id(), "problem-in-leg", &args)
                    .unwrap_or_else(|| problem.to_string());
            }
            _ => {}
        }
        let (code, args) = problem.code();
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .into_iter()
            .map(|(name, value)| {
                // Bounds are written as numbers; what the person typed, record ids, names and
                // periods as they are.
                let value = if matches!(name, "min" | "max") {
                    self.number(value)
                } else {
                    value
                };
                (Cow::Borrowed(name), FluentValue::from(value))
            })
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), &format!("problem-{code}"), &args)
            .unwrap_or_else(|| problem.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(ftl: &str) -> BTreeSet<String> {
        ftl.lines()
            .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
            .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn a_refused_filter_is_named_by_its_label() {
        let e = amity_domain::error::FieldError::new(
            "year",
            Problem::NotANumber {
                value: "abc".into(),
            },
        );
        let said = Lang::Vi.field_problem(&e);
        assert!(said.starts_with("Năm: ") && said.contains("abc"), "{said}");
        assert!(!said.contains("year"), "{said}");
    }

    #[test]
    fn every_rule_is_worded_in_both_languages() {
        for rule in amity_domain::error::Rule::ALL {
            for lang in [Lang::Vi, Lang::En] {
                let said = lang.problem(&Problem::Broken(*rule));
                assert_ne!(said, rule.english(), "{rule:?} has no {lang:?} message");
            }
        }
        assert!(
            Lang::Vi
                .problem(&Problem::Broken(amity_domain::error::Rule::GiveReason))
                .contains("lý do")
        );
    }

    #[test]
    fn problems_are_worded_in_the_readers_language_with_their_values() {
        let date = Problem::NotADate {
            value: "31/13/2026".into(),
        };
        assert!(
            Lang::Vi
                .problem(&date)
                .contains("“31/13/2026” không phải là ngày")
        );
        assert!(
            Lang::En
                .problem(&date)
                .contains("“31/13/2026” is not a date")
        );
        let range = Problem::OutOfRange { min: 1, max: 10000 };
        assert_eq!(Lang::Vi.problem(&range), "Nhập một số từ 1 đến 10.000");
        assert_eq!(Lang::En.problem(&range), "Enter a number from 1 to 10,000");
        let choice = Problem::NotAChoice {
            what: "type",
            value: String::new(),
            expected: vec!["friendship_exchange"],
        };
        assert!(
            !Lang::Vi.problem(&choice).contains("friendship_exchange"),
            "no code reaches a person"
        );
        assert!(
            choice.to_string().contains("friendship_exchange"),
            "the API lists them"
        );
        let leg = Problem::LegOutsideDates { leg: 2 };
        assert!(
            Lang::Vi.problem(&leg).starts_with("Chặng 2:"),
            "{}",
            Lang::Vi.problem(&leg)
        );
        assert_eq!(
            leg.to_string(),
            "leg 2: falls outside the delegation's dates"
        );
        let missing = Problem::NoSuchRecord {
            kind: "partner",
            id: 999_999,
        };
        assert_eq!(missing.to_string(), "partner 999999 does not exist");
        assert!(
            Lang::Vi.problem(&missing).contains("(số 999999)")
                && !Lang::Vi.problem(&missing).contains("partner"),
            "the id as given, no English kind"
        );
        let text = Problem::Text("as written".into());
        assert_eq!(Lang::Vi.problem(&text), "as written");
    }

    #[test]
    fn no_key_is_missing_in_either_language() {
        let vi = keys(include_str!("../locales/vi/main.ftl"));
        let en = keys(include_str!("../locales/en/main.ftl"));
        assert!(vi.len() > 50, "the catalogue looks truncated: {}", vi.len());
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(
            only_vi.is_empty() && only_en.is_empty(),
            "missing in English: {only_vi:?}; missing in Vietnamese: {only_en:?}"
        );
    }

    #[test]
    fn every_key_the_templates_use_exists() {
        let vi = keys(include_str!("../locales/vi/main.ftl"));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).expect("templates folder") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("template text");
            for part in text.split(".t(\"").skip(1) {
                let key = part.split('"').next().unwrap_or_default();
                if !vi.contains(key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
            // The form-field macro takes its label key as the fourth argument.
            for call in text.split("f::text_field(").skip(1) {
                let key = call
                    .split(',')
                    .nth(4)
                    .unwrap_or_default()
                    .trim()
                    .trim_matches('"');
                if !vi.contains(key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
    }

    #[test]
    fn every_audit_action_has_a_label() {
        let vi = keys(include_str!("../locales/vi/main.ftl"));
        for action in amity_store::audit::AuditAction::ALL {
            let key = format!("action-{}", action.as_str().replace('_', "-"));
            assert!(
                vi.contains(&key),
                "no label for the audit action {}",
                action.as_str()
            );
        }
    }

    #[test]
    fn every_timeline_entry_kind_has_a_label() {
        let vi = keys(include_str!("../locales/vi/main.ftl"));
        for kind in amity_store::timeline::EntryKind::ALL {
            assert!(
                vi.contains(kind.label_key()),
                "no label for the timeline entry {kind:?}"
            );
        }
    }

    fn labels_of<T: amity_domain::partner::Vocabulary>(
        vi: &BTreeSet<String>,
        missing: &mut Vec<String>,
    ) {
        for v in T::ALL {
            let key = format!("vocab-{}-{}", T::WHAT, v.as_str().replace('_', "-"));
            if !vi.contains(&key) {
                missing.push(key);
            }
        }
    }

    #[test]
    fn every_activity_vocabulary_has_labels() {
        use amity_domain::activity::*;
        use amity_domain::partner::Vocabulary;
        let vi = keys(include_str!("../locales/vi/main.ftl"));
        let mut missing = Vec::new();
        labels_of::<Direction>(&vi, &mut missing);
        labels_of::<DelegationState>(&vi, &mut missing);
        labels_of::<MemberRole>(&vi, &mut missing);
        labels_of::<EventType>(&vi, &mut missing);
        labels_of::<Channel>(&vi, &mut missing);
        for to in DelegationState::ALL
            .iter()
            .filter(|s| **s != DelegationState::Draft)
        {
            let key = format!("move-{}", to.as_str());
            if !vi.contains(&key) {
                missing.push(key);
            }
        }
        assert!(missing.is_empty(), "no label for {missing:?}");
    }

    #[test]
    fn lookups_differ_by_language() {
        assert_eq!(Lang::Vi.t("nav-home"), "Trang chủ");
        assert_eq!(Lang::En.t("nav-home"), "Home");
        assert_eq!(Lang::En.t("no-such-key"), "no-such-key");
    }
}
