//! The archive: storing, superseding, duplicates, rejected returns, the archive rules,
//! the writers' lock, and the status view.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tongbao::aggregate::status::status_report;
use tongbao::aggregate::ReturnStatus;
use tongbao::archive::{Archive, ArchiveError};
use tongbao::batch::{check_files, BatchOptions};
use tongbao::config::Config;
use tongbao::diag::Code;
use tongbao::intake::{ingest_batch, Storer};
use tongbao::lang::Lang;
use tongbao::model::{Filed, FiledAs};
use tongbao::model::{Period, PeriodFigures, Wan};

use crate::support::*;

const JUNE: Period = Period {
    year: 2025,
    month: 6,
};
const MAY: Period = Period {
    year: 2025,
    month: 5,
};

struct Ws {
    dir: tempfile::TempDir,
}

impl Ws {
    fn new() -> Ws {
        Ws {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("tongbao.db")
    }
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    }
    /// Stores one file as the web intake and `watch` do (its projects looked up in the
    /// archive by key); returns its archive outcome and codes.
    fn take(&self, file: &Path, period: Period) -> (Filed, Vec<Code>) {
        let cfg = config();
        let mut batch = check_files(
            &[file.to_path_buf()],
            &cfg,
            &BatchOptions {
                period: Some(period),
                lang: Lang::Zh,
                keep_bytes: true,
            },
        );
        let mut archive = Archive::open_for_writing(&self.db()).expect("archive");
        let mut storer = Storer::for_single_files(&mut archive, &cfg, "2025-07-03T09:00:00Z");
        let file = &mut batch.files[0];
        let filed = storer.store(Some(period), file).expect("store");
        (filed, file.diagnostics.0.iter().map(|d| d.code).collect())
    }

    /// Ingests files as one batch; returns each file's archive outcome and codes.
    fn ingest(&self, files: &[PathBuf], period: Period) -> Vec<(Filed, Vec<Code>)> {
        let cfg = config();
        let mut batch = check_files(
            files,
            &cfg,
            &BatchOptions {
                period: Some(period),
                lang: Lang::Zh,
                keep_bytes: true,
            },
        );
        let mut archive = Archive::open_for_writing(&self.db()).expect("archive");
        let out =
            ingest_batch(&mut archive, &cfg, &mut batch, "2025-07-03T09:00:00Z").expect("ingest");
        out.into_iter()
            .zip(
                batch
                    .files
                    .iter()
                    .map(|f| f.diagnostics.0.iter().map(|d| d.code).collect()),
            )
            .collect()
    }
}

fn may_form() -> Form {
    // May: project 1 not yet started or funded, project 3 not yet signed.
    Form::valid()
        .set_info("报告期", s("2025年5月"))
        .set(0, "签约日期", V::D(2025, 5, 10))
        .set(0, "开工日期", V::E)
        .set(0, "项目进展", s("已签约"))
        .set(0, "本月到位资金", V::N(800.0))
        .set(0, "本年累计到位资金", V::N(1799.5))
        .set(1, "本月到位资金", V::N(300.0))
        .set(1, "本年累计到位资金", V::N(2000.0))
        .set(2, "项目进展", s("在谈"))
        .set(2, "签约日期", V::E)
        .set(2, "本月实际使用外资", V::E)
        .set(2, "本年累计实际使用外资", V::N(70.0))
}

#[test]
fn an_accepted_return_is_stored_with_its_projects_and_bytes() {
    let ws = Ws::new();
    let bytes = Form::valid().xlsx();
    let f = ws.file("巴南区.xlsx", &bytes);
    let out = ws.ingest(&[f], JUNE);
    assert_eq!((out[0].0.stored, out[0].0.version), (FiledAs::New, Some(1)));
    let archive = Archive::open_for_reading(&ws.db()).expect("archive");
    let current = archive
        .current_return("500113", JUNE)
        .expect("query")
        .expect("stored");
    assert_eq!(current.projects.len(), 4);
    assert_eq!(current.projects[0].funds_month, Wan(120_050));
    assert_eq!(archive.bytes(current.info.id).expect("bytes"), bytes);
    assert_eq!(archive.integrity_check().expect("check"), "ok");
}

#[test]
fn a_month_loaded_in_two_halves_is_the_month_loaded_whole() {
    let ws = Ws::new();
    let yuzhong = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"));
    let liangjiang = Form::valid()
        .set_info("填报单位", s("两江新区"))
        .set_info("行政区划代码", V::E);
    let files = [
        ws.file("a.xlsx", &Form::valid().xlsx()),
        ws.file("b.xlsx", &yuzhong.xlsx()),
        ws.file("c.xlsx", &liangjiang.xlsx()),
    ];
    ws.ingest(&files, JUNE);
    let archive = Archive::open_for_reading(&ws.db()).expect("archive");
    let whole = archive
        .current_returns_split(JUNE, usize::MAX)
        .expect("whole");
    assert_eq!(whole.len(), 3);
    for split_from in [2, 3] {
        let halves = archive
            .current_returns_split(JUNE, split_from)
            .expect("halves");
        let key = |r: &tongbao::archive::StoredReturn| (r.info.id, r.projects.clone());
        assert_eq!(
            halves.iter().map(key).collect::<Vec<_>>(),
            whole.iter().map(key).collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_figures_read_alone_are_the_figures_of_the_whole_returns() {
    // The bundled samples of June, May and last June under their own roster, and a June
    // resubmission of 巴南区 (its later version stands), each read back in full and by its
    // figures only; the figures are taken for the month itself and for a later month.
    let ws = Ws::new();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut cfg = Config::load(&root.join("tongbao.toml")).expect("sample roster");
    // The resubmission below is a four-project ledger in place of a full one: beyond the
    // 核实 thresholds, which are not what this test is about.
    cfg.file.verify.ytd_drop_share = 1.0;
    cfg.file.verify.projects_gone_share = 1.0;
    let mut archive = Archive::open_for_writing(&ws.db()).expect("archive");
    let mut ingest = |files: Vec<PathBuf>, period: Period| {
        let opts = BatchOptions {
            period: Some(period),
            lang: Lang::Zh,
            keep_bytes: true,
        };
        let mut batch = check_files(&files, &cfg, &opts);
        ingest_batch(&mut archive, &cfg, &mut batch, "2025-07-03T09:00:00Z").expect("ingest");
    };
    let year_before = Period::new(2024, 6).expect("period");
    for period in [MAY, JUNE, year_before] {
        let dir = root.join("returns").join(period.to_string());
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("samples")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        ingest(files, period);
    }
    let resubmitted = ws.file(
        "巴南区-v2.xlsx",
        &Form::valid()
            .set(1, "本月到位资金", V::N(600.0))
            .set(1, "本年累计到位资金", V::N(2600.0))
            .xlsx(),
    );
    ingest(vec![resubmitted], JUNE);
    for (period, figures_for) in [
        (JUNE, JUNE),
        (MAY, MAY),
        (MAY, JUNE),
        (year_before, year_before),
    ] {
        let whole: Vec<_> = archive
            .current_returns(period)
            .expect("whole")
            .iter()
            .map(|r| {
                let f = PeriodFigures::from_ledger(&r.projects, figures_for);
                (r.info.id, f)
            })
            .collect();
        let mut alone = Vec::new();
        archive
            .each_current_figures(period, figures_for, |info, f| alone.push((info.id, f)))
            .expect("figures");
        assert!(whole.len() > 30, "{period}: {} returns", whole.len());
        assert!(whole
            .iter()
            .any(|(_, f)| f.ytd.signed_count > 0 && f.ytd.funds_in_place.cents() > 0));
        assert_eq!(alone, whole, "{period} for {figures_for}");
        // The cross-unit rule's narrow read gives every counted project's name and
        // investor, normalised, as the whole returns do.
        let keys: Vec<(String, String)> = archive
            .current_returns(period)
            .expect("whole")
            .iter()
            .flat_map(|r| {
                let code = r.info.unit_code.clone().expect("unit");
                r.projects.iter().map(move |p| {
                    (
                        code.clone(),
                        format!(
                            "{}|{}",
                            tongbao::text::normalize_key(&p.name),
                            tongbao::text::normalize_key(&p.investor)
                        ),
                    )
                })
            })
            .collect();
        assert!(keys.len() > 100, "{period}: {} projects", keys.len());
        assert_eq!(archive.cross_unit_keys(period).expect("keys"), keys);
    }
    let resubmission = archive
        .current_return("500113", JUNE)
        .expect("query")
        .expect("巴南区");
    assert_eq!(resubmission.info.version, Some(2));
}

/// Two versions of 巴南区's June return: the second corrects a project's funds.
fn two_versions(ws: &Ws) -> (PathBuf, PathBuf) {
    let v1 = ws.file("v1.xlsx", &Form::valid().xlsx());
    let v2 = ws.file(
        "v2.xlsx",
        &Form::valid()
            .set(1, "本月到位资金", V::N(600.0))
            .set(1, "本年累计到位资金", V::N(2600.0))
            .xlsx(),
    );
    (v1, v2)
}

#[test]
fn a_resubmission_supersedes_and_the_same_bytes_again_are_a_no_op() {
    let ws = Ws::new();
    let (v1, v2) = two_versions(&ws);
    ws.ingest(&[v1], JUNE);
    let out = ws.ingest(std::slice::from_ref(&v2), JUNE);
    assert_eq!(
        (out[0].0.stored, out[0].0.version, out[0].0.replaces),
        (FiledAs::Superseded, Some(2), Some(1))
    );
    let again = ws.ingest(&[v2], JUNE);
    assert_eq!(
        (again[0].0.stored, again[0].0.version),
        (FiledAs::Duplicate, Some(2))
    );
    let archive = Archive::open_for_reading(&ws.db()).expect("archive");
    let subs = archive.submissions(JUNE).expect("subs");
    assert_eq!(subs.len(), 2, "the duplicate is not stored again");
    assert_eq!(subs[0].superseded_by, Some(subs[1].id), "v1 points at v2");
    let current = archive
        .current_return("500113", JUNE)
        .expect("query")
        .expect("current");
    assert_eq!(current.info.version, Some(2));
    assert_eq!(current.projects[1].funds_month, Wan::from_units(600));
}

#[test]
fn files_stored_in_a_group_are_kept_together_or_not_at_all() {
    let ws = Ws::new();
    let (v1, v2) = two_versions(&ws);
    let cfg = config();
    let opts = BatchOptions {
        period: Some(JUNE),
        lang: Lang::Zh,
        keep_bytes: true,
    };
    let store_both = |commit: bool| -> Vec<Filed> {
        let mut batch = check_files(&[v1.clone(), v2.clone()], &cfg, &opts);
        let mut archive = Archive::open_for_writing(&ws.db()).expect("archive");
        let mut storer = Storer::new(&mut archive, &cfg, "2025-07-03T09:00:00Z");
        storer.begin_group().expect("group");
        let filed = batch
            .files
            .iter_mut()
            .map(|f| storer.store(Some(JUNE), f).expect("store"))
            .collect();
        if commit {
            storer.commit_group().expect("commit");
        }
        filed
    };
    // Within the group each store sees the ones before it: the second supersedes the first.
    let filed = store_both(false);
    assert_eq!(
        (filed[1].stored, filed[1].version, filed[1].replaces),
        (FiledAs::Superseded, Some(2), Some(1))
    );
    // Never committed (a batch stopped before answering them): neither is kept.
    let archive = Archive::open_for_reading(&ws.db()).expect("archive");
    assert!(archive.submissions(JUNE).expect("subs").is_empty());
    drop(archive);
    // Committed: both, as stored one by one.
    let filed = store_both(true);
    assert_eq!(
        (filed[1].stored, filed[1].version, filed[1].replaces),
        (FiledAs::Superseded, Some(2), Some(1))
    );
    let archive = Archive::open_for_reading(&ws.db()).expect("archive");
    let subs = archive.submissions(JUNE).expect("subs");
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[0].superseded_by, Some(subs[1].id));
    assert_eq!(archive.integrity_check().expect("check"), "ok");
}

#[test]
fn a_rejected_return_is_kept_but_never_current() {
    let ws = Ws::new();
    let good = ws.file("good.xlsx", &Form::valid().xlsx());
    let bad = ws.file(
        "bad.xlsx",
        &Form::valid().set(0, "合同投资额", s("约5000")).xlsx(),
    );
    ws.ingest(&[good], JUNE);
    let out = ws.ingest(&[bad], JUNE);
    assert_eq!((out[0].0.stored, out[0].0.version), (FiledAs::New, Some(2)));
    let archive = Archive::open_for_reading(&ws.db()).expect("archive");
    let current = archive
        .current_return("500113", JUNE)
        .expect("query")
        .expect("v1 stands");
    assert_eq!(current.info.version, Some(1));
    let status = status_report(&archive, &config(), JUNE).expect("status");
    let banan = status
        .units
        .iter()
        .find(|u| u.code == "500113")
        .expect("unit");
    assert_eq!(
        (
            banan.status,
            banan.version,
            banan.latest_rejected,
            banan.submissions
        ),
        (ReturnStatus::Accepted, Some(1), true, 2)
    );
    let yuzhong = status
        .units
        .iter()
        .find(|u| u.code == "500103")
        .expect("unit");
    assert_eq!(yuzhong.status, ReturnStatus::Missing);
}

#[test]
fn status_marks_rejected_and_late() {
    let ws = Ws::new();
    let bad = ws.file(
        "bad.xlsx",
        &Form::valid().set(0, "合同投资额", s("约5000")).xlsx(),
    );
    ws.ingest(&[bad], JUNE);
    let archive = Archive::open_for_reading(&ws.db()).expect("archive");
    let status = status_report(&archive, &config(), JUNE).expect("status");
    let banan = status
        .units
        .iter()
        .find(|u| u.code == "500113")
        .expect("unit");
    assert_eq!(banan.status, ReturnStatus::Rejected);
    assert_eq!(status.deadline, "2025-07-05");
    assert!(!banan.late, "received 2025-07-03, due 2025-07-05");
}

#[test]
fn w_ytd_decrease_against_last_month() {
    let ws = Ws::new();
    let may = ws.file(
        "may.xlsx",
        &may_form().set(1, "本年累计到位资金", V::N(6000.0)).xlsx(),
    );
    assert_eq!(ws.ingest(&[may], MAY)[0].0.stored, FiledAs::New);
    let june = ws.file("june.xlsx", &Form::valid().xlsx());
    let codes = &ws.ingest(&[june], JUNE)[0].1;
    assert!(codes.contains(&Code::YtdDecrease), "{codes:?}");
}

#[test]
fn w_project_vanished_since_last_month() {
    let ws = Ws::new();
    let mut may = may_form();
    let mut extra = may.rows[1].clone();
    extra[col("项目编号")] = s("P009");
    extra[col("项目名称")] = s("已终止的项目");
    extra[col("本月到位资金")] = V::E;
    extra[col("本年累计到位资金")] = V::E;
    may.rows.push(extra);
    ws.ingest(&[ws.file("may.xlsx", &may.xlsx())], MAY);
    let out = ws.ingest(&[ws.file("june.xlsx", &Form::valid().xlsx())], JUNE);
    let vanished: Vec<&Code> = out[0]
        .1
        .iter()
        .filter(|c| **c == Code::ProjectVanished)
        .collect();
    assert_eq!(vanished.len(), 1, "{:?}", out[0].1);
    assert!(
        !out[0].1.contains(&Code::YtdDecrease),
        "May is consistent with June: {:?}",
        out[0].1
    );
}

#[test]
fn w_project_reported_by_two_units() {
    let ws = Ws::new();
    let banan = ws.file("a.xlsx", &Form::valid().xlsx());
    let yuzhong_form = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"))
        .set(1, "项目名称", s("另一个项目"))
        .set(2, "项目名称", s("第三个项目"))
        .set(3, "项目名称", s("第四个项目"));
    let yuzhong = ws.file("b.xlsx", &yuzhong_form.xlsx());
    let out = ws.ingest(&[banan, yuzhong], JUNE);
    assert!(!out[0].1.contains(&Code::ProjectElsewhere));
    let elsewhere: Vec<&Code> = out[1]
        .1
        .iter()
        .filter(|c| **c == Code::ProjectElsewhere)
        .collect();
    assert_eq!(elsewhere.len(), 1, "{:?}", out[1].1);
}

#[test]
fn w_project_reported_by_a_unit_already_archived() {
    // As the web intake stores them: one return per batch. The first carries 项目编号,
    // so its stored identity is the code; the rule still matches it by name and investor.
    let ws = Ws::new();
    let banan = ws.file(
        "a.xlsx",
        &Form::valid().set(0, "项目编号", s("CQ-2025-001")).xlsx(),
    );
    let yuzhong_form = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"))
        .set(1, "项目名称", s("另一个项目"))
        .set(2, "项目名称", s("第三个项目"))
        .set(3, "项目名称", s("第四个项目"));
    let yuzhong = ws.file("b.xlsx", &yuzhong_form.xlsx());
    assert!(!ws.ingest(std::slice::from_ref(&banan), JUNE)[0]
        .1
        .contains(&Code::ProjectElsewhere));
    let out = ws.ingest(std::slice::from_ref(&yuzhong), JUNE);
    let elsewhere = out[0].1.iter().filter(|c| **c == Code::ProjectElsewhere);
    assert_eq!(elsewhere.count(), 1, "{:?}", out[0].1);
    // One file at a time, looked up by key: the same.
    let one_at_a_time = Ws::new();
    let (_, codes) = one_at_a_time.take(&banan, JUNE);
    assert!(!codes.contains(&Code::ProjectElsewhere));
    let (_, codes) = one_at_a_time.take(&yuzhong, JUNE);
    let elsewhere = codes.iter().filter(|c| **c == Code::ProjectElsewhere);
    assert_eq!(elsewhere.count(), 1, "{codes:?}");
}

#[test]
fn a_resubmission_is_still_told_of_the_unit_that_reports_its_project() {
    // 渝中区 (500103) and 巴南区 (500113) report the same project; when 巴南区 sends its
    // return again, the warning still names 渝中区 (the month's index once kept one unit
    // per project, the last in unit order: 巴南区 itself, passed over).
    let ws = Ws::new();
    let yuzhong_form = Form::valid()
        .set_info("填报单位", s("渝中区"))
        .set_info("行政区划代码", s("500103"))
        .set(1, "项目名称", s("另一个项目"))
        .set(2, "项目名称", s("第三个项目"))
        .set(3, "项目名称", s("第四个项目"));
    let banan = ws.file("a.xlsx", &Form::valid().xlsx());
    let yuzhong = ws.file("b.xlsx", &yuzhong_form.xlsx());
    let again = ws.file(
        "a2.xlsx",
        &Form::valid().set(1, "备注", s("重新报送")).xlsx(),
    );
    assert!(!ws.ingest(std::slice::from_ref(&banan), JUNE)[0]
        .1
        .contains(&Code::ProjectElsewhere));
    assert!(ws.ingest(std::slice::from_ref(&yuzhong), JUNE)[0]
        .1
        .contains(&Code::ProjectElsewhere));
    let out = ws.ingest(std::slice::from_ref(&again), JUNE);
    assert_eq!(out[0].0.stored, FiledAs::Superseded);
    let elsewhere = out[0].1.iter().filter(|c| **c == Code::ProjectElsewhere);
    assert_eq!(elsewhere.count(), 1, "{:?}", out[0].1);
    // One file at a time, looked up by key: the same.
    let one_at_a_time = Ws::new();
    let (_, codes) = one_at_a_time.take(&banan, JUNE);
    assert!(!codes.contains(&Code::ProjectElsewhere));
    let (_, codes) = one_at_a_time.take(&yuzhong, JUNE);
    assert!(codes.contains(&Code::ProjectElsewhere));
    let (filed, codes) = one_at_a_time.take(&again, JUNE);
    assert_eq!(filed.stored, FiledAs::Superseded);
    let elsewhere = codes.iter().filter(|c| **c == Code::ProjectElsewhere);
    assert_eq!(elsewhere.count(), 1, "{codes:?}");
}

#[test]
fn an_archive_from_before_cross_unit_keys_gets_them_when_opened() {
    let ws = Ws::new();
    let banan = ws.file("a.xlsx", &Form::valid().xlsx());
    ws.ingest(&[banan], JUNE);
    let expected = Archive::open_for_reading(&ws.db())
        .expect("archive")
        .cross_unit_keys(JUNE)
        .expect("keys");
    assert_eq!(expected.len(), 4);
    {
        let conn = rusqlite::Connection::open(ws.db()).expect("sqlite");
        conn.execute_batch(
            "ALTER TABLE submission DROP COLUMN cross_keys; PRAGMA user_version = 7;",
        )
        .expect("downgrade");
    }
    let archive = Archive::open_for_writing(&ws.db()).expect("migrated");
    assert_eq!(archive.cross_unit_keys(JUNE).expect("keys"), expected);
    // One return's keys looked up alone: the same pairs.
    let keys: Vec<String> = expected.iter().map(|(_, k)| k.clone()).collect();
    let mut found = archive.reporters_of(JUNE, &keys).expect("by key");
    found.sort();
    let mut all = expected.clone();
    all.sort();
    assert_eq!(found, all);
    assert!(expected
        .iter()
        .all(|(code, key)| code == "500113" && key.contains('|')));
}

#[test]
fn a_second_writer_waits_then_fails_clearly() {
    let ws = Ws::new();
    let _first = Archive::open_for_writing(&ws.db()).expect("first writer");
    match Archive::open_for_writing_within(&ws.db(), Duration::from_millis(200)) {
        Err(e @ ArchiveError::Busy { .. }) => {
            assert!(e.to_string().contains("另一个 tongbao 进程"))
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a second writer must not get the archive"),
    }
    assert!(
        Archive::open_for_reading(&ws.db()).is_ok(),
        "readers are not blocked"
    );
}
