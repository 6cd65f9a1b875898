//! Completion: what may be written at the cursor, from the compiler's
//! tables and the analysed trees — block keywords and attributes valid in
//! the enclosing block (the schemas), job names in `needs`, secrets, inputs,
//! matrix keys, outputs of other jobs, the runtime context, stdlib modules,
//! templates and actions through imports, the typed inputs of an action or
//! template being called, and enum values.
//!
//! Input: an analysis and a byte offset. Output: candidates, each with the
//! span its text replaces (the partial word before the cursor).

use crate::check::schema::{self, Attributes};
use crate::ide::Analysis;
use crate::ide::index::SymbolKind;
use crate::ide::locate::{self, Named};
use crate::lower::context;
use crate::span::{SourceId, Span, floor_char_boundary};
use crate::syntax::ast::{Argument, Block, ExprKind, Item, Path, TypeExprKind};

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

struct Builder {
    replace: Span,
    completions: Vec<Completion>,
}

impl Builder {
    fn add(&mut self, label: &str, kind: CompletionKind, detail: &str, documentation: &str) {
        self.add_inserting(label, kind, detail, documentation, label);
    }

    fn add_inserting(
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
        context.after_dot(&path, &mut builder);
        return builder.completions;
    }
    if let Some(string) = context.enum_string(&mut builder) {
        return string;
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
    let start = without_dot
        .rfind(|character: char| !(character.is_ascii_alphanumeric() || "_-.".contains(character)))
        .map_or(0, |position| position + 1);
    without_dot[start..].split('.').map(str::to_owned).collect()
}

struct Context<'a> {
    analysis: &'a Analysis,
    module: usize,
    source: SourceId,
    offset: u32,
}

impl<'a> Context<'a> {
    fn items(&self) -> &'a [Item] {
        &self.analysis.program.modules[self.module].parsed.file.items
    }

    fn frames(&self) -> Vec<locate::Frame<'a>> {
        locate::frames_at(self.items(), self.offset)
    }

    /// The pipeline block around the cursor.
    fn pipeline(&self) -> Option<&'a Block> {
        self.frames().into_iter().find_map(|frame| match frame {
            locate::Frame::Block(block) if block.keyword.name == "pipeline" => Some(block),
            _ => None,
        })
    }

    /// The job block (or job template) around the cursor.
    fn job_items(&self) -> Option<(&'a [Item], Option<&'a str>)> {
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

    fn pipeline_items(&self) -> &'a [Item] {
        self.pipeline()
            .and_then(|pipeline| pipeline.body.as_ref())
            .map_or(&[], |body| body.items.as_slice())
    }

    fn text(&self, span: Span) -> &'a str {
        self.analysis
            .text(self.source)
            .get(span.range())
            .unwrap_or("")
    }

    fn jobs(&self, builder: &mut Builder, except: Option<&str>) {
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

    fn after_dot(&self, path: &[String], builder: &mut Builder) {
        let segments: Vec<&str> = path.iter().map(String::as_str).collect();
        match segments.as_slice() {
            ["secrets"] => {
                for (_, name) in labelled(self.pipeline_items(), "secret") {
                    builder.add(
                        name,
                        CompletionKind::Secret,
                        "secret",
                        "a secret of the pipeline",
                    );
                }
            }
            ["inputs"] => {
                for input in crate::check::walk::manual_inputs(self.pipeline_items()) {
                    builder.add(
                        &input.name.name,
                        CompletionKind::Input,
                        self.text(input.ty.span),
                        "a manual input",
                    );
                }
            }
            ["matrix"] => {
                if let Some((items, _)) = self.job_items() {
                    for key in matrix_keys(items) {
                        builder.add(
                            &key.0,
                            CompletionKind::MatrixKey,
                            "matrix key",
                            self.text(key.1),
                        );
                    }
                }
            }
            ["jobs"] => {
                let current = self.job_items().and_then(|(_, name)| name);
                self.jobs(builder, current);
            }
            ["jobs", _] | ["steps", _] => {
                builder.add(
                    "outputs",
                    CompletionKind::Output,
                    "outputs",
                    "the outputs it declares",
                );
            }
            ["jobs", job, "outputs"] => {
                for (block, _) in
                    labelled(self.pipeline_items(), "job").filter(|(_, name)| name == job)
                {
                    let items = block
                        .body
                        .as_ref()
                        .map_or(&[][..], |body| body.items.as_slice());
                    for (output, name) in labelled(items, "output") {
                        let value = output
                            .value
                            .as_ref()
                            .map_or("", |value| self.text(value.span));
                        builder.add(
                            name,
                            CompletionKind::Output,
                            "job output",
                            &format!("`{value}`"),
                        );
                    }
                }
            }
            ["steps"] => {
                if let Some((items, _)) = self.job_items() {
                    for (_, name) in labelled(items, "step") {
                        builder.add(name, CompletionKind::Step, "step", "a step of this job");
                    }
                }
            }
            [root] if context::FIXED.iter().any(|name| name.root == *root) => {
                for name in context::FIXED.iter().filter(|name| name.root == *root) {
                    let detail = context::fixed(name.root, name.field)
                        .map(|(_, ty)| ty.to_string())
                        .unwrap_or_default();
                    builder.add(name.field, CompletionKind::Context, &detail, name.doc);
                }
            }
            [alias] => self.module_members(alias, None, builder),
            _ => {}
        }
    }

    /// The templates and actions of the module imported as `alias`;
    /// `qualified` prefixes labels with the alias.
    fn module_members(&self, alias: &str, qualified: Option<Wanted>, builder: &mut Builder) {
        let program = &self.analysis.program;
        let Some((_, _, target)) = program.modules[self.module]
            .imports
            .iter()
            .find(|(known, _, _)| known == alias)
        else {
            return;
        };
        let Some(target_module) = program.modules.get(*target) else {
            return;
        };
        let target_text = self.analysis.text(target_module.source);
        let comments = &target_module.parsed.comments;
        for item in &target_module.parsed.file.items {
            let (name, kind, detail, start, body_start) = match item {
                Item::Template(template) => (
                    template.name.name.as_str(),
                    CompletionKind::Template,
                    template.kind.name.as_str(),
                    template.span.start,
                    template.body.span.start,
                ),
                Item::Block(block) if block.keyword.name == "action" => match &block.label {
                    Some(label) => (
                        label.name.as_str(),
                        CompletionKind::Action,
                        "action",
                        block.span.start,
                        block
                            .body
                            .as_ref()
                            .map_or(block.span.end, |body| body.span.start),
                    ),
                    None => continue,
                },
                _ => continue,
            };
            if let Some(wanted) = qualified
                && !wanted.accepts(kind, detail)
            {
                continue;
            }
            let signature = target_text
                .get(start as usize..body_start as usize)
                .unwrap_or("")
                .trim();
            let doc = locate::doc_comment(target_text, comments, start);
            let documentation = format!("```pipe\n{signature}\n```\n{doc}");
            let label = match qualified {
                Some(_) => format!("{alias}.{name}"),
                None => name.to_owned(),
            };
            builder.add(&label, kind, detail, &documentation);
        }
    }

    /// Quoted enum values, when the cursor is in a string given to an
    /// attribute typed `enum(…)`.
    fn enum_string(&self, builder: &mut Builder) -> Option<Vec<Completion>> {
        let mut found: Option<(&str, &str, Span)> = None;
        crate::check::walk::for_each_body(self.items(), &mut |body| {
            for attribute in body.attributes() {
                if let ExprKind::String(string) = &attribute.value.kind
                    && string.span.start < self.offset
                    && self.offset < string.span.end
                {
                    found = Some((body.keyword, &attribute.key.name, string.span));
                }
            }
        });
        let (parent, name, span) = found?;
        let ty = attribute_type(parent, name)?;
        builder.replace = Span::new(span.start as usize + 1, span.end as usize - 1);
        for variant in enum_variants(ty) {
            builder.add(&variant, CompletionKind::EnumValue, ty, "");
        }
        Some(std::mem::take(&mut builder.completions))
    }

    /// Named arguments of the template or action being called around the
    /// cursor, or the enum values of the argument being written.
    fn arguments(&self, before_word: &str, builder: &mut Builder) -> bool {
        let Some((callee, arguments)) = call_around(self.items(), self.offset) else {
            return false;
        };
        let Some(last) = callee.segments.last() else {
            return false;
        };
        let Some(symbol) = self
            .analysis
            .index()
            .at(self.source, last.span.start)
            .map(|occurrence| occurrence.symbol.clone())
        else {
            return false;
        };
        if !matches!(symbol.kind, SymbolKind::Template | SymbolKind::Action) {
            return false;
        }
        let Some(module) = self.analysis.module_of(symbol.definition.source) else {
            return false;
        };
        let definition_text = self.analysis.text(symbol.definition.source);
        let items = &self.analysis.program.modules[module].parsed.file.items;
        let parameters: Vec<(String, String, String, Option<Vec<String>>)> =
            match locate::named_item(items, symbol.definition.span) {
                Some(Named::Template(template)) => template
                    .parameters
                    .iter()
                    .map(|parameter| {
                        (
                            parameter.name.name.clone(),
                            definition_text
                                .get(parameter.ty.span.range())
                                .unwrap_or("")
                                .to_owned(),
                            definition_text
                                .get(parameter.span.range())
                                .unwrap_or("")
                                .to_owned(),
                            variants_of(&parameter.ty.kind),
                        )
                    })
                    .collect(),
                Some(Named::Block(block)) => block
                    .body
                    .iter()
                    .flat_map(|body| body.items.iter())
                    .filter_map(|item| match item {
                        Item::Input(input) => Some((
                            input.name.name.clone(),
                            definition_text
                                .get(input.ty.span.range())
                                .unwrap_or("")
                                .to_owned(),
                            input
                                .body
                                .as_ref()
                                .and_then(|body| description_of(&body.items))
                                .unwrap_or_default(),
                            variants_of(&input.ty.kind),
                        )),
                        _ => None,
                    })
                    .collect(),
                _ => return false,
            };
        let trimmed = before_word.trim_end();
        if let Some(before_equals) = trimmed.strip_suffix('=') {
            let name = before_equals
                .trim_end()
                .rsplit(|character: char| {
                    !(character.is_ascii_alphanumeric() || "_-".contains(character))
                })
                .next()
                .unwrap_or("");
            if let Some((_, ty, _, Some(variants))) =
                parameters.iter().find(|(parameter, ..)| parameter == name)
            {
                for variant in variants {
                    let quoted = format!("\"{variant}\"");
                    builder.add(&quoted, CompletionKind::EnumValue, ty, "");
                }
                return true;
            }
            return false;
        }
        if !(trimmed.ends_with('(') || trimmed.ends_with(',')) {
            return false;
        }
        for (name, ty, documentation, _) in &parameters {
            let given = arguments.iter().any(|argument| {
                argument
                    .name
                    .as_ref()
                    .is_some_and(|known| known.name == *name)
            });
            if !given {
                builder.add_inserting(
                    name,
                    CompletionKind::Argument,
                    ty,
                    documentation,
                    &format!("{name} = "),
                );
            }
        }
        true
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
            self.jobs(builder, current);
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
        for root in context::ROOTS {
            builder.add(root, CompletionKind::Context, "runtime context", "");
        }
        for (alias, _, _) in &self.analysis.program.modules[self.module].imports {
            builder.add(alias, CompletionKind::Context, "import", "");
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
            self.module_members(&alias, Some(wanted), builder);
        }
    }
}

/// What a template reference in a given place must name.
#[derive(Clone, Copy, Debug)]
enum Wanted {
    Steps,
    Job,
    /// A step's value: an action, or a steps template.
    Step,
}

impl Wanted {
    fn accepts(self, kind: CompletionKind, detail: &str) -> bool {
        match self {
            Wanted::Steps => kind == CompletionKind::Template && detail == "steps",
            Wanted::Job => kind == CompletionKind::Template && detail == "job",
            Wanted::Step => kind == CompletionKind::Action,
        }
    }
}

fn labelled<'b>(items: &'b [Item], keyword: &'b str) -> impl Iterator<Item = (&'b Block, &'b str)> {
    items.iter().filter_map(move |item| match item {
        Item::Block(block) if block.keyword.name == keyword => block
            .label
            .as_ref()
            .map(|label| (block, label.name.as_str())),
        _ => None,
    })
}

fn matrix_keys(items: &[Item]) -> Vec<(String, Span)> {
    let mut keys = Vec::new();
    for item in items {
        if let Item::Block(block) = item
            && block.keyword.name == "matrix"
            && let Some(body) = &block.body
        {
            for inner in &body.items {
                if let Item::Attribute(attribute) = inner
                    && !matches!(attribute.key.name.as_str(), "include" | "exclude")
                {
                    keys.push((attribute.key.name.clone(), attribute.value.span));
                }
            }
        }
    }
    keys
}

/// The schema type of attribute `name` of a `parent` block.
fn attribute_type(parent: &str, name: &str) -> Option<&'static str> {
    match schema::block(parent)?.attributes {
        Attributes::Known(attributes) => attributes
            .iter()
            .find(|attribute| attribute.name == name)
            .map(|attribute| attribute.ty),
        Attributes::AnyName => None,
    }
}

/// The values of a schema type written `enum("a", "b")`.
fn enum_variants(ty: &str) -> Vec<String> {
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

fn variants_of(ty: &TypeExprKind) -> Option<Vec<String>> {
    match ty {
        TypeExprKind::Enum { variants } => Some(
            variants
                .iter()
                .filter_map(|variant| variant.as_plain())
                .collect(),
        ),
        TypeExprKind::Named { name, .. } if name.name == "bool" => {
            Some(vec!["true".to_owned(), "false".to_owned()])
        }
        TypeExprKind::Named { .. } => None,
    }
}

fn description_of(items: &[Item]) -> Option<String> {
    items.iter().find_map(|item| match item {
        Item::Attribute(attribute) if attribute.key.name == "description" => {
            match &attribute.value.kind {
                ExprKind::String(string) => string.as_plain(),
                _ => None,
            }
        }
        _ => None,
    })
}

/// The template or action instance whose argument list holds `offset`:
/// `use t(…)`, `job x = t(…)`, `step s = a(…)`.
fn call_around(items: &[Item], offset: u32) -> Option<(&Path, &[Argument])> {
    for item in items {
        if !(item.span().start <= offset && offset <= item.span().end) {
            continue;
        }
        match item {
            Item::Use(use_item) if use_item.template.span.end < offset => {
                return Some((&use_item.template, &use_item.arguments));
            }
            Item::Block(block) => {
                if let Some(value) = &block.value
                    && let ExprKind::Call { callee, arguments } = &value.kind
                    && callee.span.end < offset
                    && offset < value.span.end
                {
                    return Some((callee, arguments));
                }
                if let Some(body) = &block.body
                    && let Some(found) = call_around(&body.items, offset)
                {
                    return Some(found);
                }
            }
            Item::Template(template) => {
                if let Some(found) = call_around(&template.body.items, offset) {
                    return Some(found);
                }
            }
            _ => {}
        }
    }
    None
}
