//! The Microsoft identity platform's device code flow, as the fake serves it beside the API:
//! `POST /{tenant}/oauth2/v2.0/devicecode` and `POST /{tenant}/oauth2/v2.0/token` (the
//! `device_code` and `refresh_token` grants), with the documented shapes, so a sign-in can be
//! tested end to end offline. A code is approved, declined, expired or slowed down by the test
//! ([`FakeOneNote::approve_sign_in`] …) or approved automatically after a number of polls
//! ([`SignInSettings::approve_after()`]). The access tokens it issues expire after
//! [`SignInSettings::token_lifetime()`] on the fake's clock; `fake:{upn}` tokens never do.
//!
//! Each access token is for one audience, the resource its request's `scope` names
//! ([`Audience::of_scope`]: `https://onenote.com/…` OneNote, `https://graph.microsoft.com/…`
//! or a bare permission Microsoft Graph; only OpenID Connect scopes, Graph). Scopes of two
//! resources in one request are refused, as the v2.0 endpoint refuses them (`AADSTS28000`;
//! the `invalid_scope` code is the fake's choice), and so are another resource's
//! (`AADSTS500011`). A refresh token is redeemed for any audience (the `scope` of the refresh
//! request; without one, the audience it was issued with), as Microsoft's are. The API's
//! routes refuse a token of another audience with `401` ([`wrong_audience`]); `fake:{upn}`
//! tokens are good for every audience.
//!
//! Shapes, from Microsoft's "OAuth 2.0 device authorization grant flow" page: the device code
//! answer has `device_code`, `user_code`, `verification_uri`, `expires_in`, `interval` and
//! `message`; a poll before approval answers 400 `authorization_pending`; a declined code
//! `authorization_declined` (RFC 8628's `access_denied` in Microsoft's words); an expired one
//! `expired_token`; success a `Bearer` token with `expires_in`, `scope` and `refresh_token`
//! (with `offline_access`). Errors carry `error_description` (`AADSTS…`), `error_codes`,
//! `timestamp`, `trace_id` and `correlation_id`. `slow_down` is RFC 8628's; Microsoft's page
//! does not list it, and the fake sends it only when a test asks.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Response, StatusCode};
use http_body_util::Full;
use onenote_api::Audience;

use crate::server::Shared;
use crate::{Error, FakeOneNote, FakeOneNoteBuilder};

/// How the fake's identity platform behaves.
#[derive(Clone, Debug)]
pub struct SignInSettings {
    /// Approve every code as this user after this many polls (`None`: only a test approves).
    pub approve_after: Option<(u32, String)>,
    /// The `interval` answered, in seconds (default 1; 0 makes tests fast).
    pub interval: u64,
    /// The `expires_in` of a code, in seconds (default 900, as Microsoft's).
    pub code_lifetime: u64,
    /// The lifetime of an issued access token (default one hour).
    pub token_lifetime: Duration,
    /// Audiences the user has not consented to: a refresh token is not redeemed for them
    /// (`invalid_grant`, `AADSTS65001`). Default none.
    pub without_consent: Vec<Audience>,
}

impl Default for SignInSettings {
    fn default() -> Self {
        Self {
            approve_after: None,
            interval: 1,
            code_lifetime: 900,
            token_lifetime: Duration::from_secs(3600),
            without_consent: Vec::new(),
        }
    }
}

impl SignInSettings {
    /// Approve every code as `upn` after `polls` polls.
    pub fn approve_after(mut self, polls: u32, upn: impl Into<String>) -> Self {
        self.approve_after = Some((polls, upn.into()));
        self
    }

    /// The polling interval answered, in seconds.
    pub fn interval(mut self, seconds: u64) -> Self {
        self.interval = seconds;
        self
    }

    /// How long issued access tokens live.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The user has not consented to `audience`'s permissions: redeeming a refresh token for
    /// it is refused as Microsoft refuses it (`invalid_grant`, `AADSTS65001`), so a sign-in
    /// gets a token for the audience its device code asked for only.
    pub fn without_consent(mut self, audience: Audience) -> Self {
        self.without_consent.push(audience);
        self
    }
}

/// One request the identity platform received, for assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInEvent {
    /// `devicecode`, or the token grant (`device_code`, `refresh_token`).
    pub request: String,
    /// What it answered: `ok`, or the OAuth error code.
    pub answer: String,
    /// The audience of the token the request was answered for (a device code: the token
    /// its approval gives); `None` for a refused request.
    pub audience: Option<Audience>,
    /// When, on the fake's clock.
    pub at: Instant,
}

#[derive(Debug)]
enum CodeState {
    Pending,
    Approved(String),
    Declined,
    Expired,
    Redeemed,
}

#[derive(Debug)]
struct DeviceCode {
    device_code: String,
    user_code: String,
    /// What the code asked for: the token issued on approval is for this.
    scope: String,
    audience: Audience,
    state: CodeState,
    polls: u32,
    slow_down: bool,
    expires: Instant,
}

#[derive(Debug)]
struct Issued {
    upn: String,
    audience: Audience,
    expires: Instant,
}

/// A refresh token not yet redeemed: whose, and the audience it was issued with.
#[derive(Debug)]
struct Refresh {
    upn: String,
    audience: Audience,
}

#[derive(Debug, Default)]
struct Records {
    codes: Vec<DeviceCode>,
    access: HashMap<String, Issued>,
    refresh: HashMap<String, Refresh>,
    events: Vec<SignInEvent>,
    next: u64,
}

/// The identity platform's state (its own lock: sign-in never waits for the API's).
#[derive(Debug)]
pub(crate) struct Identity {
    settings: SignInSettings,
    records: Mutex<Records>,
}

impl Identity {
    pub(crate) fn new(settings: SignInSettings) -> Self {
        Self {
            settings,
            records: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Records> {
        self.records.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The user an issued access token belongs to and its audience, while it has not
    /// expired.
    pub(crate) fn holder_of(&self, token: &str, now: Instant) -> Option<(String, Audience)> {
        let records = self.lock();
        let issued = records.access.get(token)?;
        (now < issued.expires).then(|| (issued.upn.clone(), issued.audience))
    }
}

/// Why a token of `token` (`None`: a `fake:{upn}` token, good for every audience) is refused by
/// a route of `served`: the message of its 401 (code 40001, "no valid OAuth token", the code
/// OneNote's list gives and Microsoft Graph sends for a token it cannot use).
pub(crate) fn wrong_audience(token: Option<Audience>, served: Audience) -> Option<String> {
    let token = token.filter(|audience| *audience != served)?;
    Some(format!(
        "The request does not contain a valid authentication token. Detailed error \
         information: the token was issued for {token} ({}…), and this service takes tokens for \
         {served}: ask for its scopes (e.g. {}).",
        token.scope_prefix(),
        served.scope("Notes.ReadWrite.All")
    ))
}

type Answer = Response<Full<Bytes>>;

/// The answer to an identity-platform request (`/{tenant}/oauth2/v2.0/devicecode` or
/// `/token`); `None` for any other path, which the API serves.
pub(crate) fn answer(shared: &Shared, method: &str, path: &str, body: &[u8]) -> Option<Answer> {
    let mut segments = path.trim_start_matches('/').split('/');
    let (Some(_tenant), Some("oauth2"), Some("v2.0"), Some(endpoint), None) = (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) else {
        return None;
    };
    if endpoint != "devicecode" && endpoint != "token" {
        return None;
    }
    if method != "POST" {
        return Some(oauth_error(
            shared,
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            "AADSTS900561: The endpoint only accepts POST requests.",
        ));
    }
    let form = Form::parse(body);
    let identity = &shared.identity;
    let now = shared.time.instant();
    let Some(_client) = form.get("client_id").filter(|c| !c.is_empty()) else {
        return Some(oauth_error(
            shared,
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        ));
    };
    let (grant, result) = if endpoint == "devicecode" {
        (
            "devicecode".to_owned(),
            identity.device_code(shared, &form, now),
        )
    } else {
        let grant = form.get("grant_type").unwrap_or_default();
        let short = grant.rsplit(':').next().unwrap_or_default().to_owned();
        let result = match grant {
            "urn:ietf:params:oauth:grant-type:device_code" => identity.poll(&form, now),
            "refresh_token" => identity.refresh(&form, now),
            _ => Err((
                "unsupported_grant_type",
                "AADSTS70003: The app requested an unsupported grant type.".to_owned(),
            )),
        };
        (short, result)
    };
    let (outcome, audience) = match &result {
        Ok((_, audience)) => ("ok".to_owned(), Some(*audience)),
        Err((code, _)) => ((*code).to_owned(), None),
    };
    identity.lock().events.push(SignInEvent {
        request: grant,
        answer: outcome,
        audience,
        at: now,
    });
    Some(match result {
        Ok((json, _)) => json_answer(StatusCode::OK, &json),
        Err((code, description)) => {
            oauth_error(shared, StatusCode::BAD_REQUEST, code, &description)
        }
    })
}

/// An answer and the audience of the token it is about, or the OAuth error code and its
/// description.
type Grant = Result<(serde_json::Value, Audience), (&'static str, String)>;

/// The audience of a token asked for with these scopes (space-separated): see the module docs.
fn audience_of(scope: &str) -> Result<Audience, (&'static str, String)> {
    let mut named: Option<Audience> = None;
    for one in scope.split(' ').filter(|s| !s.is_empty()) {
        let audience = match Audience::of_scope(one) {
            Some(audience) => audience,
            None if one.contains("://") => {
                return Err((
                    "invalid_resource",
                    format!(
                        "AADSTS500011: The resource principal named {one} was not found in the \
                         tenant."
                    ),
                ));
            }
            // OpenID Connect scopes name no resource.
            None => continue,
        };
        if named.is_some_and(|first| first != audience) {
            return Err((
                "invalid_scope",
                format!(
                    "AADSTS28000: Provided value for the input parameter scope is not valid \
                     because it contains more than one resource. Scope {scope} is not valid."
                ),
            ));
        }
        named = Some(audience);
    }
    Ok(named.unwrap_or(Audience::Graph))
}

impl Identity {
    fn device_code(&self, shared: &Shared, form: &Form, now: Instant) -> Grant {
        let scope = form.get("scope").unwrap_or_default();
        if scope.is_empty() {
            return Err((
                "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'scope'."
                    .to_owned(),
            ));
        }
        let audience = audience_of(scope)?;
        let mut records = self.lock();
        records.next += 1;
        let n = records.next;
        let user_code = format!("FAKE{n:04}");
        let device_code = format!("fake-device-code-{n}");
        let lifetime = Duration::from_secs(self.settings.code_lifetime);
        records.codes.push(DeviceCode {
            device_code: device_code.clone(),
            user_code: user_code.clone(),
            scope: scope.to_owned(),
            audience,
            state: CodeState::Pending,
            polls: 0,
            slow_down: false,
            expires: now + lifetime,
        });
        let verification_uri = format!("{}/devicelogin", shared.settings.origin);
        let answer = serde_json::json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": self.settings.code_lifetime,
            "interval": self.settings.interval,
            "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
        });
        Ok((answer, audience))
    }

    fn poll(&self, form: &Form, now: Instant) -> Grant {
        let mut records = self.lock();
        let device_code = form.get("device_code").unwrap_or_default();
        let Some(code) = records
            .codes
            .iter_mut()
            .find(|c| c.device_code == device_code)
        else {
            return Err((
                "bad_verification_code",
                "AADSTS70019: The device code is not known.".to_owned(),
            ));
        };
        code.polls += 1;
        if now >= code.expires && matches!(code.state, CodeState::Pending) {
            code.state = CodeState::Expired;
        }
        if let (CodeState::Pending, Some((after, upn))) =
            (&code.state, &self.settings.approve_after)
            && code.polls > *after
        {
            code.state = CodeState::Approved(upn.clone());
        }
        if std::mem::take(&mut code.slow_down) {
            return Err((
                "slow_down",
                "The client is polling too fast: wait 5 seconds longer between polls.".to_owned(),
            ));
        }
        let upn = match &code.state {
            CodeState::Pending => return Err(("authorization_pending", "AADSTS70016: The provided request has not yet been authorized by the user. The user must input their code.".to_owned())),
            CodeState::Declined => return Err(("authorization_declined", "AADSTS70000: The end user denied the authorization request.".to_owned())),
            CodeState::Expired | CodeState::Redeemed => return Err(("expired_token", "AADSTS70019: Verification code expired.".to_owned())),
            CodeState::Approved(upn) => upn.clone(),
        };
        code.state = CodeState::Redeemed;
        let (scope, audience) = (code.scope.clone(), code.audience);
        Ok(self.issue(&mut records, &upn, audience, &scope, now))
    }

    /// Redeems a refresh token for the audience the request's `scope` names (without one, the
    /// audience it was issued with).
    fn refresh(&self, form: &Form, now: Instant) -> Grant {
        let asked = form.get("scope").filter(|scope| !scope.is_empty());
        let audience = asked.map(audience_of).transpose()?;
        let mut records = self.lock();
        let token = form.get("refresh_token").unwrap_or_default();
        let Some(refresh) = records.refresh.remove(token) else {
            return Err(("invalid_grant", "AADSTS70000: The refresh token is not valid (unknown, revoked or already redeemed).".to_owned()));
        };
        let audience = audience.unwrap_or(refresh.audience);
        if self.settings.without_consent.contains(&audience) {
            // Refused before redeeming: the refresh token stays good for other audiences.
            records.refresh.insert(token.to_owned(), refresh);
            return Err((
                "invalid_grant",
                format!(
                    "AADSTS65001: The user or administrator has not consented to use the \
                     application with ID '{}'. Send an interactive authorization request for this \
                     user and resource.",
                    form.get("client_id").unwrap_or_default()
                ),
            ));
        }
        let scope = asked.unwrap_or_default();
        Ok(self.issue(&mut records, &refresh.upn, audience, scope, now))
    }

    /// A new access token for `audience` and a new refresh token for `upn` (the old refresh
    /// token was redeemed).
    fn issue(
        &self,
        records: &mut Records,
        upn: &str,
        audience: Audience,
        scope: &str,
        now: Instant,
    ) -> (serde_json::Value, Audience) {
        records.next += 1;
        let n = records.next;
        let access = format!("fake-at-{n}.{}.{upn}", audience.as_str());
        let refresh = format!("fake-rt-{n}.{upn}");
        records.access.insert(
            access.clone(),
            Issued {
                upn: upn.to_owned(),
                audience,
                expires: now + self.settings.token_lifetime,
            },
        );
        records.refresh.insert(
            refresh.clone(),
            Refresh {
                upn: upn.to_owned(),
                audience,
            },
        );
        let answer = serde_json::json!({
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": self.settings.token_lifetime.as_secs(),
            "ext_expires_in": self.settings.token_lifetime.as_secs(),
            "access_token": access,
            "refresh_token": refresh,
        });
        (answer, audience)
    }
}

fn json_answer(status: StatusCode, value: &serde_json::Value) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}

fn oauth_error(shared: &Shared, status: StatusCode, code: &str, description: &str) -> Answer {
    let trace = shared.lock().ids.guid();
    let error_code: u64 = description
        .strip_prefix("AADSTS")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let timestamp = shared.time.timestamp().to_string();
    json_answer(
        status,
        &serde_json::json!({
            "error": code,
            "error_description": format!("{description}\r\nTrace ID: {trace}\r\nCorrelation ID: {trace}\r\nTimestamp: {timestamp}"),
            "error_codes": [error_code],
            "timestamp": timestamp,
            "trace_id": trace,
            "correlation_id": trace,
        }),
    )
}

/// An `application/x-www-form-urlencoded` body.
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Form {
        let text = String::from_utf8_lossy(body);
        Form(
            text.split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(name), decode(value))
                })
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn decode(text: &str) -> String {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

impl FakeOneNoteBuilder {
    /// How the fake's identity platform behaves (default: only tests approve codes, a poll
    /// interval of 1 s, tokens that live an hour).
    pub fn sign_in(mut self, settings: SignInSettings) -> Self {
        self.sign_in = settings;
        self
    }
}

impl FakeOneNote {
    /// The identity platform's origin, the authority to sign in at
    /// (`http://127.0.0.1:{port}`, in place of `https://login.microsoftonline.com`).
    pub fn authority(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The user codes not yet approved, declined, expired or redeemed, oldest first.
    pub fn pending_sign_ins(&self) -> Vec<String> {
        self.shared
            .identity
            .lock()
            .codes
            .iter()
            .filter(|c| matches!(c.state, CodeState::Pending))
            .map(|c| c.user_code.clone())
            .collect()
    }

    /// Every request the identity platform received, oldest first.
    pub fn sign_in_events(&self) -> Vec<SignInEvent> {
        self.shared.identity.lock().events.clone()
    }

    /// The user enters `user_code` and signs in as `upn`: the next poll gets tokens.
    pub fn approve_sign_in(&self, user_code: &str, upn: &str) -> Result<(), Error> {
        if self.shared.with_state(|ctx| ctx.state.user(upn).is_none()) {
            return Err(Error::NotFound(format!(
                "{upn:?} is not a user of the tenant"
            )));
        }
        self.set_code(user_code, |code| {
            code.state = CodeState::Approved(upn.to_owned())
        })
    }

    /// The user declines: the next poll gets `authorization_declined`.
    pub fn decline_sign_in(&self, user_code: &str) -> Result<(), Error> {
        self.set_code(user_code, |code| code.state = CodeState::Declined)
    }

    /// The code expires now: the next poll gets `expired_token`.
    pub fn expire_sign_in(&self, user_code: &str) -> Result<(), Error> {
        self.set_code(user_code, |code| code.state = CodeState::Expired)
    }

    /// The next poll of `user_code` gets `slow_down`.
    pub fn slow_down_sign_in(&self, user_code: &str) -> Result<(), Error> {
        self.set_code(user_code, |code| code.slow_down = true)
    }

    fn set_code(&self, user_code: &str, change: impl FnOnce(&mut DeviceCode)) -> Result<(), Error> {
        let mut records = self.shared.identity.lock();
        let code = records
            .codes
            .iter_mut()
            .find(|c| c.user_code == user_code)
            .ok_or_else(|| Error::NotFound(format!("no sign-in code {user_code:?}")))?;
        change(code);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_refuses_a_token_of_another_audience_and_takes_fake_tokens() {
        for served in Audience::ALL {
            // `fake:{upn}` tokens carry no audience: every route takes them.
            assert_eq!(wrong_audience(None, *served), None);
            assert_eq!(wrong_audience(Some(*served), *served), None);
        }
        let graph_route = wrong_audience(Some(Audience::OneNote), Audience::Graph).unwrap();
        assert!(
            graph_route.ends_with(
                "the token was issued for OneNote (https://onenote.com/…), and this service \
                 takes tokens for Microsoft Graph: ask for its scopes (e.g. \
                 https://graph.microsoft.com/Notes.ReadWrite.All)."
            ),
            "{graph_route}"
        );
    }

    #[test]
    fn scopes_name_one_audience_and_openid_scopes_alone_mean_graph() {
        assert_eq!(
            audience_of("https://onenote.com/Notes.Read offline_access openid"),
            Ok(Audience::OneNote)
        );
        assert_eq!(audience_of("offline_access openid"), Ok(Audience::Graph));
        assert_eq!(audience_of("Notes.Read  User.Read"), Ok(Audience::Graph));
        assert_eq!(
            audience_of("https://graph.microsoft.com/Notes.Read https://onenote.com/Notes.Read")
                .unwrap_err()
                .0,
            "invalid_scope"
        );
    }

    #[test]
    fn a_form_body_is_decoded_by_name() {
        let form = Form::parse(
            b"client_id=app&scope=https%3A%2F%2Fonenote.com%2FNotes.Read+offline_access&grant_type=",
        );
        assert_eq!(form.get("client_id"), Some("app"));
        assert_eq!(
            form.get("scope"),
            Some("https://onenote.com/Notes.Read offline_access")
        );
        assert_eq!(form.get("grant_type"), Some(""));
        assert_eq!(form.get("device_code"), None);
    }
}
