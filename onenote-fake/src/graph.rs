//! Microsoft Graph's OneNote root over the same store: `/{version}/{me | users/{id} |
//! groups/{id} | sites/{id}}/onenote/…` serves the general resources (an id works on both
//! roots), translated at the edge: Graph's names in (`displayName`) and out (`displayName`,
//! `createdDateTime`, identity sets), Graph's URLs, Graph's error body (`innerError` with
//! `request-id`, `date`, `client-request-id`), `request-id` instead of `X-CorrelationId`, a
//! 4 MB request limit and 429 without `Retry-After`. The handlers never know which root a
//! request came through.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Map, Value, json};

use onenote_api::schema::{API, Api, GraphEdge, Shape};

use crate::route::{Endpoint, Location};

/// Graph's request limit ("The Microsoft Graph REST API has a 4 MB request limit").
pub(crate) const MAX_BODY: usize = 4 * 1024 * 1024;

/// Whether Graph serves the endpoint: the spec's tables have its Graph form (`graph.{id}`,
/// an operation whose `"services"` name `"graph"`).
pub(crate) fn serves(endpoint: &Endpoint) -> bool {
    let id = endpoint.operation_id();
    API.operation(&format!("graph.{id}")).is_some()
}

/// Splits off a Graph location and its `onenote` segment; returns the segments after it.
/// A site is Graph's composite id `{hostname},{site collection id},{site id}`.
pub(crate) fn location<'a>(segments: &'a [&'a str]) -> Option<(Location, &'a [&'a str])> {
    let is = |segment: &str, keyword: &str| segment.eq_ignore_ascii_case(keyword);
    let (location, rest) = match segments {
        [me, rest @ ..] if is(me, "me") => (Location::Me, rest),
        [users, id, rest @ ..] if is(users, "users") => (Location::User((*id).to_owned()), rest),
        [groups, id, rest @ ..] if is(groups, "groups") => {
            (Location::Group((*id).to_owned()), rest)
        }
        [sites, id, rest @ ..] if is(sites, "sites") => {
            let mut parts = id.split(',');
            let (Some(_host), Some(collection), Some(site), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return None;
            };
            let location = Location::Site {
                collection: collection.to_owned(),
                site: site.to_owned(),
            };
            (location, rest)
        }
        _ => return None,
    };
    match rest {
        [onenote, rest @ ..] if is(onenote, "onenote") => Some((location, rest)),
        _ => None,
    }
}

/// Whether `path` is under Graph's OneNote root (routed or not), so it is answered as Graph.
pub(crate) fn is_graph_path(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.split_first() {
        Some((version, rest)) if *version == "v1.0" || *version == "beta" => {
            location(rest).is_some()
        }
        _ => false,
    }
}

/// A Graph request body as the handlers read it: JSON objects with Graph's names renamed to
/// onenote.com's (`displayName` → `name`) and OData annotations (`@odata.type`, which the
/// Graph SDKs send) dropped, as are fields only Graph has: the fake keeps no page tags and
/// copies to the `Notebooks` folder whatever `notebookFolder` says, and the handlers check
/// onenote.com's shapes. Other bodies (HTML, multipart, JSON arrays) pass unchanged.
pub(crate) fn request_body(edge: &GraphEdge, body: &[u8]) -> Option<Vec<u8>> {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let mut out = Map::new();
    for (key, value) in object {
        if key.starts_with("@odata.") || edge.added.contains(&key.as_str()) {
            continue;
        }
        let key = edge
            .renamed
            .iter()
            .find(|(_, graph)| *graph == key)
            .map_or(key, |(onenote, _)| (*onenote).to_owned());
        out.insert(key, value);
    }
    serde_json::to_vec(&Value::Object(out)).ok()
}

/// A Graph query as the handlers read it: property names in OData options renamed to
/// onenote.com's (`$orderby=displayName` → `$orderby=name`), word by word, and Graph-only
/// properties left out of `$select` and `$orderby` lists. Each value is decoded, rewritten and
/// encoded again.
pub(crate) fn request_query(edge: &GraphEdge, query: &str) -> String {
    let mut pairs = Vec::new();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decoded(key);
        let mut value = decoded(value);
        let option = name.trim_start_matches('$');
        if option == "select" || option == "orderby" {
            let kept: Vec<&str> = value
                .split(',')
                .filter(|item| {
                    let name = item.split_whitespace().next().unwrap_or("");
                    !edge.added.contains(&name)
                })
                .collect();
            value = match (kept.is_empty(), option) {
                (false, _) => kept.join(","),
                // Nothing Graph-only to order by here; everything selected has an id.
                (true, "orderby") => continue,
                (true, _) => "id".to_owned(),
            };
        }
        pairs.push(format!(
            "{key}={}",
            utf8_percent_encode(&renamed_words(edge, &value), QUERY_VALUE)
        ));
    }
    pairs.join("&")
}

/// What a query value's bytes may be sent as: unreserved characters as they are.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A query component percent-decoded, `+` as a space (lossy on bad UTF-8).
fn decoded(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// `text` with every word that is a Graph name replaced by onenote.com's.
fn renamed_words(edge: &GraphEdge, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let renamed = edge
            .renamed
            .iter()
            .find(|(_, graph)| graph == word)
            .map_or(word.as_str(), |(onenote, _)| onenote);
        out.push_str(renamed);
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// How a Graph answer is written: the shapes' differences, the fake's origin and the host its
/// site ids name.
pub(crate) struct Rewrite<'a> {
    /// The tables the fake answers with, Graph's differences among them.
    pub(crate) api: &'a Api,
    /// `http://127.0.0.1:{port}`.
    pub(crate) origin: &'a str,
    /// The hostname of Graph's composite site ids (`contoso.sharepoint.com`).
    pub(crate) site_host: &'a str,
}

impl Rewrite<'_> {
    /// A JSON answer in Graph's shape: renamed fields, identity sets, omitted fields, Graph URLs.
    pub(crate) fn json(&self, value: &mut Value) {
        match value {
            Value::Object(object) => {
                let taken = std::mem::take(object);
                for (key, mut value) in taken {
                    let edge = &self.api.graph;
                    if edge.omitted.contains(&key.as_str()) {
                        continue;
                    }
                    if self.is_identity_set(&key)
                        && let Value::String(name) = &value
                    {
                        value = json!({ "user": { "displayName": name } });
                    }
                    self.json(&mut value);
                    let key = edge
                        .renamed
                        .iter()
                        .find(|(onenote, _)| *onenote == key)
                        .map_or(key, |(_, graph)| (*graph).to_owned());
                    object.insert(key, value);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.json(item)),
            Value::String(text) => {
                if let Some(url) = self.url(text) {
                    *text = url;
                }
            }
            _ => {}
        }
    }

    /// Whether Graph writes field `key` as an `identitySet` where onenote.com writes a name.
    fn is_identity_set(&self, key: &str) -> bool {
        self.api.graph.retyped.iter().any(|(field, shape)| {
            *field == key
                && matches!(shape, Shape::Named(index)
                    if self.api.types.get(index.0).is_some_and(|ty| ty.name == "GraphIdentitySet"))
        })
    }

    /// An onenote.com URL of the fake (`{origin}/api/v1.0/myOrganization/groups/g/notes/…`,
    /// or an OData context) as the Graph root writes it (`{origin}/v1.0/groups/g/onenote/…`).
    pub(crate) fn url(&self, text: &str) -> Option<String> {
        let rest = text.strip_prefix(self.origin)?.strip_prefix("/api/")?;
        let mut rest = rest.replacen("myOrganization/groups", "groups", 1);
        if let Some(start) = rest.find("myOrganization/siteCollections") {
            rest = self.site(&rest, start);
        }
        let rest = match rest.find("/notes") {
            Some(at)
                if rest[at + "/notes".len()..].is_empty()
                    || rest[at + "/notes".len()..].starts_with('/') =>
            {
                format!("{}/onenote{}", &rest[..at], &rest[at + "/notes".len()..])
            }
            _ => rest,
        };
        Some(format!("{}/{rest}", self.origin))
    }

    /// `myOrganization/siteCollections/{c}/sites/{s}` (or the context form
    /// `myOrganization/siteCollections('c')/sites('s')`) at `start` as Graph's composite site.
    fn site(&self, text: &str, start: usize) -> String {
        let after = &text[start + "myOrganization/siteCollections".len()..];
        let (collection, after) = if let Some(quoted) = after.strip_prefix("('") {
            match quoted.split_once("')/sites('") {
                Some((collection, after)) => match after.split_once("')") {
                    Some((site, after)) => {
                        let id = format!("{},{collection},{site}", self.site_host);
                        return format!("{}sites('{id}'){after}", &text[..start]);
                    }
                    None => return text.to_owned(),
                },
                None => return text.to_owned(),
            }
        } else if let Some(path) = after.strip_prefix('/') {
            match path.split_once("/sites/") {
                Some(pair) => pair,
                None => return text.to_owned(),
            }
        } else {
            return text.to_owned();
        };
        let (site, after) = after.split_once('/').map_or((after, ""), |(s, a)| (s, a));
        let slash = if after.is_empty() { "" } else { "/" };
        format!(
            "{}sites/{}%2C{collection}%2C{site}{slash}{after}",
            &text[..start],
            self.site_host
        )
    }
}

/// Graph's error body: the OneNote code and message, and `innerError` with the request's ids
/// and its time without an offset (as Graph writes it).
pub(crate) fn error_body(
    onenote: &Value,
    request_id: &str,
    client_request_id: &str,
    date: &str,
) -> Value {
    let error = onenote.get("error");
    let field = |name: &str| {
        error
            .and_then(|e| e.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    json!({
        "error": {
            "code": field("code"),
            "message": field("message"),
            "innerError": {
                "date": date,
                "request-id": request_id,
                "client-request-id": client_request_id,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REWRITE: Rewrite<'static> = Rewrite {
        api: &API,
        origin: "http://127.0.0.1:9",
        site_host: "contoso.sharepoint.com",
    };

    #[test]
    fn onenote_urls_become_graph_urls() {
        let url = |text: &str| REWRITE.url(text);
        assert_eq!(
            url("http://127.0.0.1:9/api/v1.0/me/notes/notebooks/1-a").as_deref(),
            Some("http://127.0.0.1:9/v1.0/me/onenote/notebooks/1-a")
        );
        assert_eq!(
            url("http://127.0.0.1:9/api/v1.0/myOrganization/groups/g1/notes/operations/copy-1")
                .as_deref(),
            Some("http://127.0.0.1:9/v1.0/groups/g1/onenote/operations/copy-1")
        );
        assert_eq!(
            url("http://127.0.0.1:9/api/v1.0/myOrganization/siteCollections/c1/sites/s1/notes/sections")
                .as_deref(),
            Some("http://127.0.0.1:9/v1.0/sites/contoso.sharepoint.com%2Cc1%2Cs1/onenote/sections")
        );
        assert_eq!(
            url("http://127.0.0.1:9/api/v1.0/$metadata#myOrganization/siteCollections('c1')/sites('s1')/notes/notebooks")
                .as_deref(),
            Some("http://127.0.0.1:9/v1.0/$metadata#sites('contoso.sharepoint.com,c1,s1')/onenote/notebooks")
        );
        assert_eq!(url("https://elsewhere.example/api/v1.0/me/notes"), None);
    }

    #[test]
    fn graph_names_go_in_and_come_out() {
        let body = request_body(
            &API.graph,
            br##"{"@odata.type":"#microsoft.graph.onenoteSection","displayName":"S1"}"##,
        );
        assert_eq!(body.as_deref(), Some(br#"{"name":"S1"}"#.as_slice()));
        assert_eq!(
            request_query(
                &API.graph,
                "$orderby=displayName desc&$select=id,displayName,createdDateTime"
            ),
            "$orderby=name%20desc&$select=id%2Cname%2CcreatedTime"
        );
        // Encoded as clients send it, and Graph-only properties left out.
        assert_eq!(
            request_query(
                &API.graph,
                "%24orderby=createdDateTime%2CdisplayName+asc&%24select=userTags&%24top=5"
            ),
            "%24orderby=createdTime%2Cname%20asc&%24select=id&%24top=5"
        );
        assert_eq!(
            request_query(&API.graph, "$orderby=userTags&$top=1"),
            "$top=1"
        );
        assert_eq!(
            request_body(&API.graph, br#"{"id":"1-a","notebookFolder":"Archive"}"#).as_deref(),
            Some(br#"{"id":"1-a"}"#.as_slice())
        );
        let mut answer = json!({"value": [{"name": "N", "createdBy": "Ada", "createdTime": "t", "@api.diagnostics": {}}]});
        REWRITE.json(&mut answer);
        assert_eq!(
            answer,
            json!({"value": [{"displayName": "N", "createdBy": {"user": {"displayName": "Ada"}}, "createdDateTime": "t"}]})
        );
    }

    #[test]
    fn graph_locations_route_and_sites_need_the_composite_id() {
        assert!(is_graph_path("/v1.0/me/onenote/notebooks"));
        assert!(is_graph_path("/beta/sites/h,c,s/onenote/pages"));
        assert!(!is_graph_path("/v1.0/sites/just-one-id/onenote/pages"));
        assert!(!is_graph_path("/v1.0/me/notes/notebooks"));
        assert!(!is_graph_path("/api/v1.0/me/onenote/notebooks"));
    }
}
