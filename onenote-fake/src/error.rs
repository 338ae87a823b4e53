//! The service's errors: an HTTP status, a OneNote error code and a message, sent as
//! `{"error":{"code","message","@api.url","isRetriable"}}`, with `@api.diagnostics` beside
//! `error` for the calls whose documents say so.

use serde_json::{Value, json};

/// One failed request, as the service reports it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    /// A real OneNote error code (`20102`, `20166`, …).
    pub(crate) code: &'static str,
    pub(crate) message: String,
    /// The service's own word on whether repeating the request can help.
    pub(crate) retriable: bool,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retriable: false,
        }
    }

    pub(crate) fn retriable(mut self) -> Self {
        self.retriable = true;
        self
    }

    /// 400 with code 10017: a request the service understood but cannot carry out as asked.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "10017", message)
    }

    /// 400 with code 20126: a body that is not JSON, or JSON of the wrong shape.
    pub(crate) fn invalid_body(message: impl Into<String>) -> Self {
        Self::new(400, "20126", message)
    }

    /// 400 with code 30114: a required field or parameter is missing.
    pub(crate) fn missing(message: impl Into<String>) -> Self {
        Self::new(400, "30114", message)
    }

    /// 404 with code 20102: the resource does not exist (or the caller cannot see it).
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "20102", message)
    }

    /// 403 with code 40003: the caller may not read or manage this resource.
    pub(crate) fn access_denied(message: impl Into<String>) -> Self {
        Self::new(403, "40003", message)
    }

    /// 403 with code 40002: the caller may not write here.
    pub(crate) fn write_denied(message: impl Into<String>) -> Self {
        Self::new(403, "40002", message)
    }

    /// 404 with code 30109: some users in the request do not exist in the tenant (what a
    /// well-formed request names does not exist).
    pub(crate) fn users_not_found(upns: &[String]) -> Self {
        Self::new(
            404,
            "30109",
            format!(
                "Some users in the request don't exist in the tenant: {}.",
                upns.join(", ")
            ),
        )
    }

    /// 409 with code 20117: an item with this name already exists in this location.
    pub(crate) fn name_exists(name: &str) -> Self {
        Self::new(
            409,
            "20117",
            format!("An item named '{name}' already exists in this location."),
        )
    }

    /// 401 with code 40001: no usable bearer token.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, "40001", message)
    }

    /// The error for a status the fault injector forces.
    pub(crate) fn injected(status: u16) -> Self {
        let (code, message) = match status {
            429 => (
                "20166",
                "Too many requests from this user in a short time (fault injected by onenote-fake).",
            ),
            503 => (
                "10002",
                "The service is not currently available (fault injected by onenote-fake).",
            ),
            502 | 504 => (
                "10007",
                "The server is too busy to handle the request (fault injected by onenote-fake).",
            ),
            500..=599 => (
                "10001",
                "An unexpected error occurred (fault injected by onenote-fake).",
            ),
            _ => (
                "19999",
                "An undetermined error occurred (fault injected by onenote-fake).",
            ),
        };
        let error = Self::new(status, code, message);
        if status == 429 || status >= 500 {
            error.retriable()
        } else {
            error
        }
    }

    /// The link the service sends with every error: the code's entry in Microsoft's list.
    pub(crate) fn api_url(&self) -> String {
        format!(
            "https://learn.microsoft.com/graph/onenote-error-codes#{}",
            self.code
        )
    }

    /// The `error` object alone (also the `error` of a failed operation).
    pub(crate) fn error_object(&self) -> Value {
        json!({
            "code": self.code,
            "message": self.message,
            "@api.url": self.api_url(),
            "isRetriable": self.retriable,
        })
    }

    /// The response body.
    pub(crate) fn body(&self) -> Value {
        json!({ "error": self.error_object() })
    }

    /// The `@api.diagnostics` of a failed operation: the same message, as the service lists it.
    pub(crate) fn diagnostics(&self) -> Value {
        diagnostics_of(&self.error_object())
    }
}

/// The calls whose failures 001 says carry `@api.diagnostics` ("Wenn die Anforderung nicht
/// erfüllt wird, gibt die API Fehler im @api.diagnostics-Objekt im Antworttext zurück"):
/// create, get and list, add and remove students and teachers, `DistributePageToStudent`, the
/// page lock (set, and get with `blockEditsInClientStartDate=true`), `UpdateMembership` and
/// `RepairNotebook`. The others' documents say only "errors in the response body" (update,
/// delete, copy to the content library, permissions): they get `error` alone.
const DIAGNOSED: &[&str] = &[
    "createClassNotebook",
    "listClassNotebooks",
    "getClassNotebook",
    "addStudent",
    "addTeacher",
    "removeStudent",
    "removeTeacher",
    "distributePageToStudent",
    "updatePageLock",
    "getPage",
    "updateMembership",
    "repairNotebook",
];

/// Puts `@api.diagnostics` beside `error` in an error body of a call 001 says has it (other
/// bodies are left as they are).
pub(crate) fn add_diagnostics(operation: Option<&str>, body: &mut Value) {
    if !operation.is_some_and(|op| DIAGNOSED.contains(&op)) {
        return;
    }
    let Some(error) = body.get("error").filter(|e| e.is_object()) else {
        return;
    };
    let diagnostics = diagnostics_of(error);
    if let Some(body) = body.as_object_mut() {
        body.insert("@api.diagnostics".to_owned(), diagnostics);
    }
}

/// The diagnostics for an `error` object: one entry with its code, message and link.
fn diagnostics_of(error: &Value) -> Value {
    json!([{ "code": error["code"], "message": error["message"], "url": error["@api.url"] }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_has_the_services_shape() {
        let error = ApiError::not_found("No class notebook with id '1-x'.");
        assert_eq!(
            error.body(),
            json!({ "error": {
                "code": "20102",
                "message": "No class notebook with id '1-x'.",
                "@api.url": "https://learn.microsoft.com/graph/onenote-error-codes#20102",
                "isRetriable": false
            }})
        );
    }

    #[test]
    fn diagnostics_go_beside_error_only_for_the_calls_001_names() {
        let error = ApiError::not_found("No class notebook with id '1-x'.");
        let mut body = error.body();
        add_diagnostics(Some("getClassNotebook"), &mut body);
        assert_eq!(body["@api.diagnostics"], error.diagnostics());
        assert_eq!(body["@api.diagnostics"][0]["code"], "20102");
        for other in [Some("deletePermission"), Some("updateClassNotebook"), None] {
            let mut body = error.body();
            add_diagnostics(other, &mut body);
            assert_eq!(body, error.body(), "{other:?}");
        }
        let mut success = json!({ "id": "1-x" });
        add_diagnostics(Some("getClassNotebook"), &mut success);
        assert_eq!(success, json!({ "id": "1-x" }));
    }

    #[test]
    fn injected_server_errors_are_retriable_with_the_matching_code() {
        assert_eq!(ApiError::injected(503).code, "10002");
        assert!(ApiError::injected(503).retriable);
        assert_eq!(ApiError::injected(500).code, "10001");
        assert_eq!(ApiError::injected(429).code, "20166");
        assert!(!ApiError::injected(400).retriable);
    }
}
