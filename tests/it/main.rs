//! The one integration test binary: modules by stage, sharing fixture builders.

mod aggregate;
mod archive;
mod binary;
mod check;
mod crash;
mod read;
mod samples;
mod support;
mod variations;
mod workbook;
mod workflow;
