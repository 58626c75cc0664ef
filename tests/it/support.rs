//! Fixture builders: a small roster and county returns written as real .xlsx files with
//! rust_xlsxwriter, one cell changed per test.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use tongbao::batch::{check_files, BatchOptions, FileReport};
use tongbao::config::Config;
use tongbao::diag::{Code, Severity};
use tongbao::lang::Lang;
use tongbao::model::Period;

/// A roster of three units in two groups and a short industry list.
pub const CONFIG: &str = r#"
[[group]]
name = "区"

[[group]]
name = "功能区"
league = false

[[unit]]
code = "500113"
name = "巴南区"
aliases = ["巴南"]
group = "区"

[[unit]]
code = "500103"
name = "渝中区"
group = "区"

[[unit]]
code = "LJXQ"
name = "两江新区"
group = "功能区"

[[industry]]
name = "先进材料"
sector = "二产"

[[industry]]
name = "智能装备及智能制造"
sector = "二产"

[[industry]]
name = "软件信息服务"
sector = "三产"
"#;

pub fn config() -> Config {
    Config::from_str(CONFIG, Path::new("tongbao.toml")).expect("test roster parses")
}

/// A cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    S(String),
    N(f64),
    /// A date cell with a date format.
    D(u16, u8, u8),
    E,
}

pub fn s(x: &str) -> V {
    V::S(x.to_string())
}

/// A sheet: name, hidden flag, rows from A1, merged ranges (r1, c1, r2, c2).
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub hidden: bool,
    pub rows: Vec<Vec<V>>,
    pub merges: Vec<(u32, u16, u32, u16)>,
}

impl Sheet {
    pub fn new(name: &str, rows: Vec<Vec<V>>) -> Sheet {
        Sheet {
            name: name.into(),
            hidden: false,
            rows,
            merges: vec![],
        }
    }
}

pub const HEADER: [&str; 19] = [
    "序号",
    "项目编号",
    "项目名称",
    "投资方",
    "投资方来源地",
    "资金来源",
    "产业类别",
    "项目类型",
    "项目进展",
    "签约日期",
    "合同投资额",
    "其中：合同外资",
    "开工日期",
    "本月到位资金",
    "本年累计到位资金",
    "本月实际使用外资",
    "本年累计实际使用外资",
    "是否世界500强",
    "备注",
];

/// Column index of a header title in [`HEADER`].
pub fn col(title: &str) -> usize {
    HEADER
        .iter()
        .position(|h| *h == title)
        .expect("known column")
}

/// The four projects of the standard return for 巴南区, 2025-06.
///
/// Month: signings rows 1 and 3 (67000), big 2 (67000), started 1 (52000), funds
/// 1700.5 of which out-of-province 1200.5, FDI 50, negotiating 1.
/// YTD: signings 3 (75000), big 2 (67000), started 1 (52000), funds 5500 of which
/// out-of-province 3000, FDI 120, negotiating 1.
pub fn ledger_rows() -> Vec<Vec<V>> {
    use V::*;
    vec![
        vec![
            N(1.0),
            s("P001"),
            s("新材料产业园"),
            s("甲材料有限公司"),
            s("江苏南京"),
            s("省外境内"),
            s("先进材料"),
            s("新建"),
            s("已开工"),
            D(2025, 6, 10),
            N(52000.0),
            E,
            D(2025, 6, 20),
            N(1200.5),
            N(3000.0),
            E,
            E,
            s("否"),
            E,
        ],
        vec![
            N(2.0),
            s("P002"),
            s("智能装备基地"),
            s("乙装备股份公司"),
            s("重庆"),
            s("市内"),
            s("智能装备及智能制造"),
            s("新建"),
            s("已签约"),
            D(2025, 3, 5),
            N(8000.0),
            E,
            E,
            N(500.0),
            N(2500.0),
            E,
            E,
            s("否"),
            E,
        ],
        vec![
            N(3.0),
            s("P003"),
            s("软件园"),
            s("丙科技（香港）有限公司"),
            s("香港"),
            s("境外"),
            s("软件信息服务"),
            s("新建"),
            s("已签约"),
            D(2025, 6, 1),
            N(15000.0),
            N(1000.0),
            E,
            N(0.0),
            N(0.0),
            N(50.0),
            N(120.0),
            s("是"),
            E,
        ],
        vec![
            N(4.0),
            s("P004"),
            s("新能源材料项目"),
            s("丁能源集团"),
            s("上海"),
            s("省外境内"),
            s("先进材料"),
            s("新建"),
            s("在谈"),
            E,
            N(30000.0),
            E,
            E,
            E,
            E,
            E,
            E,
            s("否"),
            s("正在洽谈"),
        ],
    ]
}

/// A whole return: info pairs, ledger header and rows (title row above the header).
#[derive(Debug, Clone)]
pub struct Form {
    pub info: Vec<(String, V)>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<V>>,
    pub summary: Option<Vec<Vec<V>>>,
    pub extra_sheets: Vec<Sheet>,
}

impl Form {
    /// The standard accepted return of 巴南区 for 2025-06.
    pub fn valid() -> Form {
        Form {
            info: vec![
                ("填报单位".into(), s("巴南区")),
                ("行政区划代码".into(), s("500113")),
                ("报告期".into(), s("2025年6月")),
                ("填报人".into(), s("张三")),
            ],
            header: HEADER.iter().map(|h| h.to_string()).collect(),
            rows: ledger_rows(),
            summary: None,
            extra_sheets: vec![],
        }
    }

    pub fn set_info(mut self, label: &str, v: V) -> Form {
        match self.info.iter_mut().find(|(l, _)| l == label) {
            Some(slot) => slot.1 = v,
            None => self.info.push((label.into(), v)),
        }
        self
    }

    /// Sets a ledger cell: data row `row` (0 = first project), column by title.
    pub fn set(mut self, row: usize, title: &str, v: V) -> Form {
        let c = col(title);
        self.rows[row][c] = v;
        self
    }

    /// The summary sheet with the standard return's true figures.
    pub fn with_true_summary(mut self) -> Form {
        use V::*;
        let r = |name: &str, unit: &str, m: f64, y: f64| vec![s(name), s(unit), N(m), N(y), E];
        self.summary = Some(vec![
            vec![
                s("指标"),
                s("单位"),
                s("本月"),
                s("1-6月累计"),
                s("上年同期累计"),
            ],
            r("新签约项目数", "个", 2.0, 3.0),
            r("新签约合同投资额", "万元", 67000.0, 75000.0),
            r("其中：亿元以上项目数", "个", 2.0, 2.0),
            r("其中：亿元以上项目合同投资额", "万元", 67000.0, 67000.0),
            r("新开工项目数", "个", 1.0, 1.0),
            r("新开工项目计划总投资", "万元", 52000.0, 52000.0),
            r("实际到位资金", "万元", 1700.5, 5500.0),
            r("其中：省外境内到位资金", "万元", 1200.5, 3000.0),
            r("实际使用外资", "万美元", 50.0, 120.0),
            r("在谈项目数", "个", 1.0, 1.0),
            r("外出招商活动次数", "次", 3.0, 15.0),
            r("接待客商批次", "次", 5.0, 28.0),
        ]);
        self
    }

    /// The sheets this form is written as: 基本信息, 主要指标 (if any), 项目明细.
    pub fn sheets(&self) -> Vec<Sheet> {
        let mut sheets = vec![Sheet::new(
            "基本信息",
            self.info
                .iter()
                .map(|(l, v)| vec![s(l), v.clone()])
                .collect(),
        )];
        if let Some(rows) = &self.summary {
            sheets.push(Sheet::new("主要指标", rows.clone()));
        }
        let mut rows = vec![
            vec![s("巴南区招商引资项目明细表")],
            self.header.iter().map(|h| s(h)).collect::<Vec<_>>(),
        ];
        rows.extend(self.rows.iter().cloned());
        let mut ledger = Sheet::new("项目明细", rows);
        ledger.merges.push((0, 0, 0, 18));
        sheets.push(ledger);
        sheets.extend(self.extra_sheets.iter().cloned());
        sheets
    }

    pub fn xlsx(&self) -> Vec<u8> {
        xlsx(&self.sheets())
    }
}

/// Writes sheets to .xlsx bytes.
pub fn xlsx(sheets: &[Sheet]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let plain = Format::new();
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).expect("sheet name");
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if sheet.merges.iter().any(|m| m.0 == r && m.1 == c) {
                    continue;
                }
                match v {
                    V::S(x) => ws.write_string(r, c, x).map(|_| ()),
                    V::N(x) => ws.write_number(r, c, *x).map(|_| ()),
                    V::D(y, m, d) => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d).expect("valid date");
                        ws.write_datetime_with_format(r, c, &dt, &date).map(|_| ())
                    }
                    V::E => Ok(()),
                }
                .expect("write cell");
            }
        }
        for &(r1, c1, r2, c2) in &sheet.merges {
            let text = match sheet
                .rows
                .get(r1 as usize)
                .and_then(|row| row.get(c1 as usize))
            {
                Some(V::S(x)) => x.clone(),
                _ => String::new(),
            };
            ws.merge_range(r1, c1, r2, c2, &text, &plain)
                .expect("merge");
        }
        if sheet.hidden {
            ws.set_hidden(true);
        }
    }
    wb.save_to_buffer().expect("xlsx to buffer")
}

/// Writes bytes to a fresh temporary folder under `name`; returns the folder guard and path.
pub fn write_temp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    (dir, path)
}

/// Checks one file's bytes against the test roster for 2025-06.
pub fn check_bytes(name: &str, bytes: &[u8]) -> FileReport {
    let (_dir, path) = write_temp(name, bytes);
    let batch = check_files(
        &[path],
        &config(),
        &BatchOptions {
            period: Period::new(2025, 6),
            lang: Lang::Zh,
            keep_bytes: false,
        },
    );
    batch.files.into_iter().next().expect("one report")
}

pub fn check_form(form: &Form) -> FileReport {
    check_bytes("巴南区.xlsx", &form.xlsx())
}

/// The codes of a report's diagnostics at or above a severity.
pub fn codes(r: &FileReport, at_least: Severity) -> Vec<Code> {
    r.diagnostics
        .0
        .iter()
        .filter(|d| d.severity() >= at_least)
        .map(|d| d.code)
        .collect()
}

/// The single diagnostic with `code`, with its cell in A1 form.
pub fn only(r: &FileReport, code: Code) -> (Option<String>, Option<String>) {
    let found: Vec<_> = r.diagnostics.0.iter().filter(|d| d.code == code).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {code:?}, got {:#?}",
        r.diagnostics.0
    );
    (found[0].cell_a1(), found[0].value.clone())
}

/// The register's id of each row of the demo's archive, recomputed in period order:
/// `unit:identity` of the project's first row, where a row whose 备注 is 「原名：X」
/// continues the project that was X with the same investor (the samples' renamed projects
/// carry no 项目编号).
#[derive(Default)]
pub struct Renames(std::collections::BTreeMap<(String, String, String), String>);

impl Renames {
    pub fn id(
        &mut self,
        unit: &str,
        identity: &str,
        name: &str,
        investor: &str,
        note: Option<&str>,
    ) -> String {
        let key = |n: &str| (unit.to_string(), n.to_string(), investor.to_string());
        let id = self
            .0
            .get(&key(name))
            .cloned()
            .or_else(|| {
                let old = note?.strip_prefix("原名：")?;
                self.0.get(&key(old)).cloned()
            })
            .unwrap_or_else(|| format!("{unit}:{identity}"));
        self.0.insert(key(name), id.clone());
        id
    }
}

/// The median of whole months, as tongbao's JSON gives it (the mean of the middle two of an
/// even count); `None` for none.
pub fn median(mut v: Vec<i64>) -> Option<f64> {
    v.sort();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2] as f64),
        _ => Some((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0),
    }
}
