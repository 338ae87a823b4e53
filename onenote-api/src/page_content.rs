//! [`PageContent`]: the body of a new page, its HTML and the images and files the HTML names,
//! as the page create calls take it.

use bytes::Bytes;

use crate::body::Multipart;

/// The name of the part that holds a new page's HTML; the service requires exactly one.
const PRESENTATION: &str = "Presentation";

/// A new page: its HTML, and the images and files the HTML refers to by part name.
///
/// The HTML refers to a binary part as `name:{part}`: `<img src="name:photo"/>` shows an
/// image, `<img data-render-src="name:handout"/>` renders a PDF's pages as images, and
/// `<object data="name:handout" data-attachment="handout.pdf" type="application/pdf"/>` attaches
/// a file. A page with no binary parts is sent as the HTML alone (`Content-Type: text/html`);
/// with some, as `multipart/form-data` with the HTML in the `Presentation` part.
///
/// When the request is sent (and before anything goes out), it is refused with an
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) error if two parts have the
/// same name (ignoring case, so also a part named `Presentation`), a name or media type cannot go
/// into a part header, or a part is larger than the service's 25 MB per part. The service's limit
/// on the whole request (about 70 MB) is not checked here.
///
/// ```
/// use onenote_api::PageContent;
///
/// let png = vec![0x89, b'P', b'N', b'G'];
/// let page = PageContent::html(
///     "<html><head><title>Handout</title></head>\
///      <body><img src=\"name:part1\" alt=\"a diagram\"/></body></html>",
/// )
/// .image("part1", png, "image/png");
/// assert_eq!(page.part_names().collect::<Vec<_>>(), ["Presentation", "part1"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageContent {
    body: Multipart,
}

impl PageContent {
    /// A page from its HTML (`text/html`): a `<title>` in the `<head>` becomes the page title,
    /// `<meta name="created" content="…">` its creation date.
    pub fn html(html: impl Into<String>) -> Self {
        PageContent {
            body: Multipart::new().html(PRESENTATION, html),
        }
    }

    /// Adds an image the HTML shows with `<img src="name:{name}"/>` (`image/png`,
    /// `image/jpeg`, …). `data` is shared, not copied, when it is already [`Bytes`].
    pub fn image(self, name: impl Into<String>, data: impl Into<Bytes>, media_type: &str) -> Self {
        self.part(name, data, media_type)
    }

    /// Adds a file the HTML attaches with `<object data="name:{name}" …/>` or renders with
    /// `data-render-src` (`application/pdf`, …).
    pub fn file(self, name: impl Into<String>, data: impl Into<Bytes>, media_type: &str) -> Self {
        self.part(name, data, media_type)
    }

    /// The part names, in the order they are sent: `Presentation` first.
    pub fn part_names(&self) -> impl Iterator<Item = &str> {
        self.body.part_names()
    }

    fn part(self, name: impl Into<String>, data: impl Into<Bytes>, media_type: &str) -> Self {
        PageContent {
            body: self.body.binary(name, data, media_type),
        }
    }
}

impl From<PageContent> for Multipart {
    fn from(page: PageContent) -> Multipart {
        page.body
    }
}
