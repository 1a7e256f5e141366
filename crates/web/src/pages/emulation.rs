//! Emulation and awards pages: a cluster's ranking for a year with each member's breakdown and
//! the forms that set criteria and enter points; the awards register with proposals and
//! decisions.

use amity_domain::emulation::{AwardState, AwardType};
use amity_domain::indicator::CATALOGUE;
use amity_domain::org::OrgKind;
use amity_domain::partner::Vocabulary;
use amity_domain::report::MANUAL;
use amity_store::award::{self, Award, AwardFilter, Decision, Proposal};
use amity_store::emulation::{self, CriterionInput, Ranking};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum_extra::extract::Form as PostForm;
use chrono::{Datelike, NaiveDate, Utc};
use serde::Deserialize;

use super::{PageResult, after_post, render, save};
use crate::auth::{Auth, CurrentUser};
use crate::route_set::RouteSet;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

#[derive(Debug, Default, Deserialize)]
struct RankingForm {
    #[serde(default)]
    cluster: String,
    #[serde(default)]
    year: String,
}

#[derive(Template)]
#[template(path = "emulation.html")]
struct RankingPage<'a> {
    ctx: &'a PageCtx,
    clusters: Vec<amity_store::org::OrgUnit>,
    cluster: i64,
    year: i32,
    ranking: Option<Ranking>,
    indicators: Vec<(&'static str, String)>,
    errors: FormErrors,
}

impl RankingPage<'_> {
    fn points_of(&self, s: &amity_store::emulation::Standing, code: &str) -> String {
        s.points
            .iter()
            .find(|p| p.criterion == code)
            .map(|p| format!("{}", p.points))
            .unwrap_or_default()
    }
}

async fn ranking_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    f: RankingForm,
    errors: FormErrors,
) -> amity_store::Result<RankingPage<'a>> {
    let year = f.year.trim().parse().unwrap_or(Utc::now().year() - 1);
    let mut conn = state.db.conn().await?;
    let mid = NaiveDate::from_ymd_opt(year, 7, 1).unwrap_or_default();
    let clusters: Vec<_> = amity_store::org::all_as_of(&mut conn, mid)
        .await?
        .into_iter()
        .filter(|u| u.kind == OrgKind::Cluster.as_str())
        .collect();
    let mut cluster = f.cluster.trim().parse().unwrap_or(0);
    let mut ranking = None;
    // The chosen cluster, else the first one the reader may see.
    for c in std::iter::once(cluster)
        .chain(clusters.iter().map(|c| c.id))
        .filter(|c| *c > 0)
    {
        match emulation::ranking(&mut conn, &me.actor, c, year).await {
            Ok(r) => {
                cluster = c;
                ranking = Some(r);
                break;
            }
            Err(amity_store::Error::NotFound(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    let indicators = CATALOGUE
        .iter()
        .chain(MANUAL)
        .map(|i| (i.code, ctx.local(i.name_vi, i.name_en).to_owned()))
        .collect();
    Ok(RankingPage {
        ctx,
        clusters,
        cluster,
        year,
        ranking,
        indicators,
        errors,
    })
}

async fn ranking(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(f): Query<RankingForm>,
) -> PageResult {
    Ok(render(
        &ranking_page(&state, &ctx, &me, f, FormErrors::default()).await?,
    ))
}

fn back(cluster: i64, year: i32) -> String {
    crate::view::path::emulation_of(cluster, year)
}

#[derive(Debug, Deserialize)]
struct CriterionForm {
    cluster: i64,
    year: i32,
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    weight: String,
}

async fn add_criterion(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<CriterionForm>,
) -> PageResult {
    let (cluster, year) = (f.cluster, f.year);
    let result = async {
        let weight = f
            .weight
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .map_err(|_| {
                amity_store::Error::invalid(
                    "weight",
                    amity_domain::error::said("must-be-number", []),
                )
            })?;
        let input = CriterionInput {
            code: f.code,
            name: f.name,
            indicator: Some(f.indicator).filter(|i| !i.is_empty()),
            weight,
        };
        let mut tx = state.db.begin().await?;
        emulation::add_criterion(&mut tx, &me.actor, cluster, year, &input).await?;
        tx.commit().await
    }
    .await;
    let again = RankingForm {
        cluster: cluster.to_string(),
        year: year.to_string(),
    };
    after_post(
        &ctx,
        result,
        |()| back(cluster, year),
        |errors| ranking_page(&state, &ctx, &me, again, errors),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct PointsForm {
    cluster: i64,
    year: i32,
    #[serde(default)]
    code: String,
    unit_id: i64,
    #[serde(default)]
    points: String,
}

async fn enter_points(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<PointsForm>,
) -> PageResult {
    let (cluster, year) = (f.cluster, f.year);
    let result = async {
        let points = f
            .points
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .map_err(|_| {
                amity_store::Error::invalid(
                    "points",
                    amity_domain::error::said("must-be-number", []),
                )
            })?;
        let mut tx = state.db.begin().await?;
        emulation::enter_points(
            &mut tx, &me.actor, cluster, year, &f.code, f.unit_id, points,
        )
        .await?;
        tx.commit().await
    }
    .await;
    let again = RankingForm {
        cluster: cluster.to_string(),
        year: year.to_string(),
    };
    after_post(
        &ctx,
        result,
        |()| back(cluster, year),
        |errors| ranking_page(&state, &ctx, &me, again, errors),
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct AwardsForm {
    #[serde(default)]
    year: String,
    #[serde(default, rename = "type")]
    award_type: String,
    #[serde(default)]
    state: String,
}

#[derive(Template)]
#[template(path = "awards.html")]
struct AwardsPage<'a> {
    ctx: &'a PageCtx,
    awards: Vec<Award>,
    filter: AwardsForm,
    types: &'static [AwardType],
    states: &'static [AwardState],
    can_propose: bool,
    /// Whether the reader decides proposals (central staff).
    decides: bool,
    this_year: i32,
    errors: FormErrors,
}

async fn awards_page<'a>(
    state: &AppState,
    ctx: &'a PageCtx,
    me: &CurrentUser,
    filter: AwardsForm,
    errors: FormErrors,
) -> amity_store::Result<AwardsPage<'a>> {
    let mut conn = state.db.conn().await?;
    let f = AwardFilter {
        year: filter.year.trim().parse().ok(),
        award_type: filter.award_type.parse().ok(),
        state: filter.state.parse().ok(),
    };
    let awards = award::list(&mut conn, &me.actor, &f).await?;
    let can_propose = me
        .actor
        .unit_id
        .is_some_and(|u| me.actor.may(amity_domain::authz::Action::Write, Some(u)));
    let decides = me.actor.unit_id.is_some_and(|u| {
        me.actor
            .may(amity_domain::authz::Action::DecideAward, Some(u))
    });
    Ok(AwardsPage {
        ctx,
        awards,
        filter,
        types: AwardType::ALL,
        states: AwardState::ALL,
        can_propose,
        decides,
        this_year: Utc::now().year(),
        errors,
    })
}

async fn awards(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(f): Query<AwardsForm>,
) -> PageResult {
    Ok(render(
        &awards_page(&state, &ctx, &me, f, FormErrors::default()).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct ProposalForm {
    #[serde(default)]
    award_type: String,
    #[serde(default)]
    recipient_name: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    reason: String,
}

async fn propose(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    PostForm(f): PostForm<ProposalForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut c = amity_domain::error::Checker::new();
            let award_type = c.check("award_type", f.award_type.parse::<AwardType>());
            let year = c.check(
                "year",
                f.year
                    .trim()
                    .parse::<i32>()
                    .map_err(|_| "write a year, such as 2026".to_owned()),
            );
            c.finish()?;
            let proposal = Proposal {
                award_type: award_type.unwrap_or(AwardType::Other),
                proposing_unit_id: me.actor.unit_id.ok_or_else(|| {
                    amity_store::Error::invalid(
                        "proposing_unit_id",
                        amity_domain::error::said("no-unit", []),
                    )
                })?,
                recipient_unit_id: None,
                recipient_person_id: None,
                recipient_name: Some(f.recipient_name),
                year: year.unwrap_or_default(),
                reason: f.reason,
            };
            award::propose(tx, &me.actor, &proposal).await?;
            Ok(())
        },
        |()| "/awards".to_owned(),
        |errors| awards_page(&state, &ctx, &me, AwardsForm::default(), errors),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    decision_number: String,
    #[serde(default)]
    decided_on: String,
    #[serde(default)]
    issuer: String,
}

async fn move_award(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    PostForm(f): PostForm<DecisionForm>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| {
            let mut c = amity_domain::error::Checker::new();
            let to = c.check("to", f.to.parse::<AwardState>());
            let decided_on = c.optional_date("decided_on", &f.decided_on);
            c.finish()?;
            let decision = Decision {
                number: Some(f.decision_number),
                decided_on: decided_on.flatten(),
                issuer: Some(f.issuer),
            };
            award::transition(
                tx,
                &me.actor,
                id,
                to.unwrap_or(AwardState::Submitted),
                Some(&f.comment),
                &decision,
            )
            .await?;
            Ok(())
        },
        |()| "/awards".to_owned(),
        |errors| awards_page(&state, &ctx, &me, AwardsForm::default(), errors),
    )
    .await
}

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/emulation", get(ranking))
        .route("/emulation/criteria", post(add_criterion))
        .route("/emulation/points", post(enter_points))
        .route("/awards", get(awards).post(propose))
        .route("/awards/{id}/transitions", post(move_award))
}
