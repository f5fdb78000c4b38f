//! What happens to the document on screen when another one is opened in
//! its place (a library entry, a file, a saved scenario, a share link or a
//! library scenario named in the URL at start-up): edited, it is kept in
//! the personal list of saved scenarios first, under its scenario's name
//! and "(edited)", with the Source tab's unapplied draft over it if there
//! is one, so opening never throws work away and never asks. Pure, tested
//! natively; `store` does the storing.
//!
//! The rules, so the list stays one entry per line of work:
//! - a document unchanged since it was opened, with no draft over it, is
//!   not kept (nothing to lose);
//! - a text (and draft) already in the list is not kept again (it is there);
//! - a document opened from a kept entry (the notice's "Back to my edits")
//!   is kept back under that entry's name, replacing it;
//! - otherwise it gets `NAME (edited)`, or `NAME (edited 2)`, … when that
//!   name holds other work.

use serde::{Deserialize, Serialize};

/// A scenario in the personal list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedScenario {
    pub name: String,
    pub file: String,
    pub toml: String,
    /// The Source tab's unapplied draft over `toml` when it was kept, as
    /// `source_draft::KeptDraft::stored` writes it (a string: a struct of
    /// its own would bring serde's derived code for it into the bundle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
}

/// What the document on screen was opened as.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Opened {
    /// Its text when opened; `None` when unknown (work reopened after a
    /// reload that had been edited before it), which counts as edited.
    pub text: Option<String>,
    /// The saved entry it was opened from (or last kept or saved as).
    pub saved_as: Option<String>,
}

impl Opened {
    /// Opened as `text`, from the saved entry `saved_as` if any.
    pub fn new(text: &str, saved_as: Option<String>) -> Opened {
        Opened { text: Some(text.to_owned()), saved_as }
    }
}

/// Whether `text` differs from the document as it was opened.
pub fn edited(opened: &Opened, text: &str) -> bool {
    opened.text.as_deref() != Some(text)
}

/// What to do with the document on screen before another is opened.
#[derive(Clone, Debug, PartialEq)]
pub enum Keep {
    /// Not edited: nothing to keep.
    Nothing,
    /// Already in the list under this name.
    Already(String),
    /// Save it under this name (replacing an entry of that name).
    Save(String),
}

/// What to do with `text`, opened as `opened`, with the Source tab's
/// `draft` over it, whose scenario is called `title`, given the list
/// `saved`.
pub fn plan(
    opened: &Opened,
    title: &str,
    text: &str,
    draft: Option<&str>,
    saved: &[SavedScenario],
) -> Keep {
    if !edited(opened, text) && draft.is_none() {
        return Keep::Nothing;
    }
    if let Some(same) = saved.iter().find(|s| s.toml == text && s.draft.as_deref() == draft) {
        return Keep::Already(same.name.clone());
    }
    let stem = match &opened.saved_as {
        Some(name) if is_kept_name(name) => return Keep::Save(name.clone()),
        Some(name) => name.trim(),
        None => title.trim(),
    };
    let stem = if stem.is_empty() { "Scenario" } else { stem };
    let taken = |name: &str| saved.iter().any(|s| s.name == name);
    let name = (1..)
        .map(|n| if n == 1 { format!("{stem} (edited)") } else { format!("{stem} (edited {n})") })
        .find(|name| !taken(name))
        .unwrap_or_default();
    Keep::Save(name)
}

/// Whether `name` is one [`plan`] gives: `… (edited)` or `… (edited N)`.
pub fn is_kept_name(name: &str) -> bool {
    let Some(rest) = name.strip_suffix(')') else { return false };
    let Some((_, tail)) = rest.rsplit_once(" (edited") else { return false };
    tail.is_empty() || tail.strip_prefix(' ').is_some_and(|n| n.parse::<u32>().is_ok())
}

/// `list` with `entry` first, replacing any entry of its name (newest first).
pub fn with_saved(mut list: Vec<SavedScenario>, entry: SavedScenario) -> Vec<SavedScenario> {
    list.retain(|s| s.name != entry.name);
    list.insert(0, entry);
    list
}

/// The notice after keeping: where the edits went (the name says whose),
/// and that the Source tab's draft went with them when it did.
pub fn notice(name: &str, with_draft: bool) -> String {
    let what = if with_draft { "Your edits and your Source draft are" } else { "Your edits are" };
    format!("{what} kept in File ▸ Saved as “{name}”.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, toml: &str) -> SavedScenario {
        SavedScenario { name: name.into(), file: "f.toml".into(), toml: toml.into(), draft: None }
    }

    const T: &str = "Sync chain";

    #[test]
    fn an_unedited_document_is_not_kept() {
        let opened = Opened::new("a = 1\n", None);
        assert_eq!(plan(&opened, T, "a = 1\n", None, &[]), Keep::Nothing);
    }

    #[test]
    fn an_edited_document_is_kept_under_its_scenario_name() {
        let opened = Opened::new("a = 1\n", None);
        assert_eq!(
            plan(&opened, T, "a = 2\n", None, &[]),
            Keep::Save("Sync chain (edited)".into())
        );
        // Work reopened after a reload, its first text unknown, is edited.
        let reopened = Opened { text: None, saved_as: None };
        assert_eq!(
            plan(&reopened, T, "a = 1\n", None, &[]),
            Keep::Save("Sync chain (edited)".into())
        );
    }

    #[test]
    fn switching_back_and_forth_piles_up_nothing() {
        // Edited, kept, the lesson opened again fresh and left unedited.
        let list = vec![entry("Sync chain (edited)", "a = 2\n")];
        assert_eq!(plan(&Opened::new("a = 1\n", None), T, "a = 1\n", None, &list), Keep::Nothing);
        // The same text again (kept already, e.g. a failed open).
        let opened = Opened::new("a = 1\n", None);
        assert_eq!(
            plan(&opened, T, "a = 2\n", None, &list),
            Keep::Already("Sync chain (edited)".into())
        );
        // Back to the kept edits, edited further: the same entry replaced.
        let back = Opened::new("a = 2\n", Some("Sync chain (edited)".into()));
        assert_eq!(
            plan(&back, T, "a = 3\n", None, &list),
            Keep::Save("Sync chain (edited)".into())
        );
    }

    #[test]
    fn other_work_under_the_name_is_never_replaced() {
        // The lesson opened fresh and edited differently: a second entry.
        let list = vec![entry("Sync chain (edited)", "a = 2\n")];
        let opened = Opened::new("a = 1\n", None);
        assert_eq!(
            plan(&opened, T, "a = 5\n", None, &list),
            Keep::Save("Sync chain (edited 2)".into())
        );
        // A scenario the user saved by name, opened and edited: kept beside it.
        let list = vec![entry("mine", "a = 2\n")];
        let opened = Opened::new("a = 2\n", Some("mine".into()));
        assert_eq!(plan(&opened, T, "a = 3\n", None, &list), Keep::Save("mine (edited)".into()));
    }

    #[test]
    fn a_draft_left_open_is_kept_with_its_document() {
        let draft = "same\nf.toml\na = 9\n";
        // Unedited document, a draft over it: kept, draft and all.
        let opened = Opened::new("a = 1\n", None);
        assert_eq!(
            plan(&opened, T, "a = 1\n", Some(draft), &[]),
            Keep::Save("Sync chain (edited)".into())
        );
        // The same text without that draft in the list is other work.
        let list = vec![entry("Sync chain (edited)", "a = 1\n")];
        assert_eq!(
            plan(&opened, T, "a = 1\n", Some(draft), &list),
            Keep::Save("Sync chain (edited 2)".into())
        );
        // With it, it is there already.
        let list = vec![SavedScenario { draft: Some(draft.into()), ..list[0].clone() }];
        assert_eq!(
            plan(&opened, T, "a = 1\n", Some(draft), &list),
            Keep::Already("Sync chain (edited)".into())
        );
    }

    #[test]
    fn saved_entries_without_a_draft_read_as_before() {
        let old = r#"[{"name":"mine","file":"f.toml","toml":"a = 1\n"}]"#;
        let list: Vec<SavedScenario> = serde_json::from_str(old).unwrap();
        assert_eq!(list, vec![entry("mine", "a = 1\n")]);
        assert_eq!(serde_json::to_string(&list).unwrap(), old);
    }

    #[test]
    fn kept_names_are_recognised() {
        assert!(is_kept_name("Sync chain (edited)"));
        assert!(is_kept_name("Sync chain (edited 12)"));
        assert!(!is_kept_name("Sync chain"));
        assert!(!is_kept_name("Sync chain (edited x)"));
        assert!(!is_kept_name("(edited"));
    }

    #[test]
    fn a_saved_entry_replaces_its_namesake_and_goes_first() {
        let list = vec![entry("a", "1"), entry("b", "2")];
        let list = with_saved(list, entry("b", "3"));
        assert_eq!(list, vec![entry("b", "3"), entry("a", "1")]);
    }

    #[test]
    fn the_notice_says_where() {
        assert_eq!(
            notice("Sync chain (edited)", false),
            "Your edits are kept in File ▸ Saved as “Sync chain (edited)”."
        );
        assert_eq!(
            notice("Sync chain (edited)", true),
            "Your edits and your Source draft are kept in File ▸ Saved as “Sync chain (edited)”."
        );
    }
}
