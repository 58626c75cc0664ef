//! `tongbao serve [--listen ADDR] [--tls-cert PEM --tls-key PEM]`: the web intake over the
//! workspace's archive, over HTTP or HTTPS, until Ctrl-C or SIGTERM (uploads in hand
//! finish first). Prints the address it listens on.

use crate::cli::{GlobalArgs, ServeArgs};
use crate::messages::web::{self, tls_problem, TlsProblem};
use crate::serve::Tls;

use super::{load_config, Outcome};

pub fn run(global: &GlobalArgs, args: &ServeArgs) -> anyhow::Result<Outcome> {
    let lang = global.lang;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(Tls {
            cert: cert.clone(),
            key: key.clone(),
        }),
        (None, None) => None,
        _ => anyhow::bail!(tls_problem(&TlsProblem::Pair, lang)),
    };
    let cfg = load_config(global)?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    crate::serve::run(cfg, &args.listen, tls.as_ref(), lang, |addr| {
        println!(
            "{}",
            web::serve_listening(&format!("{scheme}://{addr}/"), lang)
        );
    })?;
    println!("{}", web::serve_stopped(lang));
    Ok(Outcome::Ok)
}
