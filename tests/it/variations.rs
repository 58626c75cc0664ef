//! One test per tolerated variation of return-format v1: each is accepted with exactly
//! the figures of the standard return.

use tongbao::batch::FileReport;
use tongbao::diag::{Code, Severity};
use tongbao::model::{PeriodFigures, Wan};

use crate::support::*;

fn standard_figures() -> PeriodFigures {
    check_form(&Form::valid())
        .figures
        .expect("standard figures")
}

/// Accepted, no errors or warnings, and the standard figures.
fn assert_standard(r: &FileReport) {
    assert_eq!(codes(r, Severity::Warning), vec![], "{:#?}", r.diagnostics);
    assert_eq!(r.figures, Some(standard_figures()));
}

#[test]
fn traditional_character_headers() {
    let mut form = Form::valid();
    form.header = [
        "序號",
        "項目編號",
        "項目名稱",
        "投資方",
        "投資方來源地",
        "資金來源",
        "產業類別",
        "項目類型",
        "項目進展",
        "簽約日期",
        "合同投資額",
        "其中：合同外資",
        "開工日期",
        "本月到位資金",
        "本年累計到位資金",
        "本月實際使用外資",
        "本年累計實際使用外資",
        "是否世界500強",
        "備註",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    assert_standard(&check_form(&form));
}

#[test]
fn header_aliases_spaces_line_breaks_and_full_width_brackets() {
    let mut form = Form::valid();
    form.header[col("项目名称")] = "项目\n名称".into();
    form.header[col("投资方")] = "签约企业".into();
    form.header[col("产业类别")] = "所属 产业".into();
    form.header[col("项目进展")] = "进展情况".into();
    form.header[col("合同投资额")] = "协议投资额\n（万元）".into();
    form.header[col("本年累计到位资金")] = "本年累计到位资金（万元）".into();
    assert_standard(&check_form(&form));
}

#[test]
fn units_in_headers_convert_to_wan() {
    let mut form = Form::valid();
    form.header[col("合同投资额")] = "合同投资额（亿元）".into();
    form.header[col("本月到位资金")] = "本月到位资金(元)".into();
    for row in &mut form.rows {
        if let V::N(x) = row[col("合同投资额")] {
            row[col("合同投资额")] = V::N(x / 10000.0);
        }
        if let V::N(x) = row[col("本月到位资金")] {
            row[col("本月到位资金")] = V::N(x * 10000.0);
        }
    }
    assert_standard(&check_form(&form));
}

#[test]
fn two_row_header_with_merged_parents() {
    let mut form = Form::valid();
    // Parent row: single titles merged over two rows, 到位资金 and 实际使用外资 over their children.
    let mut parent: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    let mut child = vec![String::new(); 19];
    parent[col("本月到位资金")] = "到位资金".into();
    parent[col("本年累计到位资金")] = String::new();
    child[col("本月到位资金")] = "本月".into();
    child[col("本年累计到位资金")] = "1-6月累计".into();
    parent[col("本月实际使用外资")] = "实际使用外资".into();
    parent[col("本年累计实际使用外资")] = String::new();
    child[col("本月实际使用外资")] = "当月".into();
    child[col("本年累计实际使用外资")] = "本年累计".into();
    form.header = parent;
    let mut rows = vec![child
        .iter()
        .map(|c| if c.is_empty() { V::E } else { s(c) })
        .collect::<Vec<_>>()];
    rows.extend(form.rows.clone());
    form.rows = rows;
    let mut sheets = form.sheets();
    let ledger = sheets.iter_mut().find(|s| s.name == "项目明细").unwrap();
    for c in 0..19u16 {
        let title = HEADER[c as usize];
        if ![
            "本月到位资金",
            "本年累计到位资金",
            "本月实际使用外资",
            "本年累计实际使用外资",
        ]
        .contains(&title)
        {
            ledger.merges.push((1, c, 2, c));
        }
    }
    ledger.merges.push((
        1,
        col("本月到位资金") as u16,
        1,
        col("本年累计到位资金") as u16,
    ));
    ledger.merges.push((
        1,
        col("本月实际使用外资") as u16,
        1,
        col("本年累计实际使用外资") as u16,
    ));
    assert_standard(&check_bytes("two-row.xlsx", &xlsx(&sheets)));
}

#[test]
fn numbers_stored_as_text() {
    let form = Form::valid()
        .set(0, "合同投资额", s("52,000"))
        .set(0, "本月到位资金", s("１２００．５"))
        .set(0, "本年累计到位资金", s(" 3000 "))
        .set(1, "合同投资额", s("8000万元"))
        .set(1, "本年累计到位资金", s("2,500.00"))
        .set(2, "合同投资额", s("1.5亿元"))
        .set(2, "本年累计实际使用外资", s("120万美元"));
    assert_standard(&check_form(&form));
}

#[test]
fn blank_markers_mean_zero() {
    let form = Form::valid()
        .set(2, "本月到位资金", s("-"))
        .set(2, "本年累计到位资金", s("—"))
        .set(3, "本月到位资金", s("/"))
        .set(3, "本年累计到位资金", s("无"));
    assert_standard(&check_form(&form));
}

#[test]
fn dates_as_text_and_serial_numbers() {
    let form = Form::valid()
        .set(0, "签约日期", s("2025.6.10"))
        .set(0, "开工日期", s("2025年6月20日"))
        .set(1, "签约日期", V::N(45721.0)) // 2025-03-05 as an Excel serial
        .set(2, "签约日期", s("2025/06/01"));
    assert_standard(&check_form(&form));
}

#[test]
fn title_rows_blank_rows_and_a_matching_total_row() {
    let mut form = Form::valid();
    let mut rows = form.rows.clone();
    rows.insert(2, vec![V::E; 19]);
    let mut total = vec![V::E; 19];
    total[col("项目名称")] = s("合  计");
    total[col("合同投资额")] = V::N(105000.0);
    total[col("本年累计到位资金")] = V::N(5500.0);
    rows.push(total);
    form.rows = rows;
    let mut sheets = form.sheets();
    let ledger = sheets.iter_mut().find(|s| s.name == "项目明细").unwrap();
    ledger.rows.insert(1, vec![s("单位：万元、万美元")]);
    ledger.rows.insert(1, vec![s("填报说明：请如实填写")]);
    ledger.merges.push((1, 0, 1, 8));
    let r = check_bytes("titles.xlsx", &xlsx(&sheets));
    assert_standard(&r);
}

#[test]
fn sheets_renamed_reordered_hidden_with_instructions() {
    let form = Form::valid().with_true_summary();
    let mut sheets = form.sheets();
    sheets.reverse();
    sheets[0].name = "Sheet1".into();
    sheets[0].hidden = true;
    sheets[1].name = "表2".into();
    sheets.insert(
        0,
        Sheet::new(
            "填报说明",
            vec![
                vec![s("项目名称"), s("填写项目全称")],
                vec![s("投资方"), s("签约企业全称")],
            ],
        ),
    );
    let r = check_bytes("renamed.xlsx", &xlsx(&sheets));
    assert_standard(&r);
}

#[test]
fn who_and_when_inline_in_the_ledger_title() {
    let form = Form::valid();
    let sheets: Vec<Sheet> = form
        .sheets()
        .into_iter()
        .filter(|s| s.name == "项目明细")
        .map(|mut s| {
            s.rows[0] = vec![crate::support::s("填报单位：巴南区　报告期：2025年6月")];
            s
        })
        .collect();
    let r = check_bytes("inline.xlsx", &xlsx(&sheets));
    assert_eq!(codes(&r, Severity::Error), vec![], "{:#?}", r.diagnostics);
    assert_eq!(r.unit().map(|u| u.code.as_str()), Some("500113"));
    assert_eq!(r.figures, Some(standard_figures()));
}

#[test]
fn labels_with_full_width_colons_and_period_as_a_date_cell() {
    let mut form = Form::valid();
    form.info = vec![
        ("填报单位：".into(), s("巴南区")),
        ("报告期：".into(), V::D(2025, 6, 1)),
    ];
    assert_standard(&check_form(&form));
}

#[test]
fn stage_and_choice_synonyms() {
    let form = Form::valid()
        .set(0, "项目进展", s("在建"))
        .set(1, "项目进展", s("签约"))
        .set(3, "项目进展", s("洽谈中"));
    assert_standard(&check_form(&form));
}

#[test]
fn the_total_row_is_never_a_project() {
    let mut form = Form::valid();
    let mut total = vec![V::E; 19];
    total[0] = s("总计");
    total[col("合同投资额")] = V::N(105000.0);
    form.rows.push(total);
    let r = check_form(&form);
    assert_eq!(r.figures.unwrap().ytd.signed_amount, Wan::from_units(75000));
    assert!(!r.diagnostics.0.iter().any(|d| d.code == Code::Required));
}
