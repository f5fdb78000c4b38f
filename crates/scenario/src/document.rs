//! A scenario file as a format-preserving TOML document (`toml_edit`), and
//! the operations the text edits ([`crate::edit`], [`crate::set`]) are made
//! of: find an entry by id, set or remove a key, add or remove an entry.
//!
//! Each keeps what the user wrote around it: comments, blank lines, key
//! order, inline tables, and the spelling of every value not edited. A new
//! key is laid out like its neighbours (indented as they are, spaced as
//! they are inside an inline table); a new entry goes after the last of its
//! kind, laid out like it; a removed entry or key takes the comment lines
//! directly above it with it, and leaves a comment that a blank line
//! separates from it where it was.

use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// A document from a file's text; the error is the parser's message.
pub(crate) fn parse(text: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>().map_err(|e| e.message().trim().to_owned())
}

/// The document as text, with the line endings of `original` (the parser
/// reads `\r\n` as `\n`).
pub(crate) fn render(doc: &DocumentMut, original: &str) -> String {
    let text = doc.to_string();
    if original.contains("\r\n") { text.replace("\r\n", "\n").replace('\n', "\r\n") } else { text }
}

/// A value written as in a file (`300`, `"5ms"`, `{ dist = "exp", mean =
/// "3ms" }`), its spelling kept; text that is not one TOML value (`5ms`,
/// `async`) is a string.
pub(crate) fn parse_value(text: &str) -> Value {
    let parsed = format!("v = {text}").parse::<DocumentMut>().ok().and_then(|mut doc| {
        if doc.as_table().len() != 1 {
            return None;
        }
        match doc.as_table_mut().remove("v")? {
            Item::Value(v) => Some(v),
            _ => None,
        }
    });
    match parsed {
        Some(mut value) => {
            value.decor_mut().clear();
            value
        }
        None => Value::from(text),
    }
}

/// A table of the document, written as a section (`[x]`, `[[x]]`, dotted
/// keys) or inline (`{ … }`).
pub(crate) enum Tab<'a> {
    Std(&'a mut Table),
    Inline(&'a mut InlineTable),
}

impl<'a> Tab<'a> {
    /// The table an item is, if it is one.
    pub(crate) fn of(item: &'a mut Item) -> Option<Tab<'a>> {
        match item {
            Item::Table(t) => Some(Tab::Std(t)),
            Item::Value(Value::InlineTable(t)) => Some(Tab::Inline(t)),
            _ => None,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Item> {
        match self {
            Tab::Std(t) => t.get(key),
            Tab::Inline(t) => toml_edit::TableLike::get(&**t, key),
        }
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Item> {
        match self {
            Tab::Std(t) => t.get_mut(key),
            Tab::Inline(t) => toml_edit::TableLike::get_mut(&mut **t, key),
        }
    }

    pub(crate) fn str_of(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Item::as_str)
    }

    /// Sets `key` to `value`: in place when the key is there (its comment
    /// and spacing kept), else as the table's last key, laid out like the
    /// one before it.
    pub(crate) fn set(&mut self, key: &str, value: Value) {
        if let Some(item) = self.get_mut(key) {
            replace(item, value);
            return;
        }
        match self {
            Tab::Std(t) => append_std(t, key, Item::Value(value)),
            Tab::Inline(t) => append_inline(t, key, value),
        }
    }

    /// Sets a string value (an id, a target) in place or as a new key.
    pub(crate) fn set_str(&mut self, key: &str, value: &str) {
        self.set(key, Value::from(value));
    }

    /// Adds `key` as an empty inline table (a path through a table not
    /// written yet: `queue.capacity` on a node without `queue`).
    pub(crate) fn add_table(&mut self, key: &str) {
        self.set(key, Value::InlineTable(InlineTable::new()));
    }

    /// Removes `key` with the comment lines directly above it; `false` when
    /// it was not there.
    pub(crate) fn remove(&mut self, key: &str) -> bool {
        match self {
            Tab::Std(t) => remove_std(t, key),
            Tab::Inline(t) => remove_inline(t, key),
        }
    }
}

/// Replaces an item's value, keeping the spacing and end-of-line comment
/// around it; a section (`[node.queue]`) set to an inline table stays a
/// section.
pub(crate) fn replace(item: &mut Item, mut value: Value) {
    match item {
        Item::Value(old) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        Item::Table(old) if value.is_inline_table() => {
            let Value::InlineTable(inline) = value else { return };
            let mut table = inline.into_table();
            table.set_position(old.position());
            table.set_dotted(old.is_dotted());
            *table.decor_mut() = old.decor().clone();
            *old = table;
        }
        _ => *item = Item::Value(value),
    }
}

/// The whitespace that starts the last line of a decor's prefix: how the
/// key or header after it is indented.
fn indentation(prefix: Option<&toml_edit::RawString>) -> String {
    let prefix = prefix.and_then(|p| p.as_str()).unwrap_or("");
    let last = prefix.rsplit('\n').next().unwrap_or("");
    if last.chars().all(|c| c == ' ' || c == '\t') { last.to_owned() } else { String::new() }
}

/// A prefix with its comment lines taken out: the blank lines and
/// indentation a new entry copies from its neighbour.
fn layout(prefix: Option<&toml_edit::RawString>) -> String {
    let prefix = prefix.and_then(|p| p.as_str()).unwrap_or("");
    let lines: Vec<&str> =
        prefix.split('\n').filter(|l| !l.trim_start().starts_with('#')).collect();
    lines.join("\n")
}

fn append_std(table: &mut Table, key: &str, item: Item) {
    let last_value = table.iter().filter(|(_, v)| v.is_value()).last().map(|(k, _)| k.to_owned());
    let indent = last_value
        .as_deref()
        .and_then(|k| table.key(k))
        .map(|k| indentation(k.leaf_decor().prefix()));
    table.insert(key, item);
    if let (Some(indent), Some(mut k)) = (indent, table.key_mut(key)) {
        k.leaf_decor_mut().set_prefix(indent);
    }
}

/// A new last key of an inline table, spaced like the last one was: it
/// takes over the space before `}`, and the old last key gets the space
/// before a comma.
fn append_inline(table: &mut InlineTable, key: &str, mut value: Value) {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
    let Some(last) = keys.last() else {
        table.insert(key, value);
        return;
    };
    let comma_suffix = match keys.first().filter(|first| *first != last) {
        Some(first) => {
            table.get(first).and_then(|v| v.decor().suffix()).and_then(|s| s.as_str()).unwrap_or("")
        }
        None => "",
    }
    .to_owned();
    let key_decor = table.key(last).map(|k| k.leaf_decor().clone());
    if let Some(old) = table.get_mut(last) {
        *value.decor_mut() = old.decor().clone();
        old.decor_mut().set_suffix(comma_suffix);
    }
    table.insert(key, value);
    if let (Some(decor), Some(mut k)) = (key_decor, table.key_mut(key)) {
        *k.leaf_decor_mut() = decor;
    }
}

/// The part of a removed entry's prefix that stays: the lines above the
/// comment block that sits directly on the entry, less the blank line that
/// parts them (what follows brings its own); empty unless it holds a
/// comment.
fn kept_comments(prefix: &str) -> String {
    let lines: Vec<&str> = prefix.split('\n').collect();
    // The last piece is the indentation of the entry's own line.
    let mut start = lines.len().saturating_sub(1);
    while start > 0 && lines[start - 1].trim_start().starts_with('#') {
        start -= 1;
    }
    let kept = lines[..start.saturating_sub(1)].join("\n");
    if kept.contains('#') { format!("{kept}\n") } else { String::new() }
}

fn remove_std(table: &mut Table, key: &str) -> bool {
    let keys: Vec<String> =
        table.iter().filter(|(_, v)| v.is_value()).map(|(k, _)| k.to_owned()).collect();
    let prefix = table
        .key(key)
        .and_then(|k| k.leaf_decor().prefix())
        .and_then(|p| p.as_str())
        .unwrap_or("")
        .to_owned();
    if table.remove(key).is_none() {
        return false;
    }
    let kept = kept_comments(&prefix);
    if kept.is_empty() {
        return true;
    }
    let mut after = keys.iter().skip_while(|k| *k != key).skip(1);
    if let Some(mut next) = after.next().and_then(|next| table.key_mut(next)) {
        prepend(next.leaf_decor_mut(), &kept);
        return true;
    }
    // It was the last key: the comment stays at the end of the body, after
    // the key before it (or after the header).
    let comment = kept.trim_end_matches('\n');
    let before = keys.iter().take_while(|k| *k != key).last();
    match before.and_then(|k| table.get_mut(k)).and_then(Item::as_value_mut) {
        Some(value) => append_suffix(value.decor_mut(), comment),
        None => append_suffix(table.decor_mut(), comment),
    }
    true
}

/// Puts `text` before what a decor's prefix already holds.
pub(crate) fn prepend(decor: &mut toml_edit::Decor, text: &str) {
    let old = decor.prefix().and_then(|p| p.as_str()).unwrap_or("").to_owned();
    decor.set_prefix(format!("{text}{old}"));
}

/// Puts `lines` on lines of their own after what a decor's suffix holds.
fn append_suffix(decor: &mut toml_edit::Decor, lines: &str) {
    let old = decor.suffix().and_then(|s| s.as_str()).unwrap_or("").to_owned();
    decor.set_suffix(format!("{old}\n{lines}"));
}

fn remove_inline(table: &mut InlineTable, key: &str) -> bool {
    let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
    let Some(removed) = table.remove(key) else { return false };
    // The new last key takes over the space before `}`.
    let new_last = keys.iter().rev().nth(1).filter(|_| keys.last().is_some_and(|k| k == key));
    if let (Some(v), Some(suffix)) =
        (new_last.and_then(|k| table.get_mut(k)), removed.decor().suffix().cloned())
    {
        v.decor_mut().set_suffix(suffix);
    }
    true
}

impl<'a> Tab<'a> {
    /// The item under `key`, borrowed for as long as the table was.
    pub(crate) fn into_item(self, key: &str) -> Option<&'a mut Item> {
        match self {
            Tab::Std(t) => t.get_mut(key),
            Tab::Inline(t) => toml_edit::TableLike::get_mut(t, key),
        }
    }
}

/// A table of the document, a section or inline, for reading. An enum
/// rather than `&dyn toml_edit::TableLike`: that trait object's table of
/// methods would keep all of them in the Wasm, a sort among them.
#[derive(Clone, Copy)]
pub(crate) enum TabRef<'a> {
    Std(&'a Table),
    Inline(&'a InlineTable),
}

impl<'a> TabRef<'a> {
    pub(crate) fn get(self, key: &str) -> Option<&'a Item> {
        match self {
            TabRef::Std(t) => t.get(key),
            TabRef::Inline(t) => toml_edit::TableLike::get(t, key),
        }
    }
}

/// The tables in an array of tables or in an array (inline tables), for
/// reading.
pub(crate) fn tables_in(item: Option<&Item>) -> Vec<TabRef<'_>> {
    match item {
        Some(Item::ArrayOfTables(a)) => a.iter().map(TabRef::Std).collect(),
        Some(Item::Value(Value::Array(a))) => {
            a.iter().filter_map(Value::as_inline_table).map(TabRef::Inline).collect()
        }
        _ => Vec::new(),
    }
}

/// The tables in an array of tables or in an array, for editing.
pub(crate) fn tables_in_mut(item: Option<&mut Item>) -> Vec<Tab<'_>> {
    match item {
        Some(Item::ArrayOfTables(a)) => a.iter_mut().map(Tab::Std).collect(),
        Some(Item::Value(Value::Array(a))) => {
            a.iter_mut().filter_map(Value::as_inline_table_mut).map(Tab::Inline).collect()
        }
        _ => Vec::new(),
    }
}

/// The `[[kind]]` entries of the document.
pub(crate) fn entries<'a>(doc: &'a DocumentMut, kind: &str) -> Vec<TabRef<'a>> {
    tables_in(doc.get(kind))
}

/// The `[[kind]]` entries of the document, for editing.
pub(crate) fn entries_mut<'a>(doc: &'a mut DocumentMut, kind: &str) -> Vec<Tab<'a>> {
    tables_in_mut(doc.get_mut(kind))
}

/// The string under `key` of a table.
pub(crate) fn str_in<'a>(table: TabRef<'a>, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Item::as_str)
}

/// The entry of `kind` called `id`, as an item (a table, or an inline table
/// in an array).
pub(crate) fn entry_item<'a>(
    doc: &'a mut DocumentMut,
    kind: &str,
    id: &str,
) -> Option<&'a mut Item> {
    let index = entries(doc, kind).iter().position(|t| str_in(*t, "id") == Some(id))?;
    doc.get_mut(kind)?.get_mut(index)
}

/// The entry of `kind` called `id`, for editing.
pub(crate) fn entry_mut<'a>(doc: &'a mut DocumentMut, kind: &str, id: &str) -> Option<Tab<'a>> {
    entry_item(doc, kind, id).and_then(Tab::of)
}

/// How an entry is laid out: the blank lines and indentation before its
/// header, and the indentation of its keys.
#[derive(Clone, Debug, Default)]
pub(crate) struct Layout {
    header: Option<String>,
    indent: String,
}

impl Layout {
    /// The layout of an existing section, its comments left out.
    pub(crate) fn of(table: &Table) -> Layout {
        let indent = table
            .iter()
            .find(|(_, v)| v.is_value())
            .and_then(|(k, _)| table.key(k))
            .map(|k| indentation(k.leaf_decor().prefix()))
            .unwrap_or_default();
        Layout { header: Some(layout(table.decor().prefix())), indent }
    }

    /// The layout of the last section in an array of tables.
    pub(crate) fn of_last(item: Option<&Item>) -> Option<Layout> {
        match item {
            Some(Item::ArrayOfTables(a)) => a.iter().last().map(Layout::of),
            _ => None,
        }
    }

    fn apply(&self, table: &mut Table) {
        if let Some(header) = &self.header {
            table.decor_mut().set_prefix(header.as_str());
        }
        let keys: Vec<String> = table.iter().map(|(k, _)| k.to_owned()).collect();
        for key in keys {
            if let Some(mut k) = table.key_mut(&key) {
                k.leaf_decor_mut().set_prefix(self.indent.as_str());
            }
        }
    }
}

/// Adds `table` as the last entry of the array `key` of `parent` (made when
/// absent), laid out like the entry before it, else like `template`.
/// Rendered after the entry before it (a new section takes the place after
/// its predecessor's); `position` places the first of an array.
pub(crate) fn push_entry(
    parent: &mut Tab<'_>,
    key: &str,
    mut table: Table,
    template: Option<Layout>,
    position: Option<isize>,
) -> Result<(), String> {
    match parent.get_mut(key) {
        Some(Item::ArrayOfTables(a)) => {
            if let Some(layout) = a.iter().last().map(Layout::of).or(template) {
                layout.apply(&mut table);
            }
            a.push(table);
        }
        Some(Item::Value(Value::Array(a))) => {
            a.push(Value::InlineTable(table.into_inline_table()));
        }
        Some(_) => return Err(format!("`{key}` is not a list")),
        None => match parent {
            Tab::Std(t) => {
                if let Some(layout) = template {
                    layout.apply(&mut table);
                }
                table.set_position(position);
                let mut array = toml_edit::ArrayOfTables::new();
                array.push(table);
                t.insert(key, Item::ArrayOfTables(array));
            }
            Tab::Inline(t) => {
                let mut array = toml_edit::Array::new();
                array.push(Value::InlineTable(table.into_inline_table()));
                t.insert(key, Value::Array(array));
            }
        },
    }
    Ok(())
}

/// Comments a removed section leaves behind: they go before whatever
/// follows it in the file.
#[derive(Debug, Default)]
pub(crate) struct Leftovers(Vec<(isize, String)>);

impl Leftovers {
    /// Puts every comment left behind before the section that followed its
    /// own (or at the end of the file).
    pub(crate) fn place(self, doc: &mut DocumentMut) {
        for (position, text) in self.0 {
            let mut next = None;
            visit_tables(doc.as_table(), &mut |t| {
                if let Some(p) = t.position().filter(|p| *p > position) {
                    next = Some(next.map_or(p, |n: isize| n.min(p)));
                }
            });
            let placed = next.is_some_and(|p| {
                visit_tables_mut(doc.as_table_mut(), &mut |t| {
                    if t.position() == Some(p) {
                        prepend(t.decor_mut(), &text);
                        true
                    } else {
                        false
                    }
                })
            });
            if !placed {
                let old = doc.trailing().as_str().unwrap_or("").to_owned();
                doc.set_trailing(format!("{old}{text}"));
            }
        }
    }

    fn left_by(&mut self, table: &Table) {
        let prefix = table.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
        let kept = kept_comments(prefix);
        if let (false, Some(position)) = (kept.is_empty(), table.position()) {
            self.0.push((position, kept));
        }
    }
}

/// Removes the tables of an array (of tables, or inline) that `keep`
/// refuses, each with its own comments; what they leave is added to
/// `leftovers`. Returns how many were removed.
pub(crate) fn retain(
    item: Option<&mut Item>,
    leftovers: &mut Leftovers,
    keep: impl Fn(TabRef<'_>) -> bool,
) -> usize {
    match item {
        Some(Item::ArrayOfTables(a)) => {
            let before = a.len();
            for t in a.iter().filter(|t| !keep(TabRef::Std(t))) {
                leftovers.left_by(t);
            }
            a.retain(|t| keep(TabRef::Std(t)));
            before - a.len()
        }
        Some(Item::Value(Value::Array(a))) => {
            let before = a.len();
            a.retain(|v| v.as_inline_table().is_none_or(|t| keep(TabRef::Inline(t))));
            before - a.len()
        }
        _ => 0,
    }
}

/// Removes element `index` of an array (of tables, or inline); `false` when
/// there is none.
pub(crate) fn remove_at(item: Option<&mut Item>, index: usize, leftovers: &mut Leftovers) -> bool {
    match item {
        Some(Item::ArrayOfTables(a)) if index < a.len() => {
            let removed = a.remove(index);
            leftovers.left_by(&removed);
            true
        }
        Some(Item::Value(Value::Array(a))) if index < a.len() => {
            a.remove(index);
            true
        }
        _ => false,
    }
}

/// The number of elements of an array of tables or an array.
pub(crate) fn array_len(item: &Item) -> Option<usize> {
    match item {
        Item::ArrayOfTables(a) => Some(a.len()),
        Item::Value(Value::Array(a)) => Some(a.len()),
        _ => None,
    }
}

fn visit_tables<'t>(table: &'t Table, f: &mut dyn FnMut(&'t Table)) {
    f(table);
    for (_, item) in table.iter() {
        match item {
            Item::Table(t) => visit_tables(t, f),
            Item::ArrayOfTables(a) => a.iter().for_each(|t| visit_tables(t, f)),
            _ => {}
        }
    }
}

/// Calls `f` on each section until it returns `true`.
fn visit_tables_mut(table: &mut Table, f: &mut dyn FnMut(&mut Table) -> bool) -> bool {
    if f(table) {
        return true;
    }
    for (_, item) in table.iter_mut() {
        let done = match item {
            Item::Table(t) => visit_tables_mut(t, f),
            Item::ArrayOfTables(a) => a.iter_mut().any(|t| visit_tables_mut(t, f)),
            _ => false,
        };
        if done {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(text: &str, key: &str) -> String {
        let mut doc = parse(text).unwrap_or_default();
        if let Some(mut table) = doc.get_mut("t").and_then(Tab::of) {
            assert!(table.remove(key));
        }
        doc.to_string()
    }

    #[test]
    fn a_removed_key_takes_its_own_comment_and_leaves_a_parted_one() {
        let text = "[t]\na = 1\n# about b and c\n\n# about b\nb = 2\nc = 3\n";
        assert_eq!(removed(text, "b"), "[t]\na = 1\n# about b and c\nc = 3\n");
        let text = "[t]\na = 1\n# heading\n\n# about b\nb = 2\n";
        assert_eq!(removed(text, "b"), "[t]\na = 1\n# heading\n");
        assert_eq!(kept_comments("\n# one\n\n# two\n"), "\n# one\n");
        assert_eq!(kept_comments("\n# two\n  "), "");
        assert_eq!(kept_comments("\n"), "");
    }

    #[test]
    fn values_keep_the_spelling_they_are_given() {
        assert_eq!(parse_value("3e2").to_string(), "3e2");
        assert_eq!(parse_value("5ms").as_str(), Some("5ms"));
        assert_eq!(parse_value("'lit'").to_string(), "'lit'");
        assert_eq!(parse_value("1\nx = 2").as_str(), Some("1\nx = 2"));
    }
}
