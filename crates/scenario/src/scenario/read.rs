//! The last step of reading a file: a parsed TOML document into the
//! scenario's types, through their serde derives.
//!
//! `toml`'s own deserializer does this too, but every type it reads gets its
//! own copy of that deserializer's large generic code: for the scenario's
//! types, about a tenth of the browser bundle's code (BENCHMARKS.md). This one is a thin
//! `Deserializer` over the tables `toml` has already parsed (for a file,
//! with their spans, so an error still points at its line and key) or built
//! (for a `--set` edit of a scenario in memory), with `toml`'s behaviour:
//! the same value kinds reach the same visitor calls, an error takes the
//! span of the innermost value it came from, and its wording is serde's.

use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Unexpected, Visitor};
use toml::de::{DeFloat, DeTable, DeValue};
use toml::{Spanned, Table, Value};

/// Why a document does not fit the types, and where when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    message: String,
    span: Option<Range<usize>>,
}

impl ReadError {
    /// What is wrong, in serde's words.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte range of the value it is about (parsed text only).
    pub fn span(&self) -> Option<Range<usize>> {
        self.span.clone()
    }

    /// Points the error at `span` unless an inner value already claimed it.
    fn at(mut self, span: Range<usize>) -> Self {
        self.span.get_or_insert(span);
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        ReadError { message: message.to_string(), span: None }
    }
}

/// Reads `T` from a parsed document (errors carry spans into its text).
pub fn from_parsed<T: DeserializeOwned>(document: &Spanned<DeTable<'_>>) -> Result<T, ReadError> {
    T::deserialize(Node::ParsedTable(document.get_ref())).map_err(|e| e.at(document.span()))
}

/// Reads `T` from a table built in memory.
pub fn from_table<T: DeserializeOwned>(table: &Table) -> Result<T, ReadError> {
    T::deserialize(Node::PlainTable(table))
}

/// A document's text as a plain table (for editing it), through the same
/// parser, without `toml`'s deserializer: the error is the parser's message.
pub fn table(text: &str) -> Result<Table, String> {
    let document = DeTable::parse(text).map_err(|e| e.message().to_owned())?;
    plain_table(document.get_ref()).map_err(|e| e.message)
}

/// Built by insertion: `collect` into the map would sort its entries (a
/// copy of the sort's code of its own; `crate::order`).
fn plain_table(table: &DeTable<'_>) -> Result<Table, ReadError> {
    let mut out = Table::new();
    for (key, value) in table.iter() {
        out.insert(key.get_ref().to_string(), plain(value.get_ref())?);
    }
    Ok(out)
}

fn plain(value: &DeValue<'_>) -> Result<Value, ReadError> {
    Ok(match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => Value::Integer(
            i64::from_str_radix(i.as_str(), i.radix())
                .map_err(|_| de::Error::custom("integer number overflowed"))?,
        ),
        DeValue::Float(f) => Value::Float(float(f)?),
        DeValue::Boolean(b) => Value::Boolean(*b),
        DeValue::Datetime(d) => Value::Datetime(*d),
        DeValue::Array(items) => {
            Value::Array(items.iter().map(|item| plain(item.get_ref())).collect::<Result<_, _>>()?)
        }
        DeValue::Table(table) => Value::Table(plain_table(table)?),
    })
}

/// A float as written; one too large for `f64` is refused, not infinite
/// (`inf` written as such is infinite).
fn float(f: &DeFloat<'_>) -> Result<f64, ReadError> {
    match f.as_str().parse::<f64>() {
        Ok(v) if !v.is_infinite() || f.as_str().contains("inf") => Ok(v),
        _ => Err(de::Error::custom("floating-point number overflowed")),
    }
}

/// One value to read: parsed from text (with spans) or built in memory.
#[derive(Clone, Copy)]
enum Node<'a, 'i> {
    Parsed(&'a DeValue<'i>),
    ParsedTable(&'a DeTable<'i>),
    Plain(&'a Value),
    PlainTable(&'a Table),
}

impl<'de> de::Deserializer<'de> for Node<'_, '_> {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self {
            Node::Parsed(DeValue::String(s)) => visitor.visit_str(s),
            Node::Parsed(DeValue::Integer(i)) => {
                if let Ok(v) = i64::from_str_radix(i.as_str(), i.radix()) {
                    visitor.visit_i64(v)
                } else if let Ok(v) = u64::from_str_radix(i.as_str(), i.radix()) {
                    visitor.visit_u64(v)
                } else {
                    Err(de::Error::custom("integer number overflowed"))
                }
            }
            Node::Parsed(DeValue::Float(f)) => visitor.visit_f64(float(f)?),
            Node::Parsed(DeValue::Boolean(b)) => visitor.visit_bool(*b),
            Node::Parsed(DeValue::Array(items)) => {
                visit_seq(Items::Parsed(items.iter()), items.len(), visitor)
            }
            Node::Parsed(DeValue::Table(table)) | Node::ParsedTable(table) => {
                visitor.visit_map(Entries::Parsed(table.iter(), None))
            }
            Node::Plain(Value::String(s)) => visitor.visit_str(s),
            Node::Plain(Value::Integer(v)) => visitor.visit_i64(*v),
            Node::Plain(Value::Float(v)) => visitor.visit_f64(*v),
            Node::Plain(Value::Boolean(b)) => visitor.visit_bool(*b),
            Node::Plain(Value::Array(items)) => {
                visit_seq(Items::Plain(items.iter()), items.len(), visitor)
            }
            Node::Plain(Value::Table(table)) | Node::PlainTable(table) => {
                visitor.visit_map(Entries::Plain(table.iter(), None))
            }
            Node::Parsed(DeValue::Datetime(_)) | Node::Plain(Value::Datetime(_)) => {
                Err(de::Error::invalid_type(Unexpected::Other("a date or time"), &visitor))
            }
        }
    }

    /// A value that is there is `Some`; an absent key never reaches here.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        visitor.visit_newtype_struct(self)
    }

    /// The format's enums are names: `kind = "service"`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match self {
            Node::Parsed(DeValue::String(s)) => visitor.visit_enum(s.as_ref().into_deserializer()),
            Node::Plain(Value::String(s)) => visitor.visit_enum(s.as_str().into_deserializer()),
            _ => Err(de::Error::custom("wanted a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_unit()
    }

    /// A struct is a table. Anything else is refused in serde's words, as
    /// its derived visitor would refuse it, except an array: serde reads
    /// one positionally (`toml` lets it), which no scenario means, and
    /// that reading is a copy of code for every struct of the format (in
    /// the browser's Wasm, about 10 kB after compression).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match self {
            Node::Parsed(DeValue::Table(table)) | Node::ParsedTable(table) => {
                visitor.visit_map(Entries::Parsed(table.iter(), None))
            }
            Node::Plain(Value::Table(table)) | Node::PlainTable(table) => {
                visitor.visit_map(Entries::Plain(table.iter(), None))
            }
            _ => Err(de::Error::invalid_type(self.unexpected()?, &visitor)),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

impl<'a> Node<'a, '_> {
    /// What a value that is not a table is, in serde's terms (what a
    /// derived visitor names when it refuses it).
    fn unexpected(self) -> Result<Unexpected<'a>, ReadError> {
        Ok(match self {
            Node::Parsed(DeValue::String(s)) => Unexpected::Str(s),
            Node::Parsed(DeValue::Integer(i)) => {
                if let Ok(v) = i64::from_str_radix(i.as_str(), i.radix()) {
                    Unexpected::Signed(v)
                } else if let Ok(v) = u64::from_str_radix(i.as_str(), i.radix()) {
                    Unexpected::Unsigned(v)
                } else {
                    return Err(de::Error::custom("integer number overflowed"));
                }
            }
            Node::Parsed(DeValue::Float(f)) => Unexpected::Float(float(f)?),
            Node::Parsed(DeValue::Boolean(b)) => Unexpected::Bool(*b),
            Node::Plain(Value::String(s)) => Unexpected::Str(s),
            Node::Plain(Value::Integer(v)) => Unexpected::Signed(*v),
            Node::Plain(Value::Float(v)) => Unexpected::Float(*v),
            Node::Plain(Value::Boolean(b)) => Unexpected::Bool(*b),
            Node::Parsed(DeValue::Array(_)) | Node::Plain(Value::Array(_)) => Unexpected::Seq,
            Node::Parsed(DeValue::Table(_)) | Node::ParsedTable(_) => Unexpected::Map,
            Node::Plain(Value::Table(_)) | Node::PlainTable(_) => Unexpected::Map,
            Node::Parsed(DeValue::Datetime(_)) | Node::Plain(Value::Datetime(_)) => {
                Unexpected::Other("a date or time")
            }
        })
    }
}

/// Visits an array, then refuses elements the visitor left unread (as
/// `toml` does: `position = [1, 2, 3]` is not a position).
fn visit_seq<'de, V: Visitor<'de>>(
    mut items: Items<'_, '_>,
    len: usize,
    visitor: V,
) -> Result<V::Value, ReadError> {
    let value = visitor.visit_seq(&mut items)?;
    let left = items.len();
    if left == 0 {
        Ok(value)
    } else {
        Err(de::Error::invalid_length(len, &&*format!("{} elements in the array", len - left)))
    }
}

enum Items<'a, 'i> {
    Parsed(std::slice::Iter<'a, Spanned<DeValue<'i>>>),
    Plain(std::slice::Iter<'a, Value>),
}

impl Items<'_, '_> {
    fn len(&self) -> usize {
        match self {
            Items::Parsed(iter) => iter.len(),
            Items::Plain(iter) => iter.len(),
        }
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_, '_> {
    type Error = ReadError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ReadError> {
        match self {
            Items::Parsed(iter) => match iter.next() {
                Some(item) => seed
                    .deserialize(Node::Parsed(item.get_ref()))
                    .map(Some)
                    .map_err(|e| e.at(item.span())),
                None => Ok(None),
            },
            Items::Plain(iter) => {
                iter.next().map(|item| seed.deserialize(Node::Plain(item))).transpose()
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.len())
    }
}

type ParsedEntry<'a, 'i> = (&'a Spanned<std::borrow::Cow<'i, str>>, &'a Spanned<DeValue<'i>>);

/// A table's entries, each value held between its key and its reading.
enum Entries<'a, 'i> {
    Parsed(
        toml::map::Iter<'a, Spanned<std::borrow::Cow<'i, str>>, Spanned<DeValue<'i>>>,
        Option<ParsedEntry<'a, 'i>>,
    ),
    Plain(toml::map::Iter<'a, String, Value>, Option<&'a Value>),
}

impl<'de> de::MapAccess<'de> for Entries<'_, '_> {
    type Error = ReadError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ReadError> {
        match self {
            Entries::Parsed(iter, pending) => match iter.next() {
                Some(entry) => {
                    *pending = Some(entry);
                    let key: &str = entry.0.get_ref();
                    seed.deserialize(key.into_deserializer())
                        .map(Some)
                        .map_err(|e: ReadError| e.at(entry.0.span()))
                }
                None => Ok(None),
            },
            Entries::Plain(iter, pending) => match iter.next() {
                Some((key, value)) => {
                    *pending = Some(value);
                    seed.deserialize(key.as_str().into_deserializer()).map(Some)
                }
                None => Ok(None),
            },
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ReadError> {
        match self {
            Entries::Parsed(_, pending) => {
                let (_, value) =
                    pending.take().ok_or_else(|| de::Error::custom("a value without its key"))?;
                seed.deserialize(Node::Parsed(value.get_ref())).map_err(|e| e.at(value.span()))
            }
            Entries::Plain(_, pending) => {
                let value =
                    pending.take().ok_or_else(|| de::Error::custom("a value without its key"))?;
                seed.deserialize(Node::Plain(value))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Probe {
        n: u32,
        #[serde(default)]
        at: Option<[f64; 2]>,
        #[serde(default)]
        names: Vec<String>,
    }

    fn parsed(text: &str) -> Result<Probe, ReadError> {
        from_parsed(&DeTable::parse(text).unwrap())
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Outer {
        inner: Inner,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        a: u32,
        #[serde(default)]
        b: u32,
    }

    #[test]
    fn a_struct_is_a_table_and_other_values_are_refused_in_toml_s_words() {
        let read = |text: &str| from_parsed::<Outer>(&DeTable::parse(text).unwrap());
        let plain = |text: &str| from_table::<Outer>(&text.parse().unwrap());
        for text in ["inner = { a = 1 }\n", "[inner]\na = 1\nb = 2\n"] {
            assert_eq!(read(text).ok(), toml::from_str::<Outer>(text).ok(), "{text}");
            assert_eq!(plain(text).ok(), toml::from_str::<Outer>(text).ok(), "{text}");
        }
        for text in
            ["inner = \"x\"\n", "inner = 3\n", "inner = -3\n", "inner = 2.5\n", "inner = true\n"]
        {
            let ours = read(text).unwrap_err();
            assert_eq!(ours.message(), toml::from_str::<Outer>(text).unwrap_err().message().trim());
            assert_eq!(ours.span(), Some(8..text.len() - 1), "{text}");
            assert_eq!(plain(text).unwrap_err().message(), ours.message(), "{text}");
        }
        assert_eq!(
            read("inner = 99999999999999999999\n").unwrap_err().message(),
            "integer number overflowed"
        );
        // A date is refused as every other value of this reader refuses one.
        let e = read("inner = 1979-05-27\n").unwrap_err();
        assert_eq!(e.message(), "invalid type: a date or time, expected struct Inner");
        // An array is not read positionally (`toml` would take `[1, 2]`).
        let e = read("inner = [1, 2]\n").unwrap_err();
        assert_eq!(e.message(), "invalid type: sequence, expected struct Inner");
        assert_eq!(e.span(), Some(8..14));
        assert_eq!(plain("inner = [1, 2]\n").unwrap_err().message(), e.message());
    }

    #[test]
    fn reads_what_toml_reads() {
        let text = "n = 3\nat = [1, 2.5]\nnames = [\"a\", \"b\"]\n";
        let expected = Probe { n: 3, at: Some([1.0, 2.5]), names: vec!["a".into(), "b".into()] };
        assert_eq!(parsed(text), Ok(expected));
        assert_eq!(from_table::<Probe>(&text.parse().unwrap()).ok(), toml::from_str(text).ok());
    }

    #[test]
    fn tables_are_what_toml_makes_of_the_text() {
        let text =
            "a = 1\nb = [0x10, 2.5, \"s\", true, 1979-05-27]\n[c]\nd = { e = -3 }\n[[f]]\ng = 1\n";
        assert_eq!(table(text), Ok(text.parse::<Table>().unwrap()));
        let broken = "a = [1,\n";
        let e = broken.parse::<Table>().unwrap_err();
        assert_eq!(table(broken), Err(e.message().to_owned()));
    }

    #[test]
    fn errors_use_serde_s_words_and_point_at_the_value() {
        let text = "n = -1\n";
        let e = parsed(text).unwrap_err();
        assert_eq!(e.message(), toml::from_str::<Probe>(text).unwrap_err().message().trim());
        assert_eq!(e.span(), Some(4..6));
        let e = parsed("n = 1\nat = [1, 2, 3]\n").unwrap_err();
        assert!(e.message().contains("invalid length 3"), "{e}");
        assert_eq!(e.span(), Some(11..20));
        let e = parsed("n = 1\nbogus = 2\n").unwrap_err();
        assert!(e.message().starts_with("unknown field `bogus`"), "{e}");
        assert_eq!(
            parsed("n = 99999999999999999999\n").unwrap_err().message(),
            "integer number overflowed"
        );
        assert!(parsed("").unwrap_err().message().contains("missing field `n`"));
        assert!(parsed("n = 1979-05-27\n").unwrap_err().message().contains("a date or time"));
        assert_eq!(table("x = 1e999\n"), Err("floating-point number overflowed".to_owned()));
        assert_eq!(table("x = -inf\n").map(|t| t["x"].as_float()), Ok(Some(f64::NEG_INFINITY)));
    }
}
