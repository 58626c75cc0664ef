//! One test per rule of return-format v1, each on the standard return with one change.
//! The standard return's first project is on sheet row 3; 合同投资额 is column K.

use tongbao::diag::{Code, Severity};
use tongbao::lang::Lang;
use tongbao::model::{UsdWan, Wan};

use crate::support::*;

#[test]
fn the_standard_return_is_accepted_with_exact_figures() {
    let r = check_form(&Form::valid().with_true_summary());
    assert_eq!(codes(&r, Severity::Warning), vec![], "{:#?}", r.diagnostics);
    assert!(r.accepted());
    let unit = r.unit().expect("unit");
    assert_eq!(
        (unit.code.as_str(), unit.name.as_str()),
        ("500113", "巴南区")
    );
    let f = r.figures.expect("figures");
    assert_eq!(f.month.signed_count, 2);
    assert_eq!(f.month.signed_amount, Wan::from_units(67000));
    assert_eq!(f.month.big_count, 2);
    assert_eq!(f.month.started_count, 1);
    assert_eq!(f.month.started_investment, Wan::from_units(52000));
    assert_eq!(f.month.funds_in_place, Wan(170_050));
    assert_eq!(f.month.funds_out_of_province, Wan(120_050));
    assert_eq!(f.month.fdi_usd, UsdWan::from_units(50));
    assert_eq!(f.month.negotiating_count, 1);
    assert_eq!(f.ytd.signed_count, 3);
    assert_eq!(f.ytd.signed_amount, Wan::from_units(75000));
    assert_eq!(f.ytd.big_amount, Wan::from_units(67000));
    assert_eq!(f.ytd.funds_in_place, Wan::from_units(5500));
    assert_eq!(f.ytd.funds_out_of_province, Wan::from_units(3000));
    assert_eq!(f.ytd.fdi_usd, UsdWan::from_units(120));
}

#[test]
fn e_number_text_in_a_numeric_cell() {
    let r = check_form(&Form::valid().set(0, "合同投资额", s("约5000")));
    assert!(!r.accepted());
    assert_eq!(
        only(&r, Code::Number),
        (Some("K3".into()), Some("约5000".into()))
    );
}

#[test]
fn e_number_pending_in_funds() {
    let r = check_form(&Form::valid().set(1, "本月到位资金", s("待定")));
    assert_eq!(
        only(&r, Code::Number),
        (Some("N4".into()), Some("待定".into()))
    );
}

#[test]
fn e_number_range_far_beyond_any_figure() {
    let r = check_form(&Form::valid().set(0, "合同投资额", V::N(1e20)).set(
        1,
        "本月到位资金",
        s("1,000,000,000,000,000,000,000,000,000,000"),
    ));
    assert!(!r.accepted());
    let found: Vec<_> = r
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == Code::NumberRange)
        .map(|d| (d.cell_a1(), d.value.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (Some("K3".into()), Some("100000000000000000000".into())),
            (
                Some("N4".into()),
                Some("1,000,000,000,000,000,000,000,000,000,000".into())
            )
        ]
    );
    assert!(!r.diagnostics.0.iter().any(|d| d.code == Code::Number));
}

#[test]
fn w_ledger_several_the_visible_ledger_counts_and_the_other_is_named() {
    // A hidden 项目明细 first, and the visible ledger a reviewer sees after it with
    // another 合同投资额 in its first row.
    let seen = Form::valid().set(0, "合同投资额", V::N(99999.0));
    let mut sheets = Form::valid().sheets();
    let mut hidden = sheets.pop().expect("ledger");
    hidden.hidden = true;
    let mut visible = seen.sheets().pop().expect("ledger");
    visible.name = "项目明细(真)".into();
    sheets.push(hidden);
    sheets.push(visible);
    let r = check_bytes("巴南区.xlsx", &xlsx(&sheets));
    let only_seen = check_form(&seen);
    assert_eq!(
        r.figures.map(|f| f.ytd),
        only_seen.figures.map(|f| f.ytd),
        "the figures are the visible ledger's"
    );
    assert_ne!(
        only_seen.figures.map(|f| f.ytd),
        check_form(&Form::valid()).figures.map(|f| f.ytd)
    );
    let several: Vec<_> = r
        .diagnostics
        .0
        .iter()
        .filter(|d| d.code == Code::LedgerSeveral)
        .collect();
    assert_eq!(several.len(), 1, "{:#?}", r.diagnostics.0);
    assert_eq!(
        several[0].message(Lang::Zh),
        "工作表“项目明细”（隐藏）也是一张项目明细表，未读取；本表数字只取自“项目明细(真)”"
    );
    assert!(several[0]
        .message(Lang::En)
        .contains("\"项目明细\" (hidden)"));
    // One ledger: no such warning.
    assert!(!codes(&only_seen, Severity::Info).contains(&Code::LedgerSeveral));
}

/// The standard return with its ledger's projects `moved` to a second visible sheet
/// `other` under the same header (title row above it, as on 项目明细).
fn split_ledger(other: &str, moved: &[usize]) -> Vec<Sheet> {
    let mut sheets = Form::valid().sheets();
    let mut second = sheets.last().expect("ledger").clone();
    second.name = other.into();
    let ledger = sheets.last_mut().expect("ledger");
    ledger.rows = ledger
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 2 || !moved.contains(&(i - 2)))
        .map(|(_, r)| r.clone())
        .collect();
    second.rows = second
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 2 || moved.contains(&(i - 2)))
        .map(|(_, r)| r.clone())
        .collect();
    sheets.push(second);
    sheets
}

#[test]
fn e_ledger_several_projects_split_over_two_visible_sheets() {
    // 签约项目 and 在谈项目 on two sheets; the 6月 and 1-5月 projects on two sheets; a
    // corrected copy 项目明细 (2) beside the original. Reading either sheet alone counts
    // wrong figures: the return is refused, naming the other sheet at its first project.
    for (other, moved) in [
        ("在谈项目", vec![3]),
        ("1-5月项目", vec![1]),
        ("项目明细 (2)", vec![0, 1, 2, 3]),
    ] {
        let r = check_bytes("巴南区.xlsx", &xlsx(&split_ledger(other, &moved)));
        assert!(!r.accepted(), "{other}");
        let split: Vec<_> = r
            .diagnostics
            .0
            .iter()
            .filter(|d| d.code == Code::LedgerSplit)
            .collect();
        assert_eq!(split.len(), 1, "{other}: {:#?}", r.diagnostics.0);
        assert_eq!(split[0].severity(), Severity::Error);
        assert_eq!(split[0].sheet.as_deref(), Some(other));
        assert_eq!(split[0].row, Some(2), "{other}: the first project's row");
        assert_eq!(
            split[0].message(Lang::Zh),
            format!(
                "工作表“{other}”也是一张填有项目的项目明细表：项目分在“项目明细”和“{other}”两张表中，无法确定以哪张为准，也不能只读其中一张"
            )
        );
        assert!(split[0]
            .message(Lang::En)
            .contains(&format!("split between \"项目明细\" and \"{other}\"")));
        assert!(!codes(&r, Severity::Info).contains(&Code::LedgerSeveral));
    }
}

#[test]
fn w_ledger_several_a_visible_second_ledger_header_without_projects() {
    // An empty copy of the form left beside the ledger: nothing in it to count.
    let sheets = split_ledger("项目明细 (2)", &[]);
    let r = check_bytes("巴南区.xlsx", &xlsx(&sheets));
    assert!(r.accepted(), "{:#?}", r.diagnostics.0);
    assert_eq!(r.figures, check_form(&Form::valid()).figures);
    assert_eq!(
        codes(&r, Severity::Warning)
            .iter()
            .filter(|c| **c == Code::LedgerSeveral)
            .count(),
        1
    );
    assert!(!codes(&r, Severity::Info).contains(&Code::LedgerSplit));
}

#[test]
fn e_column_span_a_1_5_month_title_in_a_june_return() {
    // Last month's title left on the form: never read as this year's to date.
    let ytd = col("本年累计到位资金");
    for title in [
        "1-5月累计到位资金",
        "1—5月累计到位资金",
        "1至5月累计到位资金",
    ] {
        let mut form = Form::valid();
        form.header[ytd] = title.into();
        let r = check_form(&form);
        assert!(!r.accepted(), "{title}");
        let (cell, value) = only(&r, Code::ColumnSpan);
        assert_eq!(cell.as_deref(), Some("O2"), "{title}");
        assert_eq!(value.as_deref(), Some(title));
        let d = r
            .diagnostics
            .0
            .iter()
            .find(|d| d.code == Code::ColumnSpan)
            .expect("E-COLUMN-SPAN");
        assert_eq!(
            d.message(Lang::Zh),
            format!("列“{title}”是1-5月的数，而本表报告期为 2025-06，该列应为“1-6月累计到位资金”")
        );
        assert!(
            d.message(Lang::En).contains("January–May"),
            "{}",
            d.message(Lang::En)
        );
    }
    // The report month's span is the year to date.
    let mut form = Form::valid();
    form.header[ytd] = "1-6月累计到位资金".into();
    let r = check_form(&form);
    assert!(r.accepted(), "{:#?}", r.diagnostics.0);
    assert_eq!(r.figures, check_form(&Form::valid()).figures);
}

#[test]
fn e_column_span_in_the_summary_period_column() {
    let mut form = Form::valid().with_true_summary();
    form.summary.as_mut().expect("summary")[0][3] = s("1-5月累计");
    let r = check_form(&form);
    assert!(!r.accepted());
    let (cell, value) = only(&r, Code::ColumnSpan);
    assert_eq!(cell.as_deref(), Some("D1"));
    assert_eq!(value.as_deref(), Some("1-5月累计"));
    let d = r
        .diagnostics
        .0
        .iter()
        .find(|d| d.code == Code::ColumnSpan)
        .expect("E-COLUMN-SPAN");
    assert_eq!(d.sheet.as_deref(), Some("主要指标"));
    assert!(d.message(Lang::Zh).contains("该列应为“1-6月累计”"));
    assert!(check_form(&Form::valid().with_true_summary()).accepted());
}

#[test]
fn e_negative_amount() {
    let r = check_form(&Form::valid().set(1, "本月到位资金", V::N(-20.0)));
    assert!(!r.accepted());
    assert_eq!(only(&r, Code::Negative).0.as_deref(), Some("N4"));
}

#[test]
fn e_text_too_long() {
    // rust_xlsxwriter, like Excel, writes no longer cell: the name is put in the package's
    // shared strings by hand, as a file made by another program could hold it.
    let named = |name: &str| {
        let marker = "长名称占位";
        let form = Form::valid().set(2, "项目名称", s(marker));
        let mut parts = crate::hostile::unzip(&form.xlsx());
        let sst = crate::hostile::part(&mut parts, "xl/sharedStrings.xml");
        crate::hostile::replace_once(sst, marker, name);
        let bytes = crate::hostile::rezip(&parts, zip::CompressionMethod::Deflated);
        check_bytes("巴南区.xlsx", &bytes)
    };
    let r = named(&"长".repeat(40_000));
    assert!(!r.accepted());
    let (cell, value) = only(&r, Code::TextTooLong);
    assert_eq!(cell.as_deref(), Some("C5"));
    let shown = format!("{}…", "长".repeat(20));
    assert_eq!(value.as_deref(), Some(shown.as_str()));
    let d = r.diagnostics.0.iter().find(|d| d.code == Code::TextTooLong);
    let d = d.expect("found");
    let (zh, en) = (d.message(Lang::Zh), d.message(Lang::En));
    assert!(zh.contains("有 40000 个字符"), "{zh}");
    assert!(en.contains("40000 characters"), "{en}");
    // At Excel's limit the name is a name like any other.
    assert!(named(&"长".repeat(32_767)).accepted());
}

#[test]
fn e_date_not_a_date() {
    let r = check_form(&Form::valid().set(1, "签约日期", s("三月上旬")));
    assert_eq!(
        only(&r, Code::Date),
        (Some("J4".into()), Some("三月上旬".into()))
    );
}

#[test]
fn e_signed_after_period() {
    let r = check_form(&Form::valid().set(1, "签约日期", V::D(2025, 7, 2)));
    assert!(!r.accepted());
    assert_eq!(
        only(&r, Code::SignedAfterPeriod),
        (Some("J4".into()), Some("2025-07-02".into()))
    );
}

#[test]
fn e_ytd_below_month() {
    let r = check_form(&Form::valid().set(0, "本年累计到位资金", V::N(1000.0)));
    assert!(!r.accepted());
    assert_eq!(only(&r, Code::YtdBelowMonth).0.as_deref(), Some("O3"));
}

#[test]
fn e_duplicate_project() {
    let mut form = Form::valid();
    let copy = form.rows[1].clone();
    form.rows.push(copy);
    let r = check_form(&form);
    assert!(!r.accepted());
    assert_eq!(only(&r, Code::DuplicateProject).0.as_deref(), Some("B7"));
}

#[test]
fn e_duplicate_project_by_name_and_investor_without_ids() {
    let mut form = Form::valid();
    form.header.remove(col("项目编号"));
    for row in &mut form.rows {
        row.remove(col("项目编号"));
    }
    let mut copy = form.rows[0].clone();
    copy[1] = s("新材料 产业园"); // the same name once spaces are ignored
    form.rows.push(copy);
    let r = check_form(&form);
    assert_eq!(only(&r, Code::DuplicateProject).0.as_deref(), Some("B7"));
}

#[test]
fn a_blank_marker_in_project_id_is_no_id() {
    // A county without project numbers fills 项目编号 with `-` (or `—`, `/`, `无`): the
    // projects are told apart by name and investor, as without the column.
    for marker in ["-", "—", "/", "无"] {
        let mut form = Form::valid();
        for row in 0..form.rows.len() {
            form = form.set(row, "项目编号", s(marker));
        }
        let r = check_form(&form);
        assert!(r.accepted(), "{marker}: {:#?}", r.diagnostics.0);
        assert_eq!(r.figures, check_form(&Form::valid()).figures, "{marker}");
        // The same project twice is still one project twice.
        let copy = form.rows[1].clone();
        form.rows.push(copy);
        let r = check_form(&form);
        assert_eq!(
            only(&r, Code::DuplicateProject).0.as_deref(),
            Some("C7"),
            "{marker}"
        );
    }
}

#[test]
fn e_required_signed_without_contract_amount() {
    let r = check_form(&Form::valid().set(1, "合同投资额", V::E));
    assert!(!r.accepted());
    assert_eq!(only(&r, Code::Required).0.as_deref(), Some("K4"));
}

#[test]
fn e_required_started_without_start_date() {
    let r = check_form(&Form::valid().set(0, "开工日期", V::E));
    assert_eq!(only(&r, Code::Required).0.as_deref(), Some("M3"));
}

#[test]
fn e_required_project_name() {
    let r = check_form(&Form::valid().set(2, "项目名称", V::E));
    assert_eq!(only(&r, Code::Required).0.as_deref(), Some("C5"));
}

#[test]
fn e_choice_unknown_stage() {
    let r = check_form(&Form::valid().set(1, "项目进展", s("进行中")));
    assert_eq!(
        only(&r, Code::Choice),
        (Some("I4".into()), Some("进行中".into()))
    );
}

#[test]
fn e_industry_not_on_the_list() {
    let r = check_form(&Form::valid().set(1, "产业类别", s("房地产")));
    assert_eq!(
        only(&r, Code::Industry),
        (Some("G4".into()), Some("房地产".into()))
    );
}

#[test]
fn e_column_missing() {
    let mut form = Form::valid();
    let c = col("产业类别");
    form.header.remove(c);
    for row in &mut form.rows {
        row.remove(c);
    }
    let r = check_form(&form);
    assert!(!r.accepted());
    let d = r
        .diagnostics
        .0
        .iter()
        .find(|d| d.code == Code::ColumnMissing)
        .expect("E-COLUMN-MISSING");
    assert!(d.args.iter().any(|(k, v)| k == "column" && v == "产业类别"));
}

#[test]
fn e_ledger_missing() {
    let form = Form::valid();
    let sheets: Vec<Sheet> = form
        .sheets()
        .into_iter()
        .filter(|s| s.name != "项目明细")
        .collect();
    let r = check_bytes("x.xlsx", &xlsx(&sheets));
    assert!(!r.accepted());
    assert!(codes(&r, Severity::Error).contains(&Code::LedgerMissing));
    assert!(r.figures.is_none());
}

#[test]
fn e_unit_unknown() {
    let r = check_form(
        &Form::valid()
            .set_info("填报单位", s("重庆市测试县"))
            .set_info("行政区划代码", V::E),
    );
    assert_eq!(
        only(&r, Code::UnitUnknown),
        (Some("B1".into()), Some("重庆市测试县".into()))
    );
    assert!(r.unit().is_none());
}

#[test]
fn english_messages_word_their_conditions_and_suggestions_in_english() {
    let unknown = check_form(
        &Form::valid()
            .set_info("填报单位", s("重庆市测试县"))
            .set_info("行政区划代码", s("500113")),
    );
    let first = |r: &tongbao::batch::FileReport, code| {
        r.diagnostics
            .0
            .iter()
            .find(|d| d.code == code)
            .cloned()
            .expect("its finding")
    };
    let d = first(&unknown, Code::UnitUnknown);
    assert_eq!(
        d.hint(Lang::En),
        "write the unit's name as the roster has it (code 500113 is \"巴南区\")"
    );
    assert!(d.hint(Lang::Zh).ends_with("（代码 500113 对应“巴南区”）"));
    let required = check_form(&Form::valid().set(1, "合同投资额", V::E));
    let d = first(&required, Code::Required);
    assert_eq!(
        d.message(Lang::En),
        "\"合同投资额\" is blank (项目进展 is \"已签约\")"
    );
    assert_eq!(
        d.message(Lang::Zh),
        "“合同投资额”未填写（项目进展为“已签约”）"
    );
}

#[test]
fn e_unit_missing() {
    let mut form = Form::valid();
    form.info.retain(|(l, _)| l != "填报单位");
    let r = check_form(&form);
    assert!(codes(&r, Severity::Error).contains(&Code::UnitMissing));
}

#[test]
fn e_unit_code_disagrees_with_name() {
    let r = check_form(&Form::valid().set_info("行政区划代码", s("500103")));
    assert_eq!(
        only(&r, Code::UnitCodeMismatch),
        (Some("B2".into()), Some("500103".into()))
    );
}

#[test]
fn unit_by_alias_and_with_city_prefix() {
    assert!(check_form(&Form::valid().set_info("填报单位", s("巴南"))).accepted());
    assert!(check_form(&Form::valid().set_info("填报单位", s("重庆市巴南区"))).accepted());
}

#[test]
fn e_period_missing() {
    let mut form = Form::valid();
    form.info.retain(|(l, _)| l != "报告期");
    let r = check_form(&form);
    assert!(codes(&r, Severity::Error).contains(&Code::PeriodMissing));
}

#[test]
fn e_period_invalid() {
    let r = check_form(&Form::valid().set_info("报告期", s("上半年")));
    assert_eq!(
        only(&r, Code::PeriodInvalid),
        (Some("B3".into()), Some("上半年".into()))
    );
}

#[test]
fn e_period_mismatch() {
    let r = check_form(&Form::valid().set_info("报告期", s("2025年5月")));
    assert!(!r.accepted());
    assert_eq!(only(&r, Code::PeriodMismatch).0.as_deref(), Some("B3"));
}

#[test]
fn w_funds_above_contract() {
    let r = check_form(&Form::valid().set(1, "本年累计到位资金", V::N(9000.0)));
    assert!(r.accepted());
    assert_eq!(only(&r, Code::FundsAboveContract).0.as_deref(), Some("O4"));
}

#[test]
fn w_summary_mismatch_names_both_places() {
    let mut form = Form::valid().with_true_summary();
    form.summary.as_mut().unwrap()[7][2] = V::N(1800.5); // 实际到位资金 本月
    let r = check_form(&form);
    assert!(r.accepted());
    let d = r
        .diagnostics
        .0
        .iter()
        .find(|d| d.code == Code::SummaryMismatch)
        .expect("warning");
    assert_eq!(d.sheet.as_deref(), Some("主要指标"));
    assert_eq!(d.cell_a1().as_deref(), Some("C8"));
    let msg = d.message(tongbao::lang::Lang::Zh);
    assert!(
        msg.contains("1800.50") && msg.contains("1700.50") && msg.contains("项目明细!N3:N6"),
        "{msg}"
    );
}

#[test]
fn w_summary_within_half_a_wan_is_silent() {
    let mut form = Form::valid().with_true_summary();
    form.summary.as_mut().unwrap()[7][2] = V::N(1700.9);
    assert_eq!(codes(&check_form(&form), Severity::Warning), vec![]);
}

#[test]
fn w_summary_count_differs_by_one() {
    let mut form = Form::valid().with_true_summary();
    form.summary.as_mut().unwrap()[1][3] = V::N(4.0);
    let r = check_form(&form);
    assert_eq!(only(&r, Code::SummaryMismatch).0.as_deref(), Some("D2"));
}

#[test]
fn w_total_row_disagrees() {
    let mut form = Form::valid();
    let mut total = vec![V::E; 19];
    total[0] = s("合计");
    total[col("合同投资额")] = V::N(105000.0); // true sum 105000
    total[col("本年累计到位资金")] = V::N(5600.0); // true sum 5500
    form.rows.push(total);
    let r = check_form(&form);
    assert!(r.accepted());
    assert_eq!(only(&r, Code::TotalMismatch).0.as_deref(), Some("O7"));
    assert_eq!(
        r.figures.unwrap().ytd.signed_count,
        3,
        "the total row is not a project"
    );
}

#[test]
fn w_negotiating_with_signing_date() {
    let r = check_form(&Form::valid().set(3, "签约日期", V::D(2025, 6, 3)));
    assert!(r.accepted());
    assert_eq!(only(&r, Code::NegotiatingDated).0.as_deref(), Some("J6"));
    assert_eq!(r.figures.unwrap().month.signed_count, 2, "not a signing");
}

#[test]
fn w_big_project_not_started_after_six_months() {
    let r = check_form(&Form::valid().set(2, "签约日期", V::D(2024, 12, 20)));
    assert!(r.accepted());
    assert_eq!(only(&r, Code::BigNotStarted).0.as_deref(), Some("M5"));
}

#[test]
fn i_unknown_column_is_information_only() {
    let mut form = Form::valid();
    form.header.push("联系人".into());
    for row in &mut form.rows {
        row.push(s("李四"));
    }
    let r = check_form(&form);
    assert!(r.accepted());
    assert_eq!(
        only(&r, Code::UnknownColumn),
        (Some("T2".into()), Some("联系人".into()))
    );
}

#[test]
fn i_summary_absent_leaves_figures_from_the_ledger() {
    let r = check_form(&Form::valid());
    assert!(r.accepted());
    only(&r, Code::SummaryAbsent);
    assert_eq!(r.figures.unwrap().ytd.signed_count, 3);
}

#[test]
fn i_note_row_below_the_table_is_ignored() {
    let mut form = Form::valid();
    form.rows.push(vec![V::E; 19]);
    form.rows.push(vec![s("注：项目按签约日期排列")]);
    let r = check_form(&form);
    assert!(r.accepted());
    only(&r, Code::RowIgnored);
}

#[test]
fn a_unit_note_below_the_table_is_a_unit_statement_not_an_ignored_row() {
    // It agrees with the contract's 万元: the figures are the standard ones, and the row
    // is read, not ignored.
    let mut form = Form::valid();
    form.rows.push(vec![V::E; 19]);
    form.rows.push(vec![s("注：本表金额单位为万元")]);
    let r = check_form(&form);
    assert!(r.accepted());
    assert!(!codes(&r, Severity::Info).contains(&Code::RowIgnored));
    assert_eq!(r.figures, check_form(&Form::valid()).figures);
}

#[test]
fn every_code_has_chinese_and_english_text() {
    use tongbao::diag::catalogue::{hint, message};
    use tongbao::lang::Lang;
    for code in Code::ALL {
        for lang in [Lang::Zh, Lang::En] {
            assert!(
                !message(*code, lang).is_empty() && !hint(*code, lang).is_empty(),
                "{code:?} {lang:?}"
            );
        }
    }
}
