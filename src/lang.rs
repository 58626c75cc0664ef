//! The reader's language: every user-facing sentence is chosen by a [`Lang`] at the moment
//! it is shown, never stored already worded.

/// The language of user-facing text (`--lang`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
pub enum Lang {
    /// 简体中文
    #[default]
    Zh,
    /// English
    En,
}
