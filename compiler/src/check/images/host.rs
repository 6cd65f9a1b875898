//! Registry hosts of image references: `host[:port]`, where the host is
//! DNS labels (`ghcr.io`), `localhost` or a bracketed IPv6 address, and
//! the port is digits.

use std::ops::Range;

use crate::check::literal_text::{Atom, Problem};

const HOST_HELP: &str = "a registry host is a DNS name (`ghcr.io`) or `localhost`, optionally with a port (`localhost:5000`)";

/// `host[:port]`, where the host is DNS labels or a bracketed IPv6 address.
pub fn check_host(atoms: &[Atom], host: Range<usize>) -> Result<(), Problem> {
    let text = atoms.get(host.clone()).unwrap_or_default();
    let bracket_end = if text.first().is_some_and(|atom| atom.is('[')) {
        match text.iter().position(|atom| atom.is(']')) {
            Some(end) => Some(end),
            None => {
                return Err(Problem::new(
                    host.start..host.start + 1,
                    "the IPv6 address has no `]`",
                    "not closed",
                    HOST_HELP,
                ));
            }
        }
    } else {
        None
    };
    let port_colon = text
        .iter()
        .enumerate()
        .skip(bracket_end.unwrap_or(0))
        .find(|(_, atom)| atom.is(':'))
        .map(|(index, _)| host.start + index);
    if let Some(colon) = port_colon {
        let port = colon + 1..host.end;
        let digits = atoms.get(port.clone()).unwrap_or_default();
        if digits.is_empty()
            || digits
                .iter()
                .any(|atom| atom.character.is_some_and(|c| !c.is_ascii_digit()))
        {
            return Err(Problem::new(
                port,
                "the registry port is not a number",
                "not a port",
                HOST_HELP,
            ));
        }
    }
    let name_end = port_colon.unwrap_or(host.end);
    if bracket_end.is_some() {
        return Ok(());
    }
    let mut label_start = host.start;
    for index in host.start..=name_end {
        let at_end = index == name_end;
        if !at_end && !atoms.get(index).is_some_and(|atom| atom.is('.')) {
            let Some(atom) = atoms.get(index) else { break };
            if let Some(character) = atom.character
                && !character.is_ascii_alphanumeric()
                && character != '-'
            {
                return Err(Problem::new(
                    index..index + 1,
                    format!("`{character}` is not allowed in a registry host"),
                    "not allowed here",
                    HOST_HELP,
                ));
            }
            continue;
        }
        let label = atoms.get(label_start..index).unwrap_or_default();
        let edges = [label.first(), label.last()];
        if label.is_empty() || edges.iter().flatten().any(|atom| atom.is('-')) {
            return Err(Problem::new(
                label_start..index.max(label_start + 1),
                "a part of the registry host is empty or starts or ends with `-`",
                "invalid host name",
                HOST_HELP,
            ));
        }
        label_start = index + 1;
    }
    Ok(())
}
