//! Developer tasks for tongbao, kept out of the shipped binary.
//!
//! `cargo xtask gen-samples …` writes synthetic county returns: the committed samples
//! (scripts/make-samples.sh), and the benchmark scenarios (scripts/bench-scenarios.sh).
//! The returns are generated, not hand-made, so that they agree with themselves in every
//! way tongbao checks (see `gen`).
//!
//! `cargo xtask load …` measures the web intake (`tongbao serve`) with a province's
//! counties sending at once (BENCHMARKS.md, "The web intake under load").

mod gen;
mod load;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[derive(Parser)]
#[command(name = "xtask", about = "Developer tasks for tongbao")]
struct Cli {
    /// The roster to write returns for (default: tongbao.toml in this folder or a parent).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    task: Task,
}

#[derive(clap::Subcommand)]
enum Task {
    /// Writes synthetic returns (samples and benchmarks).
    GenSamples(gen::GenArgs),
    /// Measures the web intake: every county sends at once, then resubmits (release build).
    Load(load::LoadArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::GenSamples(mut args) => {
            args.config = cli.config;
            gen::run(&args)
        }
        Task::Load(args) => load::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use tongbao::contract::{
        info_row, ledger_col, summary_row, FIRST_DATA_ROW, INFO_LABELS, SUMMARY_YTD_COL,
    };
    use tongbao::model::Indicator;
    use tongbao::parse::vocab::Field;

    use crate::gen::workbook::{Layout, Style};

    /// The form writes the layout the sample generator calls the contract's own, so a
    /// sample return and a filled-in form are read alike.
    #[test]
    fn the_layout_is_the_generators_standard_one() {
        let standard = Layout::new(Style::Standard, &[]);
        assert_eq!(standard.first_data_row(), FIRST_DATA_ROW);
        for f in Field::ALL {
            assert_eq!(standard.col(f), Some(ledger_col(f)));
        }
        for i in Indicator::ALL {
            assert_eq!(Layout::summary_row(i), summary_row(i));
        }
        assert_eq!(Layout::SUMMARY_YTD_COL, SUMMARY_YTD_COL);
        for l in INFO_LABELS {
            assert_eq!(Layout::info_row(l), info_row(l));
        }
    }
}
