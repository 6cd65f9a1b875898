//! Completion in the record of `choose(inputs.NAME, { … })`: the values of
//! the input that have no alternative yet, as keys (the checker wants one
//! for each, E0314), and after `VALUE =` the strategies.
//!
//! A record being written rarely parses, so the call is found in the text
//! before the cursor, as `arguments.rs` finds a half-written call.

use crate::ide::completion::arguments::variants_of;
use crate::ide::completion::{Builder, CompletionKind, Context};
use crate::lower::CHOOSE;
use crate::lower::builtins::{BUILTINS, BuiltinKind};

impl Context<'_> {
    /// Completes in the record of a `choose` call that `before_cursor`
    /// (the text up to the word being typed) leaves open at its top level;
    /// false when the cursor is anywhere else.
    pub(super) fn strategy_choice(&self, before_cursor: &str, builder: &mut Builder) -> bool {
        let Some((subject, record)) = open_choice(before_cursor) else {
            return false;
        };
        let alternative = record.rsplit([',', '\n']).next().unwrap_or("").trim();
        if alternative.ends_with('=') {
            for builtin in BUILTINS {
                if builtin.kind == BuiltinKind::Constructor {
                    builder.add_inserting(
                        builtin.name,
                        CompletionKind::Function,
                        builtin.signature,
                        builtin.doc,
                        &format!("{} {{", builtin.name),
                    );
                }
            }
            return true;
        }
        if !alternative.is_empty() {
            return false;
        }
        let Some(name) = subject.strip_prefix("inputs.") else {
            return true;
        };
        let Some(input) = crate::check::walk::manual_inputs(self.pipeline_items())
            .into_iter()
            .find(|input| input.name.name == name)
        else {
            return true;
        };
        let written = written_keys(record);
        for value in variants_of(&input.ty.kind).unwrap_or_default() {
            if written.contains(&value.as_str()) {
                continue;
            }
            let key = if value
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || character == '_')
            {
                value.clone()
            } else {
                format!("\"{value}\"")
            };
            builder.add_inserting(
                &key,
                CompletionKind::EnumValue,
                &format!("inputs.{name} = \"{value}\""),
                &format!("the strategy when the run's `{name}` is `\"{value}\"`"),
                &format!("{key} = "),
            );
        }
        true
    }
}

/// The subject of the last `choose(` call in `text` and its record so far,
/// when the record is still open at the end of `text` and `text` ends at its
/// top level (not inside one of its strategies).
fn open_choice(text: &str) -> Option<(&str, &str)> {
    let call = text.rfind(&format!("{CHOOSE}("))?;
    let arguments = &text[call + CHOOSE.len() + 1..];
    let (subject, rest) = arguments.split_once(',')?;
    let record = rest.trim_start().strip_prefix('{')?;
    let mut depth = 0usize;
    for character in record.chars() {
        match character {
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth = depth.checked_sub(1)?,
            _ => {}
        }
    }
    (depth == 0).then_some((subject.trim(), record))
}

/// The keys already given alternatives at the top level of `record`.
fn written_keys(record: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (position, character) in record.char_indices() {
        match character {
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth = depth.saturating_sub(1),
            '=' if depth == 0 => {
                let key = record[start..position]
                    .rsplit([',', '\n'])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_matches('"');
                keys.push(key);
            }
            ',' | '\n' if depth == 0 => start = position + 1,
            _ => {}
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_record_of_a_choice_is_found_at_its_top_level_only() {
        assert_eq!(
            open_choice(
                "  strategy = choose(inputs.how, {\n    canary = canary { steps = [50%] }\n    "
            ),
            Some((
                "inputs.how",
                "\n    canary = canary { steps = [50%] }\n    "
            ))
        );
        assert_eq!(
            open_choice("strategy = choose(inputs.how, { canary = canary { steps = ["),
            None
        );
        assert_eq!(
            open_choice("strategy = choose(inputs.how, { a = rolling {} })\n  x = "),
            None
        );
        assert_eq!(open_choice("strategy = canary {"), None);
    }

    #[test]
    fn written_keys_are_the_top_level_keys_before_their_equals() {
        assert_eq!(
            written_keys(
                " canary = canary { pause = 5m, steps = [1%] }, \"blue-green\" = blue_green {}\n "
            ),
            ["canary", "blue-green"]
        );
    }
}
