//! Exact wire strings of the form encoding, with `Encode` impls written the
//! way the generator writes them (`out.field(name, &self.field)` per field,
//! in declaration order). Brackets are escaped by `form_urlencoded`
//! (`%5B`, `%5D`); `decoded` shows the same pairs readably.

use std::collections::BTreeMap;

use serde_json::json;
use stripe_core::encode::{to_form, to_pairs, Encode, Encoder, Unsettable};

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

enum CaptureMethod {
    Manual,
}

impl Encode for CaptureMethod {
    fn encode(&self, out: &mut Encoder) {
        match self {
            CaptureMethod::Manual => out.string("manual"),
        }
    }
}

struct Address {
    line1: String,
    city: Option<String>,
}

impl Encode for Address {
    fn encode(&self, out: &mut Encoder) {
        out.field("line1", &self.line1);
        out.field("city", &self.city);
    }
}

struct Shipping {
    name: String,
    address: Address,
}

impl Encode for Shipping {
    fn encode(&self, out: &mut Encoder) {
        out.field("name", &self.name);
        out.field("address", &self.address);
    }
}

struct LineItem {
    price: String,
    quantity: i64,
}

impl Encode for LineItem {
    fn encode(&self, out: &mut Encoder) {
        out.field("price", &self.price);
        out.field("quantity", &self.quantity);
    }
}

struct CreateParams {
    amount: i64,
    currency: String,
    confirm: bool,
    off_session: Option<bool>,
    capture_method: CaptureMethod,
    description: Option<String>,
    metadata: BTreeMap<String, String>,
    line_items: Vec<LineItem>,
    expand: Vec<String>,
    shipping: Shipping,
    statement_descriptor: Option<Unsettable<String>>,
    receipt_email: Option<Unsettable<String>>,
}

impl Encode for CreateParams {
    fn encode(&self, out: &mut Encoder) {
        out.field("amount", &self.amount);
        out.field("currency", &self.currency);
        out.field("confirm", &self.confirm);
        out.field("off_session", &self.off_session);
        out.field("capture_method", &self.capture_method);
        out.field("description", &self.description);
        out.field("metadata", &self.metadata);
        out.field("line_items", &self.line_items);
        out.field("expand", &self.expand);
        out.field("shipping", &self.shipping);
        out.field("statement_descriptor", &self.statement_descriptor);
        out.field("receipt_email", &self.receipt_email);
    }
}

#[test]
fn encodes_a_full_create_request_exactly() {
    let params = CreateParams {
        amount: 2000,
        currency: "usd".into(),
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
        expand: vec![
            "customer".into(),
            "latest_charge.balance_transaction".into(),
        ],
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
    assert_eq!(to_pairs(&params).unwrap(), decoded(&form));
}

#[test]
fn unsettable_set_sends_the_value_and_converts_from_t() {
    struct P {
        description: Option<Unsettable<String>>,
        metadata: Option<Unsettable<BTreeMap<String, String>>>,
    }
    impl Encode for P {
        fn encode(&self, out: &mut Encoder) {
            out.field("description", &self.description);
            out.field("metadata", &self.metadata);
        }
    }
    let set = P {
        description: Some(String::from("hello").into()),
        metadata: Some(BTreeMap::from([("k".to_owned(), "v".to_owned())]).into()),
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
fn json_parameters_nest_deeply_and_arrays_of_arrays_index_twice() {
    let value = json!({
        "a": {"b": {"c": "x"}},
        "tiers": [{"up_to": "inf", "flat_amount": 0}, {"up_to": 10, "unit_amount_decimal": "1.5"}],
        "matrix": [[1, 2], [3]],
        "ratio": 0.25,
        "nothing": null,
        "empty_list": [],
        "empty_map": {},
        "big": u64::MAX,
    });
    // serde_json's map is ordered by key.
    assert_eq!(
        decoded(&to_form(&value).unwrap()),
        pairs(&[
            ("a[b][c]", "x"),
            ("big", "18446744073709551615"),
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
    let value = json!({"metadata": {"clé (x)": "ünï/+?#%[]"}});
    let form = to_form(&value).unwrap();
    assert_eq!(
        form,
        "metadata%5Bcl%C3%A9+%28x%29%5D=%C3%BCn%C3%AF%2F%2B%3F%23%25%5B%5D"
    );
    assert_eq!(
        decoded(&form),
        pairs(&[("metadata[clé (x)]", "ünï/+?#%[]")])
    );
    // Stripe refuses metadata keys with brackets: it would read them as nesting.
    let error = to_form(&json!({"metadata": {"clé [x]": "v"}})).unwrap_err();
    assert_eq!(error.key, "metadata");
}

#[test]
fn empty_and_absent_params_encode_to_the_empty_string() {
    struct AllNone {
        a: Option<i64>,
        b: Option<String>,
    }
    impl Encode for AllNone {
        fn encode(&self, out: &mut Encoder) {
            out.field("a", &self.a);
            out.field("b", &self.b);
        }
    }
    assert_eq!(to_form(&AllNone { a: None, b: None }).unwrap(), "");
    assert_eq!(to_form(&None::<AllNone>).unwrap(), "");
}

#[test]
fn shapes_without_an_encoding_are_errors_with_their_key() {
    let top_level = to_form(&"just a string").unwrap_err();
    assert!(top_level.message.contains("struct or a map"), "{top_level}");
    assert!(to_form(&vec![1i64, 2]).is_err());

    struct Inner {
        rate: f64,
    }
    impl Encode for Inner {
        fn encode(&self, out: &mut Encoder) {
            out.field("rate", &self.rate);
        }
    }
    struct Outer {
        items: Vec<Inner>,
    }
    impl Encode for Outer {
        fn encode(&self, out: &mut Encoder) {
            out.field("items", &self.items);
        }
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
}

#[test]
fn integers_and_floats() {
    struct P {
        a: u64,
        b: i32,
        c: f64,
        d: f64,
    }
    impl Encode for P {
        fn encode(&self, out: &mut Encoder) {
            out.field("a", &self.a);
            out.field("b", &self.b);
            out.field("c", &self.c);
            out.field("d", &self.d);
        }
    }
    let p = P {
        a: u64::MAX,
        b: -7,
        c: 2.0,
        d: 0.5,
    };
    assert_eq!(
        to_form(&p).unwrap(),
        "a=18446744073709551615&b=-7&c=2&d=0.5"
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
