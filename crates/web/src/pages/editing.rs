//! The new-and-edit form pair a kept record shares with the others: the blank form, its create,
//! the edit form filled from the stored record and its update. Each write runs in one
//! transaction; a refused value shows the form again with each problem beside its field.
//!
//! A record's page module says what differs in one `impl Edited` and routes the four handlers
//! here for its type.

use std::collections::HashMap;

use amity_domain::authz::{Action, Actor};
use amity_store::Conn;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum_extra::extract::Form;
use serde::de::DeserializeOwned;

use super::{PageResult, render, save};
use crate::auth::Auth;
use crate::state::AppState;
use crate::view::{FormErrors, PageCtx};

type Result<T> = amity_store::Result<T>;

/// What a record's form pair needs of its kind.
pub(crate) trait Edited: 'static {
    type Record: Send + Sync;
    /// The form as posted, every value as typed.
    type Form: DeserializeOwned + Clone + Send + Sync + 'static;
    type Page<'a>: Template + Send;

    /// The new form's first values; `query` may preset some (a link's `?direction=inbound`).
    fn blank(query: &HashMap<String, String>) -> Self::Form;
    /// The edit form's first values: the record as it is.
    fn form_of(record: &Self::Record) -> Self::Form;
    /// The unit whose staff may change it.
    fn owner(record: &Self::Record) -> i64;
    /// Where the reader goes once it is saved.
    fn path(record: &Self::Record) -> String;
    fn get(
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> impl Future<Output = Result<Self::Record>> + Send;
    fn create(
        tx: &mut Conn,
        actor: &Actor,
        form: &Self::Form,
    ) -> impl Future<Output = Result<Self::Record>> + Send;
    fn update(
        tx: &mut Conn,
        actor: &Actor,
        id: i64,
        form: &Self::Form,
    ) -> impl Future<Output = Result<Self::Record>> + Send;
    /// The form page: for a new record when `existing` is `None`.
    fn form_page<'a>(
        state: &'a AppState,
        ctx: &'a PageCtx,
        existing: Option<Self::Record>,
        form: Self::Form,
        errors: FormErrors,
    ) -> impl Future<Output = Result<Self::Page<'a>>> + Send + 'a;
}

/// The blank form, for those who may record in their unit.
pub(crate) async fn new_form<E: Edited>(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Query(query): Query<HashMap<String, String>>,
) -> PageResult {
    me.actor.require(Action::Write, me.actor.unit_id)?;
    let form = E::blank(&query);
    Ok(render(
        &E::form_page(&state, &ctx, None, form, FormErrors::default()).await?,
    ))
}

pub(crate) async fn create<E: Edited>(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Form(form): Form<E::Form>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| E::create(tx, &me.actor, &form).await,
        |record| E::path(&record),
        |errors| E::form_page(&state, &ctx, None, form.clone(), errors),
    )
    .await
}

/// The edit form, for the staff of the record's unit.
pub(crate) async fn edit_form<E: Edited>(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
) -> PageResult {
    let existing = E::get(&mut state.db.conn().await?, &me.actor, id).await?;
    me.actor.require(Action::Write, Some(E::owner(&existing)))?;
    let form = E::form_of(&existing);
    Ok(render(
        &E::form_page(&state, &ctx, Some(existing), form, FormErrors::default()).await?,
    ))
}

pub(crate) async fn update<E: Edited>(
    State(state): State<AppState>,
    Auth(me): Auth,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<E::Form>,
) -> PageResult {
    save(
        &state,
        &ctx,
        async |tx| E::update(tx, &me.actor, id, &form).await,
        |record| E::path(&record),
        |errors| async {
            let existing = E::get(&mut state.db.conn().await?, &me.actor, id).await?;
            E::form_page(&state, &ctx, Some(existing), form.clone(), errors).await
        },
    )
    .await
}
