//! Amounts of money: decimal (never floating point), with an ISO 4217 currency code.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Problem;

/// A currency code: three capital letters (`VND`, `USD`, `EUR`…).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Currency(String);

impl Currency {
    pub fn vnd() -> Currency {
        Currency("VND".into())
    }

    pub fn parse(s: &str) -> Result<Currency, Problem> {
        let code = s.trim().to_ascii_uppercase();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Currency(code))
        } else {
            Err(Problem::NotACurrency {
                value: s.trim().to_owned(),
            })
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A non-negative decimal amount as written (`1500000`, `2500.50`); no thousands separators.
pub fn parse_amount(s: &str) -> Result<Decimal, Problem> {
    let amount = Decimal::from_str(s.trim()).map_err(|_| Problem::NotAnAmount {
        value: s.trim().to_owned(),
    })?;
    if amount.is_sign_negative() {
        return Err(Problem::Negative);
    }
    Ok(amount)
}

/// An amount as people write it on a form: thousands grouped by points or spaces and a comma
/// before the decimals (`50.000.000`, `2.500,5`, `50 000 000`), or plain (`2500.50`,
/// `2500,5`), with or without `₫` or `đ`. Written the English way (`1,200.50`), or with a
/// currency's code, it is refused; the message says how to write it.
pub fn read_amount(s: &str) -> Result<Decimal, Problem> {
    parse_amount(&as_written(s).ok_or_else(|| Problem::NotAnAmount {
        value: s.trim().to_owned(),
    })?)
}

/// The plain decimal text of an amount written as [`read_amount`] takes (`50.000.000` →
/// `50000000`, `2.500,5` → `2500.5`); `None` when it is not written so.
pub fn as_written(s: &str) -> Option<String> {
    let t: String = s
        .trim()
        .trim_end_matches(['₫', 'đ'])
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    let grouped = |p: &str| {
        let mut groups = p.split('.');
        let first = groups.next().unwrap_or_default();
        digits(first) && first.len() <= 3 && groups.all(|g| g.len() == 3 && digits(g))
    };
    let (whole, decimals) = match t.split_once(',') {
        Some((whole, decimals)) => (whole, Some(decimals)),
        None => (t.as_str(), None),
    };
    if decimals.is_some_and(|d| !digits(d)) {
        return None;
    }
    let whole = if digits(whole) {
        whole.to_owned()
    } else if whole.matches('.').count() == 1 && decimals.is_none() {
        // One point: grouping when three digits follow it (`50.000`), else decimals (`2500.5`).
        let (int, frac) = whole.split_once('.')?;
        if !digits(int) || !digits(frac) {
            return None;
        }
        if frac.len() == 3 {
            format!("{int}{frac}")
        } else {
            return Some(format!("{int}.{frac}"));
        }
    } else if grouped(whole) {
        whole.replace('.', "")
    } else {
        return None;
    };
    Some(match decimals {
        Some(d) => format!("{whole}.{d}"),
        None => whole,
    })
}

/// A decimal read from JSON as a string (`"33.33"`) or a number (`33.33`, read by its shortest
/// written form, so 33.33 is exactly 33.33), written as a string.
pub mod decimal_text {
    use std::str::FromStr;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.normalize().to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        #[derive(Deserialize, utoipa::ToSchema)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Integer(i64),
            Number(f64),
        }
        let text = match Written::deserialize(d)? {
            Written::Text(t) => t,
            Written::Integer(i) => i.to_string(),
            Written::Number(n) => n.to_string(),
        };
        Decimal::from_str(text.trim())
            .map_err(|_| serde::de::Error::custom(format!("“{text}” is not a decimal number")))
    }
}

/// An amount in its currency, with the rate to đồng used for totals (1 for VND).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    pub currency: Currency,
    /// Đồng per unit of `currency`.
    #[serde(with = "rust_decimal::serde::str")]
    pub rate_to_vnd: Decimal,
}

impl Money {
    /// Checks that a foreign amount names the rate used, and that VND needs none.
    pub fn new(
        amount: Decimal,
        currency: Currency,
        rate_to_vnd: Option<Decimal>,
    ) -> Result<Money, Problem> {
        let rate = match (currency.as_str(), rate_to_vnd) {
            ("VND", None) => Decimal::ONE,
            ("VND", Some(r)) if r == Decimal::ONE => Decimal::ONE,
            ("VND", Some(_)) => return Err(Problem::NoRateForVnd),
            (_, None) => {
                return Err(Problem::RateNeeded {
                    currency: currency.as_str().to_owned(),
                });
            }
            (_, Some(r)) if r <= Decimal::ZERO => return Err(Problem::RateNotPositive),
            (_, Some(r)) => r,
        };
        Ok(Money {
            amount,
            currency,
            rate_to_vnd: rate,
        })
    }

    /// The amount in đồng, rounded to the đồng, half a đồng up.
    pub fn in_vnd(&self) -> Decimal {
        (self.amount * self.rate_to_vnd)
            .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }
}

/// An amount as Vietnamese readers write it: `1.234.567,5` (dots group thousands, a comma
/// marks decimals).
pub fn format_amount(amount: &Decimal) -> String {
    let normalized = amount.normalize();
    let text = normalized.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::new();
    if normalized.is_sign_negative() && !normalized.is_zero() {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_amounts_need_their_rate_and_convert_exactly() {
        let usd = Currency::parse("usd").expect("code");
        assert!(Money::new(parse_amount("1000").expect("amount"), usd.clone(), None).is_err());
        let m = Money::new(
            parse_amount("1234.56").expect("amount"),
            usd,
            Some(parse_amount("25400").expect("rate")),
        )
        .expect("money");
        assert_eq!(m.in_vnd().to_string(), "31357824");
        let vnd = Money::new(
            parse_amount("60000000").expect("amount"),
            Currency::vnd(),
            None,
        )
        .expect("money");
        assert_eq!(vnd.in_vnd().to_string(), "60000000");
        assert_eq!(format_amount(&m.in_vnd()), "31.357.824");
        assert_eq!(
            format_amount(&parse_amount("1234.50").expect("amount")),
            "1.234,5"
        );
        assert_eq!(format_amount(&parse_amount("999").expect("amount")), "999");
        assert!(
            parse_amount("-5").is_err()
                && parse_amount("1.000.000").is_err()
                && Currency::parse("US").is_err()
        );
    }

    #[test]
    fn amounts_are_read_as_vietnamese_staff_write_them() {
        let read = |s: &str| read_amount(s).map(|d| d.normalize().to_string());
        for (typed, value) in [
            ("50.000.000", "50000000"),
            ("50 000 000 ₫", "50000000"),
            ("2.500,5", "2500.5"),
            ("2500,5", "2500.5"),
            ("2500.50", "2500.5"),
            ("1.500", "1500"),
            ("60000000", "60000000"),
            ("0", "0"),
        ] {
            assert_eq!(read(typed), Ok(value.to_owned()), "{typed}");
        }
        for refused in [
            "1,200.50 USD",
            "1,200,000",
            "12.34.5",
            "năm triệu",
            "",
            "-5",
            "2,5,0",
        ] {
            assert!(read(refused).is_err(), "{refused}");
        }
    }
}
