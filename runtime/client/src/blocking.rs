//! The client without an async runtime in the caller's code (feature
//! `blocking`): the same endpoints, errors, retries and pagination, each
//! call returning its result, each list an iterator.
//!
//! ```no_run
//! # fn run() -> Result<(), stripe_runtime::Error> {
//! let client = stripe_runtime::blocking::Client::new("sk_test_...");
//! let customer: serde_json::Value = client.raw_request(
//!     stripe_runtime::Method::Get,
//!     "/v1/customers/cus_123",
//!     &serde_json::json!({}),
//! )?;
//! # Ok(()) }
//! ```
//!
//! With the generated crate: `stripe::Customer::retrieve(&client, "cus_123",
//! &Default::default())?`, and `for customer in stripe::Customer::list_auto_paging(&client,
//! &Default::default()) { .. }`.
//!
//! Like reqwest's blocking client, it runs its own single-threaded tokio
//! runtime, so it must not be called from async code (that would block the
//! caller's executor; tokio refuses it with a panic).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use stripe_core::{Decode, FromBody, Method, Object, Request, StripeClient};

use crate::error::Error;
use crate::pages::{ListStream, SearchStream, V2ListStream};

/// A Stripe client whose calls block until they are answered. Cheap to
/// clone: clones share the connection pool and the runtime.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Client {
    /// A client with the async client's defaults.
    ///
    /// # Panics
    /// If the operating system refuses the runtime's resources (as
    /// `reqwest::blocking::Client::new` does); [`Client::try_from_async`]
    /// returns that error instead.
    pub fn new(secret_key: impl Into<String>) -> Client {
        match Client::try_from_async(crate::Client::new(secret_key)) {
            Ok(client) => client,
            Err(error) => panic!("stripe: cannot start the blocking client's runtime: {error}"),
        }
    }

    /// The blocking form of a configured async client
    /// (`stripe_runtime::Client::builder(..)....build()`).
    pub fn try_from_async(inner: crate::Client) -> std::io::Result<Client> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Client {
            inner,
            runtime: Arc::new(runtime),
        })
    }

    /// The async client underneath, for the options it has.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    fn with(&self, inner: crate::Client) -> Client {
        Client {
            inner,
            runtime: Arc::clone(&self.runtime),
        }
    }

    pub fn with_stripe_account(&self, account: impl Into<String>) -> Client {
        self.with(self.inner.with_stripe_account(account))
    }

    pub fn with_stripe_version(&self, version: impl Into<String>) -> Client {
        self.with(self.inner.with_stripe_version(version))
    }

    pub fn with_stripe_context(&self, context: impl Into<String>) -> Client {
        self.with(self.inner.with_stripe_context(context))
    }

    pub fn with_idempotency_key(&self, key: impl Into<String>) -> Client {
        self.with(self.inner.with_idempotency_key(key))
    }

    pub fn with_timeout(&self, timeout: Duration) -> Client {
        self.with(self.inner.with_timeout(timeout))
    }

    pub fn with_max_retries(&self, retries: u32) -> Client {
        self.with(self.inner.with_max_retries(retries))
    }

    /// [`crate::Client::raw_request`], blocking.
    pub fn raw_request(
        &self,
        method: Method,
        path: &str,
        params: &serde_json::Value,
    ) -> Result<serde_json::Value, Error> {
        self.block_on(self.inner.raw_request(method, path, params))
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

impl StripeClient for Client {
    type Response<T: FromBody> = Result<T, Error>;
    type Pages<T: Decode + Object + Send + 'static> = Pages<ListStream<T>>;
    type SearchPages<T: Decode + Send + 'static> = Pages<SearchStream<T>>;
    type V2Pages<T: Decode + Send + 'static> = Pages<V2ListStream<T>>;

    fn execute<T: FromBody>(&self, request: Request) -> Result<T, Error> {
        self.block_on(self.inner.execute(request))
    }

    fn paginate<T: Decode + Object + Send + 'static>(&self, request: Request) -> Self::Pages<T> {
        Pages {
            stream: self.inner.paginate(request),
            runtime: Arc::clone(&self.runtime),
        }
    }

    fn paginate_search<T: Decode + Send + 'static>(
        &self,
        request: Request,
    ) -> Self::SearchPages<T> {
        Pages {
            stream: self.inner.paginate_search(request),
            runtime: Arc::clone(&self.runtime),
        }
    }

    fn paginate_v2<T: Decode + Send + 'static>(&self, request: Request) -> Self::V2Pages<T> {
        Pages {
            stream: self.inner.paginate_v2(request),
            runtime: Arc::clone(&self.runtime),
        }
    }
}

/// Every item of a list or search, fetching the next page when the
/// iterator reaches it. The first error is the last item.
pub struct Pages<S> {
    stream: S,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl<S: Stream + Unpin> Iterator for Pages<S> {
    type Item = S::Item;

    fn next(&mut self) -> Option<S::Item> {
        let stream = &mut self.stream;
        self.runtime.block_on(std::future::poll_fn(|cx| {
            std::pin::Pin::new(&mut *stream).poll_next(cx)
        }))
    }
}

impl<S> std::fmt::Debug for Pages<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pages")
    }
}
