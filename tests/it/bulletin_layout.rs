//! The bulletin as the bureau publishes it, read back the way a reader's eye does: every
//! word with its box on its page (`pdftotext -bbox-layout`). Nothing is set outside the
//! type area or over the page number, no two words overlap, and nothing is lost — every
//! unit, every annex row, every character of a 3,000-character project name — for a
//! city (the demo), a province of 183 units, and a return with absurdly long names.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tongbao::aggregate::{compute, Bulletin, ReturnStatus, UnitInput};
use tongbao::config::Config;
use tongbao::model::YI;
use tongbao::render::compose::{bulletin_blocks, document_info};
use tongbao::render::pdf::{render, FontSet};
use tongbao::render::templates::Templates;

use crate::archived::*;
use crate::binary::run_reproducibly;
use crate::pdf::poppler;
use crate::support::*;

const PT_PER_MM: f32 = 72.0 / 25.4;

/// A word as poppler sees it, in points from the page's top left.
#[derive(Debug, Clone)]
struct Word {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    text: String,
}

#[derive(Debug)]
struct Page {
    width: f32,
    height: f32,
    /// The upright type area's top and height in mm: 37 and 225 for a bulletin (GB/T
    /// 9704), 25 and 245 for a briefing (`Frame::briefing`).
    block: (f32, f32),
    words: Vec<Word>,
}

impl Page {
    fn text(&self) -> String {
        self.words.iter().map(|w| w.text.as_str()).collect()
    }

    /// The type area of the page (GB/T 9704: 156 × 225 mm, 28 mm from the binding edge
    /// and 37 mm from the top; turned with the page when it is landscape).
    fn type_area(&self) -> (f32, f32, f32, f32) {
        let (top, height) = self.block;
        let (left, top, width, height) = if self.width < self.height {
            (28.0, top, 156.0, height)
        } else {
            (top, 28.0, height, 156.0)
        };
        (
            left * PT_PER_MM,
            top * PT_PER_MM,
            (left + width) * PT_PER_MM,
            (top + height) * PT_PER_MM,
        )
    }

    /// The page number's words: `— N —` under the type area.
    fn is_page_number(&self, w: &Word) -> bool {
        let (_, _, _, bottom) = self.type_area();
        w.y0 > bottom && w.text.chars().all(|c| c == '—' || c.is_ascii_digit())
    }
}

/// Unescapes the few entities poppler writes.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn attr(line: &str, name: &str) -> f32 {
    let key = format!("{name}=\"");
    let start = line.find(&key).map(|i| i + key.len()).expect("attribute");
    let end = line[start..].find('"').expect("closing quote") + start;
    line[start..end].parse().expect("a number")
}

/// Every page's words, with `pdftotext -bbox-layout`, of a bulletin.
fn pages_of(pdf: &Path) -> Vec<Page> {
    pages_in(pdf, (37.0, 225.0))
}

/// Every page's words of a document whose upright type area starts `block.0` mm from the
/// top and is `block.1` mm tall.
fn pages_in(pdf: &Path, block: (f32, f32)) -> Vec<Page> {
    let (xhtml, _) = poppler("pdftotext", &["-bbox-layout", "-enc", "UTF-8"], pdf);
    let mut pages = Vec::new();
    for line in xhtml.lines().map(str::trim) {
        if line.starts_with("<page ") {
            pages.push(Page {
                width: attr(line, "width"),
                height: attr(line, "height"),
                block,
                words: Vec::new(),
            });
        } else if line.starts_with("<word ") {
            let text = line
                .split_once('>')
                .and_then(|(_, rest)| rest.strip_suffix("</word>"))
                .map(unescape)
                .unwrap_or_default();
            let word = Word {
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text,
            };
            pages.last_mut().expect("a page first").words.push(word);
        }
    }
    pages
}

/// The faults a reader would circle in red: a word outside the type area (but for the
/// page number under it), or two words drawn over each other.
fn layout_faults(pages: &[Page]) -> Vec<String> {
    // Glyph boxes poppler reports run a little past the em box.
    const SLACK: f32 = 1.5;
    let mut faults = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let (left, top, right, bottom) = page.type_area();
        for w in &page.words {
            if page.is_page_number(w) {
                continue;
            }
            // A line that ends in punctuation whose right half is blank (，。、；：and
            // closing marks) is justified by squeezing that blank half (标点挤压): the
            // mark's ink is inside, its advance box up to half an em past the edge.
            let squeezed = if w
                .text
                .ends_with(['，', '。', '、', '；', '：', '）', '」', '》', '”', '’'])
            {
                0.5 * (w.y1 - w.y0)
            } else {
                0.0
            };
            // Poppler's boxes run from the font's ascent to its descent, a fifth of the
            // box beyond the em box where the ink is.
            let vertical = SLACK + 0.2 * (w.y1 - w.y0);
            if w.x0 < left - SLACK
                || w.x1 > right + SLACK + squeezed
                || w.y0 < top - vertical
                || w.y1 > bottom + vertical
            {
                faults.push(format!(
                    "page {}: “{}” at ({:.1}, {:.1})–({:.1}, {:.1}) is outside the type area",
                    n + 1,
                    w.text,
                    w.x0,
                    w.y0,
                    w.x1,
                    w.y1
                ));
            }
        }
        // Each word's box shrunk to the middle of its line, so that lines set close
        // together (a table's) do not count as overlapping where only ascenders and
        // descenders meet.
        let core = |w: &Word| {
            let h = w.y1 - w.y0;
            (w.x0 + 0.5, w.y0 + 0.3 * h, w.x1 - 0.5, w.y1 - 0.3 * h)
        };
        for (i, a) in page.words.iter().enumerate() {
            let (ax0, ay0, ax1, ay1) = core(a);
            for b in &page.words[i + 1..] {
                let (bx0, by0, bx1, by1) = core(b);
                if ax0 < bx1 && bx0 < ax1 && ay0 < by1 && by0 < ay1 {
                    faults.push(format!(
                        "page {}: “{}” and “{}” overlap",
                        n + 1,
                        a.text,
                        b.text
                    ));
                }
            }
        }
    }
    faults
}

fn builtin() -> &'static FontSet {
    static FONTS: std::sync::OnceLock<FontSet> = std::sync::OnceLock::new();
    FONTS.get_or_init(FontSet::builtin)
}

fn issue_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 8).expect("date")
}

/// The bulletin's PDF for `b`, written in a temporary folder.
fn bulletin_pdf(b: &Bulletin, cfg: &Config) -> (tempfile::TempDir, PathBuf) {
    let templates = Templates::embedded().expect("templates");
    let blocks = bulletin_blocks(b, cfg, &templates, issue_date(), &[]).expect("composes");
    let info = document_info(b, cfg, &templates, issue_date()).expect("info");
    let rendered = render(&blocks, &info, builtin()).expect("renders");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("通报.pdf");
    std::fs::write(&path, &rendered.bytes).expect("write");
    (dir, path)
}

/// A province's roster: `n` units in three ranked groups and two functional zones.
fn province(n: usize) -> Config {
    let mut text = String::from(
        "[bulletin]\nissuer = \"某某省投资促进局\"\nregion = \"全省\"\ncopy_to = [\"省委办公厅\", \"省政府办公厅\"]\n\n",
    );
    for g in ["东部", "中部", "西部"] {
        text.push_str(&format!("[[group]]\nname = \"{g}\"\n\n"));
    }
    text.push_str("[[group]]\nname = \"功能区\"\nleague = false\n\n");
    for i in 0..n {
        let group = match i {
            0 | 1 => "功能区",
            _ => ["东部", "中部", "西部"][i % 3],
        };
        // Names of every length a roster has: 2 to 11 characters.
        let name = match i % 5 {
            0 => format!("第{i}县"),
            1 => format!("第{i}区"),
            2 => format!("第{i}土家族苗族自治县"),
            3 => format!("第{i}市高新技术产业开发区"),
            _ => format!("第{i}旗"),
        };
        text.push_str(&format!(
            "[[unit]]\ncode = \"{:06}\"\nname = \"{name}\"\ngroup = \"{group}\"\n\n",
            510_000 + i
        ));
    }
    for (name, sector) in [
        ("先进材料", "二产"),
        ("智能装备及智能制造", "二产"),
        ("软件信息服务", "三产"),
    ] {
        text.push_str(&format!(
            "[[industry]]\nname = \"{name}\"\nsector = \"{sector}\"\n\n"
        ));
    }
    Config::from_str(&text, Path::new("tongbao.toml")).expect("the province roster parses")
}

/// Every unit of `cfg` reporting the standard return, with last year's.
fn everyone_reports(cfg: &Config) -> Vec<UnitInput> {
    let this_year = projects(&Form::valid());
    let last_year = projects(&last_year_form());
    cfg.file
        .units
        .iter()
        .map(|u| accepted(u.code(), this_year.clone(), Some(last_year.clone())))
        .collect()
}

/// Asserts the layout is clean and every unit is in the document and in 附件1.
fn assert_published_whole(pages: &[Page], cfg: &Config) {
    let faults = layout_faults(pages);
    assert!(
        faults.is_empty(),
        "{} faults, the first: {:#?}",
        faults.len(),
        &faults[..faults.len().min(10)]
    );
    let annex1 = pages
        .iter()
        .position(|p| p.words.first().is_some_and(|w| w.text == "附件1"))
        .expect("附件1 opens a page");
    let annex1_end = pages
        .iter()
        .position(|p| p.words.first().is_some_and(|w| w.text == "附件2"))
        .unwrap_or(pages.len());
    let annex_text: String = pages[annex1..annex1_end].iter().map(Page::text).collect();
    for u in &cfg.file.units {
        assert!(
            annex_text.contains(u.name()),
            "{} is not in 附件1",
            u.name()
        );
    }
}

#[test]
fn a_province_bulletin_keeps_every_unit_inside_the_type_area() {
    let cfg = province(183);
    let b = compute(&cfg, JUNE, &everyone_reports(&cfg));
    let (_dir, pdf) = bulletin_pdf(&b, &cfg);
    let pages = pages_of(&pdf);
    assert_published_whole(&pages, &cfg);
    // Every project of 附件2, whole.
    let all: String = pages.iter().map(Page::text).collect();
    for p in &b.big_projects {
        assert!(all.contains(&p.name), "{} is missing", p.name);
    }
    // The 版记 is at the foot of the last page, and that page is even.
    let last = pages.last().expect("pages");
    assert!(last.text().contains("抄送：省委办公厅，省政府办公厅。"));
    assert!(last.text().contains("2025年7月8日印发"));
    assert_eq!(pages.len() % 2, 0, "the 版记 is on an even page");
}

#[test]
fn a_name_of_three_thousand_characters_is_printed_whole_and_inside_the_page() {
    let cfg = config();
    let original = std::cell::RefCell::new(String::new());
    let bulletin_with = |name: Option<&str>| {
        let mut mine = projects(&Form::valid());
        let big = mine
            .iter_mut()
            .find(|p| {
                p.contract_amount.is_some_and(|a| a >= YI)
                    && p.signed_on.is_some_and(|d| JUNE.contains(d))
            })
            .expect("a 亿元以上 project signed in June");
        *original.borrow_mut() = big.name.clone();
        if let Some(name) = name {
            big.name = name.to_string();
            big.investor = "骊".repeat(500);
        }
        compute(
            &cfg,
            JUNE,
            &[
                accepted("500113", mine, None),
                accepted("500103", projects(&doubled()), None),
                absent("LJXQ", ReturnStatus::Missing),
            ],
        )
    };
    // 300 × ten distinct characters, so that every one of them can be counted back.
    let cycle = "鑫淼焱垚犇骉鱻羴森晶";
    let name = cycle.repeat(300);
    let (_dir, pdf) = bulletin_pdf(&bulletin_with(Some(&name)), &cfg);
    let pages = pages_of(&pdf);
    assert_published_whole(&pages, &cfg);
    let (_base_dir, base_pdf) = bulletin_pdf(&bulletin_with(None), &cfg);
    let base: String = pages_of(&base_pdf).iter().map(Page::text).collect();
    // The name is in 三、重点项目 and in 附件2, in place of the name it replaced: 600 of
    // each character, none lost where the row breaks across pages.
    let all: String = pages.iter().map(Page::text).collect();
    for c in cycle.chars() {
        let count = |t: &str| t.chars().filter(|x| *x == c).count();
        assert_eq!(count(&base), 0, "{c} is not otherwise in the bulletin");
        assert_eq!(count(&all), 600, "{c}");
    }
    assert!(base.contains(original.borrow().as_str()));
    // The row's investor, 500 characters, in both tables too.
    assert_eq!(all.chars().filter(|c| *c == '骊').count(), 1000);
    assert_eq!(base.chars().filter(|c| *c == '骊').count(), 0);
}

#[test]
fn the_demo_bulletin_is_nine_pages_of_body_then_annexes_then_the_colophon() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_reproducibly(&["demo", "--out", "d"], dir.path());
    assert!(out.status.success(), "{out:?}");
    let pdf = dir.path().join("d/out/2025-06/通报-2025-06.pdf");
    let pages = pages_of(&pdf);
    let cfg = Config::load(&dir.path().join("d/tongbao.toml")).expect("config");
    assert_published_whole(&pages, &cfg);

    let first_annex = pages
        .iter()
        .position(|p| p.words.first().is_some_and(|w| w.text == "附件1"))
        .expect("附件1");
    // Eight pages until 重点项目推进情况 (section and table) took a ninth.
    assert!(first_annex <= 9, "the body runs to {} pages", first_annex);
    // The 落款 closes the body, on the page before the annexes.
    let body_end = pages[first_annex - 1].text();
    assert!(body_end.contains("重庆市招商投资促进局"), "{body_end}");
    assert!(body_end.contains("附件：1．"), "{body_end}");
    // 附件2 follows 附件1; the 版记 is last, on an even page, unnumbered when alone.
    assert!(pages[first_annex..]
        .iter()
        .any(|p| p.words.first().is_some_and(|w| w.text == "附件2")));
    let last = pages.last().expect("pages").text();
    assert!(last.contains("抄送："), "{last}");
    assert!(last.ends_with("印发") || last.contains("印发"), "{last}");
    assert_eq!(pages.len() % 2, 0);
    // 数据说明 in plain words: no cell reference, no 万元 figure.
    let body: String = pages[..first_annex].iter().map(Page::text).collect();
    assert!(!body.contains('!'), "a cell reference in the body");
    assert!(!body.contains("万元"), "a 万元 figure in the body");
}

#[test]
fn briefings_for_a_unit_a_group_and_an_industry_keep_inside_their_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_reproducibly(&["demo", "--out", "d"], dir.path());
    assert!(out.status.success(), "{out:?}");
    let ws = dir.path().join("d");
    for (flag, subject) in [
        ("--unit", "巴南区"),
        ("--group", "主城都市区"),
        ("--industry", "新一代电子信息制造业"),
    ] {
        let out = run_reproducibly(
            &[
                "brief", "--from", "2025-04", "--to", "2025-06", flag, subject, "--out", "b",
            ],
            &ws,
        );
        assert!(out.status.success(), "{subject}: {out:?}");
        let pdf = std::fs::read_dir(ws.join("b"))
            .expect("briefs")
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.extension().is_some_and(|e| e == "pdf") && p.to_string_lossy().contains(subject)
            })
            .expect("the brief's PDF");
        let pages = pages_in(&pdf, (25.0, 245.0));
        assert!(pages.len() <= 2, "{subject}: {} pages", pages.len());
        let faults = layout_faults(&pages);
        assert!(faults.is_empty(), "{subject}: {faults:#?}");
    }
}
