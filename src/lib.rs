//! tongbao: county investment-promotion returns in, checked archive and bulletin out.
//!
//! The stages, each using only the types of the ones before it plus the shared `model`,
//! `diag`, `lang`, `config` and `contract` (return-format v1's layout): `read` (bytes →
//! raw sheets), `parse` (raw sheets → typed return), `validate` (rules over a typed
//! return), `archive` (submissions stored and read back), `aggregate` (counted returns →
//! every figure of the bulletin), `render` (figures → PDF, workbooks, receipts, forms).
//! Two services run the stages for the commands: `intake` (files in → verdicts, archived
//! versions and receipts; over `batch`) and `publish` (archive → bulletin and briefings).
//! `cmd` is on top: one thin module per subcommand. ARCHITECTURE.md says where new work
//! goes.

#![warn(unreachable_pub)]

pub mod aggregate;
pub mod archive;
pub mod batch;
pub mod cli;
pub(crate) mod clock;
pub mod cmd;
pub mod config;
pub mod contract;
pub mod diag;
pub mod intake;
pub mod lang;
pub mod messages;
pub mod model;
pub mod parse;
pub(crate) mod publish;
pub mod read;
pub mod render;
pub(crate) mod report;
pub mod serve;
pub mod text;
pub(crate) mod validate;

/// Frees `value` on a thread of its own. A province's bulletin or register is hundreds of
/// thousands of allocations, and nothing waits for them to be given back; a process that
/// ends meanwhile gives them back at once. Freed in place when no thread can be had.
pub(crate) fn free_beside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// Gives the memory freed so far back to the system. glibc keeps freed memory in the arena
/// of the thread that allocated it, and a stage on other threads takes fresh memory beside
/// it: `build` reads the register on one thread and renders on others, and a national
/// bulletin's render started 500 MB above what was in use. A no-op elsewhere.
pub(crate) fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}
