//! Organization pages: the tree as of a date, a unit with its history and lineage, and the
//! administrators' forms for structural changes.

use std::collections::HashMap;

use amity_domain::authz::Action;
use amity_domain::error::Checker;
use amity_domain::org::{OrgCode, OrgKind, OrgName, Period};
use amity_domain::text::parse_date;
use amity_store::org::{
    self, ClusterYear, Contact, History, LineageEvent, Merge, NewUnit, OrgUnit, Split, Target,
    UnitFilter, UnitPatch,
};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form as MultiForm;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::{PageResult, after_post, denied_page, error_page_for, render, save, store_error_page};
use crate::auth::Auth;
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx, path};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A unit placed in the tree at a depth.
struct TreeRow {
    depth: usize,
    unit: OrgUnit,
}

/// Orders units as a tree (parents before children, siblings in Vietnamese order, as loaded).
fn tree_rows(units: Vec<OrgUnit>) -> Vec<TreeRow> {
    let ids: std::collections::HashSet<i64> = units.iter().map(|u| u.id).collect();
    let mut children: HashMap<Option<i64>, Vec<OrgUnit>> = HashMap::new();
    for u in units {
        let parent = u.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(u);
    }
    let mut rows = Vec::new();
    let mut stack: Vec<(usize, OrgUnit)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|u| (0, u))
        .collect();
    while let Some((depth, unit)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(unit.id)) {
            stack.extend(kids.into_iter().rev().map(|k| (depth + 1, k)));
        }
        rows.push(TreeRow {
            depth: depth.min(6),
            unit,
        });
    }
    rows
}

#[derive(Template)]
#[template(path = "org_tree.html")]
struct TreePage<'a> {
    ctx: &'a PageCtx,
    as_of: NaiveDate,
    q: String,
    export: String,
    rows: Vec<TreeRow>,
    counts: Vec<(String, usize)>,
}

#[derive(Debug, Deserialize)]
struct AsOfQuery {
    as_of: Option<String>,
    year: Option<i32>,
    #[serde(default)]
    q: String,
}

/// A filter as typed, trimmed.
fn query_words(q: &str) -> String {
    q.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `as_of` date of a page (today when absent).
fn as_of(raw: Option<&str>) -> Result<NaiveDate, String> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today()),
        Some(s) => parse_date(s).map_err(|e| format!("as_of: {e}")),
    }
}

async fn tree(
    State(state): State<AppState>,
    _: Auth,
    ctx: PageCtx,
    Query(q): Query<AsOfQuery>,
) -> PageResult {
    let date = match as_of(q.as_of.as_deref()) {
        Ok(d) => d,
        Err(e) => return Ok(error_page_for(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &e)),
    };
    let q = query_words(&q.q);
    let mut conn = state.db.conn().await?;
    let units = if q.is_empty() {
        org::all_as_of(&mut conn, date).await?
    } else {
        let filter = UnitFilter {
            q: Some(q.clone()),
            ..UnitFilter::as_of(date)
        };
        org::list(&mut conn, &filter, 5000, 0).await?.0
    };

    let counts = OrgKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                units.iter().filter(|u| u.kind == k.as_str()).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let export = path::org_export(&date, &q);
    Ok(render(&TreePage {
        ctx: &ctx,
        as_of: date,
        q,
        export,
        rows: tree_rows(units),
        counts,
    }))
}

#[derive(Template)]
#[template(path = "org_unit.html")]
struct UnitPage<'a> {
    ctx: &'a PageCtx,
    as_of: NaiveDate,
    unit: OrgUnit,
    parent: Option<OrgUnit>,
    children: Vec<OrgUnit>,
    history: History,
    lineage: Vec<LineageEvent>,
    cluster: Option<ClusterYear>,
    can_edit_contact: bool,
    /// The aid projects the unit keeps, over all years.
    aid: amity_store::aid::Overall,
}

async fn load_unit_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &crate::auth::CurrentUser,
    id: i64,
    date: NaiveDate,
    year: Option<i32>,
) -> amity_store::Result<UnitPage<'a>> {
    let mut conn = state.db.conn().await?;
    let unit = org::get(&mut conn, id, date).await?;
    let parent = match unit.parent_id {
        Some(p) => Some(org::get(&mut conn, p, date).await?),
        None => None,
    };
    let mut filter = UnitFilter::as_of(date);
    filter.parent_id = Some(id);
    let (children, _) = org::list(&mut conn, &filter, 500, 0).await?;
    let history = org::history(&mut conn, id).await?;
    let lineage = org::lineage(&mut conn, id).await?;
    let cluster = if unit.kind == OrgKind::Cluster.as_str() {
        Some(org::cluster_year(&mut conn, id, year.unwrap_or(date.year())).await?)
    } else {
        None
    };
    let aid =
        amity_store::aid::overall(&mut conn, &me.actor, amity_store::aid::Whose::Unit(id)).await?;
    Ok(UnitPage {
        ctx,
        aid,
        as_of: date,
        can_edit_contact: me.actor.may(Action::Write, Some(id)),
        unit,
        parent,
        children,
        history,
        lineage,
        cluster,
    })
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<AsOfQuery>,
) -> PageResult {
    let date = match as_of(q.as_of.as_deref()) {
        Ok(d) => d,
        Err(e) => return Ok(error_page_for(&ctx, StatusCode::UNPROCESSABLE_ENTITY, &e)),
    };
    Ok(render(
        &load_unit_page(&state, &ctx, &me, id, date, q.year).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct ContactForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    note: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

async fn save_contact(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    Form(form): Form<ContactForm>,
) -> PageResult {
    let patch = UnitPatch {
        address: Some(opt(&form.address)),
        phone: Some(opt(&form.phone)),
        email: Some(opt(&form.email)),
        website: Some(opt(&form.website)),
        note: Some(opt(&form.note)),
        ..Default::default()
    };

    let mut tx = state.db.begin().await?;
    org::update(&mut tx, &me.actor, id, &patch).await?;
    tx.commit().await?;
    Ok(Redirect::to(&path::unit(id)).into_response())
}

/// The create-unit form's values, kept when the form comes back with errors.
#[derive(Debug, Default, Deserialize)]
struct UnitForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    valid_from: String,
}

impl UnitForm {
    fn parse(&self, prefix: &str, check: &mut Checker) -> Option<NewUnit> {
        let f = |n: &str| format!("{prefix}{n}");
        let kind = check.check(&f("kind"), self.kind.parse::<OrgKind>());
        let code = opt(&self.code).and_then(|c| check.check(&f("code"), OrgCode::parse(&c)));
        let name = check.check(&f("name"), OrgName::parse(&self.name));
        let parent_id = match self.parent_id.trim() {
            "" => Some(None),
            p => check.check(
                &f("parent_id"),
                p.parse::<i64>()
                    .map(Some)
                    .map_err(|_| "choose a unit from the list".to_owned()),
            ),
        };
        let from = check.check(&f("valid_from"), parse_date(&self.valid_from));
        Some(NewUnit {
            kind: kind?,
            code,
            name: name?,
            short_name: opt(&self.short_name),
            name_en: opt(&self.name_en),
            parent_id: parent_id?,
            period: Period {
                from: from?,
                to: None,
            },
            contact: Contact::default(),
        })
    }
}

#[derive(Template)]
#[template(path = "org_new.html")]
struct NewUnitPage<'a> {
    ctx: &'a PageCtx,
    form: UnitForm,
    units: Vec<OrgUnit>,
    kinds: Vec<&'static str>,
    errors: FormErrors,
}

fn kinds() -> Vec<&'static str> {
    OrgKind::ALL.iter().map(|k| k.as_str()).collect()
}

async fn units_today(state: &AppState) -> amity_store::Result<Vec<OrgUnit>> {
    let mut conn = state.db.conn().await?;
    org::all_as_of(&mut conn, today()).await
}

async fn new_form(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> Response {
    if let Err(d) = me.actor.require(Action::ManageStructure, None) {
        return denied_page(&ctx, d);
    }
    match units_today(&state).await {
        Ok(units) => render(&NewUnitPage {
            ctx: &ctx,
            form: UnitForm {
                valid_from: today().format("%d/%m/%Y").to_string(),
                kind: "other".into(),
                ..Default::default()
            },
            units,
            kinds: kinds(),
            errors: FormErrors::default(),
        }),
        Err(e) => store_error_page(&ctx, e),
    }
}

async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Form(form): Form<UnitForm>,
) -> PageResult {
    let mut check = Checker::new();
    let parsed = form.parse("", &mut check);
    let result = match (check.finish(), parsed) {
        (Ok(()), Some(unit)) => {
            async {
                let mut tx = state.db.begin().await?;
                let created = org::create(&mut tx, &me.actor, &unit).await?;
                tx.commit().await?;
                Ok(created)
            }
            .await
        }
        (Err(invalid), _) => Err(invalid.into()),
        (Ok(()), None) => Err(amity_store::Error::invalid(
            "_",
            amity_domain::error::said("incomplete-form", []),
        )),
    };
    after_post(
        &ctx,
        result,
        |created: OrgUnit| path::unit(created.id),
        |errors| async {
            Ok(NewUnitPage {
                ctx: &ctx,
                form,
                units: units_today(&state).await?,
                kinds: kinds(),
                errors,
            })
        },
    )
    .await
}

#[derive(Debug, Default, Clone, Deserialize)]
struct EditForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    short_name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    effective: String,
}

#[derive(Template)]
#[template(path = "org_edit.html")]
struct EditPage<'a> {
    ctx: &'a PageCtx,
    unit: OrgUnit,
    form: EditForm,
    units: Vec<OrgUnit>,
    errors: FormErrors,
}

async fn edit_form(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    me.actor.require(Action::ManageStructure, None)?;

    let mut conn = state.db.conn().await?;
    let unit = org::get(&mut conn, id, today()).await?;
    let units = org::all_as_of(&mut conn, today()).await?;
    let (unit, units) = (unit, units);

    let form = EditForm {
        name: unit.name.clone(),
        short_name: unit.short_name.clone().unwrap_or_default(),
        name_en: unit.name_en.clone().unwrap_or_default(),
        code: unit.code.clone().unwrap_or_default(),
        parent_id: unit.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        effective: today().format("%d/%m/%Y").to_string(),
    };
    Ok(render(&EditPage {
        ctx: &ctx,
        unit,
        form,
        units,
        errors: FormErrors::default(),
    }))
}

async fn save_edit(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<EditForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut check = Checker::new();
            let name = check.check("name", OrgName::parse(&form.name));
            let code = opt(&form.code).and_then(|c| check.check("code", OrgCode::parse(&c)));
            let parent = match form.parent_id.trim() {
                "" => Some(None),
                p => check.check(
                    "parent_id",
                    p.parse::<i64>()
                        .map(Some)
                        .map_err(|_| "choose a unit from the list".to_owned()),
                ),
            };
            let effective = check.check("effective", parse_date(&form.effective));
            check.finish()?;
            let current = org::get(tx, id, effective.unwrap_or_else(today)).await?;
            // Only what differs is changed, so an unchanged field leaves no history behind.
            let patch = UnitPatch {
                name: name.filter(|n| n.as_str() != current.name),
                short_name: Some(opt(&form.short_name)).filter(|s| *s != current.short_name),
                name_en: Some(opt(&form.name_en)).filter(|s| *s != current.name_en),
                code: code.filter(|c| Some(c.as_str()) != current.code.as_deref()),
                parent_id: parent.filter(|p| *p != current.parent_id),
                effective,
                ..Default::default()
            };
            org::update(tx, &me.actor, id, &patch).await?;
            Ok(())
        },
        |()| path::unit(id),
        |errors| async {
            let mut conn = state.db.conn().await?;
            let unit = org::get(&mut conn, id, today()).await?;
            Ok(EditPage {
                ctx: &ctx,
                unit,
                form: form.clone(),
                units: org::all_as_of(&mut conn, today()).await?,
                errors,
            })
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
struct RolesForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    deputy: String,
}

async fn save_cluster_roles(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    Form(form): Form<RolesForm>,
) -> PageResult {
    let mut check = Checker::new();
    let year = check.check(
        "year",
        form.year
            .trim()
            .parse::<i32>()
            .map_err(|_| "write the year as four digits".to_owned()),
    );
    let lead = check.check(
        "lead",
        form.lead
            .trim()
            .parse::<i64>()
            .map_err(|_| "choose the lead".to_owned()),
    );
    let deputy = match form.deputy.trim() {
        "" => Some(None),
        d => check.check(
            "deputy",
            d.parse::<i64>()
                .map(Some)
                .map_err(|_| "choose the deputy".to_owned()),
        ),
    };
    check.finish()?;
    let (Some(year), Some(lead), Some(deputy)) = (year, lead, deputy) else {
        unreachable!("the checker reported every missing value")
    };
    let mut tx = state.db.begin().await?;
    org::set_cluster_roles(&mut tx, &me.actor, id, year, lead, deputy).await?;
    tx.commit().await?;
    Ok(Redirect::to(&path::cluster_year(id, year)).into_response())
}

#[derive(Debug, Deserialize)]
struct CloseForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

async fn close(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    Form(form): Form<CloseForm>,
) -> PageResult {
    let date = parse_date(&form.date).map_err(|e| amity_store::Error::invalid("date", e))?;
    let mut tx = state.db.begin().await?;
    org::close(&mut tx, &me.actor, id, date, opt(&form.note).as_deref()).await?;
    tx.commit().await?;
    Ok(Redirect::to(&path::unit(id)).into_response())
}

/// The merge form: several sources, and an existing target or a new unit.
#[derive(Debug, Default, Deserialize)]
struct MergeForm {
    #[serde(default)]
    from: Vec<i64>,
    #[serde(default)]
    into: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    new_kind: String,
    #[serde(default)]
    new_code: String,
    #[serde(default)]
    new_name: String,
}

#[derive(Template)]
#[template(path = "org_merge.html")]
struct MergePage<'a> {
    ctx: &'a PageCtx,
    units: Vec<OrgUnit>,
    form: MergeForm,
    kinds: Vec<&'static str>,
    errors: FormErrors,
}

impl MergePage<'_> {
    fn chosen(&self, id: &i64) -> bool {
        self.form.from.contains(id)
    }
}

fn new_target(
    kind: &str,
    code: &str,
    name: &str,
    parent: Option<i64>,
    date: NaiveDate,
    prefix: &str,
    check: &mut Checker,
) -> Option<NewUnit> {
    let form = UnitForm {
        kind: kind.into(),
        code: code.into(),
        name: name.into(),
        parent_id: parent.map(|p| p.to_string()).unwrap_or_default(),
        valid_from: date.format("%d/%m/%Y").to_string(),
        ..Default::default()
    };
    form.parse(prefix, check)
}

async fn merge_form(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> Response {
    if let Err(d) = me.actor.require(Action::ManageStructure, None) {
        return denied_page(&ctx, d);
    }
    match units_today(&state).await {
        Ok(units) => render(&MergePage {
            ctx: &ctx,
            units,
            form: MergeForm {
                date: today().format("%d/%m/%Y").to_string(),
                new_kind: "province_union".into(),
                ..Default::default()
            },
            kinds: kinds(),
            errors: FormErrors::default(),
        }),
        Err(e) => store_error_page(&ctx, e),
    }
}

async fn merge(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    MultiForm(form): MultiForm<MergeForm>,
) -> PageResult {
    let result = async {
        let mut check = Checker::new();
        let date = check.check("date", parse_date(&form.date));
        let into = match form.into.trim() {
            "" | "new" => date.and_then(|d| {
                new_target(
                    &form.new_kind,
                    &form.new_code,
                    &form.new_name,
                    None,
                    d,
                    "new_",
                    &mut check,
                )
                .map(|u| Target::New(Box::new(u)))
            }),
            id => check.check(
                "into",
                id.parse::<i64>()
                    .map(Target::Existing)
                    .map_err(|_| "choose a unit from the list".to_owned()),
            ),
        };
        check.finish()?;
        let (Some(date), Some(mut into)) = (date, into) else {
            unreachable!("the checker reported every missing value")
        };
        let mut tx = state.db.begin().await?;
        if let Target::New(unit) = &mut into {
            // The new unit takes the first source's place in the tree.
            unit.parent_id = match form.from.first() {
                Some(first) => {
                    org::get(&mut tx, *first, date.pred_opt().unwrap_or(date))
                        .await?
                        .parent_id
                }
                None => None,
            };
        }
        let event = org::merge(
            &mut tx,
            &me.actor,
            &Merge {
                from: form.from.clone(),
                into,
                date,
                note: opt(&form.note),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, amity_store::Error>(event)
    }
    .await;
    let redirect = |event: LineageEvent| {
        event
            .links
            .first()
            .and_then(|l| l.to.as_ref())
            .map_or(path::ORG_TREE.to_owned(), |u| path::unit(u.id))
    };
    after_post(&ctx, result, redirect, |errors| async {
        Ok(MergePage {
            ctx: &ctx,
            units: units_today(&state).await?,
            form,
            kinds: kinds(),
            errors,
        })
    })
    .await
}

/// The split form: one source, up to three results, each existing or new, with shares.
#[derive(Debug, Default, Clone, Deserialize)]
struct SplitForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    target: Vec<String>,
    #[serde(default)]
    code: Vec<String>,
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    share: Vec<String>,
}

#[derive(Template)]
#[template(path = "org_split.html")]
struct SplitPage<'a> {
    ctx: &'a PageCtx,
    units: Vec<OrgUnit>,
    form: SplitForm,
    kinds: Vec<&'static str>,
    errors: FormErrors,
}

impl SplitPage<'_> {
    fn row(&self, values: &[String], i: &usize) -> String {
        values.get(*i).cloned().unwrap_or_default()
    }
}

async fn split_form(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> Response {
    if let Err(d) = me.actor.require(Action::ManageStructure, None) {
        return denied_page(&ctx, d);
    }
    match units_today(&state).await {
        Ok(units) => render(&SplitPage {
            ctx: &ctx,
            units,
            form: SplitForm {
                date: today().format("%d/%m/%Y").to_string(),
                kind: "province_union".into(),
                ..Default::default()
            },
            kinds: kinds(),
            errors: FormErrors::default(),
        }),
        Err(e) => store_error_page(&ctx, e),
    }
}

async fn split(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    MultiForm(form): MultiForm<SplitForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut check = Checker::new();
            let from = check.check(
                "from",
                form.from
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| "choose the unit to split".to_owned()),
            );
            let date = check.check("date", parse_date(&form.date));
            let mut into = Vec::new();
            for i in 0..form.share.len().max(form.target.len()) {
                let target = form.target.get(i).map(|s| s.trim()).unwrap_or("");
                let share_text = form
                    .share
                    .get(i)
                    .map(|s| s.trim().replace(',', "."))
                    .unwrap_or_default();
                if target.is_empty() && share_text.is_empty() {
                    continue;
                }
                let share = check.check(
                    &format!("share[{i}]"),
                    share_text
                        .parse::<f64>()
                        .map_err(|_| "write the share as a number such as 0.5".to_owned()),
                );
                let t = match target {
                    "new" | "" => date.and_then(|d| {
                        new_target(
                            &form.kind,
                            form.code.get(i).map_or("", |s| s.as_str()),
                            form.name.get(i).map_or("", |s| s.as_str()),
                            None,
                            d,
                            &format!("into[{i}]."),
                            &mut check,
                        )
                        .map(|u| Target::New(Box::new(u)))
                    }),
                    id => check.check(
                        &format!("target[{i}]"),
                        id.parse::<i64>()
                            .map(Target::Existing)
                            .map_err(|_| "choose a unit from the list".to_owned()),
                    ),
                };
                if let (Some(t), Some(s)) = (t, share) {
                    into.push((t, s));
                }
            }
            check.finish()?;
            let (Some(from), Some(date)) = (from, date) else {
                unreachable!("the checker reported every missing value")
            };
            let parent = org::get(tx, from, date.pred_opt().unwrap_or(date))
                .await?
                .parent_id;
            for (target, _) in &mut into {
                if let Target::New(unit) = target {
                    unit.parent_id = parent;
                }
            }
            let event = org::split(
                tx,
                &me.actor,
                &Split {
                    from,
                    into,
                    date,
                    note: opt(&form.note),
                },
            )
            .await?;
            Ok((from, event))
        },
        |(from, _): (i64, LineageEvent)| path::unit(from),
        |errors| async {
            Ok(SplitPage {
                ctx: &ctx,
                units: units_today(&state).await?,
                form: form.clone(),
                kinds: kinds(),
                errors,
            })
        },
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/org-units", get(tree))
        .route("/org-units/new", get(new_form).post(create))
        .route("/org-units/{id}", get(show))
        .route("/org-units/{id}/contact", post(save_contact))
        .route("/org-units/{id}/edit", get(edit_form).post(save_edit))
        .route("/org-units/{id}/close", post(close))
        .route("/org-units/{id}/cluster-roles", post(save_cluster_roles))
        .route("/structure/merge", get(merge_form).post(merge))
        .route("/structure/split", get(split_form).post(split))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: i64, parent: Option<i64>, name: &str) -> OrgUnit {
        OrgUnit {
            id,
            kind: "other".into(),
            code: None,
            name: name.into(),
            short_name: None,
            name_en: None,
            parent_id: parent,
            valid_from: NaiveDate::MIN,
            valid_to: None,
            address: None,
            phone: None,
            email: None,
            website: None,
            note: None,
        }
    }

    #[test]
    fn the_tree_puts_children_under_their_parent_in_loaded_order() {
        let rows = tree_rows(vec![
            unit(1, None, "Gốc"),
            unit(3, Some(1), "A"),
            unit(2, Some(1), "B"),
            unit(4, Some(3), "A1"),
            unit(5, Some(99), "mồ côi"),
        ]);
        let shape: Vec<(usize, i64)> = rows.iter().map(|r| (r.depth, r.unit.id)).collect();
        assert_eq!(shape, vec![(0, 1), (1, 3), (2, 4), (1, 2), (0, 5)]);
    }
}
