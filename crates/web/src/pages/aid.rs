//! Aid pages: the year's foreign-NGO aid in the reader's scope, compared with the year before,
//! by province, sector and donor country (charts with their tables), the projects, one project
//! with its money, and the forms a unit's staff record them by.

use std::str::FromStr;

use amity_domain::aid::{
    Measure, OrgRole, ProjectDraft, ProjectOrg, ProjectResult, ProjectStatus, ResultDraft,
    ResultKind, Share, TransactionDraft, TransactionKind,
};
use amity_domain::authz::Action;
use amity_domain::error::Checker;
use amity_domain::money::format_amount;
use amity_domain::org::OrgKind;
use amity_domain::partner::{PartnerKind, Vocabulary};
use amity_store::aid::{self, Breakdown, Dashboard, Listed, Project, ProjectFilter, Sum};
use amity_store::org::OrgUnit;
use amity_store::partner::{Partner, PartnerFilter};
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use chrono::{Datelike, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

use super::dashboard::{Figure, figure};
use super::{PageResult, after_post, field, render, text_area};
use crate::api::aid_import;
use crate::auth::{Auth, CurrentUser};
use crate::chart::Series;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

#[derive(Debug, Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "aid.html")]
struct AidPage<'a> {
    ctx: &'a PageCtx,
    year: i32,
    dashboard: Dashboard,
    figures: Vec<Figure>,
    projects: Vec<Listed>,
    /// Whether the reader may record a project (for some unit).
    can_record: bool,
}

impl AidPage<'_> {
    fn vnd(&self, s: &Sum) -> String {
        format_amount(&s.vnd)
    }

    fn usd(&self, s: &Sum) -> String {
        format_amount(&s.usd)
    }

    /// The change from the year before, in percent, when there was something before.
    fn change(&self, now: &Sum, before: &Sum) -> String {
        if before.vnd.is_zero() {
            return "—".into();
        }
        let pct = ((now.vnd - before.vnd) * Decimal::ONE_HUNDRED / before.vnd).round_dp(1);
        format!(
            "{}{} %",
            if pct.is_sign_positive() { "+" } else { "" },
            format_amount(&pct)
        )
    }
}

const GREEN: (u8, u8, u8) = (29, 122, 70);
const BLUE: (u8, u8, u8) = (11, 92, 173);

/// Committed and disbursed, in million đồng, for the first 15 of a breakdown.
fn breakdown_figure(
    ctx: &PageCtx,
    title_key: &str,
    list: &[Breakdown],
) -> Result<Figure, amity_store::Error> {
    let top: Vec<&Breakdown> = list.iter().take(15).collect();
    let million = |d: Decimal| (d / Decimal::from(1_000_000)).to_f64().unwrap_or_default();
    figure(
        ctx.t(title_key),
        top.iter().map(|b| b.name.clone()).collect(),
        vec![
            Series {
                name: ctx.t("aid-committed-million"),
                color: BLUE,
                values: top.iter().map(|b| million(b.committed.vnd)).collect(),
            },
            Series {
                name: ctx.t("aid-disbursed-million"),
                color: GREEN,
                values: top.iter().map(|b| million(b.disbursed.vnd)).collect(),
            },
        ],
    )
}

async fn overview(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(q): Query<YearQuery>,
) -> PageResult {
    let mut year = q.year.unwrap_or_else(|| Utc::now().year());
    let mut conn = state.db.conn().await?;
    let mut dashboard = aid::dashboard(&mut conn, &me.actor, None, year).await?;
    // Unless a year is asked for, the latest of the last five with money to show.
    let empty = |d: &aid::Dashboard| d.committed.vnd.is_zero() && d.disbursed.vnd.is_zero();
    if q.year.is_none() {
        for earlier in (year - 5..year).rev() {
            if !empty(&dashboard) {
                break;
            }
            let found = aid::dashboard(&mut conn, &me.actor, None, earlier).await?;
            if !empty(&found) {
                (year, dashboard) = (earlier, found);
            }
        }
    }
    let (projects, _) = aid::list(
        &mut conn,
        &me.actor,
        &ProjectFilter {
            year: Some(year),
            ..Default::default()
        },
        500,
        0,
    )
    .await?;
    let mut figures = Vec::new();
    for (key, list) in [
        ("aid-by-unit", &dashboard.by_unit),
        ("aid-by-sector", &dashboard.by_sector),
        ("aid-by-country", &dashboard.by_country),
    ] {
        if !list.is_empty() {
            figures.push(breakdown_figure(&ctx, key, list)?);
        }
    }
    let can_record = me
        .actor
        .unit_id
        .is_some_and(|u| me.actor.may(Action::Write, Some(u)));
    Ok(render(&AidPage {
        ctx: &ctx,
        year,
        dashboard,
        figures,
        projects,
        can_record,
    }))
}

#[derive(Template)]
#[template(path = "aid_project.html")]
struct ProjectPage<'a> {
    ctx: &'a PageCtx,
    project: Project,
    /// Whether the reader may record its money (its unit's staff; a programme takes none).
    can_record: bool,
    /// Whether the reader may change it (its unit's staff).
    can_edit: bool,
    /// Its documents.
    files: Vec<amity_store::attachment::Attachment>,
    kinds: &'static [TransactionKind],
    currencies: Vec<String>,
    fields: TransactionFields,
    errors: FormErrors,
}

impl ProjectPage<'_> {
    fn amount(&self, d: &Decimal) -> String {
        format_amount(d)
    }

    /// A result's value as read (with % for a percentage), or a dash.
    fn value(&self, r: &ProjectResult, d: &Option<Decimal>) -> String {
        match d {
            Some(d) if r.measure == Measure::Percentage => format!("{} %", format_amount(d)),
            Some(d) => format_amount(d),
            None => "—".into(),
        }
    }

    /// What has been achieved as a share of the target, in whole percent.
    fn progress(&self, r: &ProjectResult) -> String {
        match (r.actual, r.target) {
            (Some(actual), Some(target)) if !target.is_zero() => {
                let share = (actual * Decimal::ONE_HUNDRED / target)
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                format!("{} %", format_amount(&share))
            }
            _ => "—".into(),
        }
    }
}

/// The transaction form's fields as the page sends them.
#[derive(Debug, Default, Clone, Deserialize)]
struct TransactionFields {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    rate_to_vnd: String,
    #[serde(default)]
    note: String,
}

impl TransactionFields {
    /// The draft; amounts may be written the Vietnamese way (`1.234.567,5`).
    fn draft(&self) -> amity_store::Result<TransactionDraft> {
        let mut check = Checker::new();
        let date = check.optional_date("date", &self.date).flatten();
        check.finish()?;
        Ok(TransactionDraft {
            kind: field(&self.kind),
            date,
            amount: field(&self.amount).map(|a| page_number(&a)),
            currency: field(&self.currency),
            rate_to_vnd: field(&self.rate_to_vnd).map(|r| page_number(&r)),
            note: field(&self.note),
        })
    }
}

/// A number as a Vietnamese reader writes it (`1.234.567,5`), or with a decimal point
/// (`1234567.5`), as the API writes it. A lone `.` followed by exactly three digits is read as
/// a thousands separator.
pub(super) fn page_number(s: &str) -> String {
    amity_domain::money::as_written(s).unwrap_or_else(|| s.trim().to_owned())
}

async fn project_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    id: i64,
    fields: Option<TransactionFields>,
    errors: FormErrors,
) -> amity_store::Result<ProjectPage<'a>> {
    let mut conn = state.db.conn().await?;
    let project = aid::get(&mut conn, &me.actor, id).await?;
    let mut currencies: Vec<String> = aid::rates(&mut conn)
        .await?
        .into_iter()
        .map(|r| r.currency)
        .collect();
    currencies.dedup();
    currencies.insert(0, "VND".into());
    Ok(ProjectPage {
        ctx,
        can_record: project.projects.is_empty()
            && me.actor.may(Action::Write, Some(project.unit.id)),
        can_edit: me.actor.may(Action::Write, Some(project.unit.id)),
        files: amity_store::attachment::of_record(&mut conn, aid::PROJECT, id).await?,
        project,
        kinds: TransactionKind::ALL,
        currencies,
        fields: fields.unwrap_or_else(|| TransactionFields {
            kind: TransactionKind::Disbursement.as_str().into(),
            currency: "VND".into(),
            ..Default::default()
        }),
        errors,
    })
}

async fn project(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(
        &project_page(&state, &ctx, &me, id, None, FormErrors::default()).await?,
    ))
}

async fn add_transaction(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<TransactionFields>,
) -> PageResult {
    let result = async {
        let draft = f.draft()?;
        let mut tx = state.db.begin().await?;
        aid::add_transaction(&mut tx, &me.actor, id, &draft).await?;
        tx.commit().await
    }
    .await
    .map_err(super::beside_field);
    after_post(
        &ctx,
        result,
        |()| project_path(id),
        |errors| project_page(&state, &ctx, &me, id, Some(f.clone()), errors),
    )
    .await
}

async fn upload(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    form: Multipart,
) -> PageResult {
    let files = crate::api::activities::files(&state);
    super::save_with_files(
        &state,
        &ctx,
        &files,
        async |tx| {
            let (name, bytes) = super::delegations::read_upload(form).await?;
            amity_store::record_files::attach(
                tx,
                &me.actor,
                &files,
                aid::PROJECT,
                id,
                &name,
                &bytes,
            )
            .await?;
            Ok(())
        },
        |()| project_path(id),
        |errors| project_page(&state, &ctx, &me, id, None, errors),
    )
    .await
}

fn project_path(id: i64) -> String {
    crate::view::path::aid_project(id)
}

/// The kinds of partner the project form offers: NGOs mostly; friendship societies and
/// international organizations fund projects too.
const FUNDERS: [PartnerKind; 3] = [
    PartnerKind::Ngo,
    PartnerKind::FriendshipSociety,
    PartnerKind::InternationalOrganization,
];

/// Rows the project form offers for NGOs, sectors and provinces.
const ROWS: usize = 4;

/// The project form's fields as the page sends them: repeated rows for the NGOs, sectors and
/// provinces (blank rows are left out).
#[derive(Debug, Default, Clone, Deserialize)]
struct ProjectFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title_vi: String,
    #[serde(default)]
    title_en: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    programme: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    planned_start: String,
    #[serde(default)]
    planned_end: String,
    #[serde(default)]
    actual_start: String,
    #[serde(default)]
    actual_end: String,
    #[serde(default)]
    beneficiaries: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    org_partner: Vec<String>,
    #[serde(default)]
    org_role: Vec<String>,
    #[serde(default)]
    sector_code: Vec<String>,
    #[serde(default)]
    sector_percent: Vec<String>,
    #[serde(default)]
    province_unit: Vec<String>,
    #[serde(default)]
    province_percent: Vec<String>,
    #[serde(default)]
    result_kind: Vec<String>,
    #[serde(default)]
    result_indicator_vi: Vec<String>,
    #[serde(default)]
    result_indicator_en: Vec<String>,
    #[serde(default)]
    result_measure: Vec<String>,
    #[serde(default)]
    result_baseline: Vec<String>,
    #[serde(default)]
    result_baseline_year: Vec<String>,
    #[serde(default)]
    result_target: Vec<String>,
    #[serde(default)]
    result_actual: Vec<String>,
}

fn at(list: &[String], i: usize) -> &str {
    list.get(i).map_or("", String::as_str)
}

/// The rows whose key is given, as (key, other column), the other column blank when missing.
fn rows<'a>(keys: &'a [String], others: &'a [String]) -> impl Iterator<Item = (&'a str, &'a str)> {
    keys.iter()
        .enumerate()
        .map(|(i, k)| (k.trim(), at(others, i).trim()))
        .filter(|(k, _)| !k.is_empty())
}

fn percent(field: &str, p: &str, check: &mut Checker) -> Option<Decimal> {
    check.check(
        field,
        Decimal::from_str(&page_number(p))
            .map_err(|_| amity_domain::error::said("not-a-percentage", [("value", p.to_string())])),
    )
}

/// Result rows the form offers beyond those filled.
const RESULT_ROWS: usize = 2;

/// The fields of the project form's result rows, in order.
const RESULT_FIELDS: [&str; 8] = [
    "kind",
    "indicator_vi",
    "indicator_en",
    "measure",
    "baseline",
    "baseline_year",
    "target",
    "actual",
];

impl ProjectFields {
    fn result_columns(&self) -> [&Vec<String>; 8] {
        [
            &self.result_kind,
            &self.result_indicator_vi,
            &self.result_indicator_en,
            &self.result_measure,
            &self.result_baseline,
            &self.result_baseline_year,
            &self.result_target,
            &self.result_actual,
        ]
    }

    /// The result rows written, each with its row on the form (blank rows are left out).
    fn results(&self, check: &mut Checker) -> Vec<(usize, ResultDraft)> {
        let rows = self
            .result_columns()
            .iter()
            .map(|c| c.len())
            .max()
            .unwrap_or(0);
        let mut out = Vec::new();
        for i in 0..rows {
            let value = |list: &[String]| field(at(list, i));
            let baseline_year = match at(&self.result_baseline_year, i).trim() {
                "" => None,
                y => check.check(
                    &format!("results[{i}].baseline_year"),
                    y.parse::<i32>().map_err(|_| {
                        amity_domain::error::said("not-a-year-typed", [("value", y.to_string())])
                    }),
                ),
            };
            let draft = ResultDraft {
                kind: value(&self.result_kind),
                indicator_vi: value(&self.result_indicator_vi),
                indicator_en: value(&self.result_indicator_en),
                measure: value(&self.result_measure),
                baseline: value(&self.result_baseline).map(|v| page_number(&v)),
                baseline_year,
                target: value(&self.result_target).map(|v| page_number(&v)),
                actual: value(&self.result_actual).map(|v| page_number(&v)),
            };
            if !draft.is_blank() || !at(&self.result_baseline_year, i).trim().is_empty() {
                out.push((i, draft));
            }
        }
        out
    }

    /// `e` with the draft's results named by their rows on the form (blank rows were left out
    /// of the draft).
    fn results_by_row(&self, e: amity_store::Error) -> amity_store::Error {
        let amity_store::Error::Invalid(mut invalid) = e else {
            return e;
        };
        let rows: Vec<usize> = self
            .results(&mut Checker::new())
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        for f in &mut invalid.0 {
            let Some((index, rest)) = f
                .field
                .strip_prefix("results[")
                .and_then(|r| r.split_once(']'))
            else {
                continue;
            };
            if let Some(row) = index.parse::<usize>().ok().and_then(|j| rows.get(j)) {
                f.field = format!("results[{row}]{rest}");
            }
        }
        amity_store::Error::Invalid(invalid)
    }

    fn result(&self, i: &usize, name: &str) -> &str {
        let column = RESULT_FIELDS
            .iter()
            .position(|f| *f == name)
            .map(|k| self.result_columns()[k]);
        column.map_or("", |c| at(c, *i))
    }

    /// The draft, every unreadable field named; the programme is named by its code.
    fn draft(&self, programme_id: Option<i64>) -> amity_store::Result<ProjectDraft> {
        let mut check = Checker::new();
        let planned_start = check
            .optional_date("planned_start", &self.planned_start)
            .flatten();
        let planned_end = check
            .optional_date("planned_end", &self.planned_end)
            .flatten();
        let actual_start = check
            .optional_date("actual_start", &self.actual_start)
            .flatten();
        let actual_end = check
            .optional_date("actual_end", &self.actual_end)
            .flatten();
        let unit_id = match self.unit_id.trim() {
            "" => None,
            u => check.check(
                "unit_id",
                u.parse::<i64>().map_err(|_| "choose a unit".to_owned()),
            ),
        };
        let mut organizations = Vec::new();
        for (partner, role) in rows(&self.org_partner, &self.org_role) {
            let partner = check.check(
                "organizations",
                partner
                    .parse::<i64>()
                    .map_err(|_| "choose an organization".to_owned()),
            );
            let role = check.check("organizations", role.parse::<OrgRole>());
            if let (Some(partner_id), Some(role)) = (partner, role) {
                organizations.push(ProjectOrg { partner_id, role });
            }
        }
        let mut sectors = Vec::new();
        for (code, pct) in rows(&self.sector_code, &self.sector_percent) {
            if let Some(percent) = percent("sectors", pct, &mut check) {
                sectors.push(Share {
                    key: code.to_owned(),
                    percent,
                });
            }
        }
        let mut provinces = Vec::new();
        for (unit, pct) in rows(&self.province_unit, &self.province_percent) {
            let unit = check.check(
                "provinces",
                unit.parse::<i64>()
                    .map_err(|_| "choose a province".to_owned()),
            );
            if let (Some(key), Some(percent)) = (unit, percent("provinces", pct, &mut check)) {
                provinces.push(Share { key, percent });
            }
        }
        let results = self
            .results(&mut check)
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        check.finish()?;
        Ok(ProjectDraft {
            code: field(&self.code),
            title_vi: field(&self.title_vi),
            title_en: field(&self.title_en),
            programme_id,
            unit_id,
            status: field(&self.status),
            planned_start,
            planned_end,
            actual_start,
            actual_end,
            beneficiaries: field(&self.beneficiaries),
            description: text_area(&self.description),
            organizations,
            sectors,
            provinces,
            results,
        })
    }

    fn org_partner(&self, i: &usize) -> &str {
        at(&self.org_partner, *i)
    }

    fn org_role(&self, i: &usize) -> &str {
        at(&self.org_role, *i)
    }

    fn sector_code(&self, i: &usize) -> &str {
        at(&self.sector_code, *i)
    }

    fn sector_percent(&self, i: &usize) -> &str {
        at(&self.sector_percent, *i)
    }

    fn province_unit(&self, i: &usize) -> &str {
        at(&self.province_unit, *i)
    }

    fn province_percent(&self, i: &usize) -> &str {
        at(&self.province_percent, *i)
    }
}

/// A unit the form offers.
#[derive(Debug, Clone)]
struct Choice {
    id: i64,
    name: String,
}

#[derive(Template)]
#[template(path = "aid_project_form.html")]
struct ProjectFormPage<'a> {
    ctx: &'a PageCtx,
    /// The project being changed (its id and code), or none for a new one.
    editing: Option<(i64, String)>,
    fields: ProjectFields,
    errors: FormErrors,
    /// The units the reader records for.
    units: Vec<Choice>,
    provinces: Vec<Choice>,
    /// The partners a project may name, by kind.
    ngos: Vec<(PartnerKind, Vec<Partner>)>,
    statuses: &'static [ProjectStatus],
    roles: &'static [OrgRole],
    rows: Vec<usize>,
    result_kinds: &'static [ResultKind],
    measures: &'static [Measure],
    result_rows: Vec<usize>,
}

/// The fields the project form shows an error beside.
const FORM_FIELDS: [&str; 14] = [
    "code",
    "title_vi",
    "title_en",
    "unit_id",
    "programme",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "beneficiaries",
    "organizations",
    "sectors",
    "provinces",
];

impl ProjectFormPage<'_> {
    /// Errors not shown beside a field (a result row's are shown in its row).
    fn general_errors(&self) -> Vec<String> {
        let shown: Vec<&str> = self
            .errors
            .fields()
            .filter(|k| k.starts_with("results["))
            .chain(FORM_FIELDS)
            .collect();
        self.errors.general(&shown)
    }

    /// The error of a result row's field.
    fn result_error(&self, i: &usize, name: &str) -> Option<&String> {
        self.errors.get(&format!("results[{i}].{name}"))
    }
}

/// The project form: a new project's, or the form of project `editing` with `fields` as sent
/// (its stored details when none were sent).
async fn project_form<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    editing: Option<i64>,
    fields: Option<ProjectFields>,
    errors: FormErrors,
) -> amity_store::Result<ProjectFormPage<'a>> {
    let mut conn = state.db.conn().await?;
    let today = Utc::now().date_naive();
    let all = amity_store::org::all_as_of(&mut conn, today).await?;
    let choice = |u: &OrgUnit| Choice {
        id: u.id,
        name: u.name.clone(),
    };
    let mut units: Vec<Choice> = all
        .iter()
        .filter(|u| me.actor.may(Action::Write, Some(u.id)))
        .map(choice)
        .collect();
    let mut provinces: Vec<Choice> = all
        .iter()
        .filter(|u| u.kind == OrgKind::ProvinceUnion.as_str())
        .map(choice)
        .collect();
    let project = match editing {
        Some(id) => Some(aid::get(&mut conn, &me.actor, id).await?),
        None => None,
    };
    if let Some(project) = &project {
        me.actor.require(Action::Write, Some(project.unit.id))?;
        // A project kept by, or working in, a unit merged away since is shown with it.
        if !units.iter().any(|u| u.id == project.unit.id) {
            units.insert(
                0,
                Choice {
                    id: project.unit.id,
                    name: project.unit.name.clone(),
                },
            );
        }
        for p in project
            .provinces
            .iter()
            .filter(|p| !provinces.iter().any(|c| c.id == p.key))
            .collect::<Vec<_>>()
        {
            provinces.insert(
                0,
                Choice {
                    id: p.key,
                    name: p.name.clone(),
                },
            );
        }
    }
    let fields = match (fields, &project) {
        (Some(sent), _) => sent,
        (None, Some(p)) => fields_of(&mut conn, me, p).await?,
        (None, None) => ProjectFields::default(),
    };
    let editing = project.map(|p| (p.id, p.code));
    if units.is_empty() {
        return Err(
            amity_domain::authz::Denied("only a unit's staff record its aid projects").into(),
        );
    }
    let mut ngos = Vec::new();
    for kind in FUNDERS {
        let filter = PartnerFilter {
            kind: Some(kind),
            ..Default::default()
        };
        let (partners, _) =
            amity_store::partner::list(&mut conn, &filter, ("name", false), 2000, 0).await?;
        ngos.push((kind, partners));
    }
    let used = [
        fields.org_partner.len(),
        fields.sector_code.len(),
        fields.province_unit.len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    let results_used = fields
        .result_columns()
        .iter()
        .map(|c| c.len())
        .max()
        .unwrap_or(0);
    Ok(ProjectFormPage {
        ctx,
        editing,
        fields,
        errors,
        units,
        provinces,
        ngos,
        statuses: ProjectStatus::ALL,
        roles: OrgRole::ALL,
        rows: (0..ROWS.max(used + 1)).collect(),
        result_kinds: ResultKind::ALL,
        measures: Measure::ALL,
        result_rows: (0..results_used + RESULT_ROWS).collect(),
    })
}

async fn new_project(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> PageResult {
    let fields = ProjectFields {
        unit_id: me.actor.unit_id.map(|u| u.to_string()).unwrap_or_default(),
        status: ProjectStatus::Implementation.as_str().into(),
        org_role: vec![OrgRole::Funding.as_str().into()],
        ..Default::default()
    };
    Ok(render(
        &project_form(&state, &ctx, &me, None, Some(fields), FormErrors::default()).await?,
    ))
}

/// The form's programme, named by its code.
async fn programme_of(
    conn: &mut amity_store::db::Conn,
    me: &CurrentUser,
    f: &ProjectFields,
) -> amity_store::Result<Option<i64>> {
    match f.programme.trim() {
        "" => Ok(None),
        code => Ok(Some(aid::find(conn, &me.actor, code).await?.ok_or_else(
            || {
                amity_store::Error::invalid(
                    "programme",
                    amity_domain::error::said("no-project-code", [("code", code.to_string())]),
                )
            },
        )?)),
    }
}

/// A refusal shown beside its field; the form names the programme by its code.
fn beside_project_field(e: amity_store::Error) -> amity_store::Error {
    match super::beside_field(e) {
        amity_store::Error::Invalid(mut i) => {
            i.0.iter_mut()
                .filter(|f| f.field == "programme_id")
                .for_each(|f| f.field = "programme".into());
            amity_store::Error::Invalid(i)
        }
        other => other,
    }
}

async fn create_project(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<ProjectFields>,
) -> PageResult {
    let result = async {
        let mut tx = state.db.begin().await?;
        let programme = programme_of(&mut tx, &me, &f).await?;
        let created = aid::create(&mut tx, &me.actor, &f.draft(programme)?)
            .await
            .map_err(|e| f.results_by_row(e))?;
        tx.commit().await?;
        Ok(created.id)
    }
    .await
    .map_err(beside_project_field);
    after_post(&ctx, result, project_path, |errors| {
        project_form(&state, &ctx, &me, None, Some(f.clone()), errors)
    })
    .await
}

/// A result's value as the form shows it (digits, a point for decimals), blank when none.
fn number(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

/// A project's details as its form shows them.
async fn fields_of(
    conn: &mut amity_store::db::Conn,
    me: &CurrentUser,
    p: &Project,
) -> amity_store::Result<ProjectFields> {
    let programme = match p.programme_id {
        Some(id) => aid::get(conn, &me.actor, id)
            .await
            .map(|g| g.code)
            .unwrap_or_default(),
        None => String::new(),
    };
    let date = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default()
    };
    Ok(ProjectFields {
        code: p.code.clone(),
        title_vi: p.title_vi.clone(),
        title_en: p.title_en.clone().unwrap_or_default(),
        unit_id: p.unit.id.to_string(),
        programme,
        status: p.status.as_str().into(),
        planned_start: date(Some(p.planned_start)),
        planned_end: date(Some(p.planned_end)),
        actual_start: date(p.actual_start),
        actual_end: date(p.actual_end),
        beneficiaries: p.beneficiaries.clone().unwrap_or_default(),
        description: p.description.clone().unwrap_or_default(),
        org_partner: p
            .organizations
            .iter()
            .map(|o| o.partner_id.to_string())
            .collect(),
        org_role: p
            .organizations
            .iter()
            .map(|o| o.role.as_str().to_owned())
            .collect(),
        sector_code: p.sectors.iter().map(|s| s.key.clone()).collect(),
        sector_percent: p
            .sectors
            .iter()
            .map(|s| s.percent.normalize().to_string())
            .collect(),
        province_unit: p.provinces.iter().map(|s| s.key.to_string()).collect(),
        province_percent: p
            .provinces
            .iter()
            .map(|s| s.percent.normalize().to_string())
            .collect(),
        result_kind: p
            .results
            .iter()
            .map(|r| r.kind.as_str().to_owned())
            .collect(),
        result_indicator_vi: p.results.iter().map(|r| r.indicator_vi.clone()).collect(),
        result_indicator_en: p
            .results
            .iter()
            .map(|r| r.indicator_en.clone().unwrap_or_default())
            .collect(),
        result_measure: p
            .results
            .iter()
            .map(|r| r.measure.as_str().to_owned())
            .collect(),
        result_baseline: p.results.iter().map(|r| number(r.baseline)).collect(),
        result_baseline_year: p
            .results
            .iter()
            .map(|r| r.baseline_year.map(|y| y.to_string()).unwrap_or_default())
            .collect(),
        result_target: p.results.iter().map(|r| number(r.target)).collect(),
        result_actual: p.results.iter().map(|r| number(r.actual)).collect(),
    })
}

async fn edit_project(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    Ok(render(
        &project_form(&state, &ctx, &me, Some(id), None, FormErrors::default()).await?,
    ))
}

async fn update_project(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<ProjectFields>,
) -> PageResult {
    let result = async {
        let mut tx = state.db.begin().await?;
        let programme = programme_of(&mut tx, &me, &f).await?;
        let updated = aid::update(&mut tx, &me.actor, id, &f.draft(programme)?)
            .await
            .map_err(|e| f.results_by_row(e))?;
        tx.commit().await?;
        Ok(updated.id)
    }
    .await
    .map_err(beside_project_field);
    after_post(&ctx, result, project_path, |errors| {
        project_form(&state, &ctx, &me, Some(id), Some(f.clone()), errors)
    })
    .await
}

/// The import form's fields.
#[derive(Debug, Default, Clone, Deserialize)]
struct ImportFields {
    #[serde(default)]
    what: String,
    #[serde(default)]
    csv: String,
    #[serde(default)]
    confirm_duplicates: String,
    /// `preview` or `import`.
    #[serde(default)]
    action: String,
}

#[derive(Template)]
#[template(path = "aid_import.html")]
struct ImportPage<'a> {
    ctx: &'a PageCtx,
    fields: ImportFields,
    project_columns: &'static [&'static str],
    transaction_columns: &'static [&'static str],
    report: Option<aid_import::Report>,
    errors: Vec<amity_domain::error::FieldError>,
}

fn import_page(ctx: &PageCtx, fields: ImportFields) -> ImportPage<'_> {
    ImportPage {
        ctx,
        fields,
        project_columns: &aid_import::PROJECT_COLUMNS,
        transaction_columns: &aid_import::TRANSACTION_COLUMNS,
        report: None,
        errors: vec![],
    }
}

async fn import_form(Auth(_): Auth, ctx: PageCtx) -> Response {
    super::render(&import_page(
        &ctx,
        ImportFields {
            what: "projects".into(),
            ..Default::default()
        },
    ))
}

/// Previews or imports a pasted CSV file; every row's problems are listed by line.
async fn import(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<ImportFields>,
) -> Response {
    let dry_run = f.action != "import";
    let result = if f.what == "transactions" {
        aid_import::transactions(
            &state,
            &me.actor,
            &f.csv,
            dry_run,
            !f.confirm_duplicates.is_empty(),
        )
        .await
    } else {
        aid_import::projects(&state, &me.actor, &f.csv, dry_run).await
    };
    let mut page = import_page(&ctx, f);
    match result {
        Ok(report) => {
            if !report.dry_run {
                page.fields.csv.clear();
            }
            page.report = Some(report);
            super::render(&page)
        }
        Err(e) => {
            let status = e.status;
            page.errors = e.errors;
            super::render_status(status, &page)
        }
    }
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/aid", get(overview))
        .route("/aid/projects/new", get(new_project).post(create_project))
        .route("/aid/projects/{id}", get(project))
        .route(
            "/aid/projects/{id}/edit",
            get(edit_project).post(update_project),
        )
        .route("/aid/projects/{id}/transactions", post(add_transaction))
        .route(
            "/aid/projects/{id}/files",
            post(upload).layer(crate::api::activities::upload_limit()),
        )
        .route("/aid/import", get(import_form).post(import))
}
