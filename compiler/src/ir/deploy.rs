//! What a `deploy` block means: the service, its image and probes, and the
//! strategy its new version is rolled out with. Every target's deploy job
//! applies the same manifests (`backend::k8s`) and waits for the rollout,
//! so the least time a rollout takes is a property of the strategy here.

use serde::Serialize;

use super::{DeployStrategy, EnvVar, Escapes, Expr, Origin};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deploy {
    /// The service name: the Kubernetes object names derive from it.
    pub service: String,
    pub image: Expr,
    pub port: Option<u16>,
    pub replicas: u32,
    pub health: Option<Health>,
    /// One strategy, or one per value of a manual input.
    pub strategy: DeployStrategy,
    pub namespace: Option<String>,
    pub command: Vec<String>,
    pub env: Vec<EnvVar>,
    pub autoscale: Option<Autoscale>,
    pub resources: Option<Resources>,
    /// The secret holding the kubeconfig the CI job deploys with; `None`
    /// uses the runner's own access to the cluster.
    pub kubeconfig: Option<String>,
    /// `k8s { … }` inside the deploy: merged into the Deployment or Rollout.
    pub escapes: Escapes,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Health {
    Http { path: String, port: Option<u16> },
    Tcp { port: Option<u16> },
    Exec { command: Vec<String> },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Strategy {
    Rolling {
        max_surge: Amount,
        max_unavailable: Amount,
    },
    BlueGreen {
        /// Milliseconds the preview runs before promotion may happen.
        preview_duration: Option<u64>,
        /// Promote without the environment's approval.
        auto_promote: bool,
        /// Milliseconds the old version is kept after the switch.
        scale_down_delay: Option<u64>,
        /// Measured on the preview before the switch: crossing one aborts
        /// the deploy, and the active version stays.
        rollback: Vec<RollbackCondition>,
        /// Run against the preview before the switch: failing aborts the
        /// deploy like a crossed rollback condition.
        smoke_test: Option<SmokeTest>,
    },
    Canary {
        /// Traffic weights, strictly increasing, the last 100.
        steps: Vec<f64>,
        /// Milliseconds between steps.
        pause: Option<u64>,
        rollback: Vec<RollbackCondition>,
    },
}

/// `smoke_test = { run = "…" }` of a blue-green deploy: a script run once
/// in a pod of its own against the preview Service, whose address it reads
/// from `PREVIEW_URL`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SmokeTest {
    /// The user's script as written (constants folded in), run by `sh -e`.
    pub script: String,
    /// The image the script runs in; `None` for the tools image. Its
    /// runtime parts are filled in when the manifest is applied, like the
    /// deploy's own image.
    pub image: Option<Expr>,
    /// Milliseconds the script may take before it counts as failed.
    pub timeout: u64,
    pub origin: Origin,
}

/// A count of pods or a percent of the replicas.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Amount {
    Count(u32),
    Percent(f64),
}

/// `error_rate > 1%`: abort and roll back when the metric crosses the
/// threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RollbackCondition {
    pub metric: Metric,
    pub threshold: Threshold,
    pub origin: Origin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    ErrorRate,
    LatencyP50,
    LatencyP90,
    LatencyP95,
    LatencyP99,
}

impl Metric {
    pub const ALL: &'static [(&'static str, Metric)] = &[
        ("error_rate", Metric::ErrorRate),
        ("latency_p50", Metric::LatencyP50),
        ("latency_p90", Metric::LatencyP90),
        ("latency_p95", Metric::LatencyP95),
        ("latency_p99", Metric::LatencyP99),
    ];

    pub fn name(self) -> &'static str {
        Metric::ALL
            .iter()
            .find(|(_, metric)| *metric == self)
            .map_or("", |(name, _)| name)
    }

    /// Error rates are percents; latencies are durations.
    pub fn is_latency(self) -> bool {
        self != Metric::ErrorRate
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    Percent(f64),
    /// Milliseconds.
    Duration(u64),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Autoscale {
    pub min: u32,
    pub max: u32,
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub origin: Origin,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Resources {
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub cpu_limit: Option<String>,
    pub memory_limit: Option<String>,
}

/// The preview a blue-green deploy with rollback conditions measures when
/// no `preview_duration` is set: five measurements a minute apart
/// (`backend::k8s::analysis::measurements_within`), four minutes at least.
const UNSET_MEASURED_PREVIEW_MS: u64 = 4 * 60_000;

impl Strategy {
    /// The least time, in milliseconds, a rollout with this strategy takes
    /// once its pods are ready: a canary's pause after each step below
    /// 100%, a blue-green deploy's preview. A rolling update has none.
    pub fn least_duration(&self) -> u64 {
        match self {
            Strategy::Rolling { .. } => 0,
            Strategy::Canary { steps, pause, .. } => {
                let pauses = steps.iter().filter(|weight| weight.round() < 100.0).count();
                pause
                    .unwrap_or(0)
                    .saturating_mul(u64::try_from(pauses).unwrap_or(u64::MAX))
            }
            Strategy::BlueGreen {
                preview_duration,
                rollback,
                ..
            } => match preview_duration {
                Some(preview) => *preview,
                None if !rollback.is_empty() => UNSET_MEASURED_PREVIEW_MS,
                None => 0,
            },
        }
    }
}

impl DeployStrategy {
    /// The least time the longest of the strategies a run may choose takes.
    pub fn least_duration(&self) -> u64 {
        self.variants()
            .iter()
            .map(|variant| variant.strategy.least_duration())
            .max()
            .unwrap_or(0)
    }
}

impl Deploy {
    /// See [`Strategy::least_duration`].
    pub fn least_duration(&self) -> u64 {
        self.strategy.least_duration()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canary_waits_its_pause_after_every_step_below_all_traffic() {
        let canary = |steps: Vec<f64>, pause| Strategy::Canary {
            steps,
            pause,
            rollback: Vec::new(),
        };
        assert_eq!(
            canary(vec![10.0, 25.0, 50.0, 100.0], Some(900_000)).least_duration(),
            2_700_000
        );
        assert_eq!(canary(vec![50.0, 100.0], None).least_duration(), 0);
    }

    #[test]
    fn a_blue_green_deploy_waits_its_preview_and_a_rolling_update_nothing() {
        let blue_green = |preview_duration, rollback: Vec<RollbackCondition>| Strategy::BlueGreen {
            preview_duration,
            auto_promote: true,
            scale_down_delay: Some(300_000),
            rollback,
            smoke_test: None,
        };
        assert_eq!(
            blue_green(Some(120_000), Vec::new()).least_duration(),
            120_000
        );
        assert_eq!(blue_green(None, Vec::new()).least_duration(), 0);
        let measured = vec![RollbackCondition {
            metric: Metric::ErrorRate,
            threshold: Threshold::Percent(5.0),
            origin: Origin::new(crate::span::SourceId(0), crate::span::Span::default()),
        }];
        assert_eq!(blue_green(None, measured).least_duration(), 240_000);
        let rolling = Strategy::Rolling {
            max_surge: Amount::Count(1),
            max_unavailable: Amount::Count(0),
        };
        assert_eq!(rolling.least_duration(), 0);
    }
}
