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

/// A sentence worded in both languages by the code that found the problem, for errors
/// made before anyone asked in which language they will be shown (loading the config,
/// compiling a template); [`Said::get`] chooses when it is shown. Its `Display` is the
/// default language's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    zh: String,
    en: String,
}

impl Said {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Said {
        Said {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The same text in both languages (a path, a message from another library).
    pub fn same(text: impl Into<String>) -> Said {
        let text = text.into();
        Said {
            zh: text.clone(),
            en: text,
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.zh)
    }
}
