//! The pipeline area: the board of deals by stage (drag and drop, or the move buttons from the
//! keyboard), a deal's page with its timeline and activities, the deal form, the stages and
//! the no-follow-up report.

mod activities;
mod board;
mod deal;
mod deal_form;
mod list;
mod stages;

pub use board::PipelineBoard;
pub use deal::{CustomerDeals, DealDetail};
pub use deal_form::DealForm;
pub use stages::{FollowUpReport, StagesPage};

use crate::domain::{Currency, Money};
use crate::i18n::Lang;

/// `¥1.2万` / `$12.3k`: compact, in the deal's currency.
fn amount(lang: Lang, currency: Currency, money: Money) -> String {
    money.compact(lang.is_zh()).replacen('¥', currency.symbol(), 1)
}

/// Sums in several currencies, `¥120万 + $3.5万`.
fn sums(lang: Lang, sums: &[(Currency, Money)]) -> String {
    if sums.is_empty() {
        return amount(lang, Currency::Cny, Money::ZERO);
    }
    sums.iter().map(|(c, m)| amount(lang, *c, *m)).collect::<Vec<_>>().join(" + ")
}

/// Today where the user is.
fn today() -> crate::domain::Today {
    crate::ui::clock::today()
}
