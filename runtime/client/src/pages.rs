//! The streams of `*_auto_paging`: every item of a list, search or v2 list
//! endpoint, pages fetched as the stream is read.
//!
//! What is compiled per item type is only [`Stream::poll_next`] of the two
//! streams and the decoding of a page; fetching is [`Pager`]'s, shared.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use stripe_core::{Decode, List, Object, Request, SearchList, V2List};

use crate::client::{decode_body, Client, RawResponse};
use crate::error::{DecodeError, Error};

type PageFuture = Pin<Box<dyn Future<Output = Result<RawResponse, Error>> + Send>>;

/// Fetches one page at a time: the request of the next page, or the error
/// to report once the items already fetched are out.
struct Pager {
    client: Client,
    next: Next,
    /// The page on its way, with the request that asked for it.
    in_flight: Option<(Request, PageFuture)>,
}

enum Next {
    Page(Request),
    Fail(Error),
    Done,
}

impl Pager {
    fn new(client: Client, request: Request) -> Pager {
        Pager {
            client,
            next: Next::Page(request),
            in_flight: None,
        }
    }

    /// The next page's response and the request it answers; `None` when
    /// there are no more pages. The first error ends the walk.
    fn poll_page(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Request, RawResponse), Error>>> {
        if self.in_flight.is_none() {
            match std::mem::replace(&mut self.next, Next::Done) {
                Next::Page(request) => {
                    let client = self.client.clone();
                    let sent = request.clone();
                    let future: PageFuture = Box::pin(async move { client.send(&sent).await });
                    self.in_flight = Some((request, future));
                }
                Next::Fail(error) => return Poll::Ready(Some(Err(error))),
                Next::Done => return Poll::Ready(None),
            }
        }
        let (_, future) = self.in_flight.as_mut().expect("a page is in flight");
        let result = std::task::ready!(future.as_mut().poll(cx));
        let (request, _) = self.in_flight.take().expect("a page is in flight");
        Poll::Ready(Some(result.map(|raw| (request, raw))))
    }
}

/// Every item of a list endpoint ([`Client::paginate`]).
pub struct ListStream<T> {
    pager: Pager,
    items: VecDeque<T>,
    backwards: bool,
}

// Items are only moved in and out, never pinned.
impl<T> Unpin for ListStream<T> {}

impl<T: Decode + Object + Send + 'static> ListStream<T> {
    pub(crate) fn new(client: Client, request: Request) -> Self {
        ListStream {
            backwards: request.query_value("ending_before").is_some(),
            pager: Pager::new(client, request),
            items: VecDeque::new(),
        }
    }
}

impl<T: Decode + Object + Send + 'static> Stream for ListStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let (request, raw) = match std::task::ready!(this.pager.poll_page(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => page,
            };
            let page: List<T> = match decode_body(raw) {
                Ok(page) => page,
                Err(error) => return Poll::Ready(Some(Err(error))),
            };
            if page.has_more && !page.data.is_empty() {
                let (cursor, index) = if this.backwards {
                    ("ending_before", 0)
                } else {
                    ("starting_after", page.data.len() - 1)
                };
                this.pager.next = match page.data[index].id() {
                    Some(id) => Next::Page(request.replace_query(cursor, id)),
                    None => Next::Fail(missing_cursor(&request, index)),
                };
            }
            this.items = page.data.into();
            if this.backwards {
                this.items.make_contiguous().reverse();
            }
        }
    }
}

/// Every item of a search endpoint ([`Client::paginate_search`]).
pub struct SearchStream<T> {
    pager: Pager,
    items: VecDeque<T>,
}

impl<T> Unpin for SearchStream<T> {}

impl<T: Decode + Send + 'static> SearchStream<T> {
    pub(crate) fn new(client: Client, request: Request) -> Self {
        SearchStream {
            pager: Pager::new(client, request),
            items: VecDeque::new(),
        }
    }
}

impl<T: Decode + Send + 'static> Stream for SearchStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let (request, raw) = match std::task::ready!(this.pager.poll_page(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => page,
            };
            let page: SearchList<T> = match decode_body(raw) {
                Ok(page) => page,
                Err(error) => return Poll::Ready(Some(Err(error))),
            };
            if let (true, Some(next_page)) = (page.has_more, &page.next_page) {
                this.pager.next = Next::Page(request.replace_query("page", next_page));
            }
            this.items = page.data.into();
        }
    }
}

/// Every item of a v2 list endpoint ([`Client::paginate_v2`]).
pub struct V2ListStream<T> {
    pager: Pager,
    items: VecDeque<T>,
}

impl<T> Unpin for V2ListStream<T> {}

impl<T: Decode + Send + 'static> V2ListStream<T> {
    pub(crate) fn new(client: Client, request: Request) -> Self {
        V2ListStream {
            pager: Pager::new(client, request),
            items: VecDeque::new(),
        }
    }
}

impl<T: Decode + Send + 'static> Stream for V2ListStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let (request, raw) = match std::task::ready!(this.pager.poll_page(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => page,
            };
            let page: V2List<T> = match decode_body(raw) {
                Ok(page) => page,
                Err(error) => return Poll::Ready(Some(Err(error))),
            };
            // The next page's URL already holds the filters and the page
            // token; the request's headers and context go with it.
            if let Some(next) = page.next_page_url.as_deref().filter(|url| !url.is_empty()) {
                this.pager.next = Next::Page(request.at_url(next));
            }
            this.items = page.data.into();
        }
    }
}

fn missing_cursor(request: &Request, index: usize) -> Error {
    let mut error = DecodeError::new(format!(
        "the list at {} has more items but this one has no id to continue from",
        request.path()
    ));
    error.path = format!("data[{index}].id");
    error.status = Some(200);
    Error::Decode(error)
}
