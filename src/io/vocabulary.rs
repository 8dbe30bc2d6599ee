//! The words spreadsheets use for the domain's values, apart from the UI's labels: the export
//! writes each value's word in the file's language, and the import reads those words and their
//! synonyms in either language (plus the stable codes). Rewording a label in the UI changes
//! neither what is exported nor what imports.

use crate::domain::{CompanySize, CustomerKind, Intent, Tier};
use crate::i18n::Lang;

/// A value with its exported words (Chinese, English) and the other words that import as it.
struct Word<T: 'static> {
    value: T,
    zh: &'static str,
    en: &'static str,
    also: &'static [&'static str],
}

const KINDS: &[Word<CustomerKind>] = &[
    Word {
        value: CustomerKind::Organisation,
        zh: "企业客户",
        en: "Organisation",
        also: &["企业", "公司", "组织", "organization", "company", "organisation"],
    },
    Word {
        value: CustomerKind::Individual, zh: "个人客户", en: "Individual", also: &["个人", "person", "individual"]
    },
];

const INTENTS: &[Word<Intent>] = &[
    Word { value: Intent::High, zh: "高", en: "High", also: &["强", "h", "3", "高意向", "high"] },
    Word { value: Intent::Medium, zh: "中", en: "Medium", also: &["一般", "m", "2", "中意向", "medium"] },
    Word { value: Intent::Low, zh: "低", en: "Low", also: &["弱", "l", "1", "低意向", "low"] },
];

const TIERS: &[Word<Tier>] = &[
    Word { value: Tier::Strategic, zh: "战略客户", en: "Strategic", also: &["战略", "a", "strategic"] },
    Word { value: Tier::Key, zh: "重点客户", en: "Key", also: &["重点", "vip", "b", "key"] },
    Word { value: Tier::Regular, zh: "普通客户", en: "Regular", also: &["普通", "c", "regular"] },
    Word { value: Tier::Prospect, zh: "潜在客户", en: "Prospect", also: &["潜在", "d", "prospect"] },
];

const SIZES: &[Word<CompanySize>] = &[
    Word { value: CompanySize::Micro, zh: "1-9人", en: "1-9 staff", also: &["微型", "micro", "1-9"] },
    Word { value: CompanySize::Small, zh: "10-49人", en: "10-49 staff", also: &["小型", "small", "10-49"] },
    Word { value: CompanySize::Medium, zh: "50-249人", en: "50-249 staff", also: &["中型", "medium", "50-249"] },
    Word { value: CompanySize::Large, zh: "250人以上", en: "250+ staff", also: &["大型", "large", "250+"] },
];

fn find<T: Copy>(words: &[Word<T>], text: &str) -> Option<T> {
    let v = text.trim().to_lowercase();
    words
        .iter()
        .find(|w| w.zh.to_lowercase() == v || w.en.to_lowercase() == v || w.also.contains(&v.as_str()))
        .map(|w| w.value)
}

fn word<T: PartialEq>(words: &[Word<T>], lang: Lang, value: T) -> &'static str {
    words.iter().find(|w| w.value == value).map_or("", |w| if lang.is_zh() { w.zh } else { w.en })
}

pub fn kind(text: &str) -> Option<CustomerKind> {
    find(KINDS, text)
}

pub fn intent(text: &str) -> Option<Intent> {
    find(INTENTS, text)
}

pub fn tier(text: &str) -> Option<Tier> {
    find(TIERS, text)
}

pub fn size(text: &str) -> Option<CompanySize> {
    find(SIZES, text)
}

pub fn kind_word(lang: Lang, value: CustomerKind) -> &'static str {
    word(KINDS, lang, value)
}

pub fn intent_word(lang: Lang, value: Intent) -> &'static str {
    word(INTENTS, lang, value)
}

pub fn tier_word(lang: Lang, value: Tier) -> &'static str {
    word(TIERS, lang, value)
}

pub fn size_word(lang: Lang, value: CompanySize) -> &'static str {
    word(SIZES, lang, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_exports_a_word_that_imports_back_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for k in CustomerKind::ALL {
                assert_eq!(kind(kind_word(lang, *k)), Some(*k));
                assert_eq!(kind(k.code()), Some(*k), "the stable code imports too");
            }
            for i in Intent::ALL {
                assert_eq!(intent(intent_word(lang, *i)), Some(*i));
            }
            for t in Tier::ALL {
                assert_eq!(tier(tier_word(lang, *t)), Some(*t));
            }
            for s in CompanySize::ALL {
                assert_eq!(size(size_word(lang, *s)), Some(*s));
            }
        }
        assert_eq!(intent(" 强 "), Some(Intent::High));
        assert_eq!(tier("VIP"), Some(Tier::Key));
        assert_eq!(kind("公司"), Some(CustomerKind::Organisation));
        assert_eq!(tier("金牌"), None);
    }
}
