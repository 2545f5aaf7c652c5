//! The key exchange the client offers Stripe, read off the ClientHello it
//! sends: post-quantum (X25519MLKEM768) first with the default provider,
//! X25519 first with ring alone (`--no-default-features --features
//! rustls-ring`).

use std::time::Duration;

use stripe_runtime::client::{Client, Method};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

/// IANA's TLS supported-group code points.
const X25519MLKEM768: u16 = 0x11ec;
const X25519: u16 = 0x001d;
const KEY_SHARE: u16 = 0x0033;

const EXPECTED_FIRST: u16 = match cfg!(feature = "rustls-aws-lc-rs") {
    true => X25519MLKEM768,
    false => X25519,
};

#[tokio::test]
async fn the_client_offers_its_providers_key_exchange_first() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    let client = Client::builder("sk_test_123")
        .api_base(&base)
        .no_proxy()
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .build();
    let request = tokio::spawn(async move {
        client
            .raw_request(Method::Get, "/v1/balance", &serde_json::json!({}))
            .await
    });
    let (mut socket, _) = listener.accept().await.unwrap();
    let hello = read_record(&mut socket).await;
    drop(socket);
    assert!(
        request.await.unwrap().is_err(),
        "nobody answered the handshake"
    );
    let groups = key_share_groups(&hello).expect("a TLS 1.3 ClientHello with a key_share");
    assert_eq!(groups.first(), Some(&EXPECTED_FIRST), "{groups:04x?}");
}

/// One TLS record's body.
async fn read_record(socket: &mut tokio::net::TcpStream) -> Vec<u8> {
    let mut header = [0u8; 5];
    socket.read_exact(&mut header).await.unwrap();
    assert_eq!(header[0], 22, "a handshake record");
    let mut body = vec![0u8; usize::from(u16::from_be_bytes([header[3], header[4]]))];
    socket.read_exact(&mut body).await.unwrap();
    body
}

/// The groups of the key shares a ClientHello carries, in its order
/// (RFC 8446, 4.1.2 and 4.2.8).
fn key_share_groups(handshake: &[u8]) -> Option<Vec<u16>> {
    let mut at = Reader(handshake);
    (at.u8()? == 1).then_some(())?; // client_hello
    at.skip(3 + 2 + 32)?; // length, legacy_version, random
    let session_id = at.u8()?;
    at.skip(usize::from(session_id))?;
    let suites = at.u16()?;
    at.skip(usize::from(suites))?;
    let compression = at.u8()?;
    at.skip(usize::from(compression))?;
    let mut extensions = Reader(at.vector()?);
    while let Some(kind) = extensions.u16() {
        let mut data = Reader(extensions.vector()?);
        if kind != KEY_SHARE {
            continue;
        }
        let mut shares = Reader(data.vector()?);
        let mut groups = Vec::new();
        while let Some(group) = shares.u16() {
            groups.push(group);
            shares.vector()?;
        }
        return Some(groups);
    }
    None
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }

    fn skip(&mut self, n: usize) -> Option<()> {
        self.take(n).map(|_| ())
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }

    /// A vector with a two-byte length.
    fn vector(&mut self) -> Option<&'a [u8]> {
        let length = self.u16()?;
        self.take(usize::from(length))
    }
}
