//! The blank return form (`tongbao template`): one return-format v1 workbook per unit,
//! ready to be sent out and filled in.
//!
//! Counties make fewer mistakes on a form that will not take them, so the form carries the
//! contract's rules with it: 基本信息 arrives pre-filled and locked (the unit and month decide
//! where a return is counted), the ledger offers drop-down lists for its choice columns (the
//! roster's industries on a hidden list sheet, as an inline list may not exceed 255
//! characters), date and non-negative number checks and a prompt on every column, and 主要指标
//! computes its ledger-derivable rows with formulas over 项目明细, so a county cannot report a
//! summary that disagrees with its own ledger. The formulas carry cached results that are
//! the figures of the ledger as written (zero for a blank form), so a reader that does not
//! recalculate — tongbao's own among them — sees the right numbers.
//!
//! Sheet names, labels, column titles and indicator names are always the contract's Chinese
//! words, whatever the message language: the reader and the counties rely on them. Only the
//! explanations (填报说明, prompts, notes) follow `--lang`.
//!
//! The output is reproducible: the creation time is the period's first day, so the same
//! roster and period give byte-identical files.

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatAlign, FormatBorder, Formula, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::config::{Config, Unit};
use crate::lang::Lang;
use crate::messages::{
    column_prompt, form_instructions, form_text, input_error, input_prompt, FormFacts, FormText,
    InputRule, InstructionLine,
};
use crate::model::{
    column_letters, FundsSource, Indicator, Measure, Period, PeriodFigures, ProjectKind, Stage, YI,
};
use crate::parse::vocab::Field;
use crate::render::path_safe;
use crate::render::xlsx::display_width;

use crate::contract::{
    info_row, ledger_col, summary_row, FIRST_DATA_ROW, HEADER_ROW, INFO_LABELS, INFO_SHEET,
    INSTRUCTIONS_SHEET, LEDGER_SHEET, LISTS_SHEET, SUMMARY_LAST_YEAR_COL, SUMMARY_MONTH_COL,
    SUMMARY_NAME_COL, SUMMARY_SHEET, SUMMARY_UNIT_COL, SUMMARY_YTD_COL,
};
use crate::contract::{written, Label};

/// How many ledger rows carry the drop-down lists and checks. Rows typed further down are
/// still read and still counted by the 主要指标 formulas (they sum whole columns); they only
/// lack the checks.
pub const PREPARED_ROWS: u32 = 500;

/// The earliest date the date checks accept: projects signed years ago still report the
/// funds they receive this year.
const EARLIEST_DATE: (u16, u8, u8) = (2000, 1, 1);

/// The 是否世界500强 choices.
const YES_NO: [&str; 2] = ["是", "否"];

/// Why a form could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("生成报表失败：{0}")]
    Xlsx(#[from] XlsxError),
}

impl FormError {
    /// The error in the reader's language.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        match (self, lang) {
            (_, crate::lang::Lang::Zh) => self.to_string(),
            (FormError::Xlsx(e), crate::lang::Lang::En) => format!("cannot write the form: {e}"),
        }
    }
}

/// The file name of a unit's form: `<unit name>-<YYYY-MM>-月报表.xlsx`, with characters that
/// no file system accepts in a name replaced by `_`.
pub fn file_name(unit_name: &str, period: Period) -> String {
    format!("{}-{period}-月报表.xlsx", path_safe(unit_name))
}

/// The form of `unit` for `period`, as .xlsx bytes.
///
/// Sheets, in order: 填报说明, 基本信息, 主要指标, 项目明细, and the hidden 下拉选项 when the
/// roster has an industry list.
pub fn form_workbook(
    cfg: &Config,
    unit: &Unit,
    period: Period,
    lang: Lang,
) -> Result<Vec<u8>, FormError> {
    let facts = FormFacts {
        unit: unit.name().to_string(),
        period,
        issuer: cfg.file.bulletin.issuer.clone(),
        deadline: Some(cfg.deadline(period)),
    };
    let industries = cfg.industry_names();
    let fmt = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(&properties(cfg, unit, period)?);

    write_instructions(wb.add_worksheet(), &facts, lang, &fmt)?;
    write_info(wb.add_worksheet(), unit, period, lang, &fmt)?;
    write_summary(wb.add_worksheet(), unit, period, lang, &fmt)?;
    write_ledger(wb.add_worksheet(), &facts, &industries, lang, &fmt)?;
    if !industries.is_empty() {
        write_lists(wb.add_worksheet(), &industries, &fmt)?;
    }
    Ok(wb.save_to_buffer()?)
}

fn excel_date(d: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )
}

/// Document properties with a creation time fixed by the period, so that no clock reading
/// reaches the file.
fn properties(cfg: &Config, unit: &Unit, period: Period) -> Result<DocProperties, XlsxError> {
    let created = excel_date(period.first_day())?;
    let issuer = &cfg.file.bulletin.issuer;
    Ok(DocProperties::new()
        .set_title("招商引资工作月报表")
        .set_subject(format!("{} {period}", unit.name()))
        .set_author(issuer.clone())
        .set_company(issuer.clone())
        .set_comment("由 tongbao 生成")
        .set_creation_datetime(&created))
}

/// `2025年6月`.
fn period_text(period: Period) -> String {
    format!("{}年{}月", period.year, period.month)
}

/// `2025年1—6月`, or `2025年1月` in January.
fn span_text(period: Period) -> String {
    if period.month == 1 {
        format!("{}年1月", period.year)
    } else {
        format!("{}年1—{}月", period.year, period.month)
    }
}

/// The formats of one workbook, built once. Locked formats are for what the county must
/// not change (titles, labels, pre-filled values, formulas); the `input_` ones are unlocked.
struct Formats {
    title: Format,
    header: Format,
    label: Format,
    prefilled: Format,
    computed_count: Format,
    computed_money: Format,
    input_text: Format,
    input_date: Format,
    input_count: Format,
    input_money: Format,
    note: Format,
    heading: Format,
    paragraph: Format,
    /// Column formats of the ledger's data area: unlocked, so every row below the header
    /// (also rows the county inserts) can be typed into.
    column_text: Format,
    column_date: Format,
    column_money: Format,
}

/// Light yellow: a cell the county fills.
const INPUT_FILL: u32 = 0xFFF2CC;
/// Light grey: a cell that is filled in or computed.
const LOCKED_FILL: u32 = 0xEDEDED;
/// Pale blue: header cells.
const HEADER_FILL: u32 = 0xDDEBF7;

impl Formats {
    fn new() -> Formats {
        let base = Format::new().set_font_name("宋体").set_font_size(11);
        let cell = base.clone().set_border(FormatBorder::Thin);
        let input = cell.clone().set_unlocked().set_background_color(INPUT_FILL);
        let column = base.clone().set_unlocked();
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
                .set_background_color(HEADER_FILL),
            label: cell
                .clone()
                .set_bold()
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(LOCKED_FILL),
            prefilled: cell
                .clone()
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(LOCKED_FILL),
            computed_count: cell
                .clone()
                .set_num_format("0")
                .set_background_color(LOCKED_FILL),
            computed_money: cell
                .clone()
                .set_num_format("#,##0.00")
                .set_background_color(LOCKED_FILL),
            input_text: input.clone().set_num_format("@"),
            input_date: input
                .clone()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Center),
            input_count: input.clone().set_num_format("0"),
            input_money: input.set_num_format("#,##0.00"),
            note: base
                .clone()
                .set_font_color(0x595959)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            heading: base.clone().set_bold().set_font_size(12),
            paragraph: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            column_text: column.clone(),
            column_date: column
                .clone()
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Center),
            column_money: column.set_num_format("0.00"),
        }
    }
}

/// Protection that keeps labels, titles and formulas as they are while leaving the
/// unlocked cells to the county. No password: it guards against slips, not people.
fn guard() -> ProtectionOptions {
    ProtectionOptions::new()
}

/// The row height (points) that shows `text` wrapped in a column `width` units wide.
fn wrapped_height(text: &str, width: f64) -> f64 {
    let lines = ((display_width(text) as f64 * 1.05) / (width - 1.0))
        .ceil()
        .max(1.0);
    lines * 15.0 + 3.0
}

/// Adds an input prompt and error message to a validation.
fn explained(
    v: DataValidation,
    prompt: (String, String),
    rule: InputRule,
    lang: Lang,
) -> Result<DataValidation, XlsxError> {
    let (error_title, error_message) = input_error(rule, lang);
    v.set_input_title(prompt.0)?
        .set_input_message(prompt.1)?
        .set_error_title(error_title)?
        .set_error_message(error_message)
        .map(|v| v.set_error_style(DataValidationErrorStyle::Stop))
}

// ---------------------------------------------------------------------------------------
// 填报说明
// ---------------------------------------------------------------------------------------

/// Narrow enough to print on A4 portrait, also where Calibri is missing and a wider
/// substitute sets the column unit.
const INSTRUCTIONS_WIDTH: f64 = 70.0;

fn write_instructions(
    ws: &mut Worksheet,
    facts: &FormFacts,
    lang: Lang,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTIONS_SHEET)?;
    ws.set_column_width(0, INSTRUCTIONS_WIDTH)?;
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.set_screen_gridlines(false);
    let mut row = 0u32;
    for line in form_instructions(facts, lang) {
        match line {
            InstructionLine::Title(t) => {
                ws.set_row_height(row, 30)?;
                ws.write_string_with_format(row, 0, t, &fmt.title)?;
                row += 1;
            }
            InstructionLine::Heading(t) => {
                row += 1;
                ws.set_row_height(row, 20)?;
                ws.write_string_with_format(row, 0, t, &fmt.heading)?;
            }
            InstructionLine::Item(t) => {
                // Neither Excel nor LibreOffice fits a row to wrapped text on opening a
                // file, so the height is estimated (as Excel measures: a CJK character
                // about two units of column width).
                ws.set_row_height(row, wrapped_height(&t, INSTRUCTIONS_WIDTH))?;
                ws.write_string_with_format(row, 0, t, &fmt.paragraph)?;
            }
        }
        row += 1;
    }
    ws.protect_with_options(&guard());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 基本信息
// ---------------------------------------------------------------------------------------

fn write_info(
    ws: &mut Worksheet,
    unit: &Unit,
    period: Period,
    lang: Lang,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    const VALUE_WIDTH: f64 = 36.0;
    ws.set_name(INFO_SHEET)?;
    ws.set_paper_size(9).set_print_center_horizontally(true);
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, VALUE_WIDTH)?;
    ws.set_row_height(0, 30)?;
    ws.merge_range(0, 0, 0, 1, "招商引资工作月报表", &fmt.title)?;
    let prefilled = [
        unit.name().to_string(),
        unit.code().to_string(),
        period_text(period),
    ];
    for (i, &label) in INFO_LABELS.iter().enumerate() {
        let row = info_row(label);
        ws.set_row_height(row, 20)?;
        ws.write_string_with_format(row, 0, written(label), &fmt.label)?;
        if let Some(value) = prefilled.get(i) {
            // Text, never a number or date: the code keeps its leading zeros and the
            // period reads back exactly as written.
            ws.write_string_with_format(row, 1, value, &fmt.prefilled)?;
            continue;
        }
        let (format, validation) = if label == Label::FilledOn {
            let v = DataValidation::new().allow_date(DataValidationRule::Between(
                excel_date(period.first_day())?,
                ExcelDateTime::from_ymd(2100, 12, 31)?,
            ));
            (
                &fmt.input_date,
                explained(v, input_prompt(written(label), lang), InputRule::Date, lang)?,
            )
        } else {
            let (title, message) = input_prompt(written(label), lang);
            let v = DataValidation::new()
                .allow_any_value()
                .set_input_title(title)?
                .set_input_message(message)?;
            (&fmt.input_text, v)
        };
        ws.write_blank(row, 1, format)?;
        ws.add_data_validation(row, 1, row, 1, &validation)?;
    }
    let notes_row = info_row(Label::FilledOn) + 2;
    for (i, key) in [FormText::InfoNote, FormText::InfoPrefilled]
        .into_iter()
        .enumerate()
    {
        let row = notes_row + i as u32;
        let text = form_text(key, lang);
        ws.merge_range(row, 0, row, 1, text, &fmt.note)?;
        ws.set_row_height(row, wrapped_height(text, 16.0 + VALUE_WIDTH))?;
    }
    ws.protect_with_options(&guard());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 主要指标
// ---------------------------------------------------------------------------------------

/// Month or year to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// The report month alone (本月).
    Month,
    /// January to the report month (1-N月累计).
    Ytd,
}

/// A whole ledger column, e.g. `'项目明细'!$K:$K`. Whole columns keep counting rows the
/// county adds below the prepared ones; the title and header cells above the data are
/// text and never match a date or number criterion.
fn ledger_range(f: Field) -> String {
    let c = column_letters(u32::from(ledger_col(f)));
    format!("'{LEDGER_SHEET}'!${c}:${c}")
}

/// The formula that derives `indicator` from the ledger for `span` of `period`, exactly as
/// return-format.md defines it; `None` for the indicators the ledger cannot give.
pub fn derived_formula(indicator: Indicator, period: Period, span: Span) -> Option<String> {
    let next = period.next();
    let from = match span {
        Span::Month => format!("DATE({},{},1)", period.year, period.month),
        Span::Ytd => format!("DATE({},1,1)", period.year),
    };
    // `<` the first day of the next month, so a date cell that carries a time still counts.
    let until = format!("DATE({},{},1)", next.year, next.month);
    let within = |f: Field| {
        let r = ledger_range(f);
        format!("{r},\">=\"&{from},{r},\"<\"&{until}")
    };
    let stage = ledger_range(Field::Stage);
    let negotiating = Stage::Negotiating.label();
    let signing = format!("{stage},\"<>{negotiating}\",{}", within(Field::SignedOn));
    let amount = ledger_range(Field::ContractAmount);
    let big = format!("{amount},\">={}\"", YI.cents() / 100);
    let (funds, fdi) = match span {
        Span::Month => (Field::FundsMonth, Field::FdiMonth),
        Span::Ytd => (Field::FundsYtd, Field::FdiYtd),
    };
    Some(match indicator {
        Indicator::SignedCount => format!("COUNTIFS({signing})"),
        Indicator::SignedAmount => format!("SUMIFS({amount},{signing})"),
        Indicator::BigCount => format!("COUNTIFS({signing},{big})"),
        Indicator::BigAmount => format!("SUMIFS({amount},{signing},{big})"),
        Indicator::StartedCount => format!("COUNTIFS({})", within(Field::StartedOn)),
        Indicator::StartedInvestment => {
            format!("SUMIFS({amount},{})", within(Field::StartedOn))
        }
        Indicator::FundsInPlace => format!("SUM({})", ledger_range(funds)),
        Indicator::FundsOutOfProvince => format!(
            "SUMIFS({},{},\"{}\")",
            ledger_range(funds),
            ledger_range(Field::FundsSource),
            FundsSource::OutOfProvince.label()
        ),
        Indicator::FdiUsd => format!("SUM({})", ledger_range(fdi)),
        Indicator::NegotiatingCount => format!("COUNTIF({stage},\"{negotiating}\")"),
        Indicator::OutboundTrips | Indicator::VisitorsReceived => return None,
    })
}

/// A derived figure as a formula's cached result: counts whole, amounts from hundredths.
fn cached_result(indicator: Indicator, value: i64) -> String {
    match indicator.measure() {
        Measure::Count => value.to_string(),
        Measure::Rmb | Measure::Usd => {
            let v = value as f64 / 100.0;
            format!("{v}")
        }
    }
}

fn write_summary(
    ws: &mut Worksheet,
    unit: &Unit,
    period: Period,
    lang: Lang,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    ws.set_paper_size(9)
        .set_print_fit_to_pages(1, 1)
        .set_print_center_horizontally(true);
    let widths = [34.0, 8.0, 14.0, 14.0, 14.0];
    for (col, width) in widths.into_iter().enumerate() {
        ws.set_column_width(col as u16, width)?;
    }
    let last_col = SUMMARY_LAST_YEAR_COL;
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{}招商引资主要指标（{}）", unit.name(), span_text(period)),
        &fmt.title,
    )?;
    let ytd_title = format!("1-{}月累计", period.month);
    for (col, title) in [
        (SUMMARY_NAME_COL, "指标"),
        (SUMMARY_UNIT_COL, "单位"),
        (SUMMARY_MONTH_COL, "本月"),
        (SUMMARY_YTD_COL, ytd_title.as_str()),
        (SUMMARY_LAST_YEAR_COL, "上年同期累计"),
    ] {
        ws.write_string_with_format(HEADER_ROW, col, title, &fmt.header)?;
    }
    ws.set_row_height(HEADER_ROW, 20)?;

    // The ledger as written: none for a blank form. Cached results are its figures, so a
    // reader that does not recalculate sees what Excel would show.
    let figures = PeriodFigures::from_ledger(&[], period);
    let count_check =
        DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0));
    for indicator in Indicator::ALL {
        let row = summary_row(indicator);
        ws.set_row_height(row, 18)?;
        ws.write_string_with_format(row, SUMMARY_NAME_COL, indicator.label(), &fmt.prefilled)?;
        ws.write_string_with_format(
            row,
            SUMMARY_UNIT_COL,
            indicator.unit_label(),
            &fmt.prefilled,
        )?;
        let is_count = indicator.measure() == Measure::Count;
        for (col, span, figs) in [
            (SUMMARY_MONTH_COL, Span::Month, &figures.month),
            (SUMMARY_YTD_COL, Span::Ytd, &figures.ytd),
        ] {
            match derived_formula(indicator, period, span) {
                Some(text) => {
                    let cached = indicator.derived(figs).unwrap_or(0);
                    let formula = Formula::new(text).set_result(cached_result(indicator, cached));
                    let format = if is_count {
                        &fmt.computed_count
                    } else {
                        &fmt.computed_money
                    };
                    ws.write_formula_with_format(row, col, formula, format)?;
                }
                None => {
                    ws.write_blank(row, col, &fmt.input_count)?;
                    let v = explained(
                        count_check.clone(),
                        input_prompt(&indicator.label(), lang),
                        InputRule::Count,
                        lang,
                    )?;
                    ws.add_data_validation(row, col, row, col, &v)?;
                }
            }
        }
        let (format, check, rule) = if is_count {
            (&fmt.input_count, count_check.clone(), InputRule::Count)
        } else {
            (
                &fmt.input_money,
                DataValidation::new()
                    .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                InputRule::Amount,
            )
        };
        ws.write_blank(row, SUMMARY_LAST_YEAR_COL, format)?;
        let v = explained(check, input_prompt("上年同期累计", lang), rule, lang)?;
        ws.add_data_validation(row, SUMMARY_LAST_YEAR_COL, row, SUMMARY_LAST_YEAR_COL, &v)?;
    }
    let note_row = summary_row(Indicator::ALL[Indicator::ALL.len() - 1]) + 2;
    let note = form_text(FormText::SummaryNote, lang);
    ws.merge_range(note_row, 0, note_row, last_col, note, &fmt.note)?;
    ws.set_row_height(note_row, wrapped_height(note, widths.iter().sum()))?;
    ws.protect_with_options(&guard());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 项目明细
// ---------------------------------------------------------------------------------------

/// How a ledger column is typed and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Text,
    Choice,
    Date,
    Amount,
}

fn input_of(f: Field) -> Input {
    match f {
        Field::FundsSource | Field::Industry | Field::Kind | Field::Stage | Field::Fortune500 => {
            Input::Choice
        }
        Field::SignedOn | Field::StartedOn => Input::Date,
        _ if f.currency().is_some() => Input::Amount,
        _ => Input::Text,
    }
}

/// The width of a ledger column: room for what is typed into it, and for its title on at
/// most two lines of the header.
fn ledger_width(f: Field, industries: &[&str]) -> f64 {
    let content: usize = match f {
        Field::Seq => 6,
        Field::Id => 12,
        Field::Name => 30,
        Field::Investor => 26,
        Field::Origin => 14,
        Field::Industry => industries
            .iter()
            .map(|i| display_width(i))
            .max()
            .unwrap_or(12)
            .clamp(10, 30),
        Field::FundsSource | Field::Kind | Field::Stage => 9,
        Field::Fortune500 => 6,
        Field::SignedOn | Field::StartedOn => 11,
        Field::Note => 18,
        _ => 11,
    };
    let title = display_width(f.title()).div_ceil(2);
    (content.max(title) + 2) as f64
}

fn write_ledger(
    ws: &mut Worksheet,
    facts: &FormFacts,
    industries: &[&str],
    lang: Lang,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    let period = facts.period;
    ws.set_name(LEDGER_SHEET)?;
    let last_col = (Field::ALL.len() - 1) as u16;
    let last_row = FIRST_DATA_ROW + PREPARED_ROWS - 1;
    for f in Field::ALL {
        let col = ledger_col(f);
        let format = match input_of(f) {
            Input::Date => &fmt.column_date,
            Input::Amount => &fmt.column_money,
            Input::Text | Input::Choice => &fmt.column_text,
        };
        ws.set_column_format(col, format)?;
        ws.set_column_width(col, ledger_width(f, industries))?;
    }
    ws.set_row_height(0, 30)?;
    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{}招商引资项目明细表（{}）", facts.unit, span_text(period)),
        &fmt.title,
    )?;
    ws.set_row_height(HEADER_ROW, 32)?;
    for f in Field::ALL {
        let col = ledger_col(f);
        ws.write_string_with_format(HEADER_ROW, col, f.title(), &fmt.header)?;
        if let Some(v) = ledger_validation(f, facts, industries, lang)? {
            ws.add_data_validation(FIRST_DATA_ROW, col, last_row, col, &v)?;
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, ledger_col(Field::Name) + 1)?;
    ws.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_print_gridlines(true);
    ws.set_repeat_rows(0, HEADER_ROW)?;
    ws.protect_with_options(&ProtectionOptions {
        format_cells: true,
        format_columns: true,
        format_rows: true,
        insert_rows: true,
        delete_rows: true,
        sort: true,
        use_autofilter: true,
        ..guard()
    });
    Ok(())
}

/// The check, drop-down and prompt of a ledger column's prepared rows.
fn ledger_validation(
    f: Field,
    facts: &FormFacts,
    industries: &[&str],
    lang: Lang,
) -> Result<Option<DataValidation>, XlsxError> {
    let prompt = column_prompt(f, facts, lang);
    let v = match input_of(f) {
        Input::Text => DataValidation::new()
            .allow_any_value()
            .set_input_title(prompt.0)?
            .set_input_message(prompt.1)?,
        Input::Choice => {
            let list = match f {
                Field::Industry if industries.is_empty() => {
                    // No industry list configured: any 产业类别 text is accepted.
                    return Ok(Some(
                        DataValidation::new()
                            .allow_any_value()
                            .set_input_title(prompt.0)?
                            .set_input_message(prompt.1)?,
                    ));
                }
                Field::Industry => DataValidation::new().allow_list_formula(Formula::new(format!(
                    "'{LISTS_SHEET}'!$A$2:$A${}",
                    industries.len() + 1
                ))),
                Field::FundsSource => DataValidation::new()
                    .allow_list_strings(&FundsSource::ALL.map(FundsSource::label))?,
                Field::Kind => DataValidation::new()
                    .allow_list_strings(&ProjectKind::ALL.map(ProjectKind::label))?,
                Field::Stage => {
                    DataValidation::new().allow_list_strings(&Stage::ALL.map(Stage::label))?
                }
                _ => DataValidation::new().allow_list_strings(&YES_NO)?,
            };
            explained(list, prompt, InputRule::Choice, lang)?
        }
        Input::Date => {
            let (y, m, d) = EARLIEST_DATE;
            let v = DataValidation::new().allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(y, m, d)?,
                excel_date(facts.period.last_day())?,
            ));
            explained(v, prompt, InputRule::Date, lang)?
        }
        Input::Amount => {
            let v = DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0));
            explained(v, prompt, InputRule::Amount, lang)?
        }
    };
    Ok(Some(v))
}

// ---------------------------------------------------------------------------------------
// 下拉选项
// ---------------------------------------------------------------------------------------

/// The hidden sheet of the industry drop-down: a title cell that names no ledger column,
/// label or indicator, then one industry a row.
fn write_lists(ws: &mut Worksheet, industries: &[&str], fmt: &Formats) -> Result<(), XlsxError> {
    ws.set_name(LISTS_SHEET)?;
    let width = industries
        .iter()
        .map(|i| display_width(i))
        .max()
        .unwrap_or(10)
        .max(16);
    ws.set_column_width(0, (width + 2) as f64)?;
    ws.write_string_with_format(0, 0, "产业目录（下拉选项）", &fmt.heading)?;
    for (i, name) in industries.iter().enumerate() {
        ws.write_string(1 + i as u32, 0, *name)?;
    }
    ws.set_hidden(true);
    ws.protect_with_options(&guard());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_path_safe() {
        let p = Period::new(2025, 6).expect("period");
        assert_eq!(file_name("巴南区", p), "巴南区-2025-06-月报表.xlsx");
        assert_eq!(file_name("a/b\\c:d", p), "a_b_c_d-2025-06-月报表.xlsx");
        assert_eq!(file_name("..", p), "_-2025-06-月报表.xlsx");
        assert_eq!(file_name(" 新区. ", p), "新区-2025-06-月报表.xlsx");
    }

    #[test]
    fn formulas_count_the_period_as_the_contract_defines_it() {
        let p = Period::new(2025, 12).expect("period");
        assert_eq!(
            derived_formula(Indicator::SignedCount, p, Span::Month).as_deref(),
            Some(
                "COUNTIFS('项目明细'!$I:$I,\"<>在谈\",'项目明细'!$J:$J,\">=\"&DATE(2025,12,1),\
                 '项目明细'!$J:$J,\"<\"&DATE(2026,1,1))"
            )
        );
        assert_eq!(
            derived_formula(Indicator::BigAmount, p, Span::Ytd).as_deref(),
            Some(
                "SUMIFS('项目明细'!$K:$K,'项目明细'!$I:$I,\"<>在谈\",'项目明细'!$J:$J,\
                 \">=\"&DATE(2025,1,1),'项目明细'!$J:$J,\"<\"&DATE(2026,1,1),\
                 '项目明细'!$K:$K,\">=10000\")"
            )
        );
        assert_eq!(
            derived_formula(Indicator::FundsOutOfProvince, p, Span::Ytd).as_deref(),
            Some("SUMIFS('项目明细'!$O:$O,'项目明细'!$F:$F,\"省外境内\")")
        );
        assert_eq!(
            derived_formula(Indicator::OutboundTrips, p, Span::Month),
            None
        );
    }

    #[test]
    fn every_prompt_fits_excels_limits() {
        let p = Period::new(2025, 6).expect("period");
        let facts = FormFacts {
            unit: "巴南区".into(),
            period: p,
            issuer: "招商投资促进局".into(),
            deadline: None,
        };
        let utf16 = |s: &str| s.encode_utf16().count();
        for lang in [Lang::Zh, Lang::En] {
            let mut prompts: Vec<(String, String)> = Field::ALL
                .into_iter()
                .map(|f| column_prompt(f, &facts, lang))
                .collect();
            for key in [
                "填报人",
                "联系电话",
                "审核人",
                "填报日期",
                "上年同期累计",
                "外出招商活动次数",
            ] {
                prompts.push(input_prompt(key, lang));
            }
            for rule in [
                InputRule::Choice,
                InputRule::Date,
                InputRule::Amount,
                InputRule::Count,
            ] {
                prompts.push(input_error(rule, lang));
            }
            for (title, message) in prompts {
                assert!(utf16(&title) <= 32, "{title}");
                assert!(utf16(&message) <= 255, "{message}");
            }
        }
    }

    #[test]
    fn the_lists_sheet_names_nothing_the_reader_looks_for() {
        let title = "产业目录（下拉选项）";
        assert!(crate::parse::vocab::Field::from_header(title).is_none());
        assert!(
            crate::parse::vocab::Label::from_text(&crate::text::normalize_label(title)).is_none()
        );
        assert!(crate::parse::vocab::indicator_from_name(title).is_none());
    }
}
