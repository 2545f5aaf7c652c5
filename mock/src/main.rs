//! `cargo run -p typed-stripe-mock -- --port 12111`: the mock on a fixed port, for
//! trying a client by hand.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use stripe_mock::{Api, MockServer, DEFAULT_BACKOFF};

const USAGE: &str = "usage: stripe-mock [--port PORT] [--host ADDR] [--stateful] [--delivery-backoff-ms MS]\n  Serves the Stripe API mock (default 127.0.0.1:12111). --stateful remembers what requests create (and needs a test key), records the events Stripe would announce (GET /v1/events) and delivers them to the webhook endpoints created on it, printing a line per attempt; a failed delivery is retried three times, the first after --delivery-backoff-ms (default 1000), each later one after twice the last. An installed mock serves the pinned spec built into it; in the workspace, spec documents come from $STRIPE_SPEC_DIR, else target/stripe-openapi (cargo xtask spec fetch), else ../shared/stripe-openapi.";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let mut host = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut port: u16 = 12111;
    let mut stateful = false;
    let mut backoff = DEFAULT_BACKOFF;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let parsed = match arg.as_str() {
            "--port" => args.next().and_then(|v| v.parse().ok()).map(|p| port = p),
            "--host" => args.next().and_then(|v| v.parse().ok()).map(|h| host = h),
            "--delivery-backoff-ms" => args
                .next()
                .and_then(|v| v.parse().ok())
                .map(|ms| backoff = Duration::from_millis(ms)),
            "--stateful" => {
                stateful = true;
                Some(())
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => None,
        };
        if parsed.is_none() {
            eprintln!("stripe-mock: bad argument `{arg}`\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let api = match Api::shared() {
        Ok(api) => api,
        Err(error) => {
            eprintln!("stripe-mock: {error}");
            return ExitCode::FAILURE;
        }
    };
    let operations = api.operations().count();
    let mut builder = MockServer::builder()
        .api(api.clone())
        .addr(SocketAddr::new(host, port));
    if stateful {
        builder = builder
            .stateful()
            .delivery_backoff(backoff)
            .on_delivery(|attempt| println!("stripe-mock: delivery {attempt}"));
    }
    let mode = if stateful { "stateful" } else { "stateless" };
    match builder.start().await {
        Ok(server) => {
            println!(
                "stripe-mock: {operations} operations of API version {} on {} ({mode}), from {}",
                api.spec().api_version,
                server.url(),
                api.source()
            );
            server.run_forever().await;
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("stripe-mock: cannot listen on {host}:{port}: {error}");
            ExitCode::FAILURE
        }
    }
}
