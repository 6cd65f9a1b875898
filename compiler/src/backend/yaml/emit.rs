//! YAML written as a backend produces it, with no tree built first.
//!
//! A backend describes a node once, against [`Emit`]. [`TextEmitter`]
//! writes it straight into a document; [`TreeEmitter`] builds the [`Yaml`]
//! tree, for the nodes an escape block is merged into before they are
//! written. Both give the same text
//! (`the_text_emitter_writes_what_the_tree_renders`): a workflow of
//! thousands of jobs no longer builds, walks and frees a tree per job.

use super::{Writer, Yaml};

/// A scalar value, borrowed for as long as it is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    Str(&'a str),
    Int(i64),
    Bool(bool),
    /// A string with ` # comment` after it on its line.
    Commented(&'a str, &'a str),
}

impl Scalar<'_> {
    fn to_yaml(self) -> Yaml {
        match self {
            Scalar::Str(text) => Yaml::str(text.to_owned()),
            Scalar::Int(number) => Yaml::Int(number),
            Scalar::Bool(flag) => Yaml::Bool(flag),
            Scalar::Commented(text, comment) => {
                Yaml::Commented(Box::new(Yaml::str(text.to_owned())), comment.to_owned())
            }
        }
    }
}

/// Writes the entries of a mapping or the items of a sequence, whichever
/// the emitter is in: entries inside [`Emit::map`] and [`Emit::item_map`],
/// items inside [`Emit::seq`].
pub trait Emit {
    /// `key: value`.
    fn scalar(&mut self, key: &str, value: Scalar<'_>);
    /// `key:` over the mapping `entries` writes; `key: {}` when it writes
    /// none.
    fn map(&mut self, key: &str, entries: impl FnOnce(&mut Self));
    /// `key:` over the sequence `items` writes; `key: []` when it writes
    /// none.
    fn seq(&mut self, key: &str, items: impl FnOnce(&mut Self));
    /// `key:` over a tree built beforehand.
    fn tree(&mut self, key: &str, value: Yaml);
    /// `- value`.
    fn item(&mut self, value: Scalar<'_>);
    /// `- ` and the mapping `entries` writes; `- {}` when it writes none.
    fn item_map(&mut self, entries: impl FnOnce(&mut Self));
    /// `- ` and a tree built beforehand.
    fn item_tree(&mut self, value: Yaml);
}

/// Builds the tree of a mapping.
#[derive(Debug)]
pub struct TreeEmitter {
    /// The open collections, innermost last.
    open: Vec<Yaml>,
}

impl TreeEmitter {
    /// The mapping that `entries` writes.
    pub fn mapping(entries: impl FnOnce(&mut TreeEmitter)) -> Yaml {
        let mut emitter = TreeEmitter {
            open: vec![Yaml::map()],
        };
        entries(&mut emitter);
        emitter.open.pop().unwrap_or_else(Yaml::map)
    }

    fn add_entry(&mut self, key: &str, value: Yaml) {
        debug_assert!(matches!(self.open.last(), Some(Yaml::Map(_))));
        if let Some(Yaml::Map(entries)) = self.open.last_mut() {
            entries.push((key.to_owned().into(), value));
        }
    }

    fn add_item(&mut self, value: Yaml) {
        debug_assert!(matches!(self.open.last(), Some(Yaml::Seq(_))));
        if let Some(Yaml::Seq(items)) = self.open.last_mut() {
            items.push(value);
        }
    }

    /// The collection `fill` writes into `empty`.
    fn collection(&mut self, empty: Yaml, fill: impl FnOnce(&mut Self)) -> Yaml {
        self.open.push(empty);
        fill(self);
        self.open.pop().unwrap_or(Yaml::Null)
    }
}

impl Emit for TreeEmitter {
    fn scalar(&mut self, key: &str, value: Scalar<'_>) {
        self.add_entry(key, value.to_yaml());
    }

    fn map(&mut self, key: &str, entries: impl FnOnce(&mut Self)) {
        let map = self.collection(Yaml::map(), entries);
        self.add_entry(key, map);
    }

    fn seq(&mut self, key: &str, items: impl FnOnce(&mut Self)) {
        let seq = self.collection(Yaml::Seq(Vec::new()), items);
        self.add_entry(key, seq);
    }

    fn tree(&mut self, key: &str, value: Yaml) {
        self.add_entry(key, value);
    }

    fn item(&mut self, value: Scalar<'_>) {
        self.add_item(value.to_yaml());
    }

    fn item_map(&mut self, entries: impl FnOnce(&mut Self)) {
        let map = self.collection(Yaml::map(), entries);
        self.add_item(map);
    }

    fn item_tree(&mut self, value: Yaml) {
        self.add_item(value);
    }
}

/// Writes a mapping into a document's text as it is described.
#[derive(Debug)]
pub struct TextEmitter<'w, 'a> {
    writer: &'w mut Writer<'a>,
    /// The open collections, innermost last.
    open: Vec<Open>,
}

/// An open collection: its entries or items are written at `level`, and
/// what comes before the first of them waits until there is one, since an
/// empty collection is written `{}` or `[]` on its key's line.
#[derive(Clone, Copy, Debug)]
struct Open {
    level: usize,
    kind: Collection,
    started: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Collection {
    /// A mapping that is a key's value: its first entry on the next line.
    MapUnderKey,
    /// A mapping that is a sequence's item: its first entry after `- `.
    MapInItem,
    /// A sequence that is a key's value.
    SeqUnderKey,
}

impl<'w, 'a> TextEmitter<'w, 'a> {
    /// Writes, after a key already written, the mapping `entries` writes
    /// at `level`.
    pub(super) fn mapping_after_key(
        writer: &'w mut Writer<'a>,
        level: usize,
        entries: impl FnOnce(&mut TextEmitter<'w, 'a>),
    ) {
        let mut emitter = TextEmitter {
            writer,
            open: Vec::with_capacity(8),
        };
        emitter.nested(level, Collection::MapUnderKey, entries);
    }

    fn nested(&mut self, level: usize, kind: Collection, fill: impl FnOnce(&mut Self)) {
        self.open.push(Open {
            level,
            kind,
            started: false,
        });
        fill(self);
        let closed = self.open.pop();
        if let Some(Open {
            started: false,
            kind,
            ..
        }) = closed
        {
            self.writer.out.push_str(match kind {
                Collection::MapUnderKey => ": {}\n",
                Collection::MapInItem => "- {}\n",
                Collection::SeqUnderKey => ": []\n",
            });
        }
    }

    /// What goes before an entry or item of the innermost collection, whose
    /// level it returns.
    fn start_member(&mut self) -> usize {
        let Some(open) = self.open.last_mut() else {
            debug_assert!(false, "written outside any collection");
            return 0;
        };
        let level = open.level;
        if open.started {
            self.writer.indent(level);
        } else {
            open.started = true;
            match open.kind {
                Collection::MapUnderKey | Collection::SeqUnderKey => {
                    self.writer.out.push_str(":\n");
                    self.writer.indent(level);
                }
                Collection::MapInItem => self.writer.out.push_str("- "),
            }
        }
        level
    }

    fn start_entry(&mut self, key: &str) -> usize {
        debug_assert!(
            self.open
                .last()
                .is_some_and(|open| open.kind != Collection::SeqUnderKey)
        );
        let level = self.start_member();
        self.writer.key(key);
        level
    }

    fn start_item(&mut self) -> usize {
        debug_assert!(
            self.open
                .last()
                .is_some_and(|open| open.kind == Collection::SeqUnderKey)
        );
        self.start_member()
    }
}

impl Emit for TextEmitter<'_, '_> {
    fn scalar(&mut self, key: &str, value: Scalar<'_>) {
        let level = self.start_entry(key);
        self.writer.scalar_value_after(':', value, level + 1);
    }

    fn map(&mut self, key: &str, entries: impl FnOnce(&mut Self)) {
        let level = self.start_entry(key);
        self.nested(level + 1, Collection::MapUnderKey, entries);
    }

    fn seq(&mut self, key: &str, items: impl FnOnce(&mut Self)) {
        let level = self.start_entry(key);
        self.nested(level + 1, Collection::SeqUnderKey, items);
    }

    fn tree(&mut self, key: &str, value: Yaml) {
        let level = self.start_entry(key);
        self.writer.value_after_key(&value, level);
    }

    fn item(&mut self, value: Scalar<'_>) {
        let level = self.start_item();
        self.writer.scalar_value_after('-', value, level + 1);
    }

    fn item_map(&mut self, entries: impl FnOnce(&mut Self)) {
        let level = self.start_item();
        self.nested(level + 1, Collection::MapInItem, entries);
    }

    fn item_tree(&mut self, value: Yaml) {
        let level = self.start_item();
        self.writer.item(&value, level);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::yaml::MappingDocument;

    /// Every shape the emitters can write: empty and nested collections,
    /// mappings as items, block scalars at each depth, comments, trees.
    fn every_shape(emit: &mut impl Emit) {
        emit.scalar("name", Scalar::Str("build"));
        emit.scalar("on", Scalar::Str("yes"));
        emit.scalar("count", Scalar::Int(-3));
        emit.scalar("flag", Scalar::Bool(false));
        emit.map("empty", |_| {});
        emit.seq("none", |_| {});
        emit.map("outer", |emit| {
            emit.map("inner", |emit| {
                emit.scalar("script", Scalar::Str("make\nmake test\n"));
                emit.scalar("indented", Scalar::Str("  first\nsecond"));
            });
            emit.scalar("after", Scalar::Str("3.12"));
        });
        emit.seq("steps", |emit| {
            emit.item_map(|emit| {
                emit.scalar("uses", Scalar::Commented("actions/checkout@abc", "v4"));
                emit.map("with", |emit| emit.scalar("depth", Scalar::Int(1)));
                emit.map("env", |_| {});
            });
            emit.item_map(|_| {});
            emit.item(Scalar::Str("plain"));
            emit.item(Scalar::Str("two\nlines\n"));
            emit.item_map(|emit| {
                emit.seq("list", |emit| {
                    emit.item(Scalar::Bool(true));
                    emit.item_map(|emit| emit.scalar("run", Scalar::Str("a\n\nb")));
                });
                emit.scalar("last", Scalar::Str("key: value"));
            });
            emit.item_tree(Yaml::Seq(vec![Yaml::Int(1), Yaml::str("x")]));
            emit.item_tree(Yaml::map());
        });
        let mut tree = Yaml::map();
        tree.insert("a", Yaml::Seq(vec![Yaml::str("b")]));
        emit.tree("tree", tree);
        emit.tree("null", Yaml::Null);
    }

    #[test]
    fn the_text_emitter_writes_what_the_tree_renders() {
        let tree = TreeEmitter::mapping(every_shape);
        let plain_keys = ["on"];
        let mut rendered = MappingDocument::new("header", &plain_keys);
        rendered.entry(1, "job", &tree);
        rendered.entry(1, "nothing", &Yaml::map());
        let mut emitted = MappingDocument::new("header", &plain_keys);
        emitted.emit_entry(1, "job", |emit| every_shape(emit));
        emitted.emit_entry(1, "nothing", |_| {});
        let emitted = emitted.finish();
        assert_eq!(emitted, rendered.finish());
        assert!(
            emitted.contains("  job:\n    name: build\n    on: 'yes'\n"),
            "{emitted}"
        );
        assert!(
            emitted.contains("    empty: {}\n    none: []\n"),
            "{emitted}"
        );
        assert!(emitted.contains("      - {}\n"), "{emitted}");
        assert!(emitted.ends_with("  nothing: {}\n"), "{emitted}");
    }

    #[test]
    fn the_tree_emitter_builds_the_tree_described() {
        let tree = TreeEmitter::mapping(|emit| {
            emit.scalar("runs-on", Scalar::Str("ubuntu-24.04"));
            emit.seq("needs", |emit| emit.item(Scalar::Str("build")));
            emit.map("env", |emit| emit.scalar("CI", Scalar::Bool(true)));
        });
        let mut expected = Yaml::map();
        expected.insert("runs-on", Yaml::str("ubuntu-24.04"));
        expected.insert("needs", Yaml::Seq(vec![Yaml::str("build")]));
        let mut env = Yaml::map();
        env.insert("CI", Yaml::Bool(true));
        expected.insert("env", env);
        assert_eq!(tree, expected);
    }
}
