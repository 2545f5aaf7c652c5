//! What the generated endpoint functions need of a client.
//!
//! Endpoints are generic over [`StripeClient`]: they build a
//! [`Request`] and hand it over, and the client decides
//! what calling means. The async client (`stripe_runtime::Client`) answers
//! with a future, a blocking client with the result itself. So the
//! generated crate depends on this crate only, not on an HTTP stack, and
//! an endpoint is compiled where it is called, for the client it is called
//! with.

use bytes::Bytes;

use crate::decode::{from_slice, Decode, DecodeError};
use crate::request::Request;
use crate::types::Object;

/// A client that can send what the endpoint functions describe.
pub trait StripeClient {
    /// What one call returns: e.g. a future of `Result<T, Error>`.
    type Response<T: FromBody>;
    /// Every item of a list endpoint, following `starting_after` (or
    /// `ending_before`, backwards).
    type Pages<T: Decode + Object + Send + 'static>;
    /// Every item of a search endpoint, following `next_page`.
    type SearchPages<T: Decode + Send + 'static>;
    /// Every item of a v2 list endpoint, following `next_page_url`.
    type V2Pages<T: Decode + Send + 'static>;

    fn execute<T: FromBody>(&self, request: Request) -> Self::Response<T>;
    fn paginate<T: Decode + Object + Send + 'static>(&self, request: Request) -> Self::Pages<T>;
    fn paginate_search<T: Decode + Send + 'static>(&self, request: Request)
        -> Self::SearchPages<T>;
    fn paginate_v2<T: Decode + Send + 'static>(&self, request: Request) -> Self::V2Pages<T>;
}

/// What a successful response body becomes: a decoded JSON type, or the
/// bytes themselves for the endpoints that answer with another media type
/// (`GET /v1/quotes/{quote}/pdf`).
pub trait FromBody: Sized + Send + 'static {
    fn from_body(body: Bytes) -> Result<Self, DecodeError>;
}

impl<T: Decode + Send + 'static> FromBody for T {
    fn from_body(body: Bytes) -> Result<Self, DecodeError> {
        from_slice(&body)
    }
}

impl FromBody for Bytes {
    fn from_body(body: Bytes) -> Result<Self, DecodeError> {
        Ok(body)
    }
}
