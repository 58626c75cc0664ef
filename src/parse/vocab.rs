//! The words of return-format v1: column titles, labels, indicator names and choice
//! values, each with the aliases the contract tolerates. All are compared in the
//! normalised form of [`crate::text::normalize_label`] (simplified, half-width, no spaces).

use crate::model::{FundsSource, Indicator, ProjectKind, Stage};
use crate::parse::value::{unit_word, Currency, MoneyUnit, UnitWord};
use crate::text::normalize_label;

/// A column of 项目明细.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Seq,
    Id,
    Name,
    Investor,
    Origin,
    FundsSource,
    Industry,
    Kind,
    Stage,
    SignedOn,
    ContractAmount,
    ContractFdi,
    StartedOn,
    FundsMonth,
    FundsYtd,
    FdiMonth,
    FdiYtd,
    Fortune500,
    Note,
}

impl Field {
    pub const ALL: [Field; 19] = [
        Field::Seq,
        Field::Id,
        Field::Name,
        Field::Investor,
        Field::Origin,
        Field::FundsSource,
        Field::Industry,
        Field::Kind,
        Field::Stage,
        Field::SignedOn,
        Field::ContractAmount,
        Field::ContractFdi,
        Field::StartedOn,
        Field::FundsMonth,
        Field::FundsYtd,
        Field::FdiMonth,
        Field::FdiYtd,
        Field::Fortune500,
        Field::Note,
    ];

    /// Columns without which no return is accepted.
    pub const REQUIRED: [Field; 6] = [
        Field::Name,
        Field::Investor,
        Field::Industry,
        Field::Stage,
        Field::SignedOn,
        Field::ContractAmount,
    ];

    /// The title the form prints.
    pub fn title(self) -> &'static str {
        match self {
            Field::Seq => "序号",
            Field::Id => "项目编号",
            Field::Name => "项目名称",
            Field::Investor => "投资方",
            Field::Origin => "投资方来源地",
            Field::FundsSource => "资金来源",
            Field::Industry => "产业类别",
            Field::Kind => "项目类型",
            Field::Stage => "项目进展",
            Field::SignedOn => "签约日期",
            Field::ContractAmount => "合同投资额",
            Field::ContractFdi => "其中：合同外资",
            Field::StartedOn => "开工日期",
            Field::FundsMonth => "本月到位资金",
            Field::FundsYtd => "本年累计到位资金",
            Field::FdiMonth => "本月实际使用外资",
            Field::FdiYtd => "本年累计实际使用外资",
            Field::Fortune500 => "是否世界500强",
            Field::Note => "备注",
        }
    }

    /// The currency of a money column.
    pub fn currency(self) -> Option<Currency> {
        match self {
            Field::ContractAmount | Field::FundsMonth | Field::FundsYtd => Some(Currency::Rmb),
            Field::ContractFdi | Field::FdiMonth | Field::FdiYtd => Some(Currency::Usd),
            _ => None,
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Seq => &["序号", "序"],
            Field::Id => &["项目编号", "项目代码", "项目id", "项目编码"],
            Field::Name => &["项目名称", "项目名"],
            Field::Investor => &[
                "投资方",
                "投资主体",
                "签约企业",
                "投资企业",
                "投资方名称",
                "投资商",
            ],
            Field::Origin => &["投资方来源地", "来源地", "投资方所在地", "投资来源地"],
            Field::FundsSource => &["资金来源", "资金来源地"],
            Field::Industry => &["产业类别", "所属产业", "行业类别", "产业分类", "所属行业"],
            Field::Kind => &["项目类型", "项目性质"],
            Field::Stage => &["项目进展", "项目阶段", "进展情况", "项目状态"],
            Field::SignedOn => &["签约日期", "签约时间"],
            Field::ContractAmount => &[
                "合同投资额",
                "总投资",
                "协议投资额",
                "合同金额",
                "项目总投资",
                "总投资额",
                "合同投资",
            ],
            Field::ContractFdi => &["合同外资", "合同外资额"],
            Field::StartedOn => &["开工日期", "开工时间"],
            Field::FundsMonth => &[
                "本月到位资金",
                "到位资金本月",
                "本月实际到位资金",
                "实际到位资金本月",
            ],
            Field::FundsYtd => &[
                "本年累计到位资金",
                "到位资金本年累计",
                "本年实际到位资金",
                "实际到位资金本年累计",
                "到位资金累计",
                "累计到位资金",
            ],
            Field::FdiMonth => &[
                "本月实际使用外资",
                "实际使用外资本月",
                "本月实际利用外资",
                "实际利用外资本月",
            ],
            Field::FdiYtd => &[
                "本年累计实际使用外资",
                "实际使用外资本年累计",
                "实际使用外资累计",
                "本年累计实际利用外资",
                "实际利用外资本年累计",
                "累计实际使用外资",
            ],
            Field::Fortune500 => &["是否世界500强", "世界500强", "是否500强"],
            Field::Note => &["备注", "说明"],
        }
    }

    /// The field a header text names, with the money unit the header declares (万 when
    /// none). Handles `合同投资额（亿元）`, `其中：合同外资`, `1-6月累计` and line breaks.
    pub fn from_header(text: &str) -> Option<(Field, MoneyUnit)> {
        // Every alias holds a Chinese character and normalising keeps ASCII text ASCII, so
        // ASCII text (numbers, dates, codes in the rows under a header) names no column.
        // The header search asks about ~1,000 cells a return; this spares most of them.
        if text.is_ascii() {
            return None;
        }
        let (core, unit) = split_header_unit(&normalize_label(text));
        let field = Field::from_core(&core)?;
        let unit = match (unit, field.currency()) {
            (Some((Some(c), u)), Some(fc)) if c == fc => u,
            (Some((Some(_), _)), Some(_)) => return None,
            (_, _) => MoneyUnit::Wan,
        };
        Some((field, unit))
    }
}

/// The money columns whose figure is split by period: the measure a title names and the
/// two fields, for 本月 and 本年累计.
const PERIOD_MEASURES: &[(&[&str], Field, Field)] = &[
    (
        &[
            "到位资金",
            "实际到位资金",
            "资金到位",
            "资金到位额",
            "到位资金额",
            "实际到位资金额",
        ],
        Field::FundsMonth,
        Field::FundsYtd,
    ),
    (
        &[
            "实际使用外资",
            "实际利用外资",
            "使用外资",
            "利用外资",
            "外资",
            "实际使用外资金额",
            "实际利用外资金额",
            "实际到位外资",
            "到位外资",
        ],
        Field::FdiMonth,
        Field::FdiYtd,
    ),
];

/// Period words in their canonical form (see [`canonical_span_words`]): true for the
/// month, false for the year to date.
const PERIOD_WORDS: &[(&str, bool)] = &[
    ("本月", true),
    ("本年累计", false),
    ("本年", false),
    ("累计", false),
];

impl Field {
    /// The field a normalised title core names (its unit already split off): an alias, or
    /// a period-split measure with its period on either side (`到位资金本月`,
    /// `本年累计实际利用外资`, `外资1-6月`), as two- and three-row headers join them.
    pub fn from_core(core: &str) -> Option<Field> {
        let core = canonical_span_words(core.strip_prefix("其中:").unwrap_or(core));
        if let Some(f) = Field::ALL
            .into_iter()
            .find(|f| f.aliases().contains(&core.as_str()))
        {
            return Some(f);
        }
        for (word, month) in PERIOD_WORDS {
            let measure = core.strip_prefix(word).or_else(|| core.strip_suffix(word));
            let Some(measure) = measure else { continue };
            let measure = measure.strip_prefix("其中:").unwrap_or(measure);
            for (names, month_field, ytd_field) in PERIOD_MEASURES {
                if names.contains(&measure) {
                    return Some(if *month { *month_field } else { *ytd_field });
                }
            }
        }
        None
    }
}

/// A figure of the format a column title may name, read or not: what makes a column that
/// cannot be mapped an error (E-COLUMN-UNMAPPED) rather than a column to pass over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    FundsInPlace,
    Fdi,
    ContractFdi,
    PlannedInvestment,
    ContractAmount,
}

impl Figure {
    /// The figure a normalised title (cores of every header row joined) names, if any.
    /// The order matters: 合同外资 before 外资, 计划总投资 before 总投资.
    pub fn named_in(text: &str) -> Option<Figure> {
        let t = text;
        if t.contains("合同外资") {
            Some(Figure::ContractFdi)
        } else if ["实际使用外资", "实际利用外资", "使用外资", "利用外资", "到位外资"]
            .iter()
            .any(|w| t.contains(w))
            // 外资 alone (`外资`, `外资本月`), not 外资企业 or 是否外资.
            || t.strip_prefix("外资").is_some_and(|rest| {
                rest.is_empty() || PERIOD_WORDS.iter().any(|(w, _)| rest.starts_with(w))
            })
            || PERIOD_WORDS
                .iter()
                .any(|(w, _)| t.strip_prefix(w) == Some("外资"))
        {
            Some(Figure::Fdi)
        } else if t.contains("到位资金") || t.contains("资金到位") {
            Some(Figure::FundsInPlace)
        } else if t.contains("计划总投资") {
            Some(Figure::PlannedInvestment)
        } else if ["合同投资", "投资额", "总投资", "协议投资", "合同金额"]
            .iter()
            .any(|w| t.contains(w))
        {
            Some(Figure::ContractAmount)
        } else {
            None
        }
    }

    /// The figure's name, as messages quote it.
    pub fn name(self) -> &'static str {
        match self {
            Figure::FundsInPlace => "到位资金",
            Figure::Fdi => "实际使用外资",
            Figure::ContractFdi => "合同外资",
            Figure::PlannedInvestment => "计划总投资",
            Figure::ContractAmount => "合同投资额",
        }
    }

    /// The form's title(s) for the figure.
    pub fn expected(self) -> &'static str {
        match self {
            Figure::FundsInPlace => "本月到位资金、本年累计到位资金",
            Figure::Fdi => "本月实际使用外资、本年累计实际使用外资",
            Figure::ContractFdi => "其中：合同外资",
            // A ledger states each project's 合同投资额; 计划总投资 of new starts is derived
            // from it, so the column has nowhere to go.
            Figure::PlannedInvestment | Figure::ContractAmount => "合同投资额",
        }
    }
}

/// A money unit's word in a currency: 万元, 亿美元…
pub fn unit_label(unit: MoneyUnit, currency: Currency) -> &'static str {
    match (currency, unit) {
        (Currency::Rmb, MoneyUnit::One) => "元",
        (Currency::Rmb, MoneyUnit::Thousand) => "千元",
        (Currency::Rmb, MoneyUnit::Wan) => "万元",
        (Currency::Rmb, MoneyUnit::Million) => "百万元",
        (Currency::Rmb, MoneyUnit::Yi) => "亿元",
        (Currency::Usd, MoneyUnit::One) => "美元",
        (Currency::Usd, MoneyUnit::Thousand) => "千美元",
        (Currency::Usd, MoneyUnit::Wan) => "万美元",
        (Currency::Usd, MoneyUnit::Million) => "百万美元",
        (Currency::Usd, MoneyUnit::Yi) => "亿美元",
    }
}

/// The money units a unit statement states, by currency, in the order written:
/// `单位：万元`, `金额单位：亿元`, `单位：万元、万美元`, `注：本表金额单位为亿元`,
/// `说明：金额单位为万元，外资金额单位为万美元。`. Text without `单位` followed by a money
/// unit (`填报单位：巴南区`, `单位名称`) states none.
pub fn unit_statement(text: &str) -> Vec<(Currency, MoneyUnit)> {
    if !text.contains("单位") && !text.contains("單位") {
        return Vec::new();
    }
    let n = normalize_label(text);
    let mut out = Vec::new();
    let mut rest = n.as_str();
    while let Some(pos) = rest.find("单位") {
        rest = &rest[pos + "单位".len()..];
        let mut t = rest;
        // `单位：`, `单位为`, `单位均为`, `单位：人民币`.
        loop {
            let before = t.len();
            for lead in [":", "为", "均为", "统一为", "是", "人民币", "("] {
                t = t.strip_prefix(lead).unwrap_or(t);
            }
            if t.len() == before {
                break;
            }
        }
        // Unit words separated by 、 , / ; 和 及.
        while let Some((word, len)) = STATED_UNITS
            .iter()
            .find(|w| t.starts_with(**w))
            .and_then(|w| unit_word(w).map(|u| (u, w.len())))
        {
            if let (Some(c), u) = word {
                out.push((c, u));
            }
            t = &t[len..];
            let sep = t
                .chars()
                .next()
                .filter(|c| matches!(c, '、' | ',' | '/' | ';' | '和' | '及' | '与'));
            match sep {
                Some(c) => t = &t[c.len_utf8()..],
                None => break,
            }
            t = t.strip_prefix("人民币").unwrap_or(t);
        }
    }
    out
}

/// Unit words a statement may name, longest first so that 万美元 is not read as 万.
const STATED_UNITS: &[&str] = &[
    "百万美元",
    "万美元",
    "亿美元",
    "千美元",
    "百万元",
    "美元",
    "万元",
    "亿元",
    "千元",
    "元",
    "个",
    "项",
];

/// Splits a trailing unit off a normalised header: `合同投资额(亿元)` → (`合同投资额`,
/// 亿元), also `合同投资额/万元` and `合同投资额万元`.
pub fn split_header_unit(h: &str) -> (String, Option<UnitWord>) {
    if let Some(open) = h.rfind('(') {
        if h.ends_with(')') {
            let inner = &h[open + 1..h.len() - 1];
            let inner = inner.strip_prefix("单位:").unwrap_or(inner);
            if let Some(u) = unit_word(inner) {
                return (h[..open].to_string(), Some(u));
            }
        }
    }
    if let Some((core, unit)) = h.rsplit_once('/') {
        if let Some(u) = unit_word(unit) {
            return (core.to_string(), Some(u));
        }
    }
    for suffix in ["万美元", "亿美元", "美元", "万元", "亿元"] {
        if let Some(core) = h.strip_suffix(suffix) {
            if !core.is_empty() && !core.ends_with("以上") {
                return (core.to_string(), unit_word(suffix));
            }
        }
    }
    (h.to_string(), None)
}

/// Rewrites the period words of a header to one form: `当月` → `本月`, `1-6月累计` and
/// `1—6月` → `本年累计`.
pub fn canonical_span_words(h: &str) -> String {
    let mut s = h.replace("当月", "本月").replace("本年度", "本年");
    // 1-N月累计 / 1—N月 / 1至N月
    if let Some(pos) = s.find('1') {
        let rest = &s[pos + 1..];
        if let Some(sep) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '-' | '—' | '–' | '~' | '至'))
        {
            let after = &rest[sep.len_utf8()..];
            let digits = after.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 && after[digits..].starts_with('月') {
                let tail = &after[digits + '月'.len_utf8()..];
                let tail = tail.strip_prefix("累计").unwrap_or(tail);
                s = format!("{}本年累计{}", &s[..pos], tail);
            }
        }
    }
    s
}

/// A `1-N月` span written in a title (`1-5月累计到位资金`, `1—5月`, `1至5月`, full-width
/// digits too): its byte range in `text` and N. A span names the months it covers, so it
/// must end on the report month (E-COLUMN-SPAN).
pub fn written_span(text: &str) -> Option<(std::ops::Range<usize>, u32)> {
    let digit = |c: char| {
        c.to_digit(10)
            .or_else(|| ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32))
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(start, c)) in chars.iter().enumerate() {
        if digit(c) != Some(1) || (i > 0 && digit(chars[i - 1].1).is_some()) {
            continue;
        }
        let Some(&(_, sep)) = chars.get(i + 1) else {
            continue;
        };
        if !matches!(sep, '-' | '—' | '–' | '~' | '～' | '至' | '－' | '―' | '一') {
            continue;
        }
        let mut j = i + 2;
        let mut n = 0u32;
        while let Some(d) = chars.get(j).and_then(|&(_, c)| digit(c)) {
            n = n.saturating_mul(10).saturating_add(d);
            j += 1;
        }
        if j == i + 2 || !(1..=12).contains(&n) {
            continue;
        }
        if let Some(&(at, '月')) = chars.get(j) {
            return Some((start..at + '月'.len_utf8(), n));
        }
    }
    None
}

/// The 基本信息 labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    Unit,
    Code,
    Period,
    Preparer,
    Phone,
    Reviewer,
    FilledOn,
}

impl Label {
    pub const ALL: [Label; 7] = [
        Label::Unit,
        Label::Code,
        Label::Period,
        Label::Preparer,
        Label::Phone,
        Label::Reviewer,
        Label::FilledOn,
    ];

    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Label::Unit => &["填报单位", "单位名称", "报送单位", "填表单位"],
            Label::Code => &["行政区划代码", "区划代码", "单位代码"],
            Label::Period => &["报告期", "统计期", "报表期", "所属期", "报告期间"],
            Label::Preparer => &["填报人", "填表人"],
            Label::Phone => &["联系电话", "电话"],
            Label::Reviewer => &["审核人"],
            Label::FilledOn => &["填报日期", "填表日期"],
        }
    }

    /// The label a normalised cell text is, ignoring a trailing colon.
    pub fn from_text(normalised: &str) -> Option<Label> {
        let t = normalised.trim_end_matches(':');
        Label::ALL.into_iter().find(|l| l.aliases().contains(&t))
    }
}

/// Indicator names of 主要指标 and their aliases.
pub fn indicator_from_name(text: &str) -> Option<(Indicator, Option<UnitWord>)> {
    let (core, unit) = split_header_unit(&normalize_label(text));
    let core = core.strip_prefix("其中:").unwrap_or(&core);
    let core = core.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '、');
    let ind = Indicator::ALL
        .into_iter()
        .find(|i| i.name() == core || indicator_aliases(*i).contains(&core))?;
    Some((ind, unit))
}

fn indicator_aliases(i: Indicator) -> &'static [&'static str] {
    match i {
        Indicator::SignedCount => &["签约项目个数", "新签项目数", "签约项目数", "新签约项目个数"],
        Indicator::SignedAmount => &[
            "签约金额",
            "合同投资额",
            "协议引资额",
            "签约引资额",
            "新签约项目合同投资额",
            "新签约金额",
        ],
        Indicator::BigCount => &["亿元以上项目个数", "亿元以上签约项目数"],
        Indicator::BigAmount => &["亿元以上项目投资额", "亿元以上项目签约金额"],
        Indicator::StartedCount => &["开工项目个数", "开工项目数", "新开工项目个数"],
        Indicator::StartedInvestment => &["开工项目投资额", "新开工项目总投资"],
        Indicator::FundsInPlace => &["到位资金", "资金到位额"],
        Indicator::FundsOutOfProvince => &["省外资金", "省外到位资金"],
        Indicator::FdiUsd => &["外商直接投资到资", "实际利用外资"],
        Indicator::NegotiatingCount => &["在谈项目个数"],
        Indicator::OutboundTrips => &["外出招商次数"],
        Indicator::VisitorsReceived => &["接待客商批次数"],
    }
}

/// 项目进展 words.
pub fn stage_from_text(s: &str) -> Option<Stage> {
    // Most cells hold a word of the drop-down exactly: matched before normalising (every
    // word of these lists is its own normal form).
    Some(match normalized_unless_listed(s, STAGE_WORDS).as_ref() {
        "在谈" | "洽谈" | "洽谈中" | "在洽谈" | "在谈中" => Stage::Negotiating,
        "已签约" | "签约" | "已签" | "签约未开工" => Stage::Signed,
        "已开工" | "开工" | "在建" | "已开工在建" => Stage::Started,
        "已投产" | "投产" | "建成投产" | "已建成投产" => Stage::InProduction,
        _ => return None,
    })
}

/// 资金来源 words.
pub fn funds_source_from_text(s: &str) -> Option<FundsSource> {
    Some(match normalized_unless_listed(s, FUNDS_WORDS).as_ref() {
        "市内" | "本市" => FundsSource::WithinCity,
        "省内市外" | "省内" => FundsSource::WithinProvince,
        "省外境内" | "省外" | "国内省外" => FundsSource::OutOfProvince,
        "境外" | "国外" | "港澳台" | "境外(含港澳台)" => FundsSource::Abroad,
        _ => return None,
    })
}

/// 项目类型 words.
pub fn kind_from_text(s: &str) -> Option<ProjectKind> {
    Some(match normalized_unless_listed(s, KIND_WORDS).as_ref() {
        "新建" | "新建项目" => ProjectKind::New,
        "增资扩产" | "增资" | "扩产" | "增资扩建" | "扩建" => ProjectKind::Expansion,
        _ => return None,
    })
}

/// 是 / 否.
pub fn yes_no_from_text(s: &str) -> Option<bool> {
    match normalized_unless_listed(s, YES_NO_WORDS).as_ref() {
        "是" | "y" | "yes" | "√" => Some(true),
        "否" | "n" | "no" | "×" => Some(false),
        _ => None,
    }
}

/// The words the choice functions below match, each in its normal form.
const STAGE_WORDS: &[&str] = &[
    "在谈",
    "洽谈",
    "洽谈中",
    "在洽谈",
    "在谈中",
    "已签约",
    "签约",
    "已签",
    "签约未开工",
    "已开工",
    "开工",
    "在建",
    "已开工在建",
    "已投产",
    "投产",
    "建成投产",
    "已建成投产",
];
const FUNDS_WORDS: &[&str] = &[
    "市内",
    "本市",
    "省内市外",
    "省内",
    "省外境内",
    "省外",
    "国内省外",
    "境外",
    "国外",
    "港澳台",
    "境外(含港澳台)",
];
const KIND_WORDS: &[&str] = &[
    "新建",
    "新建项目",
    "增资扩产",
    "增资",
    "扩产",
    "增资扩建",
    "扩建",
];
const YES_NO_WORDS: &[&str] = &["是", "y", "yes", "√", "否", "n", "no", "×"];

/// `s` itself when it is one of `words`, else its normal form.
fn normalized_unless_listed<'a>(s: &'a str, words: &[&str]) -> std::borrow::Cow<'a, str> {
    if words.contains(&s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(normalize_label(s))
    }
}

/// Whether a cell text marks a totals row (合计, 总 计, 小计…).
pub fn is_total_marker(s: &str) -> bool {
    // Every marker has 计 (計 before simplifying): other text, nearly every cell, is not
    // normalised at all.
    if !s.contains(['计', '計']) {
        return false;
    }
    let t = normalize_label(s);
    let t = t
        .split('(')
        .next()
        .unwrap_or_default()
        .trim_end_matches(':');
    matches!(
        t,
        "合计" | "总计" | "小计" | "合计数" | "总合计" | "全部合计" | "本页合计"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_listed_choice_words_are_their_own_normal_form_and_all_matched() {
        for words in [STAGE_WORDS, FUNDS_WORDS, KIND_WORDS, YES_NO_WORDS] {
            for w in words {
                assert_eq!(normalize_label(w), *w, "{w:?} is not in normal form");
            }
        }
        // Each list is exactly the words its function matches: a word dropped from the
        // list would still be matched (normalised), a word added must be matched.
        assert!(STAGE_WORDS.iter().all(|w| stage_from_text(w).is_some()));
        assert!(FUNDS_WORDS
            .iter()
            .all(|w| funds_source_from_text(w).is_some()));
        assert!(KIND_WORDS.iter().all(|w| kind_from_text(w).is_some()));
        assert!(YES_NO_WORDS.iter().all(|w| yes_no_from_text(w).is_some()));
        assert_eq!(stage_from_text(" 已簽約 "), Some(Stage::Signed));
        assert_eq!(
            funds_source_from_text("境外（含港澳台）"),
            Some(FundsSource::Abroad)
        );
        assert_eq!(yes_no_from_text("Y"), Some(true));
    }

    #[test]
    fn totals_rows_in_every_form() {
        for t in ["合计", "总 计", "小計", "合计：", "本页合计(万元)", "總計"] {
            assert!(is_total_marker(t), "{t:?}");
        }
        for t in ["合同", "计划总投资", "项目"] {
            assert!(!is_total_marker(t), "{t:?}");
        }
    }

    #[test]
    fn every_column_alias_holds_a_chinese_character() {
        // from_header turns ASCII text away without normalising it; that is exact only
        // while no alias is plain ASCII.
        for f in Field::ALL {
            for a in f.aliases() {
                assert!(!a.is_ascii(), "{f:?} alias {a:?} is ASCII");
            }
        }
        assert_eq!(Field::from_header("2025-01-28"), None);
        assert_eq!(Field::from_header("48900"), None);
    }

    #[test]
    fn headers_with_units_aliases_and_traditional_characters() {
        assert_eq!(
            Field::from_header("合同投资额（亿元）"),
            Some((Field::ContractAmount, MoneyUnit::Yi))
        );
        assert_eq!(
            Field::from_header("協議投資額(元)"),
            Some((Field::ContractAmount, MoneyUnit::One))
        );
        assert_eq!(
            Field::from_header("簽約\n日期"),
            Some((Field::SignedOn, MoneyUnit::Wan))
        );
        assert_eq!(
            Field::from_header("其中：合同外资（万美元）"),
            Some((Field::ContractFdi, MoneyUnit::Wan))
        );
        assert_eq!(
            Field::from_header("到位资金1-6月累计"),
            Some((Field::FundsYtd, MoneyUnit::Wan))
        );
        assert_eq!(
            Field::from_header("到位资金当月"),
            Some((Field::FundsMonth, MoneyUnit::Wan))
        );
        assert_eq!(
            Field::from_header("项目 名称"),
            Some((Field::Name, MoneyUnit::Wan))
        );
        assert_eq!(Field::from_header("合同投资额(万美元)"), None);
        assert_eq!(Field::from_header("联系人"), None);
    }

    #[test]
    fn every_indicator_is_found_by_its_own_name_and_its_form_label() {
        for i in Indicator::ALL {
            assert_eq!(indicator_from_name(i.name()).map(|x| x.0), Some(i), "{i:?}");
            assert_eq!(
                indicator_from_name(&i.label()).map(|x| x.0),
                Some(i),
                "{i:?}"
            );
        }
    }

    #[test]
    fn indicator_names_with_units() {
        assert_eq!(
            indicator_from_name("实际到位资金（亿元）").map(|x| x.0),
            Some(Indicator::FundsInPlace)
        );
        assert_eq!(
            indicator_from_name("其中：亿元以上项目数").map(|x| x.0),
            Some(Indicator::BigCount)
        );
        assert_eq!(
            indicator_from_name("1.新签约项目数").map(|x| x.0),
            Some(Indicator::SignedCount)
        );
    }

    #[test]
    fn spans_written_in_titles() {
        let span = |t: &str| written_span(t).map(|(r, n)| (t[r].to_string(), n));
        assert_eq!(span("1-5月累计到位资金"), Some(("1-5月".into(), 5)));
        assert_eq!(span("1—5月累计"), Some(("1—5月".into(), 5)));
        assert_eq!(span("1至12月"), Some(("1至12月".into(), 12)));
        assert_eq!(span("到位资金１－６月"), Some(("１－６月".into(), 6)));
        assert_eq!(span("2021年1-5月"), Some(("1-5月".into(), 5)));
        assert_eq!(span("11-12月"), None);
        assert_eq!(span("1-13月"), None);
        assert_eq!(span("本年累计到位资金"), None);
    }

    #[test]
    fn total_markers() {
        assert!(is_total_marker("合  计"));
        assert!(is_total_marker("總計"));
        assert!(is_total_marker("合计（万元）"));
        assert!(!is_total_marker("合计划项目"));
    }
}
