//! The Microsoft identity platform's device code flow, as the fake serves it beside the API:
//! `POST /{tenant}/oauth2/v2.0/devicecode` and `POST /{tenant}/oauth2/v2.0/token` (the
//! `device_code` and `refresh_token` grants), with the documented shapes, so a sign-in can be
//! tested end to end offline. A code is approved, declined, expired or slowed down by the test
//! ([`FakeOneNote::approve_sign_in`] …) or approved automatically after a number of polls
//! ([`SignInSettings::approve_after()`]). The access tokens it issues expire after
//! [`SignInSettings::token_lifetime()`] on the fake's clock; `fake:{upn}` tokens never do.
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
}

impl Default for SignInSettings {
    fn default() -> Self {
        Self {
            approve_after: None,
            interval: 1,
            code_lifetime: 900,
            token_lifetime: Duration::from_secs(3600),
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
}

/// One request the identity platform received, for assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInEvent {
    /// `devicecode`, or the token grant (`device_code`, `refresh_token`).
    pub request: String,
    /// What it answered: `ok`, or the OAuth error code.
    pub answer: String,
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
    state: CodeState,
    polls: u32,
    slow_down: bool,
    expires: Instant,
}

#[derive(Debug)]
struct Issued {
    upn: String,
    expires: Instant,
}

#[derive(Debug, Default)]
struct Records {
    codes: Vec<DeviceCode>,
    access: HashMap<String, Issued>,
    refresh: HashMap<String, String>,
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

    /// The user an issued access token belongs to, while it has not expired.
    pub(crate) fn user_of(&self, token: &str, now: Instant) -> Option<String> {
        let records = self.lock();
        let issued = records.access.get(token)?;
        (now < issued.expires).then(|| issued.upn.clone())
    }
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
    let outcome = match &result {
        Ok(_) => "ok".to_owned(),
        Err((code, _)) => (*code).to_owned(),
    };
    identity.lock().events.push(SignInEvent {
        request: grant,
        answer: outcome,
        at: now,
    });
    Some(match result {
        Ok(json) => json_answer(StatusCode::OK, &json),
        Err((code, description)) => {
            oauth_error(shared, StatusCode::BAD_REQUEST, code, &description)
        }
    })
}

type Grant = Result<serde_json::Value, (&'static str, String)>;

impl Identity {
    fn device_code(&self, shared: &Shared, form: &Form, now: Instant) -> Grant {
        if form.get("scope").is_none_or(str::is_empty) {
            return Err((
                "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'scope'."
                    .to_owned(),
            ));
        }
        let mut records = self.lock();
        records.next += 1;
        let n = records.next;
        let user_code = format!("FAKE{n:04}");
        let device_code = format!("fake-device-code-{n}");
        let lifetime = Duration::from_secs(self.settings.code_lifetime);
        records.codes.push(DeviceCode {
            device_code: device_code.clone(),
            user_code: user_code.clone(),
            state: CodeState::Pending,
            polls: 0,
            slow_down: false,
            expires: now + lifetime,
        });
        let verification_uri = format!("{}/devicelogin", shared.settings.origin);
        Ok(serde_json::json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": self.settings.code_lifetime,
            "interval": self.settings.interval,
            "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
        }))
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
        Ok(self.issue(&mut records, &upn, form, now))
    }

    fn refresh(&self, form: &Form, now: Instant) -> Grant {
        let mut records = self.lock();
        let token = form.get("refresh_token").unwrap_or_default();
        let Some(upn) = records.refresh.remove(token) else {
            return Err(("invalid_grant", "AADSTS70000: The refresh token is not valid (unknown, revoked or already redeemed).".to_owned()));
        };
        Ok(self.issue(&mut records, &upn, form, now))
    }

    /// A new access token and refresh token for `upn` (the old refresh token was redeemed).
    fn issue(
        &self,
        records: &mut Records,
        upn: &str,
        form: &Form,
        now: Instant,
    ) -> serde_json::Value {
        records.next += 1;
        let n = records.next;
        let access = format!("fake-at-{n}.{upn}");
        let refresh = format!("fake-rt-{n}.{upn}");
        records.access.insert(
            access.clone(),
            Issued {
                upn: upn.to_owned(),
                expires: now + self.settings.token_lifetime,
            },
        );
        records.refresh.insert(refresh.clone(), upn.to_owned());
        serde_json::json!({
            "token_type": "Bearer",
            "scope": form.get("scope").unwrap_or_default(),
            "expires_in": self.settings.token_lifetime.as_secs(),
            "ext_expires_in": self.settings.token_lifetime.as_secs(),
            "access_token": access,
            "refresh_token": refresh,
        })
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
