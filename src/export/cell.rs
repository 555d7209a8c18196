//! Text cells that a spreadsheet reads as text: the OWASP rule against CSV injection.

use std::borrow::Cow;

/// `text` made safe for a CSV cell that a spreadsheet may open: a cell starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be read as a formula (`=HYPERLINK(…)`,
/// `@SUM(…)`), so it gets a leading `'`, which spreadsheets show as nothing and which
/// makes the rest text (OWASP's "CSV Injection" advice). A plain number such as `-3.5` or
/// `+7` is left alone: a spreadsheet reads it as the number it is, nothing more.
///
/// Every CSV writer of the program passes its text cells from data (names, notes, ids,
/// addresses) through this one function; numbers and dates it writes itself need not.
///
/// ```
/// use frontline::export::spreadsheet_safe;
/// assert_eq!(spreadsheet_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(spreadsheet_safe("Hama"), "Hama");
/// assert_eq!(spreadsheet_safe("-36.5"), "-36.5");
/// ```
pub fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// A decimal number and nothing else (no `inf`, no `NaN`, which a spreadsheet would not
/// read as numbers).
fn is_plain_number(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit())
        && text.parse::<f64>().is_ok_and(f64::is_finite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_prefixes_get_a_quote_and_numbers_and_plain_text_do_not() {
        for risky in ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=", "-", "-inf", "+NaN", "-e5"] {
            assert_eq!(spreadsheet_safe(risky), format!("'{risky}"), "{risky:?}");
        }
        for plain in ["Hama", "", "2024-12-08", "36.5", "-36.5", "+7", "-1e3", "a=1", " =1"] {
            assert_eq!(spreadsheet_safe(plain), plain, "{plain:?}");
        }
    }
}
