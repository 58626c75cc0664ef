//! `tongbao serve [--listen ADDR]`: the web intake over the workspace's archive, until
//! Ctrl-C or SIGTERM (uploads in hand finish first). Prints the address it listens on.

use crate::cli::{GlobalArgs, ServeArgs};
use crate::messages::web;

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &ServeArgs) -> anyhow::Result<Outcome> {
    let cfg = load_config(global)?;
    let lang = global.lang;
    crate::serve::run(cfg, &args.listen, |addr| {
        println!("{}", web::serve_listening(&format!("http://{addr}/"), lang));
    })?;
    println!("{}", web::serve_stopped(lang));
    Ok(Outcome::Ok)
}
