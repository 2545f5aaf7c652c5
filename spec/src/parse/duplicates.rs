//! Keys written twice in one object. YAML and JSON parsers keep the last
//! (openapiv3's maps) or panic (openapiv3's structs); either way one of the
//! two nodes is lost without a word. This pass reads the document once more,
//! keeping only each object's keys, and refuses the second one at its
//! pointer.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The node that holds the key written twice, and that key.
#[derive(Debug, PartialEq)]
pub struct Duplicate {
    pub path: Vec<String>,
    pub key: String,
}

/// Reads a whole document, refusing the first object that has a key twice.
/// A syntax error is not this pass's to report: it returns `Ok` and leaves
/// that to the parse proper.
pub fn find_duplicate<'de, D: Deserializer<'de>>(deserializer: D) -> Option<Duplicate> {
    let mut found = None;
    let _ = Node {
        path: &mut Vec::new(),
        found: &mut found,
    }
    .deserialize(deserializer);
    found
}

/// One node of the document at `path`. On a duplicate, `found` is set and
/// the walk stops with an error.
struct Node<'a> {
    path: &'a mut Vec<String>,
    found: &'a mut Option<Duplicate>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A YAML tag (`!foo value`): the value still counts.
        let (IgnoredAny, variant) = data.variant()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            self.path.push(index.to_string());
            let item = items.next_element_seed(Node {
                path: self.path,
                found: self.found,
            });
            self.path.pop();
            if item?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut keys = HashSet::new();
        while let Some(key) = map.next_key::<Key>()? {
            if !keys.insert(key.0.clone()) {
                *self.found = Some(Duplicate {
                    path: self.path.clone(),
                    key: key.0,
                });
                return Err(de::Error::custom("a key written twice"));
            }
            self.path.push(key.0);
            let value = map.next_value_seed(Node {
                path: self.path,
                found: self.found,
            });
            self.path.pop();
            value?;
        }
        Ok(())
    }
}

/// A mapping key as text: YAML keys may be numbers (`200:`) or booleans,
/// which are the same key as their text only when written the same way.
struct Key(String);

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping key")
            }
            fn visit_str<E>(self, text: &str) -> Result<Key, E> {
                Ok(Key(text.to_owned()))
            }
            fn visit_bool<E>(self, value: bool) -> Result<Key, E> {
                Ok(Key(value.to_string()))
            }
            fn visit_i64<E>(self, value: i64) -> Result<Key, E> {
                Ok(Key(value.to_string()))
            }
            fn visit_u64<E>(self, value: u64) -> Result<Key, E> {
                Ok(Key(value.to_string()))
            }
            fn visit_f64<E>(self, value: f64) -> Result<Key, E> {
                Ok(Key(value.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key("null".to_owned()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_yaml(text: &str) -> Option<Duplicate> {
        find_duplicate(serde_yaml::Deserializer::from_str(text))
    }

    fn in_json(text: &str) -> Option<Duplicate> {
        find_duplicate(&mut serde_json::Deserializer::from_str(text))
    }

    fn duplicate(path: &[&str], key: &str) -> Option<Duplicate> {
        Some(Duplicate {
            path: path.iter().map(|s| s.to_string()).collect(),
            key: key.to_owned(),
        })
    }

    #[test]
    fn a_property_written_twice_is_found_with_its_place() {
        let yaml = "components:\n  schemas:\n    a:\n      properties:\n        id: {type: string}\n        id: {type: integer}\n";
        assert_eq!(
            in_yaml(yaml),
            duplicate(&["components", "schemas", "a", "properties"], "id")
        );
        let json = r#"{"paths": {"/v1/a": {}, "/v1/b": {"get": {"parameters": [{}, {"in": "query", "in": "path"}]}}}}"#;
        assert_eq!(
            in_json(json),
            duplicate(&["paths", "/v1/b", "get", "parameters", "1"], "in")
        );
    }

    #[test]
    fn the_same_key_in_different_objects_and_numbers_and_tags_are_fine() {
        let yaml =
            "a: {x: 1}\nb: {x: 2}\nresponses:\n  200: {x: [1, 2]}\n  '201': !tag {x: 1}\nn: ~\n";
        assert_eq!(in_yaml(yaml), None);
        assert_eq!(
            in_json(r#"{"a": {"x": 1}, "b": [{"x": 1}, {"x": 2}]}"#),
            None
        );
    }

    #[test]
    fn broken_documents_are_left_to_the_parse_proper() {
        assert_eq!(in_yaml("a: [1, 2"), None);
        assert_eq!(in_json("{\"a\": "), None);
    }
}
