//! Completion inside the argument list of a template or action instance
//! (its parameters or typed inputs, and their enum values), and inside a
//! string given to an attribute typed `enum(…)`.

use super::{Builder, Completion, CompletionKind, Context, attribute_type, enum_variants};
use crate::ide::index::Symbol;
use crate::ide::locate::{self, Named};
use crate::span::Span;
use crate::syntax::ast::{Argument, ExprKind, Item, Path, TypeExprKind};

impl Context<'_> {
    /// The template or action that `name` or `alias.name` names from the
    /// module being edited.
    fn callee_definition(&self, callee: &[String]) -> Option<Symbol> {
        let names: Vec<&str> = callee.iter().map(String::as_str).collect();
        let (module, kind, span) =
            crate::ide::index::template_or_action(self.analysis, self.module, &names)?;
        Some(Symbol {
            kind,
            name: names.last()?.to_string(),
            definition: crate::ide::FileSpan {
                source: self.analysis.program.modules.get(module)?.source,
                span,
            },
        })
    }

    /// Quoted enum values, when the cursor is in a string given to an
    /// attribute typed `enum(…)`.
    pub(super) fn enum_string(&self, builder: &mut Builder) -> Option<Vec<Completion>> {
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
    pub(super) fn arguments(&self, before_word: &str, builder: &mut Builder) -> bool {
        // The call as parsed; while an argument is half-written the call may
        // not parse, and then the text of the line says what is called.
        let (callee, given): (Vec<String>, Vec<String>) =
            match call_around(self.items(), self.offset) {
                Some((callee, arguments)) => (
                    callee
                        .segments
                        .iter()
                        .map(|segment| segment.name.clone())
                        .collect(),
                    arguments
                        .iter()
                        .filter_map(|argument| argument.name.as_ref().map(|name| name.name.clone()))
                        .collect(),
                ),
                None => match call_in_text(before_word) {
                    Some(found) => found,
                    None => return false,
                },
            };
        let Some(symbol) = self.callee_definition(&callee) else {
            return false;
        };
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
            if !given.contains(name) {
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
}

pub(super) fn variants_of(ty: &TypeExprKind) -> Option<Vec<String>> {
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

/// The callee and the named arguments of a call left open on `line`
/// (`job x = security.bandit(path = "src", sev`), read from the text.
fn call_in_text(line: &str) -> Option<(Vec<String>, Vec<String>)> {
    let mut depth = 0usize;
    let mut open = None;
    for (position, character) in line.char_indices().rev() {
        match character {
            ')' => depth += 1,
            '(' if depth == 0 => {
                open = Some(position);
                break;
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let before = line[..open].trim_end();
    let callee: Vec<String> = before[super::path_start(before)..]
        .split('.')
        .map(str::to_owned)
        .collect();
    if callee.iter().any(String::is_empty) {
        return None;
    }
    let given = line[open + 1..]
        .split(',')
        .filter_map(|argument| argument.split_once('='))
        .map(|(name, _)| name.trim().to_owned())
        .collect();
    Some((callee, given))
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
