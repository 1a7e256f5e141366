//! `/api/v1/emulation` and `/api/v1/awards`: a cluster's emulation criteria and ranking for a
//! year, and the awards register with its proposals.

use amity_domain::emulation::{AwardState, AwardType};
use amity_store::award::{self, Award, AwardFilter, Decision, Proposal};
use amity_store::emulation::{self, CriterionInput, Ranking};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use chrono::NaiveDate;
use serde::Deserialize;

use super::{List, TransitionBody, unprocessable};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery};
use crate::route_set::RouteSet;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct RankingQuery {
    cluster: Option<i64>,
    year: Option<i32>,
}

#[utoipa::path(
    get,
    path = "/emulation",
    tag = "emulation",
    summary = "A cluster's emulation ranking for a year, with each member's breakdown",
    params(RankingQuery),
    responses((status = 200, description = "The ranking: cluster_id, cluster_name, year, total_weight, editable, criteria [{id, code, name, indicator, weight}], standings [{rank, unit_id, unit_name, score, report_id, points [{criterion, value, points}]}]. Points = weight × value ÷ the best member's value (approved annual reports); manual criteria as entered, at most the weight; ties share a rank.", body = Ranking))
)]
async fn ranking(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<RankingQuery>,
) -> ApiResult<Json<Ranking>> {
    let cluster = q
        .cluster
        .ok_or_else(|| unprocessable("cluster", amity_domain::error::Problem::Required))?;
    let year = q
        .year
        .ok_or_else(|| unprocessable("year", amity_domain::error::Problem::Required))?;
    let mut conn = state.db.conn().await?;
    Ok(Json(
        emulation::ranking(&mut conn, &me.actor, cluster, year).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewCriterion {
    cluster: Option<i64>,
    year: Option<i32>,
    code: Option<String>,
    name: Option<String>,
    /// An indicator code; absent for points entered by hand.
    indicator: Option<String>,
    weight: Option<f64>,
}

#[utoipa::path(
    post,
    path = "/emulation/criteria",
    tag = "emulation",
    summary = "Add a weighted criterion (central staff, or the cluster's lead union for the year); 409 for a code already used",
    request_body = NewCriterion,
    responses((status = 201, description = "The ranking: cluster_id, cluster_name, year, total_weight, editable, criteria [{id, code, name, indicator, weight}], standings [{rank, unit_id, unit_name, score, report_id, points [{criterion, value, points}]}]. Points = weight × value ÷ the best member's value (approved annual reports); manual criteria as entered, at most the weight; ties share a rank.", body = Ranking))
)]
async fn add_criterion(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<NewCriterion>,
) -> ApiResult<(StatusCode, Json<Ranking>)> {
    let cluster = b
        .cluster
        .ok_or_else(|| unprocessable("cluster", amity_domain::error::Problem::Required))?;
    let year = b
        .year
        .ok_or_else(|| unprocessable("year", amity_domain::error::Problem::Required))?;
    let input = CriterionInput {
        code: b
            .code
            .ok_or_else(|| unprocessable("code", amity_domain::error::Problem::Required))?,
        name: b
            .name
            .ok_or_else(|| unprocessable("name", amity_domain::error::Problem::Required))?,
        indicator: b.indicator.filter(|i| !i.trim().is_empty()),
        weight: b
            .weight
            .ok_or_else(|| unprocessable("weight", amity_domain::error::Problem::Required))?,
    };
    let mut tx = state.db.begin().await?;
    let r = emulation::add_criterion(&mut tx, &me.actor, cluster, year, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct PointsBody {
    cluster: Option<i64>,
    year: Option<i32>,
    code: Option<String>,
    unit_id: Option<i64>,
    points: Option<f64>,
}

#[utoipa::path(
    put,
    path = "/emulation/points",
    tag = "emulation",
    summary = "Enter (or replace) a member's points on a manual criterion, from 0 to its weight",
    request_body = PointsBody,
    responses((status = 200, description = "The ranking: cluster_id, cluster_name, year, total_weight, editable, criteria [{id, code, name, indicator, weight}], standings [{rank, unit_id, unit_name, score, report_id, points [{criterion, value, points}]}]. Points = weight × value ÷ the best member's value (approved annual reports); manual criteria as entered, at most the weight; ties share a rank.", body = Ranking))
)]
async fn enter_points(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<PointsBody>,
) -> ApiResult<Json<Ranking>> {
    let cluster = b
        .cluster
        .ok_or_else(|| unprocessable("cluster", amity_domain::error::Problem::Required))?;
    let year = b
        .year
        .ok_or_else(|| unprocessable("year", amity_domain::error::Problem::Required))?;
    let code = b
        .code
        .ok_or_else(|| unprocessable("code", amity_domain::error::Problem::Required))?;
    let unit = b
        .unit_id
        .ok_or_else(|| unprocessable("unit_id", amity_domain::error::Problem::Required))?;
    let points = b
        .points
        .ok_or_else(|| unprocessable("points", amity_domain::error::Problem::Required))?;
    let mut tx = state.db.begin().await?;
    let r = emulation::enter_points(&mut tx, &me.actor, cluster, year, &code, unit, points).await?;
    tx.commit().await?;
    Ok(Json(r))
}

#[derive(Debug, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AwardQuery {
    year: Option<i32>,
    #[serde(rename = "type")]
    award_type: Option<String>,
    state: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

#[utoipa::path(
    get,
    path = "/awards",
    tag = "awards",
    summary = "The awards register within the caller's scope, newest year first",
    params(AwardQuery),
    responses((status = 200, description = "{items: [award], total}", body = List<Award>))
)]
async fn awards(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiQuery(q): ApiQuery<AwardQuery>,
) -> ApiResult<Json<List<Award>>> {
    let filter = AwardFilter {
        year: q.year,
        award_type: q
            .award_type
            .filter(|t| !t.is_empty())
            .map(|t| t.parse())
            .transpose()
            .map_err(|e| unprocessable("type", e))?,
        state: q
            .state
            .filter(|s| !s.is_empty())
            .map(|s| s.parse())
            .transpose()
            .map_err(|e| unprocessable("state", e))?,
    };
    let mut conn = state.db.conn().await?;
    let items = award::list(&mut conn, &me.actor, &filter).await?;
    Ok(Json(List::page_of(items, q.page, q.per_page)?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewAward {
    award_type: Option<AwardType>,
    /// Default: the caller's unit.
    proposing_unit_id: Option<i64>,
    recipient_unit_id: Option<i64>,
    recipient_person_id: Option<i64>,
    recipient_name: Option<String>,
    year: Option<i32>,
    reason: Option<String>,
}

#[utoipa::path(
    post,
    path = "/awards",
    tag = "awards",
    summary = "Propose an award; exactly one recipient (a unit, a person on record, or a name)",
    request_body = NewAward,
    responses((status = 201, description = "An award: id, award_type (medal, certificate, emulation_flag, other), proposing_unit_id, proposing_unit_name, recipient_unit_id, recipient_person_id, recipient_name, year, reason, state (proposed, submitted, approved, refused), decision_number, decided_on, issuer, moves [{from, to, comment, user_id, at}]", body = Award))
)]
async fn propose(
    State(state): State<AppState>,
    Auth(me): Auth,
    ApiJson(b): ApiJson<NewAward>,
) -> ApiResult<(StatusCode, Json<Award>)> {
    let proposal = Proposal {
        award_type: b
            .award_type
            .ok_or_else(|| unprocessable("award_type", amity_domain::error::Problem::Required))?,
        proposing_unit_id: b.proposing_unit_id.or(me.actor.unit_id).ok_or_else(|| {
            unprocessable("proposing_unit_id", amity_domain::error::Problem::Required)
        })?,
        recipient_unit_id: b.recipient_unit_id,
        recipient_person_id: b.recipient_person_id,
        recipient_name: b.recipient_name,
        year: b
            .year
            .ok_or_else(|| unprocessable("year", amity_domain::error::Problem::Required))?,
        reason: b.reason.unwrap_or_default(),
    };
    let mut tx = state.db.begin().await?;
    let created = award::propose(&mut tx, &me.actor, &proposal).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(
    get,
    path = "/awards/{id}",
    tag = "awards",
    summary = "An award with its moves",
    params(("id" = i64, Path)),
    responses((status = 200, description = "An award: id, award_type (medal, certificate, emulation_flag, other), proposing_unit_id, proposing_unit_name, recipient_unit_id, recipient_person_id, recipient_name, year, reason, state (proposed, submitted, approved, refused), decision_number, decided_on, issuer, moves [{from, to, comment, user_id, at}]", body = Award))
)]
async fn show(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Award>> {
    let mut conn = state.db.conn().await?;
    Ok(Json(award::get(&mut conn, &me.actor, id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct AwardMoveBody {
    to: Option<String>,
    comment: Option<String>,
    decision_number: Option<String>,
    decided_on: Option<NaiveDate>,
    issuer: Option<String>,
}

#[utoipa::path(
    post,
    path = "/awards/{id}/transitions",
    tag = "awards",
    summary = "Move a proposal: the proposer sends it up; central staff approve it (decision_number, decided_on and issuer required), refuse it or send it back (comment required); 409 for a move that does not exist",
    params(("id" = i64, Path)),
    request_body = AwardMoveBody,
    responses((status = 200, description = "An award: id, award_type (medal, certificate, emulation_flag, other), proposing_unit_id, proposing_unit_name, recipient_unit_id, recipient_person_id, recipient_name, year, reason, state (proposed, submitted, approved, refused), decision_number, decided_on, issuer, moves [{from, to, comment, user_id, at}]", body = Award))
)]
async fn transition(
    State(state): State<AppState>,
    Auth(me): Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<AwardMoveBody>,
) -> ApiResult<Json<Award>> {
    let to: AwardState = TransitionBody {
        to: b.to,
        comment: None,
    }
    .target()?;
    let decision = Decision {
        number: b.decision_number,
        decided_on: b.decided_on,
        issuer: b.issuer,
    };
    let mut tx = state.db.begin().await?;
    let moved =
        award::transition(&mut tx, &me.actor, id, to, b.comment.as_deref(), &decision).await?;
    tx.commit().await?;
    Ok(Json(moved))
}

/// This module's part of the API description.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    ranking,
    add_criterion,
    enter_points,
    awards,
    propose,
    show,
    transition
))]
pub(super) struct Doc;

pub(super) fn routes() -> RouteSet {
    RouteSet::default()
        .route("/api/v1/emulation", get(ranking))
        .route("/api/v1/emulation/criteria", post(add_criterion))
        .route("/api/v1/emulation/points", put(enter_points))
        .route("/api/v1/awards", get(awards).post(propose))
        .route("/api/v1/awards/{id}", get(show))
        .route("/api/v1/awards/{id}/transitions", post(transition))
}
