//! The bulletin workbook as a statistician re-adds it: every subtotal and total of every
//! sheet summed again from the rows the written file shows (read back with calamine),
//! filters that cover the table rows only, dates as dates and numbers as numbers, and no
//! printed page without a table row.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::sync::OnceLock;

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use tongbao::render::xlsx::workbook;

/// The demo's June workbook, made by the real binary (once for all the tests here).
fn demo_workbook() -> Vec<u8> {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(make_demo_workbook).clone()
}

fn make_demo_workbook() -> Vec<u8> {
    let dir = crate::binary::demo_workspace();
    std::fs::read(dir.path().join("d/out/2025-06/通报-2025-06.xlsx")).expect("workbook")
}

/// The workbook of the hand-made bulletin of tests/it/workbook.rs' roster: a unit rejected,
/// one missing, one without last year's return.
fn small_workbook() -> Vec<u8> {
    let (b, cfg) = crate::workbook::bulletin();
    workbook(&b, &[], &cfg).expect("workbook")
}

struct Book {
    bytes: Vec<u8>,
    xlsx: Xlsx<Cursor<Vec<u8>>>,
}

impl Book {
    fn new(bytes: Vec<u8>) -> Book {
        let xlsx = open_workbook_from_rs(Cursor::new(bytes.clone())).expect("calamine reads it");
        Book { bytes, xlsx }
    }

    fn sheet(&mut self, name: &str) -> Range<Data> {
        self.xlsx
            .worksheet_range(name)
            .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
    }

    /// The XML of a sheet (rust_xlsxwriter writes sheet N as sheetN.xml, in order).
    fn sheet_xml(&self, name: &str) -> String {
        let i = self
            .xlsx
            .sheet_names()
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no sheet {name}"));
        let mut zip = zip::ZipArchive::new(Cursor::new(&self.bytes)).expect("zip");
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{}.xml", i + 1))
            .expect("sheet part")
            .read_to_string(&mut xml)
            .expect("utf-8");
        xml
    }

    /// The rows (1-based, as Excel numbers them) the autofilter of a sheet covers.
    fn filter_rows(&self, name: &str) -> Option<(u32, u32)> {
        let xml = self.sheet_xml(name);
        let at = xml.find("<autoFilter ref=\"")? + "<autoFilter ref=\"".len();
        let range = &xml[at..at + xml[at..].find('"')?];
        let (a, b) = range.split_once(':')?;
        let row = |r: &str| -> u32 {
            r.trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .parse()
                .expect("row number")
        };
        Some((row(a), row(b)))
    }
}

fn text(r: &Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        Some(Data::String(s)) => s.replace('\n', ""),
        Some(Data::Empty) | None => String::new(),
        Some(other) => format!("{other}"),
    }
}

fn number(r: &Range<Data>, row: u32, col: u32) -> Option<f64> {
    match r.get_value((row, col)) {
        Some(Data::Float(x)) => Some(*x),
        Some(Data::Int(x)) => Some(*x as f64),
        _ => None,
    }
}

/// The zero-based row whose first cell reads `first`.
fn row_of(r: &Range<Data>, first: &str) -> u32 {
    (0..r.height() as u32)
        .find(|&row| text(r, row, 0) == first)
        .unwrap_or_else(|| panic!("no row {first}"))
}

/// Sums agree to 0.01 万元 (a millionth of 亿元): amounts are written exactly, so a sum
/// and its rows differ only by the float error of adding them.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * a.abs().max(1.0)
}

/// 分单位: the subtotal and total rows below the units' rows are the sums of those rows,
/// column by column; 上年同期 sums the units marked 可比 and 同比 is recomputed from them.
/// Returns how many cells were re-added.
fn units_sheet_reconciles(book: &mut Book) -> usize {
    let r = book.sheet("分单位");
    let header = row_of(&r, "单位");
    let titles: Vec<String> = (0..r.width() as u32).map(|c| text(&r, header, c)).collect();
    let col = |t: &str| {
        titles
            .iter()
            .position(|x| x == t)
            .unwrap_or_else(|| panic!("no column {t}: {titles:?}")) as u32
    };
    let (group, basis) = (col("分组"), col("同比口径"));
    // The units: from the header to the first empty row; the sums after it.
    let units: Vec<u32> = (header + 1..r.height() as u32)
        .take_while(|&row| !text(&r, row, 0).is_empty())
        .collect();
    let first_sum = units.last().expect("units") + 2;
    assert!(
        text(&r, first_sum - 1, 0).is_empty(),
        "a blank row before the sums"
    );
    let sums: Vec<u32> = (first_sum..r.height() as u32)
        .take_while(|&row| !text(&r, row, 0).starts_with("注"))
        .collect();
    assert!(!sums.is_empty(), "no subtotal rows");
    // The filter covers the header and the units, not the sums.
    assert_eq!(
        book.filter_rows("分单位"),
        Some((header + 1, units.last().expect("units") + 1)),
        "the filter range of 分单位"
    );

    let mut checked = 0;
    for &s in &sums {
        let name = text(&r, s, 0);
        let members: Vec<u32> = if name.ends_with("合计") {
            units.clone()
        } else {
            assert_eq!(name, "小计");
            let g = text(&r, s, group);
            units
                .iter()
                .copied()
                .filter(|&u| text(&r, u, group) == g)
                .collect()
        };
        let comparable: Vec<u32> = members
            .iter()
            .copied()
            .filter(|&u| text(&r, u, basis) == "可比")
            .collect();
        assert_eq!(
            text(&r, s, basis),
            format!("可比{}个", comparable.len()),
            "{name}"
        );
        let add =
            |rows: &[u32], c: u32| -> f64 { rows.iter().filter_map(|&u| number(&r, u, c)).sum() };
        for (c, title) in titles.iter().enumerate() {
            let c = c as u32;
            let Some(measure) = ["本月", "累计", "上年同期"]
                .into_iter()
                .find(|m| title.split('（').next().is_some_and(|t| t.ends_with(m)))
            else {
                continue;
            };
            let rows = if measure == "上年同期" {
                &comparable
            } else {
                &members
            };
            match number(&r, s, c) {
                Some(shown) => {
                    let sum = add(rows, c);
                    assert!(close(shown, sum), "{name} {title}: {shown} vs rows {sum}");
                    checked += 1;
                }
                // Not reported only when no row states it.
                None => assert!(
                    rows.iter().all(|&u| number(&r, u, c).is_none()),
                    "{name} {title}: {:?} though its rows state it",
                    text(&r, s, c)
                ),
            }
        }
        // 同比 from the comparable units' 累计 and 上年同期.
        for (c, title) in titles.iter().enumerate() {
            let Some(figure) = title.strip_suffix("同比（%）") else {
                continue;
            };
            let ytd = titles
                .iter()
                .position(|t| t.starts_with(figure) && t.contains("累计"))
                .expect("累计 column") as u32;
            let last = titles
                .iter()
                .position(|t| t.starts_with(&format!("{figure}上年同期")))
                .expect("上年同期 column") as u32;
            let (now, before) = (add(&comparable, ytd), add(&comparable, last));
            match number(&r, s, c as u32) {
                Some(shown) => {
                    let expected = ((now / before - 1.0) * 100.0 * 10.0).round() / 10.0;
                    assert!(
                        (shown - expected).abs() < 0.051,
                        "{name} {title}: {shown} vs {expected}"
                    );
                    checked += 1;
                }
                None => assert!(before == 0.0, "{name} {title}: no 同比 on {before}"),
            }
        }
    }
    // A unit's last-year figure left out of the sums is named in the note.
    let note = text(&r, *sums.last().expect("sums") + 1, 0);
    for &u in &units {
        let last_year = titles
            .iter()
            .position(|t| t.contains("上年同期"))
            .expect("上年同期") as u32;
        if text(&r, u, basis) == "不可比" && number(&r, u, last_year).is_some() {
            let unit = text(&r, u, 0);
            assert!(
                note.contains(&unit),
                "the note does not name {unit}: {note}"
            );
        }
    }
    checked
}

/// 总体情况: the groups add up to the total; the units' statuses to the roster; the
/// headline figures are 分单位's total.
fn overview_reconciles(book: &mut Book) -> usize {
    let r = book.sheet("总体情况");
    let mut checked = 0;
    // 其他指标: 应报送单位 = 已报送 + 待核实 + 未通过审核 + 未报送.
    let due = number(&r, row_of(&r, "应报送单位"), 2).expect("应报送单位");
    let parts: f64 = ["已报送", "待核实", "未通过审核", "未报送"]
        .iter()
        .map(|s| number(&r, row_of(&r, s), 2).expect(s))
        .sum();
    assert_eq!(due, parts, "应报送单位");
    checked += 1;
    // 分组情况: group rows, then the total.
    let header = row_of(&r, "分组");
    let total = (header + 1..r.height() as u32)
        .find(|&row| text(&r, row, 0).ends_with("合计"))
        .expect("合计 row");
    let groups: Vec<u32> = (header + 1..total).collect();
    for c in 1..r.width() as u32 {
        let title = text(&r, header, c);
        if title.contains('%') {
            continue;
        }
        let sum: f64 = groups.iter().filter_map(|&g| number(&r, g, c)).sum();
        let shown = number(&r, total, c).unwrap_or_else(|| panic!("合计 {title}"));
        assert!(close(shown, sum), "分组情况 {title}: {shown} vs {sum}");
        checked += 1;
    }
    // The headline table: each figure's 本月, 累计 and 上年同期 are 分单位's 合计.
    let units = book.sheet("分单位");
    let uh = row_of(&units, "单位");
    let ut = (uh..units.height() as u32)
        .find(|&row| text(&units, row, 0).ends_with("合计"))
        .expect("分单位 合计");
    let head = row_of(&r, "指标");
    for row in head + 1..r.height() as u32 {
        let figure = text(&r, row, 0);
        if figure.is_empty() {
            break;
        }
        for (c, measure) in [(2, "本月"), (3, "累计"), (4, "上年同期")] {
            let uc = (0..units.width() as u32)
                .find(|&c| {
                    let t = text(&units, uh, c);
                    t.starts_with(&figure)
                        && t.split('（').next().is_some_and(|t| t.ends_with(measure))
                })
                .unwrap_or_else(|| panic!("分单位 {figure}{measure}"));
            assert_eq!(
                number(&r, row, c),
                number(&units, ut, uc),
                "总体情况 {figure} {measure}"
            );
            checked += 1;
        }
    }
    checked
}

/// 分产业 and 规模与来源: each section's 合计 row is the sum of its rows.
fn breakdowns_reconcile(book: &mut Book, name: &str) -> usize {
    let r = book.sheet(name);
    let header = row_of(
        &r,
        if name == "分产业" {
            "产业类别"
        } else {
            "类别"
        },
    );
    let mut checked = 0;
    let mut section: Vec<u32> = Vec::new();
    for row in header + 1..r.height() as u32 {
        let first = text(&r, row, 0);
        if first.starts_with('（') {
            section.clear();
        } else if first == "合计" {
            for c in [1, 2, 4] {
                let sum: f64 = section.iter().filter_map(|&s| number(&r, s, c)).sum();
                let shown = number(&r, row, c).expect("合计 value");
                assert!(
                    close(shown, sum),
                    "{name} row {row} col {c}: {shown} vs {sum}"
                );
                checked += 1;
            }
            section.clear();
        } else if number(&r, row, 1).is_some() {
            section.push(row);
        }
    }
    checked
}

/// 亿元以上项目: the 合计 outside the filter is the sum of the projects above it; every
/// 签约日期 is a date.
fn big_projects_reconcile(book: &mut Book) -> usize {
    let r = book.sheet("亿元以上项目");
    let header = row_of(&r, "序号");
    let rows: Vec<u32> = (header + 1..r.height() as u32)
        .take_while(|&row| number(&r, row, 0).is_some())
        .collect();
    if rows.is_empty() {
        return 0;
    }
    let date = (0..r.width() as u32)
        .find(|&c| text(&r, header, c) == "签约日期")
        .expect("签约日期");
    for &row in &rows {
        assert!(
            matches!(r.get_value((row, date)), Some(Data::DateTime(_))),
            "签约日期 on row {row}: {:?}",
            r.get_value((row, date))
        );
    }
    let total = row_of(&r, "合计");
    assert_eq!(
        total,
        rows.last().expect("rows") + 2,
        "合计 after a blank row"
    );
    assert_eq!(
        book.filter_rows("亿元以上项目"),
        Some((header + 1, rows.last().expect("rows") + 1))
    );
    let amount = r.width() as u32 - 1;
    let sum: f64 = rows.iter().filter_map(|&row| number(&r, row, amount)).sum();
    let shown = number(&r, total, amount).expect("合计");
    assert!(close(shown, sum), "亿元以上项目: {shown} vs {sum}");
    1
}

/// 报送情况: the sentence under the list counts the list's statuses.
fn status_counts_reconcile(book: &mut Book) -> usize {
    let r = book.sheet("报送情况");
    let header = row_of(&r, "序号");
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut units = 0;
    for row in header + 1..r.height() as u32 {
        if number(&r, row, 0).is_none() {
            break;
        }
        units += 1;
        *by_status.entry(text(&r, row, 4)).or_default() += 1;
    }
    let note = (0..r.height() as u32)
        .map(|row| text(&r, row, 0))
        .find(|t| t.starts_with("共"))
        .expect("the count");
    let n = |s: &str| by_status.get(s).copied().unwrap_or(0);
    assert_eq!(
        note,
        format!(
            "共 {units} 个单位：已报送 {} 个，待核实 {} 个，未通过审核 {} 个，未报送 {} 个。",
            n("已报送"),
            n("待核实"),
            n("未通过审核"),
            n("未报送")
        )
    );
    1
}

fn reconcile_all(bytes: Vec<u8>) -> usize {
    let mut book = Book::new(bytes);
    units_sheet_reconciles(&mut book)
        + overview_reconciles(&mut book)
        + breakdowns_reconcile(&mut book, "分产业")
        + breakdowns_reconcile(&mut book, "规模与来源")
        + big_projects_reconcile(&mut book)
        + status_counts_reconcile(&mut book)
}

#[test]
fn every_subtotal_and_total_of_the_demo_workbook_re_adds_from_its_rows() {
    let checked = reconcile_all(demo_workbook());
    // 分单位 alone has 5 sum rows × (30 sums + 10 同比).
    assert!(checked > 200, "only {checked} cells re-added");
}

#[test]
fn every_subtotal_and_total_of_a_small_workbook_re_adds_from_its_rows() {
    let checked = reconcile_all(small_workbook());
    assert!(checked > 50, "only {checked} cells re-added");
}

#[test]
fn a_unit_without_a_counted_return_keeps_its_last_year_out_of_the_sums_with_a_note() {
    let mut book = Book::new(demo_workbook());
    let r = book.sheet("分单位");
    let header = row_of(&r, "单位");
    let col = |t: &str| {
        (0..r.width() as u32)
            .find(|&c| text(&r, header, c) == t)
            .unwrap_or_else(|| panic!("no column {t}"))
    };
    // 城口县 did not report this June but did last June.
    let row = row_of(&r, "城口县");
    assert_eq!(text(&r, row, col("报送状态")), "未报送");
    assert_eq!(text(&r, row, col("同比口径")), "不可比");
    assert_eq!(
        text(&r, row, col("新签约合同投资额1—6月累计（亿元）")),
        "未报"
    );
    assert!(number(&r, row, col("新签约合同投资额上年同期（亿元）")).is_some());
    let note = (0..r.height() as u32)
        .map(|row| text(&r, row, 0))
        .find(|t| t.starts_with("注"))
        .expect("note");
    assert!(note.contains("城口县（未报送）"), "{note}");
}

#[test]
fn no_cell_holds_a_number_or_a_date_as_text() {
    for bytes in [demo_workbook(), small_workbook()] {
        let mut book = Book::new(bytes);
        let names = book.xlsx.sheet_names();
        for name in names {
            let r = book.sheet(&name);
            // Identifiers (unit codes, file names, places) are text by nature.
            let header = (0..r.height() as u32)
                .find(|&row| matches!(text(&r, row, 0).as_str(), "序号" | "单位" | "指标"));
            let id_cols: Vec<u32> = header
                .map(|h| {
                    (0..r.width() as u32)
                        .filter(|&c| {
                            matches!(
                                text(&r, h, c).as_str(),
                                "单位代码" | "代码" | "文件名" | "位置" | "项目名称" | "投资方"
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            for (row, c, v) in r.used_cells() {
                let Data::String(s) = v else { continue };
                if id_cols.contains(&(c as u32)) {
                    continue;
                }
                let t = s.trim();
                assert!(
                    t.parse::<f64>().is_err(),
                    "{name}!({row},{c}) holds the number {t:?} as text"
                );
                assert!(
                    chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_err(),
                    "{name}!({row},{c}) holds the date {t:?} as text"
                );
            }
        }
        // The project list's dates are dates too.
        let r = book.sheet("项目总表");
        let header = row_of(&r, "序号");
        let signed = (0..r.width() as u32)
            .find(|&c| text(&r, header, c) == "签约日期")
            .expect("签约日期");
        let dated = (header + 1..r.height() as u32)
            .filter(|&row| matches!(r.get_value((row, signed)), Some(Data::DateTime(_))))
            .count();
        assert!(dated > 0, "no 签约日期 written as a date");
        assert!(
            (header + 1..r.height() as u32).all(|row| matches!(
                r.get_value((row, signed)),
                Some(Data::DateTime(_) | Data::Empty) | None
            )),
            "a 签约日期 that is not a date"
        );
    }
}

#[test]
fn a_league_table_that_would_spill_only_its_note_prints_on_one_page() {
    let book = Book::new(demo_workbook());
    // 主城都市区's 21 units and the note: one page tall, at whatever scale that takes.
    let xml = book.sheet_xml("赛马榜-主城都市区");
    let setup = &xml[xml.find("<pageSetup ").expect("page setup")..];
    let setup = &setup[..setup.find("/>").unwrap_or(setup.len())];
    assert!(xml.contains("fitToPage=\"1\""), "fitted to pages");
    // One page wide and one tall: Excel's defaults, so either written as 1 or left out.
    assert!(!setup.contains("fitToHeight=\"0\""), "{setup}");
    assert!(!setup.contains("fitToWidth=\"0\""), "{setup}");
}

#[test]
fn the_months_of_the_trend_chart_are_a_table_whose_last_month_is_the_headline_month() {
    // The PDF's 图1 plots each month's own figures; the workbook's 各月 sheet holds them,
    // and the report month's row is the month's total of 分单位.
    let mut book = Book::new(demo_workbook());
    let months = book.sheet("各月");
    let header = row_of(&months, "月份");
    let col = (0..months.width() as u32)
        .find(|&c| text(&months, header, c).starts_with("新签约合同投资额"))
        .expect("新签约合同投资额 column");
    // Every month of the year the archive holds, January to June, in order.
    for m in 1..=6u32 {
        assert_eq!(text(&months, header + m, 0), format!("2025年{m}月"));
    }
    let june = row_of(&months, "2025年6月");
    let units = book.sheet("分单位");
    let units_header = row_of(&units, "单位");
    let month_col = (0..units.width() as u32)
        .find(|&c| text(&units, units_header, c) == "新签约合同投资额本月（亿元）")
        .unwrap_or_else(|| {
            panic!(
                "分单位 columns: {:?}",
                (0..units.width() as u32)
                    .map(|c| text(&units, units_header, c))
                    .collect::<Vec<_>>()
            )
        });
    let total = (units_header + 1..units.height() as u32)
        .find(|&r| text(&units, r, 0).ends_with("合计"))
        .expect("合计");
    let in_months = number(&months, june, col).expect("June");
    let in_units = number(&units, total, month_col).expect("合计 本月");
    assert!(close(in_months, in_units), "{in_months} against {in_units}");
}
