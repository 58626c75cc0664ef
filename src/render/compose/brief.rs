//! The leadership briefing (领导简报) as blocks: a masthead, a title, the headline figures
//! with 同比, where the selection ranks, a chart, its largest projects and, when some
//! figures are incomplete, a data note. Every sentence comes from `brief.hbs`; tables are
//! printed in the bulletin's style (亿元 two decimals, percentages one, `—`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Value as JsonValue};

use super::{cell, centre, left, lines, pct_cell, right, text_blocks, titled, ComposeError};
use crate::aggregate::brief::{Brief, FLOW_KEYS};
use crate::config::Config;
use crate::model::{FigureKey, Figures};
use crate::render::pdf::blocks::{BarChart, Block, DocumentInfo, LineChart, Table};
use crate::render::templates::{cn_date_of, yi_value, Templates, DASH};

use super::context::figure_text;

/// Type size of the briefing's tables.
const TABLE_SIZE: f32 = 10.5;

/// How many rows the PDF's member and project tables list (the workbook lists every
/// member and ten projects). A briefing is meant to fit two pages: the caller tries
/// [`Shown::STEPS`] in turn and keeps the first that does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub members: usize,
    pub projects: usize,
}

impl Shown {
    pub const STEPS: [Shown; 3] = [
        Shown {
            members: 10,
            projects: 5,
        },
        Shown {
            members: 8,
            projects: 3,
        },
        Shown {
            members: 5,
            projects: 3,
        },
    ];
}

/// One headline figure of the briefing.
#[derive(Debug, Clone, Serialize)]
pub struct BriefIndicator {
    pub label: &'static str,
    /// Over the span: a count, or 万元 (万美元 for `fdi_usd`).
    pub now: JsonValue,
    /// The same months last year (可比口径); null without last year's returns.
    pub last_year: JsonValue,
    pub yoy_pct: Option<f64>,
    pub has_yoy: bool,
    /// `now` with its unit: `6.70亿元`.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankContext {
    pub subject: String,
    pub among: String,
    pub label: &'static str,
    /// 名次 (`rank` is the bulletin's helper).
    pub place: u32,
    pub of: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeagueContext {
    pub name: String,
    pub group: String,
    pub place: u32,
    pub of: usize,
    /// Two decimals, as the league table prints it.
    pub score: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BiggestContext {
    pub name: String,
    pub unit: String,
    /// 万元.
    pub amount: f64,
}

/// Section numbers, closing up over the sections left out.
#[derive(Debug, Clone, Serialize)]
pub struct BriefSections {
    pub summary: u64,
    pub ranks: u64,
    pub projects: u64,
}

/// What `brief.hbs` sees.
#[derive(Debug, Clone, Serialize)]
pub struct BriefContext {
    pub part: &'static str,
    pub subject: String,
    /// The span in words: 2025年4—6月 (`span` is the bulletin's helper).
    pub months: String,
    pub year: i32,
    pub from_month: u32,
    pub to_month: u32,
    pub one_month: bool,
    pub issuer: String,
    pub region: String,
    pub date: String,
    pub sections: BriefSections,
    pub total: BTreeMap<FigureKey, BriefIndicator>,
    pub reported: usize,
    pub units: usize,
    pub all_reported: bool,
    pub ranks: Vec<RankContext>,
    pub league: Vec<LeagueContext>,
    /// How many units the PDF's member table lists.
    pub members_shown: usize,
    pub projects_count: usize,
    pub biggest: Option<BiggestContext>,
    pub flows_incomplete: String,
    pub not_reported: String,
    /// Whether the span's funds in place and foreign capital could be worked out.
    pub flows_known: bool,
}

fn figure_json(k: FigureKey, f: &Figures) -> JsonValue {
    if k.is_count() {
        json!(f.raw(k))
    } else {
        json!(f.value(k))
    }
}

/// The template context of a briefing.
pub fn brief_context(brief: &Brief, cfg: &Config, date: NaiveDate, shown: Shown) -> BriefContext {
    let has_ranks = !brief.ranks.is_empty() || brief.units.len() == 1;
    let league: Vec<LeagueContext> =
        if brief.units.len() == 1 && brief.selection.industries.is_empty() {
            brief
                .units
                .iter()
                .filter_map(|u| {
                    let s = u.league.as_ref()?;
                    Some(LeagueContext {
                        name: u.name.clone(),
                        group: u.group.clone(),
                        place: s.rank,
                        of: s.of,
                        score: format!("{:.2}", s.score),
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
    let show_ranks = has_ranks && (!brief.ranks.is_empty() || !league.is_empty());
    BriefContext {
        part: "",
        subject: brief.subject.clone(),
        months: brief.span.label(),
        year: brief.span.to.year,
        from_month: brief.span.from.month,
        to_month: brief.span.to.month,
        one_month: brief.span.from == brief.span.to,
        issuer: cfg.file.bulletin.issuer.clone(),
        region: cfg.file.bulletin.region.clone(),
        date: cn_date_of(date),
        sections: BriefSections {
            summary: 1,
            ranks: if show_ranks { 2 } else { 0 },
            projects: if show_ranks { 3 } else { 2 },
        },
        total: FigureKey::ALL
            .into_iter()
            .map(|k| {
                let yoy_pct = brief.total_yoy_pct.get(&k).copied().flatten();
                (
                    k,
                    BriefIndicator {
                        label: k.label(),
                        now: figure_json(k, &brief.total),
                        last_year: brief
                            .total_last_year
                            .as_ref()
                            .map_or(JsonValue::Null, |l| figure_json(k, l)),
                        yoy_pct,
                        has_yoy: yoy_pct.is_some(),
                        text: figure_text(k, brief.total.value(k)),
                    },
                )
            })
            .collect(),
        reported: brief.reported,
        units: brief.units.len(),
        all_reported: brief.not_reported.is_empty(),
        ranks: brief
            .ranks
            .iter()
            .map(|r| RankContext {
                subject: r.subject.clone(),
                among: r.among.clone(),
                label: r.key.label(),
                place: r.rank,
                of: r.of,
            })
            .collect(),
        league,
        members_shown: brief.units.len().min(shown.members),
        projects_count: brief.projects.len().min(shown.projects),
        biggest: brief.projects.first().map(|p| BiggestContext {
            name: p.name.clone(),
            unit: p.unit.clone(),
            amount: p.amount.as_f64(),
        }),
        flows_incomplete: brief.flows_incomplete.join("、"),
        not_reported: brief.not_reported.join("、"),
        flows_known: brief.flows_known,
    }
}

/// The figure keys of the headline table, in print order.
const HEADLINE: [FigureKey; 10] = FigureKey::ALL;

/// The briefing as blocks, in reading order.
pub fn brief_blocks(
    brief: &Brief,
    cfg: &Config,
    templates: &Templates,
    date: NaiveDate,
    shown: Shown,
) -> Result<Vec<Block>, ComposeError> {
    let mut ctx = brief_context(brief, cfg, date, shown);
    let show_ranks = ctx.sections.ranks > 0;
    let mut part = |name: &'static str| -> Result<String, ComposeError> {
        ctx.part = name;
        Ok(templates.render("brief.hbs", &ctx)?)
    };
    let one_line = |text: String| lines(&text).concat();
    let mut blocks = vec![Block::Masthead {
        title: one_line(part("masthead")?),
        line: one_line(part("issue_line")?),
    }];
    blocks.push(Block::Title(one_line(part("title")?)));
    let subtitle = one_line(part("subtitle")?);
    if !subtitle.is_empty() {
        blocks.push(Block::Subtitle(subtitle));
    }

    blocks.extend(text_blocks(&part("summary")?));
    blocks.push(Block::Table(headline_table(
        brief,
        Some(one_line(part("summary_caption")?)).filter(|c| !c.is_empty()),
    )));

    if show_ranks {
        blocks.extend(text_blocks(&part("ranks")?));
    }
    if brief.units.len() > 1 {
        let caption = Some(one_line(part("members_caption")?)).filter(|c| !c.is_empty());
        let note = (brief.units.len() > shown.members)
            .then(|| part("members_note"))
            .transpose()?
            .map(one_line)
            .filter(|n| !n.is_empty());
        blocks.push(Block::Table(members_table(
            brief,
            caption,
            note,
            shown.members,
        )));
    }
    if brief.months.len() >= 2 {
        let title = one_line(part("trend_caption")?);
        blocks.push(Block::LineChart(trend_chart(brief, title)));
    } else if brief.units.len() > 1 {
        let title = one_line(part("bar_caption")?);
        blocks.push(Block::BarChart(bar_chart(brief, title, shown.members)));
    }

    blocks.extend(text_blocks(&part("projects")?));
    if !brief.projects.is_empty() {
        blocks.push(Block::Table(projects_table(
            brief,
            Some(one_line(part("projects_caption")?)).filter(|c| !c.is_empty()),
            shown.projects,
        )));
    }
    if !brief.not_reported.is_empty() || !brief.flows_incomplete.is_empty() {
        blocks.extend(text_blocks(&part("notes")?));
    }
    Ok(blocks)
}

/// The PDF's own metadata.
pub fn brief_info(
    brief: &Brief,
    cfg: &Config,
    templates: &Templates,
    date: NaiveDate,
) -> Result<DocumentInfo, ComposeError> {
    let mut ctx = brief_context(brief, cfg, date, Shown::STEPS[0]);
    ctx.part = "title";
    let title = lines(&templates.render("brief.hbs", &ctx)?).concat();
    Ok(DocumentInfo {
        title,
        author: cfg.file.bulletin.issuer.clone(),
        date: date.format("%Y-%m-%d").to_string(),
    })
}

fn headline_table(brief: &Brief, caption: Option<String>) -> Table {
    let is_flow = |k: FigureKey| FLOW_KEYS.contains(&k);
    let rows = HEADLINE
        .iter()
        .map(|&k| {
            let now = if is_flow(k) && !brief.flows_known {
                DASH.to_string()
            } else {
                cell(k, brief.total.value(k))
            };
            let last = match &brief.total_last_year {
                Some(l) if !is_flow(k) || brief.last_year_flows_known => cell(k, l.value(k)),
                _ => DASH.to_string(),
            };
            vec![
                k.label().to_string(),
                k.print_unit().to_string(),
                now,
                last,
                pct_cell(brief.total_yoy_pct.get(&k).copied().flatten()),
            ]
        })
        .collect();
    Table {
        caption,
        columns: vec![
            left("指标"),
            centre("单位"),
            right("本期"),
            right("上年同期"),
            right("同比"),
        ],
        rows,
        emphasis: Vec::new(),
        size: TABLE_SIZE,
        note: None,
    }
}

fn members_table(
    brief: &Brief,
    caption: Option<String>,
    note: Option<String>,
    shown: usize,
) -> Table {
    let mut members: Vec<_> = brief.units.iter().collect();
    // Units with figures first, largest signing first; then the ones without, in roster order.
    members.sort_by_key(|u| {
        std::cmp::Reverse(
            u.now
                .as_ref()
                .map(|n| n.figures.signed_amount.cents())
                .unwrap_or(i64::MIN),
        )
    });
    members.truncate(shown);
    let keys = [FigureKey::SignedAmount, FigureKey::FundsInPlace];
    let rows = members
        .iter()
        .map(|u| {
            let mut row = vec![u.name.clone()];
            for k in keys {
                match &u.now {
                    Some(n) if n.flows_complete || !FLOW_KEYS.contains(&k) => {
                        row.push(cell(k, n.figures.value(k)));
                        row.push(pct_cell(u.yoy_pct.get(&k).copied().flatten()));
                    }
                    _ => row.extend([DASH.to_string(), DASH.to_string()]),
                }
            }
            row.push(
                u.now
                    .as_ref()
                    .map_or_else(|| DASH.to_string(), |n| n.figures.started_count.to_string()),
            );
            row.push(
                u.league
                    .as_ref()
                    .map_or_else(|| DASH.to_string(), |s| s.rank.to_string()),
            );
            row
        })
        .collect();
    Table {
        caption,
        columns: vec![
            left("单位"),
            right(titled("签约额", "亿元")),
            right("同比"),
            right(titled("到位资金", "亿元")),
            right("同比"),
            right("开工项目"),
            right("赛马榜名次"),
        ],
        rows,
        emphasis: Vec::new(),
        size: TABLE_SIZE,
        note,
    }
}

fn projects_table(brief: &Brief, caption: Option<String>, shown: usize) -> Table {
    // One unit's briefing needs no unit column.
    let by_unit = brief.units.len() > 1;
    let rows = brief
        .projects
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, p)| {
            let mut row = vec![(i + 1).to_string(), p.name.clone()];
            if by_unit {
                row.push(p.unit.clone());
            }
            row.extend([
                p.industry.clone(),
                cell(FigureKey::SignedAmount, p.amount.as_f64()),
                p.signed_on.format("%Y-%m-%d").to_string(),
            ]);
            row
        })
        .collect();
    let mut columns = vec![centre("序号"), left("项目名称")];
    if by_unit {
        columns.push(left("单位"));
    }
    columns.extend([
        left("产业"),
        right(titled("合同投资额", "亿元")),
        centre("签约日期"),
    ]);
    Table {
        caption,
        columns,
        rows,
        emphasis: Vec::new(),
        size: TABLE_SIZE,
        note: None,
    }
}

fn trend_chart(brief: &Brief, title: String) -> LineChart {
    LineChart {
        compact: true,
        title,
        unit: "亿元".into(),
        x_labels: brief
            .months
            .iter()
            .map(|(p, _, _)| format!("{}月", p.month))
            .collect(),
        series: [FigureKey::SignedAmount, FigureKey::FundsInPlace]
            .into_iter()
            .map(|k| {
                (
                    k.label().to_string(),
                    brief
                        .months
                        .iter()
                        .map(|(_, f, reported)| (*reported > 0).then(|| yi_value(f.value(k))))
                        .collect(),
                )
            })
            .collect(),
    }
}

fn bar_chart(brief: &Brief, title: String, shown: usize) -> BarChart {
    let mut bars: Vec<(String, f64)> = brief
        .units
        .iter()
        .filter_map(|u| {
            let n = u.now.as_ref()?;
            Some((
                u.name.clone(),
                yi_value(n.figures.value(FigureKey::SignedAmount)),
            ))
        })
        .collect();
    bars.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    bars.truncate(shown);
    BarChart {
        compact: true,
        title,
        unit: "亿元".into(),
        bars,
    }
}
