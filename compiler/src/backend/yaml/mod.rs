//! A purpose-built YAML writer for the backends.
//!
//! Backends build a [`Yaml`] tree and [`render`] writes it the way a careful
//! person would: block style, two-space indentation, keys in the order
//! given, strings plain where YAML reads them back as the same string and
//! quoted where it would not (`"3.12"`, `"on"`, `"0644"`), scripts as
//! literal block scalars. The output is read back by a YAML parser in the
//! tests to prove it means what the tree says.
//!
//! A generic serializer is not used: it would neither choose block scalars
//! for scripts nor keep comments, and it sits on the hot path of a build.

use std::borrow::Cow;

mod emit;
mod scalars;

pub use emit::{Emit, Scalar, TextEmitter, TreeEmitter};
use scalars::{is_block, write_string};

/// The text of a key or a string: most are fixed words of the target
/// (`runs-on`, `ubuntu-latest`), borrowed rather than allocated, which
/// halved the cost of building and freeing a workflow's tree.
pub type Text = Cow<'static, str>;

/// A YAML document tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    /// A number written as given (`0.5`); never quoted.
    Number(String),
    Str(Text),
    Seq(Vec<Yaml>),
    Map(Vec<(Text, Yaml)>),
    /// A scalar followed by ` # comment` on its line.
    Commented(Box<Yaml>, String),
}

impl Yaml {
    pub fn str(text: impl Into<Text>) -> Yaml {
        Yaml::Str(text.into())
    }

    /// An empty mapping to push entries into.
    pub fn map() -> Yaml {
        Yaml::Map(Vec::new())
    }

    /// An empty mapping with room for `entries`, for the mappings built
    /// once per job or step of a large pipeline.
    pub fn map_with_capacity(entries: usize) -> Yaml {
        Yaml::Map(Vec::with_capacity(entries))
    }

    /// Adds `key: value` to a mapping (no effect on other nodes).
    pub fn insert(&mut self, key: impl Into<Text>, value: Yaml) {
        if let Yaml::Map(entries) = self {
            entries.push((key.into(), value));
        }
    }

    /// Adds `key: value` unless `value` is `None`.
    pub fn insert_some(&mut self, key: impl Into<Text>, value: Option<Yaml>) {
        if let Some(value) = value {
            self.insert(key, value);
        }
    }

    pub fn is_empty_collection(&self) -> bool {
        match self {
            Yaml::Seq(items) => items.is_empty(),
            Yaml::Map(entries) => entries.is_empty(),
            _ => false,
        }
    }

    /// The value under `key` of a mapping.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Yaml> {
        match self {
            Yaml::Map(entries) => entries
                .iter_mut()
                .find(|(existing, _)| existing == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }
}

/// A literal value of an escape block (`github { … }`, `k8s { … }`) as YAML.
pub fn raw(value: &crate::ir::RawValue) -> Yaml {
    use crate::ir::RawValue;
    match value {
        RawValue::String(text) => Yaml::str(text.clone()),
        RawValue::Int(number) => Yaml::Int(*number),
        RawValue::Bool(flag) => Yaml::Bool(*flag),
        RawValue::List(items) => Yaml::Seq(items.iter().map(raw).collect()),
        RawValue::Map(entries) => Yaml::Map(
            entries
                .iter()
                .map(|(key, value)| (key.clone().into(), raw(value)))
                .collect(),
        ),
    }
}

/// Writes `documents` as one YAML stream, separated by `---`, after a
/// leading comment block (`header`, one `# ` line per line).
pub fn render(header: &str, documents: &[Yaml]) -> String {
    render_with_plain_keys(header, documents, &[])
}

/// As [`render`], but the keys in `plain_keys` are written unquoted even
/// where YAML 1.1 would read them as booleans: GitHub's `on:` is read by
/// GitHub's own parser as the string it is, and everyone writes it plain.
pub fn render_with_plain_keys(header: &str, documents: &[Yaml], plain_keys: &[&str]) -> String {
    let mut writer = Writer::with_header(header, plain_keys);
    for (index, document) in documents.iter().enumerate() {
        if index > 0 || !header.is_empty() {
            writer.out.push_str("---\n");
        }
        writer.document(document);
    }
    writer.out
}

/// One mapping document written entry by entry, for documents too large to
/// hold whole: a workflow of thousands of jobs is written one job at a time,
/// each job's tree dropped once written. The text is what [`render`] writes
/// for the same mapping (a test compares the two).
#[derive(Debug)]
pub struct MappingDocument<'a> {
    writer: Writer<'a>,
}

impl<'a> MappingDocument<'a> {
    /// Starts a document after `header`, as [`render_with_plain_keys`] does.
    pub fn new(header: &str, plain_keys: &'a [&'a str]) -> Self {
        let mut writer = Writer::with_header(header, plain_keys);
        if !header.is_empty() {
            writer.out.push_str("---\n");
        }
        MappingDocument { writer }
    }

    /// Writes `key: value` at nesting `level`: 0 at the top, 1 in a
    /// mapping that [`MappingDocument::open`] opened at 0.
    pub fn entry(&mut self, level: usize, key: &str, value: &Yaml) {
        self.writer.indent(level);
        self.writer.key(key);
        self.writer.value_after_key(value, level);
    }

    /// Writes `key:` opening a mapping whose entries follow at `level + 1`;
    /// `has_entries` false writes `key: {}`, as for an empty mapping.
    pub fn open(&mut self, level: usize, key: &str, has_entries: bool) {
        self.writer.indent(level);
        self.writer.key(key);
        self.writer
            .out
            .push_str(if has_entries { ":\n" } else { ": {}\n" });
    }

    /// Writes `key:` at nesting `level` and the mapping `entries` writes
    /// straight into the text, with no tree built first: what
    /// [`MappingDocument::entry`] writes for the tree a [`TreeEmitter`]
    /// would build from the same calls.
    pub fn emit_entry(
        &mut self,
        level: usize,
        key: &str,
        entries: impl FnOnce(&mut TextEmitter<'_, 'a>),
    ) {
        self.writer.indent(level);
        self.writer.key(key);
        TextEmitter::mapping_after_key(&mut self.writer, level + 1, entries);
    }

    /// An empty part of this document, to be written apart (on another
    /// thread) and then appended.
    pub fn fragment(&self) -> MappingDocument<'a> {
        MappingDocument {
            writer: Writer {
                out: String::new(),
                plain_keys: self.writer.plain_keys,
            },
        }
    }

    /// The length of the text written so far.
    pub fn len(&self) -> usize {
        self.writer.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.writer.out.is_empty()
    }

    /// Makes room for `additional` more bytes of text.
    pub fn reserve(&mut self, additional: usize) {
        self.writer.out.reserve(additional);
    }

    pub fn append(&mut self, fragment: MappingDocument<'_>) {
        self.writer.out.push_str(&fragment.writer.out);
    }

    pub fn finish(self) -> String {
        self.writer.out
    }
}

#[derive(Debug)]
struct Writer<'a> {
    out: String,
    plain_keys: &'a [&'a str],
}

impl<'a> Writer<'a> {
    fn with_header(header: &str, plain_keys: &'a [&'a str]) -> Self {
        let mut writer = Writer {
            out: String::with_capacity(4096),
            plain_keys,
        };
        for line in header.lines() {
            if line.is_empty() {
                writer.out.push_str("#\n");
            } else {
                writer.out.push_str("# ");
                writer.out.push_str(line);
                writer.out.push('\n');
            }
        }
        writer
    }

    fn key(&mut self, key: &str) {
        if self.plain_keys.contains(&key) {
            self.out.push_str(key);
        } else {
            write_string(&mut self.out, key);
        }
    }
    fn document(&mut self, document: &Yaml) {
        match document {
            Yaml::Map(entries) if !entries.is_empty() => self.map(entries, 0),
            Yaml::Seq(items) if !items.is_empty() => self.seq(items, 0),
            scalar => {
                self.inline(scalar, 0);
                self.out.push('\n');
            }
        }
    }

    fn indent(&mut self, level: usize) {
        const SPACES: &str = "                                                                ";
        let mut width = 2 * level;
        while width > 0 {
            let run = width.min(SPACES.len());
            self.out.push_str(&SPACES[..run]);
            width -= run;
        }
    }

    fn map(&mut self, entries: &[(Text, Yaml)], level: usize) {
        for (index, (key, value)) in entries.iter().enumerate() {
            if index > 0 {
                self.indent(level);
            }
            self.key(key);
            self.value_after_key(value, level);
        }
    }

    fn value_after_key(&mut self, value: &Yaml, level: usize) {
        match value {
            Yaml::Map(entries) if !entries.is_empty() => {
                self.out.push_str(":\n");
                self.indent(level + 1);
                self.map(entries, level + 1);
            }
            Yaml::Seq(items) if !items.is_empty() => {
                self.out.push_str(":\n");
                self.indent(level + 1);
                self.seq(items, level + 1);
            }
            scalar => self.scalar_after(':', scalar, level + 1),
        }
    }

    /// `:` or `-`, then the scalar and its line break; a block scalar's
    /// header (` |`) follows the marker directly.
    fn scalar_after(&mut self, marker: char, scalar: &Yaml, level: usize) {
        let value = match scalar {
            Yaml::Str(text) => Scalar::Str(text),
            Yaml::Int(number) => Scalar::Int(*number),
            Yaml::Bool(flag) => Scalar::Bool(*flag),
            Yaml::Commented(inner, comment) => match &**inner {
                Yaml::Str(text) => Scalar::Commented(text, comment),
                _ => return self.other_scalar_after(marker, scalar, level),
            },
            _ => return self.other_scalar_after(marker, scalar, level),
        };
        self.scalar_value_after(marker, value, level);
    }

    /// [`Writer::scalar_after`] for the scalars an emitter writes.
    fn scalar_value_after(&mut self, marker: char, value: Scalar<'_>, level: usize) {
        self.out.push(marker);
        match value {
            Scalar::Str(text) if is_block(text) => self.block(text, level),
            Scalar::Str(text) => {
                self.out.push(' ');
                write_string(&mut self.out, text);
            }
            Scalar::Int(number) => {
                self.out.push(' ');
                self.out.push_str(&number.to_string());
            }
            Scalar::Bool(flag) => self.out.push_str(if flag { " true" } else { " false" }),
            Scalar::Commented(text, comment) => {
                self.out.push(' ');
                if is_block(text) {
                    self.block(text, level);
                } else {
                    write_string(&mut self.out, text);
                }
                self.out.push_str(" # ");
                self.out.push_str(comment);
            }
        }
        self.out.push('\n');
    }

    /// [`Writer::scalar_after`] for nulls, numbers written as given, empty
    /// collections and comments after them.
    fn other_scalar_after(&mut self, marker: char, scalar: &Yaml, level: usize) {
        self.out.push(marker);
        self.out.push(' ');
        self.inline(scalar, level);
        self.out.push('\n');
    }

    fn seq(&mut self, items: &[Yaml], level: usize) {
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                self.indent(level);
            }
            self.item(item, level);
        }
    }

    /// One item of a sequence whose items are at `level`, after its
    /// indentation.
    fn item(&mut self, item: &Yaml, level: usize) {
        match item {
            Yaml::Map(entries) if !entries.is_empty() => {
                self.out.push_str("- ");
                self.map(entries, level + 1);
            }
            Yaml::Seq(inner) if !inner.is_empty() => {
                self.out.push_str("- ");
                self.seq(inner, level + 1);
            }
            scalar => self.scalar_after('-', scalar, level + 1),
        }
    }

    /// Writes a scalar or an empty collection; `level` is the indentation
    /// of a block scalar's lines.
    fn inline(&mut self, value: &Yaml, level: usize) {
        match value {
            Yaml::Null => self.out.push_str("null"),
            Yaml::Bool(flag) => self.out.push_str(if *flag { "true" } else { "false" }),
            Yaml::Int(number) => self.out.push_str(&number.to_string()),
            Yaml::Number(text) => self.out.push_str(text),
            Yaml::Str(text) if is_block(text) => self.block(text, level),
            Yaml::Str(text) => write_string(&mut self.out, text),
            Yaml::Seq(_) => self.out.push_str("[]"),
            Yaml::Map(_) => self.out.push_str("{}"),
            Yaml::Commented(inner, comment) => {
                self.inline(inner, level);
                self.out.push_str(" # ");
                self.out.push_str(comment);
            }
        }
    }

    /// `|`, `|-` or `|+` with the lines indented one level below the key;
    /// an indentation indicator when the first line starts with a space.
    fn block(&mut self, text: &str, level: usize) {
        self.out.push_str(" |");
        if text.starts_with(' ') {
            self.out.push('2');
        }
        let trailing_newlines = text.len() - text.trim_end_matches('\n').len();
        match trailing_newlines {
            0 => self.out.push('-'),
            1 => {}
            _ => self.out.push('+'),
        }
        self.out.push('\n');
        let body = text.strip_suffix('\n').unwrap_or(text);
        for line in body.split('\n') {
            if !line.is_empty() {
                self.indent(level);
                self.out.push_str(line);
            }
            self.out.push('\n');
        }
        // The caller writes the line break after the scalar.
        self.out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yaml_rust2::{Yaml as Parsed, YamlLoader};

    fn parse(text: &str) -> Parsed {
        YamlLoader::load_from_str(text)
            .unwrap_or_else(|error| panic!("invalid YAML ({error}):\n{text}"))
            .into_iter()
            .next()
            .unwrap_or(Parsed::Null)
    }

    fn round_trip(value: &str) {
        let mut document = Yaml::map();
        document.insert("key", Yaml::str(value.to_owned()));
        let text = render("", &[document]);
        let parsed = parse(&text);
        assert_eq!(
            parsed["key"].as_str(),
            Some(value),
            "{value:?} was written as:\n{text}"
        );
    }

    #[test]
    fn strings_that_look_like_other_types_are_quoted_and_read_back_as_strings() {
        for value in [
            "3.12",
            "on",
            "No",
            "yes",
            "null",
            "~",
            "0644",
            "0x1F",
            "1_000",
            "1e3",
            ".inf",
            "-1",
            "12:30",
            "2024-01-01",
            "true",
            "",
            " leading",
            "trailing ",
            "a: b",
            "a #b",
            "#x",
            "- x",
            "*",
            "&a",
            "!tag",
            "|",
            ">",
            "'",
            "\"",
            "it's",
            "%x",
            "@x",
            "`x`",
            "---",
            "...",
            "key:",
            "tab\there",
            "\u{7}bell",
            "${{ github.sha }}",
            "ubuntu-24.04",
            "refs/heads/main",
            "-x",
            "feature/*",
            "**/*.py",
            "v*",
        ] {
            round_trip(value);
        }
    }

    #[test]
    fn scripts_become_literal_blocks_that_keep_every_line() {
        for script in [
            "make\nmake test\n",
            "no final newline\nsecond",
            "two final newlines\n\n",
            "  indented first line\nnext\n",
            "a\n\nblank line between\n",
        ] {
            round_trip(script);
            let mut document = Yaml::map();
            document.insert("run", Yaml::str(script));
            assert!(render("", &[document]).contains("run: |"), "{script:?}");
        }
    }

    #[test]
    fn a_mapping_written_entry_by_entry_is_the_mapping_rendered_whole() {
        let mut job = Yaml::map();
        job.insert("runs-on", Yaml::str("ubuntu-24.04"));
        job.insert("steps", Yaml::Seq(vec![Yaml::str("make\ntest\n")]));
        let mut jobs = Yaml::map();
        jobs.insert("build", job.clone());
        jobs.insert("on", job.clone());
        let mut whole = Yaml::map();
        whole.insert("name", Yaml::str("ci"));
        whole.insert("jobs", jobs);
        whole.insert("none", Yaml::map());
        whole.insert("after", Yaml::Int(1));
        let plain_keys = ["on"];
        let mut document = MappingDocument::new("header", &plain_keys);
        document.entry(0, "name", &Yaml::str("ci"));
        document.open(0, "jobs", true);
        document.entry(1, "build", &job);
        document.entry(1, "on", &job);
        document.open(0, "none", false);
        document.entry(0, "after", &Yaml::Int(1));
        assert_eq!(
            document.finish(),
            render_with_plain_keys("header", &[whole], &plain_keys)
        );
    }

    #[test]
    fn nesting_comments_and_empty_collections_render_as_written() {
        let mut step = Yaml::map();
        step.insert(
            "uses",
            Yaml::Commented(Box::new(Yaml::str("actions/checkout@abc")), "v4".to_owned()),
        );
        step.insert("with", Yaml::map());
        let mut document = Yaml::map();
        document.insert("permissions", Yaml::map());
        document.insert("steps", Yaml::Seq(vec![step, Yaml::str("x")]));
        document.insert(
            "list",
            Yaml::Seq(vec![Yaml::Seq(vec![Yaml::Int(1), Yaml::Bool(true)])]),
        );
        let text = render("generated\n\nline", &[document]);
        assert_eq!(
            text,
            "# generated\n#\n# line\n---\npermissions: {}\nsteps:\n  - uses: actions/checkout@abc # v4\n    with: {}\n  - x\nlist:\n  - - 1\n    - true\n"
        );
        let parsed = parse(&text);
        assert_eq!(
            parsed["steps"][0]["uses"].as_str(),
            Some("actions/checkout@abc")
        );
        assert_eq!(parsed["list"][0][1].as_bool(), Some(true));
    }
}
