//! The vocabulary between the bulletin's content and the PDF layout: a document is a list
//! of blocks; the composer decides what they say, the layout engine where they go.
//!
//! Measures are points (1/72 in) unless a name says otherwise. Text is plain Unicode;
//! the layout engine breaks lines (Chinese rules), paginates and draws.

/// Which of the four type faces of an official document a run of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FontRole {
    /// 小标宋: the title and the issuer of the red header.
    Title,
    /// 仿宋: body text.
    Body,
    /// 黑体: 一、 headings, table headers.
    Heading,
    /// 楷体: （一） headings.
    Kai,
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
    /// Both edges flush, the last line left.
    Justify,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub title: String,
    pub align: Align,
}

/// A table that breaks across pages with its header repeated.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Shown above the table (e.g. 表1 主城都市区赛马榜), kept with its first rows.
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    /// Cells as display text (numbers already formatted).
    pub rows: Vec<Vec<String>>,
    /// Rows drawn in bold (totals), by index into `rows`.
    pub emphasis: Vec<usize>,
    /// Type size of the table body, 10.5–12 pt.
    pub size: f32,
    /// Optional note under the table (e.g. 注：金额单位为亿元).
    pub note: Option<String>,
}

/// A vertical bar (column) chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub title: String,
    /// The axis unit, e.g. 亿元.
    pub unit: String,
    pub bars: Vec<(String, f64)>,
    /// A lower plot area, for a briefing that must fit two pages.
    pub compact: bool,
}

/// A line chart of one or more series over labelled points (a monthly trend).
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub title: String,
    pub unit: String,
    pub x_labels: Vec<String>,
    /// (series name, one value per x label; `None` where there is no figure).
    pub series: Vec<(String, Vec<Option<f64>>)>,
    /// A lower plot area, for a briefing that must fit two pages.
    pub compact: bool,
}

/// One block of a document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 红头: the issuer in large red type, the 发文字号 centred below, a red rule across
    /// the text block.
    RedHeader {
        issuer: String,
        doc_number: String,
    },
    /// A briefing's 报头: its name in red at the top of the first page, a line below it
    /// (who issues it, the date) and a red rule; tighter than the 红头.
    Masthead {
        title: String,
        line: String,
    },
    /// The document title, 22 pt 小标宋, centred, may wrap to several lines.
    Title(String),
    /// A line under the title (a briefing's span and subject): body size, 楷体, centred.
    Subtitle(String),
    /// A line addressed to the recipients (主送机关), flush left, body type.
    Salutation(String),
    /// `一、…` heading: 16 pt 黑体, never left alone at the foot of a page.
    Heading1(String),
    /// `（一）…` heading: 16 pt 楷体.
    Heading2(String),
    /// Body paragraph: 16 pt 仿宋, justified, first line indented two characters.
    Paragraph(String),
    Table(Table),
    BarChart(BarChart),
    LineChart(LineChart),
    /// 附件说明 (GB/T 9704 §7.3.4): `附件：` two characters in, then each annex's title
    /// under the first one's start, a title that wraps continuing under its own text
    /// (after its `1．`).
    Attachments(Vec<String>),
    /// Issuer and date, right-aligned at the end (落款).
    Signature {
        issuer: String,
        date: String,
    },
    /// An annex's mark, `附件1`: flush left on the first line of its page, 16 pt 黑体
    /// (GB/T 9704 §7.3.4).
    AnnexMark(String),
    /// An annex's title: centred like the document title, under its mark.
    AnnexTitle(String),
    /// 版记 at the foot of the last page (GB/T 9704 §7.4): a 抄送 line (optional), then
    /// 印发机关 on the left and 印发日期 on the right of one line, between rules.
    Colophon {
        copy_to: Option<String>,
        printed_by: String,
        printed_on: String,
    },
    /// Start a new page.
    PageBreak,
    /// Start a new page, and set what follows (up to the next `Orientation`) on
    /// landscape pages if one of its tables cannot be set upright without breaking a
    /// number or a short label (GB/T 9704 allows wide annex tables across the page).
    Orientation(Orientation),
}

/// Which way up the pages of a stretch of a document are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    /// Landscape when a table needs the width; portrait otherwise.
    LandscapeIfWide,
}

impl Block {
    /// Every piece of text the block prints (cells, captions, labels, legends), for
    /// checking that a rendered document holds what it was given.
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Block::RedHeader {
                issuer: a,
                doc_number: b,
            }
            | Block::Masthead { title: a, line: b }
            | Block::Signature { issuer: a, date: b } => vec![a, b],
            Block::Colophon {
                copy_to,
                printed_by,
                printed_on,
            } => copy_to
                .iter()
                .chain([printed_by, printed_on])
                .map(String::as_str)
                .collect(),
            Block::Title(t)
            | Block::Subtitle(t)
            | Block::Salutation(t)
            | Block::Heading1(t)
            | Block::Heading2(t)
            | Block::AnnexMark(t)
            | Block::AnnexTitle(t)
            | Block::Paragraph(t) => vec![t],
            Block::Attachments(items) => items.iter().map(String::as_str).collect(),
            Block::Table(t) => t
                .caption
                .iter()
                .chain(t.note.iter())
                .chain(t.columns.iter().map(|c| &c.title))
                .chain(t.rows.iter().flatten())
                .map(String::as_str)
                .collect(),
            Block::BarChart(c) => std::iter::once(&c.title)
                .chain(c.bars.iter().map(|(l, _)| l))
                .map(String::as_str)
                .collect(),
            Block::LineChart(c) => std::iter::once(&c.title)
                .chain(c.x_labels.iter())
                .chain(c.series.iter().map(|(n, _)| n))
                .map(String::as_str)
                .collect(),
            Block::PageBreak | Block::Orientation(_) => vec![],
        }
    }
}

/// Metadata of the PDF file itself.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInfo {
    pub title: String,
    pub author: String,
    /// Fixed creation date (`YYYY-MM-DD`), so the same content gives the same bytes.
    pub date: String,
}
