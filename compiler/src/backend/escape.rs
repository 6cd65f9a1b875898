//! Escape blocks (`github { … }`, `gitlab { … }`, `k8s { … }`): their
//! literal values as YAML, merged into the node a backend generated for
//! the pipeline, job or step that holds them.

use crate::backend::yaml::{Yaml, raw};
use crate::ir::RawValue;

/// Merges the keys of an escape block into `node`; a key already present
/// is replaced, a mapping merged key by key.
pub fn escape_into(node: &mut Yaml, escapes: &[(String, RawValue)]) {
    for (key, value) in escapes {
        let value = raw(value);
        match (node.get_mut(key), value) {
            (Some(Yaml::Map(existing)), Yaml::Map(entries)) => {
                for (inner_key, inner_value) in entries {
                    match existing.iter_mut().find(|(known, _)| *known == inner_key) {
                        Some((_, slot)) => *slot = inner_value,
                        None => existing.push((inner_key, inner_value)),
                    }
                }
            }
            (Some(slot), value) => *slot = value,
            (None, value) => node.insert(key.clone(), value),
        }
    }
}
