//! The streams of `*_auto_paging`: every item of a list, search or v2 list
//! endpoint, pages fetched as the stream is read.
//!
//! What is compiled per item type is the items' loop, each stream's reading
//! of its page and the decoding of a page; fetching is `Pager`'s, shared.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use stripe_core::{Decode, FromBody, List, Object, Request, SearchList, V2List};

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

/// The items of the pages fetched so far, in order, and the fetching of
/// the next page when they run out: the loop all three streams share.
struct Items<T> {
    pager: Pager,
    queue: VecDeque<T>,
}

impl<T> Items<T> {
    fn new(client: Client, request: Request) -> Self {
        Items {
            pager: Pager::new(client, request),
            queue: VecDeque::new(),
        }
    }

    /// The next item. `turn` reads a page of type `P` (with the request
    /// that fetched it) into the request of the page after it, if any, and
    /// its items.
    fn poll_item<P: FromBody>(
        &mut self,
        cx: &mut Context<'_>,
        mut turn: impl FnMut(Request, P) -> (Next, VecDeque<T>),
    ) -> Poll<Option<Result<T, Error>>> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            let (request, raw) = match std::task::ready!(self.pager.poll_page(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => page,
            };
            let page: P = match decode_body(raw) {
                Ok(page) => page,
                Err(error) => return Poll::Ready(Some(Err(error))),
            };
            (self.pager.next, self.queue) = turn(request, page);
        }
    }
}

/// Every item of a list endpoint ([`Client::paginate`]).
pub struct ListStream<T> {
    items: Items<T>,
    backwards: bool,
}

// Items are only moved in and out, never pinned.
impl<T> Unpin for ListStream<T> {}

impl<T: Decode + Object + Send + 'static> ListStream<T> {
    pub(crate) fn new(client: Client, request: Request) -> Self {
        ListStream {
            backwards: request.query_value("ending_before").is_some(),
            items: Items::new(client, request),
        }
    }
}

impl<T: Decode + Object + Send + 'static> Stream for ListStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let backwards = this.backwards;
        this.items.poll_item(cx, |request, page: List<T>| {
            let mut next = Next::Done;
            if page.has_more && !page.data.is_empty() {
                let (cursor, index) = if backwards {
                    ("ending_before", 0)
                } else {
                    ("starting_after", page.data.len() - 1)
                };
                next = match page.data[index].id() {
                    Some(id) => Next::Page(request.replace_query(cursor, id)),
                    None => Next::Fail(missing_cursor(&request, index)),
                };
            }
            let mut items = VecDeque::from(page.data);
            if backwards {
                items.make_contiguous().reverse();
            }
            (next, items)
        })
    }
}

/// Every item of a search endpoint ([`Client::paginate_search`]).
pub struct SearchStream<T> {
    items: Items<T>,
}

impl<T> Unpin for SearchStream<T> {}

impl<T: Decode + Send + 'static> SearchStream<T> {
    pub(crate) fn new(client: Client, request: Request) -> Self {
        SearchStream {
            items: Items::new(client, request),
        }
    }
}

impl<T: Decode + Send + 'static> Stream for SearchStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut()
            .items
            .poll_item(cx, |request, page: SearchList<T>| {
                let next = match (page.has_more, &page.next_page) {
                    (true, Some(token)) => Next::Page(request.replace_query("page", token)),
                    _ => Next::Done,
                };
                (next, page.data.into())
            })
    }
}

/// Every item of a v2 list endpoint ([`Client::paginate_v2`]).
pub struct V2ListStream<T> {
    items: Items<T>,
}

impl<T> Unpin for V2ListStream<T> {}

impl<T: Decode + Send + 'static> V2ListStream<T> {
    pub(crate) fn new(client: Client, request: Request) -> Self {
        V2ListStream {
            items: Items::new(client, request),
        }
    }
}

impl<T: Decode + Send + 'static> Stream for V2ListStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut()
            .items
            .poll_item(cx, |request, page: V2List<T>| {
                // The next page's URL already holds the filters and the page
                // token; the request's headers and context go with it.
                let next = match page.next_page_url.as_deref().filter(|url| !url.is_empty()) {
                    Some(url) => Next::Page(request.at_url(url)),
                    None => Next::Done,
                };
                (next, page.data.into())
            })
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
