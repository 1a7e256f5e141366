//! The one place that decides who may do what where.
//!
//! Storage resolves a user into an [`Actor`] (role plus the sets of units it may read and write);
//! every read filter and every write check asks the actor here, never re-deriving the rule.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::activity::{DelegationState, Direction};
use crate::report::ReportState;
use crate::user::Role;

/// A set of organization units, or all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Units(BTreeSet<i64>),
}

impl Scope {
    pub fn none() -> Self {
        Scope::Units(BTreeSet::new())
    }

    /// Whether a record owned by `unit` falls in this scope. A record with no owning unit is
    /// federation-wide: only an unlimited scope covers it.
    pub fn covers(&self, unit: Option<i64>) -> bool {
        match (self, unit) {
            (Scope::All, _) => true,
            (Scope::Units(units), Some(u)) => units.contains(&u),
            (Scope::Units(_), None) => false,
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Scope::All)
    }
}

/// What is being attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See a record owned by a unit (lists, counts, search, audit).
    Read,
    /// Create, change or delete a record owned by a unit.
    Write,
    /// Change the organization structure itself: create units, rename, move, merge, split, close.
    ManageStructure,
    /// Create and change accounts.
    ManageUsers,
    /// Complete or correct shared reference data (countries, relations, commemorations).
    ManageReference,
    /// Approve, return or reject an outbound delegation request (central staff).
    DecideOutbound,
    /// Approve, return or reject an inbound delegation its unit hosts (the unit's head).
    DecideInbound,
    /// Decide on a periodic report at the parent level: central staff.
    ApproveReport,
    /// Compile and approve a cluster's summary; checked against the cluster's lead union for
    /// the report's year.
    LeadCluster,
    /// Decide on an award proposal (approve with its decision, or refuse): central staff.
    DecideAward,
    /// Add, change or remove the report forms units file: central staff.
    ManageReportForms,
    /// Keep the foreign-NGO registry: an NGO's fields and provinces of work, its permits and
    /// their history: central staff.
    ManageNgos,
}

/// Kinds of record whose audit entries take more than reading their unit's records, and what
/// they take: an NGO's applications and the office's internal notes on them are the office's
/// (an applicant follows their own on the application's page); accounts' sign-ins and the
/// link of an applicant to an NGO are administrators'.
pub const AUDIT_KINDS_RESTRICTED: [(&str, Action); 4] = [
    ("ngo_application", Action::ManageNgos),
    ("ngo_application_note", Action::ManageNgos),
    ("ngo_applicant", Action::ManageUsers),
    ("sign_in", Action::ManageUsers),
];

/// What moving a periodic report to `to` takes. The unit's own staff write and submit (for a
/// cluster summary, its lead union); the parent level decides: central staff for provinces,
/// associations and member organizations; for a cluster summary the cluster lead first
/// (`cluster_signed` false), then central staff. Locking and reopening are central's.
pub fn report_move(
    is_cluster: bool,
    from: ReportState,
    to: ReportState,
    cluster_signed: bool,
) -> Action {
    match (from, to) {
        (ReportState::Draft, _) if is_cluster => Action::LeadCluster,
        (ReportState::Draft, _) => Action::Write,
        (ReportState::Submitted, _) if is_cluster && !cluster_signed => Action::LeadCluster,
        _ => Action::ApproveReport,
    }
}

/// What moving a delegation to `to` takes: decisions on outbound requests belong to central
/// staff, on inbound ones to the hosting unit's head; every other move (submitting, completing,
/// reporting, cancelling) to the staff of the unit that keeps it.
pub fn delegation_move(direction: Direction, to: DelegationState) -> Action {
    match (DelegationState::is_decision(to), direction) {
        (true, Direction::Outbound) => Action::DecideOutbound,
        (true, Direction::Inbound) => Action::DecideInbound,
        (false, _) => Action::Write,
    }
}

/// Refusal of an action, with the reason shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Denied(pub &'static str);

/// Who is acting, resolved from an account: its role and the units it may read and write.
#[derive(Debug, Clone)]
pub struct Actor {
    /// `None` for the system itself (start-up seeding, command-line administration).
    pub user_id: Option<i64>,
    pub email: String,
    pub role: Role,
    /// The unit the account belongs to.
    pub unit_id: Option<i64>,
    pub read: Scope,
    pub write: Scope,
    /// Units read only as a cluster's lead union, each with the years it led their cluster:
    /// their dated records are read for those years only.
    pub led: BTreeMap<i64, BTreeSet<i32>>,
}

impl Actor {
    /// The system acting on its own behalf (seeding, migrations, CLI administration).
    pub fn system() -> Self {
        Actor {
            user_id: None,
            email: "system".into(),
            role: Role::SystemAdmin,
            unit_id: None,
            read: Scope::All,
            write: Scope::All,
            led: BTreeMap::new(),
        }
    }

    /// Whether a record owned by `unit` and dated in `year` may be read: a unit read only as
    /// a cluster's lead is read for the years it led the cluster.
    pub fn may_read_dated(&self, unit: Option<i64>, year: i32) -> bool {
        self.may(Action::Read, unit)
            && unit
                .and_then(|u| self.led.get(&u))
                .is_none_or(|years| years.contains(&year))
    }

    /// The decision. `unit` is the unit owning the record (`None`: federation-wide).
    pub fn may(&self, action: Action, unit: Option<i64>) -> bool {
        match action {
            Action::Read => self.read.covers(unit),
            Action::Write => self.role != Role::Viewer && self.write.covers(unit),
            // Administration is the federation's: only from the root.
            Action::ManageStructure | Action::ManageUsers | Action::ManageReference => {
                self.role == Role::SystemAdmin && self.write.is_all()
            }
            Action::DecideOutbound => {
                matches!(self.role, Role::SystemAdmin | Role::CentralStaff)
                    && self.write.covers(unit)
            }
            Action::DecideInbound => {
                matches!(self.role, Role::SystemAdmin | Role::UnitHead) && self.write.covers(unit)
            }
            Action::ApproveReport => {
                matches!(self.role, Role::SystemAdmin | Role::CentralStaff)
                    && self.write.covers(unit)
            }
            Action::LeadCluster => {
                matches!(self.role, Role::SystemAdmin | Role::ClusterLead)
                    && self.write.covers(unit)
            }
            Action::DecideAward => {
                matches!(self.role, Role::SystemAdmin | Role::CentralStaff)
                    && self.write.covers(unit)
            }
            Action::ManageReportForms | Action::ManageNgos => {
                matches!(self.role, Role::SystemAdmin | Role::CentralStaff) && self.write.is_all()
            }
        }
    }

    pub fn require(&self, action: Action, unit: Option<i64>) -> Result<(), Denied> {
        if self.may(action, unit) {
            return Ok(());
        }
        Err(Denied(match action {
            Action::Read => "this record is outside your scope",
            Action::Write if self.role == Role::Viewer => "your account is read-only",
            Action::Write => "this record belongs to a unit outside your scope",
            Action::ManageStructure => {
                "only a system administrator may change the organization structure"
            }
            Action::ManageUsers => "only a system administrator may manage accounts",
            Action::ManageReference => "only a system administrator may change reference data",
            Action::DecideOutbound => "outbound delegations are approved by central staff",
            Action::DecideInbound => {
                "inbound delegations are approved by the head of the hosting unit"
            }
            Action::ApproveReport => "reports are approved, locked and reopened by central staff",
            Action::LeadCluster => {
                "a cluster's summary is compiled and first approved by the cluster's lead union"
            }
            Action::DecideAward => "award proposals are decided by central staff",
            Action::ManageReportForms => "report forms are set by central staff",
            Action::ManageNgos => {
                "the foreign-NGO registry and its permits are kept by central staff"
            }
        }))
    }
}

/// The structure facts scopes are computed from, over all time.
#[derive(Debug, Default)]
pub struct StructureGraph {
    /// child → parents it has had (any period).
    pub children: HashMap<i64, Vec<i64>>,
    /// successor → the units it was formed from (merge and split lineage).
    pub predecessors: HashMap<i64, Vec<i64>>,
    /// Units with no parent in any period.
    pub roots: BTreeSet<i64>,
}

impl StructureGraph {
    pub fn add_parent(&mut self, child: i64, parent: i64) {
        self.children.entry(parent).or_default().push(child);
    }

    pub fn add_lineage(&mut self, from: i64, to: i64) {
        self.predecessors.entry(to).or_default().push(from);
    }

    /// A unit, everything ever placed under it, and the units it was formed from (their
    /// records are now its own), recursively.
    pub fn reach(&self, start: i64) -> BTreeSet<i64> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(u) = stack.pop() {
            if !seen.insert(u) {
                continue;
            }
            stack.extend(self.children.get(&u).into_iter().flatten().copied());
            stack.extend(self.predecessors.get(&u).into_iter().flatten().copied());
        }
        seen
    }

    /// A unit and the units it was formed from, recursively: the units whose own work is now
    /// its own (not the units placed under it).
    pub fn carried(&self, start: i64) -> BTreeSet<i64> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start];
        while let Some(u) = stack.pop() {
            if seen.insert(u) {
                stack.extend(self.predecessors.get(&u).into_iter().flatten().copied());
            }
        }
        seen
    }
}

/// Computes an account's read and write scopes from its role and unit.
///
/// `led_cluster_members` are the units of clusters the account's unit (or one it was formed
/// from) leads, each with the years it leads them: a cluster lead reads them, but writes only
/// its own.
pub fn scopes_for(
    role: Role,
    unit: i64,
    graph: &StructureGraph,
    led_cluster_members: &BTreeMap<i64, BTreeSet<i32>>,
) -> (Scope, Scope) {
    let own = if graph.roots.contains(&unit) {
        Scope::All
    } else {
        Scope::Units(graph.reach(unit))
    };
    match role {
        Role::SystemAdmin | Role::CentralStaff => (own.clone(), own),
        Role::Viewer => (own, Scope::none()),
        // An applicant reaches their NGO's applications through their account, never a unit.
        Role::NgoApplicant => (Scope::none(), Scope::none()),
        Role::ClusterLead => {
            let read = match &own {
                Scope::All => Scope::All,
                Scope::Units(units) => {
                    let mut read = units.clone();
                    for member in led_cluster_members.keys() {
                        read.extend(graph.reach(*member));
                    }
                    Scope::Units(read)
                }
            };
            (read, own)
        }
        Role::UnionStaff | Role::AssociationStaff | Role::UnitHead => (own.clone(), own),
    }
}

/// The units a cluster lead reads only through its lead (not its own), each with the years it
/// led them: what [`Actor::led`] holds.
pub fn led_only(
    role: Role,
    unit: i64,
    graph: &StructureGraph,
    led_cluster_members: &BTreeMap<i64, BTreeSet<i32>>,
) -> BTreeMap<i64, BTreeSet<i32>> {
    let mut led: BTreeMap<i64, BTreeSet<i32>> = BTreeMap::new();
    if role != Role::ClusterLead || graph.roots.contains(&unit) {
        return led;
    }
    let own = graph.reach(unit);
    for (member, years) in led_cluster_members {
        for u in graph
            .reach(*member)
            .into_iter()
            .filter(|u| !own.contains(u))
        {
            led.entry(u).or_default().extend(years);
        }
    }
    led
}

#[cfg(test)]
mod tests {
    use super::*;

    // VUFO(1) → Cluster 3(2) → Quảng Nam(3), Khánh Hòa(4); Đà Nẵng 2025 (5) formed from 3 and 6.
    fn graph() -> StructureGraph {
        let mut g = StructureGraph::default();
        g.roots.insert(1);
        g.add_parent(2, 1);
        g.add_parent(3, 2);
        g.add_parent(4, 2);
        g.add_parent(6, 2);
        g.add_parent(5, 2);
        g.add_lineage(3, 5);
        g.add_lineage(6, 5);
        g
    }

    #[test]
    fn decisions_on_delegations_belong_to_central_staff_or_the_hosting_head() {
        let (read, write) = scopes_for(Role::UnitHead, 4, &graph(), &BTreeMap::new());
        let head = Actor {
            user_id: Some(1),
            email: "h".into(),
            role: Role::UnitHead,
            unit_id: Some(4),
            read,
            write,
            led: BTreeMap::new(),
        };
        let (read, write) = scopes_for(Role::UnionStaff, 4, &graph(), &BTreeMap::new());
        let staff = Actor {
            role: Role::UnionStaff,
            read,
            write,
            ..head.clone()
        };
        let (read, write) = scopes_for(Role::CentralStaff, 1, &graph(), &BTreeMap::new());
        let central = Actor {
            role: Role::CentralStaff,
            unit_id: Some(1),
            read,
            write,
            ..head.clone()
        };
        let approve_out = delegation_move(Direction::Outbound, DelegationState::Approved);
        let approve_in = delegation_move(Direction::Inbound, DelegationState::Approved);
        assert!(
            central.may(approve_out, Some(4))
                && !head.may(approve_out, Some(4))
                && !staff.may(approve_out, Some(4))
        );
        assert!(
            head.may(approve_in, Some(4)) && !head.may(approve_in, Some(3)),
            "only its own unit's guests"
        );
        assert!(!staff.may(approve_in, Some(4)) && !central.may(approve_in, Some(4)));
        let submit = delegation_move(Direction::Outbound, DelegationState::Submitted);
        assert!(staff.may(submit, Some(4)) && !staff.may(submit, Some(3)));
    }

    #[test]
    fn union_staff_read_and_write_only_their_own_unit() {
        let (read, write) = scopes_for(Role::UnionStaff, 3, &graph(), &BTreeMap::new());
        assert!(read.covers(Some(3)));
        assert!(!read.covers(Some(4)));
        assert!(!read.covers(None));
        assert!(write.covers(Some(3)) && !write.covers(Some(4)));
    }

    #[test]
    fn a_merged_unit_inherits_its_predecessors_records() {
        let (read, _) = scopes_for(Role::UnionStaff, 5, &graph(), &BTreeMap::new());
        assert!(read.covers(Some(3)) && read.covers(Some(6)) && !read.covers(Some(4)));
    }

    #[test]
    fn a_cluster_lead_reads_its_members_but_writes_only_its_own() {
        let members: BTreeMap<i64, BTreeSet<i32>> =
            [3, 4, 6].map(|m| (m, BTreeSet::from([2023]))).into();
        let (read, write) = scopes_for(Role::ClusterLead, 4, &graph(), &members);
        assert!(read.covers(Some(3)));
        assert!(!write.covers(Some(3)));
        assert!(write.covers(Some(4)));
    }

    #[test]
    fn reports_are_decided_one_level_up() {
        use ReportState::*;
        assert_eq!(report_move(false, Draft, Submitted, false), Action::Write);
        assert_eq!(
            report_move(false, Submitted, Approved, false),
            Action::ApproveReport
        );
        assert_eq!(
            report_move(true, Draft, Submitted, false),
            Action::LeadCluster
        );
        assert_eq!(
            report_move(true, Submitted, Approved, false),
            Action::LeadCluster,
            "the cluster lead signs first"
        );
        assert_eq!(
            report_move(true, Submitted, Approved, true),
            Action::ApproveReport,
            "then central staff"
        );
        assert_eq!(
            report_move(false, Approved, Locked, false),
            Action::ApproveReport
        );
        let members: BTreeMap<i64, BTreeSet<i32>> =
            [3, 4, 6].map(|m| (m, BTreeSet::from([2023]))).into();
        let (read, write) = scopes_for(Role::ClusterLead, 4, &graph(), &members);
        let lead = Actor {
            user_id: Some(5),
            email: "l@x.y".into(),
            role: Role::ClusterLead,
            unit_id: Some(4),
            read,
            write,
            led: BTreeMap::new(),
        };
        assert!(lead.may(Action::LeadCluster, Some(4)) && !lead.may(Action::LeadCluster, Some(3)));
        assert!(!lead.may(Action::ApproveReport, Some(4)));
        let (read, write) = scopes_for(Role::UnionStaff, 4, &graph(), &BTreeMap::new());
        let staff = Actor {
            role: Role::UnionStaff,
            read,
            write,
            ..lead
        };
        assert!(!staff.may(Action::LeadCluster, Some(4)));
    }

    #[test]
    fn viewers_never_write_and_admins_manage_structure() {
        let (read, write) = scopes_for(Role::Viewer, 1, &graph(), &BTreeMap::new());
        let viewer = Actor {
            user_id: Some(9),
            email: "v@x.y".into(),
            role: Role::Viewer,
            unit_id: Some(1),
            read,
            write,
            led: BTreeMap::new(),
        };
        assert!(viewer.may(Action::Read, Some(4)));
        assert!(!viewer.may(Action::Write, Some(4)));
        assert_eq!(
            viewer.require(Action::Write, Some(4)),
            Err(Denied("your account is read-only"))
        );
        let (read, write) = scopes_for(Role::CentralStaff, 1, &graph(), &BTreeMap::new());
        let central = Actor {
            user_id: Some(2),
            email: "c@x.y".into(),
            role: Role::CentralStaff,
            unit_id: Some(1),
            read,
            write,
            led: BTreeMap::new(),
        };
        assert!(central.may(Action::Write, Some(4)));
        assert!(!central.may(Action::ManageStructure, Some(4)));
        assert!(Actor::system().may(Action::ManageStructure, None));
        // An administrator placed below the root administers nothing.
        let (read, write) = scopes_for(Role::SystemAdmin, 4, &graph(), &BTreeMap::new());
        let local_admin = Actor {
            user_id: Some(9),
            email: "a".into(),
            role: Role::SystemAdmin,
            unit_id: Some(4),
            read,
            write,
            led: BTreeMap::new(),
        };
        for action in [
            Action::ManageStructure,
            Action::ManageUsers,
            Action::ManageReference,
        ] {
            assert!(!local_admin.may(action, Some(4)), "{action:?}");
        }
    }

    #[test]
    fn a_cluster_lead_reads_its_members_dated_records_of_the_years_it_led() {
        let members = BTreeMap::from([(3, BTreeSet::from([2023])), (6, BTreeSet::from([2023]))]);
        let g = graph();
        let (read, write) = scopes_for(Role::ClusterLead, 4, &g, &members);
        let lead = Actor {
            user_id: Some(5),
            email: "l@x.y".into(),
            role: Role::ClusterLead,
            unit_id: Some(4),
            read,
            write,
            led: led_only(Role::ClusterLead, 4, &g, &members),
        };
        assert!(lead.may_read_dated(Some(3), 2023));
        assert!(
            !lead.may_read_dated(Some(3), 2026),
            "a year it did not lead"
        );
        assert!(
            lead.may_read_dated(Some(4), 2026),
            "its own records, every year"
        );
        assert!(!lead.may_read_dated(Some(5), 2023), "not a member");
    }
}
