//! The live tables and their columns, named once for the queries of every module.
//!
//! These enums follow today's schema; the migrations that built it
//! ([`crate::migrations`]) name their tables and columns themselves and never use them.

use sea_query::Iden;

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
    TokenHash,
    UserId,
    Kind,
    Csrf,
    CreatedAt,
    ExpiresAt,
}

#[derive(Iden, Clone, Copy)]
pub(crate) enum SignInThrottle {
    Table,
    Key,
    Failures,
    LastFailureAt,
    BlockedUntil,
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
    /// See `search::Doc::key`.
    RecordKey,
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
    /// How many sites an online or hybrid event connected (*điểm cầu*), when known.
    ConnectedSites,
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
