//! The validate stage: the rules of return-format v1 over a parsed return. Each rule is a
//! small function named after its code that looks and reports; none edits the return.
//!
//! Rules that compare with the archive (last month's return, other units' projects) live
//! with the archive; these need only the file, the roster and the batch period.

pub(crate) mod history;
mod rules;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::Period;
use crate::parse::ParsedReturn;

/// What a rule looks at.
pub(crate) struct Subject<'a> {
    pub ret: &'a ParsedReturn,
    pub cfg: &'a Config,
    /// The period the batch is for; a return for another month is an error.
    pub batch_period: Option<Period>,
}

impl Subject<'_> {
    /// The month the return's figures are for: its own period, else the batch's.
    pub(crate) fn period(&self) -> Option<Period> {
        self.ret.period.or(self.batch_period)
    }
}

/// A rule: its findings for one return.
pub(crate) type Rule = fn(&Subject) -> Vec<Diagnostic>;

/// Every file-only rule, in the order their findings are listed.
pub(crate) const RULES: &[Rule] = &[
    rules::period_mismatch,
    rules::column_span,
    rules::required_when_signed,
    rules::started_needs_date,
    rules::industry_in_list,
    rules::negative_amount,
    rules::text_too_long,
    rules::signed_after_period,
    rules::ytd_below_month,
    rules::duplicate_project,
    rules::funds_above_contract,
    rules::summary_mismatch,
    rules::total_mismatch,
    rules::negotiating_dated,
    rules::big_not_started,
    rules::implausible_magnitude,
];

/// Runs every rule.
pub(crate) fn validate(subject: &Subject) -> Vec<Diagnostic> {
    RULES.iter().flat_map(|rule| rule(subject)).collect()
}
