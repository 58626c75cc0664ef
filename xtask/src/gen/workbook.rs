//! Writes a [`UnitReturn`] as a return-format v1 workbook (.xlsx): 基本信息, 主要指标 and
//! 项目明细, values not formulas, dates as date cells, amounts with two decimals.
//!
//! Besides the contract's own layout there is the traditional-character variant some
//! offices send (traditional headers, a two-row header with merged parents over 本月 and
//! 本年累计, numbers typed as text with thousands separators, a 合计 row), and small
//! tweaks the flawed samples need (a column left out, a cell typed as text, a summary
//! figure that disagrees). Column titles and indicator names come from the parser's and
//! the model's own vocabulary, so writer and reader cannot drift apart.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use chrono::{Datelike, NaiveDate};

use crate::gen::pool::UnitReturn;
use tongbao::model::{Indicator, Measure, Project};
use tongbao::parse::vocab::Field;

use tongbao::contract::{written, Label, INFO_LABELS};
pub use tongbao::contract::{INFO_SHEET, LEDGER_SHEET, SUMMARY_SHEET};

/// Which layout a return is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// return-format v1 exactly, as `tongbao template` produces it.
    Standard,
    /// Traditional-character headers, a two-row merged header, numbers as text with
    /// thousands separators and a 合计 row: variations the reader must tolerate.
    Traditional,
}

/// Deliberate departures from a clean return, for the flawed samples.
#[derive(Debug, Clone, Default)]
pub struct Tweaks {
    /// Ledger columns left out.
    pub omit: Vec<Field>,
    /// (project index, column, text) written instead of the value.
    pub text_cells: Vec<(usize, Field, String)>,
    /// (indicator, hundredths or count) added to the year-to-date value of 主要指标.
    pub summary_ytd_delta: Vec<(Indicator, i64)>,
}

/// Where things are in a written return, for diagnostics that name cells.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The layout written.
    pub style: Style,
    /// Ledger columns in sheet order.
    pub columns: Vec<Field>,
}

impl Layout {
    /// The layout of `style` with the columns of `omit` left out.
    pub fn new(style: Style, omit: &[Field]) -> Layout {
        Layout {
            style,
            columns: Field::ALL
                .into_iter()
                .filter(|f| !omit.contains(f))
                .collect(),
        }
    }

    /// Zero-based column of a ledger field.
    pub fn col(&self, f: Field) -> Option<u16> {
        self.columns.iter().position(|c| *c == f).map(|i| i as u16)
    }

    /// Zero-based sheet row of the first project (after the title and header rows).
    pub fn first_data_row(&self) -> u32 {
        match self.style {
            Style::Standard => 2,
            Style::Traditional => 3,
        }
    }

    /// Zero-based sheet row of a project.
    pub fn project_row(&self, index: usize) -> u32 {
        self.first_data_row() + index as u32
    }

    /// Zero-based row of an indicator in 主要指标 (title, header, then the twelve rows).
    pub fn summary_row(indicator: Indicator) -> u32 {
        2 + Indicator::ALL
            .iter()
            .position(|i| *i == indicator)
            .unwrap_or(0) as u32
    }

    /// Zero-based column of the 1-N月累计 figures in 主要指标.
    pub const SUMMARY_YTD_COL: u16 = 3;

    /// Zero-based row of a 基本信息 label (its value is in column B).
    pub fn info_row(label: Label) -> u32 {
        tongbao::contract::info_row(label)
    }
}

/// The formats of one workbook, built once.
struct Formats {
    title: Format,
    header: Format,
    label: Format,
    text: Format,
    money: Format,
    count: Format,
    date: Format,
    right_text: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let base = Format::new().set_font_name("宋体").set_font_size(10.5);
        let cell = base.clone().set_border(FormatBorder::Thin);
        Formats {
            title: base
                .clone()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xDDEBF7),
            label: cell.clone().set_bold().set_background_color(0xF2F2F2),
            text: cell.clone(),
            money: cell.clone().set_num_format("#,##0.00"),
            count: cell.clone().set_num_format("0"),
            date: cell
                .clone()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Center),
            right_text: cell.set_align(FormatAlign::Right),
            note: base.set_italic().set_font_color(0x595959),
        }
    }
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// `1234567` hundredths → `12,345.67`, as offices type amounts into text cells.
pub fn thousands(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let a = cents.unsigned_abs();
    let int = (a / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}.{:02}", a % 100)
}

/// Writes the return as .xlsx bytes. Byte-identical for identical input: the creation
/// date is the return's 填报日期, not the clock.
pub fn write_return(ret: &UnitReturn, style: Style, tweaks: &Tweaks) -> Result<Vec<u8>, XlsxError> {
    let layout = Layout::new(style, &tweaks.omit);
    let fmt = Formats::new();
    let mut wb = Workbook::new();
    let created = excel_date(ret.filled_on)?.and_hms(9, 0, 0)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("招商引资工作月报表")
            .set_author(&ret.preparer)
            .set_company(&ret.unit_name)
            .set_creation_datetime(&created),
    );
    write_info(wb.add_worksheet(), ret, style, &fmt)?;
    write_summary(wb.add_worksheet(), ret, style, tweaks, &fmt)?;
    write_ledger(wb.add_worksheet(), ret, &layout, tweaks, &fmt)?;
    wb.save_to_buffer()
}

fn write_info(
    ws: &mut Worksheet,
    ret: &UnitReturn,
    style: Style,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let trad = style == Style::Traditional;
    ws.set_name(INFO_SHEET)?;
    ws.set_paper_size(9).set_print_center_horizontally(true);
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 32)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        0,
        0,
        0,
        1,
        if trad {
            "招商引資工作月報表"
        } else {
            "招商引资工作月报表"
        },
        &fmt.title,
    )?;
    let period_text = format!("{}年{}月", ret.period.year, ret.period.month);
    let values = [
        &ret.unit_name,
        &ret.unit_code,
        &period_text,
        &ret.preparer,
        &ret.phone,
        &ret.reviewer,
    ];
    for (i, &label) in INFO_LABELS.iter().enumerate() {
        let row = Layout::info_row(label);
        let label = written(label);
        ws.write_string_with_format(
            row,
            0,
            if trad { traditional(label) } else { label },
            &fmt.label,
        )?;
        match values.get(i) {
            Some(v) => ws.write_string_with_format(row, 1, v.as_str(), &fmt.text)?,
            None => ws.write_datetime_with_format(row, 1, excel_date(ret.filled_on)?, &fmt.date)?,
        };
    }
    let note = if trad {
        "說明：金額單位為萬元，外資金額單位為萬美元。"
    } else {
        "说明：金额单位为万元，外资金额单位为万美元。"
    };
    ws.write_string_with_format(9, 0, note, &fmt.note)?;
    Ok(())
}

fn span_title(ret: &UnitReturn) -> String {
    if ret.period.month == 1 {
        format!("{}年1月", ret.period.year)
    } else {
        format!("{}年1—{}月", ret.period.year, ret.period.month)
    }
}

fn write_summary(
    ws: &mut Worksheet,
    ret: &UnitReturn,
    style: Style,
    tweaks: &Tweaks,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let trad = style == Style::Traditional;
    ws.set_name(if trad { "主要指標" } else { SUMMARY_SHEET })?;
    ws.set_paper_size(9)
        .set_print_fit_to_pages(1, 1)
        .set_print_center_horizontally(true);
    for (col, width) in [36, 8, 14, 14, 14].into_iter().enumerate() {
        ws.set_column_width(col as u16, width)?;
    }
    ws.set_row_height(0, 30)?;
    let title = format!("{}招商引资主要指标（{}）", ret.unit_name, span_title(ret));
    ws.merge_range(
        0,
        0,
        0,
        4,
        &if trad {
            traditional_text(&title)
        } else {
            title
        },
        &fmt.title,
    )?;
    let ytd_header = format!(
        "1-{}月{}",
        ret.period.month,
        if trad { "累計" } else { "累计" }
    );
    let headers: [&str; 5] = if trad {
        ["指標", "單位", "本月", &ytd_header, "上年同期累計"]
    } else {
        ["指标", "单位", "本月", &ytd_header, "上年同期累计"]
    };
    for (col, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, col as u16, *h, &fmt.header)?;
    }
    for r in &ret.summary {
        let row = Layout::summary_row(r.indicator);
        let delta: i64 = tweaks
            .summary_ytd_delta
            .iter()
            .filter(|(i, _)| *i == r.indicator)
            .map(|(_, d)| d)
            .sum();
        let label = r.indicator.label();
        let name = if trad { traditional(&label) } else { &label };
        let unit = if trad {
            traditional(r.indicator.unit_label())
        } else {
            r.indicator.unit_label()
        };
        ws.write_string_with_format(row, 0, name.to_string(), &fmt.text)?;
        ws.write_string_with_format(row, 1, unit, &fmt.text)?;
        for (col, v) in [
            (2u16, r.month),
            (Layout::SUMMARY_YTD_COL, r.ytd + delta),
            (4, r.last_year),
        ] {
            match (r.indicator.measure(), style) {
                (Measure::Count, Style::Standard) => {
                    ws.write_number_with_format(row, col, v as f64, &fmt.count)?
                }
                (_, Style::Standard) => {
                    ws.write_number_with_format(row, col, v as f64 / 100.0, &fmt.money)?
                }
                (Measure::Count, Style::Traditional) => {
                    ws.write_string_with_format(row, col, v.to_string(), &fmt.right_text)?
                }
                (_, Style::Traditional) => {
                    ws.write_string_with_format(row, col, thousands(v), &fmt.right_text)?
                }
            };
        }
    }
    Ok(())
}

fn column_width(f: Field) -> f64 {
    match f {
        Field::Seq => 6.0,
        Field::Id => 17.0,
        Field::Name => 38.0,
        Field::Investor => 34.0,
        Field::Origin => 18.0,
        Field::Industry => 20.0,
        Field::FundsSource | Field::Kind | Field::Stage | Field::Fortune500 => 10.0,
        Field::SignedOn | Field::StartedOn => 12.0,
        Field::Note => 22.0,
        _ => 14.0,
    }
}

fn write_ledger(
    ws: &mut Worksheet,
    ret: &UnitReturn,
    layout: &Layout,
    tweaks: &Tweaks,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let trad = layout.style == Style::Traditional;
    ws.set_name(if trad { "項目明細" } else { LEDGER_SHEET })?;
    let last_col = layout.columns.len().saturating_sub(1) as u16;
    for (i, f) in layout.columns.iter().enumerate() {
        ws.set_column_width(i as u16, column_width(*f))?;
    }
    ws.set_row_height(0, 30)?;
    let title = format!("{}招商引资项目明细表（{}）", ret.unit_name, span_title(ret));
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &if trad {
            traditional_text(&title)
        } else {
            title
        },
        &fmt.title,
    )?;
    if trad {
        write_two_row_header(ws, layout, fmt)?;
    } else {
        ws.set_row_height(1, 30)?;
        for (i, f) in layout.columns.iter().enumerate() {
            ws.write_string_with_format(1, i as u16, f.title(), &fmt.header)?;
        }
    }
    ws.set_freeze_panes(layout.first_data_row(), 3)?;
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, layout.first_data_row() - 1)?;
    for (index, p) in ret.projects.iter().enumerate() {
        let row = layout.project_row(index);
        for (i, f) in layout.columns.iter().enumerate() {
            let col = i as u16;
            if let Some((_, _, text)) = tweaks
                .text_cells
                .iter()
                .find(|(pi, tf, _)| *pi == index && tf == f)
            {
                ws.write_string_with_format(row, col, text.as_str(), &fmt.text)?;
                continue;
            }
            write_project_cell(ws, row, col, *f, index, p, layout.style, fmt)?;
        }
    }
    if trad {
        write_total_row(ws, ret, layout, fmt)?;
    }
    Ok(())
}

fn write_two_row_header(
    ws: &mut Worksheet,
    layout: &Layout,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let groups: [(&str, Field, Field); 2] = [
        ("到位資金", Field::FundsMonth, Field::FundsYtd),
        ("實際使用外資", Field::FdiMonth, Field::FdiYtd),
    ];
    let mut i = 0;
    while i < layout.columns.len() {
        let f = layout.columns[i];
        let col = i as u16;
        let group = groups
            .iter()
            .find(|(_, a, b)| *a == f && layout.columns.get(i + 1) == Some(b));
        match group {
            Some((parent, _, _)) => {
                ws.merge_range(1, col, 1, col + 1, parent, &fmt.header)?;
                ws.write_string_with_format(2, col, "本月", &fmt.header)?;
                ws.write_string_with_format(2, col + 1, "本年累計", &fmt.header)?;
                i += 2;
            }
            None => {
                ws.merge_range(1, col, 2, col, traditional(f.title()), &fmt.header)?;
                i += 1;
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write_project_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    f: Field,
    index: usize,
    p: &Project,
    style: Style,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let text = |ws: &mut Worksheet, s: &str| {
        ws.write_string_with_format(row, col, s, &fmt.text)
            .map(|_| ())
    };
    let money = |ws: &mut Worksheet, cents: i64| -> Result<(), XlsxError> {
        match style {
            Style::Standard => {
                ws.write_number_with_format(row, col, cents as f64 / 100.0, &fmt.money)?
            }
            Style::Traditional if cents == 0 => {
                ws.write_string_with_format(row, col, "-", &fmt.right_text)?
            }
            Style::Traditional => {
                ws.write_string_with_format(row, col, thousands(cents), &fmt.right_text)?
            }
        };
        Ok(())
    };
    let date = |ws: &mut Worksheet, d: Option<NaiveDate>| -> Result<(), XlsxError> {
        match d {
            Some(d) => ws.write_datetime_with_format(row, col, excel_date(d)?, &fmt.date)?,
            None => ws.write_blank(row, col, &fmt.text)?,
        };
        Ok(())
    };
    let foreign = p.funds_source == Some(tongbao::model::FundsSource::Abroad);
    match f {
        Field::Seq => {
            ws.write_number_with_format(row, col, (index + 1) as f64, &fmt.count)?;
        }
        Field::Id => text(ws, p.id.as_deref().unwrap_or_default())?,
        Field::Name => text(ws, &p.name)?,
        Field::Investor => text(ws, &p.investor)?,
        Field::Origin => text(ws, p.origin.as_deref().unwrap_or_default())?,
        Field::FundsSource => text(ws, p.funds_source.map_or("", |s| s.label()))?,
        Field::Industry => text(ws, &p.industry)?,
        Field::Kind => text(ws, p.kind.map_or("", |k| k.label()))?,
        Field::Stage => text(ws, p.stage.label())?,
        Field::SignedOn => date(ws, p.signed_on)?,
        Field::ContractAmount => match p.contract_amount {
            Some(a) => money(ws, a.cents())?,
            None => {
                ws.write_blank(row, col, &fmt.text)?;
            }
        },
        Field::ContractFdi | Field::FdiMonth | Field::FdiYtd if !foreign => {
            ws.write_blank(row, col, &fmt.money)?;
        }
        Field::ContractFdi => money(ws, p.contract_fdi.cents())?,
        Field::StartedOn => date(ws, p.started_on)?,
        Field::FundsMonth => money(ws, p.funds_month.cents())?,
        Field::FundsYtd => money(ws, p.funds_ytd.cents())?,
        Field::FdiMonth => money(ws, p.fdi_month.cents())?,
        Field::FdiYtd => money(ws, p.fdi_ytd.cents())?,
        Field::Fortune500 => text(
            ws,
            if p.fortune500 == Some(true) {
                "是"
            } else {
                "否"
            },
        )?,
        Field::Note => text(ws, p.note.as_deref().unwrap_or_default())?,
    }
    Ok(())
}

/// The 合计 row of the traditional layout: column sums, as text like the rest.
fn write_total_row(
    ws: &mut Worksheet,
    ret: &UnitReturn,
    layout: &Layout,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let row = layout.project_row(ret.projects.len());
    for (i, f) in layout.columns.iter().enumerate() {
        let col = i as u16;
        let sum = |get: fn(&Project) -> i64| ret.projects.iter().map(get).sum::<i64>();
        let total = match f {
            Field::Seq => {
                ws.write_string_with_format(row, col, "合計", &fmt.label)?;
                continue;
            }
            Field::ContractAmount => sum(|p| p.contract_amount.map_or(0, |a| a.cents())),
            Field::ContractFdi => sum(|p| p.contract_fdi.cents()),
            Field::FundsMonth => sum(|p| p.funds_month.cents()),
            Field::FundsYtd => sum(|p| p.funds_ytd.cents()),
            Field::FdiMonth => sum(|p| p.fdi_month.cents()),
            Field::FdiYtd => sum(|p| p.fdi_ytd.cents()),
            _ => {
                ws.write_blank(row, col, &fmt.label)?;
                continue;
            }
        };
        ws.write_string_with_format(row, col, thousands(total), &fmt.right_text)?;
    }
    Ok(())
}

/// Traditional forms of the contract's words, as a Hong Kong or Taiwan template (or an
/// office's old template) prints them. Words without an entry are already the same.
const TRADITIONAL: &[(&str, &str)] = &[
    ("序号", "序號"),
    ("项目编号", "項目編號"),
    ("项目名称", "項目名稱"),
    ("投资方", "投資方"),
    ("投资方来源地", "投資方來源地"),
    ("资金来源", "資金來源"),
    ("产业类别", "產業類別"),
    ("项目类型", "項目類型"),
    ("项目进展", "項目進展"),
    ("签约日期", "簽約日期"),
    ("合同投资额", "合同投資額"),
    ("其中：合同外资", "其中：合同外資"),
    ("开工日期", "開工日期"),
    ("本月到位资金", "本月到位資金"),
    ("本年累计到位资金", "本年累計到位資金"),
    ("本月实际使用外资", "本月實際使用外資"),
    ("本年累计实际使用外资", "本年累計實際使用外資"),
    ("是否世界500强", "是否世界500強"),
    ("备注", "備註"),
    ("填报单位", "填報單位"),
    ("行政区划代码", "行政區劃代碼"),
    ("报告期", "報告期"),
    ("填报人", "填報人"),
    ("联系电话", "聯繫電話"),
    ("审核人", "審核人"),
    ("填报日期", "填報日期"),
    ("新签约项目数", "新簽約項目數"),
    ("新签约合同投资额", "新簽約合同投資額"),
    ("其中：亿元以上项目数", "其中：億元以上項目數"),
    (
        "其中：亿元以上项目合同投资额",
        "其中：億元以上項目合同投資額",
    ),
    ("新开工项目数", "新開工項目數"),
    ("新开工项目计划总投资", "新開工項目計劃總投資"),
    ("实际到位资金", "實際到位資金"),
    ("其中：省外境内到位资金", "其中：省外境內到位資金"),
    ("实际使用外资", "實際使用外資"),
    ("在谈项目数", "在談項目數"),
    ("外出招商活动次数", "外出招商活動次數"),
    ("接待客商批次", "接待客商批次"),
    ("个", "個"),
    ("万元", "萬元"),
    ("万美元", "萬美元"),
    ("次", "次"),
];

/// The traditional form of one of the contract's words.
pub fn traditional(simplified: &str) -> &str {
    TRADITIONAL
        .iter()
        .find(|(s, _)| *s == simplified)
        .map_or(simplified, |(_, t)| t)
}

/// Character-level traditional forms for titles (unit names stay as the roster has them).
fn traditional_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '项' => '項',
            '细' => '細',
            '标' => '標',
            '资' => '資',
            '报' => '報',
            '总' => '總',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tongbao::text::normalize_label;

    #[test]
    fn traditional_words_read_back_as_the_contract_words() {
        for (s, t) in TRADITIONAL {
            assert_eq!(
                normalize_label(t),
                normalize_label(s),
                "{t} should read as {s}"
            );
        }
        for f in Field::ALL {
            assert_eq!(
                Field::from_header(traditional(f.title())).map(|x| x.0),
                Some(f)
            );
        }
        assert_eq!(
            Field::from_header("到位資金本月").map(|x| x.0),
            Some(Field::FundsMonth)
        );
        assert_eq!(
            Field::from_header("到位資金本年累計").map(|x| x.0),
            Some(Field::FundsYtd)
        );
        assert_eq!(
            Field::from_header("實際使用外資本月").map(|x| x.0),
            Some(Field::FdiMonth)
        );
        assert_eq!(
            Field::from_header("實際使用外資本年累計").map(|x| x.0),
            Some(Field::FdiYtd)
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0.00");
        assert_eq!(thousands(123_456), "1,234.56");
        assert_eq!(thousands(100_000_000), "1,000,000.00");
        assert_eq!(thousands(-5_00), "-5.00");
    }
}
