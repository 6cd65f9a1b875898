//! Merging `k8s { … }` escape blocks into generated objects, the way
//! Kubernetes merges patches: mappings key by key all the way down, lists
//! of named items (containers, parameters, env) item by item on `name`,
//! anything else replaced.

use crate::backend::yaml::{Yaml, raw};
use crate::ir::RawValue;

/// Merges the keys of an escape block into `node`.
pub fn escape_into(node: &mut Yaml, escapes: &[(String, RawValue)]) {
    for (key, value) in escapes {
        let value = raw(value);
        match node.get_mut(key) {
            Some(slot) => merge(slot, value),
            None => node.insert(key.clone(), value),
        }
    }
}

fn merge(slot: &mut Yaml, value: Yaml) {
    match (slot, value) {
        (Yaml::Map(existing), Yaml::Map(entries)) => {
            for (key, inner) in entries {
                match existing.iter_mut().find(|(known, _)| *known == key) {
                    Some((_, inner_slot)) => merge(inner_slot, inner),
                    None => existing.push((key, inner)),
                }
            }
        }
        (Yaml::Seq(existing), Yaml::Seq(items))
            if items.iter().all(|item| name_of(item).is_some()) =>
        {
            for item in items {
                let name = name_of(&item).map(str::to_owned);
                match existing
                    .iter_mut()
                    .find(|known| name_of(known).map(str::to_owned) == name)
                {
                    Some(known) => merge(known, item),
                    None => existing.push(item),
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

/// The `name` of a mapping in a list, if it has one.
fn name_of(item: &Yaml) -> Option<&str> {
    match item {
        Yaml::Map(entries) => entries
            .iter()
            .find_map(|(key, value)| match (key.as_ref(), value) {
                ("name", Yaml::Str(name)) => Some(name.as_ref()),
                _ => None,
            }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str, value: &str) -> Yaml {
        Yaml::Map(vec![
            ("name".into(), Yaml::str(name.to_owned())),
            ("value".into(), Yaml::str(value.to_owned())),
        ])
    }

    #[test]
    fn mappings_merge_deeply_and_named_lists_merge_by_name() {
        let mut node = Yaml::Map(vec![
            (
                "securityContext".into(),
                Yaml::Map(vec![
                    ("runAsNonRoot".into(), Yaml::Bool(true)),
                    ("readOnlyRootFilesystem".into(), Yaml::Bool(true)),
                ]),
            ),
            (
                "parameters".into(),
                Yaml::Seq(vec![named("repo", ""), named("sha", "")]),
            ),
        ]);
        escape_into(
            &mut node,
            &[
                (
                    "securityContext".into(),
                    RawValue::Map(vec![(
                        "readOnlyRootFilesystem".into(),
                        RawValue::Bool(false),
                    )]),
                ),
                (
                    "parameters".into(),
                    RawValue::List(vec![RawValue::Map(vec![
                        ("name".into(), RawValue::String("repo".into())),
                        ("value".into(), RawValue::String("https://x".into())),
                    ])]),
                ),
            ],
        );
        assert_eq!(
            node,
            Yaml::Map(vec![
                (
                    "securityContext".into(),
                    Yaml::Map(vec![
                        ("runAsNonRoot".into(), Yaml::Bool(true)),
                        ("readOnlyRootFilesystem".into(), Yaml::Bool(false)),
                    ]),
                ),
                (
                    "parameters".into(),
                    Yaml::Seq(vec![named("repo", "https://x"), named("sha", "")])
                ),
            ])
        );
    }
}
