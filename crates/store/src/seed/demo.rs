//! The demo federation (`amity serve --demo`), built from the facts of the seed articles, and its
//! accounts.

use std::collections::HashMap;

use amity_domain::authz::Actor;
use amity_domain::country::CountryCode;
use amity_domain::org::{OrgKind, Period};
use amity_domain::user::{Email, Password, Role};
use anyhow::Context;
use chrono::NaiveDate;
use sea_query::{Expr, ExprTrait, Query};
use serde_json::json;

use super::reference::{
    Provinces, create_vufo, date, ensure_countries, era_63_start, import_provinces, merger_date,
    new_unit, place_under, reindex_all, unit_count,
};
use crate::audit::{self, AuditAction, Entry};
use crate::country;
use crate::db::{Conn, Db};
use crate::error::Result;
use crate::org::bulk;
use crate::schema::Users;
use crate::user::{self, NewUser};

/// The demo accounts' password: `AMITY_DEMO_PASSWORD`, or `amity-demo`.
pub fn demo_password() -> String {
    std::env::var("AMITY_DEMO_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "amity-demo".into())
}

/// What `--demo` found and did.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded,
    AlreadyLoaded,
    /// The database holds other data; the demo is never mixed into it.
    NotEmpty,
}

/// Partners the seed articles name, kept by VUFO, with the names and acronyms they use (and
/// each organization's own well-known name).
/// Delegations and events the seed articles report. Where an article gives only the year, the
/// date is set to 1 July of that year; where it gives only the month, to its first day.
async fn demo_activities(conn: &mut Conn, provinces: &Provinces, vufo: i64) -> anyhow::Result<()> {
    use crate::delegation;
    use crate::event;
    use amity_domain::activity::{Channel, DelegationState, Direction, EventType, MemberRole};
    use amity_domain::delegation::{DelegationSpec, Leg, Member, Who};
    use amity_domain::event::EventSpec;

    let system = Actor::system();
    let unit = |code: &str| {
        provinces
            .before
            .get(code)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("the demo needs province {code}"))
    };
    let code = |c: &str| CountryCode::parse(c).map_err(|e| anyhow::anyhow!(e));
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| s.to_owned());
    // Seed article 002: JVPF's delegation, led by the chairman of JVPF Kagoshima, visited and
    // gave 20 scholarships of 3 million đồng each at Lục Sơn lower-secondary school, Bắc Giang.
    let bac_giang = unit("24")?;
    let filter = crate::partner::PartnerFilter {
        q: Some("JVPF".into()),
        ..Default::default()
    };
    let jvpf = crate::partner::list(conn, &filter, ("name", false), 1, 0)
        .await?
        .0
        .first()
        .map(|p| p.id)
        .ok_or_else(|| anyhow::anyhow!("the demo's JVPF is missing"))?;
    let head = crate::person::create(
        conn,
        &system,
        &amity_domain::person::PersonSpec {
            name: "Kawajl Takashi".into(),
            nationality: Some(code("JP")?),
            note: Some("Chủ tịch JVPF tỉnh Kagoshima (tên như bài báo ghi)".into()),
            ..Default::default()
        },
        Some(bac_giang),
    )
    .await?;
    crate::person::add_position(
        conn,
        &system,
        head.id,
        "Chủ tịch JVPF tỉnh Kagoshima",
        &crate::person::Organization::Partner(jvpf),
        (None, None),
    )
    .await?;
    let visit = DelegationSpec {
        direction: Direction::Inbound,
        title: "Đoàn Hội đồng Xúc tiến hòa bình, hữu nghị Nhật Bản – Việt Nam (JVPF) thăm, trao học bổng tại Bắc Giang".into(),
        purpose: Some("Thăm, làm việc và trao học bổng cho học sinh dân tộc thiểu số".into()),
        start_on: day("2025-05-01")?,
        end_on: day("2025-05-01")?,
        funding_source: Some("JVPF".into()),
        budget: Some(amity_domain::money::Money::new(60_000_000.into(), amity_domain::money::Currency::vnd(), None).map_err(|e| anyhow::anyhow!(e))?),
        expected_outcomes: None,
        actual_outcomes: Some("Trao 20 suất học bổng, mỗi suất trị giá 3 triệu đồng".into()),
        report: Some("Đoàn JVPF do ông Kawajl Takashi, Chủ tịch JVPF tỉnh Kagoshima, làm trưởng đoàn đã thăm, làm việc và trao 20 suất học bổng cho học sinh dân tộc thiểu số đạt thành tích xuất sắc tại Trường Trung học cơ sở Lục Sơn, huyện Lục Nam.".into()),
        members: vec![Member { who: Who::Person(head.id), role: MemberRole::Head }],
        legs: vec![Leg { country: code("VN")?, city: Some("Lục Nam, Bắc Giang".into()), from_on: day("2025-05-01")?, to_on: day("2025-05-01")? }],
        partners: vec![jvpf],
        tasks: vec![],
    };
    let created = delegation::create(conn, &system, &visit, Some(bac_giang)).await?;
    for to in [
        DelegationState::Submitted,
        DelegationState::Approved,
        DelegationState::Completed,
        DelegationState::Reported,
    ] {
        delegation::transition(conn, &system, created.id, to, None).await?;
    }
    // The same scholarships as aid: 60 million đồng committed and paid out that day.
    let scholarships = crate::aid::create(
        conn,
        &system,
        &amity_domain::aid::ProjectDraft {
            code: Some("JVPF-BG-2025".into()),
            title_vi: Some("Học bổng JVPF cho học sinh dân tộc thiểu số Trường THCS Lục Sơn, Bắc Giang".into()),
            title_en: Some("JVPF scholarships for ethnic-minority pupils of Lục Sơn lower-secondary school, Bắc Giang".into()),
            unit_id: Some(bac_giang),
            status: Some("closed".into()),
            planned_start: Some(day("2025-05-01")?),
            planned_end: Some(day("2025-05-01")?),
            actual_start: Some(day("2025-05-01")?),
            actual_end: Some(day("2025-05-01")?),
            beneficiaries: Some("20 học sinh dân tộc thiểu số đạt thành tích xuất sắc, mỗi em 3 triệu đồng".into()),
            organizations: vec![amity_domain::aid::ProjectOrg { partner_id: jvpf, role: amity_domain::aid::OrgRole::Funding }],
            sectors: vec![amity_domain::aid::Share { key: "11260".into(), percent: 100.into() }],
            provinces: vec![amity_domain::aid::Share { key: bac_giang, percent: 100.into() }],
            results: vec![amity_domain::aid::ResultDraft {
                kind: Some("output".into()),
                indicator_vi: Some("Số suất học bổng trao cho học sinh dân tộc thiểu số".into()),
                indicator_en: Some("Scholarships awarded to ethnic-minority pupils".into()),
                baseline: Some("0".into()),
                baseline_year: Some(2025),
                target: Some("20".into()),
                actual: Some("20".into()),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await?;
    for kind in ["commitment", "disbursement"] {
        let paid = amity_domain::aid::TransactionDraft {
            kind: Some(kind.into()),
            date: Some(day("2025-05-01")?),
            amount: Some("60000000".into()),
            currency: Some("VND".into()),
            rate_to_vnd: None,
            note: Some("20 suất × 3.000.000 đồng".into()),
        };
        crate::aid::add_transaction(conn, &system, scholarships.id, &paid).await?;
    }
    aid_figures(conn, &system).await?;
    let event_of = |kind: EventType,
                    title: &str,
                    start: NaiveDate,
                    end: NaiveDate,
                    place: &str,
                    participants: i64,
                    foreign: i64,
                    countries: Vec<CountryCode>| EventSpec {
        event_type: kind,
        channel: Channel::InPerson,
        connected_sites: None,
        title: title.into(),
        start_on: start,
        end_on: end,
        place_country: CountryCode::parse("VN").ok(),
        place: Some(place.into()),
        participants,
        foreign_participants: foreign,
        description: None,
        results: None,
        co_organizers: vec![],
        partners: vec![],
        countries,
        tasks: vec![],
    };
    let scholarships = EventSpec {
        partners: vec![jvpf],
        results: Some("20 suất học bổng, mỗi suất 3 triệu đồng".into()),
        ..event_of(
            EventType::AwardCeremony,
            "Trao học bổng JVPF cho học sinh Trường THCS Lục Sơn",
            day("2025-05-01")?,
            day("2025-05-01")?,
            "Trường THCS Lục Sơn, huyện Lục Nam, Bắc Giang",
            20,
            0,
            vec![code("JP")?],
        )
    };
    event::create(conn, &system, &scholarships, Some(bac_giang)).await?;
    // Seed article 002: the Korean Navy destroyer Kang Gam Chan (Captain Kwon Yong Gu, 296
    // crew) on a friendship visit to Đà Nẵng, 4–6 May 2025.
    let ship = EventSpec {
        description: Some("Tàu khu trục Kang Gam Chan của Hải quân Hàn Quốc do Đại tá Kwon Yong Gu chỉ huy cùng 296 thủy thủ đoàn cập cảng Tiên Sa, thăm hữu nghị thành phố Đà Nẵng.".into()),
        ..event_of(EventType::FriendshipExchange, "Chuyến thăm hữu nghị của tàu Kang Gam Chan (Hải quân Hàn Quốc)", day("2025-05-04")?, day("2025-05-06")?, "Cảng Tiên Sa, Đà Nẵng", 296, 296, vec![code("KR")?])
    };
    event::create(conn, &system, &ship, Some(unit("48")?)).await?;
    // Seed article 004: Cluster 3's joint activities in 2023 (the article gives neither dates
    // nor attendance: those are illustrations, and say so).
    for (owner, title, kind, countries, co, on, people, foreign) in [
        (
            "46",
            "Cuộc thi tiếng Trung (Liên hiệp Thừa Thiên Huế)",
            EventType::Contest,
            vec![code("CN")?],
            vec![],
            "2023-05-20",
            150,
            10,
        ),
        (
            "48",
            "Cuộc thi tiếng Trung (Liên hiệp Đà Nẵng)",
            EventType::Contest,
            vec![code("CN")?],
            vec![],
            "2023-06-10",
            180,
            12,
        ),
        (
            "52",
            "Hội nghị toàn quốc công tác đối ngoại nhân dân 2023",
            EventType::Conference,
            vec![],
            vec![],
            "2023-10-26",
            300,
            0,
        ),
        (
            "56",
            "Hội thảo chia sẻ kinh nghiệm trong Hội nghị sơ kết, tổng kết Cụm 3",
            EventType::Conference,
            vec![],
            vec![unit("49")?],
            "2023-12-15",
            60,
            0,
        ),
    ] {
        let on = day(on)?;
        let input = EventSpec {
            co_organizers: co,
            place: None,
            description: Some("Ngày và số người tham dự là minh họa; bài viết không nêu.".into()),
            ..event_of(kind, title, on, on, "", people, foreign, countries)
        };
        event::create(conn, &system, &input, Some(unit(owner)?)).await?;
    }
    // Seed article 001: the Presidium's fifth conference, 14 January 2022, "held in person
    // combined with online at the connected sites"; the article does not count the sites.
    let presidium = EventSpec {
        channel: Channel::Hybrid,
        place: None,
        ..event_of(
            EventType::Conference,
            "Hội nghị Đoàn Chủ tịch lần thứ 5, nhiệm kỳ 2019 – 2024",
            day("2022-01-14")?,
            day("2022-01-14")?,
            "",
            0,
            0,
            vec![],
        )
    };
    event::create(conn, &system, &presidium, Some(vufo)).await?;
    Ok(())
}

/// Seed article 004: Khánh Hòa, Cluster 3's lead in 2023, drafting its annual report from
/// what the article says of it. Its figures are left for the unit to enter.
async fn demo_reports(conn: &mut Conn, provinces: &Provinces) -> anyhow::Result<()> {
    use crate::periodic::{self, ReportInput};
    let system = Actor::system();
    let khanh_hoa = provinces
        .before
        .get("56")
        .copied()
        .ok_or_else(|| anyhow::anyhow!("the demo needs province 56"))?;
    let draft = periodic::create(conn, &system, "BC-NAM", khanh_hoa, "2023").await?;
    let input = ReportInput {
        results: Some(
            "Tham gia Liên hoan hữu nghị tại Ấn Độ. Nâng cấp trang thông tin điện tử với 6 ngôn ngữ dịch tự động (Việt, Anh, Pháp, \
             Lào, Trung Quốc, Campuchia). Là cụm trưởng Cụm 3, cùng cụm phó Liên hiệp Quảng Nam tổ chức Hội thảo chia sẻ kinh \
             nghiệm trong Hội nghị sơ kết, tổng kết Cụm."
                .into(),
        ),
        ..Default::default()
    };
    periodic::update(conn, &system, draft.id, &input).await?;
    Ok(())
}

/// Seed article 001: the secretariat's ten priorities for 2022, with the tasks the article
/// names under them. Their progress is left for the secretariat to record.
async fn demo_plan(conn: &mut Conn, vufo: i64) -> anyhow::Result<()> {
    use crate::plan;
    use amity_domain::plan::{TaskSpec, TaskStatus};
    let system = Actor::system();
    let created = plan::create(conn, &system, vufo, 2022, "10 trọng tâm công tác năm 2022").await?;
    let priorities = [
        "Thực hiện Kết luận của Bộ Chính trị về phòng chống dịch Covid-19 và phát triển kinh tế - xã hội",
        "Tăng cường hoạt động hòa bình, đoàn kết, hữu nghị với các nước láng giềng, ASEAN, các nước lớn và bạn bè truyền thống",
        "Tham gia các cơ chế hợp tác đa phương quan trọng",
        "Lồng ghép, thúc đẩy và bảo vệ lợi ích quốc gia - dân tộc trong hoạt động đối ngoại",
        "Triển khai Chương trình quốc gia về hợp tác và vận động viện trợ phi chính phủ nước ngoài 2019 – 2025",
        "Tuyên truyền về kết quả Đại hội XIII, chính sách đối ngoại và thành tựu của đất nước",
        "Nâng cao chất lượng công tác nghiên cứu, tham mưu",
        "Đào tạo, bồi dưỡng cán bộ",
        "Rà soát, củng cố và phát triển hệ thống tổ chức thành viên",
        "Thực hiện quy chế dân chủ cơ sở; học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    ];
    for title in priorities {
        plan::add_priority(conn, &system, created.id, title).await?;
    }
    let tasks = [
        (3, "Tham gia Diễn đàn Nhân dân ASEAN 2022"),
        (
            3,
            "Đăng cai Đại hội lần thứ 22 của Hội đồng hòa bình thế giới tại Việt Nam",
        ),
        (
            5,
            "Tổ chức sơ kết giữa kỳ Chương trình quốc gia về vận động viện trợ phi chính phủ nước ngoài",
        ),
        (
            5,
            "Chuẩn hóa cơ sở dữ liệu về công tác phi chính phủ nước ngoài",
        ),
        (
            5,
            "Triển khai xử lý thủ tục hành chính điện tử cho các tổ chức phi chính phủ nước ngoài",
        ),
        (
            8,
            "Tập huấn cho các Liên hiệp các tổ chức hữu nghị địa phương",
        ),
        (
            8,
            "Xây dựng và triển khai kế hoạch tuyển dụng công chức, viên chức đầu năm 2022",
        ),
    ];
    for (priority, title) in tasks {
        let task = TaskSpec {
            priority,
            owner_unit_id: None,
            title: title.into(),
            deadline: None,
            status: TaskStatus::Planned,
            progress: 0,
            done_on: None,
            evidence: vec![],
        };
        plan::add_task(conn, &system, created.id, &task).await?;
    }
    Ok(())
}

async fn demo_partners(conn: &mut Conn, vufo: i64) -> anyhow::Result<()> {
    use amity_domain::partner::{PartnerKind as K, RelationshipCategory as C};
    type Seed<'a> = (
        K,
        Option<C>,
        Option<&'a str>,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        &'a [&'a str],
    );
    let partners: [Seed; 10] = [
        (
            K::FrontOrMassOrganization,
            Some(C::Neighbour),
            Some("LA"),
            "Mặt trận Lào Xây dựng đất nước",
            Some("Lao Front for National Construction"),
            None,
            &[],
        ),
        (
            K::PoliticalParty,
            Some(C::TraditionalFriend),
            Some("AO"),
            "Đảng Phong trào nhân dân Giải phóng Angola",
            Some("Movimento Popular de Libertação de Angola"),
            Some("Movimento Popular de Libertação de Angola"),
            &["MPLA"],
        ),
        (
            K::PoliticalParty,
            Some(C::TraditionalFriend),
            Some("ZA"),
            "Đảng Đại hội Dân tộc Phi",
            Some("African National Congress"),
            None,
            &["ANC"],
        ),
        (
            K::PoliticalParty,
            Some(C::TraditionalFriend),
            Some("VE"),
            "Đảng Xã hội chủ nghĩa Thống nhất Venezuela",
            Some("Partido Socialista Unido de Venezuela"),
            Some("Partido Socialista Unido de Venezuela"),
            &["PSUV"],
        ),
        (
            K::PoliticalParty,
            Some(C::TraditionalFriend),
            Some("BR"),
            "Đảng Cộng sản Brazil",
            Some("Partido Comunista do Brasil"),
            Some("Partido Comunista do Brasil"),
            &["PCdoB"],
        ),
        (
            K::PoliticalParty,
            Some(C::TraditionalFriend),
            Some("IN"),
            "Đảng Cộng sản Ấn Độ (Mác-xít)",
            Some("Communist Party of India (Marxist)"),
            None,
            &["CPI(M)"],
        ),
        (
            K::FrontOrMassOrganization,
            Some(C::StrategicPartner),
            Some("SG"),
            "Hiệp hội Nhân dân Singapore",
            Some("People's Association"),
            None,
            &[],
        ),
        (
            K::InternationalOrganization,
            Some(C::DemocraticOrPeaceOrganization),
            None,
            "Hội đồng Hòa bình Thế giới",
            Some("World Peace Council"),
            None,
            &["WPC"],
        ),
        (
            K::FriendshipSociety,
            Some(C::StrategicPartner),
            Some("JP"),
            "Hội đồng Xúc tiến hòa bình, hữu nghị Nhật Bản – Việt Nam",
            None,
            None,
            &["JVPF"],
        ),
        (
            K::FriendshipSociety,
            Some(C::Neighbour),
            Some("TH"),
            "Hội hữu nghị Thái Lan – Việt Nam",
            Some("Thailand–Vietnam Friendship Association"),
            None,
            &[],
        ),
    ];
    let mut lao_front = None;
    for (kind, category, country, name_vi, name_latin, name_native, acronyms) in partners {
        let input = crate::partner::PartnerSpec {
            kind,
            category,
            country: country
                .map(CountryCode::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!(e))?,
            name_native: name_native.map(str::to_owned),
            name_latin: name_latin.map(str::to_owned),
            name_vi: Some(name_vi.to_owned()),
            acronyms: acronyms.iter().map(|a| (*a).to_owned()).collect(),
            aliases: vec![],
            website: None,
            address: None,
            note: None,
            founded: None,
        };
        let created =
            crate::partner::create(conn, &Actor::system(), &input, Some(vufo), true).await?;
        if country == Some("LA") {
            lao_front = Some(created.id);
        }
    }
    // Seed article 003: the 2021–2025 cooperation agreement with the Lao Front's Central
    // Committee, with the tasks agreed for 2024.
    let lao_front = lao_front.ok_or_else(|| anyhow::anyhow!("the demo's Lao Front is missing"))?;
    let agreement = crate::agreement::create(
        conn,
        &Actor::system(),
        &crate::agreement::AgreementSpec {
            title:
                "Thỏa thuận hợp tác giữa Ban Dân vận Trung ương và Ủy ban Trung ương Mặt trận Lào xây dựng đất nước giai đoạn 2021 – 2025"
                    .into(),
            number: None,
            signed_on: None,
            signed_place: None,
            valid_from: NaiveDate::from_ymd_opt(2021, 1, 1),
            valid_to: NaiveDate::from_ymd_opt(2025, 12, 31),
            status: amity_domain::partner::AgreementStatus::Expired,
            note: None,
            partners: vec![lao_front],
            units: vec![],
            named_parties: vec!["Ban Dân vận Trung ương".into()],
        },
        Some(vufo),
    )
    .await?;
    // Seed articles 001 and 003: the head of the Central Mass Mobilization Commission, the
    // Vietnamese party to that agreement (the articles give no dates for her posts).
    let hoai = crate::person::create(
        conn,
        &Actor::system(),
        &amity_domain::person::PersonSpec {
            name: "Bùi Thị Minh Hoài".into(),
            honorific: Some("Bà".into()),
            gender: Some(amity_domain::partner::Gender::Female),
            nationality: Some(CountryCode::parse("VN").map_err(|e| anyhow::anyhow!(e))?),
            ..Default::default()
        },
        Some(vufo),
    )
    .await?;
    for (title, organization) in [
        (
            "Bí thư Trung ương Đảng",
            "Ban Chấp hành Trung ương Đảng Cộng sản Việt Nam",
        ),
        ("Trưởng Ban Dân vận Trung ương", "Ban Dân vận Trung ương"),
    ] {
        crate::person::add_position(
            conn,
            &Actor::system(),
            hoai.id,
            title,
            &crate::person::Organization::Named(organization.into()),
            (None, None),
        )
        .await?;
    }
    crate::agreement::add_task(
        conn,
        &Actor::system(),
        agreement.id,
        2024,
        "Triển khai các nhiệm vụ đã thống nhất sẽ thực hiện trong năm 2024",
        vufo,
        amity_domain::partner::TaskStatus::Done,
    )
    .await?;
    Ok(())
}

/// Loads the demo federation into an empty database: VUFO and its member organizations, every
/// provincial union over time, Cluster 3 with its eleven provinces, and the demo accounts.
pub async fn demo(db: &Db) -> anyhow::Result<DemoOutcome> {
    load(db, true).await
}

/// The demo federation with only what the seed articles report, without the living years
/// (the illustrated 2023–today work of the federation and Khánh Hòa): the fixed ground that
/// tests count on.
pub async fn demo_facts(db: &Db) -> anyhow::Result<DemoOutcome> {
    load(db, false).await
}

async fn load(db: &Db, living: bool) -> anyhow::Result<DemoOutcome> {
    let mut tx = db.begin().await?;
    if unit_count(&mut tx).await? > 0 {
        let admin: Option<(i64,)> = tx
            .fetch_optional(
                Query::select()
                    .column(Users::Id)
                    .from(Users::Table)
                    .and_where(Expr::col(Users::Email).eq("admin@demo.amity")),
            )
            .await?;
        return Ok(if admin.is_some() {
            DemoOutcome::AlreadyLoaded
        } else {
            DemoOutcome::NotEmpty
        });
    }
    ensure_countries(&mut tx).await?;
    let vufo = create_vufo(&mut tx).await?;
    let records_begin = era_63_start();
    let open = |from| Period { from, to: None };
    let member_orgs = [
        (
            OrgKind::MemberOrg,
            "VPC",
            "Ủy ban Hòa bình Việt Nam",
            "Vietnam Peace Committee",
        ),
        (
            OrgKind::MemberOrg,
            "PDF",
            "Quỹ Hòa bình và Phát triển Việt Nam",
            "Peace and Development Foundation of Vietnam",
        ),
        (
            OrgKind::Association,
            "VN-LA",
            "Hội hữu nghị Việt Nam – Lào",
            "Vietnam–Laos Friendship Association",
        ),
        (
            OrgKind::Association,
            "VN-KH",
            "Hội hữu nghị Việt Nam – Campuchia",
            "Vietnam–Cambodia Friendship Association",
        ),
        (
            OrgKind::Association,
            "VN-CU",
            "Hội hữu nghị Việt Nam – Cuba",
            "Vietnam–Cuba Friendship Association",
        ),
        (
            OrgKind::Association,
            "VN-AZ",
            "Hội hữu nghị Việt Nam – Azerbaijan",
            "Vietnam–Azerbaijan Friendship Association",
        ),
    ];
    let mut codes = HashMap::new();
    for (kind, code, name, en) in member_orgs {
        let id = bulk::insert_unit(
            &mut tx,
            &new_unit(
                kind,
                code,
                name,
                None,
                Some(en),
                Some(vufo),
                open(records_begin),
            )?,
        )
        .await?;
        codes.insert(code, id);
    }
    // Hướng dẫn số 780 ngày 20/7/2021 của Ban Công tác địa phương (seed article 004).
    let cluster_start = date(2021, 7, 20);
    let cluster = bulk::insert_unit(
        &mut tx,
        &new_unit(
            OrgKind::Cluster,
            "CUM-3",
            "Cụm Liên hiệp các tổ chức hữu nghị địa phương khu vực miền Trung – Tây Nguyên",
            Some("Cụm Liên hiệp hữu nghị địa phương số 3"),
            Some("Cluster 3 of local friendship unions (Central and Central Highlands)"),
            Some(vufo),
            open(cluster_start),
        )?,
    )
    .await?;
    let provinces = import_provinces(&mut tx, vufo).await?;
    // Hà Tĩnh, Quảng Bình, Quảng Trị, Thừa Thiên Huế, Đà Nẵng, Quảng Nam, Bình Định, Phú Yên,
    // Khánh Hòa, Đắk Lắk, Gia Lai; and, from 2025, the unions they merged into.
    for code in [
        "42", "44", "45", "46", "48", "49", "52", "54", "56", "66", "64",
    ] {
        place_under(&mut tx, provinces.before[code], cluster, cluster_start).await?;
    }
    for code in ["44", "48", "52", "56", "66"] {
        place_under(&mut tx, provinces.after[code], cluster, merger_date()).await?;
    }
    bulk::cluster_roles(
        &mut tx,
        cluster,
        2023,
        provinces.before["56"],
        Some(provinces.before["49"]),
    )
    .await?;
    reindex_all(&mut tx).await?;

    let system = Actor::system();
    let laos = CountryCode::parse("LA").map_err(|e| anyhow::anyhow!(e))?;
    let cambodia = CountryCode::parse("KH").map_err(|e| anyhow::anyhow!(e))?;
    country::add_commemoration(
        &mut tx,
        &system,
        "Năm Đoàn kết Hữu nghị Việt Nam – Lào 2022",
        2022,
        Some(&laos),
        None,
    )
    .await?;
    country::add_commemoration(
        &mut tx,
        &system,
        "Năm Hữu nghị Việt Nam – Campuchia 2022",
        2022,
        Some(&cambodia),
        None,
    )
    .await?;

    demo_partners(&mut tx, vufo).await?;
    demo_activities(&mut tx, &provinces, vufo).await?;
    demo_reports(&mut tx, &provinces).await?;
    demo_plan(&mut tx, vufo).await?;
    if living {
        super::living::load(&mut tx, &provinces, vufo).await?;
    }

    let password = Password::parse(&demo_password())
        .map_err(|e| anyhow::anyhow!("AMITY_DEMO_PASSWORD {e}"))?;
    let accounts = [
        (
            "admin@demo.amity",
            "Quản trị hệ thống",
            Role::SystemAdmin,
            vufo,
        ),
        (
            "vufo@demo.amity",
            "Văn phòng Liên hiệp Việt Nam",
            Role::CentralStaff,
            vufo,
        ),
        (
            "khanhhoa@demo.amity",
            "Liên hiệp Khánh Hòa",
            Role::ClusterLead,
            provinces.after["56"],
        ),
        (
            "head.khanhhoa@demo.amity",
            "Lãnh đạo Liên hiệp Khánh Hòa",
            Role::UnitHead,
            provinces.after["56"],
        ),
        (
            "quangnam@demo.amity",
            "Liên hiệp Quảng Nam",
            Role::UnionStaff,
            provinces.before["49"],
        ),
        (
            "vietlao@demo.amity",
            "Hội hữu nghị Việt Nam – Lào",
            Role::AssociationStaff,
            codes["VN-LA"],
        ),
        ("viewer@demo.amity", "Lãnh đạo (xem)", Role::Viewer, vufo),
        (
            "ngo@demo.amity",
            "Quỹ Hữu nghị Giáo dục (tổ chức mẫu)",
            Role::NgoApplicant,
            vufo,
        ),
    ];
    let mut applicant = None;
    for (email, name, role, unit_id) in accounts {
        let new = NewUser {
            email: Email::parse(email).map_err(|e| anyhow::anyhow!("{email}: {e}"))?,
            display_name: name.into(),
            role,
            unit_id,
            password: password.clone(),
        };
        let created = user::create_as_system(&mut tx, &new).await?;
        if role == Role::NgoApplicant {
            applicant = Some(created);
        }
    }
    let applicant =
        applicant.ok_or_else(|| anyhow::anyhow!("the demo's NGO applicant is missing"))?;
    demo_applications(&mut tx, &provinces, &applicant).await?;
    let summary = json!({ "demo": true, "provinces_before_2025": provinces.before.len(), "provinces_from_2025": provinces.after.len() });
    audit::record(
        &mut tx,
        &Actor::system(),
        Entry {
            action: AuditAction::LoadDemo,
            entity_type: "org_unit",
            entity_id: vufo,
            unit_id: None,
            before: None,
            after: Some(&summary),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(DemoOutcome::Loaded)
}

/// Two NGOs marked as demo records (the articles name none that files with the office): the
/// applicant account's, with a permit and applications in several states, and another whose
/// application the applicant must not see.
async fn demo_applications(
    conn: &mut Conn,
    provinces: &Provinces,
    applicant: &user::User,
) -> Result<()> {
    use amity_domain::application::ApplicationState as S;
    use amity_domain::ngo::PermitDraft;
    let system = Actor::system();
    let today = chrono::Utc::now().date_naive();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| s.to_owned());
    let ngo = |name_vi: &str, name_latin: &str, country: &str| crate::partner::PartnerSpec {
        kind: amity_domain::partner::PartnerKind::Ngo,
        category: None,
        country: CountryCode::parse(country).ok(),
        name_native: None,
        name_latin: Some(name_latin.into()),
        name_vi: Some(name_vi.into()),
        acronyms: vec![],
        aliases: vec![],
        website: None,
        address: None,
        note: Some("Tổ chức mẫu của dữ liệu trình diễn".into()),
        founded: None,
    };
    let own = crate::partner::create(
        conn,
        &system,
        &ngo(
            "Quỹ Hữu nghị Giáo dục (tổ chức mẫu)",
            "Demo Education Friendship Fund",
            "JP",
        ),
        Some(applicant.unit_id),
        true,
    )
    .await?
    .id;
    let other = crate::partner::create(
        conn,
        &system,
        &ngo(
            "Tổ chức Nước sạch Cộng đồng (tổ chức mẫu)",
            "Demo Community Water",
            "DE",
        ),
        Some(applicant.unit_id),
        true,
    )
    .await?
    .id;
    let khanh_hoa = provinces.after["56"];
    crate::ngo::set_work(conn, &system, own, &["11220".into()], &[khanh_hoa], today).await?;
    let permit = crate::ngo::add_permit(
        conn,
        &system,
        own,
        &PermitDraft {
            kind: Some("operation_registration".into()),
            number: Some("Mẫu-01/GĐK".into()),
            issuer: Some("Ủy ban Công tác về các tổ chức phi chính phủ nước ngoài".into()),
            issued_on: Some(day("2022-01-15")?),
            valid_from: Some(day("2022-01-15")?),
            valid_to: Some(day("2027-01-14")?),
            provinces: vec![khanh_hoa],
            sectors: vec!["11220".into()],
            note: None,
        },
        today,
    )
    .await?;
    crate::application::link_applicant(conn, &system, applicant.id, own).await?;
    let me = crate::scope::actor_for(conn, applicant).await?;
    let file = |procedure: Procedure, permit_id: Option<i64>, request: &str| {
        crate::application::ApplicationDraft {
            procedure: Some(procedure.as_str().into()),
            permit_id,
            documents: procedure
                .required_documents()
                .iter()
                .map(|d| (*d).to_owned())
                .collect(),
            request: Some(request.into()),
        }
    };
    use amity_domain::application::Procedure;
    use amity_domain::partner::Vocabulary;
    // Approved: a project office in Nha Trang, issued as a permit.
    let office = crate::application::file(
        conn,
        &me,
        &file(
            Procedure::ProjectOffice,
            None,
            "Lập Văn phòng dự án tại Nha Trang",
        ),
        today,
    )
    .await?;
    crate::application::transition(conn, &system, office.id, S::UnderReview, None, None, today)
        .await?;
    let office_permit = PermitDraft {
        number: Some("Mẫu-02/VPDA".into()),
        issuer: Some("Ủy ban Công tác về các tổ chức phi chính phủ nước ngoài".into()),
        issued_on: Some(today),
        valid_from: Some(today),
        valid_to: Some(day("2029-12-31")?),
        provinces: vec![khanh_hoa],
        ..Default::default()
    };
    crate::application::transition(
        conn,
        &system,
        office.id,
        S::Approved,
        None,
        Some(&office_permit),
        today,
    )
    .await?;
    // More information requested: the extension of its registration, with an internal note.
    let extension = crate::application::file(
        conn,
        &me,
        &file(
            Procedure::Extension,
            Some(permit.id),
            "Gia hạn giấy đăng ký hoạt động đến năm 2032",
        ),
        today,
    )
    .await?;
    crate::application::transition(
        conn,
        &system,
        extension.id,
        S::UnderReview,
        None,
        None,
        today,
    )
    .await?;
    crate::application::add_note(
        conn,
        &system,
        extension.id,
        "Đối chiếu báo cáo hoạt động năm 2025 với Liên hiệp Khánh Hòa",
        today,
    )
    .await?;
    crate::application::transition(
        conn,
        &system,
        extension.id,
        S::InfoRequested,
        Some("Bổ sung báo cáo tài chính năm 2025"),
        None,
        today,
    )
    .await?;
    // Submitted: a project for approval.
    crate::application::file(
        conn,
        &me,
        &file(
            Procedure::ProjectApproval,
            None,
            "Phê duyệt dự án thư viện trường học tại Khánh Hòa",
        ),
        today,
    )
    .await?;
    // The other NGO's registration, under review with a note the applicant must not see.
    let other_user = NewUser {
        email: Email::parse("ngo.other@demo.amity").map_err(|e| anyhow::anyhow!(e))?,
        display_name: "Tổ chức Nước sạch Cộng đồng (tổ chức mẫu)".into(),
        role: Role::NgoApplicant,
        unit_id: applicant.unit_id,
        password: Password::parse(&demo_password())
            .map_err(|e| anyhow::anyhow!("AMITY_DEMO_PASSWORD {e}"))?,
    };
    let other_user = user::create_as_system(conn, &other_user).await?;
    crate::application::link_applicant(conn, &system, other_user.id, other).await?;
    let them = crate::scope::actor_for(conn, &other_user).await?;
    let theirs = crate::application::file(
        conn,
        &them,
        &file(
            Procedure::NewRegistration,
            None,
            "Đăng ký hoạt động tại Việt Nam",
        ),
        today,
    )
    .await?;
    crate::application::transition(conn, &system, theirs.id, S::UnderReview, None, None, today)
        .await?;
    crate::application::add_note(conn, &system, theirs.id, "Chờ ý kiến của Bộ Công an", today)
        .await?;
    Ok(())
}

/// The aid figures the articles report as totals, recorded as what they are: reported sums of
/// many NGOs' aid, under one registry entry standing for those NGOs, with no sector or province
/// (the articles give none). Seed article 000: aid mobilized from foreign NGOs reached about
/// 233 million USD in 2021, 5 % more than in 2020 (so about 221.9 million then). Seed article
/// 004: Cluster 3's unions ran 5–20 programmes and projects each, worth about 40 billion đồng,
/// in its 2023 review.
async fn aid_figures(conn: &mut Conn, system: &Actor) -> anyhow::Result<()> {
    use amity_domain::aid::{OrgRole, ProjectDraft, ProjectOrg, TransactionDraft};

    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| s.to_owned());
    let vufo = crate::org::by_code(conn, "VUFO", day("2021-12-31")?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo needs VUFO"))?;
    let cluster = crate::org::by_code(conn, "CUM-3", day("2023-12-31")?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo needs Cluster 3"))?;
    let input = crate::partner::PartnerSpec {
        kind: amity_domain::partner::PartnerKind::Ngo,
        category: None,
        country: None,
        name_native: None,
        name_latin: Some("Foreign NGOs (reported totals)".into()),
        name_vi: Some("Các tổ chức phi chính phủ nước ngoài (số tổng hợp theo báo cáo)".into()),
        acronyms: vec![],
        aliases: vec![],
        website: None,
        address: None,
        note: Some(
            "Đứng tên cho các số viện trợ mà báo cáo chỉ nêu tổng, không tách theo tổ chức.".into(),
        ),
        founded: None,
    };
    let many = crate::partner::create(conn, system, &input, Some(vufo), true)
        .await?
        .id;
    let totals = [
        (
            "VUFO-TH-2020",
            vufo,
            "2020",
            "USD",
            "221900000",
            "Khoảng 233 triệu USD năm 2021 là tăng 5 % so với năm 2020 (bài 000)",
        ),
        (
            "VUFO-TH-2021",
            vufo,
            "2021",
            "USD",
            "233000000",
            "Vận động phi chính phủ nước ngoài năm 2021 đạt khoảng 233 triệu USD (bài 000)",
        ),
        (
            "CUM3-TH-2023",
            cluster,
            "2023",
            "VND",
            "40000000000",
            "5–20 chương trình, dự án ở mỗi địa phương, ước khoảng 40 tỷ đồng (bài 004)",
        ),
    ];
    for (code, unit, year, currency, amount, source) in totals {
        let project = crate::aid::create(
            conn,
            system,
            &ProjectDraft {
                code: Some(code.into()),
                title_vi: Some(format!(
                    "Viện trợ phi chính phủ nước ngoài vận động được năm {year} (số tổng hợp)"
                )),
                title_en: Some(format!(
                    "Foreign-NGO aid mobilized in {year} (reported total)"
                )),
                unit_id: Some(unit),
                status: Some("closed".into()),
                planned_start: Some(day(&format!("{year}-01-01"))?),
                planned_end: Some(day(&format!("{year}-12-31"))?),
                description: Some(format!(
                    "Số tổng hợp theo báo cáo, không phải một dự án riêng: {source}."
                )),
                organizations: vec![ProjectOrg {
                    partner_id: many,
                    role: OrgRole::Funding,
                }],
                ..Default::default()
            },
        )
        .await?;
        let mobilized = TransactionDraft {
            kind: Some("commitment".into()),
            date: Some(day(&format!("{year}-12-31"))?),
            amount: Some(amount.into()),
            currency: Some(currency.into()),
            rate_to_vnd: None,
            note: Some(source.into()),
        };
        crate::aid::add_transaction(conn, system, project.id, &mobilized).await?;
    }
    Ok(())
}
