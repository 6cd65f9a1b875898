//! Phase 2b: the job graph of each pipeline: `needs` names existing jobs,
//! no job needs itself, and there are no cycles (the whole cycle is shown).

use foldhash::{HashMap, HashMapExt};

use crate::check::suggest;
use crate::diagnostic::{Code, Diagnostic, Label};
use crate::span::{SourceId, Span};
use crate::syntax::ast::{Block, ExprKind, Item};

/// A job and the jobs it needs, by index into the pipeline's job list.
struct JobNode<'a> {
    name: &'a str,
    name_span: Span,
    needs: Vec<(usize, Span)>,
}

pub fn check_job_graph(pipeline: &Block, source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    let Some(body) = &pipeline.body else { return };
    let jobs: Vec<&Block> = body
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Block(block) if block.keyword.name == "job" && block.label.is_some() => {
                Some(block)
            }
            _ => None,
        })
        .collect();
    let mut index_of: HashMap<&str, usize> = HashMap::with_capacity(jobs.len());
    for (index, job) in jobs.iter().enumerate() {
        if let Some(label) = &job.label {
            index_of.entry(label.name.as_str()).or_insert(index);
        }
    }
    let mut nodes: Vec<JobNode<'_>> = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let Some(label) = &job.label else { continue };
        let mut node = JobNode {
            name: &label.name,
            name_span: label.span,
            needs: Vec::new(),
        };
        for (needed, span) in needs_of(job) {
            match index_of.get(needed) {
                Some(_) if needed == label.name => diagnostics.push(
                    Diagnostic::new(
                        Code::JobNeedsItself,
                        format!("job `{needed}` needs itself"),
                        Label::new(source, span, "a job cannot wait for itself"),
                    )
                    .with_help("remove it from `needs`"),
                ),
                Some(&index) => node.needs.push((index, span)),
                None => {
                    let mut diagnostic = Diagnostic::new(
                        Code::UnknownJob,
                        format!("unknown job `{needed}` in `needs`"),
                        Label::new(source, span, "no job of this name in the pipeline"),
                    );
                    suggest::offer(&mut diagnostic, needed, index_of.keys(), source, span);
                    diagnostics.push(diagnostic);
                }
            }
        }
        nodes.push(node);
    }
    report_cycles(&nodes, source, diagnostics);
}

/// The names in a job's `needs = [a, b]`, with their spans. Values of other
/// shapes are left to the type checker.
fn needs_of(job: &Block) -> Vec<(&str, Span)> {
    let Some(body) = &job.body else {
        return Vec::new();
    };
    let mut needs = Vec::new();
    for item in &body.items {
        if let Item::Attribute(attribute) = item
            && attribute.key.name == "needs"
            && let ExprKind::List(elements) = &attribute.value.kind
        {
            for element in elements {
                if let ExprKind::Path(path) = &element.kind
                    && let [segment] = path.segments.as_slice()
                {
                    needs.push((segment.name.as_str(), segment.span));
                }
            }
        }
    }
    needs
}

/// Reports each cycle of `needs` once, its jobs in order.
fn report_cycles(nodes: &[JobNode<'_>], source: SourceId, diagnostics: &mut Vec<Diagnostic>) {
    for cycle in crate::cycles::find_cycles(nodes.len(), |node| &nodes[node].needs) {
        let members: Vec<usize> = cycle.members().collect();
        if let Some(closing_edge) = cycle.closing_edge() {
            diagnostics.push(cycle_diagnostic(nodes, &members, closing_edge, source));
        }
    }
}

fn cycle_diagnostic(
    nodes: &[JobNode<'_>],
    members: &[usize],
    closing_edge: Span,
    source: SourceId,
) -> Diagnostic {
    let names: Vec<&str> = members.iter().map(|&member| nodes[member].name).collect();
    let mut shown = names.join("` → `");
    shown = format!("`{shown}` → `{}`", names[0]);
    let mut diagnostic = Diagnostic::new(
        Code::NeedsCycle,
        format!("the jobs {shown} need each other in a cycle"),
        Label::new(source, closing_edge, "this `needs` closes the cycle"),
    );
    for (position, &member) in members.iter().enumerate() {
        let next = nodes[members[(position + 1) % members.len()]].name;
        diagnostic = diagnostic.with_secondary(Label::new(
            source,
            nodes[member].name_span,
            format!("{}. `{}` needs `{next}`", position + 1, nodes[member].name),
        ));
    }
    diagnostic.with_help("remove one of these `needs` so that the jobs can run in some order")
}
