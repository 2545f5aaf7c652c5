//! The JSON reader against `serde_json`: on hand-picked edge cases and on
//! thousands of generated documents, valid and broken, both must accept
//! the same ones and read the same values.

use serde_json::Value;

/// Reads `text` both ways; `Err` describes a disagreement.
fn agree(text: &[u8]) -> Result<(), String> {
    let theirs = serde_json::from_slice::<Value>(text);
    let ours = stripe_core::from_slice::<Value>(text);
    match (theirs, ours) {
        (Ok(theirs), Ok(ours)) if theirs == ours => Ok(()),
        (Ok(theirs), Ok(ours)) => Err(format!("read {ours} where serde_json reads {theirs}")),
        (Err(_), Err(_)) => Ok(()),
        (Ok(_), Err(error)) => Err(format!("rejected what serde_json accepts: {error}")),
        (Err(error), Ok(ours)) => Err(format!("accepted {ours}; serde_json: {error}")),
    }
}

#[test]
fn edge_cases_are_read_as_serde_json_reads_them() {
    let cases: &[&[u8]] = &[
        b"0",
        b"-0",
        b"-0.0",
        b"1e400",
        b"-1e400",
        b"1e-400",
        b"18446744073709551615",
        b"18446744073709551616",
        b"-9223372036854775808",
        b"-9223372036854775809",
        b"0.1",
        b"1.7976931348623157e308",
        b"5e-324",
        b"1E2",
        b"1e+2",
        b"01",
        b"1.",
        b".1",
        b"-",
        b"+1",
        b"1e",
        b"0x10",
        b"NaN",
        b"Infinity",
        b"true",
        b"false",
        b"null",
        b"nul",
        b"tru",
        b"\"\"",
        b"\"a\\u0000b\"",
        b"\"\\ud83d\\ude00\"",
        b"\"\\ud83d\"",
        b"\"\\ude00\"",
        b"\"\\ud83dx\"",
        b"\"\\u00\"",
        b"\"\\x\"",
        b"\"tab\there\"",
        b"\"\x7f\"",
        b"\"\xc3\xa9\"",
        b"\"\xff\"",
        b"\"\xed\xa0\x80\"",
        b"[]",
        b"[1,]",
        b"[,1]",
        b"[1 2]",
        b"{}",
        b"{\"a\":1,}",
        b"{\"a\" 1}",
        b"{1:1}",
        b"{\"a\":1 \"b\":2}",
        b"{\"a\":1,\"a\":2}",
        b"  [ 1 , { \"x\" : [ ] } ]  ",
        b"[1] x",
        b"",
        b" ",
        b"[",
        b"{\"a\":",
        b"\"unterminated",
        b"[\"\\u12",
        b"\x00",
        b"\xef\xbb\xbf{}",
        b"{\"\\u00e9\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            agree(case)
                .err()
                .map(|why| format!("{:?}: {why}", String::from_utf8_lossy(case)))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A small deterministic generator (xorshift), so that failures reproduce.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const STRINGS: &[&str] = &[
    "",
    "id",
    "cus_123",
    "é",
    "中文",
    "😀",
    "\\n",
    "\\\"",
    "\\\\",
    "\\/",
    "\\u00e9",
    "\\ud83d\\ude00",
    "a b",
    "\\t",
    "\\u0041",
];
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "42",
    "3.25",
    "-0.5e3",
    "1E-2",
    "9007199254740993",
    "18446744073709551615",
    "123456789012345678901234567890",
    "1e308",
    "2.5e-308",
];

/// A random JSON value, `depth` deep at most.
fn value(random: &mut Random, depth: u32, out: &mut String) {
    let choice = if depth == 0 {
        random.below(5)
    } else {
        random.below(7)
    };
    match choice {
        0 => out.push_str("null"),
        1 => out.push_str(if random.below(2) == 0 {
            "true"
        } else {
            "false"
        }),
        2 => out.push_str(random.pick(NUMBERS)),
        3 | 4 => {
            out.push('"');
            out.push_str(random.pick(STRINGS));
            out.push('"');
        }
        5 => {
            out.push('[');
            for i in 0..random.below(4) {
                if i > 0 {
                    out.push(',');
                }
                space(random, out);
                value(random, depth - 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..random.below(4) {
                if i > 0 {
                    out.push(',');
                }
                space(random, out);
                out.push('"');
                out.push_str(random.pick(STRINGS));
                out.push_str("\":");
                space(random, out);
                value(random, depth - 1, out);
            }
            out.push('}');
        }
    }
}

fn space(random: &mut Random, out: &mut String) {
    out.push_str(random.pick(&["", "", " ", "\n", "\t ", "\r\n"]));
}

/// Breaks a document the way real bodies break: cut short, a byte
/// replaced, a byte dropped, or something appended.
fn mutate(random: &mut Random, document: &str) -> Vec<u8> {
    let mut bytes = document.as_bytes().to_vec();
    if bytes.is_empty() {
        return bytes;
    }
    let at = random.below(bytes.len() as u64) as usize;
    match random.below(4) {
        0 => bytes.truncate(at),
        1 => {
            bytes[at] = *b"{}[],:\"\\ x0-e\x01\xff"
                .get(random.below(17) as usize)
                .unwrap_or(&b'x')
        }
        2 => {
            bytes.remove(at);
        }
        _ => bytes.extend_from_slice(random.pick(&[" ", ",", "]", "}", "1", "null"]).as_bytes()),
    }
    bytes
}

#[test]
fn generated_documents_are_read_as_serde_json_reads_them() {
    let mut random = Random(0x5EED_1234_ABCD_0001);
    let mut failures = Vec::new();
    let mut rejected = 0;
    for round in 0..20_000 {
        let mut document = String::new();
        value(&mut random, 4, &mut document);
        let text = if round % 2 == 0 {
            document.clone().into_bytes()
        } else {
            mutate(&mut random, &document)
        };
        rejected += usize::from(serde_json::from_slice::<Value>(&text).is_err());
        if let Err(why) = agree(&text) {
            failures.push(format!("{:?}: {why}", String::from_utf8_lossy(&text)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    // Both kinds of documents were tried in numbers.
    assert!(rejected > 2_000 && rejected < 18_000, "{rejected} rejected");
}
