//! The subset of Markdown the app shows from the project's docs
//! (`docs/models.md` on the Models page): headings, bullets and
//! paragraphs, with inline marks reduced to their text. Pure, so it is
//! tested natively; the page renders the blocks as text nodes only.

/// One block of a page.
#[derive(Debug, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Bullets(Vec<String>),
}

/// Splits the Markdown into blocks; inline marks (`**`, backticks, links)
/// are reduced to their text.
pub fn blocks(markdown: &str) -> Vec<Block> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_models_page_reads_as_headings_paragraphs_and_bullets() {
        let found = blocks(include_str!("../docs/models.md"));
        assert!(found.iter().any(|b| matches!(b, Block::Heading(h) if h == "What it simplifies")));
        assert!(found.iter().any(|b| matches!(b, Block::Bullets(items) if items.len() > 1)));
        for b in &found {
            let texts = match b {
                Block::Heading(t) | Block::Paragraph(t) => vec![t.as_str()],
                Block::Bullets(items) => items.iter().map(String::as_str).collect(),
            };
            for t in texts {
                assert!(!t.contains("**") && !t.contains('`') && !t.contains("]("), "{t}");
            }
        }
    }

    #[test]
    fn links_keep_their_words_and_marks_go() {
        assert_eq!(plain("see [the docs](docs/a.md) and **this** `x`"), "see the docs and this x");
        assert_eq!(plain("a [b c"), "a [b c");
    }
}
