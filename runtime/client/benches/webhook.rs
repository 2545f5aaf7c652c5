//! Cost of verifying and decoding a typical webhook delivery.
//!
//! A plain `Instant` loop printing the median: the figures of interest are
//! microseconds apart, so criterion's statistics would add little. Run with
//! `cargo bench -p typed-stripe-runtime --bench webhook`.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use stripe_runtime::webhook::{generate_test_header, Webhook};

const SECRET: &str = "whsec_benchmark_0123456789abcdef0123456789abcdef";
/// Runs per sample: enough that one sample takes well over the clock's
/// resolution.
const BATCH: u32 = 200;
const SAMPLES: usize = 201;

/// A `payment_intent.succeeded` event of about 2 KB, shaped like Stripe's.
fn payload() -> String {
    let payload = r#"{
  "id": "evt_3OaBcD2eZvKYlo2C0xYz1234",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1718000000,
  "data": {
    "object": {
      "id": "pi_3OaBcD2eZvKYlo2C0abc5678",
      "object": "payment_intent",
      "amount": 2000,
      "amount_capturable": 0,
      "amount_details": {"tip": {}},
      "amount_received": 2000,
      "application": null,
      "application_fee_amount": null,
      "automatic_payment_methods": {"allow_redirects": "always", "enabled": true},
      "canceled_at": null,
      "cancellation_reason": null,
      "capture_method": "automatic",
      "client_secret": "pi_3OaBcD2eZvKYlo2C0abc5678_secret_XyZabc123",
      "confirmation_method": "automatic",
      "created": 1717999990,
      "currency": "usd",
      "customer": "cus_Q1w2E3r4T5y6U7",
      "description": "Subscription creation",
      "invoice": "in_1OaBcD2eZvKYlo2Cabcdefgh",
      "last_payment_error": null,
      "latest_charge": "ch_3OaBcD2eZvKYlo2C0def9012",
      "livemode": false,
      "metadata": {"order_id": "6735", "customer_tier": "gold", "source": "checkout"},
      "next_action": null,
      "on_behalf_of": null,
      "payment_method": "pm_1OaBcD2eZvKYlo2CqwertyUI",
      "payment_method_configuration_details": {"id": "pmc_1OaBcD2eZvKYlo2CzxcvbnmA", "parent": null},
      "payment_method_options": {
        "card": {"installments": null, "mandate_options": null, "network": null, "request_three_d_secure": "automatic"},
        "link": {"persistent_token": null}
      },
      "payment_method_types": ["card", "link"],
      "processing": null,
      "receipt_email": "jenny.rosen@example.com",
      "review": null,
      "setup_future_usage": "off_session",
      "shipping": {
        "address": {"city": "San Francisco", "country": "US", "line1": "510 Townsend St", "line2": null, "postal_code": "94103", "state": "CA"},
        "carrier": null, "name": "Jenny Rosen", "phone": null, "tracking_number": null
      },
      "source": null,
      "statement_descriptor": null,
      "statement_descriptor_suffix": null,
      "status": "succeeded",
      "transfer_data": null,
      "transfer_group": null
    },
    "previous_attributes": null
  },
  "livemode": false,
  "pending_webhooks": 2,
  "request": {"id": "req_aBcDeFgHiJkLmN", "idempotency_key": "7f4c2c1e-8a0b-4d8e-9f6a-1b2c3d4e5f60"},
  "type": "payment_intent.succeeded"
}"#;
    payload.to_owned()
}

/// Per-run times of `SAMPLES` batches of `BATCH` runs, sorted.
fn measure(mut run: impl FnMut()) -> Vec<Duration> {
    for _ in 0..BATCH * 5 {
        run();
    }
    let mut samples: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..BATCH {
                run();
            }
            start.elapsed() / BATCH
        })
        .collect();
    samples.sort();
    samples
}

fn report(name: &str, samples: &[Duration]) {
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<28} median {:>9.2?}   p10 {:>9.2?}   p90 {:>9.2?}",
        at(0.5),
        at(0.1),
        at(0.9)
    );
}

fn main() {
    let payload = payload();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64;
    let header = generate_test_header(&payload, SECRET, now);
    let endpoint = Webhook::new(SECRET);
    // Fail loudly rather than time an error path.
    endpoint
        .construct_event::<serde_json::Value>(&payload, &header)
        .expect("the benchmark event verifies");

    println!(
        "payload {} bytes; {SAMPLES} samples of {BATCH} runs each, time per run",
        payload.len()
    );
    report(
        "verify + decode to Value",
        &measure(|| {
            let event: serde_json::Value = endpoint
                .construct_event(black_box(payload.as_bytes()), black_box(&header))
                .unwrap();
            black_box(event);
        }),
    );
    report(
        "verify only",
        &measure(|| {
            endpoint
                .verify(black_box(payload.as_bytes()), black_box(&header))
                .unwrap();
        }),
    );
    report(
        "decode to Value only",
        &measure(|| {
            let event: serde_json::Value =
                serde_json::from_slice(black_box(payload.as_bytes())).unwrap();
            black_box(event);
        }),
    );
}
