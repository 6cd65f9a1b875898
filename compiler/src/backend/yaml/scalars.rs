//! How the YAML writer writes a string: plain where every YAML parser
//! reads it back as the same string, single- or double-quoted where one
//! would not, or as a literal block scalar for multi-line text.

/// Multi-line text that a literal block scalar can hold exactly: no
/// control characters but line breaks and tabs, no byte order mark, no
/// line ending in a space or tab, and no line break first.
pub(super) fn is_block(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.first() == Some(&b'\n') || !bytes.contains(&b'\n') {
        return false;
    }
    // One pass over the bytes for what ASCII can hold.
    let mut previous = 0u8;
    for &byte in bytes {
        match byte {
            b'\n' if matches!(previous, b' ' | b'\t') => return false,
            b'\n' | b'\t' => {}
            _ if byte < 0x20 || byte == 0x7f => return false,
            _ => {}
        }
        previous = byte;
    }
    if matches!(previous, b' ' | b'\t') {
        return false;
    }
    text.is_ascii()
        || !text.chars().any(|character| {
            (character.is_control() && character != '\n' && character != '\t')
                || character == '\u{feff}'
        })
}

pub(super) fn write_string(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else if !text
        .chars()
        .any(|character| character.is_control() || character == '\u{feff}')
    {
        out.push('\'');
        out.push_str(&text.replace('\'', "''"));
        out.push('\'');
    } else {
        out.push('"');
        for character in text.chars() {
            match character {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                other if other.is_control() || other == '\u{feff}' => {
                    out.push_str(&format!("\\u{:04x}", other as u32));
                }
                other => out.push(other),
            }
        }
        out.push('"');
    }
}

/// Whether `text` reads back as the same string when written plain, in
/// both YAML 1.1 and 1.2 (so that no parser turns it into a bool, number,
/// null or date).
fn is_plain_safe(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return false;
    };
    // Most strings are words, names and paths: a letter, then letters,
    // digits and `-_./`, which no indicator, comment or mapping value can
    // hide in and no date starts with; only the words YAML reads as
    // booleans, null or special floats are left to rule out.
    if first.is_ascii_alphabetic() && bytes.iter().all(|&byte| IN_PLAIN_WORD[usize::from(byte)]) {
        // Starting with a letter, only `inf` and `nan` look numeric, and
        // no reserved word is longer than five bytes.
        return text.len() > 5 || !is_reserved_or_special_word(bytes);
    }
    is_plain_safe_in_general(text, bytes, first)
}

/// The bytes of a plain word: ASCII letters, digits and `-_./`; a table,
/// since every key and most values of a workflow are tested byte by byte.
static IN_PLAIN_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let character = byte as u8;
        table[byte] =
            character.is_ascii_alphanumeric() || matches!(character, b'-' | b'_' | b'.' | b'/');
        byte += 1;
    }
    table
};

/// [`is_plain_safe`] for any text.
fn is_plain_safe_in_general(text: &str, bytes: &[u8], first: u8) -> bool {
    if matches!(
        first,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
    ) {
        return false;
    }
    if matches!(bytes.last(), Some(b' ' | b':')) || text.starts_with("...") {
        return false;
    }
    // One pass over the text: `: ` and ` #` start a mapping value and a
    // comment; tabs and control characters are never plain.
    let mut previous = 0u8;
    for &byte in bytes {
        match byte {
            b'\t' => return false,
            _ if byte < 0x20 || byte == 0x7f => return false,
            b' ' if previous == b':' => return false,
            b'#' if previous == b' ' => return false,
            _ => {}
        }
        previous = byte;
    }
    // Non-ASCII text may hold a byte order mark or a next-line character.
    if !text.is_ascii()
        && text.chars().any(|character| {
            character.is_control() || character == '\u{feff}' || character == '\u{85}'
        })
    {
        return false;
    }
    !is_reserved_word(text) && !looks_numeric(text) && !looks_like_date(text)
}

/// [`is_reserved_word`] or a special float, for a word of letters, digits
/// and `-_./` that starts with a letter: lowered once and matched whole,
/// since every short key and value of a workflow is one.
fn is_reserved_or_special_word(word: &[u8]) -> bool {
    let mut lowered = [0u8; 5];
    let Some(buffer) = lowered.get_mut(..word.len()) else {
        return false;
    };
    for (slot, byte) in buffer.iter_mut().zip(word) {
        *slot = byte.to_ascii_lowercase();
    }
    matches!(
        &*buffer,
        b"true"
            | b"false"
            | b"yes"
            | b"no"
            | b"y"
            | b"n"
            | b"on"
            | b"off"
            | b"null"
            | b"inf"
            | b"nan"
    )
}

fn is_reserved_word(text: &str) -> bool {
    text.len() <= 5
        && [
            "true", "false", "yes", "no", "y", "n", "on", "off", "null", "~", "=", "<<",
        ]
        .iter()
        .any(|word| word.eq_ignore_ascii_case(text))
}

/// Ints, floats, octals, hex, sexagesimal and the special floats of YAML
/// 1.1 and 1.2; underscores count as digits (1.1 allows `1_000`).
fn looks_numeric(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    if body.is_empty() {
        return false;
    }
    if [".inf", ".nan", "inf", "nan"]
        .iter()
        .any(|word| word.eq_ignore_ascii_case(body))
    {
        return true;
    }
    let first = body.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'.') {
        return false;
    }
    if let [b'0', b'x' | b'X' | b'o' | b'O' | b'b' | b'B', rest @ ..] = body.as_bytes() {
        return !rest.is_empty()
            && rest
                .iter()
                .all(|byte| byte.is_ascii_hexdigit() || *byte == b'_');
    }
    let starts_numeric =
        body.starts_with(|character: char| character.is_ascii_digit() || character == '.');
    starts_numeric
        && body.chars().any(|character| character.is_ascii_digit())
        && body.chars().all(|character| {
            character.is_ascii_digit()
                || matches!(character, '.' | '_' | 'e' | 'E' | '+' | '-' | ':')
        })
}

fn looks_like_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string of up to `longest` characters of `alphabet`.
    fn every_string(alphabet: &[char], longest: usize) -> Vec<String> {
        let mut texts = vec![String::new()];
        let mut start = 0;
        for _ in 0..longest {
            let end = texts.len();
            for index in start..end {
                for &character in alphabet {
                    let mut longer = texts[index].clone();
                    longer.push(character);
                    texts.push(longer);
                }
            }
            start = end;
        }
        texts
    }

    /// The shortcut for words in `is_plain_safe` against the general
    /// test, on every string of up to four characters over the ones that
    /// matter to either.
    #[test]
    fn the_plain_word_shortcut_agrees_with_the_general_test() {
        let alphabet = [
            'a', 'n', 'o', 'f', 'i', 'y', 'e', '0', '1', '-', '_', '.', '/', ':', ' ', '#', '~',
        ];
        let mut texts = every_string(&alphabet, 4);
        texts.extend(
            [
                "null", "Null", "NULL", "true", "False", "off", "On", "yes", "inf", "nan", "Inf",
                "NaN", "e1", "FALSE", "fAlSe", "falsy", "nulls", "truer", "Yes", "YES", "N", "OFF",
                "infs", "nan.", "a.inf",
            ]
            .map(String::from),
        );
        for text in &texts {
            let general = text
                .as_bytes()
                .first()
                .is_some_and(|&first| is_plain_safe_in_general(text, text.as_bytes(), first));
            assert_eq!(is_plain_safe(text), general, "{text:?}");
        }
    }

    /// The byte scan of `is_block` against the definition it replaced,
    /// on every string of up to five characters over the ones that matter.
    #[test]
    fn the_block_scalar_test_keeps_its_definition() {
        fn by_definition(text: &str) -> bool {
            text.contains('\n')
                && !text.chars().any(|character| {
                    (character.is_control() && character != '\n' && character != '\t')
                        || character == '\u{feff}'
                })
                && !text
                    .lines()
                    .any(|line| line.ends_with(' ') || line.ends_with('\t'))
                && !text.starts_with('\n')
        }
        let alphabet = [
            'a', ' ', '\t', '\n', '\r', '\u{7f}', '\u{85}', '\u{feff}', 'é',
        ];
        let texts = every_string(&alphabet, 5);
        for text in &texts {
            assert_eq!(is_block(text), by_definition(text), "{text:?}");
        }
    }
}
