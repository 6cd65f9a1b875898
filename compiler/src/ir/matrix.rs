//! A job's matrix and its expansion into combinations.
//!
//! The expansion follows GitHub's rules, which are the language's: the
//! product of the axes, minus every combination an `exclude` entry matches,
//! then each `include` entry either adds its extra keys to the combinations
//! it agrees with or, when it agrees with none, becomes a combination of
//! its own. Targets without `include`/`exclude` (GitLab, Argo) emit the
//! expanded list, so every target runs the same set.

use serde::Serialize;

use crate::ir::Origin;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Matrix {
    pub axes: Vec<MatrixAxis>,
    pub include: Vec<MatrixCombination>,
    pub exclude: Vec<MatrixCombination>,
    /// Cancel the other combinations when one fails; `None` is the target's default.
    pub fail_fast: Option<bool>,
    pub max_parallel: Option<u32>,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MatrixAxis {
    pub name: String,
    pub values: Vec<String>,
}

/// One combination: `(key, value)` pairs in axis order, extra keys after.
pub type MatrixCombination = Vec<(String, String)>;

impl Matrix {
    /// Drops spare capacity, as [`crate::ir::Job::shrink_to_fit`] does.
    pub fn shrink_to_fit(&mut self) {
        self.axes.shrink_to_fit();
        self.include.shrink_to_fit();
        self.exclude.shrink_to_fit();
    }

    /// Every key a combination may have: the axes, then keys only `include` adds.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.axes.iter().map(|axis| axis.name.as_str()).collect();
        for entry in &self.include {
            for (key, _) in entry {
                if !keys.contains(&key.as_str()) {
                    keys.push(key);
                }
            }
        }
        keys
    }

    /// The combinations the job runs, in a stable order.
    pub fn combinations(&self) -> Vec<MatrixCombination> {
        let mut combinations: Vec<MatrixCombination> = vec![Vec::new()];
        for axis in &self.axes {
            let mut next = Vec::with_capacity(combinations.len() * axis.values.len());
            for combination in &combinations {
                for value in &axis.values {
                    let mut extended = combination.clone();
                    extended.push((axis.name.clone(), value.clone()));
                    next.push(extended);
                }
            }
            combinations = next;
        }
        if self.axes.is_empty() {
            combinations.clear();
        }
        combinations.retain(|combination| {
            !self
                .exclude
                .iter()
                .any(|entry| agrees(combination, entry, |_| true))
        });
        let axis_names: Vec<&str> = self.axes.iter().map(|axis| axis.name.as_str()).collect();
        let original = combinations.len();
        for entry in &self.include {
            let mut added = false;
            for combination in combinations.iter_mut().take(original) {
                // An include entry may not overwrite an axis value of the product.
                if agrees(combination, entry, |key| axis_names.contains(&key)) {
                    for (key, value) in entry {
                        set(combination, key, value);
                    }
                    added = true;
                }
            }
            if !added {
                combinations.push(entry.clone());
            }
        }
        combinations
    }
}

/// Whether every key of `entry` selected by `compared` has the same value in
/// `combination` (keys the combination lacks agree).
fn agrees(
    combination: &MatrixCombination,
    entry: &MatrixCombination,
    compared: impl Fn(&str) -> bool,
) -> bool {
    entry
        .iter()
        .filter(|(key, _)| compared(key))
        .all(|(key, value)| {
            combination
                .iter()
                .find(|(existing, _)| existing == key)
                .is_none_or(|(_, existing)| existing == value)
        })
}

fn set(combination: &mut MatrixCombination, key: &str, value: &str) {
    match combination.iter_mut().find(|(existing, _)| existing == key) {
        Some((_, existing)) => value.clone_into(existing),
        None => combination.push((key.to_owned(), value.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{SourceId, Span};

    fn pairs(entries: &[(&str, &str)]) -> MatrixCombination {
        entries
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn matrix(include: Vec<MatrixCombination>, exclude: Vec<MatrixCombination>) -> Matrix {
        Matrix {
            axes: vec![
                MatrixAxis {
                    name: "os".into(),
                    values: vec!["linux".into(), "mac".into()],
                },
                MatrixAxis {
                    name: "py".into(),
                    values: vec!["3.11".into(), "3.12".into()],
                },
            ],
            include,
            exclude,
            fail_fast: None,
            max_parallel: None,
            origin: Origin::new(SourceId(0), Span::default()),
        }
    }

    #[test]
    fn exclude_removes_every_combination_it_matches() {
        let combinations = matrix(vec![], vec![pairs(&[("os", "mac")])]).combinations();
        assert_eq!(
            combinations,
            vec![
                pairs(&[("os", "linux"), ("py", "3.11")]),
                pairs(&[("os", "linux"), ("py", "3.12")])
            ]
        );
    }

    #[test]
    fn include_extends_agreeing_combinations_or_adds_its_own() {
        let combinations = matrix(
            vec![
                pairs(&[("py", "3.12"), ("experimental", "true")]),
                pairs(&[("os", "windows"), ("py", "3.12")]),
            ],
            vec![],
        )
        .combinations();
        assert_eq!(combinations.len(), 5);
        assert_eq!(
            combinations[1],
            pairs(&[("os", "linux"), ("py", "3.12"), ("experimental", "true")])
        );
        assert_eq!(combinations[4], pairs(&[("os", "windows"), ("py", "3.12")]));
    }
}
