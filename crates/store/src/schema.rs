//! Tables, and the append-only migrations that create them on either backend.
//!
//! Each migration is written once with sea-query's schema builder and rendered for the
//! connected backend; only the search index differs, and that comes from [`crate::dialect`].
//! Never edit a migration that has shipped: add the next one.

use chrono::{NaiveDate, Utc};
use sea_query::{ColumnDef, Expr, ExprTrait, ForeignKey, Iden, Index, Query, Table};

use crate::db::{Conn, Db};
use crate::dialect;
use crate::error::Result;

#[derive(Iden, Clone, Copy)]
pub(crate) enum SchemaMigrations {
    Table,
    Version,
    Name,
    AppliedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum OrgUnits {
    Table,
    Id,
    Kind,
    ValidFrom,
    ValidTo,
    Address,
    Phone,
    Email,
    Website,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum OrgNames {
    Table,
    Id,
    UnitId,
    Name,
    ShortName,
    NameEn,
    NameKey,
    ValidFrom,
    ValidTo,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum OrgCodes {
    Table,
    Id,
    UnitId,
    Code,
    ValidFrom,
    ValidTo,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum OrgParents {
    Table,
    Id,
    UnitId,
    ParentId,
    ValidFrom,
    ValidTo,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum OrgEvents {
    Table,
    Id,
    Kind,
    EventDate,
    Note,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum OrgEventLinks {
    Table,
    Id,
    EventId,
    FromUnitId,
    ToUnitId,
    Share,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ClusterRoles {
    Table,
    Id,
    ClusterId,
    Year,
    LeadUnitId,
    DeputyUnitId,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    NameKey,
    PasswordHash,
    Role,
    UnitId,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Sessions {
    Table,
    Id,
    TokenHash,
    UserId,
    Kind,
    Csrf,
    CreatedAt,
    ExpiresAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorEmail,
    Action,
    EntityType,
    EntityId,
    UnitId,
    Changes,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum SearchDocs {
    Table,
    Id,
    EntityType,
    EntityId,
    UnitId,
    Title,
    Subtitle,
    Url,
    Folded,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Countries {
    Table,
    Id,
    Code,
    Alpha3,
    Numeric,
    NameEn,
    NameVi,
    NameKey,
    Region,
    SubRegion,
    RelationsDate,
    RelationsPrecision,
    RelationsNote,
    Source,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum CountryLevels {
    Table,
    Id,
    CountryId,
    Level,
    Since,
    SincePrecision,
    Note,
    Source,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Commemorations {
    Table,
    Id,
    Title,
    Year,
    CountryId,
    Note,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Partners {
    Table,
    Id,
    Kind,
    Category,
    CountryId,
    NameNative,
    NameLatin,
    NameVi,
    NameKey,
    Acronyms,
    Aliases,
    Website,
    Address,
    Note,
    OwnerUnitId,
    MergedIntoId,
    CreatedAt,
    UpdatedAt,
    /// When the partner was founded, to the precision known (`founded_precision`).
    FoundedOn,
    FoundedPrecision,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum PartnerUnits {
    Table,
    Id,
    PartnerId,
    UnitId,
    Relation,
    ValidFrom,
    ValidTo,
    Note,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum People {
    Table,
    Id,
    Name,
    NameLatin,
    NameKey,
    Honorific,
    Gender,
    NationalityId,
    Email,
    Phone,
    Note,
    OwnerUnitId,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Positions {
    Table,
    Id,
    PersonId,
    Title,
    PartnerId,
    UnitId,
    Organization,
    ValidFrom,
    ValidTo,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Agreements {
    Table,
    Id,
    OwnerUnitId,
    Title,
    TitleKey,
    Number,
    SignedOn,
    SignedPlace,
    ValidFrom,
    ValidTo,
    Status,
    RenewedById,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AidProjects {
    Table,
    Id,
    Code,
    TitleVi,
    TitleEn,
    ProgrammeId,
    UnitId,
    Status,
    PlannedStart,
    PlannedEnd,
    ActualStart,
    ActualEnd,
    Beneficiaries,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AidProjectOrgs {
    Table,
    ProjectId,
    PartnerId,
    Role,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AidProjectSectors {
    Table,
    ProjectId,
    SectorCode,
    Percent,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AidProjectProvinces {
    Table,
    ProjectId,
    UnitId,
    Percent,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AidProjectResults {
    Table,
    ProjectId,
    Position,
    Kind,
    IndicatorVi,
    IndicatorEn,
    Measure,
    Baseline,
    BaselineYear,
    Target,
    Actual,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ExchangeRates {
    Table,
    Currency,
    ValidFrom,
    VndPerUnit,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum PublicHolidays {
    Table,
    Date,
    NameVi,
    NameEn,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AidTransactions {
    Table,
    Id,
    ProjectId,
    Kind,
    Date,
    Amount,
    Currency,
    RateToVnd,
    AmountVnd,
    Note,
    CreatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum NgoApplicants {
    Table,
    UserId,
    PartnerId,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Applications {
    Table,
    Id,
    PartnerId,
    Procedure,
    State,
    PermitId,
    Documents,
    Details,
    SubmittedOn,
    Deadline,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ApplicationMoves {
    Table,
    Id,
    ApplicationId,
    FromState,
    ToState,
    Comment,
    UserId,
    At,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ApplicationNotes {
    Table,
    Id,
    ApplicationId,
    Note,
    UserId,
    At,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum NgoSectors {
    Table,
    PartnerId,
    SectorCode,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum NgoProvinces {
    Table,
    PartnerId,
    UnitId,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum NgoPermits {
    Table,
    Id,
    PartnerId,
    Kind,
    Number,
    Issuer,
    IssuedOn,
    ValidFrom,
    ValidTo,
    Standing,
    Note,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum NgoPermitProvinces {
    Table,
    PermitId,
    UnitId,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum NgoPermitSectors {
    Table,
    PermitId,
    SectorCode,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum NgoPermitChanges {
    Table,
    Id,
    PermitId,
    Change,
    Note,
    UserId,
    At,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Delegations {
    Table,
    Id,
    OwnerUnitId,
    Direction,
    Title,
    TitleKey,
    Purpose,
    State,
    StartOn,
    EndOn,
    FundingSource,
    /// Decimal text, in `budget_currency`.
    BudgetAmount,
    BudgetCurrency,
    /// VND per unit of `budget_currency`, decimal text.
    ExchangeRate,
    ExpectedOutcomes,
    ActualOutcomes,
    Report,
    /// The last reviewer's comment (shown when a request comes back).
    ReviewComment,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum DelegationMembers {
    Table,
    Id,
    DelegationId,
    PersonId,
    Role,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum DelegationLegs {
    Table,
    Id,
    DelegationId,
    CountryId,
    City,
    FromOn,
    ToOn,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum DelegationMoves {
    Table,
    Id,
    DelegationId,
    FromState,
    ToState,
    Comment,
    UserId,
    At,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Events {
    Table,
    Id,
    OwnerUnitId,
    EventType,
    Channel,
    Title,
    TitleKey,
    StartOn,
    EndOn,
    /// The country the event took place in (Vietnam for a province).
    PlaceCountryId,
    /// The province or the foreign city, in words.
    Place,
    Participants,
    ForeignParticipants,
    Description,
    Results,
    CreatedAt,
    UpdatedAt,
}

/// Links from a delegation or an event (`record_type`, `record_id`) to partners, countries,
/// co-organizing units and agreement tasks.
#[derive(Iden, Clone, Copy)]
pub(crate) enum ActivityLinks {
    Table,
    Id,
    RecordType,
    RecordId,
    /// `partner`, `country`, `unit` or `task`.
    LinkType,
    TargetId,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Attachments {
    Table,
    Id,
    RecordType,
    RecordId,
    /// Hex SHA-256 of the content: the file's name in the store.
    Sha256,
    Size,
    ContentType,
    FileName,
    UploadedBy,
    UploadedAt,
}

/// Live per-unit, per-month totals of activity, kept in the same transaction as the records.
#[derive(Iden, Clone, Copy)]
pub(crate) enum ActivityTotals {
    Table,
    UnitId,
    Year,
    Month,
    Metric,
    Value,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AgreementDocuments {
    Table,
    Id,
    AgreementId,
    Title,
    /// Where the document is kept: an address, or a file reference.
    Url,
    AddedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AgreementParties {
    Table,
    Id,
    AgreementId,
    PartnerId,
    UnitId,
    Name,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AgreementTasks {
    Table,
    Id,
    AgreementId,
    Year,
    Item,
    OwnerUnitId,
    Status,
    Evidence,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ReportForms {
    Table,
    Id,
    Code,
    NameVi,
    NameEn,
    PeriodKind,
    /// The unit kinds that file it, comma-separated.
    UnitKinds,
    /// The manual indicators it asks for, comma-separated codes.
    ManualCodes,
    /// Days after the period's end by which the report is due.
    DueDays,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum Reports {
    Table,
    Id,
    FormId,
    UnitId,
    Period,
    PeriodStart,
    PeriodEnd,
    State,
    Results,
    Shortcomings,
    Directions,
    ReturnComment,
    CreatedAt,
    UpdatedAt,
    /// The first submission (timeliness is judged on it).
    SubmittedAt,
    ClusterSignedAt,
    ClusterSignedBy,
    ApprovedAt,
    ApprovedBy,
    LockedAt,
    DueOn,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ReportValues {
    Table,
    ReportId,
    /// `manual` (entered by the unit) or `frozen` (a computed value as approved).
    Kind,
    Code,
    Value,
    /// For frozen values: the same period a year earlier, as approved.
    Previous,
}

/// A unit's work plan for a year.
#[derive(Iden, Clone, Copy)]
pub(crate) enum WorkPlans {
    Table,
    Id,
    UnitId,
    Year,
    Title,
    CreatedAt,
    UpdatedAt,
}

/// A plan's numbered priority (*trọng tâm công tác*).
#[derive(Iden, Clone, Copy)]
pub(crate) enum PlanPriorities {
    Table,
    Id,
    PlanId,
    Number,
    Title,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum PlanTasks {
    Table,
    Id,
    PriorityId,
    Title,
    OwnerUnitId,
    Deadline,
    Status,
    Progress,
    DoneOn,
    UpdatedAt,
}

/// A record showing a task's work: `kind` is delegation, event or agreement_task.
#[derive(Iden, Clone, Copy)]
pub(crate) enum PlanEvidence {
    Table,
    TaskId,
    Kind,
    RecordId,
}

/// A weighted emulation criterion of a cluster for a year; `indicator` names the report
/// indicator it reads, or is null for points entered by hand.
#[derive(Iden, Clone, Copy)]
pub(crate) enum EmulationCriteria {
    Table,
    Id,
    ClusterId,
    Year,
    Code,
    Name,
    Indicator,
    Weight,
}

/// Points entered for a manual criterion and a member.
#[derive(Iden, Clone, Copy)]
pub(crate) enum EmulationScores {
    Table,
    CriterionId,
    UnitId,
    Points,
}

/// The awards register: proposals and decided awards.
#[derive(Iden, Clone, Copy)]
pub(crate) enum Awards {
    Table,
    Id,
    AwardType,
    /// The unit that proposes (and owns the record).
    ProposingUnitId,
    RecipientUnitId,
    RecipientPersonId,
    RecipientName,
    Year,
    Reason,
    State,
    DecisionNumber,
    DecidedOn,
    Issuer,
    CreatedAt,
    UpdatedAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum AwardMoves {
    Table,
    Id,
    AwardId,
    FromState,
    ToState,
    Comment,
    UserId,
    At,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum ReportMoves {
    Table,
    Id,
    ReportId,
    FromState,
    ToState,
    Comment,
    UserId,
    At,
}

fn id(col: impl Iden + 'static) -> ColumnDef {
    ColumnDef::new(col)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn fk(
    table: impl Iden + 'static,
    col: impl Iden + 'static,
    to: impl Iden + 'static,
    to_col: impl Iden + 'static,
) -> sea_query::ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(to, to_col)
        .to_owned()
}

/// The migrations, in order: (version, name).
pub const MIGRATIONS: &[(i64, &str)] = &[
    (1, "foundation: structure, accounts, audit, search"),
    (2, "countries, partnership levels, commemorative years"),
    (3, "partners and their relations to our units"),
    (4, "people and their dated positions"),
    (5, "cooperation agreements, parties and yearly tasks"),
    (6, "partner founding dates, agreement documents"),
    (
        7,
        "delegations, events, attachments and live activity totals",
    ),
    (
        8,
        "live totals also count agreements signed, tasks done and new partners",
    ),
    (9, "periodic report forms, reports, their values and moves"),
    (10, "work plans: priorities, tasks and their evidence"),
    (
        11,
        "emulation criteria and scores, the awards register and its moves",
    ),
    (
        12,
        "live totals keep the agreements in force; a report keeps the due date of its first submission",
    ),
    (
        13,
        "foreign NGOs: sectors and provinces of work, permits and their history",
    ),
    (
        14,
        "aid projects, their NGOs, sectors and provinces; transactions and exchange rates",
    ),
    (
        15,
        "NGO applicant accounts, their applications, moves and the office's internal notes",
    ),
    (
        16,
        "aid transactions indexed by date, for the year's figures; live totals count the NGOs giving aid",
    ),
    (
        17,
        "public holidays, which applications' processing times do not count",
    ),
    (
        18,
        "aid projects' results: indicators with their baselines, targets and actuals",
    ),
];

/// Migrations that change what the live totals count: when one of them is newly applied, the
/// totals are recomputed from the records after the last migration, with today's code against
/// today's schema.
const REBUILD_TOTALS: &[i64] = &[8, 12, 14, 16];

/// Applies every migration not yet applied, each in its own transaction.
pub async fn migrate(db: &Db) -> Result<Vec<i64>> {
    let mut conn = db.conn().await?;
    conn.execute_schema(
        Table::create()
            .table(SchemaMigrations::Table)
            .if_not_exists()
            .col(
                ColumnDef::new(SchemaMigrations::Version)
                    .big_integer()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new(SchemaMigrations::Name).text().not_null())
            .col(
                ColumnDef::new(SchemaMigrations::AppliedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    let applied: Vec<(i64,)> = conn
        .fetch_all(
            Query::select()
                .column(SchemaMigrations::Version)
                .from(SchemaMigrations::Table),
        )
        .await?;
    drop(conn);
    let mut newly = Vec::new();
    for &(version, name) in MIGRATIONS {
        if applied.iter().any(|(v,)| *v == version) {
            continue;
        }
        let mut tx = db.begin().await?;
        apply(&mut tx, version).await?;
        tx.execute(
            Query::insert()
                .into_table(SchemaMigrations::Table)
                .columns([
                    SchemaMigrations::Version,
                    SchemaMigrations::Name,
                    SchemaMigrations::AppliedAt,
                ])
                .values_panic([version.into(), name.into(), Utc::now().into()]),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            migration.version = version,
            migration.name = name,
            "applied migration"
        );
        newly.push(version);
    }
    if newly.iter().any(|v| REBUILD_TOTALS.contains(v)) {
        let mut tx = db.begin().await?;
        crate::totals::rebuild(&mut tx).await?;
        tx.commit().await?;
        tracing::info!("recomputed the live activity totals");
    }
    Ok(newly)
}

async fn apply(conn: &mut Conn, version: i64) -> Result<()> {
    match version {
        1 => m001_foundation(conn).await,
        2 => m002_countries(conn).await,
        3 => m003_partners(conn).await,
        4 => m004_people(conn).await,
        5 => m005_agreements(conn).await,
        6 => m006_foundings_documents(conn).await,
        7 => m007_activities(conn).await,
        // Recomputed once every migration has run (see `REBUILD_TOTALS`).
        8 => Ok(()),
        9 => m009_reports(conn).await,
        10 => m010_work_plans(conn).await,
        11 => m011_emulation_awards(conn).await,
        12 => m012_stocks_due_dates(conn).await,
        13 => m013_ngo_permits(conn).await,
        14 => m014_aid(conn).await,
        15 => m015_applications(conn).await,
        16 => m016_aid_by_date(conn).await,
        17 => m017_public_holidays(conn).await,
        18 => m018_aid_results(conn).await,
        _ => unreachable!("migration {version} is listed but has no body"),
    }
}

async fn m001_foundation(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(OrgUnits::Table)
            .col(id(OrgUnits::Id))
            .col(ColumnDef::new(OrgUnits::Kind).text().not_null())
            .col(ColumnDef::new(OrgUnits::ValidFrom).date().not_null())
            .col(ColumnDef::new(OrgUnits::ValidTo).date().null())
            .col(ColumnDef::new(OrgUnits::Address).text().null())
            .col(ColumnDef::new(OrgUnits::Phone).text().null())
            .col(ColumnDef::new(OrgUnits::Email).text().null())
            .col(ColumnDef::new(OrgUnits::Website).text().null())
            .col(ColumnDef::new(OrgUnits::Note).text().null())
            .col(
                ColumnDef::new(OrgUnits::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(OrgUnits::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(OrgNames::Table)
            .col(id(OrgNames::Id))
            .col(ColumnDef::new(OrgNames::UnitId).big_integer().not_null())
            .col(ColumnDef::new(OrgNames::Name).text().not_null())
            .col(ColumnDef::new(OrgNames::ShortName).text().null())
            .col(ColumnDef::new(OrgNames::NameEn).text().null())
            .col(ColumnDef::new(OrgNames::NameKey).binary().not_null())
            .col(ColumnDef::new(OrgNames::ValidFrom).date().not_null())
            .col(ColumnDef::new(OrgNames::ValidTo).date().null())
            .foreign_key(&mut fk(
                OrgNames::Table,
                OrgNames::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(OrgCodes::Table)
            .col(id(OrgCodes::Id))
            .col(ColumnDef::new(OrgCodes::UnitId).big_integer().not_null())
            .col(ColumnDef::new(OrgCodes::Code).text().not_null())
            .col(ColumnDef::new(OrgCodes::ValidFrom).date().not_null())
            .col(ColumnDef::new(OrgCodes::ValidTo).date().null())
            .foreign_key(&mut fk(
                OrgCodes::Table,
                OrgCodes::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(OrgParents::Table)
            .col(id(OrgParents::Id))
            .col(ColumnDef::new(OrgParents::UnitId).big_integer().not_null())
            .col(
                ColumnDef::new(OrgParents::ParentId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(OrgParents::ValidFrom).date().not_null())
            .col(ColumnDef::new(OrgParents::ValidTo).date().null())
            .foreign_key(&mut fk(
                OrgParents::Table,
                OrgParents::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                OrgParents::Table,
                OrgParents::ParentId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(OrgEvents::Table)
            .col(id(OrgEvents::Id))
            .col(ColumnDef::new(OrgEvents::Kind).text().not_null())
            .col(ColumnDef::new(OrgEvents::EventDate).date().not_null())
            .col(ColumnDef::new(OrgEvents::Note).text().null())
            .col(
                ColumnDef::new(OrgEvents::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(OrgEventLinks::Table)
            .col(id(OrgEventLinks::Id))
            .col(
                ColumnDef::new(OrgEventLinks::EventId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(OrgEventLinks::FromUnitId)
                    .big_integer()
                    .null(),
            )
            .col(ColumnDef::new(OrgEventLinks::ToUnitId).big_integer().null())
            .col(ColumnDef::new(OrgEventLinks::Share).double().null())
            .foreign_key(&mut fk(
                OrgEventLinks::Table,
                OrgEventLinks::EventId,
                OrgEvents::Table,
                OrgEvents::Id,
            ))
            .foreign_key(&mut fk(
                OrgEventLinks::Table,
                OrgEventLinks::FromUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                OrgEventLinks::Table,
                OrgEventLinks::ToUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(ClusterRoles::Table)
            .col(id(ClusterRoles::Id))
            .col(
                ColumnDef::new(ClusterRoles::ClusterId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(ClusterRoles::Year).integer().not_null())
            .col(
                ColumnDef::new(ClusterRoles::LeadUnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(ClusterRoles::DeputyUnitId)
                    .big_integer()
                    .null(),
            )
            .foreign_key(&mut fk(
                ClusterRoles::Table,
                ClusterRoles::ClusterId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                ClusterRoles::Table,
                ClusterRoles::LeadUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                ClusterRoles::Table,
                ClusterRoles::DeputyUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Users::Table)
            .col(id(Users::Id))
            .col(ColumnDef::new(Users::Email).text().not_null().unique_key())
            .col(ColumnDef::new(Users::DisplayName).text().not_null())
            .col(ColumnDef::new(Users::NameKey).binary().not_null())
            .col(ColumnDef::new(Users::PasswordHash).text().not_null())
            .col(ColumnDef::new(Users::Role).text().not_null())
            .col(ColumnDef::new(Users::UnitId).big_integer().not_null())
            .col(ColumnDef::new(Users::Active).boolean().not_null())
            .col(
                ColumnDef::new(Users::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Users::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Users::Table,
                Users::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Sessions::Table)
            .col(id(Sessions::Id))
            .col(
                ColumnDef::new(Sessions::TokenHash)
                    .text()
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(Sessions::UserId).big_integer().not_null())
            .col(ColumnDef::new(Sessions::Kind).text().not_null())
            .col(ColumnDef::new(Sessions::Csrf).text().not_null())
            .col(
                ColumnDef::new(Sessions::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Sessions::ExpiresAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Sessions::Table,
                Sessions::UserId,
                Users::Table,
                Users::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(AuditLog::Table)
            .col(id(AuditLog::Id))
            .col(
                ColumnDef::new(AuditLog::At)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(ColumnDef::new(AuditLog::ActorId).big_integer().null())
            .col(ColumnDef::new(AuditLog::ActorEmail).text().not_null())
            .col(ColumnDef::new(AuditLog::Action).text().not_null())
            .col(ColumnDef::new(AuditLog::EntityType).text().not_null())
            .col(ColumnDef::new(AuditLog::EntityId).big_integer().not_null())
            .col(ColumnDef::new(AuditLog::UnitId).big_integer().null())
            .col(ColumnDef::new(AuditLog::Changes).text().not_null()),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(SearchDocs::Table)
            .col(id(SearchDocs::Id))
            .col(ColumnDef::new(SearchDocs::EntityType).text().not_null())
            .col(
                ColumnDef::new(SearchDocs::EntityId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(SearchDocs::UnitId).big_integer().null())
            .col(ColumnDef::new(SearchDocs::Title).text().not_null())
            .col(ColumnDef::new(SearchDocs::Subtitle).text().null())
            .col(ColumnDef::new(SearchDocs::Url).text().not_null())
            .col(ColumnDef::new(SearchDocs::Folded).text().not_null()),
    )
    .await?;

    let indexes = [
        Index::create()
            .name("org_names_unit")
            .table(OrgNames::Table)
            .col(OrgNames::UnitId)
            .to_owned(),
        Index::create()
            .name("org_codes_unit")
            .table(OrgCodes::Table)
            .col(OrgCodes::UnitId)
            .to_owned(),
        Index::create()
            .name("org_codes_code")
            .table(OrgCodes::Table)
            .col(OrgCodes::Code)
            .to_owned(),
        Index::create()
            .name("org_parents_unit")
            .table(OrgParents::Table)
            .col(OrgParents::UnitId)
            .to_owned(),
        Index::create()
            .name("org_parents_parent")
            .table(OrgParents::Table)
            .col(OrgParents::ParentId)
            .to_owned(),
        Index::create()
            .name("org_event_links_event")
            .table(OrgEventLinks::Table)
            .col(OrgEventLinks::EventId)
            .to_owned(),
        Index::create()
            .name("cluster_roles_year")
            .table(ClusterRoles::Table)
            .col(ClusterRoles::ClusterId)
            .col(ClusterRoles::Year)
            .unique()
            .to_owned(),
        Index::create()
            .name("users_unit")
            .table(Users::Table)
            .col(Users::UnitId)
            .to_owned(),
        Index::create()
            .name("sessions_user")
            .table(Sessions::Table)
            .col(Sessions::UserId)
            .to_owned(),
        Index::create()
            .name("audit_entity")
            .table(AuditLog::Table)
            .col(AuditLog::EntityType)
            .col(AuditLog::EntityId)
            .to_owned(),
        Index::create()
            .name("audit_unit")
            .table(AuditLog::Table)
            .col(AuditLog::UnitId)
            .to_owned(),
        Index::create()
            .name("audit_actor")
            .table(AuditLog::Table)
            .col(AuditLog::ActorId)
            .to_owned(),
        Index::create()
            .name("search_docs_entity")
            .table(SearchDocs::Table)
            .col(SearchDocs::EntityType)
            .col(SearchDocs::EntityId)
            .unique()
            .to_owned(),
    ];
    for index in &indexes {
        c.execute_schema(index).await?;
    }
    for sql in dialect::search_index_ddl(c.backend()) {
        c.execute_sql(sql, sea_query::Values(vec![])).await?;
    }
    Ok(())
}

async fn m002_countries(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(Countries::Table)
            .col(id(Countries::Id))
            .col(
                ColumnDef::new(Countries::Code)
                    .text()
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(Countries::Alpha3).text().not_null())
            .col(ColumnDef::new(Countries::Numeric).text().not_null())
            .col(ColumnDef::new(Countries::NameEn).text().not_null())
            .col(ColumnDef::new(Countries::NameVi).text().not_null())
            .col(ColumnDef::new(Countries::NameKey).binary().not_null())
            .col(ColumnDef::new(Countries::Region).text().null())
            .col(ColumnDef::new(Countries::SubRegion).text().null())
            .col(ColumnDef::new(Countries::RelationsDate).date().null())
            .col(ColumnDef::new(Countries::RelationsPrecision).text().null())
            .col(ColumnDef::new(Countries::RelationsNote).text().null())
            .col(ColumnDef::new(Countries::Source).text().null())
            .col(
                ColumnDef::new(Countries::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(CountryLevels::Table)
            .col(id(CountryLevels::Id))
            .col(
                ColumnDef::new(CountryLevels::CountryId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(CountryLevels::Level).text().not_null())
            .col(ColumnDef::new(CountryLevels::Since).date().null())
            .col(ColumnDef::new(CountryLevels::SincePrecision).text().null())
            .col(ColumnDef::new(CountryLevels::Note).text().null())
            .col(ColumnDef::new(CountryLevels::Source).text().null())
            .foreign_key(&mut fk(
                CountryLevels::Table,
                CountryLevels::CountryId,
                Countries::Table,
                Countries::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Commemorations::Table)
            .col(id(Commemorations::Id))
            .col(ColumnDef::new(Commemorations::Title).text().not_null())
            .col(ColumnDef::new(Commemorations::Year).integer().not_null())
            .col(
                ColumnDef::new(Commemorations::CountryId)
                    .big_integer()
                    .null(),
            )
            .col(ColumnDef::new(Commemorations::Note).text().null())
            .col(
                ColumnDef::new(Commemorations::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Commemorations::Table,
                Commemorations::CountryId,
                Countries::Table,
                Countries::Id,
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("country_levels_country")
            .table(CountryLevels::Table)
            .col(CountryLevels::CountryId)
            .to_owned(),
        Index::create()
            .name("commemorations_year")
            .table(Commemorations::Table)
            .col(Commemorations::Year)
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}

async fn m003_partners(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(Partners::Table)
            .col(id(Partners::Id))
            .col(ColumnDef::new(Partners::Kind).text().not_null())
            .col(ColumnDef::new(Partners::Category).text().null())
            .col(ColumnDef::new(Partners::CountryId).big_integer().null())
            .col(ColumnDef::new(Partners::NameNative).text().null())
            .col(ColumnDef::new(Partners::NameLatin).text().null())
            .col(ColumnDef::new(Partners::NameVi).text().null())
            .col(ColumnDef::new(Partners::NameKey).binary().not_null())
            .col(ColumnDef::new(Partners::Acronyms).text().not_null())
            .col(ColumnDef::new(Partners::Aliases).text().not_null())
            .col(ColumnDef::new(Partners::Website).text().null())
            .col(ColumnDef::new(Partners::Address).text().null())
            .col(ColumnDef::new(Partners::Note).text().null())
            .col(
                ColumnDef::new(Partners::OwnerUnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Partners::MergedIntoId).big_integer().null())
            .col(
                ColumnDef::new(Partners::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Partners::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Partners::Table,
                Partners::CountryId,
                Countries::Table,
                Countries::Id,
            ))
            .foreign_key(&mut fk(
                Partners::Table,
                Partners::OwnerUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                Partners::Table,
                Partners::MergedIntoId,
                Partners::Table,
                Partners::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(PartnerUnits::Table)
            .col(id(PartnerUnits::Id))
            .col(
                ColumnDef::new(PartnerUnits::PartnerId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(PartnerUnits::UnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(PartnerUnits::Relation).text().not_null())
            .col(ColumnDef::new(PartnerUnits::ValidFrom).date().null())
            .col(ColumnDef::new(PartnerUnits::ValidTo).date().null())
            .col(ColumnDef::new(PartnerUnits::Note).text().null())
            .foreign_key(&mut fk(
                PartnerUnits::Table,
                PartnerUnits::PartnerId,
                Partners::Table,
                Partners::Id,
            ))
            .foreign_key(&mut fk(
                PartnerUnits::Table,
                PartnerUnits::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("partners_country")
            .table(Partners::Table)
            .col(Partners::CountryId)
            .to_owned(),
        Index::create()
            .name("partners_owner")
            .table(Partners::Table)
            .col(Partners::OwnerUnitId)
            .to_owned(),
        Index::create()
            .name("partner_units_partner")
            .table(PartnerUnits::Table)
            .col(PartnerUnits::PartnerId)
            .to_owned(),
        Index::create()
            .name("partner_units_unit")
            .table(PartnerUnits::Table)
            .col(PartnerUnits::UnitId)
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}

async fn m004_people(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(People::Table)
            .col(id(People::Id))
            .col(ColumnDef::new(People::Name).text().not_null())
            .col(ColumnDef::new(People::NameLatin).text().null())
            .col(ColumnDef::new(People::NameKey).binary().not_null())
            .col(ColumnDef::new(People::Honorific).text().null())
            .col(ColumnDef::new(People::Gender).text().null())
            .col(ColumnDef::new(People::NationalityId).big_integer().null())
            .col(ColumnDef::new(People::Email).text().null())
            .col(ColumnDef::new(People::Phone).text().null())
            .col(ColumnDef::new(People::Note).text().null())
            .col(ColumnDef::new(People::OwnerUnitId).big_integer().not_null())
            .col(
                ColumnDef::new(People::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(People::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                People::Table,
                People::NationalityId,
                Countries::Table,
                Countries::Id,
            ))
            .foreign_key(&mut fk(
                People::Table,
                People::OwnerUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Positions::Table)
            .col(id(Positions::Id))
            .col(ColumnDef::new(Positions::PersonId).big_integer().not_null())
            .col(ColumnDef::new(Positions::Title).text().not_null())
            .col(ColumnDef::new(Positions::PartnerId).big_integer().null())
            .col(ColumnDef::new(Positions::UnitId).big_integer().null())
            .col(ColumnDef::new(Positions::Organization).text().null())
            .col(ColumnDef::new(Positions::ValidFrom).date().null())
            .col(ColumnDef::new(Positions::ValidTo).date().null())
            .foreign_key(&mut fk(
                Positions::Table,
                Positions::PersonId,
                People::Table,
                People::Id,
            ))
            .foreign_key(&mut fk(
                Positions::Table,
                Positions::PartnerId,
                Partners::Table,
                Partners::Id,
            ))
            .foreign_key(&mut fk(
                Positions::Table,
                Positions::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("positions_person")
            .table(Positions::Table)
            .col(Positions::PersonId)
            .to_owned(),
        Index::create()
            .name("positions_partner")
            .table(Positions::Table)
            .col(Positions::PartnerId)
            .to_owned(),
        Index::create()
            .name("people_owner")
            .table(People::Table)
            .col(People::OwnerUnitId)
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}

async fn m005_agreements(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(Agreements::Table)
            .col(id(Agreements::Id))
            .col(
                ColumnDef::new(Agreements::OwnerUnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Agreements::Title).text().not_null())
            .col(ColumnDef::new(Agreements::TitleKey).binary().not_null())
            .col(ColumnDef::new(Agreements::Number).text().null())
            .col(ColumnDef::new(Agreements::SignedOn).date().null())
            .col(ColumnDef::new(Agreements::SignedPlace).text().null())
            .col(ColumnDef::new(Agreements::ValidFrom).date().null())
            .col(ColumnDef::new(Agreements::ValidTo).date().null())
            .col(ColumnDef::new(Agreements::Status).text().not_null())
            .col(ColumnDef::new(Agreements::RenewedById).big_integer().null())
            .col(ColumnDef::new(Agreements::Note).text().null())
            .col(
                ColumnDef::new(Agreements::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Agreements::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Agreements::Table,
                Agreements::OwnerUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                Agreements::Table,
                Agreements::RenewedById,
                Agreements::Table,
                Agreements::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(AgreementParties::Table)
            .col(id(AgreementParties::Id))
            .col(
                ColumnDef::new(AgreementParties::AgreementId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(AgreementParties::PartnerId)
                    .big_integer()
                    .null(),
            )
            .col(
                ColumnDef::new(AgreementParties::UnitId)
                    .big_integer()
                    .null(),
            )
            .col(ColumnDef::new(AgreementParties::Name).text().null())
            .foreign_key(&mut fk(
                AgreementParties::Table,
                AgreementParties::AgreementId,
                Agreements::Table,
                Agreements::Id,
            ))
            .foreign_key(&mut fk(
                AgreementParties::Table,
                AgreementParties::PartnerId,
                Partners::Table,
                Partners::Id,
            ))
            .foreign_key(&mut fk(
                AgreementParties::Table,
                AgreementParties::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(AgreementTasks::Table)
            .col(id(AgreementTasks::Id))
            .col(
                ColumnDef::new(AgreementTasks::AgreementId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(AgreementTasks::Year).integer().not_null())
            .col(ColumnDef::new(AgreementTasks::Item).text().not_null())
            .col(
                ColumnDef::new(AgreementTasks::OwnerUnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(AgreementTasks::Status).text().not_null())
            .col(ColumnDef::new(AgreementTasks::Evidence).text().null())
            .foreign_key(&mut fk(
                AgreementTasks::Table,
                AgreementTasks::AgreementId,
                Agreements::Table,
                Agreements::Id,
            ))
            .foreign_key(&mut fk(
                AgreementTasks::Table,
                AgreementTasks::OwnerUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("agreements_owner")
            .table(Agreements::Table)
            .col(Agreements::OwnerUnitId)
            .to_owned(),
        Index::create()
            .name("agreement_parties_agreement")
            .table(AgreementParties::Table)
            .col(AgreementParties::AgreementId)
            .to_owned(),
        Index::create()
            .name("agreement_parties_partner")
            .table(AgreementParties::Table)
            .col(AgreementParties::PartnerId)
            .to_owned(),
        Index::create()
            .name("agreement_tasks_agreement")
            .table(AgreementTasks::Table)
            .col(AgreementTasks::AgreementId)
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}

async fn m006_foundings_documents(c: &mut Conn) -> Result<()> {
    // One column per statement: SQLite alters one column at a time.
    for column in [
        ColumnDef::new(Partners::FoundedOn).date().null().to_owned(),
        ColumnDef::new(Partners::FoundedPrecision)
            .text()
            .null()
            .to_owned(),
    ] {
        c.execute_schema(
            &Table::alter()
                .table(Partners::Table)
                .add_column(column)
                .to_owned(),
        )
        .await?;
    }
    c.execute_schema(
        Table::create()
            .table(AgreementDocuments::Table)
            .col(id(AgreementDocuments::Id))
            .col(
                ColumnDef::new(AgreementDocuments::AgreementId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(AgreementDocuments::Title).text().not_null())
            .col(ColumnDef::new(AgreementDocuments::Url).text().null())
            .col(
                ColumnDef::new(AgreementDocuments::AddedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                AgreementDocuments::Table,
                AgreementDocuments::AgreementId,
                Agreements::Table,
                Agreements::Id,
            )),
    )
    .await?;
    c.execute_schema(
        &Index::create()
            .name("agreement_documents_agreement")
            .table(AgreementDocuments::Table)
            .col(AgreementDocuments::AgreementId)
            .to_owned(),
    )
    .await
}

async fn m007_activities(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(Delegations::Table)
            .col(id(Delegations::Id))
            .col(
                ColumnDef::new(Delegations::OwnerUnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Delegations::Direction).text().not_null())
            .col(ColumnDef::new(Delegations::Title).text().not_null())
            .col(ColumnDef::new(Delegations::TitleKey).binary().not_null())
            .col(ColumnDef::new(Delegations::Purpose).text().null())
            .col(ColumnDef::new(Delegations::State).text().not_null())
            .col(ColumnDef::new(Delegations::StartOn).date().not_null())
            .col(ColumnDef::new(Delegations::EndOn).date().not_null())
            .col(ColumnDef::new(Delegations::FundingSource).text().null())
            .col(ColumnDef::new(Delegations::BudgetAmount).text().null())
            .col(ColumnDef::new(Delegations::BudgetCurrency).text().null())
            .col(ColumnDef::new(Delegations::ExchangeRate).text().null())
            .col(ColumnDef::new(Delegations::ExpectedOutcomes).text().null())
            .col(ColumnDef::new(Delegations::ActualOutcomes).text().null())
            .col(ColumnDef::new(Delegations::Report).text().null())
            .col(ColumnDef::new(Delegations::ReviewComment).text().null())
            .col(
                ColumnDef::new(Delegations::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Delegations::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Delegations::Table,
                Delegations::OwnerUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(DelegationMembers::Table)
            .col(id(DelegationMembers::Id))
            .col(
                ColumnDef::new(DelegationMembers::DelegationId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(DelegationMembers::PersonId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(DelegationMembers::Role).text().not_null())
            .foreign_key(&mut fk(
                DelegationMembers::Table,
                DelegationMembers::DelegationId,
                Delegations::Table,
                Delegations::Id,
            ))
            .foreign_key(&mut fk(
                DelegationMembers::Table,
                DelegationMembers::PersonId,
                People::Table,
                People::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(DelegationLegs::Table)
            .col(id(DelegationLegs::Id))
            .col(
                ColumnDef::new(DelegationLegs::DelegationId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(DelegationLegs::CountryId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(DelegationLegs::City).text().null())
            .col(ColumnDef::new(DelegationLegs::FromOn).date().not_null())
            .col(ColumnDef::new(DelegationLegs::ToOn).date().not_null())
            .foreign_key(&mut fk(
                DelegationLegs::Table,
                DelegationLegs::DelegationId,
                Delegations::Table,
                Delegations::Id,
            ))
            .foreign_key(&mut fk(
                DelegationLegs::Table,
                DelegationLegs::CountryId,
                Countries::Table,
                Countries::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(DelegationMoves::Table)
            .col(id(DelegationMoves::Id))
            .col(
                ColumnDef::new(DelegationMoves::DelegationId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(DelegationMoves::FromState).text().not_null())
            .col(ColumnDef::new(DelegationMoves::ToState).text().not_null())
            .col(ColumnDef::new(DelegationMoves::Comment).text().null())
            .col(ColumnDef::new(DelegationMoves::UserId).big_integer().null())
            .col(
                ColumnDef::new(DelegationMoves::At)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                DelegationMoves::Table,
                DelegationMoves::DelegationId,
                Delegations::Table,
                Delegations::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Events::Table)
            .col(id(Events::Id))
            .col(ColumnDef::new(Events::OwnerUnitId).big_integer().not_null())
            .col(ColumnDef::new(Events::EventType).text().not_null())
            .col(ColumnDef::new(Events::Channel).text().not_null())
            .col(ColumnDef::new(Events::Title).text().not_null())
            .col(ColumnDef::new(Events::TitleKey).binary().not_null())
            .col(ColumnDef::new(Events::StartOn).date().not_null())
            .col(ColumnDef::new(Events::EndOn).date().not_null())
            .col(ColumnDef::new(Events::PlaceCountryId).big_integer().null())
            .col(ColumnDef::new(Events::Place).text().null())
            .col(
                ColumnDef::new(Events::Participants)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Events::ForeignParticipants)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Events::Description).text().null())
            .col(ColumnDef::new(Events::Results).text().null())
            .col(
                ColumnDef::new(Events::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Events::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Events::Table,
                Events::OwnerUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                Events::Table,
                Events::PlaceCountryId,
                Countries::Table,
                Countries::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(ActivityLinks::Table)
            .col(id(ActivityLinks::Id))
            .col(ColumnDef::new(ActivityLinks::RecordType).text().not_null())
            .col(
                ColumnDef::new(ActivityLinks::RecordId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(ActivityLinks::LinkType).text().not_null())
            .col(
                ColumnDef::new(ActivityLinks::TargetId)
                    .big_integer()
                    .not_null(),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Attachments::Table)
            .col(id(Attachments::Id))
            .col(ColumnDef::new(Attachments::RecordType).text().not_null())
            .col(
                ColumnDef::new(Attachments::RecordId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Attachments::Sha256).text().not_null())
            .col(ColumnDef::new(Attachments::Size).big_integer().not_null())
            .col(ColumnDef::new(Attachments::ContentType).text().not_null())
            .col(ColumnDef::new(Attachments::FileName).text().not_null())
            .col(ColumnDef::new(Attachments::UploadedBy).big_integer().null())
            .col(
                ColumnDef::new(Attachments::UploadedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(ActivityTotals::Table)
            .col(
                ColumnDef::new(ActivityTotals::UnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(ActivityTotals::Year).integer().not_null())
            .col(ColumnDef::new(ActivityTotals::Month).integer().not_null())
            .col(ColumnDef::new(ActivityTotals::Metric).text().not_null())
            .col(
                ColumnDef::new(ActivityTotals::Value)
                    .big_integer()
                    .not_null(),
            )
            .primary_key(
                Index::create()
                    .col(ActivityTotals::UnitId)
                    .col(ActivityTotals::Year)
                    .col(ActivityTotals::Month)
                    .col(ActivityTotals::Metric),
            )
            .foreign_key(&mut fk(
                ActivityTotals::Table,
                ActivityTotals::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("delegations_owner_start")
            .table(Delegations::Table)
            .col(Delegations::OwnerUnitId)
            .col(Delegations::StartOn)
            .to_owned(),
        Index::create()
            .name("delegations_start")
            .table(Delegations::Table)
            .col(Delegations::StartOn)
            .to_owned(),
        Index::create()
            .name("delegation_members_delegation")
            .table(DelegationMembers::Table)
            .col(DelegationMembers::DelegationId)
            .to_owned(),
        Index::create()
            .name("delegation_members_person")
            .table(DelegationMembers::Table)
            .col(DelegationMembers::PersonId)
            .to_owned(),
        Index::create()
            .name("delegation_legs_delegation")
            .table(DelegationLegs::Table)
            .col(DelegationLegs::DelegationId)
            .to_owned(),
        Index::create()
            .name("delegation_moves_delegation")
            .table(DelegationMoves::Table)
            .col(DelegationMoves::DelegationId)
            .to_owned(),
        Index::create()
            .name("events_owner_start")
            .table(Events::Table)
            .col(Events::OwnerUnitId)
            .col(Events::StartOn)
            .to_owned(),
        Index::create()
            .name("events_start")
            .table(Events::Table)
            .col(Events::StartOn)
            .to_owned(),
        Index::create()
            .name("activity_links_record")
            .table(ActivityLinks::Table)
            .col(ActivityLinks::RecordType)
            .col(ActivityLinks::RecordId)
            .to_owned(),
        Index::create()
            .name("activity_links_target")
            .table(ActivityLinks::Table)
            .col(ActivityLinks::LinkType)
            .col(ActivityLinks::TargetId)
            .to_owned(),
        Index::create()
            .name("attachments_record")
            .table(Attachments::Table)
            .col(Attachments::RecordType)
            .col(Attachments::RecordId)
            .to_owned(),
        Index::create()
            .name("activity_totals_period")
            .table(ActivityTotals::Table)
            .col(ActivityTotals::Year)
            .col(ActivityTotals::Month)
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}

async fn m015_applications(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(NgoApplicants::Table)
            .col(
                ColumnDef::new(NgoApplicants::UserId)
                    .big_integer()
                    .not_null()
                    .primary_key(),
            )
            .col(
                ColumnDef::new(NgoApplicants::PartnerId)
                    .big_integer()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                NgoApplicants::Table,
                NgoApplicants::UserId,
                Users::Table,
                Users::Id,
            ))
            .foreign_key(&mut fk(
                NgoApplicants::Table,
                NgoApplicants::PartnerId,
                Partners::Table,
                Partners::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Applications::Table)
            .col(id(Applications::Id))
            .col(
                ColumnDef::new(Applications::PartnerId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Applications::Procedure).text().not_null())
            .col(ColumnDef::new(Applications::State).text().not_null())
            .col(ColumnDef::new(Applications::PermitId).big_integer().null())
            .col(ColumnDef::new(Applications::Documents).text().not_null())
            .col(ColumnDef::new(Applications::Details).text().not_null())
            .col(ColumnDef::new(Applications::SubmittedOn).date().not_null())
            .col(ColumnDef::new(Applications::Deadline).date().not_null())
            .col(
                ColumnDef::new(Applications::DecidedAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new(Applications::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Applications::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Applications::Table,
                Applications::PartnerId,
                Partners::Table,
                Partners::Id,
            ))
            .foreign_key(&mut fk(
                Applications::Table,
                Applications::PermitId,
                NgoPermits::Table,
                NgoPermits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(ApplicationMoves::Table)
            .col(id(ApplicationMoves::Id))
            .col(
                ColumnDef::new(ApplicationMoves::ApplicationId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(ApplicationMoves::FromState).text().null())
            .col(ColumnDef::new(ApplicationMoves::ToState).text().not_null())
            .col(ColumnDef::new(ApplicationMoves::Comment).text().null())
            .col(
                ColumnDef::new(ApplicationMoves::UserId)
                    .big_integer()
                    .null(),
            )
            .col(
                ColumnDef::new(ApplicationMoves::At)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                ApplicationMoves::Table,
                ApplicationMoves::ApplicationId,
                Applications::Table,
                Applications::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(ApplicationNotes::Table)
            .col(id(ApplicationNotes::Id))
            .col(
                ColumnDef::new(ApplicationNotes::ApplicationId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(ApplicationNotes::Note).text().not_null())
            .col(
                ColumnDef::new(ApplicationNotes::UserId)
                    .big_integer()
                    .null(),
            )
            .col(
                ColumnDef::new(ApplicationNotes::At)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                ApplicationNotes::Table,
                ApplicationNotes::ApplicationId,
                Applications::Table,
                Applications::Id,
            )),
    )
    .await?;
    c.execute_schema(
        &Index::create()
            .name("applications_partner")
            .table(Applications::Table)
            .col(Applications::PartnerId)
            .to_owned(),
    )
    .await
}

const DEFAULT_RATES: &str = include_str!("../../../data/defaults/exchange_rates.csv");

async fn m014_aid(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(AidProjects::Table)
            .col(id(AidProjects::Id))
            .col(
                ColumnDef::new(AidProjects::Code)
                    .text()
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(AidProjects::TitleVi).text().not_null())
            .col(ColumnDef::new(AidProjects::TitleEn).text().null())
            .col(
                ColumnDef::new(AidProjects::ProgrammeId)
                    .big_integer()
                    .null(),
            )
            .col(ColumnDef::new(AidProjects::UnitId).big_integer().not_null())
            .col(ColumnDef::new(AidProjects::Status).text().not_null())
            .col(ColumnDef::new(AidProjects::PlannedStart).date().not_null())
            .col(ColumnDef::new(AidProjects::PlannedEnd).date().not_null())
            .col(ColumnDef::new(AidProjects::ActualStart).date().null())
            .col(ColumnDef::new(AidProjects::ActualEnd).date().null())
            .col(ColumnDef::new(AidProjects::Beneficiaries).text().null())
            .col(ColumnDef::new(AidProjects::Description).text().null())
            .col(
                ColumnDef::new(AidProjects::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(AidProjects::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                AidProjects::Table,
                AidProjects::ProgrammeId,
                AidProjects::Table,
                AidProjects::Id,
            ))
            .foreign_key(&mut fk(
                AidProjects::Table,
                AidProjects::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(AidProjectOrgs::Table)
            .col(
                ColumnDef::new(AidProjectOrgs::ProjectId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(AidProjectOrgs::PartnerId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(AidProjectOrgs::Role).text().not_null())
            .primary_key(
                Index::create()
                    .col(AidProjectOrgs::ProjectId)
                    .col(AidProjectOrgs::PartnerId)
                    .col(AidProjectOrgs::Role),
            )
            .foreign_key(&mut fk(
                AidProjectOrgs::Table,
                AidProjectOrgs::ProjectId,
                AidProjects::Table,
                AidProjects::Id,
            ))
            .foreign_key(&mut fk(
                AidProjectOrgs::Table,
                AidProjectOrgs::PartnerId,
                Partners::Table,
                Partners::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(AidProjectSectors::Table)
            .col(
                ColumnDef::new(AidProjectSectors::ProjectId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(AidProjectSectors::SectorCode)
                    .text()
                    .not_null(),
            )
            .col(ColumnDef::new(AidProjectSectors::Percent).text().not_null())
            .primary_key(
                Index::create()
                    .col(AidProjectSectors::ProjectId)
                    .col(AidProjectSectors::SectorCode),
            )
            .foreign_key(&mut fk(
                AidProjectSectors::Table,
                AidProjectSectors::ProjectId,
                AidProjects::Table,
                AidProjects::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(AidProjectProvinces::Table)
            .col(
                ColumnDef::new(AidProjectProvinces::ProjectId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(AidProjectProvinces::UnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(AidProjectProvinces::Percent)
                    .text()
                    .not_null(),
            )
            .primary_key(
                Index::create()
                    .col(AidProjectProvinces::ProjectId)
                    .col(AidProjectProvinces::UnitId),
            )
            .foreign_key(&mut fk(
                AidProjectProvinces::Table,
                AidProjectProvinces::ProjectId,
                AidProjects::Table,
                AidProjects::Id,
            ))
            .foreign_key(&mut fk(
                AidProjectProvinces::Table,
                AidProjectProvinces::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(ExchangeRates::Table)
            .col(ColumnDef::new(ExchangeRates::Currency).text().not_null())
            .col(ColumnDef::new(ExchangeRates::ValidFrom).date().not_null())
            .col(ColumnDef::new(ExchangeRates::VndPerUnit).text().not_null())
            .primary_key(
                Index::create()
                    .col(ExchangeRates::Currency)
                    .col(ExchangeRates::ValidFrom),
            ),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(AidTransactions::Table)
            .col(id(AidTransactions::Id))
            .col(
                ColumnDef::new(AidTransactions::ProjectId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(AidTransactions::Kind).text().not_null())
            .col(ColumnDef::new(AidTransactions::Date).date().not_null())
            .col(ColumnDef::new(AidTransactions::Amount).text().not_null())
            .col(ColumnDef::new(AidTransactions::Currency).text().not_null())
            .col(ColumnDef::new(AidTransactions::RateToVnd).text().not_null())
            .col(ColumnDef::new(AidTransactions::AmountVnd).text().not_null())
            .col(ColumnDef::new(AidTransactions::Note).text().null())
            .col(
                ColumnDef::new(AidTransactions::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                AidTransactions::Table,
                AidTransactions::ProjectId,
                AidProjects::Table,
                AidProjects::Id,
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("aid_projects_unit")
            .table(AidProjects::Table)
            .col(AidProjects::UnitId)
            .to_owned(),
        Index::create()
            .name("aid_projects_programme")
            .table(AidProjects::Table)
            .col(AidProjects::ProgrammeId)
            .to_owned(),
        Index::create()
            .name("aid_transactions_project")
            .table(AidTransactions::Table)
            .col(AidTransactions::ProjectId)
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    let columns = [
        ExchangeRates::Currency,
        ExchangeRates::ValidFrom,
        ExchangeRates::VndPerUnit,
    ];
    insert_shipped(c, ExchangeRates::Table, columns, DEFAULT_RATES, 1).await
}

/// Inserts the rows of a CSV file the server ships into `table`, the file's columns in the order
/// of `columns`; the one at `date_at` is a date (`YYYY-MM-DD`), the others text.
async fn insert_shipped<T: Iden + Copy + 'static, const N: usize>(
    c: &mut Conn,
    table: T,
    columns: [T; N],
    file: &str,
    date_at: usize,
) -> Result<()> {
    let mut rows = csv::Reader::from_reader(file.as_bytes());
    for row in rows.records() {
        let row = row.map_err(|e| crate::error::Error::Other(e.into()))?;
        let mut values: Vec<sea_query::SimpleExpr> = Vec::with_capacity(N);
        for (i, field) in row.iter().enumerate().take(N) {
            values.push(if i == date_at {
                NaiveDate::parse_from_str(field, "%Y-%m-%d")
                    .map_err(|e| crate::error::Error::Other(e.into()))?
                    .into()
            } else {
                field.into()
            });
        }
        c.execute(
            Query::insert()
                .into_table(table)
                .columns(columns)
                .values_panic(values),
        )
        .await?;
    }
    Ok(())
}

async fn m013_ngo_permits(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(NgoSectors::Table)
            .col(
                ColumnDef::new(NgoSectors::PartnerId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(NgoSectors::SectorCode).text().not_null())
            .primary_key(
                Index::create()
                    .col(NgoSectors::PartnerId)
                    .col(NgoSectors::SectorCode),
            )
            .foreign_key(&mut fk(
                NgoSectors::Table,
                NgoSectors::PartnerId,
                Partners::Table,
                Partners::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(NgoProvinces::Table)
            .col(
                ColumnDef::new(NgoProvinces::PartnerId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(NgoProvinces::UnitId)
                    .big_integer()
                    .not_null(),
            )
            .primary_key(
                Index::create()
                    .col(NgoProvinces::PartnerId)
                    .col(NgoProvinces::UnitId),
            )
            .foreign_key(&mut fk(
                NgoProvinces::Table,
                NgoProvinces::PartnerId,
                Partners::Table,
                Partners::Id,
            ))
            .foreign_key(&mut fk(
                NgoProvinces::Table,
                NgoProvinces::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(NgoPermits::Table)
            .col(id(NgoPermits::Id))
            .col(
                ColumnDef::new(NgoPermits::PartnerId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(NgoPermits::Kind).text().not_null())
            .col(ColumnDef::new(NgoPermits::Number).text().not_null())
            .col(ColumnDef::new(NgoPermits::Issuer).text().not_null())
            .col(ColumnDef::new(NgoPermits::IssuedOn).date().not_null())
            .col(ColumnDef::new(NgoPermits::ValidFrom).date().not_null())
            .col(ColumnDef::new(NgoPermits::ValidTo).date().not_null())
            .col(ColumnDef::new(NgoPermits::Standing).text().not_null())
            .col(ColumnDef::new(NgoPermits::Note).text().null())
            .col(
                ColumnDef::new(NgoPermits::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(NgoPermits::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                NgoPermits::Table,
                NgoPermits::PartnerId,
                Partners::Table,
                Partners::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(NgoPermitProvinces::Table)
            .col(
                ColumnDef::new(NgoPermitProvinces::PermitId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(NgoPermitProvinces::UnitId)
                    .big_integer()
                    .not_null(),
            )
            .primary_key(
                Index::create()
                    .col(NgoPermitProvinces::PermitId)
                    .col(NgoPermitProvinces::UnitId),
            )
            .foreign_key(&mut fk(
                NgoPermitProvinces::Table,
                NgoPermitProvinces::PermitId,
                NgoPermits::Table,
                NgoPermits::Id,
            ))
            .foreign_key(&mut fk(
                NgoPermitProvinces::Table,
                NgoPermitProvinces::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(NgoPermitSectors::Table)
            .col(
                ColumnDef::new(NgoPermitSectors::PermitId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(NgoPermitSectors::SectorCode)
                    .text()
                    .not_null(),
            )
            .primary_key(
                Index::create()
                    .col(NgoPermitSectors::PermitId)
                    .col(NgoPermitSectors::SectorCode),
            )
            .foreign_key(&mut fk(
                NgoPermitSectors::Table,
                NgoPermitSectors::PermitId,
                NgoPermits::Table,
                NgoPermits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(NgoPermitChanges::Table)
            .col(id(NgoPermitChanges::Id))
            .col(
                ColumnDef::new(NgoPermitChanges::PermitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(NgoPermitChanges::Change).text().not_null())
            .col(ColumnDef::new(NgoPermitChanges::Note).text().null())
            .col(
                ColumnDef::new(NgoPermitChanges::UserId)
                    .big_integer()
                    .null(),
            )
            .col(
                ColumnDef::new(NgoPermitChanges::At)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                NgoPermitChanges::Table,
                NgoPermitChanges::PermitId,
                NgoPermits::Table,
                NgoPermits::Id,
            )),
    )
    .await?;
    for index in [
        Index::create()
            .name("ngo_permits_partner")
            .table(NgoPermits::Table)
            .col(NgoPermits::PartnerId)
            .to_owned(),
        Index::create()
            .name("ngo_permit_changes_permit")
            .table(NgoPermitChanges::Table)
            .col(NgoPermitChanges::PermitId)
            .to_owned(),
    ] {
        c.execute_schema(&index).await?;
    }
    Ok(())
}

/// Stocks are read by metric from the first month on (see `totals::stocks_by_unit`); the
/// totals themselves are recomputed once every migration has run (see `REBUILD_TOTALS`).
/// Reports already submitted keep the due date their form gave them then, so a later change of
/// the form does not judge them again.
async fn m012_stocks_due_dates(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        &Index::create()
            .name("activity_totals_metric_period")
            .table(ActivityTotals::Table)
            .col(ActivityTotals::Metric)
            .col(ActivityTotals::Year)
            .col(ActivityTotals::Month)
            .to_owned(),
    )
    .await?;
    c.execute_schema(
        &Table::alter()
            .table(Reports::Table)
            .add_column(ColumnDef::new(Reports::DueOn).date().null())
            .to_owned(),
    )
    .await?;
    let submitted: Vec<(i64, i32, NaiveDate)> = c
        .fetch_all(
            Query::select()
                .column((Reports::Table, Reports::Id))
                .column((ReportForms::Table, ReportForms::DueDays))
                .column((Reports::Table, Reports::PeriodEnd))
                .from(Reports::Table)
                .inner_join(
                    ReportForms::Table,
                    Expr::col((ReportForms::Table, ReportForms::Id))
                        .equals((Reports::Table, Reports::FormId)),
                )
                .and_where(Expr::col((Reports::Table, Reports::SubmittedAt)).is_not_null()),
        )
        .await?;
    for (id, due_days, end) in submitted {
        let due = end + chrono::Duration::days(due_days.into());
        c.execute(
            Query::update()
                .table(Reports::Table)
                .value(Reports::DueOn, due)
                .and_where(Expr::col(Reports::Id).eq(id)),
        )
        .await?;
    }
    Ok(())
}

async fn m011_emulation_awards(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(EmulationCriteria::Table)
            .col(id(EmulationCriteria::Id))
            .col(
                ColumnDef::new(EmulationCriteria::ClusterId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(EmulationCriteria::Year).integer().not_null())
            .col(ColumnDef::new(EmulationCriteria::Code).text().not_null())
            .col(ColumnDef::new(EmulationCriteria::Name).text().not_null())
            .col(ColumnDef::new(EmulationCriteria::Indicator).text().null())
            .col(
                ColumnDef::new(EmulationCriteria::Weight)
                    .double()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                EmulationCriteria::Table,
                EmulationCriteria::ClusterId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Index::create()
            .name("emulation_criteria_code")
            .table(EmulationCriteria::Table)
            .col(EmulationCriteria::ClusterId)
            .col(EmulationCriteria::Year)
            .col(EmulationCriteria::Code)
            .unique(),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(EmulationScores::Table)
            .col(
                ColumnDef::new(EmulationScores::CriterionId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(EmulationScores::UnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(EmulationScores::Points).double().not_null())
            .primary_key(
                Index::create()
                    .col(EmulationScores::CriterionId)
                    .col(EmulationScores::UnitId),
            )
            .foreign_key(&mut fk(
                EmulationScores::Table,
                EmulationScores::CriterionId,
                EmulationCriteria::Table,
                EmulationCriteria::Id,
            ))
            .foreign_key(&mut fk(
                EmulationScores::Table,
                EmulationScores::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Awards::Table)
            .col(id(Awards::Id))
            .col(ColumnDef::new(Awards::AwardType).text().not_null())
            .col(
                ColumnDef::new(Awards::ProposingUnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(Awards::RecipientUnitId).big_integer().null())
            .col(
                ColumnDef::new(Awards::RecipientPersonId)
                    .big_integer()
                    .null(),
            )
            .col(ColumnDef::new(Awards::RecipientName).text().not_null())
            .col(ColumnDef::new(Awards::Year).integer().not_null())
            .col(ColumnDef::new(Awards::Reason).text().not_null())
            .col(ColumnDef::new(Awards::State).text().not_null())
            .col(ColumnDef::new(Awards::DecisionNumber).text().null())
            .col(ColumnDef::new(Awards::DecidedOn).date().null())
            .col(ColumnDef::new(Awards::Issuer).text().null())
            .col(
                ColumnDef::new(Awards::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Awards::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                Awards::Table,
                Awards::ProposingUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                Awards::Table,
                Awards::RecipientUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            ))
            .foreign_key(&mut fk(
                Awards::Table,
                Awards::RecipientPersonId,
                People::Table,
                People::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(AwardMoves::Table)
            .col(id(AwardMoves::Id))
            .col(ColumnDef::new(AwardMoves::AwardId).big_integer().not_null())
            .col(ColumnDef::new(AwardMoves::FromState).text().not_null())
            .col(ColumnDef::new(AwardMoves::ToState).text().not_null())
            .col(ColumnDef::new(AwardMoves::Comment).text().null())
            .col(ColumnDef::new(AwardMoves::UserId).big_integer().null())
            .col(
                ColumnDef::new(AwardMoves::At)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                AwardMoves::Table,
                AwardMoves::AwardId,
                Awards::Table,
                Awards::Id,
            )),
    )
    .await
}

async fn m010_work_plans(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(WorkPlans::Table)
            .col(id(WorkPlans::Id))
            .col(ColumnDef::new(WorkPlans::UnitId).big_integer().not_null())
            .col(ColumnDef::new(WorkPlans::Year).integer().not_null())
            .col(ColumnDef::new(WorkPlans::Title).text().not_null())
            .col(
                ColumnDef::new(WorkPlans::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(WorkPlans::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                WorkPlans::Table,
                WorkPlans::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Index::create()
            .name("work_plans_one_per_year")
            .table(WorkPlans::Table)
            .col(WorkPlans::UnitId)
            .col(WorkPlans::Year)
            .unique(),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(PlanPriorities::Table)
            .col(id(PlanPriorities::Id))
            .col(
                ColumnDef::new(PlanPriorities::PlanId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(PlanPriorities::Number).integer().not_null())
            .col(ColumnDef::new(PlanPriorities::Title).text().not_null())
            .foreign_key(&mut fk(
                PlanPriorities::Table,
                PlanPriorities::PlanId,
                WorkPlans::Table,
                WorkPlans::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Index::create()
            .name("plan_priorities_numbered")
            .table(PlanPriorities::Table)
            .col(PlanPriorities::PlanId)
            .col(PlanPriorities::Number)
            .unique(),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(PlanTasks::Table)
            .col(id(PlanTasks::Id))
            .col(
                ColumnDef::new(PlanTasks::PriorityId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(PlanTasks::Title).text().not_null())
            .col(
                ColumnDef::new(PlanTasks::OwnerUnitId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(PlanTasks::Deadline).date().null())
            .col(ColumnDef::new(PlanTasks::Status).text().not_null())
            .col(ColumnDef::new(PlanTasks::Progress).integer().not_null())
            .col(ColumnDef::new(PlanTasks::DoneOn).date().null())
            .col(
                ColumnDef::new(PlanTasks::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                PlanTasks::Table,
                PlanTasks::PriorityId,
                PlanPriorities::Table,
                PlanPriorities::Id,
            ))
            .foreign_key(&mut fk(
                PlanTasks::Table,
                PlanTasks::OwnerUnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(PlanEvidence::Table)
            .col(
                ColumnDef::new(PlanEvidence::TaskId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(PlanEvidence::Kind).text().not_null())
            .col(
                ColumnDef::new(PlanEvidence::RecordId)
                    .big_integer()
                    .not_null(),
            )
            .primary_key(
                Index::create()
                    .col(PlanEvidence::TaskId)
                    .col(PlanEvidence::Kind)
                    .col(PlanEvidence::RecordId),
            )
            .foreign_key(&mut fk(
                PlanEvidence::Table,
                PlanEvidence::TaskId,
                PlanTasks::Table,
                PlanTasks::Id,
            )),
    )
    .await
}

async fn m009_reports(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(ReportForms::Table)
            .col(id(ReportForms::Id))
            .col(
                ColumnDef::new(ReportForms::Code)
                    .text()
                    .not_null()
                    .unique_key(),
            )
            .col(ColumnDef::new(ReportForms::NameVi).text().not_null())
            .col(ColumnDef::new(ReportForms::NameEn).text().not_null())
            .col(ColumnDef::new(ReportForms::PeriodKind).text().not_null())
            .col(ColumnDef::new(ReportForms::UnitKinds).text().not_null())
            .col(ColumnDef::new(ReportForms::ManualCodes).text().not_null())
            .col(ColumnDef::new(ReportForms::DueDays).integer().not_null()),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(Reports::Table)
            .col(id(Reports::Id))
            .col(ColumnDef::new(Reports::FormId).big_integer().not_null())
            .col(ColumnDef::new(Reports::UnitId).big_integer().not_null())
            .col(ColumnDef::new(Reports::Period).text().not_null())
            .col(ColumnDef::new(Reports::PeriodStart).date().not_null())
            .col(ColumnDef::new(Reports::PeriodEnd).date().not_null())
            .col(ColumnDef::new(Reports::State).text().not_null())
            .col(ColumnDef::new(Reports::Results).text().not_null())
            .col(ColumnDef::new(Reports::Shortcomings).text().not_null())
            .col(ColumnDef::new(Reports::Directions).text().not_null())
            .col(ColumnDef::new(Reports::ReturnComment).text().null())
            .col(
                ColumnDef::new(Reports::CreatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Reports::UpdatedAt)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .col(
                ColumnDef::new(Reports::SubmittedAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new(Reports::ClusterSignedAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(
                ColumnDef::new(Reports::ClusterSignedBy)
                    .big_integer()
                    .null(),
            )
            .col(
                ColumnDef::new(Reports::ApprovedAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .col(ColumnDef::new(Reports::ApprovedBy).big_integer().null())
            .col(
                ColumnDef::new(Reports::LockedAt)
                    .timestamp_with_time_zone()
                    .null(),
            )
            .foreign_key(&mut fk(
                Reports::Table,
                Reports::FormId,
                ReportForms::Table,
                ReportForms::Id,
            ))
            .foreign_key(&mut fk(
                Reports::Table,
                Reports::UnitId,
                OrgUnits::Table,
                OrgUnits::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Index::create()
            .name("reports_one_per_period")
            .table(Reports::Table)
            .col(Reports::FormId)
            .col(Reports::UnitId)
            .col(Reports::Period)
            .unique(),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(ReportValues::Table)
            .col(
                ColumnDef::new(ReportValues::ReportId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(ReportValues::Kind).text().not_null())
            .col(ColumnDef::new(ReportValues::Code).text().not_null())
            .col(ColumnDef::new(ReportValues::Value).double().not_null())
            .col(ColumnDef::new(ReportValues::Previous).double().null())
            .primary_key(
                Index::create()
                    .col(ReportValues::ReportId)
                    .col(ReportValues::Kind)
                    .col(ReportValues::Code),
            )
            .foreign_key(&mut fk(
                ReportValues::Table,
                ReportValues::ReportId,
                Reports::Table,
                Reports::Id,
            )),
    )
    .await?;
    c.execute_schema(
        Table::create()
            .table(ReportMoves::Table)
            .col(id(ReportMoves::Id))
            .col(
                ColumnDef::new(ReportMoves::ReportId)
                    .big_integer()
                    .not_null(),
            )
            .col(ColumnDef::new(ReportMoves::FromState).text().not_null())
            .col(ColumnDef::new(ReportMoves::ToState).text().not_null())
            .col(ColumnDef::new(ReportMoves::Comment).text().null())
            .col(ColumnDef::new(ReportMoves::UserId).big_integer().null())
            .col(
                ColumnDef::new(ReportMoves::At)
                    .timestamp_with_time_zone()
                    .not_null(),
            )
            .foreign_key(&mut fk(
                ReportMoves::Table,
                ReportMoves::ReportId,
                Reports::Table,
                Reports::Id,
            )),
    )
    .await?;
    // The federation's standing forms: quarterly reports from the provincial unions, half-year
    // and annual reviews from every member unit, the annual one also from the clusters.
    let forms: [(&str, &str, &str, &str, &str, &str, i32); 3] = [
        (
            "BC-QUY",
            "Báo cáo công tác quý",
            "Quarterly report",
            "quarter",
            "province_union",
            "media_items,funds_mobilized",
            10,
        ),
        (
            "BC-6THANG",
            "Báo cáo sơ kết công tác 6 tháng",
            "Half-year review report",
            "half_year",
            "province_union,association,member_org",
            "members_new,funds_mobilized,media_items,trainings",
            15,
        ),
        (
            "BC-NAM",
            "Báo cáo tổng kết công tác năm",
            "Annual review report",
            "year",
            "province_union,association,member_org,cluster",
            "members_new,funds_mobilized,media_items,trainings",
            15,
        ),
    ];
    for (code, vi, en, kind, kinds, manual, due) in forms {
        c.execute(
            Query::insert()
                .into_table(ReportForms::Table)
                .columns([
                    ReportForms::Code,
                    ReportForms::NameVi,
                    ReportForms::NameEn,
                    ReportForms::PeriodKind,
                    ReportForms::UnitKinds,
                    ReportForms::ManualCodes,
                    ReportForms::DueDays,
                ])
                .values_panic([
                    code.into(),
                    vi.into(),
                    en.into(),
                    kind.into(),
                    kinds.into(),
                    manual.into(),
                    due.into(),
                ]),
        )
        .await?;
    }
    Ok(())
}

async fn m016_aid_by_date(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        &Index::create()
            .name("aid_transactions_date")
            .table(AidTransactions::Table)
            .col(AidTransactions::Date)
            .col(AidTransactions::Kind)
            .to_owned(),
    )
    .await
}

const DEFAULT_HOLIDAYS: &str = include_str!("../../../data/defaults/holidays.csv");

async fn m017_public_holidays(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(PublicHolidays::Table)
            .col(
                ColumnDef::new(PublicHolidays::Date)
                    .date()
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new(PublicHolidays::NameVi).text().not_null())
            .col(ColumnDef::new(PublicHolidays::NameEn).text().null()),
    )
    .await?;
    let columns = [
        PublicHolidays::Date,
        PublicHolidays::NameVi,
        PublicHolidays::NameEn,
    ];
    insert_shipped(c, PublicHolidays::Table, columns, DEFAULT_HOLIDAYS, 0).await
}

async fn m018_aid_results(c: &mut Conn) -> Result<()> {
    c.execute_schema(
        Table::create()
            .table(AidProjectResults::Table)
            .col(
                ColumnDef::new(AidProjectResults::ProjectId)
                    .big_integer()
                    .not_null(),
            )
            .col(
                ColumnDef::new(AidProjectResults::Position)
                    .integer()
                    .not_null(),
            )
            .col(ColumnDef::new(AidProjectResults::Kind).text().not_null())
            .col(
                ColumnDef::new(AidProjectResults::IndicatorVi)
                    .text()
                    .not_null(),
            )
            .col(ColumnDef::new(AidProjectResults::IndicatorEn).text().null())
            .col(ColumnDef::new(AidProjectResults::Measure).text().not_null())
            .col(ColumnDef::new(AidProjectResults::Baseline).text().null())
            .col(
                ColumnDef::new(AidProjectResults::BaselineYear)
                    .integer()
                    .null(),
            )
            .col(ColumnDef::new(AidProjectResults::Target).text().null())
            .col(ColumnDef::new(AidProjectResults::Actual).text().null())
            .primary_key(
                Index::create()
                    .col(AidProjectResults::ProjectId)
                    .col(AidProjectResults::Position),
            )
            .foreign_key(&mut fk(
                AidProjectResults::Table,
                AidProjectResults::ProjectId,
                AidProjects::Table,
                AidProjects::Id,
            )),
    )
    .await
}
