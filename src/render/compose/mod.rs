//! The bulletin's content as blocks: what the 通报 says, in what order, with every
//! sentence taken from a template.
//!
//! [`bulletin_blocks`] walks the structure of domain.md — 红头, title, 主送, opening,
//! 一、总体情况, 二、分区县情况, 三、重点项目, the clerk's 存在问题 and 下步工作 when given,
//! 数据说明, 附件说明, 落款, then the annex — and produces the [`Block`]s the PDF layout
//! engine places. Sentences come from the templates (see [`crate::render::templates`]);
//! the composer adds the tables and charts between them, with their captions also from
//! a template. Table cells are printed here, in the one style of the bulletin: 亿元 with
//! two decimals, 万美元 with two, percentages with one, `—` for a figure that cannot be
//! given.

mod brief;
mod context;

use std::cell::RefCell;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::aggregate::{round1, AreaFigures, Bulletin, LeagueTable, ReturnStatus, UnitFigures};
use crate::config::Config;
use crate::model::{FigureKey, Figures, Period};
use crate::render::pdf::blocks::{
    Align, BarChart, Block, Column, DocumentInfo, LineChart, Orientation, Table,
};
use crate::render::templates::{
    pct, usd_cell, yi, yi_value, TemplateData, TemplateError, Templates, DASH,
};

pub use brief::{brief_blocks, brief_context, brief_info, BriefContext, Shown};
pub use context::{
    context, doc_number, AnnexContext, BehindSchedule, BehindUnit, BulletinContext,
    ConversionContext, FollowUpLine, GroupContext, IndicatorContext, LeaderContext, LeagueContext,
    NoteContext, ProgressContext, ProjectContext, ProjectsContext, Rates, ReasonCount, Reporting,
    Sections, TopEntryContext, TopListContext, UnrankedContext, SCHEDULED, VANISHED_LISTED,
};

use context::{status_label, top_list_key};

/// Why the bulletin's content could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// A template failed to fill in; the message names the file, line and column.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The config names a 存在问题 / 下步工作 file that cannot be read.
    #[error("{path}: 无法读取{what}文本：{}", crate::messages::io_reason(.source, crate::lang::Lang::Zh), path = .path.display())]
    ClerkText {
        path: PathBuf,
        what: &'static str,
        source: std::io::Error,
    },
    /// A template gave text of the wrong shape (e.g. a signature without a date line).
    #[error("{template}: {}", .message.get(crate::lang::Lang::Zh))]
    Shape {
        template: String,
        message: crate::lang::Said,
    },
}

impl ComposeError {
    /// The error in the reader's language.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        match (self, lang) {
            (ComposeError::Template(t), _) => t.message(lang),
            (_, crate::lang::Lang::Zh) => self.to_string(),
            (ComposeError::ClerkText { path, source, .. }, crate::lang::Lang::En) => {
                format!("{}: cannot read the clerk's text: {source}", path.display())
            }
            (ComposeError::Shape { template, message }, crate::lang::Lang::En) => {
                format!("{template}: {}", message.get(lang))
            }
        }
    }
}

/// The most units a bar chart draws.
const MAX_BARS: usize = 20;

/// Type size of tables that fit the text block, and of wide ones (league, annex).
const TABLE_SIZE: f32 = 12.0;
const WIDE_TABLE_SIZE: f32 = 10.5;

/// The whole bulletin as blocks, in reading order.
///
/// `issue_date` is the 成文日期 printed in the 落款. `trend` holds each month's figures
/// (the month's own, not year to date) for the line chart of 一、总体情况, oldest first; it
/// is drawn when there are at least two points.
pub fn bulletin_blocks(
    b: &Bulletin,
    cfg: &Config,
    templates: &Templates,
    issue_date: NaiveDate,
    trend: &[(Period, Figures)],
) -> Result<Vec<Block>, ComposeError> {
    let ctx = context(b, cfg, issue_date)?;
    let mut c = Composer {
        b,
        ctx: &ctx,
        data: RefCell::new(TemplateData::new(&ctx)?),
        templates,
        blocks: Vec::new(),
        tables: 0,
        charts: 0,
    };
    c.blocks.push(Block::RedHeader {
        issuer: ctx.issuer.clone(),
        doc_number: ctx.doc_number.clone(),
    });
    c.blocks.push(Block::Title(c.one_line("title.hbs")?));
    c.blocks
        .push(Block::Salutation(c.one_line("salutation.hbs")?));
    c.text("intro.hbs")?;

    c.text("overall.hbs")?;
    c.headline_table()?;
    c.trend_chart(trend)?;

    c.text("groups.hbs")?;
    c.group_tables()?;
    c.top_list_tables()?;
    c.amount_chart()?;

    c.text("projects.hbs")?;
    c.key_projects_table()?;

    c.text("progress.hbs")?;
    c.progress_table()?;

    // The tool never writes these: without the clerk's text the sections are left out
    // and the numbering closes up (the context's section numbers already do).
    if ctx.problems.is_some() {
        c.text("problems.hbs")?;
    }
    if ctx.next_steps.is_some() {
        c.text("next_steps.hbs")?;
    }
    c.text("data_notes.hbs")?;
    c.attachments()?;
    c.signature()?;

    // 附件 after the 落款, each on a page of its own, then the 版记 at the foot of the
    // last page (GB/T 9704: annexes come before the 版记).
    c.blocks
        .push(Block::Orientation(Orientation::LandscapeIfWide));
    c.annex_mark(1, "annex")?;
    c.annex_table()?;
    if let Some(n) = ctx.annex.projects {
        c.blocks
            .push(Block::Orientation(Orientation::LandscapeIfWide));
        c.annex_mark(n, "annex_projects")?;
        c.projects_annex_table()?;
    }
    if let Some(n) = ctx.annex.follow_up {
        c.blocks
            .push(Block::Orientation(Orientation::LandscapeIfWide));
        c.annex_mark(n, "annex_follow_up")?;
        c.follow_up_annex_table()?;
    }
    c.colophon()?;
    Ok(c.blocks)
}

/// The PDF's own metadata: the title as printed, the issuer, the 成文日期.
pub fn document_info(
    b: &Bulletin,
    cfg: &Config,
    templates: &Templates,
    issue_date: NaiveDate,
) -> Result<DocumentInfo, ComposeError> {
    let ctx = context(b, cfg, issue_date)?;
    let title = lines(&templates.render("title.hbs", &ctx)?).concat();
    Ok(DocumentInfo {
        title,
        author: ctx.issuer.clone(),
        date: ctx.issue_date.clone(),
    })
}

/// The trimmed non-empty lines of rendered text.
fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// Rendered text as blocks: each non-empty line a block; `# ` starts a `一、` heading,
/// `## ` a `（一）` heading, anything else is a paragraph.
pub fn text_blocks(text: &str) -> Vec<Block> {
    lines(text)
        .into_iter()
        .map(|l| {
            if let Some(h) = l.strip_prefix("## ") {
                Block::Heading2(h.trim().to_string())
            } else if let Some(h) = l.strip_prefix("# ") {
                Block::Heading1(h.trim().to_string())
            } else {
                Block::Paragraph(l.to_string())
            }
        })
        .collect()
}

struct Composer<'a> {
    b: &'a Bulletin,
    ctx: &'a BulletinContext,
    /// `ctx` as the templates see it (made once: at national scale it is large). A
    /// caption template also sees which caption it is asked for — `kind` (`headline`,
    /// `league`, `bar`, … see captions.hbs), `number` (the table or figure number, or the
    /// heading's ordinal) and `name` (the group's or list's, where the caption has one) —
    /// set for that caption only.
    data: RefCell<TemplateData>,
    templates: &'a Templates,
    blocks: Vec<Block>,
    /// Tables and figures numbered so far.
    tables: usize,
    charts: usize,
}

fn column(title: impl Into<String>, align: Align) -> Column {
    Column {
        title: title.into(),
        align,
    }
}

fn left(title: impl Into<String>) -> Column {
    column(title, Align::Left)
}

fn right(title: impl Into<String>) -> Column {
    column(title, Align::Right)
}

fn centre(title: impl Into<String>) -> Column {
    column(title, Align::Center)
}

/// A column title with its unit: 新签约合同投资额（亿元）.
fn titled(label: &str, unit: &str) -> String {
    format!("{label}（{unit}）")
}

/// A figure in its own unit as a table cell: 亿元 two decimals, 万美元 two decimals, counts
/// whole; the unit is in the column title.
fn cell(k: FigureKey, v: f64) -> String {
    cell_in(k, v, "万美元")
}

/// [`cell`] with foreign capital in a document's chosen unit (亿美元 or 万美元).
fn cell_in(k: FigureKey, v: f64, usd_unit: &str) -> String {
    if k.is_count() {
        (v.round() as i64).to_string()
    } else if k == FigureKey::FdiUsd {
        usd_cell(v, usd_unit)
    } else {
        yi(v)
    }
}

/// The unit a figure's column is titled with, foreign capital in the document's unit.
fn unit_of(k: FigureKey, usd_unit: &'static str) -> &'static str {
    if k == FigureKey::FdiUsd {
        usd_unit
    } else {
        k.print_unit()
    }
}

/// What a table prints for a figure the return does not state: never 0.
const NOT_REPORTED: &str = "未报";

fn cell_of(k: FigureKey, f: Option<&Figures>) -> String {
    cell_of_in(k, f, "万美元")
}

fn cell_of_in(k: FigureKey, f: Option<&Figures>, usd_unit: &str) -> String {
    match f {
        None => DASH.to_string(),
        Some(f) => f
            .stated(k)
            .map_or_else(|| NOT_REPORTED.to_string(), |v| cell_in(k, v, usd_unit)),
    }
}

/// A signed percentage for tables: `12.3%`, `-4.5%`, `—`.
fn pct_cell(x: Option<f64>) -> String {
    pct(x)
}

fn yoy_of(yoy: Option<&crate::aggregate::Pct>, k: FigureKey) -> Option<f64> {
    yoy.and_then(|m| m.get(&k).copied().flatten())
}

impl Composer<'_> {
    fn render_caption(
        &self,
        kind: &str,
        number: usize,
        name: Option<&str>,
    ) -> Result<Option<String>, ComposeError> {
        let mut data = self.data.borrow_mut();
        data.set("kind", kind.into());
        data.set("number", number.into());
        data.set("name", name.into());
        let text = self.templates.render_data("captions.hbs", &data);
        for key in ["kind", "number", "name"] {
            data.remove(key);
        }
        let text = text?;
        let line = lines(&text).concat();
        Ok((!line.is_empty()).then_some(line))
    }

    /// The caption of the next table, numbering it.
    fn table_caption(
        &mut self,
        kind: &str,
        name: Option<&str>,
    ) -> Result<Option<String>, ComposeError> {
        self.tables += 1;
        self.render_caption(kind, self.tables, name)
    }

    /// The caption of the next chart, numbering it.
    fn chart_caption(&mut self, kind: &str) -> Result<String, ComposeError> {
        self.charts += 1;
        Ok(self
            .render_caption(kind, self.charts, None)?
            .unwrap_or_default())
    }

    fn note(&self, kind: &str) -> Result<Option<String>, ComposeError> {
        self.render_caption(kind, 0, None)
    }

    /// A template's text, as blocks.
    fn text(&mut self, name: &str) -> Result<(), ComposeError> {
        let text = self.templates.render_data(name, &self.data.borrow())?;
        self.blocks.extend(text_blocks(&text));
        Ok(())
    }

    /// A template's text as one line (its lines joined): the title, the salutation.
    fn one_line(&self, name: &str) -> Result<String, ComposeError> {
        Ok(lines(&self.templates.render_data(name, &self.data.borrow())?).concat())
    }

    fn signature(&mut self) -> Result<(), ComposeError> {
        let text = self
            .templates
            .render_data("signature.hbs", &self.data.borrow())?;
        match lines(&text).as_slice() {
            [issuer, date] => {
                self.blocks.push(Block::Signature {
                    issuer: issuer.to_string(),
                    date: date.to_string(),
                });
                Ok(())
            }
            other => Err(ComposeError::Shape {
                template: "signature.hbs".into(),
                message: crate::lang::Said::new(
                    format!(
                        "落款应为两行（发文机关、成文日期），得到 {} 行",
                        other.len()
                    ),
                    format!(
                        "the signature must be two lines, issuer then date; got {}",
                        other.len()
                    ),
                ),
            }),
        }
    }

    /// 主要指标完成情况: every indicator, month, year to date, 同比, 完成率.
    fn headline_table(&mut self) -> Result<(), ComposeError> {
        let caption = self.table_caption("headline", None)?;
        let span = &self.ctx.span;
        let t = &self.b.total;
        let usd = self.ctx.usd_unit;
        let rows = FigureKey::ALL
            .into_iter()
            .map(|k| {
                vec![
                    titled(k.label(), unit_of(k, usd)),
                    cell_in(k, t.month.value(k), usd),
                    cell_in(k, t.ytd.value(k), usd),
                    pct_cell(t.yoy_pct.get(&k).copied().flatten()),
                    pct_cell(t.completion_pct.get(&k).copied()),
                ]
            })
            .collect();
        self.blocks.push(Block::Table(Table {
            caption,
            columns: vec![
                left("指标"),
                right("本月"),
                right(format!("{span}累计")),
                right("同比"),
                right("完成率"),
            ],
            rows,
            emphasis: vec![],
            size: TABLE_SIZE,
            note: self.note("headline_note")?,
        }));
        Ok(())
    }

    /// The monthly trend of contract amount and funds in place, in 亿元.
    fn trend_chart(&mut self, trend: &[(Period, Figures)]) -> Result<(), ComposeError> {
        if trend.len() < 2 {
            return Ok(());
        }
        let mut points = trend.to_vec();
        points.sort_by_key(|(p, _)| *p);
        let year = self.b.period.year;
        let x_labels = points
            .iter()
            .map(|(p, _)| {
                if p.year == year {
                    format!("{}月", p.month)
                } else {
                    format!("{}年{}月", p.year, p.month)
                }
            })
            .collect();
        let series = [FigureKey::SignedAmount, FigureKey::FundsInPlace]
            .into_iter()
            .map(|k| {
                (
                    k.label().to_string(),
                    points
                        .iter()
                        .map(|(_, f)| Some(yi_value(f.value(k))))
                        .collect(),
                )
            })
            .collect();
        let title = self.chart_caption("trend")?;
        self.blocks.push(Block::LineChart(LineChart {
            // The figures are in 表1: the trend needs only its shape.
            compact: true,
            title,
            unit: "亿元".into(),
            x_labels,
            series,
        }));
        Ok(())
    }

    /// Per group: a `（一）` heading and its league table, or for a group outside the league
    /// a table of its units' figures.
    fn group_tables(&mut self) -> Result<(), ComposeError> {
        let b = self.b;
        let indicators: Vec<FigureKey> = cfg_indicators(b);
        // The method's note is printed once, under the last league table.
        let last_league = b
            .groups
            .iter()
            .rposition(|g| b.league.iter().any(|t| t.group == g.name));
        for (i, g) in b.groups.iter().enumerate() {
            if let Some(heading) = self.render_caption("group_heading", i + 1, Some(&g.name))? {
                self.blocks.push(Block::Heading2(heading));
            }
            match b.league.iter().find(|t| t.group == g.name) {
                Some(t) => self.league_table(t, Some(i) == last_league)?,
                None => self.unranked_table(&g.name, &indicators)?,
            }
        }
        Ok(())
    }

    fn league_table(&mut self, t: &LeagueTable, with_note: bool) -> Result<(), ComposeError> {
        let caption = self.table_caption("league", Some(&t.group))?;
        let usd = self.ctx.usd_unit;
        let mut columns = vec![centre("名次"), left("单位"), right("得分")];
        columns.extend(
            t.indicators
                .iter()
                .map(|(k, _)| right(titled(k.label(), unit_of(*k, usd)))),
        );
        columns.push(centre("备注"));
        let rows = t
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![
                    r.rank.map_or_else(|| DASH.to_string(), |n| n.to_string()),
                    r.name.clone(),
                    r.score
                        .map_or_else(|| DASH.to_string(), |s| format!("{s:.2}")),
                ];
                row.extend(t.indicators.iter().enumerate().map(|(j, (k, _))| {
                    if r.unstated.contains(k) {
                        return NOT_REPORTED.to_string();
                    }
                    r.values
                        .get(j)
                        .map_or_else(|| DASH.to_string(), |v| cell_in(*k, *v, usd))
                }));
                row.push(if r.unstated.is_empty() {
                    remark(r.status)
                } else {
                    NOT_REPORTED.to_string()
                });
                row
            })
            .collect();
        self.push_wide_table(
            caption,
            columns,
            rows,
            if with_note { "league_note" } else { "" },
        )
    }

    /// Adds a wide table (league tables) with its note.
    fn push_wide_table(
        &mut self,
        caption: Option<String>,
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
        note_key: &str,
    ) -> Result<(), ComposeError> {
        let note = if note_key.is_empty() {
            None
        } else {
            self.note(note_key)?
        };
        self.blocks.push(Block::Table(Table {
            caption,
            columns,
            rows,
            emphasis: vec![],
            size: WIDE_TABLE_SIZE,
            note,
        }));
        Ok(())
    }

    fn unranked_table(
        &mut self,
        group: &str,
        indicators: &[FigureKey],
    ) -> Result<(), ComposeError> {
        let caption = self.table_caption("unranked", Some(group))?;
        let usd = self.ctx.usd_unit;
        let mut columns = vec![left("单位")];
        columns.extend(
            indicators
                .iter()
                .map(|k| right(titled(k.label(), unit_of(*k, usd)))),
        );
        columns.push(centre("备注"));
        let rows = self
            .b
            .units
            .iter()
            .filter(|u| u.group == group)
            .map(|u| {
                let mut row = vec![u.name.clone()];
                row.extend(
                    indicators
                        .iter()
                        .map(|k| cell_of_in(*k, u.ytd.as_ref(), usd)),
                );
                row.push(remark(u.status));
                row
            })
            .collect();
        self.push_wide_table(caption, columns, rows, "unranked_note")
    }

    /// 十强榜: a heading, then one table per list that has entries.
    fn top_list_tables(&mut self) -> Result<(), ComposeError> {
        let lists: Vec<_> = self
            .b
            .top_lists
            .iter()
            .filter(|t| !t.entries.is_empty())
            .collect();
        if lists.is_empty() {
            return Ok(());
        }
        if let Some(heading) = self.render_caption("top_heading", self.b.groups.len() + 1, None)? {
            self.blocks.push(Block::Heading2(heading));
        }
        let usd = self.ctx.usd_unit;
        let (project_lists, unit_lists): (Vec<_>, Vec<_>) = lists
            .into_iter()
            .partition(|l| top_list_key(&l.key).is_some_and(|(projects, _)| projects));
        // The lists that rank units side by side in one table: a row per place, a column
        // per list, each cell the unit and its figure. A unit tied with the one above
        // keeps that one's place, said in the cell.
        if !unit_lists.is_empty() {
            let caption = self.table_caption("top_units", None)?;
            let mut columns = vec![centre("名次")];
            let mut keys = Vec::new();
            for l in &unit_lists {
                let k = top_list_key(&l.key).map_or(FigureKey::SignedAmount, |(_, k)| k);
                columns.push(left(titled(k.label(), unit_of(k, usd))));
                keys.push(k);
            }
            let places = unit_lists
                .iter()
                .map(|l| l.entries.len())
                .max()
                .unwrap_or(0);
            let rows = (0..places)
                .map(|r| {
                    let mut row = vec![(r + 1).to_string()];
                    for (l, k) in unit_lists.iter().zip(&keys) {
                        row.push(l.entries.get(r).map_or_else(String::new, |e| {
                            let tie = if e.rank as usize != r + 1 {
                                format!("（并列第{}）", e.rank)
                            } else {
                                String::new()
                            };
                            format!("{}{tie} {}", e.name, cell_in(*k, e.value, usd))
                        }));
                    }
                    row
                })
                .collect();
            self.blocks.push(Block::Table(Table {
                caption,
                columns,
                rows,
                emphasis: vec![],
                // Five lists side by side: small enough that a unit and its figure share
                // a line.
                size: 9.0,
                note: None,
            }));
        }
        // The lists of projects (招大引强) are left to the workbook and JSON: the body
        // names its projects in 三、重点项目, and a second list of them would say the same
        // twice in ten pages.
        let _ = project_lists;
        Ok(())
    }

    /// Each reporting unit's year-to-date contract amount, largest first.
    fn amount_chart(&mut self) -> Result<(), ComposeError> {
        let mut bars: Vec<(usize, &UnitFigures, f64)> = self
            .b
            .units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| u.ytd.map(|f| (i, u, f.signed_amount.as_f64())))
            .collect();
        if bars.is_empty() {
            return Ok(());
        }
        bars.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
        // A chart of every unit is a wall of bars: the first 20 are drawn, and every
        // unit's figure is in the league tables and 附件1.
        let shown = if bars.len() > MAX_BARS {
            Some(format!("前{MAX_BARS}位"))
        } else {
            None
        };
        bars.truncate(MAX_BARS);
        self.charts += 1;
        let title = self
            .render_caption("bar", self.charts, shown.as_deref())?
            .unwrap_or_default();
        self.blocks.push(Block::BarChart(BarChart {
            compact: false,
            title,
            unit: "亿元".into(),
            bars: bars
                .into_iter()
                .map(|(_, u, v)| (u.name.clone(), yi_value(v)))
                .collect(),
        }));
        Ok(())
    }

    /// 重点项目: the month's largest 亿元以上 projects (the config's `key_projects`), with
    /// their total; the whole list is 附件2.
    fn key_projects_table(&mut self) -> Result<(), ComposeError> {
        let key = &self.ctx.projects.key;
        if key.is_empty() {
            return Ok(());
        }
        let caption = self.table_caption("projects", None)?;
        let table = projects_table(caption, key, self.ctx.projects.key_amount, false);
        self.blocks.push(Block::Table(Table {
            note: self.note("projects_note")?,
            ..table
        }));
        Ok(())
    }

    /// 附件N's mark, flush left at the top of its page, and the annex's title (from
    /// captions.hbs: `annex` for 附件1, `annex_projects` for the 亿元以上 projects,
    /// `annex_follow_up` for the 督办清单).
    fn annex_mark(&mut self, n: u32, kind: &str) -> Result<(), ComposeError> {
        self.blocks.push(Block::AnnexMark(format!("附件{n}")));
        if let Some(title) = self.render_caption(kind, n as usize, None)? {
            self.blocks.push(Block::AnnexTitle(title));
        }
        Ok(())
    }

    /// 附件2: every 亿元以上 project signed in the month, largest first, with the total.
    fn projects_annex_table(&mut self) -> Result<(), ComposeError> {
        let p = &self.ctx.projects;
        let table = projects_table(None, &p.list, p.amount, true);
        self.blocks.push(Block::Table(Table {
            note: self.note("annex_projects_note")?,
            ..table
        }));
        Ok(())
    }

    /// 重点项目推进情况: each group's conversion over the cohort, then the area's.
    fn progress_table(&mut self) -> Result<(), ComposeError> {
        let p = &self.ctx.progress;
        let caption = self.table_caption("progress", None)?;
        let row = |c: &context::ConversionContext, name: String| {
            vec![
                name,
                c.signed.to_string(),
                c.started.to_string(),
                pct_cell(c.started_pct),
                c.in_production.to_string(),
                pct_cell(c.in_production_pct),
                c.median_text.clone(),
            ]
        };
        let mut rows: Vec<Vec<String>> = p.groups.iter().map(|g| row(g, g.name.clone())).collect();
        rows.push(row(&p.area, format!("{}合计", self.ctx.region)));
        self.blocks.push(Block::Table(Table {
            caption,
            columns: vec![
                left("分组"),
                right(titled("签约项目", "个")),
                right(titled("已开工", "个")),
                right("开工率"),
                right(titled("已投产", "个")),
                right("投产率"),
                right(titled("签约至开工", "月")),
            ],
            emphasis: vec![rows.len() - 1],
            rows,
            size: TABLE_SIZE,
            note: self.note("progress_note")?,
        }));
        Ok(())
    }

    /// The 督办清单 annex: every stalled and unfunded project, and the vanished ones (a
    /// unit's many of one month on one line), by unit.
    fn follow_up_annex_table(&mut self) -> Result<(), ComposeError> {
        let mut reasons = std::collections::BTreeMap::new();
        for r in ["stalled", "no_funds", "vanished"] {
            let text = self
                .render_caption("follow_up_reason", 0, Some(r))?
                .unwrap_or_default();
            reasons.insert(r, text);
        }
        let lines = &self.ctx.progress.follow_up_lines;
        let mut rows = Vec::with_capacity(lines.len());
        let mut number = 0;
        for l in lines {
            let (name, investor) = if l.name.is_empty() {
                let month = l
                    .last_period
                    .split_once('-')
                    .and_then(|(y, m)| Some(format!("{y}年{}月", m.parse::<u32>().ok()?)))
                    .unwrap_or_else(|| l.last_period.clone());
                let text = self
                    .render_caption("follow_up_group", l.projects, Some(&month))?
                    .unwrap_or_default();
                (text, DASH.to_string())
            } else {
                (l.name.clone(), l.investor.clone())
            };
            number += 1;
            rows.push(vec![
                number.to_string(),
                l.unit.clone(),
                name,
                investor,
                l.amount.map_or_else(|| NOT_REPORTED.to_string(), yi),
                reasons.get(l.reason).cloned().unwrap_or_default(),
                l.months_overdue
                    .map_or_else(|| DASH.to_string(), |m| m.to_string()),
                l.last_period.clone(),
            ]);
        }
        self.blocks.push(Block::Table(Table {
            caption: None,
            columns: vec![
                centre("序号"),
                left("单位"),
                left("项目名称"),
                left("投资方"),
                right(titled("合同投资额", "亿元")),
                centre("督办原因"),
                right(titled("逾期", "月")),
                centre("最近报送"),
            ],
            rows,
            emphasis: vec![],
            size: WIDE_TABLE_SIZE,
            note: self.note("annex_follow_up_note")?,
        }));
        Ok(())
    }

    /// 附件说明: attachments.hbs's lines, the first starting `附件：`, as one block laid
    /// out with hanging indents; any other text is paragraphs, as written.
    fn attachments(&mut self) -> Result<(), ComposeError> {
        let text = self
            .templates
            .render_data("attachments.hbs", &self.data.borrow())?;
        let lines = lines(&text);
        match lines.split_first() {
            Some((first, rest)) if first.starts_with("附件：") => {
                let mut items = vec![first.trim_start_matches("附件：").trim().to_string()];
                items.extend(rest.iter().map(|l| l.to_string()));
                self.blocks.push(Block::Attachments(items));
            }
            _ => self.blocks.extend(text_blocks(&text)),
        }
        Ok(())
    }

    /// 版记 at the foot of the last page: 抄送, 印发机关 and 印发日期.
    fn colophon(&mut self) -> Result<(), ComposeError> {
        let text = self
            .templates
            .render_data("colophon.hbs", &self.data.borrow())?;
        let (copy_to, printed_by, printed_on) = match lines(&text).as_slice() {
            [by, on] => (None, by.to_string(), on.to_string()),
            [copy, by, on] => (Some(copy.to_string()), by.to_string(), on.to_string()),
            other => {
                return Err(ComposeError::Shape {
                    template: "colophon.hbs".into(),
                    message: crate::lang::Said::new(
                        format!(
                            "版记应为两到三行（可选的抄送、印发机关、印发日期），得到 {} 行",
                            other.len()
                        ),
                        format!(
                            "the colophon must be two or three lines (copied to, optional; printed by; date); got {}",
                            other.len()
                        ),
                    ),
                })
            }
        };
        self.blocks.push(Block::Colophon {
            copy_to,
            printed_by,
            printed_on,
        });
        Ok(())
    }

    /// 附件: every roster unit, group by group with a subtotal, then the total.
    fn annex_table(&mut self) -> Result<(), ComposeError> {
        let span = self.ctx.span.clone();
        let columns = vec![
            left("单位"),
            right(titled("本月签约额", "亿元")),
            right(titled(&format!("{span}签约额"), "亿元")),
            right("签约额同比"),
            right(titled("本月到位资金", "亿元")),
            right(titled(&format!("{span}到位资金"), "亿元")),
            right("到位资金同比"),
            right(titled("本月开工", "个")),
            right(titled(&format!("{span}开工"), "个")),
            centre("报送状态"),
        ];
        let mut rows = Vec::new();
        let mut emphasis = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for g in &self.b.groups {
            for u in self.b.units.iter().filter(|u| u.group == g.name) {
                seen.insert(u.code.as_str());
                rows.push(unit_row(u));
            }
            emphasis.push(rows.len());
            rows.push(area_row(&format!("{}小计", g.name), &g.figures));
        }
        // Units whose group is not in the roster's group list cannot occur with a checked
        // config, but no unit may drop out of the annex.
        for u in self
            .b
            .units
            .iter()
            .filter(|u| !seen.contains(u.code.as_str()))
        {
            rows.push(unit_row(u));
        }
        emphasis.push(rows.len());
        rows.push(area_row("合计", &self.b.total));
        self.blocks.push(Block::Table(Table {
            caption: None,
            columns,
            rows,
            emphasis,
            size: WIDE_TABLE_SIZE,
            note: self.note("annex_note")?,
        }));
        Ok(())
    }
}

/// A table of 亿元以上 projects, numbered, with their total (`amount`, 万元) in a last
/// row; `dated` adds 签约日期 (附件2).
fn projects_table(
    caption: Option<String>,
    projects: &[context::ProjectContext],
    amount: f64,
    dated: bool,
) -> Table {
    let mut columns = vec![
        centre("序号"),
        left("单位"),
        left("项目名称"),
        left("投资方"),
        left("产业类别"),
    ];
    if dated {
        columns.push(centre("签约日期"));
    }
    columns.push(right(titled("合同投资额", "亿元")));
    let mut rows: Vec<Vec<String>> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut row = vec![
                (i + 1).to_string(),
                p.unit.clone(),
                p.name.clone(),
                p.investor.clone(),
                p.industry.clone(),
            ];
            if dated {
                row.push(p.signed_on.clone());
            }
            row.push(yi(p.amount));
            row
        })
        .collect();
    let mut total = vec![
        String::new(),
        "合计".into(),
        format!("{}个", projects.len()),
    ];
    total.resize(columns.len() - 1, String::new());
    total.push(yi(amount));
    rows.push(total);
    Table {
        caption,
        columns,
        emphasis: vec![rows.len() - 1],
        rows,
        size: WIDE_TABLE_SIZE,
        note: None,
    }
}

/// The scored indicators of the config (taken from any league table), or the default
/// four when no group is ranked.
fn cfg_indicators(b: &Bulletin) -> Vec<FigureKey> {
    b.league.first().map_or_else(
        || {
            vec![
                FigureKey::SignedAmount,
                FigureKey::FundsInPlace,
                FigureKey::BigCount,
                FigureKey::StartedCount,
            ]
        },
        |t| t.indicators.iter().map(|(k, _)| *k).collect(),
    )
}

const ANNEX_KEYS: [FigureKey; 3] = [
    FigureKey::SignedAmount,
    FigureKey::FundsInPlace,
    FigureKey::StartedCount,
];

fn figures_cells(
    month: Option<&Figures>,
    ytd: Option<&Figures>,
    yoy: impl Fn(FigureKey) -> Option<f64>,
) -> Vec<String> {
    let mut row = Vec::new();
    for k in ANNEX_KEYS {
        row.push(cell_of(k, month));
        row.push(cell_of(k, ytd));
        if !k.is_count() {
            row.push(if ytd.is_some() {
                pct_cell(yoy(k).map(round1))
            } else {
                DASH.to_string()
            });
        }
    }
    row
}

fn unit_row(u: &UnitFigures) -> Vec<String> {
    let mut row = vec![u.name.clone()];
    row.extend(figures_cells(u.month.as_ref(), u.ytd.as_ref(), |k| {
        yoy_of(u.yoy_pct.as_ref(), k)
    }));
    row.push(status_label(u.status).to_string());
    row
}

fn area_row(label: &str, a: &AreaFigures) -> Vec<String> {
    let mut row = vec![label.to_string()];
    // A group where nobody reported has no figures, not figures of zero.
    let (month, ytd) = if a.reported > 0 {
        (Some(&a.month), Some(&a.ytd))
    } else {
        (None, None)
    };
    row.extend(figures_cells(month, ytd, |k| {
        a.yoy_pct.get(&k).copied().flatten()
    }));
    row.push(format!("{}/{}", a.reported, a.units));
    row
}

/// The remark of a unit without an accepted return (未报送 / 未通过审核); empty otherwise.
fn remark(status: ReturnStatus) -> String {
    match status {
        ReturnStatus::Accepted => String::new(),
        s => status_label(s).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_headings_and_paragraphs() {
        let blocks = text_blocks(
            "# 一、总体情况\n\n  （一）签约。全市新签约项目3个。  \n## （二）分组\n#不是标题\n",
        );
        assert_eq!(
            blocks,
            vec![
                Block::Heading1("一、总体情况".into()),
                Block::Paragraph("（一）签约。全市新签约项目3个。".into()),
                Block::Heading2("（二）分组".into()),
                Block::Paragraph("#不是标题".into()),
            ]
        );
    }

    #[test]
    fn table_cells_use_the_bulletin_units() {
        assert_eq!(cell(FigureKey::SignedAmount, 132_099_100.0), "13209.91");
        assert_eq!(cell(FigureKey::FdiUsd, 120.0), "120.00");
        assert_eq!(cell(FigureKey::BigCount, 2.0), "2");
        assert_eq!(cell_of(FigureKey::BigCount, None), "—");
        assert_eq!(pct_cell(Some(-4.5)), "-4.5%");
    }
}
