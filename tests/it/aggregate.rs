//! Aggregation on hand-made archives: the league table's method, ties, single-unit groups,
//! 同比 with and without last year, completion against targets, group and total sums.

use std::path::Path;

use tongbao::aggregate::{compute, ReturnStatus};
use tongbao::config::Config;
use tongbao::model::{FigureKey, Wan};

use crate::archived::*;
use crate::support::*;

#[test]
fn league_scores_by_the_efficacy_coefficient_method() {
    let cfg = config();
    let inputs = vec![
        accepted("500113", projects(&Form::valid()), None),
        accepted("500103", projects(&doubled()), None),
        absent("LJXQ", ReturnStatus::Missing),
    ];
    let b = compute(&cfg, JUNE, &inputs);
    let banan = &b.units[0];
    let yuzhong = &b.units[1];
    // Doubling makes 渝中's 8000 万元 signing a 亿元以上 one: 渝中 leads on contract amount
    // and 亿元以上 count and takes every weight; funds and starts are equal (full weight).
    assert_eq!((yuzhong.score, yuzhong.rank), (Some(100.0), Some(1)));
    // 巴南: 0.6 × 30 (contract) + 30 (funds) + 0.6 × 20 (亿元以上) + 20 (starts).
    assert_eq!((banan.score, banan.rank), (Some(80.0), Some(2)));
    // 两江新区 is in a group outside the league.
    assert_eq!((b.units[2].score, b.units[2].rank), (None, None));
    assert_eq!(b.league.len(), 1, "only the ranked group has a table");
    assert_eq!(
        b.league[0].rows.iter().map(|r| r.rank).collect::<Vec<_>>(),
        vec![Some(1), Some(2)]
    );
}

#[test]
fn equal_scores_share_a_rank() {
    let cfg = config();
    let inputs = vec![
        accepted("500113", projects(&Form::valid()), None),
        accepted("500103", projects(&Form::valid()), None),
    ];
    let b = compute(&cfg, JUNE, &inputs);
    assert_eq!((b.units[0].rank, b.units[1].rank), (Some(1), Some(1)));
    assert_eq!(
        (b.units[0].score, b.units[1].score),
        (Some(100.0), Some(100.0))
    );
}

#[test]
fn a_single_unit_group_scores_every_weight() {
    let text = CONFIG.replace(
        "group = \"区\"\n\n[[unit]]\ncode = \"500103\"\nname = \"渝中区\"\ngroup = \"区\"",
        "group = \"区\"\n\n[[unit]]\ncode = \"500103\"\nname = \"渝中区\"\ngroup = \"功能区\"",
    );
    let cfg = Config::from_str(&text, Path::new("t.toml")).expect("config");
    let b = compute(
        &cfg,
        JUNE,
        &[
            accepted("500113", projects(&Form::valid()), None),
            absent("500103", ReturnStatus::Missing),
            absent("LJXQ", ReturnStatus::Missing),
        ],
    );
    assert_eq!((b.units[0].score, b.units[0].rank), (Some(100.0), Some(1)));
}

#[test]
fn units_without_an_accepted_return_are_listed_below_unranked() {
    let cfg = config();
    let b = compute(
        &cfg,
        JUNE,
        &[
            absent("500113", ReturnStatus::Missing),
            accepted("500103", projects(&Form::valid()), None),
            absent("LJXQ", ReturnStatus::Rejected),
        ],
    );
    let rows = &b.league[0].rows;
    assert_eq!(
        rows.iter()
            .map(|r| (r.code.as_str(), r.rank))
            .collect::<Vec<_>>(),
        vec![("500103", Some(1)), ("500113", None)]
    );
    assert_eq!(b.not_reported, vec!["巴南区"]);
    assert_eq!(b.rejected, vec!["两江新区"]);
    assert!(b.units[0].month.is_none() && b.units[0].yoy_pct.is_none());
}

#[test]
fn yoy_is_null_without_last_year_and_computed_with_it() {
    let cfg = config();
    let without = compute(
        &cfg,
        JUNE,
        &[accepted("500113", projects(&Form::valid()), None)],
    );
    let yoy = without.units[0].yoy_pct.as_ref().expect("yoy map");
    assert!(yoy.values().all(Option::is_none), "{yoy:?}");

    let last = last_year_form().set(1, "本年累计到位资金", V::N(2000.0)); // 5000 last year, 5500 now
    let with = compute(
        &cfg,
        JUNE,
        &[accepted(
            "500113",
            projects(&Form::valid()),
            Some(projects(&last)),
        )],
    );
    let u = &with.units[0];
    assert_eq!(
        u.ytd_last_year.map(|f| f.funds_in_place),
        Some(Wan::from_units(5000))
    );
    let yoy = u.yoy_pct.as_ref().expect("yoy");
    assert_eq!(yoy[&FigureKey::FundsInPlace], Some(10.0));
    assert_eq!(yoy[&FigureKey::SignedAmount], Some(0.0));
    assert_eq!(with.total.yoy_pct[&FigureKey::FundsInPlace], Some(10.0));
}

#[test]
fn completion_against_annual_targets_and_elapsed_share_of_the_year() {
    let text = CONFIG.replace(
        "aliases = [\"巴南\"]",
        "aliases = [\"巴南\"]\ntargets = { signed_amount = 150000, funds_in_place = 11000 }",
    );
    let cfg = Config::from_str(&text, Path::new("t.toml")).expect("config");
    let b = compute(
        &cfg,
        JUNE,
        &[accepted("500113", projects(&Form::valid()), None)],
    );
    let c = &b.units[0].completion_pct;
    assert_eq!(c[&FigureKey::SignedAmount], 50.0);
    assert_eq!(c[&FigureKey::FundsInPlace], 50.0);
    assert_eq!(b.elapsed_pct, 50.0);
}

#[test]
fn group_and_total_sums_are_exact() {
    let cfg = config();
    let b = compute(
        &cfg,
        JUNE,
        &[
            accepted("500113", projects(&Form::valid()), None),
            accepted("500103", projects(&doubled()), None),
            accepted("LJXQ", projects(&Form::valid()), None),
        ],
    );
    let district = b.groups.iter().find(|g| g.name == "区").expect("group");
    assert_eq!(
        district.figures.ytd.signed_amount,
        Wan::from_units(75000 + 150000)
    );
    assert_eq!(district.figures.month.funds_in_place, Wan(170_050 * 2));
    assert_eq!(
        b.total.ytd.signed_amount,
        Wan::from_units(75000 * 2 + 150000)
    );
    assert_eq!(b.total.reported, 3);
    // 资金到位率 = 5500 ÷ 75000; 开工率 = 1 started of 3 signed.
    assert_eq!(b.units[0].funds_rate_pct, Some(7.3));
    assert_eq!(b.units[0].start_rate_pct, Some(33.3));
    assert_eq!(
        b.big_projects.len(),
        6,
        "two 亿元以上 signings in June in each return"
    );
    assert_eq!(b.big_projects[0].amount, Wan::from_units(104000));
}

#[test]
fn total_yoy_compares_only_units_with_last_years_return() {
    let cfg = config();
    let last = last_year_form().set(1, "本年累计到位资金", V::N(2000.0)); // 5000 last year, 5500 now
    let b = compute(
        &cfg,
        JUNE,
        &[
            accepted("500113", projects(&Form::valid()), Some(projects(&last))),
            accepted("500103", projects(&doubled()), None),
        ],
    );
    // 渝中区 has no 2024 return: the total's 同比 is 巴南区's alone, not 11000 against 5000.
    assert_eq!(b.total.ytd.funds_in_place, Wan::from_units(11000));
    assert_eq!(
        b.total.ytd_last_year.map(|f| f.funds_in_place),
        Some(Wan::from_units(5000))
    );
    assert_eq!(b.total.yoy_pct[&FigureKey::FundsInPlace], Some(10.0));
}

#[test]
fn the_trend_month_total_equals_the_bulletin_total_on_the_samples() {
    // The trend reduces each return to its figures as it is loaded; the bulletin holds
    // the month's returns. Both must give the same month total.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = crate::binary::run(&["demo", "--out", "d"], dir.path());
    assert!(out.status.success(), "{out:?}");
    let ws = dir.path().join("d");
    let cfg = Config::load(&ws.join("tongbao.toml")).expect("config");
    let archive =
        tongbao::archive::Archive::open_for_reading(&ws.join("tongbao.db")).expect("archive");
    for (year, month) in [(2025, 5), (2025, 6), (2024, 6), (2024, 12), (2025, 1)] {
        let p = tongbao::model::Period::new(year, month).expect("period");
        let held = compute(
            &cfg,
            p,
            &tongbao::aggregate::gather(&archive, &cfg, p).expect("gather"),
        )
        .total
        .month;
        let streamed = tongbao::aggregate::month_total(&archive, &cfg, p)
            .expect("month total")
            .expect("accepted returns");
        assert_eq!(streamed, held, "{p}");
        assert!(held.raw(FigureKey::SignedAmount) > 0, "{p}");
    }
    // The samples have no month between 2024-06 and 2024-11.
    let empty = tongbao::model::Period::new(2024, 9).expect("period");
    assert_eq!(
        tongbao::aggregate::month_total(&archive, &cfg, empty).expect("month total"),
        None
    );
}
