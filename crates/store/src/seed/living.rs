//! The demo's living years: what the federation and Khánh Hòa did from 2023 to this year, for a
//! newcomer to find a working system rather than an empty one.
//!
//! The 2023 delegations come from seed article 003 (Laos, Iran 21–24/8/2023, Nigeria, South
//! Africa, Angola, Brazil, Venezuela; the Lao Front's delegation; the training trip to Laos
//! 11–14/12/2023) and Khánh Hòa's festival trip to India from article 004. Every date or figure
//! the articles do not give is an illustration, and the record says so ("minh họa"). The years
//! after 2023 are illustrations throughout, up to today: what lies ahead of today is planned,
//! never carried out.

use amity_domain::activity::{Channel, DelegationState, Direction, EventType, MemberRole};
use amity_domain::authz::Actor;
use amity_domain::country::CountryCode;
use amity_domain::delegation::{DelegationSpec, Leg, Member, Who};
use amity_domain::event::EventSpec;
use amity_domain::money::{Currency, Money};
use amity_domain::person::PersonSpec;
use amity_domain::report::ReportState;
use anyhow::Context;
use chrono::{Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::reference::Provinces;
use crate::db::Conn;
use crate::{agreement, aid, delegation, event, partner, periodic};

/// Said of every date or figure the seed articles do not give.
const ILLUSTRATION: &str = "ngày, số liệu minh họa";

fn day(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| s.to_owned())
}

fn country(code: &str) -> anyhow::Result<CountryCode> {
    CountryCode::parse(code).map_err(|e| anyhow::anyhow!(e))
}

fn vnd(amount: i64) -> anyhow::Result<Money> {
    Money::new(Decimal::from(amount), Currency::vnd(), None).map_err(|e| anyhow::anyhow!(e))
}

async fn partner_id(conn: &mut Conn, q: &str) -> anyhow::Result<i64> {
    let filter = partner::PartnerFilter {
        q: Some(q.into()),
        ..Default::default()
    };
    partner::list(conn, &filter, ("name", false), 1, 0)
        .await?
        .0
        .first()
        .map(|p| p.id)
        .ok_or_else(|| anyhow::anyhow!("the demo's partner {q} is missing"))
}

/// A delegation as the demo records it.
struct Trip<'a> {
    direction: Direction,
    title: &'a str,
    purpose: &'a str,
    head: &'a str,
    head_country: &'a str,
    from: NaiveDate,
    to: NaiveDate,
    legs: &'a [(&'a str, &'a str)],
    partners: Vec<i64>,
    budget: i64,
    outcomes: &'a str,
}

/// The delegation a trip records; `ended`, with its outcomes and report.
fn spec_of(t: Trip<'_>, ended: bool) -> anyhow::Result<DelegationSpec> {
    let legs = t
        .legs
        .iter()
        .map(|(code, city)| {
            Ok(Leg {
                country: country(code)?,
                city: Some((*city).into()),
                from_on: t.from,
                to_on: t.to,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(DelegationSpec {
        direction: t.direction,
        title: t.title.into(),
        purpose: Some(t.purpose.into()),
        start_on: t.from,
        end_on: t.to,
        funding_source: Some(format!("Kinh phí hoạt động của đơn vị ({ILLUSTRATION})")),
        budget: Some(vnd(t.budget)?),
        expected_outcomes: None,
        actual_outcomes: ended.then(|| t.outcomes.to_owned()),
        report: ended.then(|| format!("{} ({ILLUSTRATION}).", t.outcomes)),
        members: vec![Member {
            who: Who::Named(PersonSpec {
                name: t.head.into(),
                nationality: Some(country(t.head_country)?),
                ..Default::default()
            }),
            role: MemberRole::Head,
        }],
        legs,
        partners: t.partners,
        tasks: vec![],
    })
}

/// Records a delegation and moves it as far as its dates allow by `today`: carried out and
/// reported when it has ended, approved when it lies ahead.
async fn trip(conn: &mut Conn, unit: i64, t: Trip<'_>, today: NaiveDate) -> anyhow::Result<i64> {
    let ended = t.to < today;
    let mut moves = vec![DelegationState::Submitted, DelegationState::Approved];
    if ended {
        moves.extend([DelegationState::Completed, DelegationState::Reported]);
    }
    recorded(conn, unit, spec_of(t, ended)?, &moves).await
}

/// Records a delegation, then makes `moves`.
async fn recorded(
    conn: &mut Conn,
    unit: i64,
    spec: DelegationSpec,
    moves: &[DelegationState],
) -> anyhow::Result<i64> {
    let system = Actor::system();
    let created = delegation::create(conn, &system, &spec, Some(unit)).await?;
    for to in moves {
        delegation::transition(conn, &system, created.id, *to, None).await?;
    }
    Ok(created.id)
}

/// An event held in Vietnam, in person.
#[allow(clippy::too_many_arguments)]
fn held(
    kind: EventType,
    title: &str,
    on: NaiveDate,
    place: &str,
    participants: i64,
    foreign: i64,
    countries: Vec<CountryCode>,
    partners: Vec<i64>,
) -> EventSpec {
    EventSpec {
        event_type: kind,
        channel: Channel::InPerson,
        connected_sites: None,
        title: title.into(),
        start_on: on,
        end_on: on,
        place_country: CountryCode::parse("VN").ok(),
        place: Some(place.into()),
        participants,
        foreign_participants: foreign,
        description: Some(format!("Bản ghi minh họa ({ILLUSTRATION}).")),
        results: None,
        co_organizers: vec![],
        partners,
        countries,
        tasks: vec![],
    }
}

/// The federation's 2023 delegations from seed article 003.
async fn federation_2023(conn: &mut Conn, vufo: i64, today: NaiveDate) -> anyhow::Result<()> {
    let lao_front = partner_id(conn, "Mặt trận Lào").await?;
    let anc = partner_id(conn, "ANC").await?;
    let mpla = partner_id(conn, "MPLA").await?;
    let psuv = partner_id(conn, "PSUV").await?;
    let pcdob = partner_id(conn, "PCdoB").await?;
    let cpim = partner_id(conn, "CPI(M)").await?;
    let singapore = partner_id(conn, "People's Association").await?;
    let head = "Trưởng đoàn Liên hiệp các tổ chức hữu nghị Việt Nam";
    let trips = [
        Trip {
            direction: Direction::Outbound,
            title: "Đoàn đại biểu thăm, làm việc tại Lào",
            purpose: "Tiếp xúc, làm việc với Lãnh đạo Đảng, Nhà nước Lào; trao đổi kinh nghiệm công tác dân vận",
            head,
            head_country: "VN",
            from: day("2023-04-10")?,
            to: day("2023-04-14")?,
            legs: &[("LA", "Viêng Chăn")],
            partners: vec![lao_front],
            budget: 380_000_000,
            outcomes: "Hai bên đánh giá cao việc phối hợp triển khai các thỏa thuận giữa lãnh đạo cấp cao hai Đảng, hai Nhà nước",
        },
        Trip {
            direction: Direction::Outbound,
            title: "Đoàn đại biểu thăm, làm việc tại Iran",
            purpose: "Làm việc, chia sẻ kinh nghiệm với các đối tác Iran",
            head,
            head_country: "VN",
            from: day("2023-08-21")?,
            to: day("2023-08-24")?,
            legs: &[("IR", "Tehran")],
            partners: vec![],
            budget: 620_000_000,
            outcomes: "Nhiều cuộc làm việc, chia sẻ kinh nghiệm hiệu quả với bạn bè Iran",
        },
        Trip {
            direction: Direction::Outbound,
            title: "Đoàn đại biểu thăm, làm việc tại Nigeria",
            purpose: "Tăng cường quan hệ hữu nghị, hợp tác với các nước châu Phi",
            head,
            head_country: "VN",
            from: day("2023-08-25")?,
            to: day("2023-08-28")?,
            legs: &[("NG", "Abuja")],
            partners: vec![],
            budget: 540_000_000,
            outcomes: "Góp phần tăng cường quan hệ hữu nghị, hợp tác giữa Việt Nam với khu vực Trung Đông – châu Phi",
        },
        Trip {
            direction: Direction::Outbound,
            title: "Đoàn công tác thăm, làm việc tại Nam Phi, Angola, Brasil và Venezuela",
            purpose: "Làm việc với các chính đảng và tổ chức đối tác",
            head,
            head_country: "VN",
            from: day("2023-10-02")?,
            to: day("2023-10-14")?,
            legs: &[
                ("ZA", "Johannesburg"),
                ("AO", "Luanda"),
                ("BR", "Brasília"),
                ("VE", "Caracas"),
            ],
            partners: vec![anc, mpla, pcdob, psuv],
            budget: 1_450_000_000,
            outcomes: "Làm việc với MPLA, ANC, Đảng Xã hội chủ nghĩa Thống nhất Venezuela và Đảng Cộng sản Brazil",
        },
        Trip {
            direction: Direction::Outbound,
            title: "Đoàn công tác tập huấn, trao đổi kinh nghiệm tại Lào",
            purpose: "Tập huấn công tác dân vận cho cán bộ Ủy ban Trung ương Mặt trận Lào xây dựng đất nước theo đề nghị của phía Bạn",
            head,
            head_country: "VN",
            from: day("2023-12-11")?,
            to: day("2023-12-14")?,
            legs: &[("LA", "Viêng Chăn")],
            partners: vec![lao_front],
            budget: 290_000_000,
            outcomes: "Tập huấn, trao đổi kinh nghiệm công tác dân vận cho đội ngũ cán bộ Mặt trận Lào",
        },
        Trip {
            direction: Direction::Inbound,
            title: "Đoàn đại biểu cấp cao Ủy ban Trung ương Mặt trận Lào xây dựng đất nước thăm Việt Nam",
            purpose: "Thăm, làm việc và hội đàm",
            head: "Xỉn-la-vông Khút-phay-thun",
            head_country: "LA",
            from: day("2023-06-19")?,
            to: day("2023-06-23")?,
            legs: &[("VN", "Hà Nội")],
            partners: vec![lao_front],
            budget: 320_000_000,
            outcomes: "Hội đàm, thống nhất các nội dung hợp tác năm tiếp theo",
        },
        Trip {
            direction: Direction::Inbound,
            title: "Đoàn Tổng Bí thư Đảng Cộng sản Ấn Độ (Mác-xít) thăm Việt Nam",
            purpose: "Tiếp, làm việc",
            head: "Tổng Bí thư Đảng Cộng sản Ấn Độ (Mác-xít)",
            head_country: "IN",
            from: day("2023-11-06")?,
            to: day("2023-11-08")?,
            legs: &[("VN", "Hà Nội")],
            partners: vec![cpim],
            budget: 150_000_000,
            outcomes: "Trao đổi thông tin về tình hình mỗi Đảng, mỗi nước",
        },
        Trip {
            direction: Direction::Inbound,
            title: "Đoàn đại biểu Hiệp hội Nhân dân Singapore thăm Việt Nam",
            purpose: "Tiếp, làm việc",
            head: "Trưởng đoàn Hiệp hội Nhân dân Singapore",
            head_country: "SG",
            from: day("2023-09-12")?,
            to: day("2023-09-14")?,
            legs: &[("VN", "Hà Nội")],
            partners: vec![singapore],
            budget: 120_000_000,
            outcomes: "Chia sẻ kinh nghiệm gắn kết cộng đồng",
        },
    ];
    for t in trips {
        trip(conn, vufo, t, today).await?;
    }
    Ok(())
}

/// Khánh Hòa's work from 2023 to today: the union before the 2025 merger until 30 June 2025,
/// the merged union after.
async fn khanh_hoa(conn: &mut Conn, provinces: &Provinces, today: NaiveDate) -> anyhow::Result<()> {
    let old = provinces.before["56"];
    let new = provinces.after["56"];
    let merger = day("2025-07-01")?;
    let unit_on = |d: NaiveDate| if d < merger { old } else { new };
    let lao_front = partner_id(conn, "Mặt trận Lào").await?;
    let system = Actor::system();

    // Seed article 004: the friendship festival in India (its dates are not given).
    trip(
        conn,
        old,
        Trip {
            direction: Direction::Outbound,
            title: "Đoàn Liên hiệp Khánh Hòa tham gia Liên hoan hữu nghị tại Ấn Độ",
            purpose: "Tham gia Liên hoan hữu nghị, giới thiệu văn hóa Khánh Hòa",
            head: "Chủ tịch Liên hiệp các tổ chức hữu nghị tỉnh Khánh Hòa",
            head_country: "VN",
            from: day("2023-11-20")?,
            to: day("2023-11-25")?,
            legs: &[("IN", "New Delhi")],
            partners: vec![],
            budget: 260_000_000,
            outcomes: "Biểu diễn, giới thiệu văn hóa, du lịch Khánh Hòa tại Liên hoan",
        },
        today,
    )
    .await?;

    let envoys = ["FR", "GB", "AU", "US", "KR"];
    let envoy_names = ["Pháp", "Anh", "Úc", "Hoa Kỳ", "Hàn Quốc"];
    for year in 2023..=today.year() {
        let on = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).context("a demo date");
        let n = (year - 2023) as usize;
        let scale = 1 + (year - 2023) as i64;
        // The ambassadors and consuls general the article counts among 20–40 visits a year.
        let visit = on(3, 14)?;
        let envoy = envoys[n % envoys.len()];
        let title = format!(
            "Đoàn Đại sứ quán {} thăm, làm việc với Liên hiệp Khánh Hòa",
            envoy_names[n % envoy_names.len()]
        );
        trip(
            conn,
            unit_on(visit),
            Trip {
                direction: Direction::Inbound,
                title: &title,
                purpose: "Tìm hiểu cơ hội hợp tác giáo dục, văn hóa với tỉnh",
                head: "Đại sứ",
                head_country: envoy,
                from: visit,
                to: visit,
                legs: &[("VN", "Nha Trang")],
                partners: vec![],
                budget: 15_000_000,
                outcomes: "Thống nhất trao đổi đoàn học sinh, sinh viên trong năm",
            },
            today,
        )
        .await?;
        let lao_visit = on(7, 8)?;
        trip(
            conn,
            unit_on(lao_visit),
            Trip {
                direction: Direction::Inbound,
                title: "Đoàn Mặt trận Lào xây dựng đất nước thăm, làm việc tại Khánh Hòa",
                purpose: "Trao đổi kinh nghiệm công tác mặt trận, hữu nghị nhân dân",
                head: "Phó Chủ tịch Ủy ban Mặt trận Lào xây dựng đất nước",
                head_country: "LA",
                from: lao_visit,
                to: on(7, 11)?,
                legs: &[("VN", "Nha Trang")],
                partners: vec![lao_front],
                budget: 85_000_000,
                outcomes: "Ký biên bản ghi nhớ trao đổi đoàn năm sau",
            },
            today,
        )
        .await?;
        if year > 2023 {
            let away = on(10, 6)?;
            trip(
                conn,
                unit_on(away),
                Trip {
                    direction: Direction::Outbound,
                    title: "Đoàn Liên hiệp Khánh Hòa thăm, làm việc tại Lào",
                    purpose: "Giao lưu hữu nghị, trao quà cho học sinh Lào học tiếng Việt",
                    head: "Chủ tịch Liên hiệp các tổ chức hữu nghị tỉnh Khánh Hòa",
                    head_country: "VN",
                    from: away,
                    to: on(10, 10)?,
                    legs: &[("LA", "Pắc-xế")],
                    partners: vec![lao_front],
                    budget: 180_000_000,
                    outcomes: "Trao 50 suất quà, giao lưu văn nghệ với Mặt trận Lào tỉnh Champasak",
                },
                today,
            )
            .await?;
        }
        let events = [
            held(
                EventType::FriendshipExchange,
                "Giao lưu hữu nghị Việt Nam – Lào mừng Tết Bun-pi-mai",
                on(4, 13)?,
                "Nha Trang",
                120 + 10 * scale,
                25 + scale,
                vec![country("LA")?],
                vec![lao_front],
            ),
            held(
                EventType::FriendshipExchange,
                "Giao lưu văn hóa Việt Nam – Campuchia",
                on(6, 20)?,
                "Cam Ranh",
                90 + 5 * scale,
                18,
                vec![country("KH")?],
                vec![],
            ),
            held(
                EventType::FriendshipExchange,
                "Gặp mặt hữu nghị với thủy thủ đoàn tàu thăm cảng Cam Ranh",
                on(9, 5)?,
                "Cảng quốc tế Cam Ranh",
                150,
                60 + 5 * scale,
                vec![country("RU")?],
                vec![],
            ),
            held(
                EventType::Conference,
                &format!("Hội nghị tổng kết công tác đối ngoại nhân dân năm {year}"),
                on(12, 4)?,
                "Nha Trang",
                80,
                0,
                vec![],
                vec![],
            ),
        ];
        for e in events {
            if e.start_on <= today {
                let unit = unit_on(e.start_on);
                event::create(conn, &system, &e, Some(unit)).await?;
            }
        }
    }
    // What waits on today's union: a draft, a request for its head, one returned to it.
    let next = today + chrono::Days::new(40);
    let asean = Trip {
        direction: Direction::Outbound,
        title: "Đoàn Liên hiệp Khánh Hòa dự Diễn đàn nhân dân ASEAN",
        purpose: "Tham dự Diễn đàn, giới thiệu kinh nghiệm đối ngoại nhân dân địa phương",
        head: "Chủ tịch Liên hiệp các tổ chức hữu nghị tỉnh Khánh Hòa",
        head_country: "VN",
        from: next,
        to: next + chrono::Days::new(3),
        legs: &[("MY", "Kuala Lumpur")],
        partners: vec![],
        budget: 210_000_000,
        outcomes: "",
    };
    draft_trip(conn, new, asean, &[]).await?;
    let consul = Trip {
        direction: Direction::Inbound,
        title: "Đoàn Tổng Lãnh sự quán Nga tại Đà Nẵng thăm Khánh Hòa",
        purpose: "Bàn chương trình giao lưu nhân dịp kỷ niệm quan hệ ngoại giao Việt Nam – Nga",
        head: "Tổng Lãnh sự",
        head_country: "RU",
        from: today + chrono::Days::new(20),
        to: today + chrono::Days::new(20),
        legs: &[("VN", "Nha Trang")],
        partners: vec![],
        budget: 20_000_000,
        outcomes: "",
    };
    draft_trip(conn, new, consul, &[DelegationState::Submitted]).await?;
    let cambodia = Trip {
        direction: Direction::Outbound,
        title: "Đoàn Liên hiệp Khánh Hòa thăm, làm việc tại Campuchia",
        purpose: "Giao lưu hữu nghị với tỉnh kết nghĩa",
        head: "Phó Chủ tịch Liên hiệp các tổ chức hữu nghị tỉnh Khánh Hòa",
        head_country: "VN",
        from: today + chrono::Days::new(60),
        to: today + chrono::Days::new(63),
        legs: &[("KH", "Xiêm Riệp")],
        partners: vec![],
        budget: 160_000_000,
        outcomes: "",
    };
    let returned = draft_trip(conn, new, cambodia, &[DelegationState::Submitted]).await?;
    delegation::transition(
        conn,
        &system,
        returned,
        DelegationState::Returned,
        Some("Bổ sung dự toán kinh phí và chương trình làm việc chi tiết"),
    )
    .await?;
    aid_projects(conn, old, new, today).await?;
    agreement_with_laos(conn, new, lao_front, today).await?;
    reports(conn, (old, new, provinces.after["48"]), today).await?;
    Ok(())
}

/// A delegation not yet decided: recorded, then moved by `moves` only.
async fn draft_trip(
    conn: &mut Conn,
    unit: i64,
    t: Trip<'_>,
    moves: &[DelegationState],
) -> anyhow::Result<i64> {
    recorded(conn, unit, spec_of(t, false)?, moves).await
}

/// Two NGO projects with money in each year from 2023 to today.
async fn aid_projects(conn: &mut Conn, old: i64, new: i64, today: NaiveDate) -> anyhow::Result<()> {
    use amity_domain::aid::{
        OrgRole, ProjectDraft, ProjectOrg, ResultDraft, Share, TransactionDraft,
    };
    let system = Actor::system();
    let ngo = |vi: &str, latin: &str, code: &str| partner::PartnerSpec {
        kind: amity_domain::partner::PartnerKind::Ngo,
        category: None,
        country: CountryCode::parse(code).ok(),
        name_native: None,
        name_latin: Some(latin.into()),
        name_vi: Some(vi.into()),
        acronyms: vec![],
        aliases: vec![],
        website: None,
        address: None,
        note: Some(format!("Tổ chức trong bản ghi minh họa ({ILLUSTRATION}).")),
        founded: None,
    };
    let world_vision = partner::create(
        conn,
        &system,
        &ngo(
            "Tổ chức Tầm nhìn Thế giới",
            "World Vision International",
            "US",
        ),
        Some(new),
        true,
    )
    .await?
    .id;
    let plan = partner::create(
        conn,
        &system,
        &ngo("Tổ chức Plan International", "Plan International", "GB"),
        Some(new),
        true,
    )
    .await?
    .id;
    let water = aid::create(
        conn,
        &system,
        &ProjectDraft {
            code: Some("KH-NUOC-2023".into()),
            title_vi: Some("Nước sạch cho các trường học huyện Khánh Sơn".into()),
            title_en: Some("Clean water for the schools of Khánh Sơn district".into()),
            unit_id: Some(old),
            status: Some("closed".into()),
            planned_start: Some(day("2023-03-01")?),
            planned_end: Some(day("2025-06-30")?),
            actual_start: Some(day("2023-03-01")?),
            actual_end: Some(day("2025-06-30")?),
            description: Some(format!("Dự án minh họa ({ILLUSTRATION}).")),
            beneficiaries: Some("12 trường tiểu học, khoảng 3.000 học sinh".into()),
            organizations: vec![ProjectOrg {
                partner_id: world_vision,
                role: OrgRole::Funding,
            }],
            sectors: vec![Share {
                key: "14030".into(),
                percent: 100.into(),
            }],
            provinces: vec![Share {
                key: old,
                percent: 100.into(),
            }],
            results: vec![ResultDraft {
                kind: Some("output".into()),
                indicator_vi: Some("Số trường có hệ thống nước sạch".into()),
                indicator_en: Some("Schools with clean water".into()),
                baseline: Some("0".into()),
                baseline_year: Some(2023),
                target: Some("12".into()),
                actual: Some("12".into()),
                ..Default::default()
            }],
            ..Default::default()
        },
    )
    .await?;
    for (kind, on, amount) in [
        ("commitment", "2023-03-01", "2400000000"),
        ("disbursement", "2023-06-15", "800000000"),
        ("disbursement", "2024-05-20", "900000000"),
        ("disbursement", "2025-04-10", "700000000"),
    ] {
        let t = TransactionDraft {
            kind: Some(kind.into()),
            date: Some(day(on)?),
            amount: Some(amount.into()),
            currency: Some("VND".into()),
            rate_to_vnd: None,
            note: None,
        };
        aid::add_transaction(conn, &system, water.id, &t).await?;
    }
    let scholarships = aid::create(
        conn,
        &system,
        &ProjectDraft {
            code: Some("KH-HOCBONG-2024".into()),
            title_vi: Some("Học bổng cho học sinh nghèo vượt khó tỉnh Khánh Hòa".into()),
            title_en: Some("Scholarships for pupils in need in Khánh Hòa".into()),
            unit_id: Some(new),
            status: Some("implementation".into()),
            planned_start: Some(day("2024-01-01")?),
            planned_end: NaiveDate::from_ymd_opt(today.year() + 1, 12, 31),
            actual_start: Some(day("2024-01-01")?),
            description: Some(format!("Dự án minh họa ({ILLUSTRATION}).")),
            beneficiaries: Some("Học sinh nghèo vượt khó các huyện miền núi".into()),
            organizations: vec![ProjectOrg {
                partner_id: plan,
                role: OrgRole::Funding,
            }],
            sectors: vec![Share {
                key: "11220".into(),
                percent: 100.into(),
            }],
            provinces: vec![Share {
                key: new,
                percent: 100.into(),
            }],
            ..Default::default()
        },
    )
    .await?;
    let mut money = vec![(
        "commitment".to_owned(),
        day("2024-01-10")?,
        "120000".to_owned(),
    )];
    for year in 2024..=today.year() {
        if let Some(on) = NaiveDate::from_ymd_opt(year, 3, 15).filter(|d| *d <= today) {
            money.push((
                "disbursement".into(),
                on,
                (30_000 + 5_000 * (year - 2024)).to_string(),
            ));
        }
    }
    for (kind, on, amount) in money {
        let t = TransactionDraft {
            kind: Some(kind),
            date: Some(on),
            amount: Some(amount),
            currency: Some("USD".into()),
            rate_to_vnd: Some("25400".into()),
            note: Some(ILLUSTRATION.into()),
        };
        aid::add_transaction(conn, &system, scholarships.id, &t).await?;
    }
    Ok(())
}

/// A cooperation agreement with the Lao Front, with a task for each year from 2024.
async fn agreement_with_laos(
    conn: &mut Conn,
    new: i64,
    lao_front: i64,
    today: NaiveDate,
) -> anyhow::Result<()> {
    use amity_domain::partner::{AgreementStatus, TaskStatus};
    let system = Actor::system();
    let created = agreement::create(
        conn,
        &system,
        &agreement::AgreementSpec {
            title: "Thỏa thuận hợp tác hữu nghị giữa Liên hiệp Khánh Hòa và Mặt trận Lào xây dựng đất nước tỉnh Champasak giai đoạn 2024 – 2028".into(),
            number: None,
            signed_on: Some(day("2024-01-18")?),
            signed_place: Some("Nha Trang".into()),
            valid_from: Some(day("2024-01-18")?),
            valid_to: Some(day("2028-12-31")?),
            status: AgreementStatus::InForce,
            note: Some(format!("Bản ghi minh họa ({ILLUSTRATION}).")),
            partners: vec![lao_front],
            units: vec![],
            named_parties: vec![],
        },
        Some(new),
    )
    .await?;
    for year in 2024..=today.year() {
        let status = if year < today.year() {
            TaskStatus::Done
        } else {
            TaskStatus::InProgress
        };
        agreement::add_task(
            conn,
            &system,
            created.id,
            year,
            "Trao đổi đoàn và tổ chức giao lưu hữu nghị nhân dịp Tết Bun-pi-mai",
            new,
            status,
        )
        .await?;
    }
    Ok(())
}

/// Annual reports: Khánh Hòa's 2023 and Đà Nẵng's 2024 filed and approved; Khánh Hòa's later
/// years not yet filed (overdue); Khánh Hòa's latest quarter returned for more figures.
async fn reports(
    conn: &mut Conn,
    (old, new, da_nang): (i64, i64, i64),
    today: NaiveDate,
) -> anyhow::Result<()> {
    use periodic::ReportInput;
    let system = Actor::system();
    let fill = |form: &periodic::Form, results: &str, scale: f64| ReportInput {
        results: Some(results.into()),
        shortcomings: Some("Kinh phí hoạt động còn hạn chế; lực lượng cán bộ mỏng.".into()),
        directions: Some(
            "Mở rộng quan hệ với các đối tác mới; nâng cao chất lượng thông tin đối ngoại.".into(),
        ),
        values: form
            .manual
            .iter()
            .map(|code| {
                let v = match code.as_str() {
                    "members_new" => 12.0,
                    "funds_mobilized" => 2_500_000_000.0,
                    "media_items" => 48.0,
                    _ => 4.0,
                };
                (code.clone(), Some(v * scale))
            })
            .collect(),
    };
    let annual = periodic::form(conn, "BC-NAM").await?;
    let filed = periodic::list(
        conn,
        &system,
        &periodic::ReportFilter {
            form: Some("BC-NAM".into()),
            period: Some("2023".into()),
            units: Some([old].into()),
            ..Default::default()
        },
        1,
        0,
    )
    .await?
    .0;
    let first = match filed.first() {
        Some(r) => r.id,
        None => {
            periodic::create(conn, &system, "BC-NAM", old, "2023")
                .await?
                .id
        }
    };
    // Today's Đà Nẵng files 2024 for the two unions it was formed from; Khánh Hòa's 2024 and
    // later years are left to be filed (past their deadlines).
    let second = periodic::create(conn, &system, "BC-NAM", da_nang, "2024")
        .await?
        .id;
    for (id, results, scale) in [
        (
            first,
            "Tham gia Liên hoan hữu nghị tại Ấn Độ; nâng cấp trang thông tin điện tử 6 ngôn ngữ; là cụm trưởng Cụm 3 năm 2023.",
            1.0,
        ),
        (
            second,
            "Năm 2024: tổ chức cuộc thi tiếng Trung, tiếp các đoàn Đại sứ và đoàn khám chữa bệnh tại Lào (minh họa).",
            1.2,
        ),
    ] {
        periodic::update(conn, &system, id, &fill(&annual, results, scale)).await?;
        periodic::transition(conn, &system, id, ReportState::Submitted, None).await?;
        periodic::transition(conn, &system, id, ReportState::Approved, None).await?;
    }
    // The latest quarter ended: submitted and returned for more figures.
    let quarter = (today.month0() / 3) as i32;
    let (year, q) = if quarter == 0 {
        (today.year() - 1, 4)
    } else {
        (today.year(), quarter)
    };
    let quarterly = periodic::form(conn, "BC-QUY").await?;
    let returned = periodic::create(conn, &system, "BC-QUY", new, &format!("{year}-Q{q}")).await?;
    periodic::update(
        conn,
        &system,
        returned.id,
        &fill(
            &quarterly,
            "Hoạt động giao lưu, tiếp đoàn trong quý (minh họa).",
            0.25,
        ),
    )
    .await?;
    periodic::transition(conn, &system, returned.id, ReportState::Submitted, None).await?;
    periodic::transition(
        conn,
        &system,
        returned.id,
        ReportState::Draft,
        Some("Bổ sung số liệu các hoạt động giao lưu tháng cuối quý"),
    )
    .await?;
    Ok(())
}

/// The living years: the federation's 2023 delegations and Khánh Hòa's work to today.
pub(super) async fn load(conn: &mut Conn, provinces: &Provinces, vufo: i64) -> anyhow::Result<()> {
    let today = Utc::now().date_naive();
    federation_2023(conn, vufo, today).await?;
    khanh_hoa(conn, provinces, today).await?;
    Ok(())
}
