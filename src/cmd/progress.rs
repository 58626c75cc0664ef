//! Progress bars for batches: drawn on stderr, only when stderr is a terminal and the run
//! is not `--quiet`, so pipes, logs and tests see none of it.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::intake::{self, Phase};
use crate::lang::Lang;
use crate::messages::{ui, Ui};

/// A progress bar, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar of `len` steps labelled `what`; nothing for fewer than two steps, with
    /// `quiet`, or when stderr is not a terminal.
    pub fn new(len: usize, what: &str, quiet: bool) -> Progress {
        if quiet || len < 2 || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        Progress(Some(bar))
    }

    /// One step done (callable from any thread).
    pub fn inc(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The intake's progress, drawn as one bar per phase (see [`Progress`]).
pub struct Bars {
    lang: Lang,
    quiet: bool,
    bar: Mutex<Progress>,
}

impl Bars {
    pub fn new(lang: Lang, quiet: bool) -> Bars {
        Bars {
            lang,
            quiet,
            bar: Mutex::new(Progress(None)),
        }
    }

    fn with(&self, f: impl FnOnce(&mut Progress)) {
        // A poisoned lock only means a bar is not drawn.
        if let Ok(mut bar) = self.bar.lock() {
            f(&mut bar);
        }
    }
}

impl intake::Progress for Bars {
    fn begin(&self, phase: Phase, files: usize) {
        let label = match phase {
            Phase::Checking => Ui::Checking,
            Phase::Ingesting => Ui::Ingesting,
            Phase::Storing => Ui::Storing,
        };
        let bar = Progress::new(files, ui(label, self.lang), self.quiet);
        self.with(|b| *b = bar);
    }

    fn step(&self) {
        self.with(|b| b.inc());
    }

    fn end(&self) {
        self.with(|b| b.finish());
    }
}
