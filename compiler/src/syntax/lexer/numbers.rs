//! Number, duration and percent literals: `42`, `1h30m`, `2.5%`.

use super::{Lexer, is_identifier_byte};
use crate::diagnostic::Code;
use crate::span::Span;
use crate::syntax::token::Token;

impl Lexer<'_> {
    pub(super) fn number(&mut self) {
        let start = self.position;
        let digits_end = self.scan_digits(start);
        let mut end = digits_end;
        let mut has_fraction = false;
        if self.bytes.get(end) == Some(&b'.')
            && self.bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            end = self.scan_digits(end + 1);
            has_fraction = true;
        }
        if self.bytes.get(end) == Some(&b'%') {
            self.position = end + 1;
            let value = self.source[start..end].parse::<f64>().unwrap_or(0.0);
            self.push_number(Token::Percent(value), start, end + 1);
            return;
        }
        if self.bytes.get(end).is_some_and(is_identifier_byte) {
            self.position = end;
            return self.duration(start, has_fraction);
        }
        self.position = end;
        if has_fraction {
            self.invalid_number(
                start,
                end,
                "a number with a fraction is a percent (`2.5%`); other numbers are whole",
            );
            self.push_number(Token::Int(0), start, end);
            return;
        }
        match self.source[start..end].parse::<i64>() {
            Ok(value) => self.push_number(Token::Int(value), start, end),
            Err(_) => {
                self.invalid_number(start, end, "integers range up to 9223372036854775807");
                self.push_number(Token::Int(0), start, end);
            }
        }
    }

    fn scan_digits(&self, from: usize) -> usize {
        from + self.bytes[from..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count()
    }

    /// A duration is one or more `<digits><unit>` groups, such as `1h30m`.
    fn duration(&mut self, start: usize, has_fraction: bool) {
        let mut total: u64 = 0;
        let mut cursor = start;
        let mut problem = has_fraction
            .then_some("durations are whole numbers of a unit: write `90s` rather than `1.5m`");
        loop {
            let digits_end = self.scan_digits(cursor);
            let mut unit_end = digits_end;
            if self.bytes.get(unit_end) == Some(&b'.') {
                unit_end = self.scan_digits(unit_end + 1);
            }
            let unit_start = unit_end;
            while self.bytes.get(unit_end).is_some_and(is_identifier_byte)
                && !self.bytes[unit_end].is_ascii_digit()
            {
                unit_end += 1;
            }
            let amount = self.source[cursor..unit_start].parse::<u64>().unwrap_or(0);
            let unit_ms = match &self.source[unit_start..unit_end] {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => {
                    problem = Some(
                        "durations use the units `ms`, `s`, `m`, `h` and `d`, as in `30s` or `1h30m`",
                    );
                    0
                }
            };
            match amount
                .checked_mul(unit_ms)
                .and_then(|ms| total.checked_add(ms))
            {
                Some(sum) => total = sum,
                None => problem = Some("the duration is too large"),
            }
            cursor = unit_end;
            if !self.bytes.get(cursor).is_some_and(u8::is_ascii_digit) {
                break;
            }
        }
        // Trailing identifier characters (`5mx`) belong to the malformed literal.
        while self.bytes.get(cursor).is_some_and(is_identifier_byte) {
            cursor += 1;
            problem =
                Some("durations use the units `ms`, `s`, `m`, `h` and `d`, as in `30s` or `1h30m`");
        }
        self.position = cursor;
        if let Some(help) = problem {
            self.invalid_number(start, cursor, help);
            total = 0;
        }
        self.push_number(Token::Duration(total), start, cursor);
    }

    fn invalid_number(&mut self, start: usize, end: usize, help: &str) {
        let text = self.source[start..end].to_owned();
        self.error(
            Code::InvalidNumber,
            format!("invalid literal `{text}`"),
            Span::new(start, end),
            "not a valid number, duration or percent",
        )
        .help = Some(help.to_owned());
    }
}
