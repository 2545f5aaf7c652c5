// The calls `stripe <command> --print rust` prints for the command lines
// of cli/tests/print_rust.rs (`UPDATE_GOLDEN=1 cargo test -p typed-stripe-cli` rewrites
// this file); generated/tests/cli_print_rust.rs runs them.

pub async fn calls(client: &stripe::Client) -> Result<(), Box<dyn std::error::Error>> {
    let client = client.clone();
    // stripe identity verification_sessions redact vs_123
    let _ = stripe::identity::VerificationSession::redact(&client, "vs_123", &Default::default()).await?;
    // stripe identity verification_sessions create --type document -d options[document][allowed_types][0]=passport -d options[document][require_matching_selfie]=true -d metadata[order]=6735
    let _ = stripe::identity::VerificationSession::create(&client, &stripe::identity::CreateVerificationSessionParams { metadata: Some(std::collections::BTreeMap::from([(String::from("order"), String::from("6735"))])), options: Some(stripe::identity::CreateVerificationSessionOptions { document: Some(stripe::Unsettable::Set(stripe::identity::CreateVerificationSessionOptionsDocument { allowed_types: Some(vec![stripe::identity::CreateVerificationSessionOptionsDocumentAllowedTypes::Passport]), require_matching_selfie: Some(true), ..Default::default() })), ..Default::default() }), ..stripe::identity::CreateVerificationSessionParams::new(stripe::identity::CreateVerificationSessionType::Document) }).await?;
    // stripe customers create --email jenny@example.com -d metadata[order]=6735 -d balance=-100
    let _ = stripe::Customer::create(&client, &stripe::CreateCustomerParams { balance: Some(-100i64), email: Some(String::from("jenny@example.com")), metadata: Some(stripe::Unsettable::Set(std::collections::BTreeMap::from([(String::from("order"), String::from("6735"))]))), ..Default::default() }).await?;
    // stripe customers update cus_123 -d metadata[order]=shipped -d invoice_settings[custom_fields]=
    let _ = stripe::Customer::update(&client, "cus_123", &stripe::UpdateCustomerParams { invoice_settings: Some(stripe::UpdateCustomerInvoiceSettings { custom_fields: Some(stripe::Unsettable::Unset), ..Default::default() }), metadata: Some(stripe::Unsettable::Set(std::collections::BTreeMap::from([(String::from("order"), String::from("shipped"))]))), ..Default::default() }).await?;
    // stripe customers list --limit 3 -d created[gte]=1700000000
    let _ = stripe::Customer::list(&client, &stripe::ListCustomerParams { created: Some(serde_json::json!({"gte": "1700000000"})), limit: Some(3i64), ..Default::default() }).await?;
    // stripe checkout sessions create --mode payment --success-url https://example.com/done -d line_items[0][price]=price_1 -d line_items[0][quantity]=2
    let _ = stripe::checkout::Session::create(&client, &stripe::checkout::CreateSessionParams { line_items: Some(vec![stripe::checkout::CreateSessionLineItems { price: Some(String::from("price_1")), quantity: Some(2i64), ..Default::default() }]), mode: Some(stripe::checkout::CreateSessionMode::Payment), ..stripe::checkout::CreateSessionParams::new(String::from("https://example.com/done")) }).await?;
    // stripe payment_intents create --amount 2000 --currency usd -d payment_method_types[0]=card -d confirm=true
    let _ = stripe::PaymentIntent::create(&client, &stripe::CreatePaymentIntentParams { confirm: Some(true), payment_method_types: Some(vec![String::from("card")]), ..stripe::CreatePaymentIntentParams::new(2000i64, String::from("usd")) }).await?;
    // stripe climate orders cancel order_123
    let _ = stripe::climate::Order::cancel(&client, "order_123", &Default::default()).await?;
    // stripe test_helpers test_clocks create --frozen-time 1700000000
    let _ = stripe::test_helpers::TestClock::create(&client, &stripe::test_helpers::CreateTestClockParams::new(stripe::Timestamp::from_secs(1700000000))).await?;
    // stripe webhook_endpoints create --url https://example.com/hook -d enabled_events[0]=charge.succeeded
    let _ = stripe::WebhookEndpoint::create(&client, &stripe::CreateWebhookEndpointParams::new(vec![stripe::CreateWebhookEndpointEnabledEvents::ChargeSucceeded], String::from("https://example.com/hook"))).await?;
    Ok(())
}
