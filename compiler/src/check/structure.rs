//! Phase 2a: the shape of a file against the block schemas: known blocks in
//! allowed places, labels where required, known attributes, no duplicates.

use foldhash::{HashMap, HashMapExt};

use crate::check::schema::{self, Attributes, LabelRule};
use crate::check::{literal_types, suggest};
use crate::diagnostic::{Code, Diagnostic, Edit, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Body, File, Item};

pub fn check_structure(file: &File, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let mut checker = StructureChecker {
        source,
        diagnostics,
    };
    checker.items(&file.items, "file");
}

struct StructureChecker<'a> {
    source: SourceId,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl StructureChecker<'_> {
    fn items(&mut self, items: &[Item], parent: &str) {
        self.duplicates(items, parent);
        for item in items {
            match item {
                Item::Block(block) => self.block(block, parent),
                Item::Attribute(attribute) => self.attribute(attribute, parent),
                Item::Template(template) => {
                    if parent != "file" {
                        self.misplaced(
                            "template",
                            template.span,
                            parent,
                            "templates are defined at the top level of a file",
                        );
                    }
                    let kind = template.kind.name.as_str();
                    if kind == "job" || kind == "steps" {
                        self.items(&template.body.items, kind);
                    } else {
                        self.diagnostics.push(
                            Diagnostic::new(
                                Code::MalformedBlock,
                                format!("unknown template kind `{kind}`"),
                                Label::new(self.source, template.kind.span, "expected `job` or `steps`"),
                            )
                            .with_help("a template is `: job` (instantiated with `job x = t(…)`) or `: steps` (spliced with `use t(…)`)"),
                        );
                    }
                }
                Item::Use(use_item) => {
                    if parent != "job" && parent != "steps" {
                        self.misplaced(
                            "use",
                            use_item.span,
                            parent,
                            "`use` splices steps into a job or a steps template",
                        );
                    }
                }
                Item::Input(input) => {
                    if parent != "on manual" && parent != "action" {
                        self.misplaced(
                            "input",
                            input.span,
                            parent,
                            "inputs are declared in `on manual { … }` (or in an `action` binding)",
                        );
                    }
                    if let Some(body) = &input.body {
                        for item in &body.items {
                            if let Item::Attribute(attribute) = item
                                && !matches!(
                                    attribute.key.name.as_str(),
                                    "description" | "required"
                                )
                            {
                                self.unknown_attribute(
                                    &attribute.key.name,
                                    attribute.key.span,
                                    "input",
                                    &["description", "required"],
                                );
                            }
                        }
                    }
                }
                Item::Import(import) => {
                    if parent != "file" {
                        self.misplaced(
                            "import",
                            import.span,
                            parent,
                            "imports come first, at the top level of a file",
                        );
                    }
                }
                Item::Error(_) => {}
            }
        }
    }

    fn block(&mut self, block: &crate::syntax::ast::Block, parent: &str) {
        let keyword = block.keyword.name.as_str();
        let parent_keyword = first_word(parent);
        let Some(schema) = schema::block(keyword) else {
            let allowed: Vec<&str> = schema::children_of(parent_keyword).collect();
            let mut diagnostic = Diagnostic::new(
                Code::UnknownBlock,
                format!("unknown block `{keyword}`"),
                Label::new(
                    self.source,
                    block.keyword.span,
                    "not a block of the language",
                ),
            );
            if !suggest::offer(
                &mut diagnostic,
                keyword,
                &allowed,
                self.source,
                block.keyword.span,
            ) && !allowed.is_empty()
            {
                diagnostic = diagnostic.with_note(format!(
                    "blocks allowed in `{parent_keyword}`: {}",
                    quoted_list(&allowed)
                ));
            }
            self.diagnostics.push(diagnostic);
            return;
        };
        if !schema.parents.contains(&parent_keyword) {
            let places = quoted_list(schema.parents);
            self.misplaced(
                keyword,
                block.keyword.span,
                parent_keyword,
                &format!("`{keyword}` belongs in {places}"),
            );
        }
        match (schema.label, &block.label) {
            (LabelRule::Required, None) => self.diagnostics.push(
                Diagnostic::new(
                    Code::MalformedBlock,
                    format!("`{keyword}` needs a name"),
                    Label::new(
                        self.source,
                        block.keyword.span,
                        "a name is expected after this keyword",
                    ),
                )
                .with_help(format!("write `{keyword} NAME {{ … }}`")),
            ),
            (LabelRule::Forbidden, Some(label)) => self.diagnostics.push(
                Diagnostic::new(
                    Code::MalformedBlock,
                    format!("`{keyword}` takes no name"),
                    Label::new(self.source, label.span, "unexpected name"),
                )
                .with_help(format!("write `{keyword} {{ … }}`"))
                .with_fix(
                    "remove the name",
                    vec![self.replace(
                        Span::new(label.span.start as usize, label.span.end as usize + 1),
                        "",
                    )],
                ),
            ),
            _ => {}
        }
        if let (false, Some(value)) = (schema.takes_value, &block.value) {
            self.diagnostics.push(Diagnostic::new(
                Code::MalformedBlock,
                format!("`{keyword}` takes no `= value`"),
                Label::new(self.source, value.span, "unexpected value"),
            ));
        }
        if schema::is_escape(keyword) {
            return;
        }
        if let Some(body) = &block.body {
            let context = match (keyword, &block.label) {
                ("on", Some(label)) if label.name == "manual" => "on manual",
                _ => keyword,
            };
            self.body(body, context);
        }
    }

    fn body(&mut self, body: &Body, context: &str) {
        self.items(&body.items, context);
    }

    fn attribute(&mut self, attribute: &crate::syntax::ast::Attribute, parent: &str) {
        let (name, span) = (attribute.key.name.as_str(), attribute.key.span);
        let parent_keyword = first_word(parent);
        let known = match schema::block(parent_keyword).map(|schema| schema.attributes) {
            Some(Attributes::AnyName) => return,
            Some(Attributes::Known(attributes)) => attributes,
            None if parent_keyword == "job" => return,
            None => &[],
        };
        match known.iter().find(|known| known.name == name) {
            Some(schema) => literal_types::check_literal(
                &attribute.value,
                schema.ty,
                name,
                self.source,
                self.diagnostics,
            ),
            None => {
                let names: Vec<&str> = known.iter().map(|known| known.name).collect();
                self.unknown_attribute(name, span, parent_keyword, &names);
            }
        }
    }

    fn unknown_attribute(&mut self, name: &str, span: Span, parent: &str, known: &[&str]) {
        let where_ = if parent == "file" {
            "at the top level".to_owned()
        } else {
            format!("in `{parent}`")
        };
        let mut diagnostic = Diagnostic::new(
            Code::UnknownAttribute,
            format!("unknown attribute `{name}` {where_}"),
            Label::new(self.source, span, "not an attribute here"),
        );
        if !suggest::offer(&mut diagnostic, name, known, self.source, span) && !known.is_empty() {
            diagnostic = diagnostic.with_note(format!("`{parent}` accepts {}", quoted_list(known)));
        }
        self.diagnostics.push(diagnostic);
    }

    fn misplaced(&mut self, what: &str, span: Span, parent: &str, help: &str) {
        let where_ = if parent == "file" {
            "at the top level".to_owned()
        } else {
            format!("inside `{parent}`")
        };
        self.diagnostics.push(
            Diagnostic::new(
                Code::MisplacedItem,
                format!("`{what}` is not allowed {where_}"),
                Label::new(self.source, span, "misplaced"),
            )
            .with_help(help.to_owned()),
        );
    }

    /// Two blocks with the same keyword and name, or two attributes with
    /// the same name, in one body.
    fn duplicates(&mut self, items: &[Item], parent: &str) {
        if schema::is_escape(parent) {
            return;
        }
        // Keyed by borrowed names: most bodies have no duplicate, and the
        // message is built only for one that has.
        let mut seen = Seen::with_capacity(items.len());
        for item in items {
            let (key, span) = match item {
                Item::Block(block) => {
                    let label = block.label.as_ref().map_or("", |label| label.name.as_str());
                    let span = block
                        .label
                        .as_ref()
                        .map_or(block.keyword.span, |label| label.span);
                    ((block.keyword.name.as_str(), label), span)
                }
                Item::Attribute(attribute) => {
                    (("", attribute.key.name.as_str()), attribute.key.span)
                }
                Item::Input(input) => (("input", input.name.name.as_str()), input.name.span),
                Item::Template(template) => (
                    ("template", template.name.name.as_str()),
                    template.name.span,
                ),
                _ => continue,
            };
            if let Some(first) = seen.get(key) {
                let what = match item {
                    Item::Block(block) => match &block.label {
                        Some(label) => format!("{} `{}`", block.keyword.name, label.name),
                        None => format!("`{}` block", block.keyword.name),
                    },
                    Item::Attribute(attribute) => format!("attribute `{}`", attribute.key.name),
                    Item::Input(input) => format!("input `{}`", input.name.name),
                    Item::Template(template) => format!("template `{}`", template.name.name),
                    _ => String::new(),
                };
                self.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateDefinition,
                        format!("{what} is defined twice"),
                        Label::new(self.source, span, "defined again here"),
                    )
                    .with_secondary(Label::new(self.source, *first, "first defined here"))
                    .with_help("rename one of them, or merge them into one"),
                );
            } else {
                seen.insert(key, span);
            }
        }
    }

    fn replace(&self, span: Span, replacement: &str) -> Edit {
        Edit {
            source: self.source,
            span,
            replacement: replacement.to_owned(),
        }
    }
}

/// `job` of `job build`: a byte search, not a pattern searcher set up
/// for every body.
fn first_word(text: &str) -> &str {
    text.split_once(' ').map_or(text, |(first, _)| first)
}

/// The names a body has defined so far. Most bodies hold a handful of
/// items, compared in turn faster than a hash table is set up; a body of
/// thousands of jobs gets the table.
enum Seen<'a> {
    Few(Vec<((&'a str, &'a str), Span)>),
    Many(HashMap<(&'a str, &'a str), Span>),
}

impl<'a> Seen<'a> {
    const FEW: usize = 16;

    fn with_capacity(items: usize) -> Self {
        if items <= Self::FEW {
            Seen::Few(Vec::with_capacity(items))
        } else {
            Seen::Many(HashMap::with_capacity(items))
        }
    }

    fn get(&self, key: (&'a str, &'a str)) -> Option<&Span> {
        match self {
            Seen::Few(entries) => entries
                .iter()
                .find(|(known, _)| *known == key)
                .map(|(_, span)| span),
            Seen::Many(entries) => entries.get(&key),
        }
    }

    fn insert(&mut self, key: (&'a str, &'a str), span: Span) {
        match self {
            Seen::Few(entries) => entries.push((key, span)),
            Seen::Many(entries) => {
                entries.insert(key, span);
            }
        }
    }
}

fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
