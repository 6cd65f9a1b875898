//! A deploy's strategy as the IR holds it: one strategy, or a choice
//! between strategies made when the run starts, by the value of an `enum`
//! manual input (`strategy = choose(inputs.strategy, { … })`).
//!
//! A choice is resolved by the deploy job, not by the compiler: every
//! alternative becomes a manifest of its own, and the job applies the one
//! the run's input names. Backends therefore iterate over
//! [`DeployStrategy::variants`] rather than reading one strategy.

use serde::Serialize;

use super::{Origin, Strategy};

/// The strategy of a deploy.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DeployStrategy {
    /// Written as `strategy = canary { … }` (or left out: rolling). Kept
    /// untagged so that the IR of a deploy without a choice reads as before.
    Fixed(Strategy),
    /// `strategy = choose(inputs.NAME, { VALUE = STRATEGY, … })`.
    Chosen(StrategyChoice),
}

/// A strategy chosen per run by a manual input of an `enum` type. The
/// lowering guarantees one alternative for each of the input's values and
/// no other.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategyChoice {
    /// The name of the manual input (`inputs.NAME`).
    pub input: String,
    /// In the order they were written.
    pub alternatives: Vec<StrategyAlternative>,
    pub origin: Origin,
}

/// `VALUE = STRATEGY` of a choice.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategyAlternative {
    /// The input's value that selects this strategy.
    pub value: String,
    pub strategy: Strategy,
    pub origin: Origin,
}

/// One strategy a deploy may run with, and the input value that selects it
/// (`None` for a deploy without a choice).
#[derive(Clone, Copy, Debug)]
pub struct DeployVariant<'a> {
    pub alternative: Option<&'a str>,
    pub strategy: &'a Strategy,
}

impl DeployStrategy {
    /// Every strategy the deploy may run with: one, or one per alternative.
    pub fn variants(&self) -> Vec<DeployVariant<'_>> {
        match self {
            DeployStrategy::Fixed(strategy) => vec![DeployVariant {
                alternative: None,
                strategy,
            }],
            DeployStrategy::Chosen(choice) => choice
                .alternatives
                .iter()
                .map(|alternative| DeployVariant {
                    alternative: Some(&alternative.value),
                    strategy: &alternative.strategy,
                })
                .collect(),
        }
    }

    /// The choice, when the strategy is chosen per run.
    pub fn choice(&self) -> Option<&StrategyChoice> {
        match self {
            DeployStrategy::Fixed(_) => None,
            DeployStrategy::Chosen(choice) => Some(choice),
        }
    }
}
