//! The one integration test binary: modules by stage, sharing fixture builders.

mod aggregate;
mod archive;
mod archived;
mod binary;
mod brief;
mod check;
mod compose;
mod crash;
mod cycle;
mod hostile;
mod hostile_xls_ods;
mod hostile_xlsx;
mod layouts;
mod pdf;
mod read;
mod receipt;
mod safety;
mod samples;
mod support;
mod template;
mod variations;
mod watch;
mod workbook;
mod workflow;
