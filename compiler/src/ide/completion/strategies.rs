//! Completion in strategy values: in the record of `choose(inputs.NAME,
//! { … })` the values of the input that have no alternative yet, as keys
//! (the checker wants one for each, E0314), and after `VALUE =` the
//! strategies; in a strategy constructor (`canary { … }`) or a smoke test
//! the fields not yet given.
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
            BUILTINS
                .iter()
                .filter(|builtin| builtin.kind == BuiltinKind::Constructor)
                .for_each(|builtin| builder.add_builtin(builtin));
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

impl Context<'_> {
    /// Completes the fields of the strategy constructor or smoke test whose
    /// braces `before_cursor` leaves open, at the start of a field; false
    /// when the cursor is anywhere else.
    pub(super) fn strategy_fields(&self, before_cursor: &str, builder: &mut Builder) -> bool {
        let Some((record, fields)) = open_strategy_record(before_cursor) else {
            return false;
        };
        let field_start = record.rsplit([',', '\n']).next().unwrap_or("").trim();
        if !field_start.is_empty() {
            return false;
        }
        let written = written_keys(record);
        for (name, ty) in fields {
            if !written.contains(name) {
                builder.add_inserting(
                    name,
                    CompletionKind::Attribute,
                    ty,
                    "",
                    &format!("{name} = "),
                );
            }
        }
        true
    }
}

/// The fields of the record whose `{` is the innermost one still open at
/// the end of `text`, when it is a strategy constructor in a value
/// (`strategy = canary {`, `canary = canary {`) or a smoke test
/// (`smoke_test = {`), and the text of the record so far.
fn open_strategy_record(text: &str) -> Option<(&str, &'static [(&'static str, &'static str)])> {
    let mut depth = 0usize;
    let mut open = None;
    for (position, character) in text.char_indices().rev() {
        match character {
            '}' | ')' | ']' => depth += 1,
            '(' | '[' if depth == 0 => return None,
            '{' if depth == 0 => {
                open = Some(position);
                break;
            }
            '{' | '(' | '[' => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let record = &text[open + 1..];
    let before = text[..open].trim_end();
    if let Some(assignment) = before.strip_suffix('=') {
        let key = assignment.trim_end();
        return key
            .ends_with("smoke_test")
            .then(|| (record, crate::lower::smoke_test_fields()));
    }
    let name_start = before
        .rfind(|character: char| !(character.is_ascii_alphanumeric() || character == '_'))
        .map_or(0, |position| position + 1);
    let fields = crate::lower::strategy_fields(&before[name_start..])?;
    // A constructor is a value; `job canary {` is a block.
    before[..name_start]
        .trim_end()
        .ends_with('=')
        .then_some((record, fields))
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
    fn an_open_strategy_record_is_a_constructor_in_a_value_or_a_smoke_test() {
        let fields = |text| open_strategy_record(text).map(|(_, fields)| fields[0].0);
        assert_eq!(
            fields("strategy = canary {\n  steps = [10%, 100%]\n  "),
            Some("steps")
        );
        assert_eq!(
            fields("  strategy = blue_green { smoke_test = {\n"),
            Some("run")
        );
        assert_eq!(
            fields("choose(inputs.how, { rolling = rolling { "),
            Some("max_surge")
        );
        assert_eq!(fields("job canary {\n  "), None);
        assert_eq!(fields("strategy = canary { steps = ["), None);
        assert_eq!(fields("strategy = canary { pause = 5m }\n"), None);
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
