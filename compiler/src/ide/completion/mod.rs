//! Completion: what may be written at the cursor, from the compiler's
//! tables and the analysed trees — block keywords and attributes valid in
//! the enclosing block (the schemas), job names in `needs`, secrets, inputs,
//! matrix keys, outputs of other jobs, the runtime context, stdlib modules,
//! templates and actions through imports, the typed inputs of an action or
//! template being called, enum values, the built-in functions and strategy
//! constructors that make a value of the attribute's type, and the keys of
//! a strategy choice and the fields of a strategy (`strategies.rs`).
//!
//! Input: an analysis and a byte offset. Output: candidates, each with the
//! span its text replaces (the partial word before the cursor).

mod arguments;
mod paths;
mod strategies;

use crate::check::schema::{self, Attributes};
use crate::ide::Analysis;
use crate::ide::locate;
use crate::ide::upstreams;
use crate::lower::builtins::{self, BuiltinKind};
use crate::lower::context;
use crate::span::{SourceId, Span, floor_char_boundary};
use crate::syntax::ast::{Block, Item};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A block keyword or special form.
    Keyword,
    Attribute,
    Job,
    Secret,
    Input,
    MatrixKey,
    Output,
    Step,
    Module,
    Template,
    Action,
    /// A named argument: a template parameter or an action input.
    Argument,
    EnumValue,
    /// A name of the runtime context (`git.branch`) or an import alias.
    Context,
    /// A built-in function or strategy constructor.
    Function,
    /// A pipeline of the directory, in `on success { pipeline = "…" }`.
    Pipeline,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// A short type or signature.
    pub detail: String,
    /// Markdown documentation.
    pub documentation: String,
    pub insert_text: String,
    /// What the inserted text replaces.
    pub replace: Span,
}

pub(super) struct Builder {
    replace: Span,
    completions: Vec<Completion>,
}

impl Builder {
    pub(super) fn add(
        &mut self,
        label: &str,
        kind: CompletionKind,
        detail: &str,
        documentation: &str,
    ) {
        self.add_inserting(label, kind, detail, documentation, label);
    }

    pub(super) fn add_inserting(
        &mut self,
        label: &str,
        kind: CompletionKind,
        detail: &str,
        documentation: &str,
        insert_text: &str,
    ) {
        if self.completions.iter().any(|known| known.label == label) {
            return;
        }
        self.completions.push(Completion {
            label: label.to_owned(),
            kind,
            detail: detail.to_owned(),
            documentation: documentation.to_owned(),
            insert_text: insert_text.to_owned(),
            replace: self.replace,
        });
    }
}

impl Builder {
    /// A built-in, inserted with what opens its arguments or fields.
    pub(super) fn add_builtin(&mut self, builtin: &builtins::Builtin) {
        let open = match builtin.kind {
            BuiltinKind::Constructor => " {",
            BuiltinKind::Function | BuiltinKind::Method => "(",
        };
        self.add_inserting(
            builtin.name,
            CompletionKind::Function,
            builtin.signature,
            builtin.doc,
            &format!("{}{open}", builtin.name),
        );
    }
}

fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

pub fn completions(analysis: &Analysis, source: SourceId, offset: u32) -> Vec<Completion> {
    let Some(module) = analysis.module_of(source) else {
        return Vec::new();
    };
    let text = analysis.text(source);
    let offset = floor_char_boundary(text, offset as usize);
    let bytes = text.as_bytes();
    let mut word_start = offset;
    while word_start > 0 && is_word_byte(bytes[word_start - 1]) {
        word_start -= 1;
    }
    let line_start = text[..word_start]
        .rfind('\n')
        .map_or(0, |newline| newline + 1);
    let before_word = &text[line_start..word_start];
    let mut builder = Builder {
        replace: Span::new(word_start, offset),
        completions: Vec::new(),
    };
    let context = Context {
        analysis,
        module,
        source,
        offset: u32::try_from(offset).unwrap_or(u32::MAX),
    };
    if let Some(import_start) = import_string_start(before_word) {
        let start = line_start + import_start;
        builder.replace = Span::new(start, offset);
        for (name, module_text) in crate::stdlib::MODULES {
            let doc = module_text
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("//")
                .trim();
            builder.add(
                &format!("std/{name}"),
                CompletionKind::Module,
                "standard library",
                doc,
            );
        }
        return builder.completions;
    }
    if before_word.ends_with('.') {
        let path = dotted_before(before_word);
        context.after_dot(&path, before_word, &mut builder);
        return builder.completions;
    }
    if context.upstream_pipeline(&mut builder) {
        return builder.completions;
    }
    if let Some(string) = context.enum_string(&mut builder) {
        return string;
    }
    if context.strategy_choice(&text[..word_start], &mut builder)
        || context.strategy_fields(&text[..word_start], &mut builder)
    {
        return builder.completions;
    }
    if context.arguments(before_word, &mut builder) {
        return builder.completions;
    }
    let trimmed = before_word.trim_end();
    if trimmed.is_empty() {
        context.item_start(&mut builder);
        return builder.completions;
    }
    context.value(trimmed, &mut builder);
    builder.completions
}

impl Context<'_> {
    /// In `on success { pipeline = "…" }`: the other pipelines of the
    /// directory.
    fn upstream_pipeline(&self, builder: &mut Builder) -> bool {
        let items = &self.analysis.program.modules[self.module].parsed.file.items;
        let Some((span, _)) = upstreams::upstream_string_at(items, self.offset) else {
            return false;
        };
        if !(span.start < self.offset && self.offset < span.end) {
            return false;
        }
        let enclosing = items.iter().find_map(|item| match item {
            Item::Block(block)
                if block.keyword.name == "pipeline"
                    && block.span.start <= self.offset
                    && self.offset <= block.span.end =>
            {
                block.label.as_ref().map(|label| label.name.as_str())
            }
            _ => None,
        });
        builder.replace = Span::new(span.start as usize + 1, span.end as usize - 1);
        for label in upstreams::candidates(self.analysis) {
            if Some(label.name.as_str()) == enclosing
                || builder
                    .completions
                    .iter()
                    .any(|known| known.label == label.name)
            {
                continue;
            }
            let file = self.analysis.source_name(label.at.source);
            let file = file.rsplit('/').next().unwrap_or(file);
            builder.add(
                &label.name,
                CompletionKind::Pipeline,
                &format!("pipeline in {file}"),
                label.title.as_deref().unwrap_or(""),
            );
        }
        true
    }
}

/// The offset in `line` after `import "`, when the cursor is in that string.
fn import_string_start(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let rest = trimmed.strip_prefix("import")?.trim_start();
    let inside = rest.strip_prefix('"')?;
    if inside.contains('"') {
        return None;
    }
    Some(line.len() - inside.len())
}

/// The dotted path that ends with the `.` at the end of `line`: `jobs.build`
/// for `x = jobs.build.`.
fn dotted_before(line: &str) -> Vec<String> {
    let without_dot = line.strip_suffix('.').unwrap_or(line);
    without_dot[path_start(without_dot)..]
        .split('.')
        .map(str::to_owned)
        .collect()
}

/// Where the dotted path that ends `text` starts: after the last character
/// that cannot be in a path (which may be wider than one byte).
pub(super) fn path_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .find(|(_, character)| !(character.is_ascii_alphanumeric() || "_-.".contains(*character)))
        .map_or(0, |(position, character)| position + character.len_utf8())
}

pub(super) struct Context<'a> {
    analysis: &'a Analysis,
    module: usize,
    source: SourceId,
    offset: u32,
}

impl<'a> Context<'a> {
    pub(super) fn items(&self) -> &'a [Item] {
        &self.analysis.program.modules[self.module].parsed.file.items
    }

    pub(super) fn frames(&self) -> Vec<locate::Frame<'a>> {
        locate::frames_at(self.items(), self.offset)
    }

    /// The pipeline block around the cursor.
    pub(super) fn pipeline(&self) -> Option<&'a Block> {
        self.frames().into_iter().find_map(|frame| match frame {
            locate::Frame::Block(block) if block.keyword.name == "pipeline" => Some(block),
            _ => None,
        })
    }

    /// The job block (or job template) around the cursor.
    pub(super) fn job_items(&self) -> Option<(&'a [Item], Option<&'a str>)> {
        self.frames()
            .into_iter()
            .rev()
            .find_map(|frame| match frame {
                locate::Frame::Block(block) if block.keyword.name == "job" => {
                    block.body.as_ref().map(|body| {
                        (
                            body.items.as_slice(),
                            block.label.as_ref().map(|l| l.name.as_str()),
                        )
                    })
                }
                locate::Frame::Template(template) => Some((template.body.items.as_slice(), None)),
                _ => None,
            })
    }

    pub(super) fn pipeline_items(&self) -> &'a [Item] {
        self.pipeline()
            .and_then(|pipeline| pipeline.body.as_ref())
            .map_or(&[], |body| body.items.as_slice())
    }

    pub(super) fn text(&self, span: Span) -> &'a str {
        self.analysis
            .text(self.source)
            .get(span.range())
            .unwrap_or("")
    }

    pub(super) fn jobs(&self, builder: &mut Builder, except: Option<&str>) {
        for (block, name) in labelled(self.pipeline_items(), "job") {
            if Some(name) == except {
                continue;
            }
            let header = locate::header(self.analysis.text(self.source), block.span);
            builder.add(
                name,
                CompletionKind::Job,
                "job",
                &format!("```pipe\n{header}\n```"),
            );
        }
    }

    /// At the start of an item: the blocks and attributes the enclosing
    /// block accepts, and the special forms valid there.
    fn item_start(&self, builder: &mut Builder) {
        let frames = self.frames();
        let parent = frames.last().map_or("file", |frame| frame.keyword());
        let on_manual = frames.last().is_some_and(|frame| match frame {
            locate::Frame::Block(block) => {
                block.keyword.name == "on"
                    && block
                        .label
                        .as_ref()
                        .is_some_and(|label| label.name == "manual")
            }
            _ => false,
        });
        match parent {
            "file" => {
                builder.add(
                    "import",
                    CompletionKind::Keyword,
                    "import \"std/…\" as NAME",
                    "loads a module",
                );
                builder.add(
                    "template",
                    CompletionKind::Keyword,
                    "template NAME(…) : job|steps",
                    "a reusable job, or a list of steps",
                );
            }
            "job" | "steps" => {
                builder.add(
                    "use",
                    CompletionKind::Keyword,
                    "use TEMPLATE(…)",
                    "splices a steps template into the job",
                );
            }
            _ => {}
        }
        if on_manual {
            builder.add(
                "input",
                CompletionKind::Keyword,
                "input NAME: TYPE = DEFAULT",
                "a typed manual input",
            );
        }
        for keyword in schema::children_of(parent) {
            if let Some(block) = schema::block(keyword) {
                builder.add(keyword, CompletionKind::Keyword, "block", block.doc);
            }
        }
        let present: Vec<&str> = frames
            .last()
            .map(|frame| match frame {
                locate::Frame::Block(block) => block
                    .body
                    .as_ref()
                    .map_or(&[][..], |body| body.items.as_slice()),
                locate::Frame::Template(template) => template.body.items.as_slice(),
                locate::Frame::Input(input) => input
                    .body
                    .as_ref()
                    .map_or(&[][..], |body| body.items.as_slice()),
            })
            .unwrap_or(&[])
            .iter()
            .filter_map(|item| match item {
                Item::Attribute(attribute) => Some(attribute.key.name.as_str()),
                _ => None,
            })
            .collect();
        if let Some(block) = schema::block(parent)
            && let Attributes::Known(attributes) = block.attributes
        {
            for attribute in attributes {
                if !present.contains(&attribute.name) {
                    builder.add_inserting(
                        attribute.name,
                        CompletionKind::Attribute,
                        attribute.ty,
                        attribute.doc,
                        &format!("{} = ", attribute.name),
                    );
                }
            }
        }
        if parent == "input" {
            builder.add_inserting(
                "description",
                CompletionKind::Attribute,
                "string",
                "what the input is for",
                "description = ",
            );
        }
    }

    /// After `=` or inside a value: what the attribute or block expects.
    fn value(&self, before_word: &str, builder: &mut Builder) {
        let head = before_word.trim_start();
        let words: Vec<&str> = head.split_whitespace().collect();
        match words.as_slice() {
            ["use"] => {
                self.local_templates("steps", builder);
                self.qualified(Wanted::Steps, builder);
                return;
            }
            ["job", _, "="] => {
                self.local_templates("job", builder);
                self.qualified(Wanted::Job, builder);
                return;
            }
            ["step", _, "="] => {
                self.qualified(Wanted::Step, builder);
                return;
            }
            _ => {}
        }
        let parent = locate::body_keyword_at(self.items(), self.offset);
        // The attribute is the last name before the last `=` of the line:
        // `needs` in `job test { needs = [a, `.
        let key = head
            .rsplit_once('=')
            .map_or("", |(before, _)| before)
            .trim_end()
            .rsplit(|character: char| {
                !(character.is_ascii_alphanumeric() || "_-\"".contains(character))
            })
            .next()
            .unwrap_or("")
            .trim_matches('"');
        let ty = attribute_type(parent, key).unwrap_or("");
        if ty == "list<job>" {
            let current = self.job_items().and_then(|(_, name)| name);
            let listed: Vec<&str> = head
                .rsplit_once('[')
                .map_or("", |(_, inside)| inside)
                .split(',')
                .map(str::trim)
                .collect();
            self.jobs(builder, current);
            builder.completions.retain(|completion| {
                completion.kind != CompletionKind::Job
                    || !listed.contains(&completion.label.as_str())
            });
            return;
        }
        if ty.starts_with("enum(") {
            for variant in enum_variants(ty) {
                builder.add(&format!("\"{variant}\""), CompletionKind::EnumValue, ty, "");
            }
            return;
        }
        if ty == "bool" {
            builder.add("true", CompletionKind::EnumValue, "bool", "");
            builder.add("false", CompletionKind::EnumValue, "bool", "");
        }
        self.builtins(ty, key, builder);
        // A secret-typed attribute (`kubeconfig`, `webhook`) and `env`
        // values take a declared secret: offer each in full.
        if ty == "secret" || parent == "env" {
            for (_, name) in labelled(self.pipeline_items(), "secret") {
                builder.add(
                    &format!("secrets.{name}"),
                    CompletionKind::Secret,
                    "secret",
                    "a secret of the pipeline",
                );
            }
        }
        for root in context::ROOTS {
            builder.add(root, CompletionKind::Context, "runtime context", "");
        }
        for (alias, _, _) in &self.analysis.program.modules[self.module].imports {
            builder.add(alias, CompletionKind::Context, "import", "");
        }
    }

    /// The functions and strategy constructors that make a value of the
    /// attribute's type (`hash_files` only for a cache key, where it is
    /// meant): conditions, strategies, health probes.
    fn builtins(&self, ty: &str, key: &str, builder: &mut Builder) {
        if ty.is_empty() || (ty == "string" && key != "key") {
            return;
        }
        for builtin in builtins::BUILTINS {
            if builtin.kind == BuiltinKind::Method || builtin.value_type != ty {
                continue;
            }
            builder.add_builtin(builtin);
        }
    }

    fn local_templates(&self, kind: &str, builder: &mut Builder) {
        for item in self.items() {
            if let Item::Template(template) = item
                && template.kind.name == kind
            {
                let signature = self
                    .text(Span::new(
                        template.span.start as usize,
                        template.body.span.start as usize,
                    ))
                    .trim();
                builder.add(
                    &template.name.name,
                    CompletionKind::Template,
                    kind,
                    &format!("```pipe\n{signature}\n```"),
                );
            }
        }
    }

    fn qualified(&self, wanted: Wanted, builder: &mut Builder) {
        let aliases: Vec<String> = self.analysis.program.modules[self.module]
            .imports
            .iter()
            .map(|(alias, _, _)| alias.clone())
            .collect();
        for alias in aliases {
            self.module_members(&alias, Some(wanted), true, builder);
        }
    }
}

/// What a template reference in a given place must name.
#[derive(Clone, Copy, Debug)]
pub(super) enum Wanted {
    Steps,
    Job,
    /// A step's value: an action, or a steps template.
    Step,
}

impl Wanted {
    /// What a reference typed at the end of `line` must name: `use T`,
    /// `job x = T`, `step s = A`; `None` elsewhere (a value, a condition).
    pub(super) fn at(line: &str) -> Option<Wanted> {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [.., "use", _] => Some(Wanted::Steps),
            [.., "job", _, "=", _] => Some(Wanted::Job),
            [.., "step", _, "=", _] => Some(Wanted::Step),
            _ => None,
        }
    }

    pub(super) fn accepts(self, kind: CompletionKind, detail: &str) -> bool {
        match self {
            Wanted::Steps => kind == CompletionKind::Template && detail == "steps",
            Wanted::Job => kind == CompletionKind::Template && detail == "job",
            Wanted::Step => {
                kind == CompletionKind::Action
                    || (kind == CompletionKind::Template && detail == "steps")
            }
        }
    }
}

pub(super) fn labelled<'b>(
    items: &'b [Item],
    keyword: &'b str,
) -> impl Iterator<Item = (&'b Block, &'b str)> {
    items.iter().filter_map(move |item| match item {
        Item::Block(block) if block.keyword.name == keyword => block
            .label
            .as_ref()
            .map(|label| (block, label.name.as_str())),
        _ => None,
    })
}

/// The schema type of attribute `name` of a `parent` block.
pub(super) fn attribute_type(parent: &str, name: &str) -> Option<&'static str> {
    match schema::block(parent)?.attributes {
        Attributes::Known(attributes) => attributes
            .iter()
            .find(|attribute| attribute.name == name)
            .map(|attribute| attribute.ty),
        Attributes::AnyName => None,
    }
}

/// The values of a schema type written `enum("a", "b")`.
pub(super) fn enum_variants(ty: &str) -> Vec<String> {
    let Some(inner) = ty
        .strip_prefix("enum(")
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return Vec::new();
    };
    inner
        .split(',')
        .map(|variant| variant.trim().trim_matches('"').to_owned())
        .filter(|variant| !variant.is_empty())
        .collect()
}
