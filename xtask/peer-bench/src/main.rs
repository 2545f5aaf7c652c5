//! Decoding list pages on the path our endpoints take (`FromBody`: the
//! generated decoders over stripe-core's reader, the JSON path computed only on failure)
//! against async-stripe's (`std::str::from_utf8` + `miniserde::json::from_str`
//! into its shared types) and `serde_json::Value`, on the same bytes, in one
//! binary; form-encoding large create requests (the typed params against
//! the same parameters as a `serde_json::Value`); and a webhook delivery
//! verified and decoded into the typed `Event` (verifying alone as baseline).
//!
//! A benchmark, not a timed test: it prints the median time per operation of
//! 21 samples (each sample a batch of iterations of at least ~20 ms).
//!
//! ```sh
//! cargo xtask bench decode
//! ```
//!
//! The pages are 100 copies (with distinct ids) of the `customer`, `charge`
//! and `invoice` objects of the fixtures file the project's manifest names
//! `bench_fixtures` (`spec/stripe.toml`: newer than both clients' specs, as
//! live responses are), read and checked as codegen reads its inputs
//! (`stripe_spec::Inputs::project`). Each page is decoded
//! as Stripe's API sends it, indented by two spaces a level (as in its API
//! reference), and compact.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use serde_json::Value;
use stripe::checkout::{
    CreateSessionLineItems, CreateSessionLineItemsAdjustableQuantity,
    CreateSessionLineItemsPriceData, CreateSessionLineItemsPriceDataProductData,
    CreateSessionLineItemsPriceDataRecurring, CreateSessionLineItemsPriceDataRecurringInterval,
    CreateSessionLineItemsPriceDataTaxBehavior, CreateSessionMode, CreateSessionParams,
    CreateSessionPaymentMethodTypes,
};
use stripe::List;
use stripe::{
    Charge, CreatePaymentIntentCaptureMethod, CreatePaymentIntentParams,
    CreatePaymentIntentShipping, CreatePaymentIntentShippingAddress, Customer, Invoice,
};
use stripe_runtime::encode::{to_form, Encode};
use stripe_runtime::Bytes;
use stripe_runtime::FromBody;

const ITEMS: usize = 100;
const SAMPLES: usize = 21;
const SAMPLE_TIME: Duration = Duration::from_millis(20);

/// The `resources` of the manifest's `bench_fixtures` file, checked
/// against its pin.
fn bench_fixtures() -> Result<serde_json::Map<String, Value>, String> {
    let inputs = stripe_spec::Inputs::project()?;
    let name = inputs
        .manifest
        .bench_fixtures
        .clone()
        .ok_or("the manifest names no bench_fixtures")?;
    let file = inputs
        .fixtures()?
        .into_iter()
        .find(|file| file.name == name)
        .ok_or_else(|| format!("{name}: not among the manifest's fixtures"))?;
    stripe_spec::fixture_resources(&file)
}

/// How a page's JSON is laid out.
#[derive(Clone, Copy)]
enum Layout {
    /// As Stripe's API sends it: a key a line, two spaces a level.
    Indented,
    /// No whitespace at all.
    Compact,
}

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Layout::Indented => "indented",
            Layout::Compact => "compact",
        }
    }
}

/// A list page of `ITEMS` copies of a fixture, as JSON bytes.
fn page(
    fixtures: &serde_json::Map<String, Value>,
    resource: &str,
    url: &str,
    layout: Layout,
) -> Vec<u8> {
    let fixture = &fixtures[resource];
    let data: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let mut item = fixture.clone();
            let id = item["id"].as_str().unwrap_or("obj").to_owned();
            item["id"] = Value::from(format!("{id}_{i:03}"));
            item
        })
        .collect();
    let page = serde_json::json!({
        "object": "list",
        "data": data,
        "has_more": false,
        "url": url,
    });
    match layout {
        Layout::Indented => serde_json::to_vec_pretty(&page).unwrap(),
        Layout::Compact => serde_json::to_vec(&page).unwrap(),
    }
}

/// How many calls of `f` take about `SAMPLE_TIME` (after warming up).
fn batch_size(f: &mut dyn FnMut()) -> u32 {
    let started = Instant::now();
    let mut calls = 0u32;
    while started.elapsed() < SAMPLE_TIME {
        f();
        calls += 1;
    }
    calls.max(1)
}

/// The time of one call of `f`, averaged over a batch.
fn sample(f: &mut dyn FnMut(), batch: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..batch {
        f();
    }
    started.elapsed() / batch
}

/// The median time of one call of each of `fs`, sampled in turn (one batch
/// of each per round), so that the machine's ups and downs hit all alike;
/// and the median, over rounds, of each one's time over the first's.
fn medians(fs: &mut [&mut dyn FnMut()]) -> (Vec<Duration>, Vec<f64>) {
    let batches: Vec<u32> = fs.iter_mut().map(|f| batch_size(&mut **f)).collect();
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); fs.len()];
    for _ in 0..SAMPLES {
        for (i, f) in fs.iter_mut().enumerate() {
            samples[i].push(sample(&mut **f, batches[i]));
        }
    }
    let ratios = (0..fs.len())
        .map(|i| {
            let mut ratios: Vec<f64> = samples[i]
                .iter()
                .zip(&samples[0])
                .map(|(s, first)| s.as_secs_f64() / first.as_secs_f64())
                .collect();
            ratios.sort_by(f64::total_cmp);
            ratios[SAMPLES / 2]
        })
        .collect();
    let medians = samples
        .into_iter()
        .map(|mut s| {
            s.sort();
            s[SAMPLES / 2]
        })
        .collect();
    (medians, ratios)
}

/// The median time of one call of `f`.
fn median(mut f: impl FnMut()) -> Duration {
    medians(&mut [&mut f]).0[0]
}

fn report(name: &str, bytes: Option<usize>, time: Duration) {
    match bytes {
        Some(bytes) => println!(
            "{name:<52} {:>10.1} µs  {:>7.1} MB/s",
            time.as_secs_f64() * 1e6,
            bytes as f64 / time.as_secs_f64() / 1e6
        ),
        None => println!("{name:<52} {:>10.1} µs", time.as_secs_f64() * 1e6),
    }
}

/// One page three ways. Each must decode, or the numbers mean nothing.
fn decode<Ours, Theirs>(name: &str, layout: Layout, bytes: &[u8])
where
    List<Ours>: FromBody,
    stripe_types::List<Theirs>: miniserde::Deserialize,
{
    let body = Bytes::copy_from_slice(bytes);
    let ours = || <List<Ours> as FromBody>::from_body(black_box(body.clone())).unwrap();
    assert_eq!(ours().data.len(), ITEMS);
    let theirs = || {
        let text = std::str::from_utf8(black_box(bytes)).unwrap();
        miniserde::json::from_str::<stripe_types::List<Theirs>>(text).unwrap()
    };
    assert_eq!(theirs().data.len(), ITEMS);
    let (times, ratios) = medians(&mut [
        &mut || {
            black_box(ours());
        },
        &mut || {
            black_box(theirs());
        },
        &mut || {
            black_box(serde_json::from_slice::<Value>(black_box(bytes)).unwrap());
        },
    ]);
    let (ours, theirs, value) = (times[0], times[1], times[2]);
    report(
        &format!("decode List<{name}> ({ITEMS}, {}), ours", layout.name()),
        Some(bytes.len()),
        ours,
    );
    report(
        "  async-stripe (miniserde), same bytes",
        Some(bytes.len()),
        theirs,
    );
    report("  serde_json::Value, same bytes", Some(bytes.len()), value);
    println!(
        "{:<52} {:>10.2}x",
        "  async-stripe / ours (median of rounds)", ratios[1]
    );
}

fn metadata(keys: usize) -> BTreeMap<String, String> {
    (0..keys)
        .map(|i| (format!("key_{i:02}"), format!("value number {i} & more")))
        .collect()
}

fn payment_intent() -> CreatePaymentIntentParams {
    let mut params = CreatePaymentIntentParams::new(2000, "eur");
    params.capture_method = Some(CreatePaymentIntentCaptureMethod::Manual);
    params.confirm = Some(true);
    params.customer = Some("cus_NffrFeUfNV2Hib".into());
    params.description = Some("Order #6735: 3 items, express shipping".into());
    params.expand = Some(vec!["customer".into(), "latest_charge".into()]);
    params.metadata = Some(metadata(40));
    params.payment_method_types = Some(vec!["card".into(), "sepa_debit".into(), "ideal".into()]);
    params.receipt_email = Some("jenny.rosen@example.com".into());
    params.shipping = Some(CreatePaymentIntentShipping::new(
        CreatePaymentIntentShippingAddress {
            city: Some("Paris".into()),
            country: Some("FR".into()),
            line1: Some("1 rue de Rivoli".into()),
            postal_code: Some("75001".into()),
            ..Default::default()
        },
        "Jenny Rosen",
    ));
    params.statement_descriptor_suffix = Some("ORDER 6735".into());
    params
}

fn checkout_session() -> CreateSessionParams {
    let mut params = CreateSessionParams::new("https://example.com/success");
    params.cancel_url = Some("https://example.com/cancel".into());
    params.mode = Some(CreateSessionMode::Subscription);
    params.metadata = Some(metadata(20));
    params.payment_method_types = Some(vec![
        CreateSessionPaymentMethodTypes::Card,
        CreateSessionPaymentMethodTypes::SepaDebit,
    ]);
    params.line_items = Some(
        (0..50)
            .map(|i| {
                let mut price_data = CreateSessionLineItemsPriceData::new("eur");
                price_data.unit_amount = Some(1000 + i);
                price_data.tax_behavior =
                    Some(CreateSessionLineItemsPriceDataTaxBehavior::Exclusive);
                price_data.recurring = Some(CreateSessionLineItemsPriceDataRecurring::new(
                    CreateSessionLineItemsPriceDataRecurringInterval::Month,
                ));
                let mut product =
                    CreateSessionLineItemsPriceDataProductData::new(format!("Plan {i}"));
                product.description = Some(format!("The plan number {i}, billed monthly"));
                product.metadata = Some(metadata(3));
                price_data.product_data = Some(product);
                let mut adjustable = CreateSessionLineItemsAdjustableQuantity::new(true);
                adjustable.minimum = Some(1);
                adjustable.maximum = Some(10);
                CreateSessionLineItems {
                    adjustable_quantity: Some(adjustable),
                    price_data: Some(price_data),
                    quantity: Some(1 + i % 3),
                    tax_rates: Some(vec![format!("txr_{i:04}")]),
                    ..Default::default()
                }
            })
            .collect(),
    );
    params
}

/// Typed params, against the same parameters as a `serde_json::Value`
/// (what a hand-written request would send), through the same encoder.
fn encode(name: &str, params: &dyn Encode, same_as_json: &Value) {
    let form = to_form(params).unwrap();
    let pairs = form.split('&').count();
    assert_eq!(to_form(same_as_json).unwrap().split('&').count(), pairs);
    let typed = median(|| {
        black_box(to_form(black_box(params)).unwrap());
    });
    let json = median(|| {
        black_box(to_form(black_box(same_as_json)).unwrap());
    });
    report(
        &format!("encode {name} ({pairs} pairs)"),
        Some(form.len()),
        typed,
    );
    report("  the same as serde_json::Value", Some(form.len()), json);
}

/// The same parameters as JSON, nested as the params struct is.
fn as_json(params: &impl serde::Serialize) -> Value {
    serde_json::to_value(params).unwrap()
}

/// A webhook delivery as a receiver handles it: verify the signature, then
/// decode the event into the generated `Event` with `data.object` typed.
/// Verifying alone is the baseline, measured in the same run. The payload
/// is indented, as Stripe sends it.
fn webhook(fixtures: &serde_json::Map<String, Value>) {
    let payload = serde_json::to_string_pretty(&serde_json::json!({
        "id": "evt_1", "object": "event", "api_version": "2023-08-16", "created": 1_700_000_000,
        "data": {"object": fixtures["payment_intent"]}, "livemode": false, "pending_webhooks": 1,
        "request": {"id": null, "idempotency_key": null}, "type": "payment_intent.succeeded"
    }))
    .unwrap();
    let secret = "whsec_bench";
    let webhook = stripe::webhook::Webhook::new(secret).with_tolerance(Duration::ZERO);
    let header = stripe::webhook::generate_test_header(&payload, secret, 1_700_000_000);
    let event: stripe::Event = webhook.construct_event(&payload, &header).unwrap();
    assert!(matches!(
        event.data.object,
        stripe::Resource::PaymentIntent(_)
    ));
    let verify = median(|| {
        webhook
            .verify(black_box(&payload), black_box(&header))
            .unwrap()
    });
    report(
        "webhook: verify only (baseline)",
        Some(payload.len()),
        verify,
    );
    let typed = median(|| {
        black_box(
            webhook
                .construct_event::<stripe::Event>(black_box(&payload), black_box(&header))
                .unwrap(),
        );
    });
    report(
        "webhook: verify + decode into stripe::Event",
        Some(payload.len()),
        typed,
    );
}

fn main() {
    let fixtures = bench_fixtures().unwrap_or_else(|error| {
        panic!("{error} (set STRIPE_SPEC_DIR to the folder of Stripe's spec files)")
    });

    // `peer-bench customer` decodes customers alone; `customer-ours` only
    // with our decoders, for a profile of them (`COMPACT=1`: compact pages).
    let profiled = if std::env::var_os("COMPACT").is_some() {
        Layout::Compact
    } else {
        Layout::Indented
    };
    match std::env::args().nth(1).as_deref() {
        Some("customer") => {
            for layout in [Layout::Indented, Layout::Compact] {
                let page = page(&fixtures, "customer", "/v1/customers", layout);
                decode::<Customer, stripe_shared::Customer>("Customer", layout, &page);
            }
            return;
        }
        Some("customer-ours") => {
            let body = Bytes::from(page(&fixtures, "customer", "/v1/customers", profiled));
            for _ in 0..20_000 {
                let page = <List<Customer> as FromBody>::from_body(black_box(body.clone()));
                black_box(page.unwrap());
            }
            return;
        }
        _ => {}
    }
    println!("median of {SAMPLES} samples per line");
    for layout in [Layout::Indented, Layout::Compact] {
        let customers = page(&fixtures, "customer", "/v1/customers", layout);
        decode::<Customer, stripe_shared::Customer>("Customer", layout, &customers);
        let charges = page(&fixtures, "charge", "/v1/charges", layout);
        decode::<Charge, stripe_shared::Charge>("Charge", layout, &charges);
        let invoices = page(&fixtures, "invoice", "/v1/invoices", layout);
        decode::<Invoice, stripe_shared::Invoice>("Invoice", layout, &invoices);
    }
    let payment_intent = payment_intent();
    encode(
        "CreatePaymentIntentParams",
        &payment_intent,
        &as_json(&payment_intent),
    );
    let session = checkout_session();
    encode(
        "checkout::CreateSessionParams",
        &session,
        &as_json(&session),
    );
    webhook(&fixtures);
}
