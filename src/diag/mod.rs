//! Diagnostics: what is wrong with a return, where, and how to fix it.
//!
//! A diagnostic carries facts (code, place, value, named arguments); its sentence and hint
//! are rendered from the message catalogue of the chosen language ([`catalogue`]) only
//! when shown, so the same run can be reported in Chinese and in English.

pub mod catalogue;
pub mod damage;

pub use damage::Damage;

use serde::Serialize;

use crate::lang::Lang;
use crate::model::a1;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported for information; changes nothing.
    Info,
    /// The return is accepted; the warning is shown on the receipt and in data notes.
    Warning,
    /// Held for verification (核实): the return is stored but not counted until the
    /// county resubmits or the clerk confirms it with an explanation.
    Hold,
    /// The return is not accepted until fixed.
    Error,
}

macro_rules! codes {
    ($($variant:ident = $code:literal, $sev:ident;)*) => {
        /// Every diagnostic code. The strings are stable: other systems and the README's
        /// table rely on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }
        }
    };
}

codes! {
    FileEmpty = "E-FILE-EMPTY", Error;
    FileHtml = "E-FILE-HTML", Error;
    FileText = "E-FILE-TEXT", Error;
    FilePdf = "E-FILE-PDF", Error;
    FileImage = "E-FILE-IMAGE", Error;
    FileWord = "E-FILE-WORD", Error;
    FileOther = "E-FILE-OTHER", Error;
    FileEncrypted = "E-FILE-ENCRYPTED", Error;
    FileTruncated = "E-FILE-TRUNCATED", Error;
    FileTooLarge = "E-FILE-TOO-LARGE", Error;
    FileUnreadable = "E-FILE-UNREADABLE", Error;
    FileInternal = "E-FILE-INTERNAL", Error;
    LedgerMissing = "E-LEDGER-MISSING", Error;
    ColumnMissing = "E-COLUMN-MISSING", Error;
    UnitMissing = "E-UNIT-MISSING", Error;
    UnitUnknown = "E-UNIT-UNKNOWN", Error;
    UnitCodeMismatch = "E-UNIT-CODE", Error;
    PeriodMissing = "E-PERIOD-MISSING", Error;
    PeriodInvalid = "E-PERIOD-INVALID", Error;
    PeriodMismatch = "E-PERIOD-MISMATCH", Error;
    Required = "E-REQUIRED", Error;
    Number = "E-NUMBER", Error;
    NumberRange = "E-NUMBER-RANGE", Error;
    Negative = "E-NEGATIVE", Error;
    TextTooLong = "E-TEXT-TOO-LONG", Error;
    Date = "E-DATE", Error;
    Choice = "E-CHOICE", Error;
    Industry = "E-INDUSTRY", Error;
    SignedAfterPeriod = "E-SIGNED-AFTER-PERIOD", Error;
    YtdBelowMonth = "E-YTD-BELOW-MONTH", Error;
    DuplicateProject = "E-DUPLICATE-PROJECT", Error;
    ColumnUnmapped = "E-COLUMN-UNMAPPED", Error;
    ColumnSpan = "E-COLUMN-SPAN", Error;
    LedgerSplit = "E-LEDGER-SEVERAL", Error;
    FormulaNoValue = "E-FORMULA-NO-VALUE", Error;
    UnitConflict = "E-UNIT-CONFLICT", Error;
    HoldYtdDrop = "V-YTD-DROP", Hold;
    HoldProjectsGone = "V-PROJECTS-GONE", Hold;
    HoldMagnitude = "V-MAGNITUDE", Hold;
    FundsAboveContract = "W-FUNDS-ABOVE-CONTRACT", Warning;
    SummaryMismatch = "W-SUMMARY-MISMATCH", Warning;
    LedgerSeveral = "W-LEDGER-SEVERAL", Warning;
    TotalMismatch = "W-TOTAL-MISMATCH", Warning;
    NegotiatingDated = "W-NEGOTIATING-DATED", Warning;
    BigNotStarted = "W-BIG-NOT-STARTED", Warning;
    YtdDecrease = "W-YTD-DECREASE", Warning;
    ProjectVanished = "W-PROJECT-VANISHED", Warning;
    CarriedVanished = "W-CARRIED-VANISHED", Warning;
    ProjectElsewhere = "W-PROJECT-ELSEWHERE", Warning;
    UnknownColumn = "I-UNKNOWN-COLUMN", Info;
    SummaryAbsent = "I-SUMMARY-ABSENT", Info;
    RowIgnored = "I-ROW-IGNORED", Info;
}

impl Code {
    /// The code written as `E-NUMBER`, as stored and printed.
    pub fn from_code_str(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One finding about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub sheet: Option<String>,
    /// Zero-based (row, col) of the cell; `None` for whole-file or whole-sheet findings.
    pub cell: Option<(u32, u32)>,
    /// Zero-based row when the finding is about a row rather than one cell.
    pub row: Option<u32>,
    /// The value found, as the county typed it.
    pub value: Option<String>,
    /// Named facts the message templates use (`{column}`, `{expected}`, …). Keys are
    /// the code's own words; one read back from the archive is owned.
    pub args: Vec<(std::borrow::Cow<'static, str>, String)>,
}

impl Diagnostic {
    pub fn new(code: Code) -> Diagnostic {
        Diagnostic {
            code,
            sheet: None,
            cell: None,
            row: None,
            value: None,
            args: Vec::new(),
        }
    }

    /// At a cell of a sheet (zero-based row and column).
    pub fn at(code: Code, sheet: &str, row: u32, col: u32) -> Diagnostic {
        Diagnostic {
            sheet: Some(sheet.to_string()),
            cell: Some((row, col)),
            row: Some(row),
            ..Diagnostic::new(code)
        }
    }

    /// About a whole row of a sheet.
    pub fn at_row(code: Code, sheet: &str, row: u32) -> Diagnostic {
        Diagnostic {
            sheet: Some(sheet.to_string()),
            row: Some(row),
            ..Diagnostic::new(code)
        }
    }

    /// About a whole sheet.
    pub fn in_sheet(code: Code, sheet: &str) -> Diagnostic {
        Diagnostic {
            sheet: Some(sheet.to_string()),
            ..Diagnostic::new(code)
        }
    }

    /// The code of a stored diagnostic (`E-NUMBER`).
    pub fn code_from_str(s: &str) -> Option<Code> {
        Code::from_code_str(s)
    }

    pub fn value(mut self, v: impl Into<String>) -> Diagnostic {
        self.value = Some(v.into());
        self
    }

    pub fn arg(mut self, key: &'static str, v: impl ToString) -> Diagnostic {
        self.args.push((key.into(), v.to_string()));
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// The A1 address, if the finding is about one cell.
    pub fn cell_a1(&self) -> Option<String> {
        self.cell.map(|(r, c)| a1(r, c))
    }

    pub fn message(&self, lang: Lang) -> String {
        catalogue::render(catalogue::message(self.code, lang), self, lang)
    }

    pub fn hint(&self, lang: Lang) -> String {
        catalogue::render(catalogue::hint(self.code, lang), self, lang)
    }

    /// The JSON form of docs/cli.md.
    pub fn to_json(&self, lang: Lang) -> DiagnosticJson {
        DiagnosticJson {
            severity: self.severity(),
            code: self.code,
            sheet: self.sheet.clone(),
            cell: self.cell_a1(),
            row: self.row.map(|r| r + 1),
            value: self.value.clone(),
            message: self.message(lang),
            hint: self.hint(lang),
        }
    }
}

/// A diagnostic as docs/cli.md's JSON shows it (rows one-based, cells A1).
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticJson {
    pub severity: Severity,
    pub code: Code,
    pub sheet: Option<String>,
    pub cell: Option<String>,
    pub row: Option<u32>,
    pub value: Option<String>,
    pub message: String,
    pub hint: String,
}

/// Diagnostics collected for one file, in the order found.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    pub fn count(&self, sev: Severity) -> usize {
        self.0.iter().filter(|d| d.severity() == sev).count()
    }

    /// Sorted for display and output: errors first, then warnings, then notes; within
    /// each, by sheet in order of appearance, row and column.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut sheets: Vec<&str> = Vec::new();
        for d in &self.0 {
            if let Some(s) = &d.sheet {
                if !sheets.contains(&s.as_str()) {
                    sheets.push(s);
                }
            }
        }
        let mut v: Vec<&Diagnostic> = self.0.iter().collect();
        v.sort_by_key(|d| {
            let sheet_pos = d
                .sheet
                .as_deref()
                .and_then(|s| sheets.iter().position(|x| *x == s));
            (
                std::cmp::Reverse(d.severity()),
                sheet_pos,
                d.row,
                d.cell.map(|c| c.1),
            )
        });
        v
    }
}
