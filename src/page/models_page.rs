//! "What scalesim models, and what it does not" (`docs/models.md`), shown
//! in the page as a collapsible section. The Markdown is rendered by a
//! minimal reader of the subset the page uses (headings, bullets,
//! paragraphs), as text nodes only: no HTML from the file reaches the DOM.

use yew::prelude::*;

/// The page's source, compiled in so the app and the README show one text.
const MODELS_MD: &str = include_str!("../../docs/models.md");

/// One block of the page.
#[derive(Debug, PartialEq)]
enum Block {
    Heading(String),
    Paragraph(String),
    Bullets(Vec<String>),
}

/// Splits the Markdown into blocks; inline marks (`**`, backticks, links)
/// are reduced to their text.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    for chunk in markdown.split("\n\n") {
        let chunk = chunk.trim();
        if chunk.is_empty() || chunk.starts_with("# ") {
            continue;
        }
        if let Some(h) = chunk.strip_prefix("## ") {
            out.push(Block::Heading(plain(h)));
        } else if chunk.starts_with("- ") {
            let items = chunk.split("\n- ").map(|i| plain(i.trim_start_matches("- "))).collect();
            out.push(Block::Bullets(items));
        } else {
            out.push(Block::Paragraph(plain(chunk)));
        }
    }
    out
}

/// Text without Markdown marks: `[text](url)` becomes `text`.
fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        match (after.find("]("), after.find(')')) {
            (Some(close), Some(end)) if close < end => {
                out.push_str(&after[1..close]);
                rest = &after[end + 1..];
            }
            _ => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("**", "").replace(['*', '`'], "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The collapsible page.
#[function_component(ModelsPage)]
pub fn models_page() -> Html {
    let body = blocks(MODELS_MD).into_iter().map(|b| match b {
        Block::Heading(h) => html! { <h3>{ h }</h3> },
        Block::Paragraph(p) => html! { <p>{ p }</p> },
        Block::Bullets(items) => {
            html! { <ul>{ for items.into_iter().map(|i| html! { <li>{ i }</li> }) }</ul> }
        }
    });
    html! {
        <details class="models" id="models">
            <summary>{ "What scalesim models, and what it does not" }</summary>
            { for body }
        </details>
    }
}
