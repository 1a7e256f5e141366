//! Synthetic national-scale data for benchmarks: provinces in clusters over many years, with
//! yearly lead rotations, renames, staff accounts, their audit trail and search entries.

use amity_domain::authz::Actor;
use amity_domain::org::{ChangeKind, OrgCode, OrgKind, OrgName, Period};
use amity_domain::user::{Password, Role};
use chrono::{Datelike, NaiveDate, Utc};
use serde_json::json;

use crate::audit::{self, AuditAction, Entry};
use crate::db::Db;
use crate::org::{Contact, NewUnit, bulk};
use crate::search::{self, Doc};
use crate::user::{self, hash_password};

#[derive(Debug, Clone, Copy)]
pub struct GenSpec {
    pub provinces: u32,
    pub years: u32,
    /// Staff accounts created per unit per year.
    pub per_unit_year: u32,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct GenStats {
    pub units: u64,
    pub accounts: u64,
}

const SYLLABLES: [&str; 24] = [
    "Bình", "Đông", "Hòa", "Long", "Phú", "Quảng", "Tân", "Thạnh", "Đắk", "Lâm", "Hưng", "An", "Điện", "Sơn", "Hải", "Trà", "Vĩnh", "Ninh",
    "Đồng", "Gia", "Kiên", "Lạng", "Yên", "Bắc",
];

fn province_name(i: u32) -> String {
    let a = SYLLABLES[(i as usize * 7) % SYLLABLES.len()];
    let b = SYLLABLES[(i as usize * 11 + 3) % SYLLABLES.len()];
    format!("{a} {b} {i:03}")
}

/// Generates the data; `progress` is called after each unit-year with (done, total).
pub async fn generate(db: &Db, spec: GenSpec, mut progress: impl FnMut(u64, u64)) -> anyhow::Result<GenStats> {
    let this_year = Utc::now().year();
    let first_year = this_year - spec.years as i32 + 1;
    let start = NaiveDate::from_ymd_opt(first_year, 1, 1).ok_or_else(|| anyhow::anyhow!("year {first_year} is out of range"))?;
    let system = Actor::system();
    let password_hash = hash_password(&Password::parse("generated-account").map_err(|e| anyhow::anyhow!(e))?)?;
    let mut stats = GenStats::default();
    let unit = |kind, code: String, name: String, parent| -> anyhow::Result<NewUnit> {
        Ok(NewUnit {
            kind,
            code: Some(OrgCode::parse(&code).map_err(|e| anyhow::anyhow!(e))?),
            name: OrgName::parse(&name).map_err(|e| anyhow::anyhow!(e))?,
            short_name: None,
            name_en: None,
            parent_id: parent,
            period: Period { from: start, to: None },
            contact: Contact::default(),
        })
    };

    let mut tx = db.begin().await?;
    let root =
        bulk::insert_unit(&mut tx, &unit(OrgKind::Central, format!("GEN-{}", Utc::now().timestamp()), "Liên hiệp sinh thử".into(), None)?)
            .await?;
    let cluster_count = spec.provinces.div_ceil(6).max(1);
    let mut clusters = Vec::new();
    for c in 0..cluster_count {
        let id = bulk::insert_unit(
            &mut tx,
            &unit(OrgKind::Cluster, format!("G{root}-C{c:02}"), format!("Cụm sinh thử số {}", c + 1), Some(root))?,
        )
        .await?;
        clusters.push(id);
    }
    let mut provinces = Vec::new();
    for p in 0..spec.provinces {
        let cluster = clusters[(p / 6) as usize];
        let name = format!("Liên hiệp các tổ chức hữu nghị tỉnh {}", province_name(p));
        let id = bulk::insert_unit(&mut tx, &unit(OrgKind::ProvinceUnion, format!("G{root}-P{p:03}"), name, Some(cluster))?).await?;
        provinces.push((id, cluster));
    }
    stats.units = 1 + clusters.len() as u64 + provinces.len() as u64;
    tx.commit().await?;

    let total = u64::from(spec.provinces) * u64::from(spec.years);
    let mut done = 0;
    for year in first_year..=this_year {
        let mut tx = db.begin().await?;
        for (i, cluster) in clusters.iter().enumerate() {
            let members: Vec<i64> = provinces.iter().filter(|(_, c)| c == cluster).map(|(id, _)| *id).collect();
            if !members.is_empty() {
                let lead = members[(year as usize + i) % members.len()];
                let deputy = members.get(((year as usize + i) + 1) % members.len()).copied().filter(|d| *d != lead);
                bulk::cluster_roles(&mut tx, *cluster, year, lead, deputy).await?;
            }
        }
        for (p, (unit_id, _)) in provinces.iter().enumerate() {
            // Every seventh union is renamed once, half-way through the period.
            if p % 7 == 0 && year == first_year + spec.years as i32 / 2 && year > first_year {
                let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(start);
                let name = OrgName::parse(&format!("Liên hiệp các tổ chức hữu nghị thành phố {}", province_name(p as u32)))
                    .map_err(|e| anyhow::anyhow!(e))?;
                bulk::end_name(&mut tx, *unit_id, from).await?;
                bulk::add_name(&mut tx, *unit_id, &name, None, None, Period { from, to: None }).await?;
                bulk::event(&mut tx, ChangeKind::Rename, from, None, &[(Some(*unit_id), Some(*unit_id), None)]).await?;
            }
            for k in 0..spec.per_unit_year {
                let display =
                    format!("Cán bộ {} {} năm {year} số {k}", SYLLABLES[(k as usize + p) % SYLLABLES.len()], province_name(p as u32));
                let email = format!("u{unit_id}-{year}-{k}@gen.amity");
                let active = year == this_year;
                let id = user::insert_row(&mut tx, &email, &display, &password_hash, Role::UnionStaff, *unit_id, active).await?;
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
                        url: format!("/admin/users/{id}"),
                        extra: email,
                    },
                )
                .await?;
                stats.accounts += 1;
            }
            done += 1;
            progress(done, total);
        }
        tx.commit().await?;
    }
    let mut tx = db.begin().await?;
    for id in std::iter::once(root).chain(clusters.iter().copied()).chain(provinces.iter().map(|(id, _)| *id)) {
        bulk::reindex(&mut tx, id).await?;
    }
    tx.commit().await?;
    Ok(stats)
}
