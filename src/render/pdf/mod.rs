//! The PDF bulletin: a list of [`blocks::Block`]s in, an official document (公文) laid out
//! to GB/T 9704-2012 out.
//!
//! The engine is ours; printpdf only writes the file. `text` shapes strings (choosing for
//! each character the face that has it) and breaks lines by the rules of Chinese
//! typesetting; `layout` turns blocks into boxes on the page frame and paginates them;
//! `table` and `chart` lay out those blocks; `draw` turns each page's display list into
//! PDF operators and embeds the used glyphs of each face as a subset. Everything before
//! `draw` is pure and measured through the [`text::Metrics`] trait, so the rules are
//! unit-tested without fonts.

pub mod blocks;
mod boxes;
mod chart;
mod draw;
pub mod fonts;
pub mod layout;
mod table;
pub mod text;

use std::path::PathBuf;

use blocks::{Block, DocumentInfo, FontRole, Orientation};
pub use boxes::Frame;
use boxes::Item;
pub use fonts::FontSet;
use layout::Composer;
pub use text::MissingGlyph;
use text::Shaper;

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// A font file named in the configuration cannot be read.
    #[error("无法读取 {} 字体文件 {path}：{}", fonts::role_name(*.role, crate::lang::Lang::Zh), crate::messages::io_reason(.source, crate::lang::Lang::Zh), path = .path.display())]
    FontFile {
        role: FontRole,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A font file was read but holds no usable face.
    #[error("{path} 不是可用的字体（{}，第 {face} 个字面；支持 TTF、OTF、TTC）", fonts::role_name(*.role, crate::lang::Lang::Zh), path = .path.display())]
    FontParse {
        role: FontRole,
        path: PathBuf,
        face: u32,
    },
    /// [`DocumentInfo::date`] is not `YYYY-MM-DD`.
    #[error("文档日期“{0}”应为 YYYY-MM-DD")]
    Date(String),
    /// Writing the PDF failed.
    #[error("写入 PDF 失败：{0}")]
    Write(std::io::Error),
}

impl PdfError {
    /// The error in the reader's language.
    pub fn message(&self, lang: crate::lang::Lang) -> String {
        if lang == crate::lang::Lang::Zh {
            return self.to_string();
        }
        match self {
            PdfError::FontFile { role, path, source } => format!(
                "cannot read the {} font {}: {source}",
                fonts::role_name(*role, lang),
                path.display()
            ),
            PdfError::FontParse { role, path, face } => format!(
                "{} is not a usable font for {} (face {face}; TTF, OTF or TTC)",
                path.display(),
                fonts::role_name(*role, lang)
            ),
            PdfError::Date(d) => format!("document date {d:?} must be YYYY-MM-DD"),
            PdfError::Write(e) => format!("writing the PDF failed: {e}"),
        }
    }
}

/// A rendered document.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Characters a role's font lacks, drawn from a fallback face or as 〓 when no face
    /// has them, for the caller to report.
    pub missing_glyphs: Vec<MissingGlyph>,
}

/// Lays out and writes `blocks` as an official document.
pub fn render(
    blocks: &[Block],
    info: &DocumentInfo,
    fonts: &FontSet,
) -> Result<Rendered, PdfError> {
    render_in(Frame::official(), blocks, info, fonts)
}

/// Lays out and writes `blocks` in the given frame (see [`Frame::briefing`]).
pub fn render_in(
    frame: Frame,
    blocks: &[Block],
    info: &DocumentInfo,
    fonts: &FontSet,
) -> Result<Rendered, PdfError> {
    let mut shaper = Shaper::new(fonts);
    let mut pages: Vec<(Frame, Vec<Item>)> = Vec::new();
    let mut orientation = Orientation::Portrait;
    // Each stretch between orientation marks is set in its own frame, on pages of its
    // own; page numbers run on.
    for stretch in blocks.split_inclusive(|b| matches!(b, Block::Orientation(_))) {
        let (body, next) = match stretch.split_last() {
            Some((Block::Orientation(o), body)) => (body, Some(*o)),
            _ => (stretch, None),
        };
        let stretch_frame = match orientation {
            Orientation::LandscapeIfWide
                if body.iter().any(|b| match b {
                    Block::Table(t) => table::needs_width(t, frame.width, &mut shaper),
                    _ => false,
                }) =>
            {
                frame.landscape()
            }
            _ => frame,
        };
        if !body.is_empty() {
            let boxes = Composer::new(stretch_frame, &mut shaper).compose(body);
            let placement = layout::paginate_after(&boxes, stretch_frame.height, pages.len());
            for entries in &placement {
                let mut items = Vec::new();
                for &(index, y) in entries {
                    items.extend(
                        boxes[index]
                            .items
                            .iter()
                            .map(|i| i.shifted(stretch_frame.top + y)),
                    );
                }
                // A page holding only the 版记 is numbered neither (GB/T 9704 §7.5).
                let colophon_only = entries
                    .iter()
                    .all(|&(index, _)| boxes[index].kind == boxes::BoxKind::PageFoot);
                if !colophon_only {
                    items.extend(layout::page_number(
                        pages.len() + 1,
                        &stretch_frame,
                        &mut shaper,
                    ));
                }
                pages.push((stretch_frame, items));
            }
        }
        if let Some(o) = next {
            orientation = o;
        }
    }
    if pages.is_empty() {
        // A document of nothing is one blank, numbered page, as a word processor makes.
        let items = layout::page_number(1, &frame, &mut shaper);
        pages.push((frame, items));
    }
    let hash = draw::input_hash(format_args!("{blocks:?}{info:?}{fonts:?}"));
    let count = pages.len();
    let bytes = draw::write(pages, info, fonts, hash)?;
    Ok(Rendered {
        bytes,
        pages: count,
        missing_glyphs: shaper.into_missing(),
    })
}
