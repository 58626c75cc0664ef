//! The one integration test binary: modules by stage, sharing fixture builders.

mod aggregate;
mod archive;
mod archived;
mod binary;
mod check;
mod compose;
mod crash;
mod hostile;
mod pdf;
mod read;
mod safety;
mod samples;
mod support;
mod variations;
mod workbook;
mod workflow;
