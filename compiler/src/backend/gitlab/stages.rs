//! GitLab stages from the `needs` graph.
//!
//! `needs:` already orders the jobs (a DAG); stages only group them for
//! people reading the pipeline graph, and a job may not come before a job
//! it needs. Without any `stage` attribute in a pipeline the stages are
//! the depths of the graph: `stage-1` holds the jobs that need nothing,
//! `stage-2` those whose longest chain of needs has one job, and so on.
//! When jobs name their stage, the named stages are ordered by the needs
//! between their jobs (ties in source order), and every other job joins
//! the latest stage among the jobs it needs, or the first stage. Named
//! stages whose jobs need each other both ways cannot be ordered: the
//! checker reports that (E0401) from [`stages`] before any backend runs.

use foldhash::HashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::ir::{Origin, Pipeline};

/// The stages of a pipeline, in order, and the stage of each job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stages {
    pub names: Vec<String>,
    /// Parallel to `pipeline.jobs`.
    pub of_job: Vec<usize>,
}

impl Stages {
    pub fn stage_of(&self, job_index: usize) -> &str {
        self.of_job
            .get(job_index)
            .and_then(|&stage| self.names.get(stage))
            .map_or("test", String::as_str)
    }
}

/// The jobs' stages, or the origin of a job whose named stage contradicts
/// its `needs`.
pub fn stages(pipeline: &Pipeline) -> Result<Stages, Origin> {
    let needs = need_indices(pipeline);
    let order = topological_order(&needs);
    if pipeline.jobs.iter().all(|job| job.stage.is_none()) {
        let mut depth = vec![0usize; pipeline.jobs.len()];
        for &job in &order {
            depth[job] = needs[job]
                .iter()
                .map(|&need| depth[need] + 1)
                .max()
                .unwrap_or(0);
        }
        let count = depth.iter().copied().max().map_or(0, |deepest| deepest + 1);
        return Ok(Stages {
            names: (1..=count)
                .map(|number| format!("stage-{number}"))
                .collect(),
            of_job: depth,
        });
    }
    named_stages(pipeline, &order, &needs)
}

fn named_stages(
    pipeline: &Pipeline,
    order: &[usize],
    needs: &[Vec<usize>],
) -> Result<Stages, Origin> {
    let mut names: Vec<String> = Vec::new();
    for job in &pipeline.jobs {
        if let Some(stage) = &job.stage
            && !names.contains(stage)
        {
            names.push(stage.clone());
        }
    }
    let index_of = |name: &str| names.iter().position(|known| known == name);
    // The named stages each job follows, looking up through unnamed jobs.
    let mut upstream: Vec<Vec<usize>> = vec![Vec::new(); pipeline.jobs.len()];
    let mut edges: Vec<(usize, usize, Origin)> = Vec::new();
    for &job in order {
        let mut found: Vec<usize> = Vec::new();
        for &need in &needs[job] {
            match pipeline.jobs[need].stage.as_deref().and_then(index_of) {
                Some(stage) => found.push(stage),
                None => found.extend(upstream[need].iter().copied()),
            }
        }
        found.sort_unstable();
        found.dedup();
        if let Some(own) = pipeline.jobs[job].stage.as_deref().and_then(index_of) {
            for &before in &found {
                if before != own {
                    edges.push((before, own, pipeline.jobs[job].origin));
                }
            }
        }
        upstream[job] = found;
    }
    // Kahn's algorithm, taking the first stage in source order among the ready ones.
    let mut incoming = vec![0usize; names.len()];
    for &(_, to, _) in &edges {
        incoming[to] += 1;
    }
    let mut placed: Vec<usize> = Vec::with_capacity(names.len());
    let mut done = vec![false; names.len()];
    while placed.len() < names.len() {
        let Some(next) = (0..names.len()).find(|&stage| !done[stage] && incoming[stage] == 0)
        else {
            let origin = edges
                .iter()
                .find(|(_, to, _)| !done[*to])
                .map_or(pipeline.origin, |(_, _, origin)| *origin);
            return Err(origin);
        };
        done[next] = true;
        placed.push(next);
        for &(from, to, _) in &edges {
            if from == next {
                incoming[to] -= 1;
            }
        }
    }
    let rank = |stage: usize| placed.iter().position(|&other| other == stage).unwrap_or(0);
    let mut of_job = vec![0usize; pipeline.jobs.len()];
    for &job in order {
        of_job[job] = match pipeline.jobs[job].stage.as_deref().and_then(index_of) {
            Some(stage) => rank(stage),
            None => needs[job]
                .iter()
                .map(|&need| of_job[need])
                .max()
                .unwrap_or(0),
        };
    }
    Ok(Stages {
        names: placed.iter().map(|&stage| names[stage].clone()).collect(),
        of_job,
    })
}

/// The jobs in an order where each comes after the jobs it needs (ready
/// jobs in source order); jobs in a cycle (reported by the checker) come
/// last in source order.
fn topological_order(needs: &[Vec<usize>]) -> Vec<usize> {
    let count = needs.len();
    let mut waiting: Vec<usize> = needs.iter().map(Vec::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (job, needed) in needs.iter().enumerate() {
        for &need in needed {
            dependents[need].push(job);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..count)
        .filter(|&job| waiting[job] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(count);
    let mut placed = vec![false; count];
    while let Some(Reverse(job)) = ready.pop() {
        placed[job] = true;
        order.push(job);
        for &dependent in &dependents[job] {
            waiting[dependent] -= 1;
            if waiting[dependent] == 0 {
                ready.push(Reverse(dependent));
            }
        }
    }
    order.extend((0..count).filter(|&job| !placed[job]));
    order
}

/// The indices of the jobs in an order where each comes after the jobs it
/// needs.
pub fn job_order(pipeline: &Pipeline) -> Vec<usize> {
    topological_order(&need_indices(pipeline))
}

/// For each job, the indices of the jobs it needs (unknown names left out).
fn need_indices(pipeline: &Pipeline) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> = pipeline
        .jobs
        .iter()
        .enumerate()
        .map(|(position, job)| (job.name.as_str(), position))
        .collect();
    pipeline
        .jobs
        .iter()
        .map(|job| {
            let mut found: Vec<usize> = job
                .needs
                .iter()
                .filter_map(|need| index.get(need.job.as_str()).copied())
                .collect();
            found.sort_unstable();
            found.dedup();
            found
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Job, Need, Triggers};
    use crate::span::{SourceId, Span};

    fn origin() -> Origin {
        Origin::new(SourceId(0), Span::default())
    }

    fn pipeline(jobs: &[(&str, &[&str], Option<&str>)]) -> Pipeline {
        Pipeline {
            name: "p".into(),
            title: None,
            source_file: "p.pipe".into(),
            origin: origin(),
            triggers: Triggers::default(),
            env: Vec::new(),
            secrets: Vec::new(),
            permissions: Vec::new(),
            concurrency: None,
            jobs: jobs
                .iter()
                .map(|(name, needs, stage)| {
                    let mut job = Job::empty((*name).to_owned(), origin());
                    job.needs = needs
                        .iter()
                        .map(|need| Need {
                            job: (*need).to_owned(),
                            origin: origin(),
                        })
                        .collect();
                    job.stage = stage.map(str::to_owned);
                    job
                })
                .collect(),
            notifications: Vec::new(),
            escapes: crate::ir::Escapes::default(),
            job_index: crate::ir::JobIndex::default(),
        }
    }

    fn stage_names(pipeline: &Pipeline) -> Vec<String> {
        let stages = stages(pipeline).expect("orderable stages");
        (0..pipeline.jobs.len())
            .map(|job| stages.stage_of(job).to_owned())
            .collect()
    }

    #[test]
    fn derived_stages_are_the_depths_of_the_needs_graph() {
        let pipeline = pipeline(&[
            ("deploy", &["unit", "scan"], None),
            ("quality", &[], None),
            ("scan", &[], None),
            ("unit", &["quality"], None),
        ]);
        assert_eq!(
            stage_names(&pipeline),
            ["stage-3", "stage-1", "stage-1", "stage-2"]
        );
    }

    #[test]
    fn named_stages_follow_the_needs_and_other_jobs_join_their_latest_need() {
        let pipeline = pipeline(&[
            ("ship", &["pack"], Some("deploy")),
            ("pack", &["compile"], None),
            ("compile", &[], Some("build")),
            ("lint", &[], None),
        ]);
        let stages = stages(&pipeline).expect("orderable stages");
        assert_eq!(stages.names, ["build", "deploy"]);
        assert_eq!(
            stage_names(&pipeline),
            ["deploy", "build", "build", "build"]
        );
    }

    #[test]
    fn named_stages_that_need_each_other_both_ways_are_rejected() {
        let pipeline = pipeline(&[
            ("a", &[], Some("x")),
            ("b", &["a"], Some("y")),
            ("c", &[], Some("y")),
            ("d", &["c"], Some("x")),
        ]);
        assert!(stages(&pipeline).is_err());
    }
}
