//! Hand-made archived returns for the aggregate, compose and workbook tests: the standard
//! return's projects stored for a unit, with or without last year's.

use tongbao::aggregate::{ReturnStatus, UnitInput};
use tongbao::archive::{StoredDiagnostic, StoredReturn, SubmissionInfo};
use tongbao::model::{Period, Project};

use crate::support::*;

pub const JUNE: Period = Period {
    year: 2025,
    month: 6,
};

/// The projects a form's ledger holds, as the parser types them.
pub fn projects(form: &Form) -> Vec<Project> {
    let r = check_form(form);
    r.parsed
        .and_then(|p| p.ledger)
        .map(|l| l.projects)
        .expect("ledger")
}

/// A current accepted return of `code` for `period`, carrying `warnings`.
pub fn stored_with_warnings(
    code: &str,
    period: Period,
    projects: Vec<Project>,
    warnings: Vec<StoredDiagnostic>,
) -> StoredReturn {
    StoredReturn {
        info: SubmissionInfo {
            id: 1,
            unit_code: Some(code.into()),
            period: Some(period),
            version: Some(1),
            file_name: format!("{code}.xlsx"),
            sha256: String::new(),
            received_at: "2025-07-03T09:00:00Z".into(),
            verdict: tongbao::model::Verdict::Accepted,
            superseded_by: None,
            unstated: Default::default(),
            errors: 0,
            warnings: i64::try_from(warnings.len()).unwrap_or(0),
        },
        projects,
        indicators: vec![],
        warnings,
        ledger: Default::default(),
    }
}

/// A current accepted return of `code` for `period`.
pub fn stored(code: &str, period: Period, projects: Vec<Project>) -> StoredReturn {
    stored_with_warnings(code, period, projects, vec![])
}

/// A unit with an accepted June return and, optionally, last year's.
pub fn accepted(code: &str, projects: Vec<Project>, last_year: Option<Vec<Project>>) -> UnitInput {
    UnitInput {
        code: code.into(),
        status: ReturnStatus::Accepted,
        current: Some(stored(code, JUNE, projects)),
        last_year: last_year
            .map(|p| tongbao::model::PeriodFigures::from_ledger(&p, JUNE.year_earlier()).ytd),
        confirmation: None,
    }
}

/// A unit without an accepted return.
pub fn absent(code: &str, status: ReturnStatus) -> UnitInput {
    UnitInput {
        code: code.into(),
        status,
        current: None,
        last_year: None,
        confirmation: None,
    }
}

/// The standard return with every contract amount doubled.
pub fn doubled() -> Form {
    let mut f = Form::valid();
    for row in &mut f.rows {
        if let V::N(x) = row[col("合同投资额")] {
            row[col("合同投资额")] = V::N(x * 2.0);
        }
    }
    f
}

/// The standard return moved a year back.
pub fn last_year_form() -> Form {
    Form::valid()
        .set_info("报告期", s("2024年6月"))
        .set(0, "签约日期", V::D(2024, 6, 10))
        .set(0, "开工日期", V::D(2024, 6, 20))
        .set(1, "签约日期", V::D(2024, 3, 5))
        .set(2, "签约日期", V::D(2024, 6, 1))
}
