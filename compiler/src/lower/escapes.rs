//! Lowering escape blocks (`github { … }`, `gitlab { … }`, `k8s { … }`):
//! literal keys and values merged into one target's output only. Values
//! must be known at compile time, since no target's syntax is written for
//! them.

use crate::ir::{Escapes, Expr, ExprKind, RawValue};
use crate::lower::Lowerer;
use crate::lower::expr::not_constant;
use crate::lower::scope::Scope;
use crate::syntax::ast::{Block, Item};

impl Lowerer<'_> {
    pub(super) fn lower_escape(&mut self, escapes: &mut Escapes, block: &Block, scope: &Scope) {
        let items: &[Item] = block.body.as_ref().map_or(&[], |body| &body.items);
        let entries = self.raw_entries(items, scope);
        let target = match block.keyword.name.as_str() {
            "github" => &mut escapes.github,
            "gitlab" => &mut escapes.gitlab,
            _ => &mut escapes.k8s,
        };
        for (key, value) in entries {
            match target.iter_mut().find(|(existing, _)| *existing == key) {
                Some((_, existing)) => *existing = value,
                None => target.push((key, value)),
            }
        }
    }

    fn raw_entries(&mut self, items: &[Item], scope: &Scope) -> Vec<(String, RawValue)> {
        let mut entries = Vec::new();
        for item in items {
            match item {
                Item::Attribute(attribute) => {
                    let value = self.lower_expr(&attribute.value, scope, None);
                    if let Some(raw) = self.raw_value(&value) {
                        entries.push((attribute.key.name.clone(), raw));
                    }
                }
                Item::Block(block) => {
                    let inner: &[Item] = block.body.as_ref().map_or(&[], |body| &body.items);
                    let mut key = block.keyword.name.clone();
                    if let Some(label) = &block.label {
                        key = label.name.clone();
                    }
                    entries.push((key, RawValue::Map(self.raw_entries(inner, scope))));
                }
                _ => {}
            }
        }
        entries
    }

    fn raw_value(&mut self, value: &Expr) -> Option<RawValue> {
        Some(match &value.kind {
            ExprKind::String(text) => RawValue::String(text.clone()),
            ExprKind::Int(number) => RawValue::Int(*number),
            ExprKind::Bool(flag) => RawValue::Bool(*flag),
            ExprKind::List(elements) => RawValue::List(
                elements
                    .iter()
                    .filter_map(|element| self.raw_value(element))
                    .collect(),
            ),
            ExprKind::Record(fields) => RawValue::Map(
                fields
                    .iter()
                    .filter_map(|(key, field)| Some((key.clone(), self.raw_value(field)?)))
                    .collect(),
            ),
            ExprKind::Error => return None,
            _ => {
                self.report(not_constant(value, "a value in an escape block"));
                return None;
            }
        })
    }
}
