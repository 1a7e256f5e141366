//! Foreign NGOs' applications (e-procedures): what each procedure asks for and how long it may
//! take, the states an application moves through, and its deadline in working days.

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::activity::vocabulary;
use crate::ngo::PermitKind;
use crate::partner::{Vocabulary, parse_vocabulary};

vocabulary!(
    /// What an NGO applies for.
    Procedure, "procedure", {
        NewRegistration => "new_registration",
        Extension => "extension",
        Amendment => "amendment",
        ProjectOffice => "project_office",
        RepresentativeOffice => "representative_office",
        ProjectApproval => "project_approval",
    }
);

vocabulary!(
    /// Where an application stands.
    ApplicationState, "application_state", {
        Submitted => "submitted",
        UnderReview => "under_review",
        InfoRequested => "info_requested",
        Approved => "approved",
        Refused => "refused",
    }
);

impl Procedure {
    /// The documents the application must include.
    pub fn required_documents(self) -> &'static [&'static str] {
        match self {
            Procedure::NewRegistration => &[
                "Đơn đề nghị cấp giấy đăng ký hoạt động",
                "Điều lệ của tổ chức",
                "Giấy tờ chứng minh tư cách pháp nhân",
                "Báo cáo hoạt động tại Việt Nam",
                "Thư giới thiệu của đối tác Việt Nam",
            ],
            Procedure::Extension => &[
                "Đơn đề nghị gia hạn",
                "Báo cáo hoạt động trong thời hạn của giấy",
                "Bản sao giấy đăng ký đang có hiệu lực",
            ],
            Procedure::Amendment => &[
                "Đơn đề nghị sửa đổi, bổ sung",
                "Giải trình nội dung sửa đổi",
                "Bản sao giấy đăng ký đang có hiệu lực",
            ],
            Procedure::ProjectOffice => &[
                "Đơn đề nghị lập Văn phòng dự án",
                "Văn kiện dự án đã được phê duyệt",
                "Bản sao giấy đăng ký hoạt động",
            ],
            Procedure::RepresentativeOffice => &[
                "Đơn đề nghị lập Văn phòng đại diện",
                "Báo cáo hoạt động tại Việt Nam",
                "Bản sao giấy đăng ký hoạt động",
                "Lý lịch của người đứng đầu văn phòng",
            ],
            Procedure::ProjectApproval => &[
                "Văn kiện dự án",
                "Cam kết tài trợ",
                "Ý kiến của đơn vị đối tác Việt Nam",
            ],
        }
    }

    /// The processing time the office holds itself to, in working days from submission (the
    /// clock restarts when requested information is sent).
    pub fn working_days(self) -> u64 {
        match self {
            Procedure::NewRegistration | Procedure::RepresentativeOffice => 30,
            Procedure::ProjectOffice | Procedure::ProjectApproval => 20,
            Procedure::Extension | Procedure::Amendment => 15,
        }
    }

    /// The kind of permit an approval issues, for procedures that issue one.
    pub fn issues(self) -> Option<PermitKind> {
        match self {
            Procedure::NewRegistration => Some(PermitKind::OperationRegistration),
            Procedure::ProjectOffice => Some(PermitKind::ProjectOffice),
            Procedure::RepresentativeOffice => Some(PermitKind::RepresentativeOffice),
            Procedure::Extension | Procedure::Amendment | Procedure::ProjectApproval => None,
        }
    }

    /// Whether it concerns a permit the NGO holds (extension, amendment).
    pub fn needs_permit(self) -> bool {
        matches!(self, Procedure::Extension | Procedure::Amendment)
    }
}

impl ApplicationState {
    /// Whether the office has decided.
    pub fn is_final(self) -> bool {
        matches!(self, ApplicationState::Approved | ApplicationState::Refused)
    }

    /// The state a move leads to, or why there is no such move: the office takes a submitted
    /// application under review, asks for more, approves or refuses; the applicant answers a
    /// request by submitting again.
    pub fn after(self, to: ApplicationState) -> Result<ApplicationState, crate::error::Problem> {
        use ApplicationState::*;
        match (self, to) {
            (Submitted, UnderReview)
            | (UnderReview, InfoRequested | Approved | Refused)
            | (InfoRequested, Submitted) => Ok(to),
            _ => Err(crate::error::said("cannot-move", [])),
        }
    }

    /// Whether the move is the applicant's (the others are the office's).
    pub fn is_applicants(from: ApplicationState, to: ApplicationState) -> bool {
        from == ApplicationState::InfoRequested && to == ApplicationState::Submitted
    }
}

/// The day `working_days` working days after `from`: Monday to Friday, except the public
/// holidays in `holidays`.
pub fn deadline(from: NaiveDate, working_days: u64, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
    let mut day = from;
    let mut left = working_days;
    while left > 0 {
        day = day.checked_add_days(Days::new(1)).unwrap_or(day);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn deadlines_count_working_days() {
        let none = BTreeSet::new();
        assert_eq!(
            deadline(d("2026-11-20"), 1, &none),
            d("2026-11-23"),
            "Friday + 1 is Monday"
        );
        assert_eq!(
            deadline(d("2026-11-23"), 15, &none),
            d("2026-12-14"),
            "three weeks of five days"
        );
        assert_eq!(
            deadline(d("2026-11-21"), 5, &none),
            d("2026-11-27"),
            "from a Saturday"
        );
    }

    #[test]
    fn deadlines_skip_public_holidays() {
        let tet: BTreeSet<NaiveDate> = [
            "2026-02-16",
            "2026-02-17",
            "2026-02-18",
            "2026-02-19",
            "2026-02-20",
        ]
        .map(d)
        .into();
        assert_eq!(
            deadline(d("2026-02-13"), 1, &tet),
            d("2026-02-23"),
            "the week of Tết is not counted"
        );
        assert_eq!(
            deadline(d("2026-02-10"), 5, &tet),
            d("2026-02-24"),
            "three days before Tết, two after"
        );
        let weekend: BTreeSet<NaiveDate> = [d("2026-11-22")].into();
        assert_eq!(
            deadline(d("2026-11-20"), 1, &weekend),
            d("2026-11-23"),
            "a holiday on a Sunday changes nothing"
        );
    }

    #[test]
    fn applications_move_in_order() {
        use ApplicationState::*;
        assert_eq!(Submitted.after(UnderReview), Ok(UnderReview));
        assert!(Submitted.after(Approved).is_err(), "reviewed first");
        assert!(Approved.after(UnderReview).is_err() && Approved.is_final());
        assert!(
            ApplicationState::is_applicants(InfoRequested, Submitted)
                && !ApplicationState::is_applicants(UnderReview, Approved)
        );
        assert_eq!(
            Procedure::NewRegistration.issues(),
            Some(PermitKind::OperationRegistration)
        );
        assert!(
            Procedure::Extension.needs_permit()
                && Procedure::Extension.required_documents().len() == 3
        );
    }
}
