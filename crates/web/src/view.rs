//! What every page template gets: language, the signed-in user, CSRF token, formatting, links.

use std::collections::HashMap;

use amity_domain::error::FieldError;
use amity_domain::text::{format_date, format_int};
use amity_domain::user::Role;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::NaiveDate;

use crate::i18n::Lang;
use crate::session::{CurrentUser, LOGIN_CSRF_COOKIE};

pub const LANG_COOKIE: &str = "amity_lang";

/// A computed figure (possibly fractional once restated) as Vietnamese readers write it:
/// `1.234,5`.
pub fn figure(v: f64) -> String {
    use rust_decimal::prelude::FromPrimitive;
    rust_decimal::Decimal::from_f64(v)
        .map(|d| amity_domain::money::format_amount(&d.round_dp(2)))
        .unwrap_or_else(|| v.to_string())
}

/// A change: `+3`, `-1,5` or `0`.
pub fn signed(v: f64) -> String {
    if v > 0.0 {
        format!("+{}", figure(v))
    } else {
        figure(v)
    }
}

/// Page links, built in one place.
pub mod path {
    pub const HOME: &str = "/";
    pub const LOGIN: &str = "/login";
    pub const LOGOUT: &str = "/logout";
    pub const ACCOUNT: &str = "/account";
    pub const ACCOUNT_PASSWORD: &str = "/account/password";
    pub const ORG_TREE: &str = "/org-units";
    pub const ORG_NEW: &str = "/org-units/new";
    pub const MERGE: &str = "/structure/merge";
    pub const SPLIT: &str = "/structure/split";
    pub const AUDIT: &str = "/audit";
    pub const SEARCH: &str = "/search";
    pub const USERS: &str = "/admin/users";
    pub const USER_NEW: &str = "/admin/users/new";
    pub const CSS: &str = "/static/app.css";
    pub const JS: &str = "/static/app.js";
    pub const APPLICATION_NEW: &str = "/applications/new";
    pub const COUNTRIES: &str = "/countries";
    pub const ANNIVERSARIES: &str = "/anniversaries";
    pub const PARTNERS: &str = "/partners";
    pub const PARTNER_NEW: &str = "/partners/new";
    pub const PEOPLE: &str = "/people";
    pub const AGREEMENTS: &str = "/agreements";
    pub const DELEGATIONS: &str = "/delegations";
    pub const DELEGATION_NEW: &str = "/delegations/new";
    pub const EVENTS: &str = "/events";
    pub const EVENT_NEW: &str = "/events/new";
    pub const CALENDAR: &str = "/calendar";
    pub const PERSON_NEW: &str = "/people/new";

    use std::borrow::Borrow;

    // Ids are taken by `Borrow` so templates (which pass references) and code share these.
    pub fn person_edit(id: impl Borrow<i64>) -> String {
        format!("/people/{}/edit", id.borrow())
    }
    pub fn person_positions(id: impl Borrow<i64>) -> String {
        format!("/people/{}/positions", id.borrow())
    }
    pub const REPORTS: &str = "/reports";
    pub const REPORT_FORMS: &str = "/report-forms";
    pub const DASHBOARD: &str = "/dashboard";
    pub const AID: &str = "/aid";
    pub const AID_RATES: &str = "/aid/rates";
    pub const AID_IMPORT: &str = "/aid/import";
    pub const AID_PROJECT_NEW: &str = "/aid/projects/new";
    pub const NGOS: &str = "/ngos";
    pub const APPLICATIONS: &str = "/applications";
    pub const HOLIDAYS: &str = "/holidays";
    pub const PLANS: &str = "/plans";
    pub const EMULATION: &str = "/emulation";
    pub const EMULATION_CRITERIA: &str = "/emulation/criteria";
    pub const EMULATION_POINTS: &str = "/emulation/points";
    pub const AWARDS: &str = "/awards";
    /// The audit trail of one record.
    pub fn audit_of(kind: &str, id: impl Borrow<i64>) -> String {
        format!("/audit?entity_type={kind}&entity_id={}", id.borrow())
    }
    pub fn reports_of_period(period: impl std::fmt::Display) -> String {
        format!("/reports?period={period}")
    }
    pub fn summary_of(unit: impl std::fmt::Display, period: &str, structure: &str) -> String {
        format!("/reports?unit={unit}&period={period}&structure={structure}")
    }
    pub fn periodic_of(form: &str, period: &str) -> String {
        format!("/reports/periodic?form={form}&period={period}")
    }
    pub fn report_form(code: &str) -> String {
        format!("/report-forms/{code}")
    }
    pub fn report_form_delete(code: &str) -> String {
        format!("/report-forms/{code}/delete")
    }
    pub fn aid_project(id: impl Borrow<i64>) -> String {
        format!("/aid/projects/{}", id.borrow())
    }
    pub fn aid_project_edit(id: impl Borrow<i64>) -> String {
        format!("/aid/projects/{}/edit", id.borrow())
    }
    pub fn aid_project_transactions(id: impl Borrow<i64>) -> String {
        format!("/aid/projects/{}/transactions", id.borrow())
    }
    pub fn aid_project_files(id: impl Borrow<i64>) -> String {
        format!("/aid/projects/{}/files", id.borrow())
    }
    pub fn ngo(id: impl Borrow<i64>) -> String {
        format!("/ngos/{}", id.borrow())
    }
    pub fn ngo_work(id: impl Borrow<i64>) -> String {
        format!("/ngos/{}/work", id.borrow())
    }
    pub fn ngo_permits(id: impl Borrow<i64>) -> String {
        format!("/ngos/{}/permits", id.borrow())
    }
    pub fn ngo_permit_changes(id: impl Borrow<i64>, permit: impl Borrow<i64>) -> String {
        format!("/ngos/{}/permits/{}/changes", id.borrow(), permit.borrow())
    }
    pub fn application(id: impl Borrow<i64>) -> String {
        format!("/applications/{}", id.borrow())
    }
    pub fn application_transitions(id: impl Borrow<i64>) -> String {
        format!("/applications/{}/transitions", id.borrow())
    }
    pub fn application_notes(id: impl Borrow<i64>) -> String {
        format!("/applications/{}/notes", id.borrow())
    }
    pub fn holidays_of(year: impl std::fmt::Display) -> String {
        format!("/holidays?year={year}")
    }
    pub fn holiday_delete(date: impl std::fmt::Display) -> String {
        format!("/holidays/{date}/delete")
    }
    pub fn plan(id: impl Borrow<i64>) -> String {
        format!("/plans/{}", id.borrow())
    }
    pub fn plan_priorities(id: impl Borrow<i64>) -> String {
        format!("/plans/{}/priorities", id.borrow())
    }
    pub fn plan_tasks(id: impl Borrow<i64>) -> String {
        format!("/plans/{}/tasks", id.borrow())
    }
    pub fn plan_task(id: impl Borrow<i64>, task: impl Borrow<i64>) -> String {
        format!("/plans/{}/tasks/{}", id.borrow(), task.borrow())
    }
    pub fn emulation_of(cluster: impl Borrow<i64>, year: impl Borrow<i32>) -> String {
        format!(
            "/emulation?cluster={}&year={}",
            cluster.borrow(),
            year.borrow()
        )
    }
    pub fn award_transitions(id: impl Borrow<i64>) -> String {
        format!("/awards/{}/transitions", id.borrow())
    }
    pub fn event_delete(id: impl Borrow<i64>) -> String {
        format!("/events/{}/delete", id.borrow())
    }
    /// The API's addresses a page links to (files and data to download).
    pub fn api_work_plan(id: impl Borrow<i64>) -> String {
        format!("/api/v1/work-plans/{}", id.borrow())
    }
    pub fn api_report(id: impl Borrow<i64>) -> String {
        format!("/api/v1/reports/{}", id.borrow())
    }
    pub fn api_report_export(id: impl Borrow<i64>, format: &str) -> String {
        format!("/api/v1/reports/{}/export.{format}", id.borrow())
    }
    /// A summary as JSON (`format` empty) or exported (`xlsx`, `pdf`, `docx`).
    pub fn api_summary(
        format: &str,
        unit: impl Borrow<i64>,
        period: &str,
        structure: &str,
    ) -> String {
        let file = if format.is_empty() {
            String::new()
        } else {
            format!("/export.{format}")
        };
        format!(
            "/api/v1/reports/summary{file}?unit={}&period={period}&structure={structure}",
            unit.borrow()
        )
    }
    pub fn api_iati(year: impl std::fmt::Display) -> String {
        format!("/api/v1/aid/iati.xml?year={year}")
    }
    pub fn report(id: impl Borrow<i64>) -> String {
        format!("/reports/{}", id.borrow())
    }
    pub fn report_edit(id: impl Borrow<i64>) -> String {
        format!("/reports/{}/edit", id.borrow())
    }
    pub fn report_transitions(id: impl Borrow<i64>) -> String {
        format!("/reports/{}/transitions", id.borrow())
    }
    pub const REPORTS_PERIODIC: &str = "/reports/periodic";
    pub fn delegation(id: impl Borrow<i64>) -> String {
        format!("/delegations/{}", id.borrow())
    }
    pub fn delegation_edit(id: impl Borrow<i64>) -> String {
        format!("/delegations/{}/edit", id.borrow())
    }
    pub fn delegation_transitions(id: impl Borrow<i64>) -> String {
        format!("/delegations/{}/transitions", id.borrow())
    }
    pub fn event(id: impl Borrow<i64>) -> String {
        format!("/events/{}", id.borrow())
    }
    pub fn event_edit(id: impl Borrow<i64>) -> String {
        format!("/events/{}/edit", id.borrow())
    }
    /// Where a record's upload form posts (its CSRF token travels in the query).
    pub fn files_of(record: &str, id: impl Borrow<i64>) -> String {
        format!("/{record}s/{}/files", id.borrow())
    }
    pub fn file(id: impl Borrow<i64>) -> String {
        format!("/api/v1/attachments/{}", id.borrow())
    }
    pub fn file_delete(id: impl Borrow<i64>) -> String {
        format!("/files/{}/delete", id.borrow())
    }
    pub fn agreement(id: impl Borrow<i64>) -> String {
        format!("/agreements/{}", id.borrow())
    }
    pub fn agreement_edit(id: impl Borrow<i64>) -> String {
        format!("/agreements/{}/edit", id.borrow())
    }
    pub fn agreement_renew(id: impl Borrow<i64>) -> String {
        format!("/agreements/{}/renew", id.borrow())
    }
    pub fn agreement_documents(id: impl Borrow<i64>) -> String {
        format!("/agreements/{}/documents", id.borrow())
    }
    pub fn agreement_document_delete(id: impl Borrow<i64>, document: impl Borrow<i64>) -> String {
        format!(
            "/agreements/{}/documents/{}/delete",
            id.borrow(),
            document.borrow()
        )
    }
    pub fn unit(id: impl Borrow<i64>) -> String {
        format!("/org-units/{}", id.borrow())
    }
    pub fn unit_as_of(id: impl Borrow<i64>, date: impl Borrow<chrono::NaiveDate>) -> String {
        format!("/org-units/{}?as_of={}", id.borrow(), date.borrow())
    }
    pub fn unit_edit(id: impl Borrow<i64>) -> String {
        format!("/org-units/{}/edit", id.borrow())
    }
    pub fn unit_contact(id: impl Borrow<i64>) -> String {
        format!("/org-units/{}/contact", id.borrow())
    }
    pub fn unit_close(id: impl Borrow<i64>) -> String {
        format!("/org-units/{}/close", id.borrow())
    }
    pub fn unit_audit(id: impl Borrow<i64>) -> String {
        format!("/audit?entity_type=org_unit&entity_id={}", id.borrow())
    }
    pub fn cluster_roles(id: impl Borrow<i64>) -> String {
        format!("/org-units/{}/cluster-roles", id.borrow())
    }
    pub fn cluster_year(id: impl Borrow<i64>, year: impl Borrow<i32>) -> String {
        format!("/org-units/{}?year={}", id.borrow(), year.borrow())
    }
    /// The CSV export of the structure as of a date, with the tree's filter.
    pub fn org_export(date: &chrono::NaiveDate, q: &str) -> String {
        let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        format!("/api/v1/org-units/export.csv?as_of={date}&q={q}")
    }
    pub fn partner(id: impl Borrow<i64>) -> String {
        format!("/partners/{}", id.borrow())
    }
    pub fn person(id: impl Borrow<i64>) -> String {
        format!("/people/{}", id.borrow())
    }
    pub fn partner_edit(id: impl Borrow<i64>) -> String {
        format!("/partners/{}/edit", id.borrow())
    }
    pub fn partner_agreements(id: impl Borrow<i64>) -> String {
        format!("/partners/{}/agreements", id.borrow())
    }
    pub fn partner_tasks(id: impl Borrow<i64>, agreement: impl Borrow<i64>) -> String {
        format!(
            "/partners/{}/agreements/{}/tasks",
            id.borrow(),
            agreement.borrow()
        )
    }
    pub fn partner_task(
        id: impl Borrow<i64>,
        agreement: impl Borrow<i64>,
        task: impl Borrow<i64>,
    ) -> String {
        format!(
            "/partners/{}/agreements/{}/tasks/{}",
            id.borrow(),
            agreement.borrow(),
            task.borrow()
        )
    }
    pub fn partner_units(id: impl Borrow<i64>) -> String {
        format!("/partners/{}/units", id.borrow())
    }
    pub fn country(code: &str) -> String {
        format!("/countries/{code}")
    }
    pub fn country_levels(code: &str) -> String {
        format!("/countries/{code}/levels")
    }
    /// The calendar of one year.
    pub fn anniversaries(year: i32) -> String {
        format!("/anniversaries?year={year}")
    }
    /// The page of a record (a search hit, a file's record): by its kind and id, or (a country)
    /// its code.
    pub fn record(kind: &str, id: i64, key: &str) -> String {
        match kind {
            "org_unit" => unit(id),
            "user" => user(id),
            "partner" => partner(id),
            "person" => person(id),
            "agreement" => agreement(id),
            "delegation" => delegation(id),
            "event" => event(id),
            "aid_project" => aid_project(id),
            "country" => country(key),
            _ => SEARCH.to_owned(),
        }
    }

    pub fn user(id: impl Borrow<i64>) -> String {
        format!("/admin/users/{}", id.borrow())
    }
    pub fn lang(code: &str) -> String {
        format!("/lang/{code}")
    }
}

/// The context of one page view.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub path: String,
    /// The page follows a form post that succeeded: it says so once.
    pub done: bool,
}

/// Whether a form field takes a date (typed dd/mm/yyyy, or picked).
pub fn is_date_field(name: &str) -> bool {
    matches!(
        name,
        "start_on"
            | "end_on"
            | "date"
            | "effective"
            | "issued_on"
            | "signed_on"
            | "valid_from"
            | "valid_to"
            | "planned_start"
            | "planned_end"
            | "actual_start"
            | "actual_end"
            | "decided_on"
            | "in_force_on"
            | "from"
            | "to"
            | "leg_from"
            | "leg_to"
    )
}

/// Set on the redirect after a successful form post; the next page says "done" and clears it.
pub const DONE_COOKIE: &str = "amity_done";

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let lang = jar
            .get(LANG_COOKIE)
            .and_then(|c| Lang::from_code(c.value()))
            .unwrap_or_default();
        let user = parts.extensions.get::<CurrentUser>().cloned();
        let csrf = match &user {
            Some(u) => u.csrf.clone(),
            None => jar
                .get(LOGIN_CSRF_COOKIE)
                .map(|c| c.value().to_owned())
                .unwrap_or_default(),
        };
        Ok(PageCtx {
            lang,
            user,
            csrf,
            path: parts.uri.path().to_owned(),
            done: jar.get(DONE_COOKIE).is_some(),
        })
    }
}

impl PageCtx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A report period (`2026-Q3`, `2026-H1`, `2025`) as people say it: "Quý 3/2026",
    /// "6 tháng đầu năm 2026"; "Q3 2026", "first half of 2026". Other text as it is.
    pub fn period(&self, label: &str) -> String {
        let (year, part) = label.split_once('-').unwrap_or((label, ""));
        if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return label.to_owned();
        }
        let vi = self.lang == crate::i18n::Lang::Vi;
        match (part, vi) {
            ("", true) => format!("Năm {year}"),
            ("", false) => year.to_owned(),
            ("H1", true) => format!("6 tháng đầu năm {year}"),
            ("H2", true) => format!("6 tháng cuối năm {year}"),
            ("H1", false) => format!("first half of {year}"),
            ("H2", false) => format!("second half of {year}"),
            (q, true) if q.starts_with('Q') => format!("Quý {}/{year}", &q[1..]),
            (q, false) if q.starts_with('Q') => format!("{q} {year}"),
            _ => label.to_owned(),
        }
    }

    pub fn date(&self, d: &NaiveDate) -> String {
        format_date(*d)
    }

    /// An end date, or "now" for an open end.
    pub fn until(&self, d: &Option<NaiveDate>) -> String {
        d.map(format_date).unwrap_or_else(|| self.t("period-open"))
    }

    /// A moment in Vietnam's time (UTC+7 all year): `22/11/2026 14:05`.
    pub fn datetime(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        let vietnam = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset");
        at.with_timezone(&vietnam)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    }

    pub fn action(&self, action: &str) -> String {
        self.t(&format!("action-{}", action.replace('_', "-")))
    }

    /// A partnership level's name, or "—".
    pub fn level(&self, level: &Option<amity_domain::country::PartnershipLevel>) -> String {
        level
            .as_ref()
            .map(|l| self.level_name(l))
            .unwrap_or_else(|| "—".into())
    }

    pub fn level_name(&self, level: &amity_domain::country::PartnershipLevel) -> String {
        self.t(&format!("level-{}", level.as_str().replace('_', "-")))
    }

    /// A date known to the day, month or year, as written (`18/01/1950`, `05/2008`, `1972`), or "—".
    pub fn partial(
        &self,
        date: &Option<chrono::NaiveDate>,
        precision: &Option<amity_domain::anniversary::Precision>,
    ) -> String {
        date.map(|d| {
            amity_domain::anniversary::PartialDate::from_parts(
                d,
                precision.unwrap_or(amity_domain::anniversary::Precision::Day),
            )
            .display()
        })
        .unwrap_or_else(|| "—".into())
    }

    /// The name of a month (1–12), or "the whole year" for 0.
    pub fn month(&self, month: &u32) -> String {
        if *month == 0 {
            self.t("anniversary-whole-year")
        } else {
            format!("{} {month}", self.t("month"))
        }
    }

    /// A vocabulary value's label: `vocab-kind-political-party`, …
    pub fn vocab<T: amity_domain::partner::Vocabulary>(&self, value: &T) -> String {
        self.t(&format!(
            "vocab-{}-{}",
            T::WHAT,
            value.as_str().replace('_', "-")
        ))
    }

    pub fn num(&self, n: &i64) -> String {
        format_int(*n)
    }

    pub fn amount(&self, d: &rust_decimal::Decimal) -> String {
        amity_domain::money::format_amount(d)
    }

    /// A computed figure (possibly fractional once restated) as Vietnamese readers write it.
    pub fn figure(&self, v: &f64) -> String {
        figure(*v)
    }

    /// The Vietnamese or the English of a pair, by the page's language.
    pub fn local<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        if self.lang.code() == "vi" { vi } else { en }
    }

    /// An indicator's name in the page's language.
    pub fn indicator_name(&self, v: &amity_store::report::Value) -> &'static str {
        if self.lang.code() == "vi" {
            v.name_vi
        } else {
            v.name_en
        }
    }

    pub fn kind(&self, kind: &str) -> String {
        self.t(&format!("kind-{}", kind.replace('_', "-")))
    }

    /// The label of a stored code (see [`Lang::code_label`]).
    pub fn code_label(&self, field: &str, code: &str) -> Option<String> {
        self.lang.code_label(field, code)
    }

    /// A partner's name for the reader: its Vietnamese name in Vietnamese, its name in Latin
    /// letters (else the one shown everywhere) in English.
    pub fn partner_name<'p>(&self, p: &'p amity_store::partner::Partner) -> &'p str {
        match self.lang {
            crate::i18n::Lang::En => p.name_latin.as_deref().unwrap_or(&p.name),
            crate::i18n::Lang::Vi => &p.name,
        }
    }

    /// A kind of record as the reader calls it (its code when it has no label).
    pub fn record_kind(&self, kind: &str) -> String {
        self.lang
            .record_kind(kind)
            .unwrap_or_else(|| kind.to_owned())
    }

    /// A world region (as the UN names it in English) in the reader's language.
    pub fn region(&self, name: &str) -> String {
        let slug: String = name
            .to_lowercase()
            .split(|c: char| !c.is_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let key = format!("region-{slug}");
        let said = self.t(&key);
        if said == key { name.to_owned() } else { said }
    }

    /// Text made of parts separated by ` · `, each stored code among them in words.
    pub fn words(&self, text: &str) -> String {
        text.split(" · ")
            .map(|part| self.code_label("", part).unwrap_or_else(|| part.to_owned()))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    pub fn role(&self, role: &Role) -> String {
        self.t(&format!("role-{}", role.as_str().replace('_', "-")))
    }

    pub fn change(&self, kind: &str) -> String {
        self.t(&format!("change-{kind}"))
    }

    pub fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.user.role == Role::SystemAdmin)
    }

    /// Whether the reader is an NGO's applicant, who reaches its applications only.
    pub fn is_applicant(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.user.role == Role::NgoApplicant)
    }

    /// Whether the reader keeps the NGO registry and decides applications.
    pub fn is_ngo_office(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.actor.may(amity_domain::authz::Action::ManageNgos, None))
    }

    pub fn user_name(&self) -> String {
        self.user
            .as_ref()
            .map(|u| u.user.display_name.clone())
            .unwrap_or_default()
    }

    pub fn user_role(&self) -> String {
        self.user
            .as_ref()
            .map(|u| self.role(&u.user.role))
            .unwrap_or_default()
    }

    /// "Whole federation" or "own unit (N units)".
    pub fn scope_label(&self) -> String {
        if self.is_applicant() {
            return self.t("scope-own-ngo");
        }
        match self.user.as_ref().map(|u| &u.actor.read) {
            Some(amity_domain::authz::Scope::All) => self.t("scope-all"),
            Some(amity_domain::authz::Scope::Units(units)) => {
                format!("{} ({})", self.t("scope-units"), units.len())
            }
            None => String::new(),
        }
    }

    pub fn other_lang(&self) -> Lang {
        self.lang.other()
    }

    pub fn nav_class(&self, prefix: &str) -> &'static str {
        let active = if prefix == "/" {
            self.path == "/"
        } else {
            self.path.starts_with(prefix)
        };
        if active { "active" } else { "" }
    }
}

/// Errors of a submitted form, by field, shown next to the fields.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    /// Field → the problem, worded.
    beside: HashMap<String, String>,
    /// Field → the problem named by the field's label, for the list above the form.
    labelled: HashMap<String, String>,
}

impl FormErrors {
    /// Each problem beside its field, worded in `lang`.
    pub fn from_fields(errors: &[FieldError], lang: Lang) -> Self {
        let mut out = FormErrors::default();
        for e in errors {
            let field = if e.field.is_empty() {
                "_".to_owned()
            } else {
                e.field.clone()
            };
            out.beside.insert(field.clone(), lang.problem(&e.problem));
            out.labelled.insert(field, lang.field_problem(e));
        }
        out
    }

    pub fn one(field: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        FormErrors {
            beside: [(field.to_owned(), detail.clone())].into(),
            labelled: [(field.to_owned(), detail)].into(),
        }
    }

    pub fn get(&self, field: &str) -> Option<&String> {
        self.beside.get(field)
    }

    pub fn is_empty(&self) -> bool {
        self.beside.is_empty()
    }

    /// The fields with a problem.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.beside.keys().map(String::as_str)
    }

    /// Messages for fields the form does not show next to an input.
    pub fn general(&self, shown: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = self
            .labelled
            .iter()
            .filter(|(k, _)| !shown.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
            .collect();
        out.sort();
        out
    }
}

/// Renders a page, or a plain 500 if the template itself fails (logged once here).
pub(crate) fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

pub(crate) fn render_status(status: StatusCode, template: &impl Template) -> Response {
    let mut response = render(template);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

#[cfg(test)]
mod tests {
    use super::PageCtx;
    use crate::i18n::Lang;

    #[test]
    fn report_periods_read_as_people_say_them() {
        let ctx = |lang| PageCtx {
            lang,
            user: None,
            csrf: String::new(),
            path: "/".into(),
            done: false,
        };
        let (vi, en) = (ctx(Lang::Vi), ctx(Lang::En));
        let said =
            |c: &PageCtx| ["2025", "2026-H1", "2026-H2", "2026-Q3", "khác"].map(|p| c.period(p));
        assert_eq!(
            said(&vi),
            [
                "Năm 2025",
                "6 tháng đầu năm 2026",
                "6 tháng cuối năm 2026",
                "Quý 3/2026",
                "khác"
            ]
        );
        assert_eq!(
            said(&en),
            [
                "2025",
                "first half of 2026",
                "second half of 2026",
                "Q3 2026",
                "khác"
            ]
        );
    }
}
