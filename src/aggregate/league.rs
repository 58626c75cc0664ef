//! The league table (赛马榜) of domain.md, by the 功效系数法: within each ranked group,
//! each indicator scores w × (0.6 + 0.4 × (x − min) ÷ (max − min)) over the units that
//! reported, w when max = min; equal scores (to 0.01) share a rank and the next skips.

use serde::Serialize;

use crate::config::Config;
use crate::model::FigureKey;

use super::{round2, ReturnStatus, UnitFigures};

/// One row of a league table.
#[derive(Debug, Clone, Serialize)]
pub struct LeagueRow {
    pub code: String,
    pub name: String,
    /// Null for units without an accepted return (listed as 未报送 / 未通过审核 below).
    pub rank: Option<u32>,
    pub score: Option<f64>,
    /// The year-to-date value of each scored indicator, in its unit.
    pub values: Vec<f64>,
    pub status: ReturnStatus,
    /// Scored figures the unit's return does not state: it is listed, not ranked.
    pub unstated: Vec<FigureKey>,
}

/// A group's table.
#[derive(Debug, Clone, Serialize)]
pub struct LeagueTable {
    pub group: String,
    /// The indicators scored, in order, with their weights.
    pub indicators: Vec<(FigureKey, f64)>,
    pub rows: Vec<LeagueRow>,
}

/// Scores and ranks the units of every ranked group; writes `score` and `rank` into
/// `units` and returns the tables in the config's group order.
pub fn league_tables(cfg: &Config, units: &mut [UnitFigures]) -> Vec<LeagueTable> {
    let indicators: Vec<(FigureKey, f64)> = cfg
        .file
        .scoring
        .weights
        .iter()
        .map(|(k, w)| (*k, *w))
        .filter(|(_, w)| *w > 0.0)
        .collect();
    let mut tables = Vec::new();
    for g in cfg.file.groups.iter().filter(|g| g.league) {
        let name = g.name.get_ref();
        let members: Vec<usize> = (0..units.len())
            .filter(|&i| units[i].group == *name && units[i].in_league)
            .collect();
        if members.is_empty() {
            continue;
        }
        // A unit that does not state a scored figure cannot be placed against the others:
        // it is listed unranked (its `unstated` says what it left out), never scored as 0.
        let states_all: Vec<bool> = units
            .iter()
            .map(|u| {
                u.ytd
                    .is_some_and(|y| indicators.iter().all(|(k, _)| !y.unstated.contains(*k)))
            })
            .collect();
        let reporting: Vec<usize> = members.iter().copied().filter(|&i| states_all[i]).collect();
        let all_values: Vec<Vec<f64>> = units
            .iter()
            .map(|u| {
                let ytd = u.ytd.unwrap_or_default();
                indicators.iter().map(|(k, _)| ytd.value(*k)).collect()
            })
            .collect();
        let values = |i: usize| -> Vec<f64> { all_values[i].clone() };
        let bounds: Vec<(f64, f64)> = (0..indicators.len())
            .map(|j| {
                let xs = reporting.iter().map(|&i| values(i)[j]);
                (
                    xs.clone().fold(f64::INFINITY, f64::min),
                    xs.fold(f64::NEG_INFINITY, f64::max),
                )
            })
            .collect();
        let mut scored: Vec<(usize, f64)> = reporting
            .iter()
            .map(|&i| {
                let x = values(i);
                let score: f64 = indicators
                    .iter()
                    .enumerate()
                    .map(|(j, (_, w))| {
                        let (min, max) = bounds[j];
                        if max > min {
                            w * (0.6 + 0.4 * (x[j] - min) / (max - min))
                        } else {
                            *w
                        }
                    })
                    .sum();
                (i, round2(score))
            })
            .collect();
        // Highest score first; ties by roster order so the table is stable.
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut rows = Vec::new();
        let mut prev: Option<(f64, u32)> = None;
        for (pos, (i, score)) in scored.iter().enumerate() {
            let rank = match prev {
                Some((s, r)) if (s - score).abs() < 0.005 => r,
                _ => pos as u32 + 1,
            };
            prev = Some((*score, rank));
            units[*i].score = Some(*score);
            units[*i].rank = Some(rank);
            rows.push(LeagueRow {
                code: units[*i].code.clone(),
                name: units[*i].name.clone(),
                rank: Some(rank),
                score: Some(*score),
                values: values(*i),
                status: units[*i].status,
                unstated: Vec::new(),
            });
        }
        for &i in members
            .iter()
            .filter(|&&i| units[i].ytd.is_some() && !states_all[i])
        {
            let ytd = units[i].ytd.unwrap_or_default();
            rows.push(LeagueRow {
                code: units[i].code.clone(),
                name: units[i].name.clone(),
                rank: None,
                score: None,
                values: values(i),
                status: units[i].status,
                unstated: indicators
                    .iter()
                    .map(|(k, _)| *k)
                    .filter(|k| ytd.unstated.contains(*k))
                    .collect(),
            });
        }
        // Units without a counted return: held, rejected, then missing, in roster order.
        for status in [
            ReturnStatus::Held,
            ReturnStatus::Rejected,
            ReturnStatus::Missing,
        ] {
            for &i in members
                .iter()
                .filter(|&&i| units[i].ytd.is_none() && units[i].status == status)
            {
                rows.push(LeagueRow {
                    code: units[i].code.clone(),
                    name: units[i].name.clone(),
                    rank: None,
                    score: None,
                    values: vec![],
                    status,
                    unstated: Vec::new(),
                });
            }
        }
        tables.push(LeagueTable {
            group: name.clone(),
            indicators: indicators.clone(),
            rows,
        });
    }
    tables
}
