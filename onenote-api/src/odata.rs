//! OData query options (`$filter`, `$top`, …) and the query-string encoding they are sent with.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes left readable in a query name or value: the unreserved set plus characters OData
/// expressions use that carry no meaning inside one `name=value` pair. `&`, `=`, `+`, `#`, `%`,
/// spaces, `;` and non-ASCII are encoded.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'$')
    .remove(b',')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'!')
    .remove(b':')
    .remove(b'@')
    .remove(b'/')
    .remove(b'?');

/// Operations whose builder has [`filter`](crate::Request::filter) (`$filter`).
pub trait SupportsFilter: crate::Operation {}
/// Operations whose builder has [`orderby`](crate::Request::orderby) (`$orderby`).
pub trait SupportsOrderby: crate::Operation {}
/// Operations whose builder has [`select`](crate::Request::select) (`$select`).
pub trait SupportsSelect: crate::Operation {}
/// Operations whose builder has [`top`](crate::Request::top) (`$top`).
pub trait SupportsTop: crate::Operation {}
/// Operations whose builder has [`skip`](crate::Request::skip) (`$skip`).
pub trait SupportsSkip: crate::Operation {}
/// Operations whose builder has [`expand`](crate::Request::expand) (`$expand`).
pub trait SupportsExpand: crate::Operation {}
/// Operations whose builder has [`count`](crate::Request::count) (`$count`).
pub trait SupportsCount: crate::Operation {}

/// The OData system query options of a list or get request.
///
/// [`Request`](crate::Request) fills it through its `filter`, `orderby`, `select`, `top`,
/// `skip`, `expand` and `count` setters, which exist for the operations that support each
/// (the `Supports…` traits above); unset options are not sent. What each takes (the largest
/// `$top`, the properties `$select` may name, …) is checked with the rest of the request
/// before it is sent ([`schema`](crate::schema)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryOptions {
    pub(crate) filter: Option<String>,
    pub(crate) orderby: Option<String>,
    pub(crate) select: Vec<String>,
    pub(crate) top: Option<u32>,
    pub(crate) skip: Option<u32>,
    pub(crate) expand: Vec<String>,
    pub(crate) count: Option<bool>,
}

impl QueryOptions {
    /// The options as `(name, value)` pairs in the order they are sent.
    pub(crate) fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(filter) = &self.filter {
            pairs.push(("$filter", filter.clone()));
        }
        if let Some(orderby) = &self.orderby {
            pairs.push(("$orderby", orderby.clone()));
        }
        if !self.select.is_empty() {
            pairs.push(("$select", self.select.join(",")));
        }
        if let Some(top) = self.top {
            pairs.push(("$top", top.to_string()));
        }
        if let Some(skip) = self.skip {
            pairs.push(("$skip", skip.to_string()));
        }
        if !self.expand.is_empty() {
            pairs.push(("$expand", self.expand.join(",")));
        }
        if let Some(count) = self.count {
            pairs.push(("$count", count.to_string()));
        }
        pairs
    }
}

/// Quotes `value` as an OData string literal for filter expressions: `O'Brien` → `'O''Brien'`.
///
/// ```
/// use onenote_api::odata::string_literal;
/// assert_eq!(string_literal("O'Brien"), "'O''Brien'");
/// let filter = format!("name eq {}", string_literal("Math 101"));
/// assert_eq!(filter, "name eq 'Math 101'");
/// ```
pub fn string_literal(value: &str) -> String {
    let mut literal = String::with_capacity(value.len() + 2);
    literal.push('\'');
    literal.push_str(&value.replace('\'', "''"));
    literal.push('\'');
    literal
}

/// Encodes `name=value` pairs as a query string (without the leading `?`).
///
/// Not form encoding: spaces become `%20`, and `$`, `,` and `'` stay readable. (The URL parser
/// under reqwest still writes `'` as `%27` on the wire for `http` and `https` URLs; servers decode
/// both the same.)
pub(crate) fn encode_query<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut query = String::new();
    for (name, value) in pairs {
        if !query.is_empty() {
            query.push('&');
        }
        query.extend(utf8_percent_encode(name, QUERY_VALUE));
        query.push('=');
        query.extend(utf8_percent_encode(value, QUERY_VALUE));
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(options: &QueryOptions) -> String {
        let pairs = options.pairs();
        encode_query(pairs.iter().map(|(n, v)| (*n, v.as_str())))
    }

    #[test]
    fn empty_options_send_nothing() {
        assert_eq!(encoded(&QueryOptions::default()), "");
    }

    #[test]
    fn every_option_in_order() {
        let options = QueryOptions {
            filter: Some("createdTime ge 2016-01-01".into()),
            orderby: Some("name asc".into()),
            select: vec!["id".into(), "name".into()],
            top: Some(5),
            skip: Some(10),
            expand: vec!["teachers".into(), "students".into()],
            count: Some(true),
        };
        assert_eq!(
            encoded(&options),
            "$filter=createdTime%20ge%202016-01-01&$orderby=name%20asc&$select=id,name\
             &$top=5&$skip=10&$expand=teachers,students&$count=true"
        );
    }

    #[test]
    fn filter_literals_stay_readable_and_separators_are_encoded() {
        let options = QueryOptions {
            filter: Some(format!(
                "name eq {}",
                string_literal("O'Brien & Co = 1+1 #2 50%")
            )),
            ..QueryOptions::default()
        };
        assert_eq!(
            encoded(&options),
            "$filter=name%20eq%20'O''Brien%20%26%20Co%20%3D%201%2B1%20%232%2050%25'"
        );
    }

    #[test]
    fn non_ascii_and_semicolons_are_encoded() {
        assert_eq!(
            encode_query([("omkt", "zh-tw"), ("q", "é;x")]),
            "omkt=zh-tw&q=%C3%A9%3Bx"
        );
    }

    #[test]
    fn string_literal_quotes_and_doubles() {
        assert_eq!(string_literal("O'Brien"), "'O''Brien'");
        assert_eq!(string_literal(""), "''");
        assert_eq!(string_literal("''"), "''''''");
        assert_eq!(string_literal("Math 101"), "'Math 101'");
    }
}
