//! Exact wire strings of the form encoding. Brackets are escaped by
//! `form_urlencoded` (`%5B`, `%5D`); `decode` shows the same pairs readably.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;
use stripe_runtime::encode::{to_form, to_pairs, Unsettable};

fn decoded(form: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(form.as_bytes())
        .into_owned()
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum CaptureMethod {
    Manual,
}

#[derive(Serialize)]
struct Address {
    line1: String,
    city: Option<String>,
}

#[derive(Serialize)]
struct Shipping {
    name: String,
    address: Address,
}

#[derive(Serialize)]
struct LineItem {
    price: String,
    quantity: u64,
}

#[derive(Serialize)]
struct CreateParams {
    amount: i64,
    currency: &'static str,
    confirm: bool,
    off_session: Option<bool>,
    capture_method: CaptureMethod,
    description: Option<String>,
    metadata: BTreeMap<String, String>,
    line_items: Vec<LineItem>,
    expand: Vec<&'static str>,
    shipping: Shipping,
    statement_descriptor: Option<Unsettable<String>>,
    receipt_email: Option<Unsettable<String>>,
}

#[test]
fn encodes_a_full_create_request_exactly() {
    let params = CreateParams {
        amount: 2000,
        currency: "usd",
        confirm: false,
        off_session: Some(true),
        capture_method: CaptureMethod::Manual,
        description: None,
        metadata: BTreeMap::from([
            ("order_id".to_owned(), "6735".to_owned()),
            ("note".to_owned(), "a b&c=d".to_owned()),
        ]),
        line_items: vec![
            LineItem {
                price: "price_1".into(),
                quantity: 2,
            },
            LineItem {
                price: "price_2".into(),
                quantity: 1,
            },
        ],
        expand: vec!["customer", "latest_charge.balance_transaction"],
        shipping: Shipping {
            name: "Jenny Rosen".into(),
            address: Address {
                line1: "1 Main St".into(),
                city: None,
            },
        },
        statement_descriptor: Some(Unsettable::Unset),
        receipt_email: None,
    };
    let form = to_form(&params).unwrap();
    assert_eq!(
        form,
        "amount=2000&currency=usd&confirm=false&off_session=true&capture_method=manual\
         &metadata%5Bnote%5D=a+b%26c%3Dd&metadata%5Border_id%5D=6735\
         &line_items%5B0%5D%5Bprice%5D=price_1&line_items%5B0%5D%5Bquantity%5D=2\
         &line_items%5B1%5D%5Bprice%5D=price_2&line_items%5B1%5D%5Bquantity%5D=1\
         &expand%5B0%5D=customer&expand%5B1%5D=latest_charge.balance_transaction\
         &shipping%5Bname%5D=Jenny+Rosen&shipping%5Baddress%5D%5Bline1%5D=1+Main+St\
         &statement_descriptor="
    );
    // The same, readable: `None`s are gone, the unset field is sent empty.
    assert_eq!(
        decoded(&form),
        pairs(&[
            ("amount", "2000"),
            ("currency", "usd"),
            ("confirm", "false"),
            ("off_session", "true"),
            ("capture_method", "manual"),
            ("metadata[note]", "a b&c=d"),
            ("metadata[order_id]", "6735"),
            ("line_items[0][price]", "price_1"),
            ("line_items[0][quantity]", "2"),
            ("line_items[1][price]", "price_2"),
            ("line_items[1][quantity]", "1"),
            ("expand[0]", "customer"),
            ("expand[1]", "latest_charge.balance_transaction"),
            ("shipping[name]", "Jenny Rosen"),
            ("shipping[address][line1]", "1 Main St"),
            ("statement_descriptor", ""),
        ])
    );
    assert_eq!(to_pairs(&params).unwrap(), decoded(&form));
}

#[test]
fn unsettable_set_sends_the_value_and_converts_from_t() {
    #[derive(Serialize)]
    struct P {
        description: Option<Unsettable<String>>,
        metadata: Option<Unsettable<BTreeMap<&'static str, &'static str>>>,
    }
    let set = P {
        description: Some(String::from("hello").into()),
        metadata: Some(BTreeMap::from([("k", "v")]).into()),
    };
    assert_eq!(
        to_form(&set).unwrap(),
        "description=hello&metadata%5Bk%5D=v"
    );
    let unset = P {
        description: Some(Unsettable::Unset),
        metadata: Some(Unsettable::Unset),
    };
    assert_eq!(to_form(&unset).unwrap(), "description=&metadata=");
}

#[test]
fn deeply_nested_objects_and_arrays_of_arrays() {
    let value = json!({
        "a": {"b": {"c": "x"}},
        "tiers": [{"up_to": "inf", "flat_amount": 0}, {"up_to": 10, "unit_amount_decimal": "1.5"}],
        "matrix": [[1, 2], [3]],
        "ratio": 0.25,
        "nothing": null,
        "empty_list": [],
        "empty_map": {},
    });
    // serde_json's map is ordered by key.
    assert_eq!(
        decoded(&to_form(&value).unwrap()),
        pairs(&[
            ("a[b][c]", "x"),
            ("matrix[0][0]", "1"),
            ("matrix[0][1]", "2"),
            ("matrix[1][0]", "3"),
            ("ratio", "0.25"),
            ("tiers[0][flat_amount]", "0"),
            ("tiers[0][up_to]", "inf"),
            ("tiers[1][unit_amount_decimal]", "1.5"),
            ("tiers[1][up_to]", "10"),
        ])
    );
}

#[test]
fn keys_and_values_are_escaped_with_form_urlencoded() {
    let value = json!({"metadata": {"clé [x]": "ünï/+?#%"}});
    let form = to_form(&value).unwrap();
    assert_eq!(
        form,
        "metadata%5Bcl%C3%A9+%5Bx%5D%5D=%C3%BCn%C3%AF%2F%2B%3F%23%25"
    );
    assert_eq!(decoded(&form), pairs(&[("metadata[clé [x]]", "ünï/+?#%")]));
}

#[test]
fn enum_variants_with_data_are_externally_tagged() {
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Source {
        Token(String),
        Card { number: String, exp_month: u8 },
    }
    #[derive(Serialize)]
    struct P {
        a: Source,
        b: Source,
        after: u8,
    }
    let p = P {
        a: Source::Token("tok_1".into()),
        b: Source::Card {
            number: "4242".into(),
            exp_month: 12,
        },
        after: 1,
    };
    assert_eq!(
        decoded(&to_form(&p).unwrap()),
        pairs(&[
            ("a[token]", "tok_1"),
            ("b[card][number]", "4242"),
            ("b[card][exp_month]", "12"),
            ("after", "1"),
        ])
    );
}

#[test]
fn untagged_enums_encode_as_their_content() {
    // What a generated `anyOf` param looks like.
    #[derive(Serialize)]
    #[serde(untagged)]
    enum Created {
        Exact(i64),
        Range { gte: i64, lt: Option<i64> },
    }
    #[derive(Serialize)]
    struct P {
        created: Created,
        other: Created,
    }
    let p = P {
        created: Created::Exact(5),
        other: Created::Range { gte: 1, lt: None },
    };
    assert_eq!(to_form(&p).unwrap(), "created=5&other%5Bgte%5D=1");
}

#[test]
fn empty_and_absent_params_encode_to_the_empty_string() {
    #[derive(Serialize)]
    struct Empty {}
    #[derive(Serialize)]
    struct AllNone {
        a: Option<u8>,
        b: Option<String>,
    }
    assert_eq!(to_form(&Empty {}).unwrap(), "");
    assert_eq!(to_form(&AllNone { a: None, b: None }).unwrap(), "");
    assert_eq!(to_form(&()).unwrap(), "");
    assert_eq!(to_form(&None::<Empty>).unwrap(), "");
}

#[test]
fn shapes_without_an_encoding_are_errors_with_their_key() {
    let top_level = to_form(&"just a string").unwrap_err();
    assert!(top_level.message.contains("struct or a map"), "{top_level}");
    assert!(to_form(&vec![1, 2]).is_err());

    let float = to_form(&json!({"a": {"b": [f64::NAN]}}));
    // serde_json turns NaN into null, which is omitted; a real f64 field errors.
    assert_eq!(float.unwrap(), "");
    #[derive(Serialize)]
    struct Inner {
        rate: f64,
    }
    #[derive(Serialize)]
    struct Outer {
        items: Vec<Inner>,
    }
    let error = to_form(&Outer {
        items: vec![
            Inner { rate: 1.0 },
            Inner {
                rate: f64::INFINITY,
            },
        ],
    })
    .unwrap_err();
    assert_eq!(error.key, "items[1][rate]");
    assert_eq!(
        error.to_string(),
        "could not encode request parameter `items[1][rate]`: inf is not a number Stripe accepts"
    );

    let map_key = to_form(&BTreeMap::from([(vec![1u8], "v")])).unwrap_err();
    assert!(
        map_key.message.contains("map key must be a string"),
        "{map_key}"
    );
}

#[test]
fn custom_serialize_errors_name_the_key() {
    struct Broken;
    impl Serialize for Broken {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("broken on purpose"))
        }
    }
    #[derive(Serialize)]
    struct P {
        ok: u8,
        nested: BTreeMap<&'static str, Broken>,
    }
    let error = to_form(&P {
        ok: 1,
        nested: BTreeMap::from([("k", Broken)]),
    })
    .unwrap_err();
    assert_eq!(error.key, "nested[k]");
    assert_eq!(error.message, "broken on purpose");
}

#[test]
fn integers_floats_and_chars() {
    #[derive(Serialize)]
    struct P {
        a: u64,
        b: i32,
        c: f64,
        d: f32,
        e: char,
        f: u128,
    }
    let p = P {
        a: u64::MAX,
        b: -7,
        c: 2.0,
        d: 0.5,
        e: 'é',
        f: 12,
    };
    assert_eq!(
        to_form(&p).unwrap(),
        "a=18446744073709551615&b=-7&c=2&d=0.5&e=%C3%A9&f=12"
    );
}

#[test]
fn long_arrays_index_past_nine() {
    let value = json!({"expand": (0..12).map(|i| format!("f{i}")).collect::<Vec<_>>()});
    let got = decoded(&to_form(&value).unwrap());
    assert_eq!(got.len(), 12);
    assert_eq!(got[10], ("expand[10]".to_owned(), "f10".to_owned()));
    assert_eq!(got[11], ("expand[11]".to_owned(), "f11".to_owned()));
}
