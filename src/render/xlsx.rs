//! The consolidated workbook (通报-YYYY-MM.xlsx): every table of the bulletin as a sheet a
//! clerk can sort, filter and print.
//!
//! The bulletin is first laid out as plain [`grid::Grid`]s, one per sheet (cells that know
//! what they hold: an amount in 万元, a count, a percentage, text), and only then written
//! with rust_xlsxwriter. The layout decides what is shown; the writer decides how: 亿元 with
//! two decimals, percentages with one, "—" for what cannot be computed, column widths from
//! the content, frozen and repeated header rows, A4 landscape pages. Text that came from a
//! return is always written as a string, so a project called `=1+1` stays text.
//!
//! The output is reproducible: the document's creation time is taken from the period, and
//! nothing else in the file depends on the clock, so the same bulletin gives the same bytes.

pub(crate) mod book;
mod brief;
mod charts;
mod grid;
mod long_list;
mod progress;
pub(crate) mod sheet_xml;
mod sheets;
mod titles;
mod zipped;

use std::io::{BufWriter, Cursor, Seek, Write};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

use crate::aggregate::Bulletin;
use crate::config::Config;

/// The width of text in Excel's column units (CJK characters count two).
pub(crate) use grid::display_width;
use grid::{Formats, PageText};

/// Why the workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    #[error("生成工作簿失败：{}", xlsx_problem(.0, crate::lang::Lang::Zh))]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

impl WorkbookError {
    /// The error in the reader's language.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        match (self, lang) {
            (_, crate::lang::Lang::Zh) => self.to_string(),
            (WorkbookError::Xlsx(e), crate::lang::Lang::En) => {
                format!("cannot write the workbook: {}", xlsx_problem(e, lang))
            }
        }
    }
}

/// What rust_xlsxwriter refused, in the reader's language: Excel's limits and the disk in
/// words of ours; anything else is a defect of tongbao's, reported with the library's own
/// words for whoever fixes it.
pub(crate) fn xlsx_problem(e: &rust_xlsxwriter::XlsxError, lang: crate::lang::Lang) -> String {
    use rust_xlsxwriter::XlsxError as X;
    use std::io::ErrorKind as K;
    let zh = lang == crate::lang::Lang::Zh;
    match e {
        X::RowColumnLimitError if zh => "超出 Excel 的行列上限（1,048,576 行、16,384 列）".into(),
        X::RowColumnLimitError => "past Excel's last row or column (1,048,576 × 16,384)".into(),
        X::MaxStringLengthExceeded if zh => "单元格文字超过 Excel 的上限（32,767 个字符）".into(),
        X::MaxStringLengthExceeded => "a cell's text past Excel's 32,767 characters".into(),
        X::IoError(io) | X::TempFileError(_, io) => match (io.kind(), zh) {
            (K::StorageFull, true) => "磁盘空间不足".into(),
            (K::StorageFull, false) => "the disk is full".into(),
            (K::PermissionDenied, true) => "没有写入权限".into(),
            (K::PermissionDenied, false) => "permission denied".into(),
            (_, true) => format!(
                "读写临时数据出错（{}）",
                crate::messages::io_reason(io, crate::lang::Lang::Zh)
            ),
            (_, false) => format!("reading or writing temporary data failed ({io})"),
        },
        _ if zh => format!("tongbao 内部错误，请把这条信息告诉开发者（rust_xlsxwriter：{e}）"),
        _ => format!("an internal error of tongbao; please report it (rust_xlsxwriter: {e})"),
    }
}

/// The workbook's bytes for a bulletin.
///
/// Sheets, in order: 总体情况, one 赛马榜-<分组> per league table, 十强榜, 分单位, 分产业,
/// 规模与来源, 图表, 亿元以上项目, 项目总表, 项目推进, 督办清单, 项目库, 报送情况, 数据说明.
///
/// `trend` is each month's own figures from January to the period (the data of the PDF's
/// trend chart), oldest first: the 各月 sheet prints it.
pub fn workbook(
    bulletin: &Bulletin,
    trend: &[(crate::model::Period, crate::model::Figures)],
    cfg: &Config,
) -> Result<Vec<u8>, WorkbookError> {
    let out = Cursor::new(Vec::new());
    let written = write_workbook(bulletin, trend, cfg, out)?;
    Ok(written.into_inner())
}

/// [`workbook`] written to the temporary file of output `path` as it is made: a national
/// bulletin's workbook is 250 MB, which held in memory, with its long lists deflated
/// apart first, was 770 MB of `build`'s peak. The caller commits the file once every
/// output is made.
pub fn workbook_staged(
    bulletin: &Bulletin,
    trend: &[(crate::model::Period, crate::model::Figures)],
    cfg: &Config,
    path: &std::path::Path,
) -> Result<crate::render::Staged, WorkbookError> {
    let io = |e: std::io::Error| WorkbookError::Xlsx(rust_xlsxwriter::XlsxError::IoError(e));
    let mut staged = crate::render::Staged::create(path).map_err(io)?;
    let out = BufWriter::with_capacity(1 << 16, staged.file());
    let out = write_workbook(bulletin, trend, cfg, out)?;
    out.into_inner().map_err(|e| io(e.into_error()))?;
    Ok(staged)
}

/// The workbook written into `out`, from its start.
fn write_workbook<W>(
    bulletin: &Bulletin,
    trend: &[(crate::model::Period, crate::model::Figures)],
    cfg: &Config,
    out: W,
) -> Result<W, WorkbookError>
where
    W: Write + Seek,
{
    let mut wb = Workbook::new();
    wb.set_properties(&properties(bulletin, cfg)?);
    let formats = Formats::new();
    formats.register(&mut wb);
    let page = PageText::new(cfg);
    let grids = long_list::continued(sheets::all(bulletin, trend, cfg), long_list::ROW_MAX);
    for grid in &grids {
        grid.write(&mut wb, &formats, &page, true)?;
    }
    // Most of saving is deflating the sheets' XML, and 项目总表 makes it large: level 3
    // takes about 0.7 of the time of the default 6 for a file about 6 % larger.
    const LEVEL: u8 = 3;
    // The long lists (项目总表, 项目库: 88 MB of XML for a province) are deflated at level
    // 2: 0.35 s of splicing instead of 0.42 s, for a workbook 5 % larger (12.6 MB against
    // 12.0; level 1 is no faster and 41 % larger). BENCHMARKS.md, issue 15.
    const LONG_LIST_LEVEL: i64 = 2;
    wb.set_zip_compression_level(LEVEL);
    let saved = wb.save_to_buffer()?;
    // The long lists' rows, written into the saved sheets (see `long_list`). Every grid is
    // one worksheet, numbered from 1 in the package.
    let pending: Vec<long_list::Pending<'_, '_>> = grids
        .iter()
        .enumerate()
        .filter(|(_, g)| g.long_list && g.tail.as_ref().is_some_and(|(n, _)| *n > 1))
        .map(|(i, grid)| long_list::Pending { sheet: i + 1, grid })
        .collect();
    Ok(long_list::splice(
        saved,
        &pending,
        &formats,
        Some(LONG_LIST_LEVEL),
        out,
    )?)
}

/// The workbook's bytes for a leadership briefing: 主要指标, 各单位, 各月, 重点项目.
pub fn brief_workbook(
    brief: &crate::aggregate::brief::Brief,
    cfg: &Config,
) -> Result<Vec<u8>, WorkbookError> {
    let mut wb = Workbook::new();
    let last = brief.span.to.last_day();
    let created = ExcelDateTime::from_ymd(
        u16::try_from(brief.span.to.year).unwrap_or(1990),
        u8::try_from(brief.span.to.month).unwrap_or(1),
        u8::try_from(chrono::Datelike::day(&last)).unwrap_or(1),
    )?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{}招商引资工作简报（{}）",
                brief.subject,
                brief.span.label()
            ))
            .set_author(cfg.file.bulletin.issuer.clone())
            .set_company(cfg.file.bulletin.issuer.clone())
            .set_comment("由 tongbao 生成")
            .set_creation_datetime(&created),
    );
    let formats = Formats::new();
    let page = PageText::new(cfg);
    for grid in brief::all(brief) {
        grid.write(&mut wb, &formats, &page, false)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// Document properties with a creation time fixed by the period (its last day), so that no
/// clock reading reaches the file.
fn properties(bulletin: &Bulletin, cfg: &Config) -> Result<DocProperties, WorkbookError> {
    let period = bulletin.period;
    let last = period.last_day();
    let created = ExcelDateTime::from_ymd(
        u16::try_from(period.year).unwrap_or(1990),
        u8::try_from(period.month).unwrap_or(1),
        u8::try_from(chrono::Datelike::day(&last)).unwrap_or(1),
    )?;
    let meta = &cfg.file.bulletin;
    Ok(DocProperties::new()
        .set_title(format!(
            "{}{}招商引资工作情况通报（附表）",
            titles::span_title(period),
            meta.region
        ))
        .set_subject(format!("{period} 招商引资月报汇总"))
        .set_author(meta.issuer.clone())
        .set_company(meta.issuer.clone())
        .set_comment("由 tongbao 生成")
        .set_creation_datetime(&created))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use rust_xlsxwriter::XlsxError;

    #[test]
    fn a_workbook_error_is_worded_in_one_language() {
        let io = || std::io::Error::from(std::io::ErrorKind::StorageFull);
        for e in [
            XlsxError::RowColumnLimitError,
            XlsxError::MaxStringLengthExceeded,
            XlsxError::IoError(io()),
        ] {
            let e = WorkbookError::Xlsx(e);
            // Excel is Excel in Chinese too.
            let zh = e.message(Lang::Zh);
            let words = zh.replace("Excel", "");
            assert!(!words.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
            let en = e.message(Lang::En);
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{en}"
            );
        }
        // A defect says so, and keeps the library's words for whoever fixes it.
        let other = WorkbookError::Xlsx(XlsxError::MergeRangeSingleCell).message(Lang::Zh);
        assert!(
            other.contains("内部错误") && other.contains("rust_xlsxwriter"),
            "{other}"
        );
    }
}
