//! 基本信息: who reported and for which month.
//!
//! Labels stand in a cell with their value to the right (or below), or run together in
//! one text cell near the top of any sheet: `填报单位：巴南区　报告期：2024年3月`.

use std::collections::HashMap;

use crate::parse::value::is_blank;
use crate::parse::vocab::Label;
use crate::read::{CellValue, RawSheet, RawWorkbook};
use crate::text::{normalize_label, to_half_width, to_simplified, trim};

/// How many rows of a non-info sheet are searched for inline labels.
const INLINE_ROWS: u32 = 10;

/// A label's value and where it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub value: CellValue,
    pub sheet: String,
    pub row: u32,
    pub col: u32,
}

/// Every label found, first occurrence wins.
pub type Info = HashMap<Label, Found>;

/// Whether a sheet's name says it is 基本信息.
pub fn is_info_sheet_name(name: &str) -> bool {
    let n = normalize_label(name);
    n.contains("基本信息") || n.contains("封面") || n.contains("基本情况")
}

/// Whether a sheet is an instructions sheet (填报说明): its words describe the form and
/// are never data.
pub fn is_instructions_sheet(name: &str) -> bool {
    let n = normalize_label(name);
    n.contains("说明") || n.contains("填报要求")
}

/// Reads the labels from the workbook: the 基本信息 sheet first, then the top rows of the
/// other sheets (never an instructions sheet).
pub fn read_info(wb: &RawWorkbook) -> Info {
    let mut info = Info::new();
    let (named, others): (Vec<&RawSheet>, Vec<&RawSheet>) = wb
        .sheets
        .iter()
        .filter(|s| !is_instructions_sheet(&s.name))
        .partition(|s| is_info_sheet_name(&s.name));
    for sheet in named {
        scan(sheet, u32::MAX, &mut info);
    }
    for sheet in others {
        let top = sheet.cells.first().map_or(0, |c| c.row);
        scan(sheet, top.saturating_add(INLINE_ROWS), &mut info);
    }
    info
}

fn scan(sheet: &RawSheet, row_limit: u32, info: &mut Info) {
    for cell in sheet.cells.iter().take_while(|c| c.row < row_limit) {
        let CellValue::Text(text) = &cell.value else {
            continue;
        };
        let norm = normalize_label(text);
        if let Some(label) = Label::from_text(&norm) {
            if info.contains_key(&label) {
                continue;
            }
            if let Some((row, col, value)) = value_beside(sheet, cell.row, cell.col) {
                info.insert(
                    label,
                    Found {
                        value,
                        sheet: sheet.name.clone(),
                        row,
                        col,
                    },
                );
            }
        } else if norm.contains(':') {
            for (label, value) in inline_pairs(text) {
                info.entry(label).or_insert_with(|| Found {
                    value: CellValue::Text(value.into()),
                    sheet: sheet.name.clone(),
                    row: cell.row,
                    col: cell.col,
                });
            }
        }
    }
}

/// The value of a label cell: the next non-empty cell to its right that is not itself a
/// label (a merged label may span a few columns), else the cell below.
fn value_beside(sheet: &RawSheet, row: u32, col: u32) -> Option<(u32, u32, CellValue)> {
    let right = sheet
        .row(row)
        .iter()
        .filter(|c| c.col > col && c.col <= col + 6)
        .find(|c| !is_blank(&c.value));
    match right {
        Some(c) if !is_label(&c.value) => return Some((c.row, c.col, c.value.clone())),
        Some(_) => {}
        None => {}
    }
    let below = sheet.get(row + 1, col)?;
    (!is_label(below) && !is_blank(below)).then(|| (row + 1, col, below.clone()))
}

fn is_label(v: &CellValue) -> bool {
    matches!(v, CellValue::Text(t) if Label::from_text(&normalize_label(t)).is_some())
}

/// Splits `填报单位：巴南区　报告期：2024年3月` into its labelled values.
fn inline_pairs(text: &str) -> Vec<(Label, String)> {
    let t = to_simplified(&to_half_width(text));
    // Positions of every "label:" in the text.
    let mut marks: Vec<(usize, usize, Label)> = Vec::new();
    for label in Label::ALL {
        for alias in label.aliases() {
            let mut from = 0;
            while let Some(pos) = t[from..].find(alias) {
                let start = from + pos;
                let after = start + alias.len();
                let rest = t[after..].trim_start_matches(' ');
                if rest.starts_with(':') {
                    let value_start = t.len() - rest.len() + 1;
                    marks.push((start, value_start, label));
                }
                from = after;
            }
        }
    }
    marks.sort_by_key(|m| m.0);
    // Drop marks inside a longer one (区划代码 inside 行政区划代码).
    marks.dedup_by(|b, a| b.0 < a.1);
    let mut out = Vec::new();
    for (i, &(_, value_start, label)) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map_or(t.len(), |m| m.0);
        let value = trim(&t[value_start.min(end)..end]).to_string();
        if !value.is_empty() {
            out.push((label, value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_labels_split_into_values() {
        let pairs = inline_pairs("填报单位：巴南区　报告期：2024年3月");
        assert_eq!(
            pairs,
            vec![
                (Label::Unit, "巴南区".to_string()),
                (Label::Period, "2024年3月".to_string())
            ]
        );
        let pairs = inline_pairs("填報單位: 巴南區 行政区划代码：500113");
        assert_eq!(
            pairs,
            vec![
                (Label::Unit, "巴南区".to_string()),
                (Label::Code, "500113".to_string())
            ]
        );
    }
}
