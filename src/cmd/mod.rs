//! One module per subcommand, each a thin `run` that wires the stages together.

pub mod brief;
pub mod build;
pub mod check;
pub mod confirm;
pub mod demo;
pub mod explain;
pub mod ingest;
pub mod init;
pub mod progress;
pub mod receipts;
pub mod status;
pub mod template;
pub mod watch;

use std::path::Path;

use anyhow::Context;

use crate::cli::GlobalArgs;
use crate::config::Config;

/// How a command ended when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything accepted (warnings allowed): exit 0.
    Ok,
    /// Some input was rejected, the rest processed: exit 1.
    SomeRejected,
}

/// Loads the workspace config: `--config`, else `tongbao.toml` here or in a parent.
pub fn load_config(global: &GlobalArgs) -> anyhow::Result<Config> {
    let path = match &global.config {
        Some(p) => p.clone(),
        None => {
            let here = std::env::current_dir().context("current folder")?;
            Config::discover(&here)?
        }
    };
    Ok(Config::load(Path::new(&path))?)
}
