//! The PDF engine end to end: a bulletin with every kind of block rendered with the
//! built-in fonts and read back with poppler (`pdftotext`, `pdffonts`, `pdfinfo`,
//! `pdftoppm`), as a reader's PDF viewer would.
//!
//! Set `TONGBAO_PDF_SAMPLE=path.pdf` to keep the sample document for a look.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use tongbao::config::{FontFace, Fonts};
use tongbao::render::pdf::blocks::{
    Align, BarChart, Block, Column, DocumentInfo, FontRole, LineChart, Table,
};
use tongbao::render::pdf::{render, FontSet, PdfError, Rendered};

/// The built-in fonts, parsed once for all tests.
fn builtin() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(|| {
        let started = Instant::now();
        let fonts = FontSet::builtin();
        eprintln!("parsed the built-in fonts in {:?}", started.elapsed());
        fonts
    })
}

fn info() -> DocumentInfo {
    DocumentInfo {
        title: "关于2025年1—6月全市招商引资工作情况的通报".into(),
        author: "某某市招商投资促进局".into(),
        date: "2025-07-10".into(),
    }
}

const UNITS: [&str; 12] = [
    "渝中区",
    "江北区",
    "沙坪坝区",
    "九龙坡区",
    "南岸区",
    "北碚区",
    "渝北区",
    "巴南区",
    "涪陵区",
    "綦江区",
    "大足区",
    "两江新区",
];

/// A bulletin with every kind of block: red header, title, salutation, headings of
/// both levels, paragraphs, a 60-row table that spans pages, a bar and a line chart,
/// a signature and a page break before the annex.
fn bulletin() -> Vec<Block> {
    let rows: Vec<Vec<String>> = (0..60)
        .map(|i| {
            let unit = UNITS[i % UNITS.len()];
            vec![
                format!("{}", i + 1),
                format!("{unit}第{}批重点项目", i / UNITS.len() + 1),
                format!("{}.{:02}", 13209 - i * 211, (i * 37) % 100),
                format!("{:.1}%", 20.5 - i as f64 * 0.7),
                if i % 7 == 3 {
                    "未报送".into()
                } else {
                    "已审核".into()
                },
            ]
        })
        .collect();
    vec![
        Block::RedHeader {
            issuer: "某某市招商投资促进局".into(),
            doc_number: "某招通〔2025〕6号".into(),
        },
        Block::Title("关于2025年1—6月全市招商引资工作情况的通报".into()),
        Block::Salutation("各区县（自治县）招商投资促进局，两江新区、高新区招商部门：".into()),
        Block::Paragraph(
            "现将2025年1—6月全市招商引资工作情况通报如下，请各地对照目标任务，查找差距，\
             确保完成全年目标。"
                .into(),
        ),
        Block::Heading1("一、总体情况".into()),
        Block::Paragraph(
            "1—6月，全市新签约项目1286个，合同投资额13209.91亿元，同比增长20.5%；\
             其中亿元以上项目412个，占比32.0%。实际到位资金4521.37亿元，同比增长8.3%，\
             资金到位率34.2%，超序时进度（50.0%）的单位有9个。新开工项目611个，开工率\
             47.5%，较上月提高3.1个百分点。"
                .into(),
        ),
        Block::Heading2("（一）签约情况".into()),
        Block::Paragraph(
            "从产业看，智能网联新能源汽车、新一代电子信息制造业和先进材料三大产业签约额占全部\
             签约额的61.4%，其中“33618”现代制造业集群体系项目贡献突出；从区域看，主城都市区\
             签约额9876.54亿元，渝东北三峡库区城镇群和渝东南武陵山区城镇群分别为2210.08亿元、\
             1123.29亿元。"
                .into(),
        ),
        Block::BarChart(BarChart {
            compact: false,
            title: "图1 1—6月各区县新签约合同投资额".into(),
            unit: "亿元".into(),
            bars: UNITS
                .iter()
                .enumerate()
                .map(|(i, u)| (u.to_string(), 1500.0 - i as f64 * 97.35))
                .collect(),
        }),
        Block::Heading2("（二）到位资金情况".into()),
        Block::Paragraph(
            "实际到位资金保持平稳增长，省外境内资金占比达到71.3%；实际使用外资2.31亿美元，\
             同比下降12.5%。"
                .into(),
        ),
        Block::LineChart(LineChart {
            compact: false,
            title: "图2 2025年各月新签约与到位资金走势".into(),
            unit: "亿元".into(),
            x_labels: (1..=6).map(|m| format!("{m}月")).collect(),
            series: vec![
                (
                    "新签约合同投资额".into(),
                    vec![
                        Some(1820.5),
                        Some(1650.2),
                        Some(2410.0),
                        Some(2288.7),
                        Some(2530.1),
                        Some(2510.4),
                    ],
                ),
                (
                    "实际到位资金".into(),
                    vec![
                        Some(610.3),
                        Some(580.0),
                        None,
                        Some(790.6),
                        Some(820.2),
                        Some(905.1),
                    ],
                ),
            ],
        }),
        Block::Heading1("二、分区县情况".into()),
        Block::Table(Table {
            caption: Some("表1 1—6月重点项目推进情况".into()),
            columns: vec![
                Column {
                    title: "序号".into(),
                    align: Align::Center,
                },
                Column {
                    title: "项目名称".into(),
                    align: Align::Left,
                },
                Column {
                    title: "合同投资额（亿元）".into(),
                    align: Align::Right,
                },
                Column {
                    title: "同比增长".into(),
                    align: Align::Right,
                },
                Column {
                    title: "状态".into(),
                    align: Align::Center,
                },
            ],
            rows,
            emphasis: vec![59],
            size: 10.5,
            note: Some("注：金额单位为亿元，同比按可比口径计算。".into()),
        }),
        Block::Heading1("三、存在问题".into()),
        Block::Paragraph(
            "部分区县项目储备不足，签约项目转化为开工项目的周期偏长，个别单位报表填报不及时、\
             数据不准确。"
                .into(),
        ),
        Block::Signature {
            issuer: "某某市招商投资促进局".into(),
            date: "2025年7月10日".into(),
        },
        Block::PageBreak,
        Block::Heading1("附件".into()),
        Block::Paragraph("各区县招商引资工作目标完成情况表（略）。".into()),
    ]
}

/// Every string of the blocks that a reader must find in the PDF.
fn strings(blocks: &[Block]) -> Vec<String> {
    let mut out: Vec<String> = blocks
        .iter()
        .flat_map(|b| b.texts())
        .map(String::from)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn is_chinese(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

fn render_sample() -> Rendered {
    let started = Instant::now();
    let rendered = match render(&bulletin(), &info(), builtin()) {
        Ok(r) => r,
        Err(e) => panic!("render failed: {e}"),
    };
    eprintln!(
        "rendered {} pages, {} bytes in {:?}",
        rendered.pages,
        rendered.bytes.len(),
        started.elapsed()
    );
    if let Some(path) = std::env::var_os("TONGBAO_PDF_SAMPLE") {
        std::fs::write(&path, &rendered.bytes).expect("write sample");
    }
    rendered
}

/// Writes the PDF to a temporary folder (kept alive by the returned guard).
fn write_temp(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bulletin.pdf");
    std::fs::write(&path, bytes).expect("write pdf");
    (dir, path)
}

/// Runs a poppler tool; its standard output. Poppler is a test dependency (.ci/run).
pub(crate) fn poppler(tool: &str, args: &[&str], pdf: &Path) -> (String, String) {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed for the PDF tests: {e}"));
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Text in drawing order without whitespace and page numbers, so that strings broken
/// across lines and pages read whole.
pub(crate) fn extracted_text(pdf: &Path) -> String {
    let (text, _) = poppler("pdftotext", &["-raw", "-enc", "UTF-8"], pdf);
    text.lines()
        .filter(|l| {
            let t = l.trim();
            !(t.starts_with('—')
                && t.ends_with('—')
                && t.trim_matches(|c: char| c == '—' || c.is_whitespace())
                    .chars()
                    .all(|c| c.is_ascii_digit()))
        })
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn every_chinese_string_of_the_bulletin_can_be_extracted() {
    let rendered = render_sample();
    let (_dir, pdf) = write_temp(&rendered.bytes);
    let text = extracted_text(&pdf);
    let mut absent = Vec::new();
    for s in strings(&bulletin()) {
        if !s.chars().any(is_chinese) {
            continue;
        }
        let wanted: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if !text.contains(&wanted) {
            absent.push(s);
        }
    }
    assert!(
        absent.is_empty(),
        "not extractable: {absent:?}\n---\n{text}"
    );
    assert!(
        rendered.missing_glyphs.is_empty(),
        "{:?}",
        rendered.missing_glyphs
    );
}

#[test]
fn fonts_are_embedded_as_subsets() {
    let rendered = render_sample();
    let (_dir, pdf) = write_temp(&rendered.bytes);
    let (out, _) = poppler("pdffonts", &[], &pdf);
    let fonts: Vec<&str> = out
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(
        fonts.len() >= 4,
        "title, body, heading and kai faces: {out}"
    );
    for line in fonts {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type… encoding emb sub uni object ID
        let n = cols.len();
        assert!(n >= 7, "{line}");
        assert_eq!(cols[n - 5], "yes", "not embedded: {line}");
        assert_eq!(cols[n - 4], "yes", "not a subset: {line}");
        assert!(cols[0].contains('+'), "no subset tag: {line}");
    }
    // A 5-page bulletin with a chart and 60 rows stays small.
    assert!(
        rendered.bytes.len() < 400_000,
        "{} bytes",
        rendered.bytes.len()
    );
}

#[test]
fn pages_are_a4_and_counted() {
    let rendered = render_sample();
    let (_dir, pdf) = write_temp(&rendered.bytes);
    let (out, _) = poppler("pdfinfo", &[], &pdf);
    assert!(out.contains("595.276 x 841.89 pts (A4)"), "{out}");
    let pages: usize = out
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("page count");
    assert_eq!(pages, rendered.pages);
    assert!(
        rendered.pages >= 4,
        "the table spans pages: {}",
        rendered.pages
    );
    assert!(
        out.contains("2025"),
        "creation date from DocumentInfo: {out}"
    );
}

#[test]
fn a_table_that_breaks_repeats_its_header() {
    let rendered = render_sample();
    let (_dir, pdf) = write_temp(&rendered.bytes);
    let text = extracted_text(&pdf);
    assert!(
        text.matches("合同投资额（亿元）").count() >= 2,
        "header not repeated"
    );
}

#[test]
fn the_same_blocks_give_the_same_bytes() {
    let a = render(&bulletin(), &info(), builtin()).expect("render");
    let b = render(&bulletin(), &info(), builtin()).expect("render");
    assert!(a.bytes == b.bytes, "two renders differ");
}

#[test]
fn pages_rasterise_without_errors() {
    let rendered = render_sample();
    let (dir, pdf) = write_temp(&rendered.bytes);
    let prefix = dir.path().join("page");
    let out = Command::new("pdftoppm")
        .args(["-r", "30", "-png"])
        .arg(&pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.trim().is_empty(), "poppler complained: {stderr}");
    let pngs = std::fs::read_dir(dir.path())
        .expect("read dir")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "png"))
        })
        .count();
    assert_eq!(pngs, rendered.pages);
}

#[test]
fn a_configured_font_that_does_not_exist_is_a_clear_error() {
    let fonts = Fonts {
        body: Some(FontFace {
            path: "fonts/仿宋_GB2312.ttf".into(),
            face: 0,
        }),
        ..Fonts::default()
    };
    let err = FontSet::from_config(&fonts, Path::new("/nonexistent/workspace"))
        .expect_err("missing font");
    assert!(matches!(err, PdfError::FontFile { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("/nonexistent/workspace/fonts/仿宋_GB2312.ttf"),
        "{message}"
    );
    assert!(message.contains("body"), "{message}");
    // Each language in its own words: the reason in Chinese, the role in English.
    assert!(
        message.contains("文件或文件夹不存在") && !message.contains("os error"),
        "{message}"
    );
    let en = err.message(tongbao::lang::Lang::En);
    assert!(en.contains("body (FangSong)"), "{en}");
    let words = en.replace("仿宋_GB2312", "");
    assert!(
        !words
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{en}"
    );
}

#[test]
fn a_file_that_is_not_a_font_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("kai.ttf"), b"not a font at all").expect("write");
    let fonts = Fonts {
        kai: Some(FontFace {
            path: "kai.ttf".into(),
            face: 0,
        }),
        ..Fonts::default()
    };
    let err = FontSet::from_config(&fonts, dir.path()).expect_err("bad font");
    assert!(matches!(err, PdfError::FontParse { .. }), "{err:?}");
    assert!(err.to_string().contains("kai"), "{err}");
}

fn asset(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/fonts")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A TrueType collection of the given faces: each face's table directory rebased to
/// where its copy starts in the file.
fn collection(faces: &[Vec<u8>]) -> Vec<u8> {
    let header = 12 + 4 * faces.len();
    let mut offsets = Vec::new();
    let mut at = header.next_multiple_of(4);
    for f in faces {
        offsets.push(at);
        at = (at + f.len()).next_multiple_of(4);
    }
    let mut out = Vec::with_capacity(at);
    out.extend_from_slice(b"ttcf");
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    out.extend_from_slice(&(faces.len() as u32).to_be_bytes());
    for o in &offsets {
        out.extend_from_slice(&(*o as u32).to_be_bytes());
    }
    for (f, &o) in faces.iter().zip(&offsets) {
        out.resize(o, 0);
        let mut face = f.clone();
        let tables = u16::from_be_bytes([face[4], face[5]]) as usize;
        for t in 0..tables {
            let p = 12 + 16 * t + 8;
            let old = u32::from_be_bytes([face[p], face[p + 1], face[p + 2], face[p + 3]]);
            face[p..p + 4].copy_from_slice(&(old + o as u32).to_be_bytes());
        }
        out.extend_from_slice(&face);
    }
    out
}

#[test]
fn configured_fonts_load_from_ttf_and_from_a_face_of_a_ttc() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("hei.ttf"),
        asset("NotoSansSC-Medium-GB2312.ttf"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("pair.ttc"),
        collection(&[
            asset("NotoSansSC-Medium-GB2312.ttf"),
            asset("TongbaoKai-Regular.ttf"),
        ]),
    )
    .expect("write");
    let fonts = Fonts {
        body: Some(FontFace {
            path: "hei.ttf".into(),
            face: 0,
        }),
        kai: Some(FontFace {
            path: dir.path().join("pair.ttc"),
            face: 1,
        }),
        ..Fonts::default()
    };
    let set = FontSet::from_config(&fonts, dir.path()).expect("fonts load");
    assert!(set.face_name(FontRole::Body).ends_with("hei.ttf"));
    assert!(set.face_name(FontRole::Kai).ends_with("pair.ttc"));
    assert!(set.face_name(FontRole::Title).contains("内置"));
    let r = render(&bulletin(), &info(), &set).expect("render with configured fonts");
    let (_d, pdf) = write_temp(&r.bytes);
    let (out, _) = poppler("pdffonts", &[], &pdf);
    assert!(
        out.contains("TongbaoKai"),
        "face 1 of the collection is the kai face: {out}"
    );

    // A face index the collection does not have.
    let fonts = Fonts {
        kai: Some(FontFace {
            path: "pair.ttc".into(),
            face: 5,
        }),
        ..Fonts::default()
    };
    let err = FontSet::from_config(&fonts, dir.path()).expect_err("no face 5");
    assert!(
        matches!(err, PdfError::FontParse { face: 5, .. }),
        "{err:?}"
    );
}

#[test]
fn characters_a_font_lacks_are_reported_and_still_drawn() {
    let blocks = vec![
        // 堃 is outside GB 2312: the built-in 黑体 lacks it, the body face has it.
        Block::Heading1("一、堃元科技项目".into()),
        // 𠀀 (Extension B) and an emoji are in no built-in face: drawn as 〓.
        Block::Paragraph("罕见字𠀀与表情😀照常成文。".into()),
    ];
    let r = render(&blocks, &info(), builtin()).expect("render");
    let find = |c: char| r.missing_glyphs.iter().find(|m| m.ch == c);
    let kun = find('堃').expect("堃 reported");
    assert_eq!(kun.role, FontRole::Heading);
    assert_eq!(kun.text, "一、堃元科技项目");
    assert!(
        kun.drawn_with
            .as_deref()
            .is_some_and(|f| f.contains("Noto Serif SC")),
        "{kun:?}"
    );
    for c in ['𠀀', '😀'] {
        let m = find(c).unwrap_or_else(|| panic!("{c} reported: {:?}", r.missing_glyphs));
        assert_eq!(m.role, FontRole::Body);
        assert_eq!(m.drawn_with, None);
    }
    let (_dir, pdf) = write_temp(&r.bytes);
    let text = extracted_text(&pdf);
    assert!(text.contains("一、堃元科技项目"), "{text}");
    assert!(text.contains("罕见字〓与表情〓照常成文。"), "{text}");
}

#[test]
fn an_invalid_document_date_is_an_error() {
    let mut bad = info();
    bad.date = "七月十日".into();
    let err = render(&[Block::Paragraph("正文".into())], &bad, builtin()).expect_err("bad date");
    assert!(matches!(err, PdfError::Date(_)), "{err:?}");
}

#[test]
fn an_empty_document_is_one_numbered_page() {
    let r = render(&[], &info(), builtin()).expect("render");
    assert_eq!(r.pages, 1);
}
