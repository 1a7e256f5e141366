//! Report form pages: the forms units file, and for central staff the forms that add, change
//! and remove them.

use amity_domain::authz::Action;
use amity_domain::org::OrgKind;
use amity_domain::partner::Vocabulary;
use amity_domain::report::{FormDraft, MANUAL, PeriodKind};
use amity_store::periodic::{self, Form};
use askama::Template;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use serde::Deserialize;

use super::{PageResult, after_post, beside_field, render};
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

const LIST: &str = "/report-forms";

fn form_path(code: &str) -> String {
    format!("{LIST}/{code}")
}

/// A report form as the page's form sends it.
#[derive(Debug, Default, Clone, Deserialize)]
struct FormFields {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    period_kind: String,
    #[serde(default)]
    unit_kinds: Vec<String>,
    #[serde(default)]
    manual: Vec<String>,
    #[serde(default)]
    due_days: String,
}

impl FormFields {
    fn of(f: &Form) -> FormFields {
        FormFields {
            code: f.code.clone(),
            name_vi: f.name_vi.clone(),
            name_en: f.name_en.clone(),
            period_kind: f.period_kind.as_str().into(),
            unit_kinds: f.unit_kinds.clone(),
            manual: f.manual.clone(),
            due_days: f.due_days.to_string(),
        }
    }

    /// The draft to check; a due time that is not a whole number is named like any other
    /// problem.
    fn draft(&self) -> amity_store::Result<FormDraft> {
        let due_days = match self.due_days.trim() {
            "" => None,
            d => Some(d.parse::<i64>().map_err(|_| {
                amity_store::Error::invalid(
                    "due_days",
                    amity_domain::error::said("not-days", [("value", d.to_string())]),
                )
            })?),
        };
        Ok(FormDraft {
            code: self.code.clone(),
            name_vi: self.name_vi.clone(),
            name_en: self.name_en.clone(),
            period_kind: self.period_kind.clone(),
            unit_kinds: self.unit_kinds.clone(),
            manual: self.manual.clone(),
            due_days,
        })
    }

    fn has_kind(&self, kind: &OrgKind) -> bool {
        self.unit_kinds.iter().any(|k| k == kind.as_str())
    }

    fn has_manual(&self, code: &str) -> bool {
        self.manual.iter().any(|m| m == code)
    }
}

/// What the form's choices are drawn from.
struct Choices {
    period_kinds: &'static [PeriodKind],
    unit_kinds: [OrgKind; 6],
    manual: &'static [amity_domain::indicator::Indicator],
}

const CHOICES: Choices = Choices {
    period_kinds: PeriodKind::ALL,
    unit_kinds: OrgKind::ALL,
    manual: MANUAL,
};

#[derive(Template)]
#[template(path = "report_forms.html")]
struct ListPage<'a> {
    ctx: &'a PageCtx,
    forms: Vec<Form>,
    can_manage: bool,
    fields: FormFields,
    choices: Choices,
    errors: FormErrors,
}

/// A kind of unit, in the reader's language.
pub(crate) fn kind_label(ctx: &PageCtx, kind: &str) -> String {
    ctx.t(&format!("kind-{}", kind.replace('_', "-")))
}

async fn list_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    fields: FormFields,
    errors: FormErrors,
) -> amity_store::Result<ListPage<'a>> {
    let mut conn = state.db.conn().await?;
    let forms = periodic::forms(&mut conn).await?;
    Ok(ListPage {
        ctx,
        forms,
        can_manage: me.actor.may(Action::ManageReportForms, None),
        fields,
        choices: CHOICES,
        errors,
    })
}

async fn list(State(state): State<AppState>, Auth(me): Auth, ctx: PageCtx) -> PageResult {
    let fields = FormFields {
        due_days: "15".into(),
        ..Default::default()
    };
    Ok(render(
        &list_page(&state, &ctx, &me, fields, FormErrors::default()).await?,
    ))
}

async fn create(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<FormFields>,
) -> PageResult {
    let result = async {
        let spec = f.draft()?.check()?;
        let mut tx = state.db.begin().await?;
        let created = periodic::create_form(&mut tx, &me.actor, &spec).await?;
        tx.commit().await?;
        Ok(created.code)
    }
    .await
    .map_err(beside_field);
    after_post(
        &ctx,
        result,
        |code| form_path(&code),
        |errors| list_page(&state, &ctx, &me, f.clone(), errors),
    )
    .await
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct FormPage<'a> {
    ctx: &'a PageCtx,
    form: Form,
    can_manage: bool,
    fields: FormFields,
    choices: Choices,
    errors: FormErrors,
}

impl FormPage<'_> {
    /// The form's manual indicators by name, in the reader's language.
    fn manual_names(&self) -> String {
        let named = self
            .form
            .manual
            .iter()
            .filter_map(|c| amity_domain::report::manual_indicator(c));
        named
            .map(|i| self.ctx.local(i.name_vi, i.name_en))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

async fn form_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    code: &str,
    fields: Option<FormFields>,
    errors: FormErrors,
) -> amity_store::Result<FormPage<'a>> {
    let mut conn = state.db.conn().await?;
    let form = periodic::existing_form(&mut conn, code).await?;
    let fields = fields.unwrap_or_else(|| FormFields::of(&form));
    Ok(FormPage {
        ctx,
        form,
        can_manage: me.actor.may(Action::ManageReportForms, None),
        fields,
        choices: CHOICES,
        errors,
    })
}

async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> PageResult {
    Ok(render(
        &form_page(&state, &ctx, &me, &code, None, FormErrors::default()).await?,
    ))
}

async fn update(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(code): Path<String>,
    PostForm(f): PostForm<FormFields>,
) -> PageResult {
    let result = async {
        // The code is the page's, not a field.
        let spec = FormFields {
            code: code.clone(),
            ..f.clone()
        }
        .draft()?
        .check()?;
        let mut tx = state.db.begin().await?;
        let updated = periodic::update_form(&mut tx, &me.actor, &code, &spec).await?;
        tx.commit().await?;
        Ok(updated.code)
    }
    .await
    .map_err(beside_field);
    after_post(
        &ctx,
        result,
        |code| form_path(&code),
        |errors| form_page(&state, &ctx, &me, &code, Some(f.clone()), errors),
    )
    .await
}

async fn remove(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(code): Path<String>,
) -> PageResult {
    let result = async {
        let mut tx = state.db.begin().await?;
        periodic::delete_form(&mut tx, &me.actor, &code).await?;
        tx.commit().await
    }
    .await
    .map_err(beside_field);
    after_post(
        &ctx,
        result,
        |()| LIST.to_owned(),
        |errors| form_page(&state, &ctx, &me, &code, None, errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route(LIST, get(list).post(create))
        .route("/report-forms/{code}", get(show).post(update))
        .route("/report-forms/{code}/delete", post(remove))
}
