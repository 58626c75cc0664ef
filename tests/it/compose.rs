//! The bulletin's content as blocks: the structure of domain.md, every figure and unit in
//! the text, 同比 phrasing, the clerk's sections and their numbering, and templates a
//! workspace overrides (and the errors a broken override gives).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tongbao::aggregate::{compute, Bulletin, ReturnStatus};
use tongbao::archive::StoredDiagnostic;
use tongbao::config::Config;
use tongbao::model::{Figures, Period};
use tongbao::render::compose::{bulletin_blocks, document_info, ComposeError};
use tongbao::render::pdf::blocks::{Block, Orientation, Table};
use tongbao::render::templates::{TemplateError, Templates};

use crate::archived::*;
use crate::support::*;

fn issue_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 8).expect("valid date")
}

/// 巴南区 and 渝中区 accepted (渝中 with doubled amounts), 两江新区 missing.
fn two_of_three(cfg: &Config) -> Bulletin {
    compute(
        cfg,
        JUNE,
        &[
            accepted("500113", projects(&Form::valid()), None),
            accepted("500103", projects(&doubled()), None),
            absent("LJXQ", ReturnStatus::Missing),
        ],
    )
}

/// Composes with the built-in templates.
fn compose(b: &Bulletin, cfg: &Config) -> Vec<Block> {
    let templates = Templates::embedded().expect("built-in templates");
    bulletin_blocks(b, cfg, &templates, issue_date(), &[]).expect("composes")
}

/// Composes with the templates of the config's workspace.
fn compose_workspace(b: &Bulletin, cfg: &Config) -> Vec<Block> {
    let templates = Templates::for_config(cfg).expect("templates load");
    bulletin_blocks(b, cfg, &templates, issue_date(), &[]).expect("composes")
}

/// Every piece of text in a block.
fn texts(block: &Block) -> Vec<String> {
    block.texts().into_iter().map(String::from).collect()
}

fn all_text(blocks: &[Block]) -> String {
    blocks.iter().flat_map(texts).collect::<Vec<_>>().join("\n")
}

fn paragraphs(blocks: &[Block]) -> String {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn headings1(blocks: &[Block]) -> Vec<&str> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading1(h) => Some(h.as_str()),
            _ => None,
        })
        .collect()
}

fn tables(blocks: &[Block]) -> Vec<&Table> {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn title(blocks: &[Block]) -> &str {
    blocks
        .iter()
        .find_map(|b| match b {
            Block::Title(t) => Some(t.as_str()),
            _ => None,
        })
        .expect("a title")
}

/// A workspace in a temporary folder: `tongbao.toml` (the test roster with `bulletin`
/// settings prepended) and the given files.
fn workspace(bulletin: &str, files: &[(&str, &str)]) -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&path, text).expect("write file");
    }
    let text = format!("[bulletin]\n{bulletin}\n{CONFIG}");
    let path: PathBuf = dir.path().join("tongbao.toml");
    std::fs::write(&path, &text).expect("write config");
    let cfg = Config::load(&path).expect("config");
    (dir, cfg)
}

#[test]
fn title_names_the_year_span_and_region() {
    let cfg = config();
    let blocks = compose(&two_of_three(&cfg), &cfg);
    assert_eq!(title(&blocks), "关于2025年1—6月全市招商引资工作情况的通报");

    let january = Period {
        year: 2025,
        month: 1,
    };
    let b = compute(&cfg, january, &[absent("500113", ReturnStatus::Missing)]);
    assert_eq!(
        title(&compose(&b, &cfg)),
        "关于2025年1月全市招商引资工作情况的通报"
    );
}

#[test]
fn blocks_follow_the_structure_of_a_bulletin() {
    let cfg = config();
    let blocks = compose(&two_of_three(&cfg), &cfg);
    assert_eq!(
        blocks.first(),
        Some(&Block::RedHeader {
            issuer: "招商投资促进局".into(),
            doc_number: "招通〔2025〕6号".into(),
        })
    );
    assert!(matches!(blocks[1], Block::Title(_)));
    let templates = Templates::embedded().expect("templates");
    let info = document_info(&two_of_three(&cfg), &cfg, &templates, issue_date()).expect("info");
    assert_eq!(
        (
            info.title.as_str(),
            info.author.as_str(),
            info.date.as_str()
        ),
        (title(&blocks), "招商投资促进局", "2025-07-08")
    );
    assert_eq!(
        blocks[2],
        Block::Salutation("各区县（自治县）招商主管部门，有关开发区：".into())
    );
    assert!(matches!(&blocks[3], Block::Paragraph(p) if p.contains("通报如下")));
    assert_eq!(
        headings1(&blocks),
        vec![
            "一、总体情况",
            "二、分区县情况",
            "三、重点项目",
            "四、重点项目推进情况",
            "五、数据说明",
        ]
    );
    let signature = blocks
        .iter()
        .position(|b| {
            *b == Block::Signature {
                issuer: "招商投资促进局".into(),
                date: "2025年7月8日".into(),
            }
        })
        .expect("a signature with the issue date");
    // The annexes follow the 落款, each opening its own pages (landscape when wide), and
    // the 版记 closes the document.
    assert_eq!(
        blocks[signature + 1],
        Block::Orientation(Orientation::LandscapeIfWide)
    );
    assert_eq!(blocks[signature + 2], Block::AnnexMark("附件1".into()));
    let marks: Vec<&Block> = blocks
        .iter()
        .filter(|b| matches!(b, Block::AnnexMark(_)))
        .collect();
    assert_eq!(
        marks,
        [
            &Block::AnnexMark("附件1".into()),
            &Block::AnnexMark("附件2".into())
        ]
    );
    assert!(
        matches!(blocks.last(), Some(Block::Colophon { printed_by, printed_on, .. })
            if printed_by == "招商投资促进局" && printed_on == "2025年7月8日印发"),
        "the 版记 ends it: {:?}",
        blocks.last()
    );
    let attachments = blocks
        .iter()
        .find_map(|b| match b {
            Block::Attachments(items) => Some(items.clone()),
            _ => None,
        })
        .expect("附件说明");
    assert_eq!(
        attachments,
        [
            "1．2025年1—6月各区县招商引资主要指标完成情况表",
            "2．2025年6月新签约亿元以上项目清单"
        ]
    );
    assert!(
        blocks
            .iter()
            .any(|b| matches!(b, Block::BarChart(c) if c.unit == "亿元")),
        "a bar chart of contract amounts"
    );
}

#[test]
fn every_headline_figure_appears_in_the_text() {
    let cfg = config();
    let b = two_of_three(&cfg);
    let blocks = compose(&b, &cfg);
    let prose = paragraphs(&blocks);
    // 75000 + 150000 万元 signed; 5500 + 5500 万元 in place; 3 + 3 signings, 2 + 3 亿元以上.
    assert_eq!(b.total.ytd.signed_amount.as_f64(), 225_000.0);
    assert!(prose.contains("新签约项目6个"), "{prose}");
    assert!(prose.contains("合同投资额22.50亿元"), "{prose}");
    assert!(prose.contains("实际到位资金1.10亿元"), "{prose}");
    assert!(prose.contains("新签约亿元以上项目5个"), "{prose}");
    assert!(prose.contains("新开工项目2个"), "{prose}");
    assert!(prose.contains("实际使用外资240.00万美元"), "{prose}");
    assert!(prose.contains("在谈项目2个"), "{prose}");
    // The month: 67000 + 134000 万元 signed, 1700.5 × 2 in place.
    assert!(
        prose.contains("6月新签约项目4个，合同投资额20.10亿元"),
        "{prose}"
    );
    assert!(prose.contains("6月实际到位资金0.34亿元"), "{prose}");
    assert!(
        all_text(&blocks).contains("22.50"),
        "in the headline table too"
    );
    // 十强榜: the lists side by side, each cell a unit and its figure.
    let top = tables(&blocks)
        .into_iter()
        .find(|t| {
            t.caption
                .as_deref()
                .is_some_and(|c| c.contains("单项指标十强"))
        })
        .expect("the top lists");
    assert_eq!(top.columns[1].title, "新签约合同投资额（亿元）");
    assert_eq!(top.rows[0][1], "渝中区 15.00");
    assert_eq!(top.rows[1][1], "巴南区 7.50");
    // Reporting counts.
    assert!(
        prose.contains("本期应报送单位3个，已报送并通过审核2个"),
        "{prose}"
    );
    assert!(
        prose.contains("两江新区未报送月报，其数据未计入本期汇总"),
        "{prose}"
    );

    let headline = tables(&blocks)[0];
    assert_eq!(
        headline
            .columns
            .iter()
            .map(|c| c.title.as_str())
            .collect::<Vec<_>>(),
        vec!["指标", "本月", "1—6月累计", "同比", "完成率"]
    );
    let row = headline
        .rows
        .iter()
        .find(|r| r[0] == "新签约合同投资额（亿元）")
        .expect("contract amount row");
    assert_eq!(row[1..], ["20.10", "22.50", "—", "—"]);
}

#[test]
fn every_roster_unit_appears_in_some_block() {
    let cfg = config();
    let blocks = compose(&two_of_three(&cfg), &cfg);
    for unit in &cfg.file.units {
        assert!(
            blocks
                .iter()
                .any(|b| texts(b).iter().any(|t| t.contains(unit.name()))),
            "{} is missing",
            unit.name()
        );
    }
    let annex = tables(&blocks)
        .into_iter()
        .find(|t| t.columns.last().is_some_and(|c| c.title == "报送状态"))
        .expect("附件1");
    for unit in &cfg.file.units {
        assert!(
            annex.rows.iter().any(|r| r[0] == unit.name()),
            "{} not in the annex",
            unit.name()
        );
    }
    let missing = annex.rows.iter().find(|r| r[0] == "两江新区").expect("row");
    assert_eq!(missing.last().map(String::as_str), Some("未报送"));
    assert_eq!(
        annex.rows.last().map(|r| r[0].as_str()),
        Some("合计"),
        "the total closes the annex"
    );
}

#[test]
fn growth_is_phrased_as_increase_decrease_or_flat() {
    let cfg = config();
    let with_last_year = |last: Form| {
        compute(
            &cfg,
            JUNE,
            &[
                accepted("500113", projects(&Form::valid()), Some(projects(&last))),
                absent("500103", ReturnStatus::Missing),
                absent("LJXQ", ReturnStatus::Missing),
            ],
        )
    };
    // Funds in place 5000 last year against 5500 now; contract amounts unchanged.
    let up = with_last_year(last_year_form().set(1, "本年累计到位资金", V::N(2000.0)));
    let prose = paragraphs(&compose(&up, &cfg));
    assert!(
        prose.contains("实际到位资金0.55亿元，同比增长10.0%"),
        "{prose}"
    );
    assert!(prose.contains("合同投资额7.50亿元，同比持平"), "{prose}");

    // 7000 last year against 5500 now: −21.4%.
    let down = with_last_year(last_year_form().set(1, "本年累计到位资金", V::N(4000.0)));
    let prose = paragraphs(&compose(&down, &cfg));
    assert!(
        prose.contains("实际到位资金0.55亿元，同比下降21.4%"),
        "{prose}"
    );

    // Without last year's return there is no 同比 clause at all.
    let none = two_of_three(&cfg);
    let prose = paragraphs(&compose(&none, &cfg));
    assert!(!prose.contains("，同比"), "{prose}");
}

#[test]
fn clerk_sections_are_left_out_without_their_text() {
    let (_dir, cfg) = workspace("", &[]);
    let blocks = compose_workspace(&two_of_three(&cfg), &cfg);
    let h = headings1(&blocks);
    assert!(!h
        .iter()
        .any(|h| h.contains("存在问题") || h.contains("下步工作")));
    assert!(h.contains(&"五、数据说明"), "{h:?}");
}

#[test]
fn clerk_text_is_printed_verbatim_and_numbering_stays_continuous() {
    let problems = "　　一是部分区县项目储备不足。\n\n　　二是到位资金进度偏慢。\n";
    let next_steps = "## （一）强化项目储备\n各单位要加强在谈项目跟踪。\n";
    let (_dir, cfg) = workspace(
        "problems_file = \"text/存在问题.md\"\nnext_steps_file = \"text/下步工作.md\"",
        &[
            ("text/存在问题.md", problems),
            ("text/下步工作.md", next_steps),
        ],
    );
    let blocks = compose_workspace(&two_of_three(&cfg), &cfg);
    assert_eq!(
        headings1(&blocks),
        vec![
            "一、总体情况",
            "二、分区县情况",
            "三、重点项目",
            "四、重点项目推进情况",
            "五、存在问题",
            "六、下步工作",
            "七、数据说明",
        ]
    );
    let at = blocks
        .iter()
        .position(|b| *b == Block::Heading1("五、存在问题".into()))
        .expect("problems heading");
    assert_eq!(
        blocks[at + 1..at + 5],
        [
            Block::Paragraph("一是部分区县项目储备不足。".into()),
            Block::Paragraph("二是到位资金进度偏慢。".into()),
            Block::Heading1("六、下步工作".into()),
            Block::Heading2("（一）强化项目储备".into()),
        ]
    );
    assert_eq!(
        blocks[at + 5],
        Block::Paragraph("各单位要加强在谈项目跟踪。".into())
    );

    // Only 存在问题: 数据说明 moves up to 六.
    let (_dir, cfg) = workspace(
        "problems_file = \"问题.txt\"",
        &[("问题.txt", "招商项目落地转化率不高。")],
    );
    let h = compose_workspace(&two_of_three(&cfg), &cfg);
    assert_eq!(headings1(&h)[4..], ["五、存在问题", "六、数据说明"]);
}

#[test]
fn a_missing_clerk_file_is_an_error_naming_it() {
    let (_dir, cfg) = workspace("next_steps_file = \"没有这个文件.md\"", &[]);
    let templates = Templates::for_config(&cfg).expect("templates");
    let err = bulletin_blocks(&two_of_three(&cfg), &cfg, &templates, issue_date(), &[])
        .expect_err("missing file");
    assert!(matches!(err, ComposeError::ClerkText { .. }), "{err:?}");
    assert!(err.to_string().contains("没有这个文件.md"), "{err}");
}

#[test]
fn a_template_file_in_the_workspace_replaces_the_built_in_one() {
    let (_dir, cfg) = workspace(
        "region = \"全区\"",
        &[(
            "templates/title.hbs",
            "{{!-- 自定义标题 --}}\n{{region}}{{year}}年{{month}}月\n招商引资工作通报\n",
        )],
    );
    let blocks = compose_workspace(&two_of_three(&cfg), &cfg);
    assert_eq!(title(&blocks), "全区2025年6月招商引资工作通报");
    // The other templates stay built in.
    assert_eq!(
        blocks[2],
        Block::Salutation("各区县（自治县）招商主管部门，有关开发区：".into())
    );
}

#[test]
fn a_template_with_a_syntax_error_names_the_file_and_line() {
    let (dir, cfg) = workspace(
        "",
        &[(
            "templates/intro.hbs",
            "现将情况通报如下：\n{{#if reporting.all_reported}}全部报送\n",
        )],
    );
    let err = Templates::for_config(&cfg).expect_err("unclosed block");
    assert!(matches!(err, TemplateError::Syntax { .. }), "{err:?}");
    let text = err.to_string();
    let path = dir.path().join("templates").join("intro.hbs");
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(text.contains("第3行"), "{text}");
}

#[test]
fn a_misspelt_variable_in_an_override_is_an_error() {
    let (_dir, cfg) = workspace("", &[("templates/title.hbs", "关于{{yaer}}年的通报\n")]);
    let templates = Templates::for_config(&cfg).expect("parses");
    let err = bulletin_blocks(&two_of_three(&cfg), &cfg, &templates, issue_date(), &[])
        .expect_err("misspelt");
    let text = err.to_string();
    assert!(
        text.contains("yaer") && text.contains("title.hbs"),
        "{text}"
    );
    assert!(text.contains(":1:"), "names the line: {text}");
    // In the reader's language only.
    assert!(
        text.contains("没有变量") && !text.contains("no variable"),
        "{text}"
    );
    let english = err.message(tongbao::lang::Lang::En);
    assert!(english.contains("no variable `yaer`"), "{english}");
    assert!(
        !english
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{english}"
    );

    // The same inside a condition, which handlebars' own `if` would take as false.
    let (_dir, cfg) = workspace(
        "",
        &[(
            "templates/intro.hbs",
            "{{#if reporting.all_reportd}}全部报送{{/if}}\n",
        )],
    );
    let templates = Templates::for_config(&cfg).expect("parses");
    let err = bulletin_blocks(&two_of_three(&cfg), &cfg, &templates, issue_date(), &[])
        .expect_err("misspelt in if");
    assert!(err.to_string().contains("all_reportd"), "{err}");
}

#[test]
fn an_unknown_template_file_is_an_error() {
    let (_dir, cfg) = workspace("", &[("templates/titel.hbs", "标题")]);
    let err = Templates::for_config(&cfg).expect_err("unknown name");
    assert!(matches!(err, TemplateError::UnknownFile { .. }), "{err:?}");
    assert!(
        err.to_string().contains("title.hbs"),
        "lists the known names: {err}"
    );
}

#[test]
fn league_tables_rank_units_and_list_the_unranked_below() {
    let cfg = config();
    let b = compute(
        &cfg,
        JUNE,
        &[
            absent("500113", ReturnStatus::Rejected),
            accepted("500103", projects(&doubled()), None),
            absent("LJXQ", ReturnStatus::Missing),
        ],
    );
    let blocks = compose(&b, &cfg);
    let league = tables(&blocks)
        .into_iter()
        .find(|t| t.caption.as_deref().is_some_and(|c| c.contains("区赛马榜")))
        .expect("league table");
    assert_eq!(
        league.columns[..3]
            .iter()
            .map(|c| c.title.as_str())
            .collect::<Vec<_>>(),
        ["名次", "单位", "得分"]
    );
    assert_eq!(league.rows[0][..3], ["1", "渝中区", "100.00"]);
    assert_eq!(league.rows[1][..3], ["—", "巴南区", "—"]);
    assert_eq!(
        league.rows[1].last().map(String::as_str),
        Some("未通过审核")
    );
    assert!(blocks.contains(&Block::Heading2("（一）区".into())));
    assert!(blocks.contains(&Block::Heading2("（二）功能区".into())));
    let prose = paragraphs(&blocks);
    assert!(
        prose.contains("区综合得分前三位依次为渝中区（100.00分）"),
        "{prose}"
    );
    assert!(
        prose.contains("巴南区月报未通过审核，其数据未计入"),
        "{prose}"
    );
}

#[test]
fn big_projects_of_the_month_are_tabled() {
    let cfg = config();
    let blocks = compose(&two_of_three(&cfg), &cfg);
    let table = tables(&blocks)
        .into_iter()
        .find(|t| {
            t.caption
                .as_deref()
                .is_some_and(|c| c.contains("亿元以上项目"))
        })
        .expect("projects table");
    // 渝中's doubled 104000 and 30000, 巴南's 52000 and 15000 (P002 was signed in March).
    let amounts: Vec<&str> = table.rows.iter().map(|r| r[5].as_str()).collect();
    assert_eq!(amounts, ["10.40", "5.20", "3.00", "1.50", "20.10"]);
    assert_eq!(
        table.rows[1][1..5],
        ["巴南区", "新材料产业园", "甲材料有限公司", "先进材料"]
    );
    assert_eq!(table.emphasis, vec![4], "the total row");
    let prose = paragraphs(&blocks);
    assert!(
        prose.contains("6月，全市新签约亿元以上项目4个，合同投资额合计20.10亿元"),
        "{prose}"
    );
}

#[test]
fn units_behind_schedule_are_named() {
    let text = CONFIG.replace(
        "aliases = [\"巴南\"]\ngroup = \"区\"",
        "aliases = [\"巴南\"]\ngroup = \"区\"\ntargets = { signed_amount = 1000000, funds_in_place = 10000 }",
    );
    let cfg = Config::from_str(&text, Path::new("tongbao.toml")).expect("config");
    let blocks = compose(&two_of_three(&cfg), &cfg);
    let prose = paragraphs(&blocks);
    // 75000 of 1000000 is 7.5%, against 50.0% elapsed; funds 5500 of 10000 is 55.0%.
    assert!(
        prose.contains("新签约合同投资额完成率低于序时进度（50.0%）的单位有1个：巴南区。"),
        "{prose}"
    );
    assert!(
        prose.contains("各单位实际到位资金完成率均达到序时进度"),
        "{prose}"
    );
}

#[test]
fn data_notes_say_that_there_are_warnings_and_leave_their_details_to_the_receipts() {
    let cfg = config();
    let mut banan = accepted("500113", projects(&Form::valid()), None);
    if let Some(r) = banan.current.as_mut() {
        r.warnings.push(StoredDiagnostic {
            severity: "warning".into(),
            code: "W-TEST".into(),
            sheet: Some("项目明细".into()),
            cell: Some("J7".into()),
            value: None,
            message_zh: "签约日期早于报告期".into(),
            message_en: "signed before the period".into(),
        });
    }
    let b = compute(&cfg, JUNE, &[banan]);
    let prose = paragraphs(&compose(&b, &cfg));
    // The bulletin says that there are warnings, in plain words; each warning, with its
    // cell, is in the receipt and the workbook, never in the bulletin.
    assert!(
        prose.contains("1个单位月报有需说明的情况，已在回执中反馈。"),
        "{prose}"
    );
    assert!(!prose.contains("项目明细!J7"), "{prose}");
    assert!(!prose.contains("签约日期早于报告期"), "{prose}");
}

#[test]
fn the_trend_chart_needs_two_months() {
    let cfg = config();
    let b = two_of_three(&cfg);
    let templates = Templates::embedded().expect("templates");
    let one = [(JUNE, Figures::default())];
    let blocks = bulletin_blocks(&b, &cfg, &templates, issue_date(), &one).expect("composes");
    assert!(!blocks.iter().any(|b| matches!(b, Block::LineChart(_))));

    let may = Period {
        year: 2025,
        month: 5,
    };
    let two = [(JUNE, b.total.month), (may, Figures::default())];
    let blocks = bulletin_blocks(&b, &cfg, &templates, issue_date(), &two).expect("composes");
    let chart = blocks
        .iter()
        .find_map(|b| match b {
            Block::LineChart(c) => Some(c),
            _ => None,
        })
        .expect("a line chart");
    assert_eq!(chart.x_labels, ["5月", "6月"]);
    assert_eq!(chart.series[0].1, [Some(0.0), Some(20.1)]);
    assert!(chart.title.contains("各月"), "{}", chart.title);
}

#[test]
fn key_projects_name_the_largest_and_leave_the_rest_to_the_annex() {
    // Four 亿元以上 projects this month (see above): two named, two in a sentence.
    let cfg = Config::from_str(
        &format!("[bulletin]\nkey_projects = 2\n{CONFIG}"),
        Path::new("tongbao.toml"),
    )
    .expect("config");
    let blocks = compose(&two_of_three(&cfg), &cfg);
    let prose = paragraphs(&blocks);
    assert!(
        prose.contains("投资额居前2位的项目见下表，合计15.60亿元；其余2个项目合计4.50亿元。全部项目清单见附件2。"),
        "{prose}"
    );
    let key = tables(&blocks)
        .into_iter()
        .find(|t| {
            t.caption
                .as_deref()
                .is_some_and(|c| c.contains("亿元以上项目"))
        })
        .expect("key projects");
    assert_eq!(key.rows.len(), 3, "two projects and the total");

    // None named: no table, no "居前0位", the annex still listed.
    let cfg = Config::from_str(
        &format!("[bulletin]\nkey_projects = 0\n{CONFIG}"),
        Path::new("tongbao.toml"),
    )
    .expect("config");
    let blocks = compose(&two_of_three(&cfg), &cfg);
    let prose = paragraphs(&blocks);
    assert!(!prose.contains("居前0位"), "{prose}");
    assert!(
        prose.contains("合计20.10亿元。全部项目清单见附件2。"),
        "{prose}"
    );
    assert!(!tables(&blocks).iter().any(|t| t
        .caption
        .as_deref()
        .is_some_and(|c| c.contains("亿元以上项目"))));
    assert!(blocks.contains(&Block::AnnexMark("附件2".into())));
}
