//! A run stopped at the bound on work in flight, said in the page's words:
//! what piled up where, how fast, and what would bound it. The engine's
//! [`Overload`] carries the figures; its `Display` is the CLI's log line,
//! with grouped digits and backticked TOML. Here the figures read as the
//! rest of the page reads them ("2M", "1.5M a second") and each remedy is
//! split into prose and code, so the page can set the TOML as code. Pure,
//! so tested natively.

use scalesim_engine::sim::{NodeGrowth, Overload};

use crate::format;

/// A piece of a remedy: prose, or TOML to set as code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Code(String),
}

/// One node that grew: a sentence, then the remedies for it.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeWords {
    pub sentence: String,
    pub remedies: Vec<Vec<Piece>>,
}

/// The whole explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct OverloadWords {
    /// When it stopped and how much was in flight against the bound.
    pub summary: String,
    pub nodes: Vec<NodeWords>,
    /// Retries adding to the load, or where else to look when no node
    /// holds most of it.
    pub note: Option<Vec<Piece>>,
}

/// The explanation of `o`.
pub fn explain(o: &Overload) -> OverloadWords {
    let megabytes = o.limit * scalesim_engine::limits::BYTES_PER_UNIT_OF_WORK / 1_000_000;
    let summary = format!(
        "At {} of simulated time {} units of work were in flight ({} requests at nodes, {} calls \
         awaiting answers or retries), past the {} a tab holds (about {megabytes} MB).",
        format::clock(o.at_s),
        format::quantity(o.work_in_flight as f64),
        format::quantity(o.visits as f64),
        format::quantity(o.calls as f64),
        format::quantity(o.limit as f64),
    );
    let note = if !o.retried.is_empty() {
        let loads = o.retried.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ");
        Some(pieces(&format!(
            "Retries add to the load: fewer `attempts` or a retry `budget` on the retries of \
             {loads} would ease it."
        )))
    } else if o.nodes.is_empty() {
        Some(pieces(
            "No node's queue holds most of it: look for calls with long timeouts, many retries or \
             a large fan-out, and bound them with a `timeout`, fewer `attempts`, a `bulkhead` or a \
             `rate_limit`.",
        ))
    } else {
        None
    };
    OverloadWords { summary, nodes: o.nodes.iter().map(node_words).collect(), note }
}

/// The one line that stands for the explanation while it is folded: what
/// grew (the cause, named so the canvas's red node reads as it), and that
/// what would bound it is inside.
pub fn grown_line(o: &Overload) -> String {
    let names: Vec<&str> = o.nodes.iter().map(|n| n.node.as_str()).collect();
    match names.as_slice() {
        [] => "Why, and what would bound it".to_owned(),
        [one] => format!("{one} piled up: why, and what would bound it"),
        many => format!("{} piled up: why, and what would bound them", many.join(", ")),
    }
}

/// The embedded player's one line for a run stopped at the bound (`o`:
/// what grew, when the worker said): a reader of a doc page can change
/// only the load, so it names what piled up and the way back, not the
/// TOML that the app's panel offers its author.
pub fn for_reader(o: Option<&Overload>) -> String {
    let names: Vec<&str> = o.iter().flat_map(|o| &o.nodes).map(|n| n.node.as_str()).collect();
    let what = match names.as_slice() {
        [] => "more work piled up than a browser tab can hold".to_owned(),
        [one] => format!("{one} piled up more work than a browser tab can hold"),
        [rest @ .., last] => {
            format!("{} and {last} piled up more work than a browser tab can hold", rest.join(", "))
        }
    };
    format!("The run stopped: {what}. Replay starts it again at the embed's own load.")
}

fn node_words(n: &NodeGrowth) -> NodeWords {
    let mut sentence =
        format!("{}: {} requests in flight", n.node, format::quantity(n.in_flight as f64));
    if n.queued > 0 {
        sentence.push_str(&format!(", {} of them queued", format::quantity(n.queued as f64)));
    }
    if n.growth_per_s > 0.0 {
        sentence.push_str(&format!(
            ", growing by {} a simulated second",
            format::quantity(n.growth_per_s)
        ));
    }
    if let Some(serves) = n.serves_per_s {
        sentence.push_str(&format!("; it finishes about {}", format::rate(serves)));
    }
    sentence.push('.');
    NodeWords { sentence, remedies: n.remedies.iter().map(|r| pieces(r)).collect() }
}

/// `text` split at its backticks: even stretches prose, odd ones code. An
/// unclosed backtick leaves the rest as prose.
pub fn pieces(text: &str) -> Vec<Piece> {
    let parts: Vec<&str> = text.split('`').collect();
    let closed = parts.len() % 2 == 1;
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let last_open = !closed && i == parts.len() - 1;
        if part.is_empty() {
            continue;
        }
        if i % 2 == 1 && !last_open {
            out.push(Piece::Code((*part).to_owned()));
        } else if last_open {
            out.push(Piece::Text(format!("`{part}")));
        } else {
            out.push(Piece::Text((*part).to_owned()));
        }
    }
    out
}

/// The demo's station at 1000×, as the worker reports it: for this
/// module's and the wire encoding's tests.
#[cfg(test)]
pub(crate) fn sample() -> Overload {
    Overload {
        at_s: 1.3,
        work_in_flight: 2_000_742,
        limit: 2_000_000,
        visits: 2_000_739,
        calls: 0,
        events: 3,
        nodes: vec![NodeGrowth {
            node: "api".into(),
            in_flight: 2_000_739,
            queued: 2_000_737,
            growth_per_s: 1_496_418.0,
            serves_per_s: Some(2000.0),
            remedies: vec![
                "a queue `capacity` (`queue = { capacity = 1000 }`: more are rejected)".into(),
                "more `replicas` or `workers`".into(),
            ],
        }],
        retried: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_read_as_the_page_reads_them() {
        let w = explain(&sample());
        assert_eq!(
            w.summary,
            "At 1.3 s of simulated time 2M units of work were in flight (2M requests at nodes, 0 \
             calls awaiting answers or retries), past the 2M a tab holds (about 240 MB)."
        );
        assert_eq!(
            w.nodes[0].sentence,
            "api: 2M requests in flight, 2M of them queued, growing by 1.5M a simulated second; \
             it finishes about 2000 req/s."
        );
        assert_eq!(w.note, None);
    }

    #[test]
    fn a_reader_is_told_what_piled_up_and_the_way_back_without_toml() {
        let words = for_reader(Some(&sample()));
        assert_eq!(
            words,
            "The run stopped: api piled up more work than a browser tab can hold. Replay starts \
             it again at the embed's own load."
        );
        assert!(!words.contains('`'));
        let mut two = sample();
        two.nodes.push(NodeGrowth { node: "db".into(), ..two.nodes[0].clone() });
        assert!(for_reader(Some(&two)).starts_with("The run stopped: api and db piled up"));
        assert!(for_reader(None).starts_with("The run stopped: more work piled up"));
    }

    #[test]
    fn the_folded_line_names_what_grew() {
        let mut o = sample();
        let first = o.nodes[0].node.clone();
        assert!(grown_line(&o).starts_with(&first), "{}", grown_line(&o));
        o.nodes.clear();
        assert_eq!(grown_line(&o), "Why, and what would bound it");
    }

    #[test]
    fn remedies_set_their_toml_as_code() {
        let w = explain(&sample());
        assert_eq!(
            w.nodes[0].remedies[0],
            vec![
                Piece::Text("a queue ".into()),
                Piece::Code("capacity".into()),
                Piece::Text(" (".into()),
                Piece::Code("queue = { capacity = 1000 }".into()),
                Piece::Text(": more are rejected)".into()),
            ]
        );
        assert_eq!(
            pieces("an `unclosed tick"),
            vec![Piece::Text("an ".into()), Piece::Text("`unclosed tick".into())]
        );
        assert_eq!(pieces("plain"), vec![Piece::Text("plain".into())]);
    }

    #[test]
    fn retries_or_no_single_node_get_a_note() {
        let mut o = sample();
        o.retried = vec!["users".into()];
        let note = explain(&o).note.expect("a note on retries");
        assert!(note.contains(&Piece::Code("users".into())));
        o.retried.clear();
        o.nodes.clear();
        let note = explain(&o).note.expect("a note on where to look");
        assert!(note.contains(&Piece::Code("bulkhead".into())));
    }
}
