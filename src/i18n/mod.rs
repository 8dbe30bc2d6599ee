//! The UI's words in Chinese and English, one module per area (the import/export page's texts
//! stay out of the first load). A text without placeholders is an enum value with both texts; a
//! text with placeholders is a method with typed parameters and, in English, its plural forms
//! ("1 customer", "3 customers"). A missing translation does not compile. Terms follow the
//! glossary in DOMAIN.md.

pub mod app;
pub mod couch;
mod errors;
pub mod folder;
pub mod forecast;
pub mod pipeline;
pub mod quota;
pub mod team;
pub mod tools;
mod values;

pub use app::Msg;
pub use couch::CouchMsg;
pub use folder::FolderMsg;
pub use forecast::FcMsg;
pub use pipeline::PipeMsg;
pub use quota::QMsg;
pub use team::TeamMsg;
pub use tools::ToolMsg;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Chinese for any `zh*` browser language, English otherwise.
    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }

    pub fn t(self, msg: impl Message) -> &'static str {
        msg.text(self)
    }
}

/// A set of UI texts: each enum value has a Chinese and an English text.
pub trait Message: Copy + std::fmt::Debug + 'static {
    fn text(self, lang: Lang) -> &'static str;
}

/// Declares texts without placeholders: `Key => "中文", "English";`.
macro_rules! messages {
    ($(#[$doc:meta])* $name:ident { $($key:ident => $zh:literal, $en:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($key),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$key),+];
        }

        impl $crate::i18n::Message for $name {
            fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                match (lang, self) {
                    $(($crate::i18n::Lang::Zh, $name::$key) => $zh, ($crate::i18n::Lang::En, $name::$key) => $en,)+
                }
            }
        }
    };
}
pub(crate) use messages;

/// Declares texts with placeholders as methods of `Lang` with typed parameters:
/// `name(n: usize) => "中文 {n}", "English {n}";`, with English plurals as
/// `[n => "{n} customer", "{n} customers"]`, or a block for anything else.
macro_rules! phrases {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*) => $zh:literal, $en:tt;)+) => {
        impl Lang {
            $(
                $(#[$doc])*
                pub fn $name(self, $($arg: $ty),*) -> String {
                    match self {
                        Lang::Zh => format!($zh),
                        Lang::En => $crate::i18n::phrases!(@en $en),
                    }
                }
            )+
        }
    };
    (@en $en:literal) => { format!($en) };
    (@en [$count:ident => $one:literal, $other:literal]) => {
        if $count == 1 { format!($one) } else { format!($other) }
    };
    (@en { $($body:tt)* }) => { { $($body)* } };
}
pub(crate) use phrases;

/// `1 deal`, `3 deals`.
pub fn plural(n: usize, one: &str, other: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { other })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_chinese(text: &str) -> bool {
        text.chars().any(|c| c as u32 >= 0x2e80)
    }

    #[test]
    fn every_message_has_distinct_non_empty_texts_in_both_languages() {
        fn check<M: Message>(all: &[M], exempt: &[&str]) {
            for &msg in all {
                let (zh, en) = (Lang::Zh.t(msg), Lang::En.t(msg));
                let name = format!("{msg:?}");
                assert!(!zh.is_empty() && !en.is_empty(), "{name}");
                assert!(has_chinese(zh) || exempt.contains(&name.as_str()), "{name} zh text has no Chinese: {zh}");
                assert!(!zh.contains('{') && !en.contains('{'), "{name}: placeholders belong in phrases");
            }
        }
        check(Msg::ALL, &["AppName", "SwitchLanguage"]);
        check(PipeMsg::ALL, &[]);
        check(ToolMsg::ALL, &[]);
        check(FcMsg::ALL, &[]);
        check(team::TeamMsg::ALL, &[]);
        check(couch::CouchMsg::ALL, &[]);
        check(folder::FolderMsg::ALL, &[]);
    }

    #[test]
    fn browser_language_picks_the_ui_language() {
        assert_eq!(Lang::from_code("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_code("zh-TW"), Lang::Zh);
        assert_eq!(Lang::from_code("en-US"), Lang::En);
        assert_eq!(Lang::from_code("de"), Lang::En);
    }

    #[test]
    fn phrases_fill_typed_values_and_english_counts_agree_in_number() {
        assert_eq!(Lang::En.customers_count(12), "12 customers");
        assert_eq!(Lang::En.customers_count(1), "1 customer");
        let came = [("customer".to_owned(), 1), ("deal".to_owned(), 3), ("team".to_owned(), 1), ("rep".to_owned(), 1)];
        assert_eq!(Lang::En.kind_counts(&came), "1 customer · 3 deals · 2 other records");
        assert_eq!(Lang::Zh.kind_counts(&came[..1]), "客户 1");
        assert_eq!(Lang::Zh.customers_count(1), "共 1 位客户");
        assert_eq!(Lang::En.rotting(1), "1 day idle");
        assert_eq!(Lang::En.rotting(2), "2 days idle");
        assert_eq!(Lang::En.hand_over_all_done(1, 3, "Li"), "Handed 1 deal and 3 customers to Li");
        assert_eq!(
            Lang::En.restore_confirm(1, 2, 1, 5),
            "Restoring replaces the current 5 customers with the backup's 1 customer, 2 reps and 1 team."
        );
        assert_eq!(Lang::Zh.deleted_name("恒达"), "已删除“恒达”");
        let quota = Lang::Zh.store_error(&crate::store::StoreError::QuotaExceeded);
        assert!(quota.contains("存储空间已满"));
    }
}
