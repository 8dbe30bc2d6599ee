//! Money as integer cents (分), parsed from what people type and shown the way they read it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in cents. Currency is the team's own (CNY by default) until deals bring their own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Money(pub i64);

/// Why a typed amount was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    NotANumber,
    Negative,
    TooLarge,
}

impl Money {
    pub const ZERO: Money = Money(0);
    /// A trillion yuan: larger amounts are typing mistakes, and stay far from i64 overflow.
    pub const MAX: Money = Money(1_000_000_000_000 * 100);

    pub fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    /// Parses what a user types: `12345`, `12,345.60`, `¥ 8000`, `3.5万` (ten thousands),
    /// `1.2亿`, full-width digits. Empty input is zero. Negative amounts are refused.
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        let normalised: String = input
            .trim()
            .chars()
            .map(half_width)
            .filter(|c| !matches!(c, ',' | ' ' | '¥' | '￥' | '$' | '元'))
            .collect();
        let normalised = normalised.trim_start_matches("CNY").trim_start_matches("RMB");
        if normalised.is_empty() {
            return Ok(Money::ZERO);
        }
        if normalised.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let (number, multiplier) = if let Some(n) = normalised.strip_suffix('万') {
            (n, 10_000u128)
        } else if let Some(n) = normalised.strip_suffix('亿') {
            (n, 100_000_000u128)
        } else {
            (normalised, 1u128)
        };
        let (whole, frac) = match number.split_once('.') {
            Some((w, f)) => (w, f),
            None => (number, ""),
        };
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits_ok(whole) || !digits_ok(frac) {
            return Err(MoneyError::NotANumber);
        }
        if whole.len() > 15 {
            return Err(MoneyError::TooLarge);
        }
        // Work in millionths of a cent so that 3.5万 or 0.015 round once, at the end.
        const SCALE: u128 = 1_000_000;
        let whole_value: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyError::NotANumber)? };
        let frac_digits: String = frac.chars().take(8).collect();
        let frac_value: u128 = if frac_digits.is_empty() {
            0
        } else {
            let v: u128 = frac_digits.parse().map_err(|_| MoneyError::NotANumber)?;
            v * 100 * SCALE / 10u128.pow(frac_digits.len() as u32)
        };
        let micro_cents = (whole_value * 100 * SCALE + frac_value) * multiplier;
        let cents = (micro_cents + SCALE / 2) / SCALE;
        if cents > Money::MAX.0 as u128 {
            return Err(MoneyError::TooLarge);
        }
        Ok(Money(cents as i64))
    }

    /// Plain form for an input field: `12345.6` becomes `12345.60`, whole amounts drop the cents.
    pub fn to_input(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        if abs.is_multiple_of(100) {
            format!("{sign}{}", abs / 100)
        } else {
            format!("{sign}{}.{:02}", abs / 100, abs % 100)
        }
    }

    /// Short form for charts and tight columns: `¥1.2万`-style in Chinese, `¥12.3k`/`¥1.2M` in English.
    /// Integer arithmetic only (float formatting would add ~10 KB to the wasm).
    pub fn compact(self, chinese: bool) -> String {
        self.compact_with(chinese, 1)
    }

    /// As [`Money::compact`], with `decimals` places (0 to 6) in the scaled figure: for labels
    /// that must tell close amounts apart (`¥1.4523亿`).
    pub fn compact_with(self, chinese: bool, decimals: u32) -> String {
        const WAN: u64 = 10_000 * 100;
        const YI: u64 = 100_000_000 * 100;
        let sign = if self.0 < 0 { "-" } else { "" };
        let cents = self.0.unsigned_abs();
        let decimals = decimals.min(6);
        // `decimals` places of `cents / unit`, rounded half up.
        // (In u64: 128-bit division would add its routine to the page's first load.)
        let tenths = |unit: u64| {
            let scale = 10u64.pow(decimals);
            let t = (cents.saturating_mul(scale).saturating_add(unit / 2)) / unit;
            let (whole, part) = (t / scale, t % scale);
            match decimals {
                0 => format!("{whole}"),
                d => format!("{whole}.{part:0width$}", width = d as usize),
            }
        };
        let scaled = if chinese {
            match cents {
                c if c >= YI => format!("{}亿", tenths(YI)),
                c if c >= WAN => format!("{}万", tenths(WAN)),
                c => format!("{}", (c + 50) / 100),
            }
        } else {
            match cents {
                c if c >= 1_000_000_000 * 100 => format!("{}B", tenths(1_000_000_000 * 100)),
                c if c >= 1_000_000 * 100 => format!("{}M", tenths(1_000_000 * 100)),
                c if c >= 1_000 * 100 => format!("{}k", tenths(1_000 * 100)),
                c => format!("{}", (c + 50) / 100),
            }
        };
        format!("{sign}¥{scaled}")
    }
}

impl fmt::Display for Money {
    /// `¥12,345.60`, with thousands separators.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "{sign}¥{grouped}.{:02}", abs % 100)
    }
}

/// A full-width digit, point, comma or percent sign (as Chinese input methods type them) as
/// its ASCII twin; any other character as it is.
pub fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '，' => ',',
        '％' => '%',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(Money::parse("12345"), Ok(Money(1_234_500)));
        assert_eq!(Money::parse(" 12,345.6 "), Ok(Money(1_234_560)));
        assert_eq!(Money::parse("¥8000元"), Ok(Money(800_000)));
        assert_eq!(Money::parse("3.5万"), Ok(Money(3_500_000)));
        assert_eq!(Money::parse("1.2亿"), Ok(Money(12_000_000_000)));
        assert_eq!(Money::parse("１２３"), Ok(Money(12_300)));
        assert_eq!(Money::parse("0.015"), Ok(Money(2)));
        assert_eq!(Money::parse(""), Ok(Money::ZERO));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(Money::parse("abc"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("1.2.3"), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("."), Err(MoneyError::NotANumber));
        assert_eq!(Money::parse("-5"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("99999999999999999999"), Err(MoneyError::TooLarge));
        assert_eq!(Money::parse("99999999亿"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn displays_with_separators_and_round_trips_through_input_form() {
        assert_eq!(Money(123_456_789).to_string(), "¥1,234,567.89");
        assert_eq!(Money(5).to_string(), "¥0.05");
        assert_eq!(Money(-100_000).to_string(), "-¥1,000.00");
        for cents in [0, 1, 99, 100, 123_456, 1_000_000_000] {
            assert_eq!(Money::parse(&Money(cents).to_input()), Ok(Money(cents)));
        }
        assert_eq!(Money(3_500_000).compact(true), "¥3.5万");
        assert_eq!(Money(3_500_000).compact(false), "¥35.0k");
        assert_eq!(Money(-12_345_678).compact(true), "-¥12.3万");
        assert_eq!(Money(12_399).compact(true), "¥124");
        assert_eq!(Money(1_234_567_890_000).compact(true), "¥123.5亿");
        assert_eq!(Money(-50).to_input(), "-0.50");
    }
}
