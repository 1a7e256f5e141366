//! Validation errors that name the field at fault, each problem as a code and its arguments.
//!
//! A [`Problem`] is worded where it is shown: in English in the API's error envelope (its
//! `Display`), in the reader's language on the pages (the web crate's `problem-*` messages).

use std::fmt;

use chrono::NaiveDate;

use serde::Serialize;
use serde::ser::SerializeStruct;

/// What is wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A value that must be given was left blank.
    Required,
    /// A text left blank (or only spaces).
    Empty,
    /// Not a date as people write one.
    NotADate { value: String },
    /// Not a whole number.
    NotANumber { value: String },
    /// A count that cannot be below zero.
    Negative,
    /// A number outside the range it must fall in.
    OutOfRange { min: i64, max: i64 },
    /// An end before the start.
    EndsBeforeStart,
    /// Not a country's two-letter code.
    NotACountry { value: String },
    /// Not one of the values a list offers (`what` names the list, `expected` its values).
    NotAChoice {
        what: &'static str,
        value: String,
        expected: Vec<&'static str>,
    },
    /// Not the id of a record of the kind the field takes.
    NotARecord { value: String },
    /// More foreign participants than participants.
    ExceedsParticipants,
    /// Connected sites given for an event held in person.
    SitesNeedOnline,
    /// A delegation named more than one head.
    OneHead,
    /// A record chosen by id that does not exist (`kind` names it in English).
    NoSuchRecord { kind: &'static str, id: i64 },
    /// A person named twice among a delegation's members.
    PersonTwice,
    /// A leg of an itinerary (counted from 1) that ends before it starts.
    LegEndsBeforeStart { leg: usize },
    /// A leg of an itinerary (counted from 1) outside the delegation's dates.
    LegOutsideDates { leg: usize },
    /// Not an amount of money as written (digits, with . for decimals).
    NotAnAmount { value: String },
    /// Not a three-letter currency code.
    NotACurrency { value: String },
    /// An exchange rate given for an amount in đồng.
    NoRateForVnd,
    /// A foreign amount without the rate to đồng used.
    RateNeeded { currency: String },
    /// An exchange rate of zero or below.
    RateNotPositive,
    /// Not one of the fields a list sorts by (`fields`, as the API names them).
    NotASort { value: String, fields: String },
    /// Not a plan task's evidence as written (`kind:number`).
    NotEvidence { value: String },
    /// An agreement with no party named.
    NoParty,
    /// A partner given no name in any script.
    PartnerNeedsName,
    /// A web address that does not start with http:// or https://.
    NotAWebAddress,
    /// A problem with one leg of an itinerary (counted from 1).
    InLeg { leg: usize, problem: Box<Problem> },
    /// A delegation member given both or neither of a person's id and a name.
    PersonIdOrName,
    /// A rule broken, which needs no values to be said.
    Broken(Rule),
    /// A problem worded in each language by its code (`problem-` and the code in the
    /// locales), with the values the wording names.
    Said {
        code: &'static str,
        args: Vec<(&'static str, String)>,
    },
    /// A problem not yet given its own code, as written (in English).
    Text(String),
}

/// A problem worded from the locales by `code`, with its named values.
pub fn said<const N: usize>(code: &'static str, args: [(&'static str, String); N]) -> Problem {
    Problem::Said {
        code,
        args: args.into(),
    }
}

impl Problem {
    /// The message's name (`problem-` and this) and its arguments, for the pages to word.
    pub fn code(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Problem::Required => ("required", vec![]),
            Problem::Empty => ("required", vec![]),
            Problem::NotADate { value } => ("not-a-date", vec![("value", value.clone())]),
            Problem::NotANumber { value } => ("not-a-number", vec![("value", value.clone())]),
            Problem::Negative => ("negative", vec![]),
            Problem::OutOfRange { min, max } => (
                "out-of-range",
                vec![("min", min.to_string()), ("max", max.to_string())],
            ),
            Problem::EndsBeforeStart => ("ends-before-start", vec![]),
            Problem::NotACountry { value } => ("not-a-country", vec![("value", value.clone())]),
            Problem::NotAChoice { value, .. } => ("not-a-choice", vec![("value", value.clone())]),
            Problem::NotARecord { value } => ("not-a-record", vec![("value", value.clone())]),
            Problem::ExceedsParticipants => ("exceeds-participants", vec![]),
            Problem::SitesNeedOnline => ("sites-need-online", vec![]),
            Problem::NoSuchRecord { id, .. } => ("no-such-record", vec![("id", id.to_string())]),
            Problem::OneHead => ("one-head", vec![]),
            Problem::PersonTwice => ("person-twice", vec![]),
            Problem::LegEndsBeforeStart { leg } => {
                ("leg-ends-before-start", vec![("leg", leg.to_string())])
            }
            Problem::LegOutsideDates { leg } => {
                ("leg-outside-dates", vec![("leg", leg.to_string())])
            }
            Problem::NotAnAmount { value } => ("not-an-amount", vec![("value", value.clone())]),
            Problem::NotACurrency { value } => ("not-a-currency", vec![("value", value.clone())]),
            Problem::NoRateForVnd => ("no-rate-for-vnd", vec![]),
            Problem::RateNeeded { currency } => ("rate-needed", vec![("value", currency.clone())]),
            Problem::RateNotPositive => ("rate-not-positive", vec![]),
            Problem::NotEvidence { value } => ("not-evidence", vec![("value", value.clone())]),
            Problem::NotASort { value, .. } => ("not-a-sort", vec![("value", value.clone())]),
            Problem::NoParty => ("no-party", vec![]),
            Problem::PartnerNeedsName => ("partner-needs-name", vec![]),
            Problem::NotAWebAddress => ("not-a-web-address", vec![]),
            Problem::InLeg { leg, problem } => (
                "in-leg",
                vec![("leg", leg.to_string()), ("detail", problem.to_string())],
            ),
            Problem::PersonIdOrName => ("person-id-or-name", vec![]),
            Problem::Broken(rule) => (rule.code(), vec![]),
            Problem::Said { code, args } => (code, args.clone()),
            Problem::Text(_) => ("text", vec![]),
        }
    }
}

/// A rule a record breaks, with no values to show: each has its message on the pages
/// (`problem-` and its code) and its English for the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// give partner_id or organization, not both
    PartnerOrOrganization,
    /// name the position held at that organization
    NamePosition,
    /// choose a partner or name the organization
    ChoosePartnerOrOrganization,
    /// the deputy must differ from the lead
    DeputyDiffers,
    /// name at least one unit to merge
    MergeNeedsUnits,
    /// a unit is listed twice
    UnitTwice,
    /// a unit cannot be merged into itself
    MergeIntoItself,
    /// a merge into a new unit needs at least two units
    MergeNeedsTwo,
    /// a split needs at least two resulting units
    SplitNeedsTwo,
    /// each share must be above 0 and at most 1
    ShareRange,
    /// give the reason
    GiveReason,
    /// cannot be in the future
    NotInFuture,
    /// name the permit to extend or amend
    NamePermit,
    /// this procedure concerns no existing permit
    NoPermitForProcedure,
    /// say what the NGO asks for
    SayRequest,
    /// write up to 40 letters A–Z, digits or - _ . /
    ProjectCode,
    /// name the NGO that funds it
    NameFunder,
    /// name at least one province the permit covers
    NameProvince,
    /// write 2 to 20 letters A–Z, digits or dashes, starting with a letter or digit (e.g. BC-NAM)
    FormCode,
    /// only a done task has a completion date
    OnlyDoneHasDate,
    /// must be an email address like name@example.org
    NotAnEmail,
    /// a project is not its own programme
    NotOwnProgramme,
    /// a unit cannot be its own parent
    OwnParent,
    /// the new parent lies under this unit
    ParentUnderUnit,
    /// a unit created by a structural change starts on the change's date
    StartsOnChangeDate,
    /// this unit is not a cluster
    NotACluster,
    /// this period has not begun
    PeriodNotBegun,
    /// not a calendar year
    NotAYear,
    /// the file has no name
    FileHasNoName,
    /// the file is empty
    FileEmpty,
}

impl Rule {
    /// Every rule, for checking that each is worded.
    pub const ALL: &'static [Rule] = &[
        Rule::PartnerOrOrganization,
        Rule::NamePosition,
        Rule::ChoosePartnerOrOrganization,
        Rule::DeputyDiffers,
        Rule::MergeNeedsUnits,
        Rule::UnitTwice,
        Rule::MergeIntoItself,
        Rule::MergeNeedsTwo,
        Rule::SplitNeedsTwo,
        Rule::ShareRange,
        Rule::GiveReason,
        Rule::NotInFuture,
        Rule::NamePermit,
        Rule::NoPermitForProcedure,
        Rule::SayRequest,
        Rule::ProjectCode,
        Rule::NameFunder,
        Rule::NameProvince,
        Rule::FormCode,
        Rule::OnlyDoneHasDate,
        Rule::NotAnEmail,
        Rule::NotOwnProgramme,
        Rule::OwnParent,
        Rule::ParentUnderUnit,
        Rule::StartsOnChangeDate,
        Rule::NotACluster,
        Rule::PeriodNotBegun,
        Rule::NotAYear,
        Rule::FileHasNoName,
        Rule::FileEmpty,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::PartnerOrOrganization => "partner-or-organization",
            Rule::NamePosition => "name-position",
            Rule::ChoosePartnerOrOrganization => "choose-partner-or-organization",
            Rule::DeputyDiffers => "deputy-differs",
            Rule::MergeNeedsUnits => "merge-needs-units",
            Rule::UnitTwice => "unit-twice",
            Rule::MergeIntoItself => "merge-into-itself",
            Rule::MergeNeedsTwo => "merge-needs-two",
            Rule::SplitNeedsTwo => "split-needs-two",
            Rule::ShareRange => "share-range",
            Rule::GiveReason => "give-reason",
            Rule::NotInFuture => "not-in-future",
            Rule::NamePermit => "name-permit",
            Rule::NoPermitForProcedure => "no-permit-for-procedure",
            Rule::SayRequest => "say-request",
            Rule::ProjectCode => "project-code",
            Rule::NameFunder => "name-funder",
            Rule::NameProvince => "name-province",
            Rule::FormCode => "form-code",
            Rule::OnlyDoneHasDate => "only-done-has-date",
            Rule::NotAnEmail => "not-an-email",
            Rule::NotOwnProgramme => "not-own-programme",
            Rule::OwnParent => "own-parent",
            Rule::ParentUnderUnit => "parent-under-unit",
            Rule::StartsOnChangeDate => "starts-on-change-date",
            Rule::NotACluster => "not-a-cluster",
            Rule::PeriodNotBegun => "period-not-begun",
            Rule::NotAYear => "not-a-year",
            Rule::FileHasNoName => "file-has-no-name",
            Rule::FileEmpty => "file-empty",
        }
    }

    /// The English wording, for the API and the logs.
    pub fn english(self) -> &'static str {
        match self {
            Rule::PartnerOrOrganization => "give partner_id or organization, not both",
            Rule::NamePosition => "name the position held at that organization",
            Rule::ChoosePartnerOrOrganization => "choose a partner or name the organization",
            Rule::DeputyDiffers => "the deputy must differ from the lead",
            Rule::MergeNeedsUnits => "name at least one unit to merge",
            Rule::UnitTwice => "a unit is listed twice",
            Rule::MergeIntoItself => "a unit cannot be merged into itself",
            Rule::MergeNeedsTwo => "a merge into a new unit needs at least two units",
            Rule::SplitNeedsTwo => "a split needs at least two resulting units",
            Rule::ShareRange => "each share must be above 0 and at most 1",
            Rule::GiveReason => "give the reason",
            Rule::NotInFuture => "cannot be in the future",
            Rule::NamePermit => "name the permit to extend or amend",
            Rule::NoPermitForProcedure => "this procedure concerns no existing permit",
            Rule::SayRequest => "say what the NGO asks for",
            Rule::ProjectCode => "write up to 40 letters A–Z, digits or - _ . /",
            Rule::NameFunder => "name the NGO that funds it",
            Rule::NameProvince => "name at least one province the permit covers",
            Rule::FormCode => {
                "write 2 to 20 letters A–Z, digits or dashes, starting with a letter or digit (e.g. BC-NAM)"
            }
            Rule::OnlyDoneHasDate => "only a done task has a completion date",
            Rule::NotAnEmail => "must be an email address like name@example.org",
            Rule::NotOwnProgramme => "a project is not its own programme",
            Rule::OwnParent => "a unit cannot be its own parent",
            Rule::ParentUnderUnit => "the new parent lies under this unit",
            Rule::StartsOnChangeDate => {
                "a unit created by a structural change starts on the change's date"
            }
            Rule::NotACluster => "this unit is not a cluster",
            Rule::PeriodNotBegun => "this period has not begun",
            Rule::NotAYear => "not a calendar year",
            Rule::FileHasNoName => "the file has no name",
            Rule::FileEmpty => "the file is empty",
        }
    }
}

impl From<Rule> for Problem {
    fn from(rule: Rule) -> Self {
        Problem::Broken(rule)
    }
}

/// The English wording, for the API and the logs.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Required => f.write_str("is required"),
            Problem::Empty => f.write_str("must not be empty"),
            Problem::NotADate { value } => {
                write!(f, "“{value}” is not a date (use dd/mm/yyyy or yyyy-mm-dd)")
            }
            Problem::NotANumber { value } => write!(f, "“{value}” is not a number"),
            Problem::Negative => f.write_str("must not be negative"),
            Problem::OutOfRange { min, max } => write!(f, "give a number from {min} to {max}"),
            Problem::EndsBeforeStart => f.write_str("ends before it starts"),
            Problem::NotACountry { value } => {
                write!(f, "“{value}” is not a two-letter ISO country code")
            }
            Problem::NotAChoice {
                what,
                value,
                expected,
            } => write!(
                f,
                "unknown {what} “{value}” (expected one of: {})",
                expected.join(", ")
            ),
            Problem::NotARecord { value } => write!(f, "“{value}” is not a record of this kind"),
            Problem::ExceedsParticipants => f.write_str("cannot exceed the participants"),
            Problem::SitesNeedOnline => {
                f.write_str("only an online or hybrid event has connected sites")
            }
            Problem::NoSuchRecord { kind, id } => write!(f, "{kind} {id} does not exist"),
            Problem::OneHead => f.write_str("a delegation has one head"),
            Problem::PersonTwice => f.write_str("each person appears once"),
            Problem::LegEndsBeforeStart { leg } => write!(f, "leg {leg}: ends before it starts"),
            Problem::LegOutsideDates { leg } => {
                write!(f, "leg {leg}: falls outside the delegation's dates")
            }
            Problem::NotAnAmount { value } => {
                write!(
                    f,
                    "“{value}” is not an amount (write digits, with . for decimals)"
                )
            }
            Problem::NotACurrency { value } => {
                write!(f, "“{value}” is not a currency code like VND, USD or EUR")
            }
            Problem::NoRateForVnd => f.write_str("an amount in VND takes no exchange rate"),
            Problem::RateNeeded { currency } => {
                write!(f, "give the exchange rate used from {currency} to VND")
            }
            Problem::RateNotPositive => f.write_str("the exchange rate must be positive"),
            Problem::NotASort { value, fields } => write!(
                f,
                "cannot sort by “{value}” (use {fields}, with - for descending)"
            ),
            Problem::NotEvidence { value } => write!(
                f,
                "“{value}” is not kind:number (delegation:12, event:5 or agreement_task:3)"
            ),
            Problem::NoParty => f.write_str("name at least one party"),
            Problem::PartnerNeedsName => f.write_str(
                "give the partner at least one name (Vietnamese, Latin-script or in its own script)",
            ),
            Problem::NotAWebAddress => f.write_str("must start with http:// or https://"),
            Problem::InLeg { leg, problem } => write!(f, "leg {leg}: {problem}"),
            Problem::PersonIdOrName => {
                f.write_str("give each member a person_id or a name, not both")
            }
            Problem::Broken(rule) => f.write_str(rule.english()),
            Problem::Said { code, args } => {
                f.write_str(code)?;
                for (name, value) in args {
                    write!(f, " {name}={value}")?;
                }
                Ok(())
            }
            Problem::Text(text) => f.write_str(text),
        }
    }
}

impl From<String> for Problem {
    fn from(text: String) -> Self {
        Problem::Text(text)
    }
}

impl From<&str> for Problem {
    fn from(text: &str) -> Self {
        Problem::Text(text.to_owned())
    }
}

impl From<Problem> for String {
    fn from(problem: Problem) -> Self {
        problem.to_string()
    }
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: impl Into<String>, problem: impl Into<Problem>) -> Self {
        FieldError {
            field: field.into(),
            problem: problem.into(),
        }
    }

    /// The problem in English.
    pub fn detail(&self) -> String {
        self.problem.to_string()
    }
}

/// As the API's error envelope shows it: `{"detail", "field"}`, the detail in English.
impl Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("FieldError", 2)?;
        out.serialize_field("field", &self.field)?;
        out.serialize_field("detail", &self.detail())?;
        out.end()
    }
}

/// Input that failed validation: every problem found, each naming its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.problem)).collect::<Vec<_>>().join("; "))]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn field(field: impl Into<String>, problem: impl Into<Problem>) -> Self {
        Self(vec![FieldError::new(field, problem)])
    }

    /// The same problems with `from` reported under `to` (a form whose input is named
    /// differently from the draft's field).
    pub fn renamed(mut self, from: &str, to: &str) -> Self {
        for e in &mut self.0 {
            if e.field == from {
                e.field = to.to_owned();
            }
        }
        self
    }
}

/// Collects field errors while a whole input is checked, so the user sees all of them at once.
#[derive(Debug, Default)]
pub struct Checker(Vec<FieldError>);

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    /// A date that may be left blank (`None`), written `dd/mm/yyyy` or `yyyy-mm-dd`; the outer
    /// `None` means it was refused.
    pub fn optional_date(&mut self, field: &str, value: &str) -> Option<Option<NaiveDate>> {
        match value.trim() {
            "" => Some(None),
            d => self.check(field, crate::text::parse_date(d).map(Some)),
        }
    }

    /// Record ids chosen in a list (blanks skipped): each must be a whole number.
    pub fn record_ids(&mut self, field: &str, values: &[String]) -> Vec<i64> {
        values
            .iter()
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .filter_map(|v| {
                self.check(
                    field,
                    v.parse::<i64>().map_err(|_| Problem::NotARecord {
                        value: v.to_owned(),
                    }),
                )
            })
            .collect()
    }

    /// Keeps the value when `result` is Ok, records the problem under `field` otherwise.
    pub fn check<T, E: Into<Problem>>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(problem) => {
                self.0.push(FieldError::new(field, problem));
                None
            }
        }
    }

    /// A value that must be given, read by `parse`: "is required" under `field` when absent or
    /// empty, the reason it cannot be read otherwise.
    pub fn required<T, E: Into<Problem>>(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        match value {
            None | Some("") => {
                self.push(field, Problem::Required);
                None
            }
            Some(v) => self.check(field, parse(v)),
        }
    }

    pub fn push(&mut self, field: &str, problem: impl Into<Problem>) {
        self.0.push(FieldError::new(field, problem));
    }

    pub fn finish(self) -> Result<(), Invalid> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Invalid(self.0))
        }
    }
}
