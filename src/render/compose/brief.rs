//! The leadership briefing (领导简报) as blocks: a masthead, a title, the headline figures
//! with 同比, where the selection ranks, a chart, its largest projects and, when some
//! figures are incomplete, a data note. Every sentence comes from `brief.hbs`; tables are
//! printed in the bulletin's style (亿元 two decimals, percentages one, `—`).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Value as JsonValue};

use super::{cell, centre, left, lines, pct_cell, right, text_blocks, titled, ComposeError};
use crate::aggregate::brief::{Brief, Peers, Span, FLOW_KEYS};
use crate::config::Config;
use crate::model::{FigureKey, Figures};
use crate::render::pdf::blocks::{BarChart, Block, DocumentInfo, LineChart, Table};
use crate::render::templates::{cn_date_of, yi_value, Templates, DASH};

use super::context::{conversion_context, figure_text, reason_counts};
use super::{ConversionContext, ReasonCount};
use crate::aggregate::round1;

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
    pub const STEPS: [Shown; 4] = [
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
        Shown {
            members: 3,
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

/// Where the selection ranks over the briefing's span.
#[derive(Debug, Clone, Serialize)]
pub struct RankContext {
    pub subject: String,
    /// Whether this is the first line about `subject` (the next ones need not name it).
    pub first_of_subject: bool,
    /// Whether it is ranked among other peers than the line before (else the line need
    /// not say among whom again).
    pub first_of_peers: bool,
    /// Whom it is ranked among: `units` (the units of the group `among` that have the
    /// figure), `groups` (the league's groups, by average per unit) or `industries`.
    pub peers: &'static str,
    pub among: String,
    pub label: &'static str,
    /// The value ranked with its unit: the total, or for `groups` the average per unit.
    pub value_text: String,
    /// 名次 (`rank` is the bulletin's helper).
    pub place: u32,
    pub of: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeagueContext {
    pub name: String,
    pub group: String,
    pub place: u32,
    /// The group's units that were ranked.
    pub of: usize,
    /// Two decimals, as the league table prints it.
    pub score: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BiggestContext {
    pub name: String,
    /// The unit that signed it; empty when the briefing is about that one unit.
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
    /// The number of the table or chart whose caption `part` asks for: tables and charts
    /// are numbered apart, in print order, counting only those printed.
    pub number: usize,
    /// 期号 (`brief --number`); null when not given.
    pub issue: Option<u32>,
    pub subject: String,
    /// The span in words: 2025年4—6月 (`span` is the bulletin's helper).
    pub months: String,
    pub year: i32,
    pub from_month: u32,
    pub to_month: u32,
    pub one_month: bool,
    /// The span the 赛马榜 ranks (the year to date at the span's last month): 2025年1—6月.
    pub league_months: String,
    /// Whether that is the briefing's own span.
    pub league_same_span: bool,
    /// The month whose returns a span's flows start from (0 for a span from January).
    pub before_month: u32,
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
    /// Whether the trend chart also draws 实际到位资金 (only when every month of the span
    /// has it from every unit counted).
    pub trend_funds: bool,
    /// How many units the PDF's member table lists.
    pub members_shown: usize,
    /// Whether the member table lists fewer units than the briefing has.
    pub members_more: bool,
    /// Whether the member table has the 赛马榜 rank column: not in an industry's briefing,
    /// whose figures are not what the league ranks, nor when none of its units is ranked.
    pub members_league: bool,
    pub projects_count: usize,
    pub biggest: Option<BiggestContext>,
    /// At most five names, then 等N个单位.
    pub flows_incomplete: String,
    /// Whether no unit counted has its flows over the span.
    pub flows_incomplete_all: bool,
    /// At most five names, then 等N个单位.
    pub not_reported: String,
    /// Whether the span's funds in place and foreign capital could be worked out.
    pub flows_known: bool,
    /// How the selection's projects are moving; null when the briefing does not say
    /// (a selection of industries, or of several units or groups).
    pub progress: Option<BriefProgressContext>,
}

/// 项目推进: the selection's cohort conversion against its peers', and its follow-ups.
#[derive(Debug, Clone, Serialize)]
pub struct BriefProgressContext {
    /// The cohort in words: 2024年7月至2025年6月.
    pub cohort: String,
    /// The selection's own figures (`name` is the subject).
    pub own: ConversionContext,
    /// Its group's (for a unit) or the area's (for a group); null for the whole area.
    pub peers: Option<ConversionContext>,
    /// How its 开工率 and 投产率 compare with the peers': `higher`, `lower` or `level`
    /// (equal to one decimal); null when either cannot be given.
    pub started_vs: Option<&'static str>,
    pub in_production_vs: Option<&'static str>,
    /// Projects of the selection on the follow-up list, and how many for each reason.
    pub follow_up_count: usize,
    pub follow_up_reasons: Vec<ReasonCount>,
    pub stalled_months: u32,
    pub no_funds_months: u32,
}

/// `higher`, `lower` or `level`, comparing two percentages to one decimal.
fn versus(own: Option<f64>, peers: Option<f64>) -> Option<&'static str> {
    let (a, b) = (round1(own?), round1(peers?));
    Some(if a > b {
        "higher"
    } else if a < b {
        "lower"
    } else {
        "level"
    })
}

fn progress_context(brief: &Brief) -> Option<BriefProgressContext> {
    let p = brief.progress.as_ref()?;
    let own = conversion_context(&brief.subject, &p.own);
    let peers = p
        .peers
        .as_ref()
        .map(|(name, f)| conversion_context(name, f));
    Some(BriefProgressContext {
        cohort: crate::aggregate::progress::cohort_words(&p.cohort),
        started_vs: peers
            .as_ref()
            .and_then(|g| versus(own.started_pct, g.started_pct)),
        in_production_vs: peers
            .as_ref()
            .and_then(|g| versus(own.in_production_pct, g.in_production_pct)),
        follow_up_count: p.own.follow_up.total,
        follow_up_reasons: reason_counts(&p.own.follow_up),
        stalled_months: p.stalled_months,
        no_funds_months: p.no_funds_months,
        own,
        peers,
    })
}

fn figure_json(k: FigureKey, f: &Figures) -> JsonValue {
    if k.is_count() {
        json!(f.raw(k))
    } else {
        json!(f.value(k))
    }
}

/// Names joined with 、, at most five of them (then 等N个单位): a leader's note need not
/// list twenty districts, the workbook does.
fn few_names(names: &[String]) -> String {
    const MOST: usize = 5;
    if names.len() <= MOST {
        names.join("、")
    } else {
        format!("{}等{}个单位", names[..3].join("、"), names.len())
    }
}

/// Whether the trend chart can draw 实际到位资金 for every month: the span's flows are
/// figures and each month's come from every unit counted.
fn trend_has_funds(brief: &Brief) -> bool {
    brief.flows_known
        && brief.flows_incomplete.is_empty()
        && brief.months.iter().all(|m| m.flows_from == brief.reported)
}

/// The months the 赛马榜 ranks: January to the span's last month.
fn league_span(brief: &Brief) -> Span {
    Span {
        from: crate::model::Period::new(brief.span.to.year, 1).unwrap_or(brief.span.from),
        to: brief.span.to,
    }
}

/// The template context of a briefing.
pub fn brief_context(
    brief: &Brief,
    cfg: &Config,
    date: NaiveDate,
    issue: Option<u32>,
    shown: Shown,
) -> BriefContext {
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
    let league_span = league_span(brief);
    BriefContext {
        part: "",
        number: 0,
        issue,
        subject: brief.subject.clone(),
        months: brief.span.label(),
        year: brief.span.to.year,
        from_month: brief.span.from.month,
        to_month: brief.span.to.month,
        one_month: brief.span.from == brief.span.to,
        league_months: league_span.label(),
        league_same_span: league_span == brief.span,
        before_month: brief.span.from.month - 1,
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
            .enumerate()
            .map(|(i, r)| RankContext {
                subject: r.subject.clone(),
                first_of_subject: i == 0 || brief.ranks[i - 1].subject != r.subject,
                first_of_peers: i == 0 || {
                    let before = &brief.ranks[i - 1];
                    (&before.subject, before.peers, &before.among, before.of)
                        != (&r.subject, r.peers, &r.among, r.of)
                },
                peers: match r.peers {
                    Peers::GroupUnits => "units",
                    Peers::LeagueGroups => "groups",
                    Peers::Industries => "industries",
                },
                among: r.among.clone(),
                label: r.key.label(),
                value_text: figure_text(r.key, r.value),
                place: r.rank,
                of: r.of,
            })
            .collect(),
        league,
        trend_funds: trend_has_funds(brief),
        members_shown: brief.units.len().min(shown.members),
        members_more: brief.units.len() > shown.members,
        members_league: brief.selection.industries.is_empty()
            && brief.units.iter().any(|u| u.league.is_some()),
        projects_count: brief.projects.len().min(shown.projects),
        biggest: brief.projects.first().map(|p| BiggestContext {
            name: p.name.clone(),
            unit: if brief.units.len() > 1 {
                p.unit.clone()
            } else {
                String::new()
            },
            amount: p.amount.as_f64(),
        }),
        flows_incomplete: few_names(&brief.flows_incomplete),
        flows_incomplete_all: !brief.flows_known && brief.units.len() > 1,
        not_reported: few_names(&brief.not_reported),
        flows_known: brief.flows_known,
        progress: progress_context(brief),
    }
}

/// The figure keys of the headline table, in print order.
const HEADLINE: [FigureKey; 10] = FigureKey::ALL;

/// The briefing's template, one part at a time, numbering the captions as it goes.
struct Parts<'a> {
    templates: &'a Templates,
    ctx: BriefContext,
    tables: usize,
    charts: usize,
}

impl Parts<'_> {
    fn text(&mut self, name: &'static str) -> Result<String, ComposeError> {
        self.ctx.part = name;
        Ok(self.templates.render("brief.hbs", &self.ctx)?)
    }

    fn line(&mut self, name: &'static str) -> Result<String, ComposeError> {
        Ok(lines(&self.text(name)?).concat())
    }

    /// The caption of the next table printed (`None` when the clerk's template leaves it
    /// empty; the table keeps its number).
    fn table_caption(&mut self, name: &'static str) -> Result<Option<String>, ComposeError> {
        self.tables += 1;
        self.ctx.number = self.tables;
        Ok(Some(self.line(name)?).filter(|c| !c.is_empty()))
    }

    /// The title of the next chart printed.
    fn chart_title(&mut self, name: &'static str) -> Result<String, ComposeError> {
        self.charts += 1;
        self.ctx.number = self.charts;
        self.line(name)
    }
}

/// The briefing as blocks, in reading order. `issue` is its 期号, when it has one.
pub fn brief_blocks(
    brief: &Brief,
    cfg: &Config,
    templates: &Templates,
    date: NaiveDate,
    issue: Option<u32>,
    shown: Shown,
) -> Result<Vec<Block>, ComposeError> {
    let ctx = brief_context(brief, cfg, date, issue, shown);
    let show_ranks = ctx.sections.ranks > 0;
    let trend_funds = ctx.trend_funds;
    let mut parts = Parts {
        templates,
        ctx,
        tables: 0,
        charts: 0,
    };
    let mut blocks = vec![Block::Masthead {
        title: parts.line("masthead")?,
        line: parts.line("issue_line")?,
    }];
    blocks.push(Block::Title(parts.line("title")?));
    let subtitle = parts.line("subtitle")?;
    if !subtitle.is_empty() {
        blocks.push(Block::Subtitle(subtitle));
    }

    blocks.extend(text_blocks(&parts.text("summary")?));
    let caption = parts.table_caption("summary_caption")?;
    blocks.push(Block::Table(headline_table(brief, caption)));

    if show_ranks {
        blocks.extend(text_blocks(&parts.text("ranks")?));
    }
    if brief.units.len() > 1 {
        let caption = parts.table_caption("members_caption")?;
        let note = Some(parts.line("members_note")?).filter(|n| !n.is_empty());
        let league_column = parts.ctx.members_league;
        blocks.push(Block::Table(members_table(
            brief,
            caption,
            note,
            shown.members,
            league_column,
        )));
    }
    if brief.months.len() >= 2 {
        let title = parts.chart_title("trend_caption")?;
        blocks.push(Block::LineChart(trend_chart(brief, title, trend_funds)));
    } else if brief.units.len() > 1 {
        let title = parts.chart_title("bar_caption")?;
        blocks.push(Block::BarChart(bar_chart(brief, title, shown.members)));
    }

    blocks.extend(text_blocks(&parts.text("projects")?));
    if !brief.projects.is_empty() {
        let caption = parts.table_caption("projects_caption")?;
        blocks.push(Block::Table(projects_table(brief, caption, shown.projects)));
    }
    if parts.ctx.progress.is_some() {
        blocks.extend(text_blocks(&parts.text("progress")?));
    }
    if !brief.not_reported.is_empty() || !brief.flows_incomplete.is_empty() {
        blocks.extend(text_blocks(&parts.text("notes")?));
    }
    Ok(blocks)
}

/// The PDF's own metadata: its title is the briefing's subject line.
pub fn brief_info(
    brief: &Brief,
    cfg: &Config,
    templates: &Templates,
    date: NaiveDate,
    issue: Option<u32>,
) -> Result<DocumentInfo, ComposeError> {
    let mut ctx = brief_context(brief, cfg, date, issue, Shown::STEPS[0]);
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

/// The members' table, with the 赛马榜 rank column when `league_column` (its note says
/// the rank is the year to date's, whatever the span).
fn members_table(
    brief: &Brief,
    caption: Option<String>,
    note: Option<String>,
    shown: usize,
    league_column: bool,
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
            if league_column {
                row.push(
                    u.league
                        .as_ref()
                        .map_or_else(|| DASH.to_string(), |s| s.rank.to_string()),
                );
            }
            row
        })
        .collect();
    let mut columns = vec![
        left("单位"),
        right(titled("签约额", "亿元")),
        right("同比"),
        right(titled("到位资金", "亿元")),
        right("同比"),
        right("开工项目"),
    ];
    if league_column {
        columns.push(right("赛马榜名次"));
    }
    Table {
        caption,
        columns,
        rows,
        emphasis: Vec::new(),
        size: TABLE_SIZE,
        note,
    }
}

fn projects_table(brief: &Brief, caption: Option<String>, shown: usize) -> Table {
    // One unit's briefing needs no unit column, one industry's no industry column.
    let by_unit = brief.units.len() > 1;
    let by_industry = brief.selection.industries.len() != 1;
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
            if by_industry {
                row.push(p.industry.clone());
            }
            row.extend([
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
    if by_industry {
        columns.push(left("产业"));
    }
    columns.extend([right(titled("合同投资额", "亿元")), centre("签约日期")]);
    Table {
        caption,
        columns,
        rows,
        emphasis: Vec::new(),
        size: TABLE_SIZE,
        note: None,
    }
}

/// Every month of the span: the signings always (from the ledgers the total counts), the
/// funds in place only when `funds` (every month has them from every unit counted), so
/// that no line leaves out a month that is in the total.
fn trend_chart(brief: &Brief, title: String, funds: bool) -> LineChart {
    let mut keys = vec![FigureKey::SignedAmount];
    if funds {
        keys.push(FigureKey::FundsInPlace);
    }
    LineChart {
        compact: true,
        title,
        unit: "亿元".into(),
        x_labels: brief
            .months
            .iter()
            .map(|m| format!("{}月", m.period.month))
            .collect(),
        series: keys
            .into_iter()
            .map(|k| {
                (
                    k.label().to_string(),
                    brief
                        .months
                        .iter()
                        .map(|m| Some(yi_value(m.figures.value(k))))
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
