//! `tongbao init [DIR]`: a new workspace — a fully commented `tongbao.toml` (the sample
//! roster, to edit), and the folders the monthly cycle uses.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::{GlobalArgs, InitArgs};
use crate::config::CONFIG_FILE;
use crate::lang::Lang;

use super::Outcome;

/// The commented example configuration, as shipped in samples/.
pub const EXAMPLE_CONFIG: &str = include_str!("../../samples/tongbao.toml");

/// The folders of a workspace, relative to it.
pub const FOLDERS: [&str; 3] = ["inbox", "out", "receipts"];

pub fn run(global: &GlobalArgs, args: &InitArgs) -> anyhow::Result<Outcome> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let config = create_workspace(&dir, global.lang)?;
    if args.with_templates {
        copy_templates(&dir.join("templates"))?;
    }
    let templates = dir.join("templates");
    println!(
        "{}",
        crate::messages::workspace_created(
            &dir.display().to_string(),
            &config.display().to_string(),
            &FOLDERS.map(|f| dir.join(f).display().to_string()),
            args.with_templates
                .then(|| templates.display().to_string())
                .as_deref(),
            global.lang,
        )
    );
    Ok(Outcome::Ok)
}

/// Writes the built-in templates into `dir`, where `build` picks them up instead.
fn copy_templates(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    for name in crate::render::templates::names() {
        if let Some(text) = crate::render::templates::embedded_text(name) {
            let path = dir.join(name);
            crate::render::write_atomic(&path, text.as_bytes())
                .with_context(|| path.display().to_string())?;
        }
    }
    Ok(())
}

/// Creates the workspace files; never overwrites an existing configuration.
pub fn create_workspace(dir: &Path, lang: Lang) -> anyhow::Result<PathBuf> {
    let config = dir.join(CONFIG_FILE);
    if config.exists() {
        anyhow::bail!(crate::messages::workspace_exists(
            &config.display().to_string(),
            lang
        ));
    }
    std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
    for f in FOLDERS {
        std::fs::create_dir_all(dir.join(f)).with_context(|| dir.join(f).display().to_string())?;
    }
    crate::render::write_atomic(&config, EXAMPLE_CONFIG.as_bytes())
        .with_context(|| config.display().to_string())?;
    Ok(config)
}
