//! Faults on demand, reproducible from a seed: forced statuses, dropped connections, late
//! answers and added latency, before or after a request is processed.
//!
//! A fault plan is rules checked in order for every request. A rule matches by operation id
//! and user, fires with its `rate` (a percentage, drawn from the plan's seeded generator) at
//! most `times` times, and does one [`Fault`]. Latency adds up over every rule that fires; of
//! the other faults, the first that fires wins.
//!
//! In JSON (Dev Proxy style, `--faults faults.json` for the binary):
//!
//! ```json
//! {
//!   "seed": 42,
//!   "throttling": { "requestsPerMinute": 120 },
//!   "rules": [
//!     { "operations": ["createClassNotebook"], "rate": 25, "fault": { "status": 503 } },
//!     { "rate": 10, "fault": "dropConnection", "phase": "afterProcessing" },
//!     { "times": 1, "fault": { "lateResponseMs": 2000 }, "phase": "afterProcessing" },
//!     { "fault": { "latencyMs": 50 } }
//!   ]
//! }
//! ```

use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::rng::Rng;
use crate::tenant::ConfigError;
use crate::throttle::Throttling;

/// What a fault does.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Fault {
    /// Answers this status with the service's error body (`429` → 20166, `503` → 10002,
    /// `500` → 10001, `502`/`504` → 10007).
    Status(u16),
    /// Closes the connection without an answer.
    DropConnection,
    /// Answers only after this long, so a client with a shorter timeout gives up first.
    #[serde(rename = "lateResponseMs", deserialize_with = "millis")]
    LateResponse(Duration),
    /// Waits this long before handling the request (then handles it normally); after
    /// processing, waits this long before answering (so a client that gives up first loses the
    /// answer of a request that took effect).
    #[serde(rename = "latencyMs", deserialize_with = "millis")]
    Latency(Duration),
}

fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    u64::deserialize(deserializer).map(Duration::from_millis)
}

/// When a fault strikes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// Before the request is processed: the state is untouched.
    #[default]
    BeforeProcessing,
    /// After the request is processed: its effect stays, but the answer is lost or replaced.
    AfterProcessing,
}

/// One rule of a [`FaultPlan`].
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultRule {
    /// Operation ids it applies to (`createClassNotebook`); empty for every request, even
    /// those that match no route.
    #[serde(default)]
    pub operations: Vec<String>,
    /// UPNs it applies to; empty for every caller.
    #[serde(default)]
    pub users: Vec<String>,
    /// What it does.
    pub fault: Fault,
    /// When it strikes (default before processing).
    #[serde(default)]
    pub phase: Phase,
    /// The chance, in percent, that it fires for a matching request (default 100).
    #[serde(default = "always")]
    pub rate: f64,
    /// How many times it may fire; unlimited when absent.
    #[serde(default)]
    pub times: Option<u32>,
}

fn always() -> f64 {
    100.0
}

impl FaultRule {
    /// A rule that does `fault` to every request, before processing.
    pub fn new(fault: Fault) -> Self {
        Self {
            operations: Vec::new(),
            users: Vec::new(),
            fault,
            phase: Phase::BeforeProcessing,
            rate: 100.0,
            times: None,
        }
    }

    /// Limits it to one more operation id.
    pub fn operation(mut self, operation_id: impl Into<String>) -> Self {
        self.operations.push(operation_id.into());
        self
    }

    /// Limits it to one more user.
    pub fn user(mut self, upn: impl Into<String>) -> Self {
        self.users.push(upn.into());
        self
    }

    /// Strikes after processing instead.
    pub fn after_processing(mut self) -> Self {
        self.phase = Phase::AfterProcessing;
        self
    }

    /// Fires with this chance, in percent.
    pub fn rate(mut self, percent: f64) -> Self {
        self.rate = percent;
        self
    }

    /// Fires at most `n` times.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    fn matches(&self, operation: Option<&str>, user: Option<&str>) -> bool {
        let operation_ok = self.operations.is_empty()
            || operation.is_some_and(|op| self.operations.iter().any(|o| o == op));
        let user_ok = self.users.is_empty()
            || user.is_some_and(|u| self.users.iter().any(|x| x.eq_ignore_ascii_case(u)));
        operation_ok && user_ok && self.times != Some(0)
    }
}

/// Rules, the seed of their random draws, and throttling.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultPlan {
    /// Seeds the draws, so the same requests meet the same faults.
    #[serde(default)]
    pub seed: u64,
    /// Turns on throttling with these limits.
    #[serde(default)]
    pub throttling: Option<Throttling>,
    /// The rules, in order.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// Reads a fault file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<FaultPlan, ConfigError> {
        ConfigError::read_json(path.as_ref())
    }

    /// Parses a fault document (`source` names it in errors).
    pub fn from_json(source: &str, text: &str) -> Result<FaultPlan, ConfigError> {
        ConfigError::parse_json(source, text)
    }
}

/// What happens to one request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Before processing.
    pub(crate) latency: Duration,
    /// After processing, before the answer.
    pub(crate) latency_after: Duration,
    pub(crate) before: Option<Fault>,
    pub(crate) after: Option<Fault>,
}

/// The live rules and their generator.
#[derive(Debug)]
pub(crate) struct Injector {
    rules: Vec<FaultRule>,
    rng: Rng,
}

impl Injector {
    pub(crate) fn new(rules: Vec<FaultRule>, seed: u64) -> Self {
        Self {
            rules,
            rng: Rng::new(seed),
        }
    }

    pub(crate) fn push(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// Draws the faults for one request.
    pub(crate) fn decide(&mut self, operation: Option<&str>, user: Option<&str>) -> Decision {
        let mut decision = Decision::default();
        for rule in &mut self.rules {
            if !rule.matches(operation, user) {
                continue;
            }
            let slot = match (&rule.fault, rule.phase) {
                (Fault::Latency(_), _) => None,
                (_, Phase::BeforeProcessing) => Some(&mut decision.before),
                (_, Phase::AfterProcessing) => Some(&mut decision.after),
            };
            // A phase already has its fault: this rule is not drawn and keeps its `times`.
            if slot.as_ref().is_some_and(|taken| taken.is_some()) {
                continue;
            }
            if !self.rng.chance(rule.rate) {
                continue;
            }
            match (slot, &rule.fault) {
                (Some(slot), fault) => *slot = Some(fault.clone()),
                (None, Fault::Latency(by)) => {
                    let total = match rule.phase {
                        Phase::BeforeProcessing => &mut decision.latency,
                        Phase::AfterProcessing => &mut decision.latency_after,
                    };
                    *total = total.saturating_add(*by);
                }
                (None, _) => {}
            }
            if let Some(times) = &mut rule.times {
                *times = times.saturating_sub(1);
            }
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_operations_and_users_and_count_down() {
        let mut injector = Injector::new(
            vec![
                FaultRule::new(Fault::Status(503))
                    .operation("createClassNotebook")
                    .times(1),
                FaultRule::new(Fault::DropConnection)
                    .user("a@x.com")
                    .after_processing(),
            ],
            1,
        );
        let first = injector.decide(Some("createClassNotebook"), Some("b@x.com"));
        assert_eq!(first.before, Some(Fault::Status(503)));
        assert_eq!(first.after, None);
        let second = injector.decide(Some("createClassNotebook"), Some("A@X.COM"));
        assert_eq!(second.before, None);
        assert_eq!(second.after, Some(Fault::DropConnection));
        assert_eq!(
            injector.decide(Some("listClassNotebooks"), None),
            Decision::default()
        );
    }

    #[test]
    fn latency_adds_up_and_the_first_fault_wins() {
        let mut injector = Injector::new(
            vec![
                FaultRule::new(Fault::Latency(Duration::from_millis(5))),
                FaultRule::new(Fault::Status(500)).times(1),
                FaultRule::new(Fault::Latency(Duration::from_millis(7))),
                FaultRule::new(Fault::Status(503)).times(1),
            ],
            1,
        );
        let decision = injector.decide(None, None);
        assert_eq!(decision.latency, Duration::from_millis(12));
        assert_eq!(decision.latency_after, Duration::ZERO);
        assert_eq!(decision.before, Some(Fault::Status(500)));
        // The 503 did not fire, so it still has its one time.
        assert_eq!(injector.decide(None, None).before, Some(Fault::Status(503)));
    }

    #[test]
    fn latency_after_processing_is_kept_apart() {
        let mut injector = Injector::new(
            vec![
                FaultRule::new(Fault::Latency(Duration::from_millis(5))),
                FaultRule::new(Fault::Latency(Duration::from_millis(7))).after_processing(),
            ],
            1,
        );
        let decision = injector.decide(None, None);
        assert_eq!(decision.latency, Duration::from_millis(5));
        assert_eq!(decision.latency_after, Duration::from_millis(7));
    }

    #[test]
    fn rates_repeat_for_the_same_seed() {
        let draws = |seed| {
            let mut injector =
                Injector::new(vec![FaultRule::new(Fault::Status(503)).rate(30.0)], seed);
            (0..64)
                .map(|_| injector.decide(None, None).before.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(draws(9), draws(9));
        assert_ne!(draws(9), draws(10));
        let hits = draws(9).into_iter().filter(|hit| *hit).count();
        assert!((8..32).contains(&hits), "{hits}");
    }

    #[test]
    fn the_documented_json_parses() {
        let plan = FaultPlan::from_json(
            "faults.json",
            r#"{ "seed": 42, "throttling": { "requestsPerMinute": 10 },
                 "rules": [
                   { "operations": ["createClassNotebook"], "rate": 25, "fault": { "status": 503 } },
                   { "rate": 10, "fault": "dropConnection", "phase": "afterProcessing" },
                   { "times": 1, "fault": { "lateResponseMs": 2000 }, "phase": "afterProcessing" },
                   { "fault": { "latencyMs": 50 } }
                 ] }"#,
        )
        .unwrap();
        assert_eq!(plan.seed, 42);
        assert_eq!(plan.throttling.map(|t| t.requests_per_minute), Some(10));
        assert_eq!(
            plan.rules[2].fault,
            Fault::LateResponse(Duration::from_secs(2))
        );
        assert_eq!(
            plan.rules[3].fault,
            Fault::Latency(Duration::from_millis(50))
        );
        let error =
            FaultPlan::from_json("f.json", r#"{ "rules": [{ "fault": "explode" }] }"#).unwrap_err();
        assert!(error.to_string().starts_with("f.json:1:"), "{error}");
    }
}
