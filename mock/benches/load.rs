//! Load: 10,000 requests at 64 at a time through the generated client
//! against the `stripe-mock` binary in stateful mode (a quarter each
//! creates, retrieves, updates and lists customers). Prints failures,
//! requests per second, latency percentiles and the peak memory of the mock
//! and of this process. `cargo bench -p typed-stripe-mock --bench load`, or
//! `cargo xtask bench load`; `--requests N --concurrency C` to vary it.
//! A benchmark, not a test: it prints numbers and fails only when a
//! request does.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stripe::{CreateCustomerParams, Customer, ListCustomerParams, UpdateCustomerParams};
use stripe_runtime::encode::Unsettable;
use stripe_runtime::Client;

struct Settings {
    requests: usize,
    concurrency: usize,
}

fn settings() -> Settings {
    let mut settings = Settings {
        requests: 10_000,
        concurrency: 64,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || -> usize {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{arg} takes a number"))
        };
        match arg.as_str() {
            "--requests" => settings.requests = value(),
            "--concurrency" => settings.concurrency = value(),
            // `cargo bench` passes `--bench`; anything else is a filter we ignore.
            _ => {}
        }
    }
    settings
}

/// The mock binary on a free port, and its URL.
fn start_mock() -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stripe-mock"))
        .args(["--port", "0", "--stateful"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the stripe-mock binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // "stripe-mock: 480 operations on http://127.0.0.1:PORT (stateful)"
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in `{line}`"))
        .to_owned();
    (child, url)
}

/// `VmHWM` (peak resident memory) of a process, in MiB.
fn peak_mib(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// One request of the mix; the first of each worker creates its customer.
async fn request(client: &Client, n: usize, mine: &mut Option<String>) -> Result<(), String> {
    let created = |customer: Customer| Some(customer.id);
    match (n % 4, mine.as_deref()) {
        (0, _) | (_, None) => {
            let params = CreateCustomerParams {
                email: Some(format!("load{n}@example.com")),
                metadata: Some(Unsettable::Set(BTreeMap::from([(
                    "n".to_owned(),
                    n.to_string(),
                )]))),
                ..Default::default()
            };
            let customer = Customer::create(client, &params).await;
            *mine = created(customer.map_err(|e| e.to_string())?);
        }
        (1, Some(id)) => {
            Customer::retrieve(client, id, &Default::default())
                .await
                .map_err(|e| e.to_string())?;
        }
        (2, Some(id)) => {
            let params = UpdateCustomerParams {
                description: Some(format!("update {n}")),
                ..Default::default()
            };
            Customer::update(client, id, &params)
                .await
                .map_err(|e| e.to_string())?;
        }
        _ => {
            let params = ListCustomerParams {
                limit: Some(10),
                ..Default::default()
            };
            Customer::list(client, &params)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn main() {
    let Settings {
        requests,
        concurrency,
    } = settings();
    let (mut mock, url) = start_mock();
    let client = Client::builder("sk_test_load")
        .api_base(&url)
        .max_retries(0)
        .build();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(requests)));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    runtime.block_on(async {
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                let (client, next) = (client.clone(), next.clone());
                let (latencies, failures) = (latencies.clone(), failures.clone());
                tokio::spawn(async move {
                    let mut mine = None;
                    loop {
                        let n = next.fetch_add(1, Ordering::Relaxed);
                        if n >= requests {
                            return;
                        }
                        let sent = Instant::now();
                        let result = request(&client, n, &mut mine).await;
                        latencies.lock().unwrap().push(sent.elapsed());
                        if let Err(error) = result {
                            failures.lock().unwrap().push(error);
                        }
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.await.unwrap();
        }
    });
    let elapsed = started.elapsed();
    let mock_peak = peak_mib(&mock.id().to_string());
    let _ = mock.kill();
    let _ = mock.wait();

    let mut latencies = latencies.lock().unwrap().clone();
    latencies.sort();
    let failures = failures.lock().unwrap();
    println!("load: {requests} requests, {concurrency} at a time, against stripe-mock --stateful");
    println!("  failures      {}", failures.len());
    println!(
        "  throughput    {:.0} requests/s ({:.2} s)",
        requests as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    for (name, p) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)] {
        println!(
            "  latency {name}   {:.2} ms",
            percentile(&latencies, p).as_secs_f64() * 1e3
        );
    }
    println!(
        "  peak memory   mock {mock_peak:.1} MiB, client {:.1} MiB",
        peak_mib("self")
    );
    if let Some(first) = failures.first() {
        eprintln!("first failure: {first}");
        std::process::exit(1);
    }
}
