//! The `tongbao` binary: parse arguments, run a command, turn its outcome into an exit
//! code (0 success, 1 some input rejected, 2 usage, configuration or I/O error).

use std::process::ExitCode;

use tongbao::cli::Command;
use tongbao::cmd::{self, Outcome};

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, which turns every println! after `| head` has gone into a
    // panic; a command-line tool should end quietly instead.
    #[cfg(unix)]
    // SAFETY: called first thing, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    tongbao::batch::install_panic_hook();
    tongbao::archive::configure_sqlite();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = tongbao::cli::parse(&args, tongbao::cli::lang_in(&args));
    let result = match cli.command {
        Command::Check(args) => cmd::check::run(&cli.global, &args),
        Command::Init(args) => cmd::init::run(&cli.global, &args),
        Command::Template(args) => cmd::template::run(&cli.global, &args),
        Command::Ingest(args) => cmd::ingest::run(&cli.global, &args),
        Command::Status(args) => cmd::status::run(&cli.global, &args),
        Command::Confirm(args) => cmd::confirm::run(&cli.global, &args),
        Command::Build(args) => cmd::build::run(&cli.global, &args),
        Command::Brief(args) => cmd::brief::run(&cli.global, &args),
        Command::Explain(args) => cmd::explain::run(&cli.global, &args),
        Command::Projects(args) => cmd::projects::run(&cli.global, &args),
        Command::Watch(args) => cmd::watch::run(&cli.global, &args),
        Command::Demo(args) => cmd::demo::run(&cli.global, &args),
        Command::Verify(args) => cmd::verify::run(&cli.global, &args),
        Command::Backup(args) => cmd::backup::run(&cli.global, &args),
        Command::Serve(args) => cmd::serve::run(&cli.global, &args),
        Command::Accounts(args) => cmd::accounts::run(&cli.global, &args),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::SomeRejected) => ExitCode::from(1),
        // A reader that stopped reading (`tongbao status | head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("tongbao: {}", cmd::describe_error(&e, &cli.global));
            ExitCode::from(2)
        }
    }
}
