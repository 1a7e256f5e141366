//! Every storage operation, run on SQLite and on PostgreSQL: both must behave the same.

use std::collections::BTreeSet;

use amity_domain::authz::{Actor, Denied};
use amity_domain::org::{OrgCode, OrgKind, OrgName, Period};
use amity_domain::user::{Email, Password, Role};
use amity_store::audit::{self, AuditFilter};
use amity_store::error::Error;
use amity_store::org::{self, Contact, Merge, NewUnit, Split, Target, UnitFilter, UnitPatch};
use amity_store::seed::{self, DemoOutcome};
use amity_store::testing::{BACKENDS, TestDb};
use amity_store::user::{self, SessionKind};
use amity_store::{Backend, Db, scope, search};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

/// Runs `test` against a fresh demo database on each backend.
async fn on_demo<F, Fut>(test: F)
where
    F: Fn(Db, Backend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        assert_eq!(
            seed::demo_facts(&t.db).await.expect("demo loads"),
            DemoOutcome::Loaded
        );
        test(t.db.clone(), backend).await;
        t.cleanup().await.expect("cleanup");
    }
}

async fn actor(db: &Db, email: &str) -> Actor {
    let mut c = db.conn().await.expect("conn");
    let u = user::find_by_email(&mut c, email)
        .await
        .expect("query")
        .expect("demo account");
    scope::actor_for(&mut c, &u).await.expect("actor")
}

async fn province_unions(db: &Db, date: &str) -> Vec<org::OrgUnit> {
    let mut c = db.conn().await.expect("conn");
    let mut filter = UnitFilter::as_of(d(date));
    filter.kind = Some(OrgKind::ProvinceUnion);
    let (units, total) = org::list(&mut c, &filter, 500, 0).await.expect("list");
    assert_eq!(units.len() as i64, total);
    units
}

async fn audit_count(db: &Db) -> i64 {
    let mut c = db.conn().await.expect("conn");
    audit::list(&mut c, &Actor::system(), &AuditFilter::default(), 1, 0)
        .await
        .expect("audit")
        .1
}

#[tokio::test]
async fn migrations_are_idempotent() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        assert!(
            amity_store::migrate(&t.db)
                .await
                .expect("second run")
                .is_empty(),
            "{backend:?}"
        );
        t.cleanup().await.expect("cleanup");
    }
}

/// The schema every migration leaves behind, as the database itself describes it.
async fn schema_of(db: &Db) -> String {
    let rows: Vec<(String, String, String, String)> = match db {
        // What SQLite keeps is the statement that made each object, amended by every ALTER.
        Db::Sqlite(pool) => sqlx::query_as(
            "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master \
             WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
        )
        .fetch_all(pool)
        .await
        .expect("sqlite_master"),
        Db::Postgres(pool) => sqlx::query_as(
            "SELECT 'column', table_name::text, column_name::text, \
                    data_type::text || ' ' || is_nullable::text || ' ' || COALESCE(column_default::text, '') \
             FROM information_schema.columns WHERE table_schema = 'public' \
             UNION ALL \
             SELECT 'constraint', conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) \
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace \
             UNION ALL \
             SELECT 'index', tablename::text, indexname::text, indexdef FROM pg_indexes \
             WHERE schemaname = 'public' \
             UNION ALL \
             SELECT 'trigger', event_object_table::text, trigger_name::text, action_statement::text \
             FROM information_schema.triggers WHERE trigger_schema = 'public' \
             ORDER BY 1, 2, 3",
        )
        .fetch_all(pool)
        .await
        .expect("catalog"),
    };
    rows.iter()
        .map(|(kind, a, b, c)| format!("{kind} {a} {b}: {c}\n"))
        .collect()
}

/// Every migration, applied to an empty database, leaves exactly the checked-in schema: a
/// migration edited after it shipped changes it and fails here (add a new migration instead).
#[tokio::test]
async fn migrations_leave_the_recorded_schema() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        let schema = schema_of(&t.db).await;
        match backend {
            Backend::Sqlite => insta::assert_snapshot!("schema_sqlite", schema),
            Backend::Postgres => insta::assert_snapshot!("schema_postgres", schema),
        }
        t.cleanup().await.expect("cleanup");
    }
}

#[tokio::test]
async fn the_province_count_follows_the_2025_merger() {
    on_demo(|db, backend| async move {
        assert_eq!(
            province_unions(&db, "2024-06-30").await.len(),
            63,
            "{backend:?}"
        );
        assert_eq!(
            province_unions(&db, "2025-07-01").await.len(),
            34,
            "{backend:?}"
        );
        let mut c = db.conn().await.expect("conn");
        let before = org::by_code(&mut c, "44", d("2024-06-30"))
            .await
            .expect("query")
            .expect("44 in 2024");
        let after = org::by_code(&mut c, "44", d("2025-07-01"))
            .await
            .expect("query")
            .expect("44 in 2025");
        assert_ne!(
            before, after,
            "{backend:?}: code 44 must name another unit after the merger"
        );
        assert!(
            org::get(&mut c, before, d("2024-06-30"))
                .await
                .expect("unit")
                .name
                .contains("Quảng Bình")
        );
        assert!(
            org::get(&mut c, after, d("2025-07-01"))
                .await
                .expect("unit")
                .name
                .contains("Quảng Trị")
        );
    })
    .await;
}

#[tokio::test]
async fn da_nang_lineage_shows_the_merge_with_quang_nam() {
    on_demo(|db, backend| async move {
        let mut c = db.conn().await.expect("conn");
        let da_nang = org::by_code(&mut c, "48", d("2025-07-01"))
            .await
            .expect("query")
            .expect("Đà Nẵng");
        let lineage = org::lineage(&mut c, da_nang).await.expect("lineage");
        let merge = lineage
            .iter()
            .find(|e| e.kind == "merge")
            .expect("a merge event");
        assert_eq!(merge.date, d("2025-07-01"));
        let sources: BTreeSet<String> = merge
            .links
            .iter()
            .filter_map(|l| l.from.as_ref().map(|u| u.name.clone()))
            .collect();
        assert!(
            sources.iter().any(|n| n.ends_with("thành phố Đà Nẵng")),
            "{backend:?}: {sources:?}"
        );
        assert!(
            sources.iter().any(|n| n.ends_with("tỉnh Quảng Nam")),
            "{backend:?}: {sources:?}"
        );
        assert_eq!(sources.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn cluster_3_has_eleven_members_and_khanh_hoa_leads_in_2023() {
    on_demo(|db, backend| async move {
        let mut c = db.conn().await.expect("conn");
        let cluster = org::by_code(&mut c, "CUM-3", d("2023-06-01"))
            .await
            .expect("query")
            .expect("cluster 3");
        let year = org::cluster_year(&mut c, cluster, 2023)
            .await
            .expect("cluster year");
        assert_eq!(year.members.len(), 11, "{backend:?}");
        assert!(
            year.lead
                .as_ref()
                .expect("a lead")
                .name
                .ends_with("Khánh Hòa")
        );
        assert!(
            year.deputy
                .as_ref()
                .expect("a deputy")
                .name
                .ends_with("Quảng Nam")
        );
        let mut sorted = year.members.clone();
        sorted.sort_by(|a, b| amity_domain::text::compare(&a.name, &b.name));
        assert_eq!(
            sorted, year.members,
            "{backend:?}: members come in Vietnamese order"
        );
    })
    .await;
}

#[tokio::test]
async fn names_sort_in_vietnamese_order() {
    on_demo(|db, backend| async move {
        // No province starts with a plain D; add units that do, so D and Đ meet in one list.
        let admin = actor(&db, "admin@demo.amity").await;
        let mut tx = db.begin().await.expect("tx");
        for (code, name) in [
            ("T-D1", "Dương Kinh"),
            ("T-D2", "Duy Tiên"),
            ("T-D3", "Đà Lạt"),
            ("T-D4", "Zê Ta"),
            ("T-D5", "Đông Anh"),
        ] {
            org::create(&mut tx, &admin, &new_unit(code, name, None, "2020-01-01"))
                .await
                .expect("unit");
        }
        tx.commit().await.expect("commit");
        let mut c = db.conn().await.expect("conn");
        let (others, _) = org::list(
            &mut c,
            &UnitFilter {
                kind: Some(OrgKind::Other),
                ..UnitFilter::as_of(d("2024-06-30"))
            },
            50,
            0,
        )
        .await
        .expect("list");
        let names: Vec<&str> = others.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["Duy Tiên", "Dương Kinh", "Đà Lạt", "Đông Anh", "Zê Ta"],
            "{backend:?}"
        );
        let names: Vec<String> = province_unions(&db, "2024-06-30")
            .await
            .into_iter()
            .map(|u| u.short_name.unwrap_or(u.name))
            .collect();
        let pos = |n: &str| {
            names
                .iter()
                .position(|x| x == n)
                .unwrap_or_else(|| panic!("{n} missing from {names:?}"))
        };
        assert!(
            pos("Đà Nẵng") < pos("Đắk Lắk")
                && pos("Đắk Lắk") < pos("Điện Biên")
                && pos("Điện Biên") < pos("Đồng Nai"),
            "{backend:?}"
        );
        let first_d_stroke = names
            .iter()
            .position(|n| n.starts_with('Đ'))
            .expect("a Đ name");
        assert!(
            names[..first_d_stroke].iter().all(|n| n.as_str() < "Đ"),
            "{backend:?}: {names:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn search_ignores_diacritics_and_case_alike_on_both_backends() {
    let mut results = Vec::new();
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        seed::demo_facts(&t.db).await.expect("demo");
        let admin = actor(&t.db, "admin@demo.amity").await;
        let mut c = t.db.conn().await.expect("conn");
        let mut per_query = Vec::new();
        for q in ["da nang", "DA NANG", "đà nẵng"] {
            let (hits, total) = search::query(&mut c, &admin, q, 50, 0)
                .await
                .expect("search");
            let titles: Vec<String> = hits.iter().map(|h| h.title.clone()).collect();
            assert!(
                titles.iter().any(|t| t.contains("Đà Nẵng")),
                "{backend:?} {q}: {titles:?}"
            );
            assert_eq!(total as usize, hits.len());
            per_query.push(titles);
        }
        assert_eq!(per_query[0], per_query[1]);
        assert_eq!(per_query[0], per_query[2]);
        results.push(per_query.remove(0));
        drop(c);
        t.cleanup().await.expect("cleanup");
    }
    assert_eq!(
        results[0], results[1],
        "SQLite and PostgreSQL must return the same hits"
    );
}

#[tokio::test]
async fn a_union_cannot_touch_another_union_nor_see_its_accounts() {
    on_demo(|db, backend| async move {
        let quangnam = actor(&db, "quangnam@demo.amity").await;
        let admin = actor(&db, "admin@demo.amity").await;
        let mut tx = db.begin().await.expect("tx");
        let khanh_hoa = org::by_code(&mut tx, "56", d("2026-01-01"))
            .await
            .expect("query")
            .expect("Khánh Hòa");
        let patch = UnitPatch {
            phone: Some(Some("0258 000 000".into())),
            ..Default::default()
        };
        let err = org::update(&mut tx, &quangnam, khanh_hoa, &patch)
            .await
            .expect_err("must be refused");
        assert!(matches!(err, Error::Denied(_)), "{backend:?}: {err:?}");
        drop(tx);
        let mut c = db.conn().await.expect("conn");
        let (hits, _) = search::query(&mut c, &quangnam, "khanhhoa", 10, 0)
            .await
            .expect("search");
        assert!(
            hits.iter().all(|h| h.entity_type != "user"),
            "{backend:?}: {hits:?}"
        );
        let (hits, _) = search::query(&mut c, &admin, "khanhhoa", 10, 0)
            .await
            .expect("search");
        assert!(
            hits.iter().any(|h| h.entity_type == "user"),
            "{backend:?}: admin finds the account"
        );
        let (users, total) = user::list(&mut c, &quangnam, ("name", false), 100, 0)
            .await
            .expect("users");
        assert_eq!(total, 1, "{backend:?}: only its own account");
        assert_eq!(users[0].email, "quangnam@demo.amity");
        let (_, audit_total) = audit::list(&mut c, &quangnam, &AuditFilter::default(), 100, 0)
            .await
            .expect("audit");
        let (_, all_total) = audit::list(&mut c, &admin, &AuditFilter::default(), 100, 0)
            .await
            .expect("audit");
        assert!(audit_total < all_total, "{backend:?}");
    })
    .await;
}

#[tokio::test]
async fn staff_update_their_own_contact_details_audited_before_and_after() {
    on_demo(|db, backend| async move {
        let quangnam = actor(&db, "quangnam@demo.amity").await;
        let own = quangnam.unit_id.expect("a unit");
        let mut tx = db.begin().await.expect("tx");
        let patch = UnitPatch {
            phone: Some(Some("0235 3 852 000".into())),
            ..Default::default()
        };
        org::update(&mut tx, &quangnam, own, &patch)
            .await
            .expect("own unit");
        tx.commit().await.expect("commit");
        let mut c = db.conn().await.expect("conn");
        let filter = AuditFilter {
            entity_type: Some("org_unit".into()),
            entity_id: Some(own),
            ..Default::default()
        };
        let (entries, _) = audit::list(&mut c, &quangnam, &filter, 10, 0)
            .await
            .expect("audit");
        let change = &entries[0].changes["phone"];
        assert_eq!(change["before"], serde_json::Value::Null, "{backend:?}");
        assert_eq!(change["after"], "0235 3 852 000");
        assert_eq!(entries[0].actor, "quangnam@demo.amity");
        // Structural changes are for administrators only.
        let mut tx = db.begin().await.expect("tx");
        let rename = UnitPatch {
            name: Some(OrgName::parse("Tên mới").expect("name")),
            ..Default::default()
        };
        assert!(matches!(
            org::update(&mut tx, &quangnam, own, &rename).await,
            Err(Error::Denied(_))
        ));
    })
    .await;
}

fn new_unit(code: &str, name: &str, parent: Option<i64>, from: &str) -> NewUnit {
    NewUnit {
        kind: OrgKind::Other,
        code: Some(OrgCode::parse(code).expect("code")),
        name: OrgName::parse(name).expect("name"),
        short_name: None,
        name_en: None,
        parent_id: parent,
        period: Period::new(d(from), None).expect("period"),
        contact: Contact::default(),
    }
}

#[tokio::test]
async fn bad_structure_changes_are_refused_naming_the_field_and_change_nothing() {
    on_demo(|db, backend| async move {
        let admin = actor(&db, "admin@demo.amity").await;
        let before = audit_count(&db).await;
        let mut tx = db.begin().await.expect("tx");
        let vufo = org::by_code(&mut tx, "VUFO", d("2026-01-01"))
            .await
            .expect("q")
            .expect("VUFO");
        // Code 56 belongs to Khánh Hòa's union from 2008 on: overlapping validity.
        let err = org::create(
            &mut tx,
            &admin,
            &new_unit("56", "Trùng mã", Some(vufo), "2024-01-01"),
        )
        .await
        .expect_err("overlap");
        assert!(
            matches!(&err, Error::Invalid(i) if i.0[0].field == "code"),
            "{backend:?}: {err:?}"
        );
        let qn = org::by_code(&mut tx, "49", d("2024-01-01"))
            .await
            .expect("q")
            .expect("Quảng Nam");
        let merge = Merge {
            from: vec![qn],
            into: Target::Existing(qn),
            date: d("2025-07-01"),
            note: None,
        };
        let err = org::merge(&mut tx, &admin, &merge)
            .await
            .expect_err("merge into itself");
        assert!(
            matches!(&err, Error::Invalid(i) if i.0[0].field == "into"),
            "{backend:?}: {err:?}"
        );
        drop(tx);
        assert_eq!(
            audit_count(&db).await,
            before,
            "{backend:?}: nothing written"
        );
    })
    .await;
}

#[tokio::test]
async fn merge_split_rename_and_close_keep_history_and_lineage() {
    on_demo(|db, backend| async move {
        let admin = actor(&db, "admin@demo.amity").await;
        let mut tx = db.begin().await.expect("tx");
        let vufo = org::by_code(&mut tx, "VUFO", d("2026-01-01")).await.expect("q").expect("VUFO");
        let a = org::create(&mut tx, &admin, &new_unit("T-A", "Đơn vị A", Some(vufo), "2020-01-01")).await.expect("a");
        let b = org::create(&mut tx, &admin, &new_unit("T-B", "Đơn vị B", Some(vufo), "2020-01-01")).await.expect("b");
        let merged = org::merge(
            &mut tx,
            &admin,
            &Merge {
                from: vec![a.id, b.id],
                into: Target::New(Box::new(new_unit("T-AB", "Đơn vị AB", Some(vufo), "2026-03-01"))),
                date: d("2026-03-01"),
                note: Some("thử".into()),
            },
        )
        .await
        .expect("merge");
        assert_eq!(merged.links.len(), 2);
        let ab = merged.links[0].to.as_ref().expect("target").id;
        assert_eq!(org::get(&mut tx, a.id, d("2026-06-01")).await.expect("a").valid_to, Some(d("2026-02-28")), "{backend:?}");
        // Split AB into a new unit and itself, 60/40.
        let split = org::split(
            &mut tx,
            &admin,
            &Split {
                from: ab,
                into: vec![
                    (Target::Existing(ab), 0.6),
                    (Target::New(Box::new(new_unit("T-C", "Đơn vị C", Some(vufo), "2026-09-01"))), 0.4),
                ],
                date: d("2026-09-01"),
                note: None,
            },
        )
        .await
        .expect("split");
        let shares: Vec<f64> = split.links.iter().filter_map(|l| l.share).collect();
        assert_eq!(shares, vec![0.6, 0.4]);
        assert!(org::get(&mut tx, ab, d("2026-10-01")).await.expect("ab").is_open_on(d("2026-10-01")), "the source continues");
        let bad =
            Split { from: ab, into: vec![(Target::Existing(ab), 0.5), (Target::Existing(vufo), 0.4)], date: d("2026-10-01"), note: None };
        assert!(matches!(org::split(&mut tx, &admin, &bad).await, Err(Error::Invalid(i)) if i.0[0].field == "shares"));
        // Rename from a date keeps the old name before it.
        let rename = UnitPatch {
            name: Some(OrgName::parse("Đơn vị AB mới").expect("name")),
            effective: Some(d("2026-10-01")),
            ..Default::default()
        };
        org::update(&mut tx, &admin, ab, &rename).await.expect("rename");
        assert_eq!(org::get(&mut tx, ab, d("2026-09-30")).await.expect("ab").name, "Đơn vị AB");
        assert_eq!(org::get(&mut tx, ab, d("2026-10-01")).await.expect("ab").name, "Đơn vị AB mới");
        let history = org::history(&mut tx, ab).await.expect("history");
        assert_eq!(history.names.len(), 2, "{backend:?}");
        org::close(&mut tx, &admin, ab, d("2026-11-01"), None).await.expect("close");
        assert!(!org::get(&mut tx, ab, d("2026-11-01")).await.expect("ab").is_open_on(d("2026-11-01")));
        let kinds: Vec<String> = org::lineage(&mut tx, ab).await.expect("lineage").into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, vec!["merge", "split", "rename", "close"], "{backend:?}");
        tx.commit().await.expect("commit");
    })
    .await;
}

#[tokio::test]
async fn a_cluster_lead_reads_its_members_and_a_viewer_writes_nothing() {
    on_demo(|db, backend| async move {
        let khanhhoa = actor(&db, "khanhhoa@demo.amity").await;
        let viewer = actor(&db, "viewer@demo.amity").await;
        let mut c = db.conn().await.expect("conn");
        let quang_nam = org::by_code(&mut c, "49", d("2024-01-01"))
            .await
            .expect("q")
            .expect("Quảng Nam");
        let ninh_thuan = org::by_code(&mut c, "58", d("2024-01-01"))
            .await
            .expect("q")
            .expect("Ninh Thuận");
        let ha_noi = org::by_code(&mut c, "01", d("2024-01-01"))
            .await
            .expect("q")
            .expect("Hà Nội");
        assert!(
            khanhhoa.read.covers(Some(quang_nam)),
            "{backend:?}: a 2023 cluster member"
        );
        assert!(!khanhhoa.write.covers(Some(quang_nam)));
        assert!(
            khanhhoa.write.covers(Some(ninh_thuan)),
            "merged into today's Khánh Hòa"
        );
        assert!(!khanhhoa.read.covers(Some(ha_noi)));
        assert!(viewer.read.covers(Some(ha_noi)));
        let mut tx = db.begin().await.expect("tx");
        let patch = UnitPatch {
            phone: Some(Some("1".into())),
            ..Default::default()
        };
        assert!(matches!(
            org::update(&mut tx, &viewer, ha_noi, &patch).await,
            Err(Error::Denied(Denied("your account is read-only")))
        ));
    })
    .await;
}

#[tokio::test]
async fn accounts_sessions_and_passwords() {
    on_demo(|db, backend| async move {
        let admin = actor(&db, "admin@demo.amity").await;
        let mut tx = db.begin().await.expect("tx");
        let vufo = org::by_code(&mut tx, "VUFO", d("2026-01-01")).await.expect("q").expect("VUFO");
        let new = user::NewUser {
            email: Email::parse("moi@demo.amity").expect("email"),
            display_name: "Người mới".into(),
            role: Role::Viewer,
            unit_id: vufo,
            password: Password::parse("mot-mat-khau-dai").expect("pw"),
        };
        let created = user::create(&mut tx, &admin, &new).await.expect("create");
        assert!(matches!(user::create(&mut tx, &admin, &new).await, Err(Error::Invalid(i)) if i.0[0].field == "email"), "{backend:?}");
        tx.commit().await.expect("commit");
        let mut c = db.conn().await.expect("conn");
        assert!(user::authenticate(&mut c, "MOI@demo.amity", "mot-mat-khau-dai").await.expect("auth").is_some());
        assert!(user::authenticate(&mut c, "moi@demo.amity", "wrong-password").await.expect("auth").is_none());
        assert!(user::authenticate(&mut c, "nobody@demo.amity", "mot-mat-khau-dai").await.expect("auth").is_none());
        let s = user::start_session(&mut c, created.id, SessionKind::Api, chrono::Duration::hours(1)).await.expect("session");
        assert_eq!(user::session_user(&mut c, &s.token, SessionKind::Api).await.expect("lookup").map(|(u, _)| u.id), Some(created.id));
        assert!(user::session_user(&mut c, &s.token, SessionKind::Web).await.expect("lookup").is_none(), "an API token is no cookie");
        let expired = user::start_session(&mut c, created.id, SessionKind::Api, chrono::Duration::seconds(-1)).await.expect("session");
        assert!(user::session_user(&mut c, &expired.token, SessionKind::Api).await.expect("lookup").is_none());
        // Deactivating ends sessions.
        let mut tx = db.begin().await.expect("tx");
        user::update(&mut tx, &admin, created.id, &user::UserPatch { active: Some(false), ..Default::default() })
            .await
            .expect("deactivate");
        tx.commit().await.expect("commit");
        assert!(user::session_user(&mut c, &s.token, SessionKind::Api).await.expect("lookup").is_none());
        assert!(user::authenticate(&mut c, "moi@demo.amity", "mot-mat-khau-dai").await.expect("auth").is_none());
    })
    .await;
}

#[tokio::test]
async fn demo_loads_only_into_an_empty_database() {
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        assert!(seed::base_structure(&t.db).await.expect("base"));
        assert_eq!(
            seed::demo(&t.db).await.expect("demo"),
            DemoOutcome::NotEmpty,
            "{backend:?}"
        );
        t.cleanup().await.expect("cleanup");
        let t = TestDb::new(backend).await.expect("test database");
        assert_eq!(seed::demo(&t.db).await.expect("demo"), DemoOutcome::Loaded);
        assert_eq!(
            seed::demo(&t.db).await.expect("demo"),
            DemoOutcome::AlreadyLoaded
        );
        t.cleanup().await.expect("cleanup");
    }
}

#[tokio::test]
async fn expired_sessions_are_purged_and_live_ones_kept() {
    on_demo(|db, backend| async move {
        let mut c = db.conn().await.expect("conn");
        let admin = user::find_by_email(&mut c, "admin@demo.amity")
            .await
            .expect("q")
            .expect("admin");
        let live = user::start_session(
            &mut c,
            admin.id,
            SessionKind::Web,
            chrono::Duration::hours(1),
        )
        .await
        .expect("session");
        user::start_session(
            &mut c,
            admin.id,
            SessionKind::Web,
            chrono::Duration::seconds(-5),
        )
        .await
        .expect("session");
        user::start_session(
            &mut c,
            admin.id,
            SessionKind::Api,
            chrono::Duration::seconds(-5),
        )
        .await
        .expect("session");
        assert_eq!(
            user::purge_expired_sessions(&mut c).await.expect("purge"),
            2,
            "{backend:?}"
        );
        assert!(
            user::session_user(&mut c, &live.token, SessionKind::Web)
                .await
                .expect("lookup")
                .is_some()
        );
    })
    .await;
}

#[tokio::test]
async fn the_generator_builds_searchable_history_on_both_backends() {
    use amity_store::generate::{GenSpec, generate};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        let mut progress = Vec::new();
        let stats = generate(
            &t.db,
            GenSpec {
                provinces: 7,
                years: 3,
                per_unit_year: 2,
                activities: false,
                associations: 0,
                records: 0,
                ngos: 0,
                aid_per_unit_year: 0,
            },
            |done, total| progress.push((done, total)),
        )
        .await
        .expect("generate");
        assert_eq!(
            stats.units,
            1 + 2 + 7,
            "{backend:?}: a root, two clusters of up to six, seven unions"
        );
        assert_eq!(stats.accounts, 7 * 3 * 2);
        assert_eq!(progress.last(), Some(&(21, 21)));
        let mut c = t.db.conn().await.expect("conn");
        let (hits, total) = search::query(&mut c, &Actor::system(), "can bo", 5, 0)
            .await
            .expect("search");
        assert_eq!(
            total, 42,
            "{backend:?}: every generated account is found without diacritics"
        );
        assert_eq!(hits.len(), 5);
        let (entries, _) = audit::list(
            &mut c,
            &Actor::system(),
            &AuditFilter {
                entity_type: Some("user".into()),
                ..Default::default()
            },
            100,
            0,
        )
        .await
        .expect("audit");
        assert_eq!(entries.len(), 42);
        // Every year has a lead in each cluster, chosen among that cluster's members.
        let cluster = org::list(
            &mut c,
            &UnitFilter {
                kind: Some(OrgKind::Cluster),
                ..UnitFilter::as_of(chrono::Utc::now().date_naive())
            },
            10,
            0,
        )
        .await
        .expect("list")
        .0[0]
            .id;
        let this_year = chrono::Datelike::year(&chrono::Utc::now());
        for year in this_year - 2..=this_year {
            let y = org::cluster_year(&mut c, cluster, year)
                .await
                .expect("year");
            let lead = y.lead.expect("a lead");
            assert!(
                y.members.iter().any(|m| m.id == lead.id),
                "{backend:?} {year}"
            );
        }
        drop(c);
        t.cleanup().await.expect("cleanup");
    }
}

#[tokio::test]
async fn generated_activity_keeps_its_totals_and_the_seeds_proportions() {
    use amity_store::generate::{GenSpec, generate};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        let spec = GenSpec {
            provinces: 2,
            years: 1,
            per_unit_year: 1,
            activities: true,
            associations: 1,
            records: 0,
            ngos: 0,
            aid_per_unit_year: 0,
        };
        let stats = generate(&t.db, spec, |_, _| {}).await.expect("generate");
        assert!(
            (3 * 20..=3 * 40).contains(&stats.delegations),
            "{backend:?}: {stats:?}"
        );
        assert!(
            (3 * 10..=3 * 40).contains(&stats.events),
            "{backend:?}: {stats:?}"
        );
        let mut c = t.db.conn().await.expect("conn");
        assert_eq!(
            amity_store::check_totals(&mut c).await.expect("verify"),
            vec![],
            "{backend:?}"
        );
        let rows = amity_store::totals::read(&mut c, None, (2000, 1), (2100, 12))
            .await
            .expect("read");
        let (sums, _) = amity_store::totals::summarize(&rows);
        let delegations: i64 = sums
            .iter()
            .filter(|(m, _)| m.starts_with("delegations_"))
            .map(|(_, v)| v)
            .sum();
        assert_eq!(delegations as u64, stats.delegations, "{backend:?}");
        drop(c);
        t.cleanup().await.expect("cleanup");
    }
}

#[tokio::test]
async fn bulk_generated_activity_is_counted_in_the_totals_like_any_other() {
    use amity_store::generate::{GenSpec, generate};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        // 2 provinces and 1 association over 2 years: 6 unit-years of 2,500 records, more than
        // one insert batch each.
        let spec = GenSpec {
            provinces: 2,
            years: 2,
            per_unit_year: 0,
            activities: false,
            associations: 1,
            records: 15_000,
            ngos: 0,
            aid_per_unit_year: 0,
        };
        let stats = generate(&t.db, spec, |_, _| {}).await.expect("generate");
        assert_eq!(stats.bulk, 15_000, "{backend:?}: {stats:?}");
        assert_eq!(stats.delegations + stats.events, 15_000, "{backend:?}");
        let mut c = t.db.conn().await.expect("conn");
        assert_eq!(
            amity_store::check_totals(&mut c).await.expect("verify"),
            vec![],
            "{backend:?}: totals equal the records'"
        );
        let rows = amity_store::totals::read(&mut c, None, (2000, 1), (2100, 12))
            .await
            .expect("read");
        let (sums, _) = amity_store::totals::summarize(&rows);
        let events: i64 = sums
            .iter()
            .filter(|(m, _)| m.starts_with("events:"))
            .map(|(_, v)| v)
            .sum();
        assert_eq!(events as u64, stats.events, "{backend:?}");
        let (entries, _) = audit::list(
            &mut c,
            &Actor::system(),
            &AuditFilter {
                entity_type: Some("generated_activity".into()),
                ..Default::default()
            },
            100,
            0,
        )
        .await
        .expect("audit");
        assert_eq!(
            entries.len(),
            6,
            "{backend:?}: one audit entry per unit and year"
        );
        drop(c);
        t.cleanup().await.expect("cleanup");
    }
}

#[tokio::test]
async fn generated_aid_adds_up_the_same_on_the_dashboard_as_project_by_project() {
    use amity_store::generate::{GenSpec, generate};
    use amity_store::ngo::{self, NgoFilter};
    for backend in BACKENDS {
        let t = TestDb::new(backend).await.expect("test database");
        let spec = GenSpec {
            provinces: 3,
            years: 2,
            per_unit_year: 0,
            activities: false,
            associations: 0,
            records: 0,
            ngos: 6,
            aid_per_unit_year: 3,
        };
        let stats = generate(&t.db, spec, |_, _| {}).await.expect("generate");
        assert_eq!(
            (stats.ngos, stats.permits, stats.aid_projects),
            (6, 6, 18),
            "{backend:?}: {stats:?}"
        );
        assert!(stats.aid_transactions >= 18 * 3, "{backend:?}: {stats:?}");
        let mut c = t.db.conn().await.expect("conn");
        assert_eq!(
            amity_store::check_totals(&mut c).await.expect("verify"),
            vec![],
            "{backend:?}"
        );
        let system = Actor::system();
        let (listed, total) = amity_store::aid::list(
            &mut c,
            &system,
            &amity_store::aid::ProjectFilter::default(),
            1000,
            0,
        )
        .await
        .expect("list");
        assert_eq!(total, 18);

        // Changed projects carry their money with them: to another province, to other funders,
        // closed, into other sectors. The live totals follow and the dashboard below still adds up.
        let units: Vec<i64> = listed
            .iter()
            .map(|l| l.unit_id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for (i, l) in listed.iter().enumerate().take(6) {
            let p = amity_store::aid::get(&mut c, &system, l.id)
                .await
                .expect("project");
            let other = amity_store::aid::get(&mut c, &system, listed[(i + 7) % listed.len()].id)
                .await
                .expect("other")
                .draft();
            let mut draft = p.draft();
            let here = units.iter().position(|u| *u == p.unit.id).expect("unit");
            draft.unit_id = Some(units[(here + 1) % units.len()]);
            draft.organizations = other.organizations;
            draft.sectors = other.sectors;
            if i % 2 == 0 {
                draft.status = Some("closed".into());
            }
            let changed = amity_store::aid::update(&mut c, &system, l.id, &draft)
                .await
                .expect("update");
            assert_eq!(
                (changed.unit.id, changed.transactions.len()),
                (units[(here + 1) % units.len()], p.transactions.len()),
                "{backend:?}"
            );
        }
        assert_eq!(
            amity_store::check_totals(&mut c).await.expect("verify"),
            vec![],
            "{backend:?}: totals follow the changes"
        );
        let (listed, _) = amity_store::aid::list(
            &mut c,
            &system,
            &amity_store::aid::ProjectFilter::default(),
            1000,
            0,
        )
        .await
        .expect("list");
        let this_year = chrono::Datelike::year(&chrono::Utc::now());
        for year in [this_year - 1, this_year] {
            let mut disbursed = amity_store::aid::Sum::default();
            let mut committed = amity_store::aid::Sum::default();
            let mut by_sector: std::collections::BTreeMap<String, rust_decimal::Decimal> =
                Default::default();
            for l in &listed {
                let p = amity_store::aid::get(&mut c, &system, l.id)
                    .await
                    .expect("project");
                for tr in p
                    .transactions
                    .iter()
                    .filter(|tr| chrono::Datelike::year(&tr.date) == year)
                {
                    let sum = match tr.kind {
                        amity_domain::aid::TransactionKind::Disbursement => &mut disbursed,
                        amity_domain::aid::TransactionKind::Commitment => &mut committed,
                        _ => continue,
                    };
                    sum.vnd += tr.amount_vnd;
                    sum.usd += tr.amount_usd;
                    if tr.kind == amity_domain::aid::TransactionKind::Disbursement {
                        for s in &p.sectors {
                            *by_sector.entry(s.key.clone()).or_default() +=
                                tr.amount_vnd * s.percent / rust_decimal::Decimal::ONE_HUNDRED;
                        }
                    }
                }
            }
            let d = amity_store::aid::dashboard(&mut c, &system, None, year)
                .await
                .expect("dashboard");
            assert_eq!(
                (d.disbursed.clone(), d.committed.clone()),
                (disbursed, committed),
                "{backend:?} {year}"
            );
            assert!(
                !d.disbursed.vnd.is_zero(),
                "{backend:?} {year}: money moved"
            );
            let unit_total: rust_decimal::Decimal = d.by_unit.iter().map(|b| b.disbursed.vnd).sum();
            assert_eq!(
                unit_total, d.disbursed.vnd,
                "{backend:?} {year}: the units share the whole"
            );
            for b in &d.by_sector {
                let expected = by_sector[&b.key].round_dp_with_strategy(
                    0,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                );
                assert_eq!(b.disbursed.vnd, expected, "{backend:?} {year} {}", b.key);
            }
            assert!(
                d.by_country.iter().all(|b| !b.key.is_empty()),
                "{backend:?}: every generated funder has its country"
            );
        }

        // The registry's "needs attention" filter, asked in SQL, finds exactly the NGOs whose
        // records show a warning, on any day.
        let today = chrono::Utc::now().date_naive();
        let mut flagged_counts = Vec::new();
        let (first, _) = ngo::list(&mut c, &NgoFilter::default(), 1, 0, today)
            .await
            .expect("ngos");
        let ends = ngo::get(&mut c, first[0].id, today)
            .await
            .expect("ngo")
            .permits[0]
            .valid_to;
        let days = [
            today - chrono::Days::new(400),
            today,
            ends - chrono::Days::new(30),
            today + chrono::Days::new(4000),
        ];
        for day in days {
            let (all, _) = ngo::list(&mut c, &NgoFilter::default(), 1000, 0, day)
                .await
                .expect("ngos");
            let expected: Vec<i64> = all
                .iter()
                .filter(|n| !n.warnings.is_empty())
                .map(|n| n.id)
                .collect();
            let filter = NgoFilter {
                needs_attention: true,
                ..Default::default()
            };
            let (flagged, total) = ngo::list(&mut c, &filter, 1000, 0, day)
                .await
                .expect("flagged");
            assert_eq!(
                (flagged.iter().map(|n| n.id).collect::<Vec<_>>(), total),
                (expected.clone(), expected.len() as i64),
                "{backend:?} {day}"
            );
            let (page, _) = ngo::list(&mut c, &filter, 2, 1, day).await.expect("page");
            assert_eq!(
                page.iter().map(|n| n.id).collect::<Vec<_>>(),
                expected.iter().skip(1).take(2).copied().collect::<Vec<_>>()
            );
            flagged_counts.push(expected.len());
        }
        assert!(
            flagged_counts[2] > 0 && flagged_counts[3] == 6,
            "{backend:?}: an expiring permit, then every permit lapsed: {flagged_counts:?}"
        );
        drop(c);
        t.cleanup().await.expect("cleanup");
    }
}

#[tokio::test]
async fn a_backdated_rename_never_overlaps_a_later_name() {
    on_demo(|db, backend| async move {
        let admin = actor(&db, "admin@demo.amity").await;
        let mut tx = db.begin().await.expect("tx");
        let vufo = org::by_code(&mut tx, "VUFO", d("2026-01-01"))
            .await
            .expect("q")
            .expect("VUFO");
        let unit = org::create(
            &mut tx,
            &admin,
            &new_unit("T-R", "Tên gốc", Some(vufo), "2010-01-01"),
        )
        .await
        .expect("unit");
        let rename = |name: &str, from: &str| UnitPatch {
            name: Some(OrgName::parse(name).expect("name")),
            effective: Some(d(from)),
            ..Default::default()
        };
        org::update(&mut tx, &admin, unit.id, &rename("Tên mới", "2020-01-01"))
            .await
            .expect("rename");
        org::update(&mut tx, &admin, unit.id, &rename("Tên giữa", "2015-01-01"))
            .await
            .expect("backdated rename");
        let names: Vec<(String, NaiveDate, Option<NaiveDate>)> = org::history(&mut tx, unit.id)
            .await
            .expect("history")
            .names
            .into_iter()
            .map(|n| (n.value.name, n.valid_from, n.valid_to))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Tên gốc".to_owned(), d("2010-01-01"), Some(d("2014-12-31"))),
                (
                    "Tên giữa".to_owned(),
                    d("2015-01-01"),
                    Some(d("2019-12-31"))
                ),
                ("Tên mới".to_owned(), d("2020-01-01"), None),
            ],
            "{backend:?}"
        );
        for (date, name) in [
            ("2012-06-01", "Tên gốc"),
            ("2017-06-01", "Tên giữa"),
            ("2024-06-01", "Tên mới"),
        ] {
            assert_eq!(
                org::get(&mut tx, unit.id, d(date))
                    .await
                    .expect("unit")
                    .name,
                name
            );
        }
        // A code change from a date likewise keeps the earlier code before it.
        let recode = UnitPatch {
            code: Some(OrgCode::parse("T-R2").expect("code")),
            effective: Some(d("2018-01-01")),
            ..Default::default()
        };
        org::update(&mut tx, &admin, unit.id, &recode)
            .await
            .expect("recode");
        assert_eq!(
            org::by_code(&mut tx, "T-R", d("2017-12-31"))
                .await
                .expect("q"),
            Some(unit.id)
        );
        assert_eq!(
            org::by_code(&mut tx, "T-R", d("2018-01-01"))
                .await
                .expect("q"),
            None
        );
        assert_eq!(
            org::by_code(&mut tx, "T-R2", d("2018-01-01"))
                .await
                .expect("q"),
            Some(unit.id)
        );
    })
    .await;
}

mod countries {
    use super::*;
    use amity_domain::anniversary::{PartialDate, Precision};
    use amity_domain::country::{CountryCode, PartnershipLevel};
    use amity_store::anniversary::AnniversaryKind;
    use amity_store::country::{self, CountryFilter, CountryPatch, NewLevel};

    fn code(c: &str) -> CountryCode {
        CountryCode::parse(c).expect("code")
    }

    #[tokio::test]
    async fn the_reference_import_keeps_dates_levels_and_sources() {
        on_demo(|db, backend| async move {
            let mut c = db.conn().await.expect("conn");
            let (all, total) =
                country::list(&mut c, &CountryFilter::default(), ("name", false), 500, 0)
                    .await
                    .expect("list");
            assert_eq!(total, 249, "{backend:?}");
            let china = country::get(&mut c, &code("CN")).await.expect("China");
            assert_eq!(china.name_vi, "Trung Quốc");
            assert_eq!(china.relations_date, Some(d("1950-01-18")));
            assert_eq!(china.level, Some(PartnershipLevel::ComprehensiveStrategic));
            assert!(
                china
                    .source
                    .as_deref()
                    .is_some_and(|s| s.starts_with("http"))
            );
            let austria = country::get(&mut c, &code("AT")).await.expect("Austria");
            assert_eq!(
                austria.relations().map(|r| (r.display(), r.precision)),
                Some(("1972".to_owned(), Precision::Year))
            );
            let korea = country::get(&mut c, &code("KR")).await.expect("Korea");
            assert_eq!(korea.relations_date, None, "unknown dates stay empty");
            // Vietnamese order: sorted as the collator sorts, so Đức comes after every D name.
            let names: Vec<&str> = all.iter().map(|c| c.name_vi.as_str()).collect();
            let mut sorted = names.clone();
            sorted.sort_by(|a, b| amity_domain::text::compare(a, b));
            assert_eq!(names, sorted, "{backend:?}");
            assert!(
                names.iter().position(|n| *n == "Đức")
                    > names.iter().position(|n| *n == "Dominica")
            );
            let (hits, _) = country::list(
                &mut c,
                &CountryFilter {
                    q: Some("trung quoc".into()),
                    ..Default::default()
                },
                ("name", false),
                10,
                0,
            )
            .await
            .expect("list");
            // "Đặc khu Hành chính Hồng Kông, Trung Quốc" matches too, and sorts before "Trung Quốc".
            assert_eq!(
                hits.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
                vec!["HK", "MO", "CN"]
            );
            let (special, _) = country::list(
                &mut c,
                &CountryFilter {
                    level: Some(PartnershipLevel::SpecialRelationship),
                    ..Default::default()
                },
                ("code", false),
                10,
                0,
            )
            .await
            .expect("list");
            assert_eq!(
                special.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
                vec!["CU", "KH", "LA"]
            );
            let (dated, _) = country::list(
                &mut c,
                &CountryFilter {
                    has_relations: Some(true),
                    ..Default::default()
                },
                ("relations_date", false),
                1,
                0,
            )
            .await
            .expect("list");
            assert_eq!(
                dated[0].code, "CN",
                "the oldest relation first: China, 18/01/1950"
            );
        })
        .await;
    }

    #[tokio::test]
    async fn anniversaries_include_chinas_75th_and_commemorative_years() {
        on_demo(|db, backend| async move {
            let mut c = db.conn().await.expect("conn");
            let viewer = actor(&db, "viewer@demo.amity").await;
            let items =
                amity_store::anniversary::list(&mut c, &viewer, d("2025-01-01"), d("2025-12-31"))
                    .await
                    .expect("anniversaries");
            let china = items
                .iter()
                .find(|a| a.country_code.as_deref() == Some("CN"))
                .expect("China in 2025");
            assert_eq!(
                (china.date, china.years, china.major),
                (d("2025-01-18"), Some(75), true),
                "{backend:?}"
            );
            assert!(china.title_vi.contains("75 năm") && china.title_vi.contains("Trung Quốc"));
            assert!(
                items.windows(2).all(|w| w[0].date <= w[1].date),
                "in date order"
            );
            let uids: std::collections::BTreeSet<&str> =
                items.iter().map(|a| a.uid.as_str()).collect();
            assert_eq!(uids.len(), items.len(), "one stable uid each");
            let y2022 =
                amity_store::anniversary::list(&mut c, &viewer, d("2022-01-01"), d("2022-12-31"))
                    .await
                    .expect("anniversaries");
            assert!(
                y2022
                    .iter()
                    .any(|a| a.kind == AnniversaryKind::CommemorativeYear
                        && a.title_vi.contains("Lào 2022"))
            );
            let austria = y2022
                .iter()
                .find(|a| a.country_code.as_deref() == Some("AT"))
                .expect("Austria, 1972");
            assert_eq!(
                (austria.years, austria.precision),
                (Some(50), Precision::Year)
            );
        })
        .await;
    }

    #[tokio::test]
    async fn administrators_complete_relations_and_record_upgrades_audited() {
        on_demo(|db, backend| async move {
            let admin = actor(&db, "admin@demo.amity").await;
            let central = actor(&db, "vufo@demo.amity").await;
            let mut tx = db.begin().await.expect("tx");
            let patch = CountryPatch {
                relations: Some(Some(PartialDate::parse("1992-12-22").expect("date"))),
                source: Some(Some("test source".into())),
                ..Default::default()
            };
            assert!(
                matches!(
                    country::update(&mut tx, &central, &code("KR"), &patch).await,
                    Err(Error::Denied(_))
                ),
                "{backend:?}"
            );
            let korea = country::update(&mut tx, &admin, &code("KR"), &patch)
                .await
                .expect("update");
            assert_eq!(korea.relations_date, Some(d("1992-12-22")));
            let upgrade = NewLevel {
                level: PartnershipLevel::ComprehensiveStrategic,
                since: Some(PartialDate::parse("2022-12-05").expect("date")),
                note: None,
                source: Some("test".into()),
            };
            let denmark_before = country::get(&mut tx, &code("DK")).await.expect("DK");
            assert_eq!(denmark_before.level, Some(PartnershipLevel::Comprehensive));
            let denmark = country::add_level(&mut tx, &admin, &code("DK"), &upgrade)
                .await
                .expect("upgrade");
            assert_eq!(
                denmark.level,
                Some(PartnershipLevel::ComprehensiveStrategic)
            );
            assert_eq!(
                country::levels(&mut tx, &denmark)
                    .await
                    .expect("levels")
                    .len(),
                2,
                "the earlier level stays in history"
            );
            tx.commit().await.expect("commit");
            let mut c = db.conn().await.expect("conn");
            let filter = AuditFilter {
                entity_type: Some("country".into()),
                entity_id: Some(denmark.id),
                ..Default::default()
            };
            let (entries, _) = audit::list(&mut c, &admin, &filter, 5, 0)
                .await
                .expect("audit");
            assert_eq!(entries[0].changes["level"]["before"], "comprehensive");
            assert_eq!(
                entries[0].changes["level"]["after"],
                "comprehensive_strategic"
            );
            let mut tx = db.begin().await.expect("tx");
            let err = country::add_commemoration(&mut tx, &admin, "  ", 1800, None, None)
                .await
                .expect_err("invalid");
            assert!(
                matches!(&err, Error::Invalid(i) if i.0.len() == 2),
                "{err:?}"
            );
        })
        .await;
    }
}

mod partners {
    use super::*;
    use amity_domain::country::CountryCode;
    use amity_domain::partner::{PartnerKind, RelationshipCategory, UnitRelation};
    use amity_store::partner::{self, PartnerFilter, PartnerSpec};

    fn mpla() -> PartnerSpec {
        PartnerSpec {
            kind: PartnerKind::PoliticalParty,
            category: Some(RelationshipCategory::TraditionalFriend),
            country: Some(CountryCode::parse("AO").expect("code")),
            name_native: Some("Movimento Popular de Libertação de Angola".into()),
            name_latin: Some("Movimento Popular de Libertação de Angola".into()),
            name_vi: Some("Phong trào Nhân dân Giải phóng Angola".into()),
            acronyms: vec!["MPLA".into()],
            aliases: vec!["Đảng MPLA".into()],
            website: Some("https://mpla.ao".into()),
            address: None,
            note: None,
            founded: Some(
                amity_domain::anniversary::PartialDate::parse("1956-12-10").expect("date"),
            ),
        }
    }

    #[tokio::test]
    async fn partners_are_found_by_alias_and_acronym_and_duplicates_are_caught() {
        on_demo(|db, backend| async move {
            let vufo = actor(&db, "vufo@demo.amity").await;
            let mut tx = db.begin().await.expect("tx");
            // The demo has MPLA already; entering it again is caught.
            let err = partner::create(&mut tx, &vufo, &mpla(), None, false).await.expect_err("duplicate of the demo's MPLA");
            assert!(matches!(&err, Error::Duplicate { candidates, .. } if candidates.len() == 1), "{backend:?}: {err:?}");
            let (found, _) =
                partner::list(&mut tx, &PartnerFilter { q: Some("MPLA".into()), ..Default::default() }, ("name", false), 10, 0)
                    .await
                    .expect("list");
            let created = found[0].clone();
            assert_eq!(created.name, "Đảng Phong trào nhân dân Giải phóng Angola");
            assert_eq!(created.country_code.as_deref(), Some("AO"));
            // Same acronym in the same country, written differently: a duplicate unless confirmed.
            let again = PartnerSpec {
                name_vi: Some("Đảng Phong trào Giải phóng".into()),
                acronyms: vec!["mpla".into()],
                aliases: vec![],
                ..mpla()
            };
            let err = partner::create(&mut tx, &vufo, &again, None, false).await.expect_err("duplicate");
            assert!(
                matches!(&err, Error::Duplicate { candidates, .. } if candidates.len() == 1 && candidates[0]["id"] == created.id),
                "{backend:?}: {err:?}"
            );
            // The same name elsewhere is another organization.
            let elsewhere = PartnerSpec { country: Some(CountryCode::parse("PT").expect("code")), ..mpla() };
            partner::create(&mut tx, &vufo, &elsewhere, None, false).await.expect("another country");
            partner::create(&mut tx, &vufo, &again, None, true).await.expect("confirmed");
            tx.commit().await.expect("commit");
            let mut c = db.conn().await.expect("conn");
            for q in ["mpla", "giai phong angola", "MOVIMENTO POPULAR"] {
                let (hits, _) = search::query(&mut c, &vufo, q, 10, 0).await.expect("search");
                assert!(hits.iter().any(|h| h.entity_type == "partner" && h.entity_id == created.id), "{backend:?} {q}: {hits:?}");
            }
            let filter = PartnerFilter { country: Some(CountryCode::parse("AO").expect("code")), ..Default::default() };
            assert_eq!(partner::list(&mut c, &filter, ("name", false), 10, 0).await.expect("list").1, 2);
            let filter = PartnerFilter { q: Some("phong trao".into()), kind: Some(PartnerKind::PoliticalParty), ..Default::default() };
            let (found, total) = partner::list(&mut c, &filter, ("name", false), 10, 0).await.expect("list");
            assert_eq!(total, 3);
            let names: Vec<&str> = found.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names[0], "Đảng Phong trào Giải phóng", "Vietnamese order puts Đ before P: {names:?}");
        })
        .await;
    }

    #[tokio::test]
    async fn partners_are_kept_by_their_owner_unit_and_linked_per_unit() {
        on_demo(|db, backend| async move {
            let khanhhoa = actor(&db, "khanhhoa@demo.amity").await;
            let quangnam = actor(&db, "quangnam@demo.amity").await;
            let viewer = actor(&db, "viewer@demo.amity").await;
            let mut tx = db.begin().await.expect("tx");
            let sample = PartnerSpec {
                kind: PartnerKind::FriendshipSociety,
                country: Some(CountryCode::parse("FR").expect("code")),
                name_native: Some("Association d'Amitié Franco-Vietnamienne".into()),
                name_vi: Some("Hội hữu nghị Pháp – Việt Nam".into()),
                acronyms: vec!["AAFV".into()],
                ..mpla()
            };
            assert!(
                matches!(
                    partner::create(&mut tx, &viewer, &sample, None, false).await,
                    Err(Error::Denied(_))
                ),
                "{backend:?}"
            );
            let created = partner::create(&mut tx, &khanhhoa, &sample, None, false)
                .await
                .expect("create");
            assert_eq!(Some(created.owner_unit_id), khanhhoa.unit_id);
            let change = PartnerSpec {
                note: Some("ghi chú".into()),
                ..sample.clone()
            };
            assert!(matches!(
                partner::update(&mut tx, &quangnam, created.id, &change).await,
                Err(Error::Denied(_))
            ));
            let updated = partner::update(&mut tx, &khanhhoa, created.id, &change)
                .await
                .expect("owner updates");
            assert_eq!(updated.note.as_deref(), Some("ghi chú"));
            // Quảng Nam links its own unit; it cannot link Khánh Hòa's.
            let qn = quangnam.unit_id.expect("unit");
            let kh = khanhhoa.unit_id.expect("unit");
            assert!(matches!(
                partner::link_unit(
                    &mut tx,
                    &quangnam,
                    created.id,
                    kh,
                    UnitRelation::PartnerOf,
                    (None, None),
                    None
                )
                .await,
                Err(Error::Denied(_))
            ));
            let links = partner::link_unit(
                &mut tx,
                &quangnam,
                created.id,
                qn,
                UnitRelation::CounterpartOf,
                (Some(d("2023-01-01")), Some(d("2024-12-31"))),
                None,
            )
            .await
            .expect("link");
            assert_eq!(links.len(), 1);
            assert!(matches!(
                partner::link_unit(
                    &mut tx,
                    &quangnam,
                    created.id,
                    qn,
                    UnitRelation::PartnerOf,
                    (Some(d("2024-01-01")), Some(d("2023-01-01"))),
                    None
                )
                .await,
                Err(Error::Invalid(_))
            ));
            tx.commit().await.expect("commit");
            let mut c = db.conn().await.expect("conn");
            let (by_unit, _) = partner::list(
                &mut c,
                &PartnerFilter {
                    unit_id: Some(qn),
                    ..Default::default()
                },
                ("name", false),
                10,
                0,
            )
            .await
            .expect("list");
            assert_eq!(
                by_unit.iter().map(|p| p.id).collect::<Vec<_>>(),
                vec![created.id]
            );
            let filter = AuditFilter {
                entity_type: Some("partner".into()),
                entity_id: Some(created.id),
                oldest_first: true,
                ..Default::default()
            };
            let (entries, _) = audit::list(&mut c, &Actor::system(), &filter, 10, 0)
                .await
                .expect("audit");
            let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
            assert_eq!(actions, vec!["create", "update", "update"], "{backend:?}");
        })
        .await;
    }
}

mod partner_merge {
    use super::*;
    use amity_domain::country::CountryCode;
    use amity_domain::partner::{PartnerKind, UnitRelation};
    use amity_store::partner::{self, PartnerFilter, PartnerSpec};

    #[tokio::test]
    async fn merging_moves_links_keeps_names_and_points_to_the_survivor() {
        on_demo(|db, backend| async move {
            let admin = actor(&db, "admin@demo.amity").await;
            let quangnam = actor(&db, "quangnam@demo.amity").await;
            let mut tx = db.begin().await.expect("tx");
            let (found, _) = partner::list(&mut tx, &PartnerFilter { q: Some("ANC".into()), ..Default::default() }, ("name", false), 5, 0)
                .await
                .expect("list");
            let anc = found[0].clone();
            let copy = PartnerSpec {
                kind: PartnerKind::PoliticalParty,
                category: None,
                country: Some(CountryCode::parse("ZA").expect("code")),
                name_native: None,
                name_latin: Some("ANC South Africa".into()),
                name_vi: Some("Đại hội Dân tộc Phi Nam Phi".into()),
                acronyms: vec!["ANC".into()],
                aliases: vec![],
                website: None,
                address: None,
                note: None,
                founded: None,
            };
            let dup = partner::create(&mut tx, &admin, &copy, None, true).await.expect("a duplicate entered on purpose");
            let qn = quangnam.unit_id.expect("unit");
            partner::link_unit(&mut tx, &admin, dup.id, qn, UnitRelation::PartnerOf, (None, None), None).await.expect("link");
            assert!(
                matches!(partner::merge(&mut tx, &admin, dup.id, dup.id).await, Err(Error::Invalid(i)) if i.0[0].field == "into"),
                "{backend:?}"
            );
            assert!(
                matches!(partner::merge(&mut tx, &quangnam, dup.id, anc.id).await, Err(Error::Denied(_))),
                "kept by VUFO and the admin"
            );
            let survivor = partner::merge(&mut tx, &admin, dup.id, anc.id).await.expect("merge");
            assert!(
                survivor.aliases.iter().any(|a| a == "ANC South Africa")
                    && survivor.aliases.iter().any(|a| a == "Đại hội Dân tộc Phi Nam Phi"),
                "{:?}",
                survivor.aliases
            );
            assert_eq!(partner::unit_links(&mut tx, anc.id).await.expect("links").len(), 1, "the link moved");
            assert_eq!(
                partner::get(&mut tx, dup.id).await.expect("old id").merged_into_id,
                Some(anc.id),
                "the old id points to the survivor"
            );
            assert!(matches!(partner::merge(&mut tx, &admin, dup.id, anc.id).await, Err(Error::Conflict { .. })));
            tx.commit().await.expect("commit");
            let mut c = db.conn().await.expect("conn");
            assert_eq!(
                amity_store::check_totals(&mut c).await.expect("verify"),
                vec![],
                "{backend:?}: a merged partner no longer counts as new"
            );
            drop(c);
            let mut c = db.conn().await.expect("conn");
            let (hits, _) = search::query(&mut c, &admin, "anc south africa", 10, 0).await.expect("search");
            assert_eq!(
                hits.iter().filter(|h| h.entity_type == "partner").map(|h| h.entity_id).collect::<Vec<_>>(),
                vec![anc.id],
                "search finds only the survivor"
            );
            let (_, listed) = partner::list(
                &mut c,
                &PartnerFilter { country: CountryCode::parse("ZA").ok(), ..Default::default() },
                ("name", false),
                10,
                0,
            )
            .await
            .expect("list");
            assert_eq!(listed, 1, "merged partners leave the list");
            let filter = AuditFilter { entity_type: Some("partner".into()), entity_id: Some(dup.id), ..Default::default() };
            let (entries, _) = audit::list(&mut c, &admin, &filter, 5, 0).await.expect("audit");
            assert_eq!(entries[0].action, "merge");
            assert_eq!(entries[0].changes["merged_into_id"]["after"], anc.id);
        })
        .await;
    }
}

mod people {
    use super::*;
    use amity_domain::country::CountryCode;
    use amity_domain::partner::Gender;
    use amity_domain::person::PersonSpec;
    use amity_store::partner::{self, PartnerFilter};
    use amity_store::person::{self, Organization};

    #[tokio::test]
    async fn positions_are_dated_contacts_stay_in_scope_and_follow_a_partner_merge() {
        on_demo(|db, backend| async move {
            let khanhhoa = actor(&db, "khanhhoa@demo.amity").await;
            let quangnam = actor(&db, "quangnam@demo.amity").await;
            let admin = actor(&db, "admin@demo.amity").await;
            let mut tx = db.begin().await.expect("tx");
            let (found, _) = partner::list(&mut tx, &PartnerFilter { q: Some("MPLA".into()), ..Default::default() }, ("name", false), 1, 0).await.expect("list");
            let mpla = found[0].id;
            let input = PersonSpec {
                name: "João Lourenço".into(),
                name_latin: Some("Joao Lourenco".into()),
                honorific: Some("Ngài".into()),
                gender: Some(Gender::Male),
                nationality: Some(CountryCode::parse("AO").expect("code")),
                email: Some("contact@example.ao".into()),
                phone: None,
                note: None,
            };
            assert!(matches!(person::create(&mut tx, &khanhhoa, &PersonSpec { name: " ".into(), ..input.clone() }, None).await, Err(Error::Invalid(i)) if i.0[0].field == "name"));
            let p = person::create(&mut tx, &khanhhoa, &input, None).await.expect("create");
            person::add_position(&mut tx, &khanhhoa, p.id, "Chủ tịch", &Organization::Partner(mpla), (Some(d("2017-09-01")), None)).await.expect("position");
            let positions = person::add_position(&mut tx, &khanhhoa, p.id, "Bộ trưởng Quốc phòng", &Organization::Named("Chính phủ Angola".into()), (Some(d("2014-10-01")), Some(d("2017-09-25"))))
                .await
                .expect("position");
            assert_eq!(positions.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), vec!["Bộ trưởng Quốc phòng", "Chủ tịch"], "{backend:?}: oldest first");
            assert!(matches!(
                person::add_position(&mut tx, &quangnam, p.id, "X", &Organization::Named("Y".into()), (None, None)).await,
                Err(Error::Denied(_))
            ), "only the owner unit records positions");
            tx.commit().await.expect("commit");
            let mut c = db.conn().await.expect("conn");
            let seen_by_owner = person::get(&mut c, &khanhhoa, p.id).await.expect("get");
            assert_eq!(seen_by_owner.email.as_deref(), Some("contact@example.ao"));
            let seen_elsewhere = person::get(&mut c, &quangnam, p.id).await.expect("get");
            assert_eq!((seen_elsewhere.email, seen_elsewhere.contact_hidden), (None, true), "contact details stay within scope");
            let (hits, _) = search::query(&mut c, &quangnam, "joao lourenco", 5, 0).await.expect("search");
            assert!(hits.iter().any(|h| h.entity_type == "person" && h.entity_id == p.id));
            let at = person::at_partner(&mut c, &admin, mpla).await.expect("people at MPLA");
            assert_eq!(at.len(), 1);
            drop(c);
            // A duplicate of MPLA merged into it brings its people along.
            let mut tx = db.begin().await.expect("tx");
            let copy = amity_store::partner::PartnerSpec {
                kind: amity_domain::partner::PartnerKind::PoliticalParty,
                category: None,
                country: Some(CountryCode::parse("AO").expect("code")),
                name_native: None,
                name_latin: None,
                name_vi: Some("MPLA Angola".into()),
                acronyms: vec![],
                aliases: vec![],
                website: None,
                address: None,
                note: None,
                founded: None,
            };
            let dup = partner::create(&mut tx, &admin, &copy, None, true).await.expect("duplicate");
            let q = person::create(&mut tx, &admin, &PersonSpec { name: "Người thử".into(), ..Default::default() }, None).await.expect("person");
            person::add_position(&mut tx, &admin, q.id, "Ủy viên", &Organization::Partner(dup.id), (None, None)).await.expect("position");
            partner::merge(&mut tx, &admin, dup.id, mpla).await.expect("merge");
            assert_eq!(person::at_partner(&mut tx, &admin, mpla).await.expect("people").len(), 2, "{backend:?}: the merged partner's people moved");
            tx.commit().await.expect("commit");
        })
        .await;
    }
}

mod agreements {
    use super::*;
    use amity_domain::partner::{AgreementStatus, TaskStatus};
    use amity_store::agreement::{self, AgreementFilter, AgreementSpec};
    use amity_store::partner::{self, PartnerFilter};
    use amity_store::totals;

    fn by_partner(partner: i64) -> AgreementFilter {
        AgreementFilter {
            partner: Some(partner),
            ..Default::default()
        }
    }

    fn input(partner: i64, to: &str) -> AgreementSpec {
        AgreementSpec {
            title: "Thỏa thuận hợp tác thử".into(),
            number: Some("01/TTHT".into()),
            signed_on: Some(d("2024-03-01")),
            signed_place: Some("Nha Trang".into()),
            valid_from: Some(d("2024-03-01")),
            valid_to: Some(d(to)),
            status: AgreementStatus::InForce,
            note: None,
            partners: vec![partner],
            units: vec![],
            named_parties: vec![],
        }
    }

    #[tokio::test]
    async fn agreements_are_kept_by_their_unit_with_yearly_tasks_and_reminders() {
        on_demo(|db, backend| async move {
            let khanhhoa = actor(&db, "khanhhoa@demo.amity").await;
            let quangnam = actor(&db, "quangnam@demo.amity").await;
            let vufo = actor(&db, "vufo@demo.amity").await;
            let mut tx = db.begin().await.expect("tx");
            let (found, _) = partner::list(&mut tx, &PartnerFilter { q: Some("ANC".into()), ..Default::default() }, ("name", false), 1, 0)
                .await
                .expect("list");
            let anc = found[0].id;
            let today = chrono::Utc::now().date_naive();
            let soon = today.checked_add_days(chrono::Days::new(30)).expect("date").to_string();
            let a = agreement::create(&mut tx, &khanhhoa, &input(anc, &soon), None).await.expect("create");
            let kh = khanhhoa.unit_id.expect("unit");
            let year = chrono::Datelike::year(&today);
            let a = agreement::add_task(&mut tx, &khanhhoa, a.id, year, "Trao đổi đoàn", kh, TaskStatus::Planned).await.expect("task");
            assert_eq!(a.tasks.len(), 1, "{backend:?}");
            // Quảng Nam neither sees nor changes Khánh Hòa's agreement.
            assert!(matches!(agreement::get(&mut tx, &quangnam, a.id).await, Err(Error::NotFound(_))));
            assert!(matches!(
                agreement::add_task(&mut tx, &quangnam, a.id, year, "X", kh, TaskStatus::Planned).await,
                Err(Error::NotFound(_))
            ));
            let bad = AgreementSpec { valid_to: Some(d("2020-01-01")), ..input(anc, &soon) };
            assert!(
                matches!(agreement::create(&mut tx, &khanhhoa, &bad, None).await, Err(Error::Invalid(i)) if i.0[0].field == "valid_to")
            );
            let reminders = agreement::reminders(&mut tx, &khanhhoa, today).await.expect("reminders");
            assert_eq!(reminders.expiring.iter().map(|x| x.id).collect::<Vec<_>>(), vec![a.id], "ends within 90 days");
            assert_eq!(reminders.tasks_without_evidence.iter().filter(|(id, ..)| *id == a.id).count(), 1);
            let task = a.tasks[0].id;
            let a = agreement::update_task(&mut tx, &khanhhoa, a.id, task, TaskStatus::Done, Some("Đoàn vào tháng 5".into()))
                .await
                .expect("done");
            assert_eq!(a.tasks[0].status.0, TaskStatus::Done);
            let left = agreement::reminders(&mut tx, &khanhhoa, today).await.expect("reminders").tasks_without_evidence;
            assert!(!left.iter().any(|(id, ..)| *id == a.id), "the task with its evidence is no longer a reminder");
            tx.commit().await.expect("commit");
            let mut c = db.conn().await.expect("conn");
            let (central, _) = agreement::list(&mut c, &vufo, &by_partner(anc), 10, 0).await.expect("list");
            assert_eq!(central.len(), 1, "central staff read every unit's agreements");
            let (theirs, total) = agreement::list(&mut c, &quangnam, &Default::default(), 10, 0).await.expect("list");
            assert!(theirs.is_empty() && total == 0, "{backend:?}: none in Quảng Nam's scope");
            // The demo's agreement with the Lao Front, with its 2024 task.
            let (lao, _) =
                partner::list(&mut c, &PartnerFilter { q: Some("Mặt trận Lào".into()), ..Default::default() }, ("name", false), 1, 0)
                    .await
                    .expect("list");
            let (with_lao, _) = agreement::list(&mut c, &vufo, &by_partner(lao[0].id), 10, 0).await.expect("list");
            assert_eq!(with_lao.len(), 1);
            assert_eq!(with_lao[0].tasks[0].year, 2024);
        })
        .await;
    }

    #[tokio::test]
    async fn agreements_in_force_are_counted_at_a_months_end_as_the_list_finds_them() {
        on_demo(|db, backend| async move {
            let khanhhoa = actor(&db, "khanhhoa@demo.amity").await;
            let mut tx = db.begin().await.expect("tx");
            let (found, _) = partner::list(
                &mut tx,
                &PartnerFilter {
                    q: Some("ANC".into()),
                    ..Default::default()
                },
                ("name", false),
                1,
                0,
            )
            .await
            .expect("partners");
            let anc = found[0].id;
            let months = [(2022, 12), (2023, 6), (2023, 7), (2023, 12), (2024, 12)];
            let unit = org::by_code(&mut tx, "56", d("2025-07-01"))
                .await
                .expect("by code")
                .expect("Khánh Hòa");
            let stock = |rows: Vec<totals::Total>| {
                rows.iter()
                    .filter(|t| t.metric == "agreements_in_force")
                    .map(|t| t.value)
                    .sum::<i64>()
            };
            let mut before = Vec::new();
            for at in months {
                before.push(stock(
                    totals::stocks_by_unit(&mut tx, Some(&[unit]), at)
                        .await
                        .expect("stocks"),
                ));
            }
            let make = |status, from: Option<&str>, to: Option<&str>, signed: Option<&str>| {
                AgreementSpec {
                    status,
                    valid_from: from.map(d),
                    valid_to: to.map(d),
                    signed_on: signed.map(d),
                    ..input(anc, "2030-01-01")
                }
            };
            // Ends within June 2023; starts in July 2023 with no end; ran by its dates to the last
            // day of 2023; starts on its signing; a draft and a terminated one are never counted.
            let cases = [
                make(
                    AgreementStatus::InForce,
                    Some("2021-01-01"),
                    Some("2023-06-30"),
                    None,
                ),
                make(AgreementStatus::Signed, Some("2023-07-15"), None, None),
                make(
                    AgreementStatus::Expired,
                    Some("2019-01-01"),
                    Some("2023-12-31"),
                    None,
                ),
                make(
                    AgreementStatus::InForce,
                    None,
                    Some("2024-06-30"),
                    Some("2023-07-01"),
                ),
                make(AgreementStatus::Draft, Some("2022-01-01"), None, None),
                make(
                    AgreementStatus::Terminated,
                    Some("2020-01-01"),
                    Some("2030-12-31"),
                    None,
                ),
            ];
            let mut ids = Vec::new();
            for c in &cases {
                ids.push(
                    agreement::create(&mut tx, &khanhhoa, c, None)
                        .await
                        .expect("agreement")
                        .id,
                );
            }
            // At the end of: Dec 2022 (1st, 3rd), Jun 2023 (1st, 3rd), Jul 2023 (2nd, 3rd, 4th),
            // Dec 2023 (2nd, 3rd, 4th), Dec 2024 (2nd).
            let added = [2, 2, 3, 3, 1];
            for (i, at) in months.iter().enumerate() {
                let now = stock(
                    totals::stocks_by_unit(&mut tx, Some(&[unit]), *at)
                        .await
                        .expect("stocks"),
                );
                assert_eq!(
                    now - before[i],
                    added[i],
                    "{backend:?}: in force at the end of {at:?}"
                );
                let last_day = NaiveDate::from_ymd_opt(at.0, at.1, 1)
                    .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
                    .and_then(|d| d.pred_opt())
                    .expect("day");
                let filter = AgreementFilter {
                    units: Some([unit].into()),
                    in_force_on: Some(last_day),
                    ..Default::default()
                };
                let (_, listed) = agreement::list(&mut tx, &khanhhoa, &filter, 100, 0)
                    .await
                    .expect("list");
                assert_eq!(
                    listed, now,
                    "{backend:?}: the list on {last_day} holds what the stock counts"
                );
            }
            // Terminating the open-ended one takes it out of every month; the totals still equal
            // the records'.
            let open = agreement::get(&mut tx, &khanhhoa, ids[1])
                .await
                .expect("get");
            let mut terminated = make(AgreementStatus::Terminated, Some("2023-07-15"), None, None);
            terminated.partners = open
                .parties
                .iter()
                .filter_map(|p| p.partner.as_ref().map(|r| r.id))
                .collect();
            agreement::update(&mut tx, &khanhhoa, ids[1], &terminated)
                .await
                .expect("terminate");
            let now = stock(
                totals::stocks_by_unit(&mut tx, Some(&[unit]), (2024, 12))
                    .await
                    .expect("stocks"),
            );
            assert_eq!(now, before[4], "{backend:?}");
            assert_eq!(
                amity_store::check_totals(&mut tx).await.expect("verify"),
                vec![],
                "{backend:?}"
            );
            let windowed = totals::read(&mut tx, Some(&[unit]), (2019, 1), (2030, 12))
                .await
                .expect("read");
            assert!(
                windowed.iter().all(|t| t.metric != "agreements_in_force"),
                "the windowed reads leave stocks out"
            );
            tx.commit().await.expect("commit");
        })
        .await;
    }
}

mod activities {
    use super::*;
    use amity_domain::activity::{Channel, DelegationState, Direction, EventType, MemberRole};
    use amity_domain::country::CountryCode;
    use amity_domain::delegation::{DelegationSpec, Leg, Member, Who};
    use amity_domain::event::EventSpec;
    use amity_domain::person::PersonSpec;
    use amity_store::delegation;
    use amity_store::event;
    use amity_store::person;
    use amity_store::totals;

    fn trip(head: i64) -> DelegationSpec {
        DelegationSpec {
            direction: Direction::Outbound,
            title: "Đoàn thăm Campuchia".into(),
            purpose: None,
            start_on: d("2026-02-01"),
            end_on: d("2026-02-05"),
            funding_source: None,
            budget: None,
            expected_outcomes: None,
            actual_outcomes: None,
            report: None,
            members: vec![Member {
                who: Who::Person(head),
                role: MemberRole::Head,
            }],
            legs: vec![Leg {
                country: CountryCode::parse("KH").expect("code"),
                city: Some("Phnôm Pênh".into()),
                from_on: d("2026-02-01"),
                to_on: d("2026-02-05"),
            }],
            partners: vec![],
            tasks: vec![],
        }
    }

    fn festival() -> EventSpec {
        EventSpec {
            event_type: EventType::CulturalExchange,
            channel: Channel::InPerson,
            connected_sites: None,
            title: "Liên hoan văn hóa".into(),
            start_on: d("2026-02-10"),
            end_on: d("2026-02-11"),
            place_country: Some(CountryCode::parse("VN").expect("code")),
            place: Some("Nha Trang".into()),
            participants: 300,
            foreign_participants: 40,
            description: None,
            results: None,
            co_organizers: vec![],
            partners: vec![],
            countries: vec![
                CountryCode::parse("KH").expect("code"),
                CountryCode::parse("LA").expect("code"),
            ],
            tasks: vec![],
        }
    }

    #[tokio::test]
    async fn totals_follow_every_write_and_the_check_finds_tampering() {
        on_demo(|db, backend| async move {
            let kh = actor(&db, "khanhhoa@demo.amity").await;
            let central = actor(&db, "vufo@demo.amity").await;
            let mut c = db.conn().await.expect("conn");
            assert_eq!(amity_store::check_totals(&mut c).await.expect("verify"), vec![], "{backend:?}: the demo's totals match its records");
            drop(c);
            let mut tx = db.begin().await.expect("tx");
            let head = person::create(&mut tx, &kh, &PersonSpec { name: "Lê Văn Trưởng Đoàn".into(), ..Default::default() }, None)
                .await
                .expect("person");
            let d1 = delegation::create(&mut tx, &kh, &trip(head.id), None).await.expect("delegation");
            delegation::transition(&mut tx, &kh, d1.id, DelegationState::Submitted, None).await.expect("submit");
            delegation::transition(&mut tx, &central, d1.id, DelegationState::Approved, Some("OK")).await.expect("approve");
            let e1 = event::create(&mut tx, &kh, &festival(), None).await.expect("event");
            event::update(&mut tx, &kh, e1.id, &EventSpec { participants: 350, ..festival() }).await.expect("update");
            tx.commit().await.expect("commit");

            // A write that fails part-way leaves neither the record nor its totals behind.
            let mut tx = db.begin().await.expect("tx");
            let broken = DelegationSpec { partners: vec![999_999], ..trip(head.id) };
            assert!(matches!(delegation::create(&mut tx, &kh, &broken, None).await, Err(Error::Invalid(_))));
            drop(tx);

            let mut c = db.conn().await.expect("conn");
            assert_eq!(amity_store::check_totals(&mut c).await.expect("verify"), vec![], "{backend:?}");
            let unit = kh.unit_id.expect("unit");
            let rows = totals::read(&mut c, Some(&[unit]), (2026, 2), (2026, 2)).await.expect("read");
            let (sums, countries) = totals::summarize(&rows);
            assert_eq!(sums.get("delegations_out:approved"), Some(&1));
            assert_eq!(sums.get("delegations_out:draft"), None, "moved out of draft");
            assert_eq!((sums.get("participants"), sums.get("foreign_participants")), (Some(&350), Some(&40)));
            assert_eq!(countries, 2, "Cambodia (the trip and the festival) and Laos");
            let (listed, _) = delegation::list(&mut c, &kh, &Default::default(), ("start_on", true), 50, 0).await.expect("list");
            assert_eq!(listed.iter().filter(|d| d.title == "Đoàn thăm Campuchia").count(), 1, "the failed create left nothing");
            c.execute_raw("UPDATE activity_totals SET value = value + 1 WHERE metric = 'participants' AND value = 350")
                .await
                .expect("tamper");
            let found = amity_store::check_totals(&mut c).await.expect("verify");
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!((found[0].stored, found[0].computed), (351, 350));
        })
        .await;
    }
}

mod ngos {
    use super::*;
    use amity_domain::country::CountryCode;
    use amity_domain::ngo::{PermitChange, PermitDraft, PermitStanding, PermitState};
    use amity_domain::partner::{PartnerKind, Vocabulary};
    use amity_store::ngo::{self, NgoFilter, Warning};
    use amity_store::partner::{self, PartnerSpec};

    fn permit(provinces: Vec<i64>, valid_to: NaiveDate) -> PermitDraft {
        PermitDraft {
            kind: Some("operation_registration".into()),
            number: Some("215/GĐK-UBCTPCP".into()),
            issuer: Some("Ủy ban Công tác về các tổ chức phi chính phủ nước ngoài".into()),
            issued_on: Some(d("2024-01-15")),
            valid_from: Some(d("2024-01-15")),
            valid_to: Some(valid_to),
            provinces,
            sectors: vec!["11220".into(), "12220".into()],
            note: None,
        }
    }

    #[tokio::test]
    async fn ngo_permits_cover_provinces_expire_and_keep_their_history() {
        on_demo(|db, backend| async move {
            let vufo = actor(&db, "vufo@demo.amity").await;
            let khanhhoa = actor(&db, "khanhhoa@demo.amity").await;
            let today = d("2026-11-23");
            let mut tx = db.begin().await.expect("tx");
            let input = PartnerSpec {
                kind: PartnerKind::Ngo,
                category: None,
                country: Some(CountryCode::parse("JP").expect("code")),
                name_native: None,
                name_latin: Some("Friendship Schools Foundation".into()),
                name_vi: Some("Quỹ Trường học Hữu nghị".into()),
                acronyms: vec!["FSF".into()],
                aliases: vec![],
                website: None,
                address: None,
                note: None,
                founded: None,
            };
            let fsf = partner::create(&mut tx, &vufo, &input, None, true)
                .await
                .expect("partner")
                .id;
            let kh = org::by_code(&mut tx, "56", d("2025-07-01"))
                .await
                .expect("by code")
                .expect("Khánh Hòa");
            let gl = org::by_code(&mut tx, "52", d("2025-07-01"))
                .await
                .expect("by code")
                .expect("Gia Lai");
            let vufo_unit = org::by_code(&mut tx, "VUFO", d("2025-07-01"))
                .await
                .expect("by code")
                .expect("VUFO");

            // Refused: not central staff; a province that is not a provincial union; an unknown
            // sector; dates out of order. Nothing is written.
            let audit_before =
                audit::list(&mut tx, &Actor::system(), &AuditFilter::default(), 1, 0)
                    .await
                    .expect("audit")
                    .1;
            assert!(
                matches!(
                    ngo::set_work(&mut tx, &khanhhoa, fsf, &[], &[kh], today).await,
                    Err(Error::Denied(_))
                ),
                "{backend:?}"
            );
            let bad =
                ngo::set_work(&mut tx, &vufo, fsf, &["11220".into()], &[vufo_unit], today).await;
            assert!(
                matches!(&bad, Err(Error::Invalid(i)) if i.0[0].field == "provinces"),
                "{backend:?}: {bad:?}"
            );
            let bad = ngo::set_work(&mut tx, &vufo, fsf, &["99999".into()], &[kh], today).await;
            assert!(
                matches!(&bad, Err(Error::Invalid(i)) if i.0[0].field == "sectors"),
                "{backend:?}: {bad:?}"
            );
            let reversed = PermitDraft {
                valid_from: Some(d("2030-01-01")),
                ..permit(vec![kh], d("2029-01-01"))
            };
            let bad = ngo::add_permit(&mut tx, &vufo, fsf, &reversed, today).await;
            assert!(
                matches!(&bad, Err(Error::Invalid(i)) if i.0.iter().any(|e| e.field == "valid_to")),
                "{backend:?}: {bad:?}"
            );
            assert_eq!(
                audit::list(&mut tx, &Actor::system(), &AuditFilter::default(), 1, 0)
                    .await
                    .expect("audit")
                    .1,
                audit_before
            );

            // It works in Khánh Hòa and Gia Lai; its permit covers Khánh Hòa and ends in 30 days.
            ngo::set_work(&mut tx, &vufo, fsf, &["11220".into()], &[kh, gl], today)
                .await
                .expect("work");
            let p = ngo::add_permit(
                &mut tx,
                &vufo,
                fsf,
                &permit(vec![kh], d("2026-12-23")),
                today,
            )
            .await
            .expect("permit");
            assert_eq!((p.state, p.history.len()), (PermitState::Expiring, 1));
            let n = ngo::get(&mut tx, fsf, today).await.expect("ngo");
            assert_eq!(
                n.warnings,
                vec![
                    Warning::Expiring {
                        permit_id: p.id,
                        number: p.number.clone(),
                        valid_to: d("2026-12-23")
                    },
                    Warning::Uncovered {
                        unit_id: gl,
                        unit_name: n
                            .provinces
                            .iter()
                            .find(|u| u.id == gl)
                            .expect("Gia Lai")
                            .name
                            .clone()
                    },
                ],
                "{backend:?}"
            );

            // Extended to 2029 and amended to cover Gia Lai: nothing left to warn about.
            let short = PermitDraft {
                valid_to: Some(d("2026-12-01")),
                ..Default::default()
            };
            let bad =
                ngo::change_permit(&mut tx, &vufo, p.id, PermitChange::Extended, &short, today)
                    .await;
            assert!(
                matches!(&bad, Err(Error::Invalid(i)) if i.0[0].field == "valid_to"),
                "an extension ends later: {bad:?}"
            );
            let longer = PermitDraft {
                valid_to: Some(d("2029-01-14")),
                ..Default::default()
            };
            ngo::change_permit(&mut tx, &vufo, p.id, PermitChange::Extended, &longer, today)
                .await
                .expect("extend");
            let wider = PermitDraft {
                provinces: vec![kh, gl],
                ..Default::default()
            };
            let p = ngo::change_permit(&mut tx, &vufo, p.id, PermitChange::Amended, &wider, today)
                .await
                .expect("amend");
            assert_eq!(
                (p.state, p.provinces.len(), p.valid_to),
                (PermitState::Valid, 2, d("2029-01-14"))
            );
            assert!(
                ngo::get(&mut tx, fsf, today)
                    .await
                    .expect("ngo")
                    .warnings
                    .is_empty(),
                "{backend:?}"
            );

            // Suspended (with its reason): both provinces are uncovered; revoked is final.
            let bad = ngo::change_permit(
                &mut tx,
                &vufo,
                p.id,
                PermitChange::Suspended,
                &PermitDraft::default(),
                today,
            )
            .await;
            assert!(
                matches!(&bad, Err(Error::Invalid(i)) if i.0[0].field == "note"),
                "{bad:?}"
            );
            let why = PermitDraft {
                note: Some("Không báo cáo hoạt động năm 2025".into()),
                ..Default::default()
            };
            let p = ngo::change_permit(&mut tx, &vufo, p.id, PermitChange::Suspended, &why, today)
                .await
                .expect("suspend");
            assert_eq!(p.standing, PermitStanding::Suspended);
            let n = ngo::get(&mut tx, fsf, today).await.expect("ngo");
            assert_eq!(
                n.warnings
                    .iter()
                    .filter(|w| matches!(w, Warning::Uncovered { .. }))
                    .count(),
                2,
                "{backend:?}"
            );
            let p = ngo::change_permit(&mut tx, &vufo, p.id, PermitChange::Revoked, &why, today)
                .await
                .expect("revoke");
            let bad =
                ngo::change_permit(&mut tx, &vufo, p.id, PermitChange::Extended, &longer, today)
                    .await;
            assert!(matches!(bad, Err(Error::Conflict { .. })), "{backend:?}");
            let p = ngo::permit(&mut tx, p.id, today).await.expect("permit");
            let steps: Vec<&str> = p.history.iter().map(|s| s.change.as_str()).collect();
            assert_eq!(
                steps,
                ["issued", "extended", "amended", "suspended", "revoked"]
            );
            let (listed, total) = ngo::list(
                &mut tx,
                &NgoFilter {
                    province: Some(gl),
                    needs_attention: true,
                    ..Default::default()
                },
                10,
                0,
                today,
            )
            .await
            .expect("list");
            assert_eq!((total, listed[0].id), (1, fsf), "{backend:?}");
            let (_, none) = ngo::list(
                &mut tx,
                &NgoFilter {
                    sector: Some("15150".into()),
                    ..Default::default()
                },
                10,
                0,
                today,
            )
            .await
            .expect("list");
            assert_eq!(none, 0);
            let mpla = partner::list(
                &mut tx,
                &partner::PartnerFilter {
                    q: Some("MPLA".into()),
                    ..Default::default()
                },
                ("name", false),
                1,
                0,
            )
            .await
            .expect("partners")
            .0[0]
                .id;
            assert!(
                matches!(
                    ngo::get(&mut tx, mpla, today).await,
                    Err(Error::NotFound(_))
                ),
                "a party is not an NGO"
            );
            tx.commit().await.expect("commit");
        })
        .await;
    }
}

mod aid {
    use super::*;
    use amity_domain::aid::{OrgRole, ProjectDraft, ProjectOrg, Share, TransactionDraft};
    use amity_domain::country::CountryCode;
    use amity_domain::partner::PartnerKind;
    use amity_store::aid;
    use amity_store::partner::{self, PartnerSpec};
    use rust_decimal::Decimal;
    use std::str::FromStr;

    /// The shipped default rates, read here on their own: (currency, from, đồng per unit).
    fn default_rates() -> Vec<(String, NaiveDate, Decimal)> {
        include_str!("../src/migrations/m014_exchange_rates.csv")
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (
                    f[0].to_owned(),
                    d(f[1]),
                    Decimal::from_str(f[2]).expect("rate"),
                )
            })
            .collect()
    }

    #[tokio::test]
    async fn thousands_of_transactions_in_six_currencies_sum_to_the_last_dong() {
        on_demo(|db, backend| async move {
            let vufo = actor(&db, "vufo@demo.amity").await;
            let mut tx = db.begin().await.expect("tx");
            let ngo_input = PartnerSpec {
                kind: PartnerKind::Ngo,
                category: None,
                country: Some(CountryCode::parse("AU").expect("code")),
                name_native: None,
                name_latin: Some("Clean Water Friends".into()),
                name_vi: Some("Tổ chức Bạn của Nước sạch".into()),
                acronyms: vec![],
                aliases: vec![],
                website: None,
                address: None,
                note: None,
                founded: None,
            };
            let ngo = partner::create(&mut tx, &vufo, &ngo_input, None, true).await.expect("ngo").id;
            let kh = org::by_code(&mut tx, "56", d("2025-07-01")).await.expect("code").expect("Khánh Hòa");
            let project = ProjectDraft {
                code: Some("CWF-KH-2015".into()),
                title_vi: Some("Nước sạch cho trường học".into()),
                status: Some("implementation".into()),
                planned_start: Some(d("2015-01-01")),
                planned_end: Some(d("2026-12-31")),
                organizations: vec![ProjectOrg { partner_id: ngo, role: OrgRole::Funding }],
                sectors: vec![
                    Share { key: "14030".into(), percent: Decimal::new(6667, 2) },
                    Share { key: "11220".into(), percent: Decimal::new(3333, 2) },
                ],
                provinces: vec![Share { key: kh, percent: Decimal::ONE_HUNDRED }],
                unit_id: Some(kh),
                ..Default::default()
            };
            let audit_before = audit::list(&mut tx, &Actor::system(), &AuditFilter::default(), 1, 0).await.expect("audit").1;
            let bad = ProjectDraft { sectors: vec![Share { key: "14030".into(), percent: Decimal::new(6667, 2) }], ..project.clone() };
            assert!(matches!(aid::create(&mut tx, &vufo, &bad).await, Err(Error::Invalid(i)) if i.0[0].field == "sectors"), "{backend:?}");
            let p = aid::create(&mut tx, &vufo, &project).await.expect("project");
            let t = |kind: &str, date: &str, amount: &str, currency: &str, rate: Option<&str>| TransactionDraft {
                kind: Some(kind.into()),
                date: Some(d(date)),
                amount: Some(amount.into()),
                currency: Some(currency.into()),
                rate_to_vnd: rate.map(str::to_owned),
                note: None,
            };
            let refused = [
                (t("disbursement", "2020-05-01", "100", "XAF", None), "currency"),
                (t("disbursement", "2027-01-01", "100", "USD", None), "date"),
                (t("disbursement", "2020-05-01", "-5", "USD", None), "amount"),
            ];
            for (draft, field) in refused {
                let r = aid::add_transaction(&mut tx, &vufo, p.id, &draft).await;
                assert!(matches!(&r, Err(Error::Invalid(i)) if i.0[0].field == field), "{backend:?} {field}: {r:?}");
            }
            assert_eq!(
                audit::list(&mut tx, &Actor::system(), &AuditFilter::default(), 1, 0).await.expect("audit").1,
                audit_before + 1,
                "only the project was recorded"
            );

            // 2,000 transactions: amounts with up to two decimals, six currencies, dates over
            // eleven years, every seventh with the rate it used.
            let rates = default_rates();
            let currencies = ["VND", "USD", "EUR", "JPY", "KRW", "AUD"];
            let kinds = ["pledge", "commitment", "disbursement", "expenditure"];
            let mut seed: u64 = 20_211_233;
            let mut next = || {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                seed >> 33
            };
            let mut expected: std::collections::BTreeMap<&str, Decimal> = Default::default();
            // What the demo's own projects already disbursed in Khánh Hòa, counted apart.
            let demo_rows = amity_store::totals::read(&mut tx, Some(&[kh]), (2015, 1), (2026, 12)).await.expect("totals");
            let demo_disbursed: i64 = demo_rows.iter().filter(|t| t.metric == "aid_disbursed_vnd").map(|t| t.value).sum();
            for _ in 0..2_000 {
                let currency = currencies[(next() % 6) as usize];
                let kind = kinds[(next() % 4) as usize];
                let date = d("2015-06-01") + chrono::Days::new(next() % 4_000);
                let amount = Decimal::new((next() % 500_000_000) as i64 + 1, 2);
                let own_rate = (next() % 7 == 0 && currency != "VND").then(|| Decimal::new((next() % 3_000_000) as i64 + 1, 2));
                let rate = match (currency, own_rate) {
                    ("VND", _) => Decimal::ONE,
                    (_, Some(r)) => r,
                    (c, None) => {
                        rates.iter().filter(|(rc, from, _)| rc == c && *from <= date).max_by_key(|(_, from, _)| *from).expect("a rate").2
                    }
                };
                // Half a đồng up, written out: amounts are positive.
                *expected.entry(kind).or_default() += (amount * rate + Decimal::new(5, 1)).floor();
                let draft = t(kind, &date.to_string(), &amount.to_string(), currency, own_rate.map(|r| r.to_string()).as_deref());
                aid::add_transaction(&mut tx, &vufo, p.id, &draft).await.expect("transaction");
            }
            let p = aid::get(&mut tx, &vufo, p.id).await.expect("project");
            assert_eq!(p.transactions.len(), 2_000);
            for kind in kinds {
                assert_eq!(p.totals.get(kind).map(|s| s.vnd), expected.get(kind).copied(), "{backend:?}: {kind} in đồng");
            }
            // The live totals carry the same đồng, and equal what the records give.
            assert_eq!(amity_store::check_totals(&mut tx).await.expect("verify"), vec![], "{backend:?}");
            let rows = amity_store::totals::read(&mut tx, Some(&[kh]), (2015, 1), (2026, 12)).await.expect("totals");
            let disbursed: i64 = rows.iter().filter(|t| t.metric == "aid_disbursed_vnd").map(|t| t.value).sum();
            assert_eq!(Decimal::from(disbursed - demo_disbursed), expected["disbursement"], "{backend:?}");
            let active = amity_store::totals::stocks_by_unit(&mut tx, Some(&[kh]), (2020, 12)).await.expect("stocks");
            assert_eq!(active.iter().find(|t| t.metric == "aid_projects_active").map(|t| t.value), Some(1));
            let usd_in_usd: Decimal = p.transactions.iter().filter(|t| t.currency == "USD").map(|t| t.amount).sum();
            let usd_total: Decimal = p.transactions.iter().filter(|t| t.currency == "USD").map(|t| t.amount_usd).sum();
            assert_eq!(usd_in_usd, usd_total, "dollars stay dollars");

            // A programme's money is its projects': it takes none of its own.
            let programme = ProjectDraft { code: Some("CWF-PROG".into()), sectors: vec![], provinces: vec![], ..project.clone() };
            let programme = aid::create(&mut tx, &vufo, &programme).await.expect("programme");
            let child = ProjectDraft { code: Some("CWF-KH-2".into()), programme_id: Some(programme.id), ..project.clone() };
            let child = aid::create(&mut tx, &vufo, &child).await.expect("child");
            aid::add_transaction(&mut tx, &vufo, child.id, &t("commitment", "2024-02-01", "1000000", "VND", None)).await.expect("money");
            let r = aid::add_transaction(&mut tx, &vufo, programme.id, &t("commitment", "2024-02-01", "1", "VND", None)).await;
            assert!(matches!(r, Err(Error::Conflict { .. })), "{backend:?}");
            let programme = aid::get(&mut tx, &vufo, programme.id).await.expect("programme");
            assert_eq!(programme.totals["commitment"].vnd, Decimal::new(1_000_000, 0), "counted once, from its project");
            let quangnam = actor(&db, "quangnam@demo.amity").await;
            assert!(matches!(aid::get(&mut tx, &quangnam, p.id).await, Err(Error::NotFound(_))), "outside Quảng Nam's scope");
            tx.commit().await.expect("commit");
        })
        .await;
    }
}
