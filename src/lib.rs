//! tongbao: county investment-promotion returns in, checked archive and bulletin out.
//!
//! The stages, each using only the types of the one before it plus the shared model and
//! diagnostics: `read` (bytes → raw sheets), `parse` (raw sheets → typed return),
//! `validate` (rules over a typed return), then the commands in `cmd`.

pub mod aggregate;
pub mod archive;
pub mod batch;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod gen;
pub mod intake;
pub mod lang;
pub mod messages;
pub mod model;
pub mod parse;
pub mod publish;
pub mod read;
pub mod render;
pub mod report;
pub mod text;
pub mod validate;
