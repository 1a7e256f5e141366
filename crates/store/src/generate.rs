//! Synthetic national-scale data for benchmarks: provinces in clusters over many years, with
//! yearly lead rotations, renames, staff accounts, their audit trail and search entries.

use amity_domain::authz::Actor;
use amity_domain::org::{ChangeKind, OrgCode, OrgKind, OrgName, Period};
use amity_domain::user::{Password, Role};
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::json;

use amity_domain::activity::{Channel, DelegationState, Direction, EventType, MemberRole};
use amity_domain::country::CountryCode;
use amity_domain::partner::{PartnerKind, Vocabulary};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::audit::{self, AuditAction, Entry};
use crate::db::Conn;
use crate::db::Db;
use crate::org::{Contact, NewUnit, bulk};
use crate::search::{self, Doc};
use crate::totals::Contribution;
use crate::user::{self, hash_password};
use amity_domain::delegation::{DelegationSpec, Leg, Member, Who};
use amity_domain::event::EventSpec;

#[derive(Debug, Clone, Copy)]
pub struct GenSpec {
    pub provinces: u32,
    pub years: u32,
    /// Staff accounts created per unit per year.
    pub per_unit_year: u32,
    /// Also delegations (20–40) and events (10–40) per union and year, as the seed articles
    /// report for a provincial union, written through the same code as the API.
    pub activities: bool,
    /// Friendship associations beside the provinces (they file reports and hold activity too).
    pub associations: u32,
    /// National-scale activity: about this many delegations and events in all, spread over
    /// every union and year and written in bulk (see [`bulk`]).
    pub records: u64,
    /// Foreign NGOs in the registry, each with its work and a permit or two.
    pub ngos: u32,
    /// Aid projects each province starts each year (the seeds: 5–20 programmes per union), each
    /// with 3–8 transactions in several currencies, written through the same code as the API.
    pub aid_per_unit_year: u32,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct GenStats {
    pub units: u64,
    pub accounts: u64,
    pub delegations: u64,
    pub events: u64,
    /// Of which written in bulk.
    pub bulk: u64,
    pub ngos: u64,
    pub permits: u64,
    pub aid_projects: u64,
    pub aid_transactions: u64,
}

const SYLLABLES: [&str; 24] = [
    "Bình", "Đông", "Hòa", "Long", "Phú", "Quảng", "Tân", "Thạnh", "Đắk", "Lâm", "Hưng", "An",
    "Điện", "Sơn", "Hải", "Trà", "Vĩnh", "Ninh", "Đồng", "Gia", "Kiên", "Lạng", "Yên", "Bắc",
];

fn province_name(i: u32) -> String {
    let a = SYLLABLES[(i as usize * 7) % SYLLABLES.len()];
    let b = SYLLABLES[(i as usize * 11 + 3) % SYLLABLES.len()];
    format!("{a} {b} {i:03}")
}

/// Generates the data; `progress` is called after each unit-year with (done, total).
pub async fn generate(
    db: &Db,
    spec: GenSpec,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<GenStats> {
    let this_year = Utc::now().year();
    let first_year = this_year - spec.years as i32 + 1;
    let start = NaiveDate::from_ymd_opt(first_year, 1, 1)
        .ok_or_else(|| anyhow::anyhow!("year {first_year} is out of range"))?;
    let system = Actor::system();
    let password_hash =
        hash_password(&Password::parse("generated-account").map_err(|e| anyhow::anyhow!(e))?)?;
    let mut stats = GenStats::default();
    let unit = |kind, code: String, name: String, parent| -> anyhow::Result<NewUnit> {
        Ok(NewUnit {
            kind,
            code: Some(OrgCode::parse(&code).map_err(|e| anyhow::anyhow!(e))?),
            name: OrgName::parse(&name).map_err(|e| anyhow::anyhow!(e))?,
            short_name: None,
            name_en: None,
            parent_id: parent,
            period: Period {
                from: start,
                to: None,
            },
            contact: Contact::default(),
        })
    };

    let mut tx = db.begin().await?;
    let root = bulk::insert_unit(
        &mut tx,
        &unit(
            OrgKind::Central,
            format!("GEN-{}", Utc::now().timestamp()),
            "Liên hiệp sinh thử".into(),
            None,
        )?,
    )
    .await?;
    let cluster_count = spec.provinces.div_ceil(6).max(1);
    let mut clusters = Vec::new();
    for c in 0..cluster_count {
        let id = bulk::insert_unit(
            &mut tx,
            &unit(
                OrgKind::Cluster,
                format!("G{root}-C{c:02}"),
                format!("Cụm sinh thử số {}", c + 1),
                Some(root),
            )?,
        )
        .await?;
        clusters.push(id);
    }
    let mut provinces = Vec::new();
    for p in 0..spec.provinces {
        let cluster = clusters[(p / 6) as usize];
        let name = format!("Liên hiệp các tổ chức hữu nghị tỉnh {}", province_name(p));
        let id = bulk::insert_unit(
            &mut tx,
            &unit(
                OrgKind::ProvinceUnion,
                format!("G{root}-P{p:03}"),
                name,
                Some(cluster),
            )?,
        )
        .await?;
        provinces.push((id, cluster));
    }
    let mut associations = Vec::new();
    for a in 0..spec.associations {
        let name = format!(
            "Hội hữu nghị Việt Nam – {} sinh thử số {}",
            SYLLABLES[a as usize % SYLLABLES.len()],
            a + 1
        );
        associations.push(
            bulk::insert_unit(
                &mut tx,
                &unit(
                    OrgKind::Association,
                    format!("G{root}-A{a:03}"),
                    name,
                    Some(root),
                )?,
            )
            .await?,
        );
    }
    stats.units = 1 + clusters.len() as u64 + provinces.len() as u64 + associations.len() as u64;
    tx.commit().await?;

    let mut rng = StdRng::seed_from_u64(u64::from(spec.provinces) * 1_000 + u64::from(spec.years));
    let pool = if spec.activities {
        crate::seed::ensure_countries(&mut db.conn().await?).await?;
        Pool::new(db, &system, root).await?
    } else {
        Pool::default()
    };
    let holders: Vec<i64> = provinces
        .iter()
        .map(|(id, _)| *id)
        .chain(associations.iter().copied())
        .collect();
    let total = holders.len() as u64 * u64::from(spec.years);
    let per_unit_year = spec.records.div_ceil(total.max(1));
    // The countries bulk activity reaches, and Vietnam, where events take place.
    let mut bulk_pool = Vec::new();
    let mut vietnam = 0;
    if spec.records > 0 {
        let mut conn = db.conn().await?;
        crate::seed::ensure_countries(&mut conn).await?;
        for code in COUNTRIES.iter().chain(["VN"].iter()) {
            let code = CountryCode::parse(code).map_err(|e| anyhow::anyhow!(e))?;
            bulk_pool.push((
                crate::country::id_for(&mut conn, "country", &code).await?,
                code,
            ));
        }
        vietnam = bulk_pool.pop().map(|(id, _)| id).unwrap_or_default();
    }
    let mut totals = Contribution::default();
    let mut done = 0;
    for year in first_year..=this_year {
        let mut tx = db.begin().await?;
        for (i, cluster) in clusters.iter().enumerate() {
            let members: Vec<i64> = provinces
                .iter()
                .filter(|(_, c)| c == cluster)
                .map(|(id, _)| *id)
                .collect();
            if !members.is_empty() {
                let lead = members[(year as usize + i) % members.len()];
                let deputy = members
                    .get(((year as usize + i) + 1) % members.len())
                    .copied()
                    .filter(|d| *d != lead);
                bulk::cluster_roles(&mut tx, *cluster, year, lead, deputy).await?;
            }
        }
        for (p, unit_id) in holders.iter().enumerate() {
            // Every seventh union is renamed once, half-way through the period.
            if p < provinces.len()
                && p % 7 == 0
                && year == first_year + spec.years as i32 / 2
                && year > first_year
            {
                let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(start);
                let name = OrgName::parse(&format!(
                    "Liên hiệp các tổ chức hữu nghị thành phố {}",
                    province_name(p as u32)
                ))
                .map_err(|e| anyhow::anyhow!(e))?;
                bulk::end_name(&mut tx, *unit_id, from).await?;
                bulk::add_name(
                    &mut tx,
                    *unit_id,
                    &name,
                    None,
                    None,
                    Period { from, to: None },
                )
                .await?;
                bulk::event(
                    &mut tx,
                    ChangeKind::Rename,
                    from,
                    None,
                    &[(Some(*unit_id), Some(*unit_id), None)],
                )
                .await?;
            }
            for k in 0..spec.per_unit_year {
                let display = format!(
                    "Cán bộ {} {} năm {year} số {k}",
                    SYLLABLES[(k as usize + p) % SYLLABLES.len()],
                    province_name(p as u32)
                );
                let email = format!("u{unit_id}-{year}-{k}@gen.amity");
                let active = year == this_year;
                let id = user::insert_row(
                    &mut tx,
                    &email,
                    &display,
                    &password_hash,
                    Role::UnionStaff,
                    *unit_id,
                    active,
                )
                .await?;
                let after = json!({ "email": email, "display_name": display, "unit_id": unit_id, "year": year });
                audit::record(
                    &mut tx,
                    &system,
                    Entry {
                        action: AuditAction::Create,
                        entity_type: "user",
                        entity_id: id,
                        unit_id: Some(*unit_id),
                        before: None,
                        after: Some(&after),
                    },
                )
                .await?;
                search::put(
                    &mut tx,
                    &Doc {
                        entity_type: "user",
                        entity_id: id,
                        unit_id: Some(*unit_id),
                        title: display,
                        subtitle: Some(email.clone()),
                        key: String::new(),
                        extra: email,
                    },
                )
                .await?;
                stats.accounts += 1;
            }
            if spec.activities {
                let (d, e) = activities(&mut tx, &system, *unit_id, year, &mut rng, &pool).await?;
                stats.delegations += d;
                stats.events += e;
            }
            if per_unit_year > 0 {
                let (d, e) = bulk_activities(
                    &mut tx,
                    *unit_id,
                    year,
                    per_unit_year,
                    &mut rng,
                    &bulk_pool,
                    vietnam,
                    &mut totals,
                )
                .await?;
                stats.delegations += d;
                stats.events += e;
                stats.bulk += d + e;
                let after = json!({ "delegations": d, "events": e, "year": year });
                audit::record(
                    &mut tx,
                    &system,
                    Entry {
                        action: AuditAction::Create,
                        entity_type: "generated_activity",
                        entity_id: *unit_id,
                        unit_id: Some(*unit_id),
                        before: None,
                        after: Some(&after),
                    },
                )
                .await?;
            }
            done += 1;
            progress(done, total);
        }
        tx.commit().await?;
    }
    if spec.ngos > 0 || spec.aid_per_unit_year > 0 {
        let units: Vec<i64> = provinces.iter().map(|(id, _)| *id).collect();
        aid(db, &system, &spec, root, &units, &mut rng, &mut stats).await?;
    }
    let mut tx = db.begin().await?;
    for id in std::iter::once(root)
        .chain(clusters.iter().copied())
        .chain(holders.iter().copied())
    {
        bulk::reindex(&mut tx, id).await?;
    }
    crate::totals::apply(&mut tx, None, Some(&totals)).await?;
    tx.commit().await?;
    if spec.records > 0 {
        // Fresh statistics after a bulk load, so the planners estimate the new tables well.
        db.conn().await?.execute_raw("ANALYZE").await?;
    }
    Ok(stats)
}

/// Where generated NGOs have their head office, with their transactions' usual currency.
const DONORS: [(&str, &str); 8] = [
    ("US", "USD"),
    ("JP", "JPY"),
    ("KR", "KRW"),
    ("DE", "EUR"),
    ("FR", "EUR"),
    ("AU", "AUD"),
    ("GB", "USD"),
    ("NL", "EUR"),
];

/// DAC sectors generated aid goes to (education, health, water, agriculture, disaster
/// prevention, social welfare).
const SECTORS: [&str; 10] = [
    "11220", "11260", "12220", "12240", "14030", "31120", "31161", "43040", "74020", "16010",
];

/// A random amount of `currency` worth about `vnd` đồng, with the currency's usual precision.
fn amount_of(rng: &mut StdRng, currency: &str, vnd: i64) -> String {
    let per_unit: i64 = match currency {
        "USD" => 25_000,
        "EUR" => 27_000,
        "AUD" => 16_500,
        "JPY" => 170,
        "KRW" => 18,
        _ => 1,
    };
    let units = (vnd / per_unit).max(1);
    match currency {
        "USD" | "EUR" | "AUD" => format!("{}.{:02}", units, rng.random_range(0..100)),
        _ => units.to_string(),
    }
}

/// The registry's NGOs with their work and permits, then each province's projects of each year
/// with their money: through the store's own calls, so the audit trail, checks and live totals
/// are those of entered records.
async fn aid(
    db: &Db,
    system: &Actor,
    spec: &GenSpec,
    owner: i64,
    provinces: &[i64],
    rng: &mut StdRng,
    stats: &mut GenStats,
) -> anyhow::Result<()> {
    use amity_domain::aid::{
        OrgRole, ProjectDraft, ProjectOrg, ResultDraft, Share, TransactionDraft,
    };
    use amity_domain::ngo::PermitDraft;
    use rust_decimal::Decimal;

    let today = Utc::now().date_naive();
    let mut tx = db.begin().await?;
    crate::seed::ensure_countries(&mut tx).await?;
    let stamp = Utc::now().timestamp();
    let mut ngos: Vec<(i64, &str)> = Vec::new();
    for n in 0..spec.ngos.max(1) {
        let (country, currency) = DONORS[n as usize % DONORS.len()];
        let input = crate::partner::PartnerSpec {
            kind: PartnerKind::Ngo,
            category: None,
            country: Some(CountryCode::parse(country).map_err(|e| anyhow::anyhow!(e))?),
            name_native: None,
            name_latin: Some(format!("Generated Aid Foundation {country} {n} {stamp}")),
            name_vi: Some(format!("Quỹ viện trợ sinh thử {country} số {n} ({stamp})")),
            acronyms: vec![],
            aliases: vec![],
            website: None,
            address: None,
            note: None,
            founded: None,
        };
        let id = crate::partner::create(&mut tx, system, &input, Some(owner), true)
            .await?
            .id;
        let area: Vec<i64> = (0..rng.random_range(1..=4))
            .map(|_| provinces[rng.random_range(0..provinces.len())])
            .collect();
        let area: Vec<i64> = area
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let sectors: Vec<String> = (0..2)
            .map(|k| SECTORS[(n as usize + k * 3) % SECTORS.len()].to_owned())
            .collect();
        crate::ngo::set_work(&mut tx, system, id, &sectors, &area, today).await?;
        let from = NaiveDate::from_ymd_opt(
            today.year() - rng.random_range(0..5),
            1 + rng.random_range(0..12),
            1,
        )
        .unwrap_or(today);
        let permit = PermitDraft {
            kind: Some(
                if n % 5 == 0 {
                    "project_office"
                } else {
                    "operation_registration"
                }
                .into(),
            ),
            number: Some(format!("{n}/GĐK-SINH-THỬ")),
            issuer: Some("Bộ Ngoại giao".into()),
            issued_on: Some(from),
            valid_from: Some(from),
            // A few lapse within the warning window, a few have lapsed.
            valid_to: from
                .checked_add_months(chrono::Months::new(12 * 5))
                .map(|d| d - chrono::Days::new(u64::from(n % 3) * 40)),
            provinces: area.clone(),
            sectors,
            note: None,
        };
        crate::ngo::add_permit(&mut tx, system, id, &permit, today).await?;
        stats.ngos += 1;
        stats.permits += 1;
        ngos.push((id, currency));
        if n % 200 == 199 {
            tx.commit().await?;
            tx = db.begin().await?;
        }
    }
    tx.commit().await?;

    for year in today.year() - spec.years as i32 + 1..=today.year() {
        let mut tx = db.begin().await?;
        for (p, unit) in provinces.iter().enumerate() {
            for k in 0..spec.aid_per_unit_year {
                let (ngo, currency) = ngos[rng.random_range(0..ngos.len())];
                let start =
                    NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), 1).unwrap_or(today);
                let end = start
                    .checked_add_months(chrono::Months::new(rng.random_range(6..=36)))
                    .unwrap_or(start)
                    - chrono::Days::new(1);
                let first = rng.random_range(0..SECTORS.len());
                let share = rng.random_range(1..=99);
                let target: i64 = rng.random_range(50..=5_000);
                let draft = ProjectDraft {
                    code: Some(format!("G{unit}-{year}-{k:02}")),
                    title_vi: Some(format!(
                        "Dự án sinh thử {} năm {year} số {k}",
                        province_name(p as u32)
                    )),
                    title_en: Some(format!("Generated project {p} {year} {k}")),
                    unit_id: Some(*unit),
                    status: Some(
                        if end < today {
                            "closed"
                        } else {
                            "implementation"
                        }
                        .into(),
                    ),
                    planned_start: Some(start),
                    planned_end: Some(end),
                    organizations: vec![ProjectOrg {
                        partner_id: ngo,
                        role: OrgRole::Funding,
                    }],
                    sectors: vec![
                        Share {
                            key: SECTORS[first].into(),
                            percent: Decimal::from(share),
                        },
                        Share {
                            key: SECTORS[(first + 1) % SECTORS.len()].into(),
                            percent: Decimal::from(100 - share),
                        },
                    ],
                    provinces: vec![Share {
                        key: *unit,
                        percent: Decimal::ONE_HUNDRED,
                    }],
                    results: vec![ResultDraft {
                        kind: Some("output".into()),
                        indicator_vi: Some("Số người hưởng lợi trực tiếp".into()),
                        indicator_en: Some("People directly benefiting".into()),
                        target: Some(target.to_string()),
                        actual: (end < today)
                            .then(|| (target * rng.random_range(70..=110) / 100).to_string()),
                        ..Default::default()
                    }],
                    ..Default::default()
                };
                let project = crate::aid::create(&mut tx, system, &draft).await?;
                stats.aid_projects += 1;
                // Worth 200 million to 10 billion đồng: committed at the start, disbursed in
                // instalments, some of it spent.
                let worth: i64 = rng.random_range(200..=10_000) * 1_000_000;
                let days = (end - start).num_days().max(1);
                let mut moves = vec![("commitment", start, worth)];
                let instalments = rng.random_range(2..=6);
                for i in 0..instalments {
                    let date = start
                        + chrono::Days::new(u64::try_from(days * i / instalments).unwrap_or(0));
                    moves.push(("disbursement", date, worth / instalments));
                }
                if rng.random_bool(0.3) {
                    moves.push(("expenditure", end, worth / 3));
                }
                for (kind, date, vnd) in moves {
                    // Most money moves in the funder's currency; some is given in đồng.
                    let currency = if rng.random_bool(0.2) {
                        "VND"
                    } else {
                        currency
                    };
                    let t = TransactionDraft {
                        kind: Some(kind.into()),
                        date: Some(date),
                        amount: Some(amount_of(rng, currency, vnd)),
                        currency: Some(currency.into()),
                        ..Default::default()
                    };
                    crate::aid::add_transaction(&mut tx, system, project.id, &t).await?;
                    stats.aid_transactions += 1;
                }
            }
        }
        tx.commit().await?;
    }
    Ok(())
}

/// The countries generated activity reaches, most frequent first.
const COUNTRIES: [&str; 15] = [
    "LA", "KH", "CN", "JP", "KR", "TH", "RU", "US", "FR", "CU", "DE", "IN", "AU", "SG", "GB",
];

/// Partners (one friendship society per country) and people that generated activity draws on.
#[derive(Debug, Default)]
struct Pool {
    partners: Vec<(i64, CountryCode)>,
    people: Vec<i64>,
}

impl Pool {
    async fn new(db: &Db, system: &Actor, owner: i64) -> anyhow::Result<Pool> {
        let mut tx = db.begin().await?;
        let mut pool = Pool::default();
        for (i, code) in COUNTRIES.iter().enumerate() {
            let country = CountryCode::parse(code).map_err(|e| anyhow::anyhow!(e))?;
            let input = crate::partner::PartnerSpec {
                kind: PartnerKind::FriendshipSociety,
                category: None,
                country: Some(country.clone()),
                name_native: None,
                name_latin: Some(format!("Generated Friendship Society {code} {owner}")),
                name_vi: Some(format!("Hội hữu nghị sinh thử {code} {owner}")),
                acronyms: vec![],
                aliases: vec![],
                website: None,
                address: None,
                note: None,
                founded: None,
            };
            pool.partners.push((
                crate::partner::create(&mut tx, system, &input, Some(owner), true)
                    .await?
                    .id,
                country,
            ));
            for k in 0..4 {
                let person = amity_domain::person::PersonSpec {
                    name: format!(
                        "Thành viên sinh thử {} {i}-{k}",
                        SYLLABLES[(i + k) % SYLLABLES.len()]
                    ),
                    ..Default::default()
                };
                pool.people.push(
                    crate::person::create(&mut tx, system, &person, Some(owner))
                        .await?
                        .id,
                );
            }
        }
        tx.commit().await?;
        Ok(pool)
    }
}

/// One union's delegations and events for a year; the current year's are still under way.
async fn activities(
    conn: &mut Conn,
    system: &Actor,
    unit: i64,
    year: i32,
    rng: &mut StdRng,
    pool: &Pool,
) -> anyhow::Result<(u64, u64)> {
    let this_year = Utc::now().year();
    let day = |rng: &mut StdRng| {
        NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), rng.random_range(1..=28))
            .ok_or_else(|| anyhow::anyhow!("date"))
    };
    let delegations: u64 = rng.random_range(20..=40);
    for n in 0..delegations {
        let start = day(rng)?;
        let end = start + chrono::Days::new(rng.random_range(0..6));
        let (partner, country) = &pool.partners[rng
            .random_range(0..pool.partners.len())
            .min(rng.random_range(0..pool.partners.len()))];
        let outbound = rng.random_bool(0.45);
        let leg_country = if outbound {
            country.clone()
        } else {
            CountryCode::parse("VN").map_err(|e| anyhow::anyhow!(e))?
        };
        let head = pool.people[rng.random_range(0..pool.people.len())];
        let input = DelegationSpec {
            direction: if outbound {
                Direction::Outbound
            } else {
                Direction::Inbound
            },
            title: format!(
                "{} {} số {n} năm {year}",
                if outbound { "Đoàn ra" } else { "Đoàn vào" },
                country.as_str()
            ),
            purpose: Some("Giao lưu hữu nghị".into()),
            start_on: start,
            end_on: end,
            funding_source: None,
            budget: None,
            expected_outcomes: None,
            actual_outcomes: None,
            report: Some("Báo cáo sinh thử".into()),
            members: vec![Member {
                who: Who::Person(head),
                role: MemberRole::Head,
            }],
            legs: vec![Leg {
                country: leg_country,
                city: None,
                from_on: start,
                to_on: end,
            }],
            partners: vec![*partner],
            tasks: vec![],
        };
        let created = crate::delegation::create(conn, system, &input, Some(unit)).await?;
        let path: &[DelegationState] = match (year < this_year, rng.random_range(0..10)) {
            (true, 0) => &[DelegationState::Submitted, DelegationState::Rejected],
            (true, 1) => &[DelegationState::Cancelled],
            (true, 2) => &[
                DelegationState::Submitted,
                DelegationState::Approved,
                DelegationState::Completed,
            ],
            (true, _) => &[
                DelegationState::Submitted,
                DelegationState::Approved,
                DelegationState::Completed,
                DelegationState::Reported,
            ],
            (false, 0..=2) => &[],
            (false, 3..=4) => &[DelegationState::Submitted],
            (false, _) => &[DelegationState::Submitted, DelegationState::Approved],
        };
        for to in path {
            crate::delegation::transition(conn, system, created.id, *to, Some("sinh thử")).await?;
        }
    }
    let events: u64 = rng.random_range(10..=40);
    for n in 0..events {
        let start = day(rng)?;
        let kind = EventType::ALL[rng.random_range(0..EventType::ALL.len())];
        let (partner, country) = &pool.partners[rng.random_range(0..pool.partners.len())];
        let participants = rng.random_range(20..400);
        let channel = Channel::ALL[rng.random_range(0..Channel::ALL.len())];
        let input = EventSpec {
            event_type: kind,
            channel,
            connected_sites: (channel != Channel::InPerson).then(|| rng.random_range(2..40)),
            title: format!("{} số {n} năm {year}", kind.as_str()),
            start_on: start,
            end_on: start,
            place_country: CountryCode::parse("VN").ok(),
            place: None,
            participants,
            foreign_participants: rng.random_range(0..=participants / 3),
            description: None,
            results: None,
            co_organizers: vec![],
            partners: vec![*partner],
            countries: vec![country.clone()],
            tasks: vec![],
        };
        crate::event::create(conn, system, &input, Some(unit)).await?;
    }
    Ok((delegations, events))
}

/// Rows per multi-row insert: well under either backend's limit on bound values.
const BATCH: usize = 2_000;

/// `count` delegations and events of one union and year, inserted many rows per statement with
/// their legs and countries, and added to `totals` (applied once at the end). Unlike
/// [`activities`], no record gets its own audit or search entry: the caller audits the batch.
#[allow(clippy::too_many_arguments)]
async fn bulk_activities(
    conn: &mut Conn,
    unit: i64,
    year: i32,
    count: u64,
    rng: &mut StdRng,
    countries: &[(i64, CountryCode)],
    vietnam: i64,
    totals: &mut Contribution,
) -> anyhow::Result<(u64, u64)> {
    use crate::schema::{ActivityLinks, DelegationLegs, Delegations, Events};
    use amity_domain::text::sort_key;
    use sea_query::Query;

    let this_year = Utc::now().year();
    let now = Utc::now();
    let delegations = count * 2 / 5;
    let events = count - delegations;
    let day = |rng: &mut StdRng| {
        let last = if year == this_year {
            Utc::now().month()
        } else {
            12
        };
        NaiveDate::from_ymd_opt(year, rng.random_range(1..=last), rng.random_range(1..=28))
            .ok_or_else(|| anyhow::anyhow!("date"))
    };

    let mut left = delegations;
    while left > 0 {
        let n = left.min(BATCH as u64);
        left -= n;
        let mut insert = Query::insert();
        insert
            .into_table(Delegations::Table)
            .columns([
                Delegations::OwnerUnitId,
                Delegations::Direction,
                Delegations::Title,
                Delegations::TitleKey,
                Delegations::State,
                Delegations::StartOn,
                Delegations::EndOn,
                Delegations::CreatedAt,
                Delegations::UpdatedAt,
            ])
            .returning_col(Delegations::Id);
        let mut legs = Vec::with_capacity(n as usize);
        for k in 0..n {
            let start = day(rng)?;
            let end = start + chrono::Days::new(rng.random_range(0..6));
            let outbound = rng.random_bool(0.45);
            let (country_id, code) = &countries[rng
                .random_range(0..countries.len())
                .min(rng.random_range(0..countries.len()))];
            let state = if year < this_year {
                match rng.random_range(0..10) {
                    0 => DelegationState::Rejected,
                    1 => DelegationState::Cancelled,
                    2 => DelegationState::Completed,
                    _ => DelegationState::Reported,
                }
            } else {
                [
                    DelegationState::Draft,
                    DelegationState::Submitted,
                    DelegationState::Approved,
                ][rng.random_range(0..3)]
            };
            let title = format!(
                "{} {} số {k} năm {year}",
                if outbound { "Đoàn ra" } else { "Đoàn vào" },
                code.as_str()
            );
            let way = if outbound { "out" } else { "in" };
            totals.add(
                unit,
                start,
                format!("delegations_{way}:{}", state.as_str()),
                1,
            );
            if outbound
                && matches!(
                    state,
                    DelegationState::Approved
                        | DelegationState::Completed
                        | DelegationState::Reported
                )
            {
                totals.add(unit, start, format!("country:{}", code.as_str()), 1);
            }
            insert.values_panic([
                unit.into(),
                (if outbound {
                    Direction::Outbound
                } else {
                    Direction::Inbound
                })
                .as_str()
                .into(),
                title.clone().into(),
                sort_key(&title).into(),
                state.as_str().into(),
                start.into(),
                end.into(),
                now.into(),
                now.into(),
            ]);
            legs.push((if outbound { *country_id } else { vietnam }, start, end));
        }
        let ids: Vec<(i64,)> = conn.fetch_all(&insert).await?;
        let mut insert = Query::insert();
        insert.into_table(DelegationLegs::Table).columns([
            DelegationLegs::DelegationId,
            DelegationLegs::CountryId,
            DelegationLegs::FromOn,
            DelegationLegs::ToOn,
        ]);
        for ((id,), (country, from, to)) in ids.iter().zip(legs) {
            insert.values_panic([(*id).into(), country.into(), from.into(), to.into()]);
        }
        conn.execute(&insert).await?;
    }

    let mut left = events;
    while left > 0 {
        let n = left.min(BATCH as u64);
        left -= n;
        let mut insert = Query::insert();
        insert
            .into_table(Events::Table)
            .columns([
                Events::OwnerUnitId,
                Events::EventType,
                Events::Channel,
                Events::Title,
                Events::TitleKey,
                Events::StartOn,
                Events::EndOn,
                Events::PlaceCountryId,
                Events::Participants,
                Events::ForeignParticipants,
                Events::CreatedAt,
                Events::UpdatedAt,
            ])
            .returning_col(Events::Id);
        let mut reached = Vec::with_capacity(n as usize);
        for k in 0..n {
            let start = day(rng)?;
            let kind = EventType::ALL[rng.random_range(0..EventType::ALL.len())];
            let (country_id, code) = &countries[rng.random_range(0..countries.len())];
            let participants: i64 = rng.random_range(20..400);
            let foreign = rng.random_range(0..=participants / 3);
            let title = format!("{} số {k} năm {year}", kind.as_str());
            totals.add(unit, start, format!("events:{}", kind.as_str()), 1);
            totals.add(unit, start, "participants", participants);
            totals.add(unit, start, "foreign_participants", foreign);
            totals.add(unit, start, format!("country:{}", code.as_str()), 1);
            insert.values_panic([
                unit.into(),
                kind.as_str().into(),
                Channel::ALL[rng.random_range(0..Channel::ALL.len())]
                    .as_str()
                    .into(),
                title.clone().into(),
                sort_key(&title).into(),
                start.into(),
                start.into(),
                vietnam.into(),
                participants.into(),
                foreign.into(),
                now.into(),
                now.into(),
            ]);
            reached.push(*country_id);
        }
        let ids: Vec<(i64,)> = conn.fetch_all(&insert).await?;
        let mut insert = Query::insert();
        insert.into_table(ActivityLinks::Table).columns([
            ActivityLinks::RecordType,
            ActivityLinks::RecordId,
            ActivityLinks::LinkType,
            ActivityLinks::TargetId,
        ]);
        for ((id,), country) in ids.iter().zip(reached) {
            insert.values_panic([
                "event".into(),
                (*id).into(),
                "country".into(),
                country.into(),
            ]);
        }
        conn.execute(&insert).await?;
    }
    Ok((delegations, events))
}
