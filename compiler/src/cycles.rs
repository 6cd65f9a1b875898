//! Cycles in a directed graph, for the job graph (`needs`) and the module
//! graph (imports). Not a phase: a helper both phases share.

/// One cycle: each member with the edge it leaves by, in order; the last
/// member's edge leads back to the first and closes the cycle.
#[derive(Debug, PartialEq, Eq)]
pub struct Cycle<E> {
    pub steps: Vec<(usize, E)>,
}

impl<E: Copy> Cycle<E> {
    pub fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.steps.iter().map(|&(member, _)| member)
    }

    /// The edge that closes the cycle.
    pub fn closing_edge(&self) -> Option<E> {
        self.steps.last().map(|&(_, edge)| edge)
    }
}

/// Every cycle found by an iterative depth-first search from each node in
/// order: no recursion, linear in nodes and edges. `edges(n)` lists the
/// `(target, edge)` pairs leaving node `n`.
pub fn find_cycles<'a, E: Copy + 'a>(
    node_count: usize,
    edges: impl Fn(usize) -> &'a [(usize, E)],
) -> Vec<Cycle<E>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut cycles = Vec::new();
    let mut state = vec![State::New; node_count];
    // Each frame: the node and how many of its edges have been followed.
    let mut path: Vec<(usize, usize)> = Vec::new();
    for root in 0..node_count {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::OnPath;
        path.push((root, 0));
        while let Some(&mut (node, ref mut followed)) = path.last_mut() {
            let Some(&(target, _)) = edges(node).get(*followed) else {
                state[node] = State::Done;
                path.pop();
                continue;
            };
            *followed += 1;
            match state[target] {
                State::New => {
                    state[target] = State::OnPath;
                    path.push((target, 0));
                }
                State::OnPath => {
                    let start = path
                        .iter()
                        .position(|&(member, _)| member == target)
                        .unwrap_or(0);
                    // A frame's last followed edge is the one it left by.
                    let steps = path[start..]
                        .iter()
                        .filter_map(|&(member, followed)| {
                            edges(member)
                                .get(followed.checked_sub(1)?)
                                .map(|&(_, edge)| (member, edge))
                        })
                        .collect();
                    cycles.push(Cycle { steps });
                }
                State::Done => {}
            }
        }
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_cycle_once_with_its_edges_in_order() {
        // 0 → 1 → 2 → 0, and 3 → 3.
        let graph: Vec<Vec<(usize, char)>> = vec![
            vec![(1, 'a')],
            vec![(2, 'b')],
            vec![(0, 'c')],
            vec![(3, 'd')],
        ];
        let cycles = find_cycles(graph.len(), |node| &graph[node]);
        assert_eq!(
            cycles,
            [
                Cycle {
                    steps: vec![(0, 'a'), (1, 'b'), (2, 'c')]
                },
                Cycle {
                    steps: vec![(3, 'd')]
                }
            ]
        );
        assert_eq!(cycles[0].closing_edge(), Some('c'));
    }

    #[test]
    fn acyclic_graphs_have_none() {
        let graph: Vec<Vec<(usize, ())>> = vec![vec![(1, ()), (2, ())], vec![(2, ())], vec![]];
        assert!(find_cycles(graph.len(), |node| &graph[node]).is_empty());
    }
}
