//! Form-encoding a large create request: ~30 top-level fields, 20 metadata
//! keys, 20 line items with nested price data.
//!
//! `cargo bench -p stripe-runtime --bench encode`

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use serde::Serialize;
use stripe_runtime::encode::{to_form, Unsettable};

#[derive(Serialize)]
struct Recurring {
    interval: &'static str,
    interval_count: u32,
}

#[derive(Serialize)]
struct PriceData {
    currency: &'static str,
    product: String,
    unit_amount: i64,
    recurring: Option<Recurring>,
    tax_behavior: &'static str,
}

#[derive(Serialize)]
struct LineItem {
    price_data: PriceData,
    quantity: u64,
    tax_rates: Vec<String>,
    adjustable_quantity: Option<AdjustableQuantity>,
}

#[derive(Serialize)]
struct AdjustableQuantity {
    enabled: bool,
    minimum: u32,
    maximum: u32,
}

#[derive(Serialize)]
struct Address {
    line1: &'static str,
    line2: Option<&'static str>,
    city: &'static str,
    state: &'static str,
    postal_code: &'static str,
    country: &'static str,
}

#[derive(Serialize)]
struct Shipping {
    name: &'static str,
    phone: &'static str,
    address: Address,
}

#[derive(Serialize)]
struct CreateSession {
    mode: &'static str,
    currency: &'static str,
    customer: Option<&'static str>,
    customer_email: Option<&'static str>,
    client_reference_id: &'static str,
    success_url: &'static str,
    cancel_url: &'static str,
    locale: &'static str,
    allow_promotion_codes: bool,
    billing_address_collection: &'static str,
    submit_type: Option<&'static str>,
    expires_at: i64,
    payment_method_types: Vec<&'static str>,
    expand: Vec<&'static str>,
    metadata: BTreeMap<String, String>,
    line_items: Vec<LineItem>,
    shipping: Shipping,
    description: Unsettable<String>,
    statement_descriptor: Option<Unsettable<String>>,
    receipt_email: &'static str,
    setup_future_usage: &'static str,
    capture_method: &'static str,
    confirm: bool,
    off_session: bool,
    application_fee_amount: i64,
    on_behalf_of: Option<&'static str>,
    transfer_group: &'static str,
    return_url: &'static str,
    use_stripe_sdk: bool,
    error_on_requires_action: bool,
}

fn large_params() -> CreateSession {
    CreateSession {
        mode: "payment",
        currency: "usd",
        customer: Some("cus_NffrFeUfNV2Hib"),
        customer_email: None,
        client_reference_id: "order-2023-08-16-0001",
        success_url: "https://example.com/success?session_id={CHECKOUT_SESSION_ID}",
        cancel_url: "https://example.com/cancel",
        locale: "auto",
        allow_promotion_codes: true,
        billing_address_collection: "required",
        submit_type: Some("pay"),
        expires_at: 1_692_230_400,
        payment_method_types: vec!["card", "us_bank_account", "link"],
        expand: vec!["line_items", "payment_intent.latest_charge", "customer"],
        metadata: (0..20)
            .map(|i| (format!("key_{i}"), format!("value number {i} & more")))
            .collect(),
        line_items: (0..20)
            .map(|i| LineItem {
                price_data: PriceData {
                    currency: "usd",
                    product: format!("prod_{i:014}"),
                    unit_amount: 1000 + i,
                    recurring: (i % 2 == 0).then_some(Recurring {
                        interval: "month",
                        interval_count: 1,
                    }),
                    tax_behavior: "exclusive",
                },
                quantity: (i as u64) + 1,
                tax_rates: vec![format!("txr_{i:010}")],
                adjustable_quantity: Some(AdjustableQuantity {
                    enabled: true,
                    minimum: 1,
                    maximum: 10,
                }),
            })
            .collect(),
        shipping: Shipping {
            name: "Jenny Rosen",
            phone: "+15555550100",
            address: Address {
                line1: "510 Townsend St",
                line2: None,
                city: "San Francisco",
                state: "CA",
                postal_code: "94103",
                country: "US",
            },
        },
        description: Unsettable::Unset,
        statement_descriptor: Some("ACME*ORDER".to_owned().into()),
        receipt_email: "jenny.rosen@example.com",
        setup_future_usage: "off_session",
        capture_method: "automatic",
        confirm: true,
        off_session: false,
        application_fee_amount: 123,
        on_behalf_of: None,
        transfer_group: "ORDER_95",
        return_url: "https://example.com/return",
        use_stripe_sdk: false,
        error_on_requires_action: true,
    }
}

fn bench_to_form(c: &mut Criterion) {
    let params = large_params();
    let form = to_form(&params).unwrap();
    eprintln!(
        "encoded body: {} bytes, {} pairs",
        form.len(),
        form.split('&').count()
    );
    c.bench_function("to_form large create params", |b| {
        b.iter(|| to_form(black_box(&params)).unwrap())
    });

    let json = serde_json::to_value(&params).unwrap();
    c.bench_function("to_form large serde_json::Value", |b| {
        b.iter(|| to_form(black_box(&json)).unwrap())
    });
}

criterion_group!(benches, bench_to_form);
criterion_main!(benches);
