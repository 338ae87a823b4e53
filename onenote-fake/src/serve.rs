//! [`ServeArgs`]: the command-line options of a served fake as a clap `Args` struct, so the
//! `onenote-fake` binary and any command that embeds the fake (`#[command(flatten)]`) take the
//! very same flags, and what they make of them: the builder, the banner, serving.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::{
    AsyncPace, Error, FakeOneNote, FakeOneNoteBuilder, Fault, FaultRule, Phase, Tenant, Throttling,
};

/// Users the banner names; a school's tenant has thousands.
const LISTED_USERS: usize = 20;

/// How to serve a fake OneNote: the flags of `onenote-fake`.
///
/// Flatten it into a clap command to offer the same options:
///
/// ```
/// use clap::Parser;
///
/// /// Serves a fake OneNote.
/// #[derive(Parser)]
/// struct Serve {
///     #[command(flatten)]
///     fake: onenote_fake::ServeArgs,
/// }
///
/// let serve = Serve::parse_from(["serve", "--journal", "requests.jsonl", "--async-ms", "50"]);
/// assert_eq!(serve.fake.journal.as_deref(), Some(std::path::Path::new("requests.jsonl")));
/// ```
///
/// Then [`serve`](Self::serve) runs it, or [`tenant`](Self::tenant),
/// [`builder`](Self::builder) and [`banner`](Self::banner) give the parts.
#[derive(Clone, Debug, PartialEq, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 for any free port)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The tenant (users, groups, sites, notebooks) as JSON [default: the demo tenant
    /// contoso.com]
    #[arg(long, value_name = "PATH")]
    pub seed_file: Option<PathBuf>,
    /// A fault plan as JSON (rules, seed, throttling)
    #[arg(long, value_name = "PATH")]
    pub faults: Option<PathBuf>,
    /// Answer PCT percent of requests with --fail-status
    #[arg(long, value_name = "PCT", value_parser = percent)]
    pub fail_rate: Option<f64>,
    /// The status of --fail-rate failures [default: 503]
    #[arg(long, value_name = "CODE", requires = "fail_rate",
          value_parser = clap::value_parser!(u16).range(100..=599))]
    pub fail_status: Option<u16>,
    /// --fail-rate failures strike after processing (the effect stays, the answer is lost)
    #[arg(long, requires = "fail_rate")]
    pub fail_after: bool,
    /// Drop PCT percent of connections without an answer
    #[arg(long, value_name = "PCT", value_parser = percent)]
    pub drop_rate: Option<f64>,
    /// Wait MS milliseconds before handling every request
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
    /// Wait MS milliseconds after handling every request, before answering (a client that
    /// gives up first loses the answer of a request that took effect)
    #[arg(long, value_name = "MS")]
    pub latency_after_ms: Option<u64>,
    /// OneNote's throttling: 120 requests a minute, 400 an hour, 5 at once
    #[arg(long)]
    pub throttle: bool,
    /// Throttle at N requests a minute (implies --throttle)
    #[arg(long, value_name = "N")]
    pub per_minute: Option<u32>,
    /// Throttle at N requests an hour (implies --throttle)
    #[arg(long, value_name = "N")]
    pub per_hour: Option<u32>,
    /// Throttle at N requests at once (implies --throttle)
    #[arg(long, value_name = "N")]
    pub concurrent: Option<u32>,
    /// Send Retry-After: SECS on 429 (OneNote does not; implies --throttle)
    #[arg(long, value_name = "SECS")]
    pub retry_after: Option<u64>,
    /// Asynchronous operations by polls: N polls see notStarted, M running, the next the
    /// result [default: 1,1]
    #[arg(long, value_name = "N,M", value_parser = polls, conflicts_with = "async_ms")]
    pub async_polls: Option<(u32, u32)>,
    /// Asynchronous operations by time: notStarted for N milliseconds, then running for M
    /// (default N), then finished at the next request
    #[arg(long, value_name = "N[,M]", value_parser = millis)]
    pub async_ms: Option<(u64, u64)>,
    /// Items per page before @odata.nextLink [default: 20]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub page_size: Option<u64>,
    /// Seed for ids and fault draws [default: fixed]
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Write every request to FILE as JSON lines as it is answered (method, path, body
    /// digest, status, the status it was handled with, the fault that struck)
    #[arg(long, value_name = "FILE")]
    pub journal: Option<PathBuf>,
}

fn percent(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=100.0).contains(&value) => Ok(value),
        _ => Err(format!("{text:?} is not a percentage from 0 to 100")),
    }
}

/// `N,M`, two numbers.
fn polls(text: &str) -> Result<(u32, u32), String> {
    let numbers = text
        .split_once(',')
        .and_then(|(n, m)| Some((n.trim().parse().ok()?, m.trim().parse().ok()?)));
    numbers.ok_or_else(|| format!("{text:?} is not N,M (two numbers, e.g. 1,1)"))
}

/// `N` or `N,M` milliseconds; `N` alone is `N,N`.
fn millis(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("{text:?} is not N or N,M (milliseconds, e.g. 50 or 20,80)");
    match text.split_once(',') {
        Some((n, m)) => Ok((
            n.trim().parse().map_err(|_| bad())?,
            m.trim().parse().map_err(|_| bad())?,
        )),
        None => text.trim().parse().map(|n| (n, n)).map_err(|_| bad()),
    }
}

impl ServeArgs {
    /// The tenant: read from `--seed-file`, or the demo tenant.
    pub fn tenant(&self) -> Result<Tenant, Error> {
        match &self.seed_file {
            Some(path) => Ok(Tenant::from_file(path)?),
            None => Ok(Tenant::demo()),
        }
    }

    /// The throttling the flags ask for, if any.
    fn throttling(&self) -> Option<Throttling> {
        let asked = self.throttle
            || self.per_minute.is_some()
            || self.per_hour.is_some()
            || self.concurrent.is_some()
            || self.retry_after.is_some();
        asked.then(|| {
            let mut limits = Throttling::onenote();
            if let Some(n) = self.per_minute {
                limits.requests_per_minute = n;
            }
            if let Some(n) = self.per_hour {
                limits.requests_per_hour = n;
            }
            if let Some(n) = self.concurrent {
                limits.concurrent_requests = n;
            }
            if self.retry_after.is_some() {
                limits.retry_after_seconds = self.retry_after;
            }
            limits
        })
    }

    /// The pace of asynchronous operations the flags ask for, if any.
    fn pace(&self) -> Option<AsyncPace> {
        match (self.async_polls, self.async_ms) {
            (Some((not_started, running)), _) => Some(AsyncPace::Polls {
                not_started,
                running,
            }),
            (None, Some((not_started, running))) => Some(AsyncPace::Time {
                not_started: Duration::from_millis(not_started),
                running: Duration::from_millis(running),
            }),
            (None, None) => None,
        }
    }

    /// The builder these options describe, for `tenant`.
    pub fn builder(&self, tenant: Tenant) -> FakeOneNoteBuilder {
        let mut builder = FakeOneNote::builder().tenant(tenant).listen(self.listen);
        if let Some(path) = &self.faults {
            builder = builder.fault_file(path);
        }
        if let Some(rate) = self.fail_rate {
            let mut rule =
                FaultRule::new(Fault::Status(self.fail_status.unwrap_or(503))).rate(rate);
            if self.fail_after {
                rule.phase = Phase::AfterProcessing;
            }
            builder = builder.fault(rule);
        }
        if let Some(rate) = self.drop_rate {
            builder = builder.fault(FaultRule::new(Fault::DropConnection).rate(rate));
        }
        if let Some(ms) = self.latency_ms {
            builder = builder.fault(FaultRule::new(Fault::Latency(Duration::from_millis(ms))));
        }
        if let Some(ms) = self.latency_after_ms {
            builder = builder.fault(
                FaultRule::new(Fault::Latency(Duration::from_millis(ms))).after_processing(),
            );
        }
        if let Some(limits) = self.throttling() {
            builder = builder.throttling(limits);
        }
        if let Some(pace) = self.pace() {
            builder = builder.async_pace(pace);
        }
        if let Some(size) = self.page_size {
            builder = builder.page_size(usize::try_from(size).unwrap_or(usize::MAX));
        }
        if let Some(seed) = self.seed {
            builder = builder.seed(seed);
        }
        if let Some(path) = &self.journal {
            builder = builder.journal_file(path);
        }
        builder
    }

    /// What the binary prints when it starts: where it listens, the tenant and how to sign in
    /// as its users, and the settings that change its answers.
    pub fn banner(&self, fake: &FakeOneNote, tenant: &Tenant) -> String {
        let base = fake.base_url();
        let first = tenant
            .users
            .iter()
            .find(|u| !u.admin)
            .or(tenant.users.first())
            .map_or("user@example.com", |u| u.upn.as_str());
        let mut lines = vec![
            "onenote-fake: a fake OneNote class-notebook and permissions API".to_owned(),
            format!("  base URL   {base}   (in place of https://www.onenote.com/api)"),
            format!(
                "  Graph      {}   (in place of https://graph.microsoft.com)",
                fake.graph_base_url()
            ),
            format!(
                "  tenant     {}{}: {}, {}, {}, {}",
                tenant.domain,
                self.seed_file
                    .as_ref()
                    .map_or(String::new(), |p| format!(" (from {})", p.display())),
                count(tenant.users.len(), "user"),
                count(tenant.groups.len(), "group"),
                count(tenant.sites.len(), "site"),
                count(tenant.notebooks.len(), "notebook")
            ),
            "  sign in    Authorization: Bearer fake:{upn}, with one of:".to_owned(),
        ];
        for user in tenant.users.iter().take(LISTED_USERS) {
            let admin = if user.admin {
                "  (tenant administrator)"
            } else {
                ""
            };
            lines.push(format!("               {}{admin}", user.upn));
        }
        if let Some(more) = tenant
            .users
            .len()
            .checked_sub(LISTED_USERS)
            .filter(|n| *n > 0)
        {
            lines.push(format!(
                "               … and {more} more (see the seed file)"
            ));
        }
        lines.push(format!(
            "  try        curl -H 'Authorization: Bearer fake:{first}' {base}/v1.0/me/notes/classNotebooks"
        ));
        let throttling = self.throttling().map_or("off".to_owned(), |t| {
            format!(
                "{} a minute, {} an hour, {} at once",
                t.requests_per_minute, t.requests_per_hour, t.concurrent_requests
            )
        });
        lines.push(format!("  throttling {throttling}"));
        let pace = match self.pace().unwrap_or_default() {
            AsyncPace::Polls {
                not_started,
                running,
            } => format!("by polls: {not_started} notStarted, {running} running"),
            AsyncPace::Time {
                not_started,
                running,
            } => format!("by time: {not_started:?} notStarted, {running:?} running"),
        };
        lines.push(format!("  operations {pace}"));
        if let Some(path) = &self.faults {
            lines.push(format!("  faults     {}", path.display()));
        }
        if let Some(path) = &self.journal {
            lines.push(format!(
                "  journal    {} (a JSON line per request)",
                path.display()
            ));
        }
        lines.push("serving until interrupted (Ctrl-C)".to_owned());
        lines.join("\n")
    }

    /// Starts the fake these options describe on the current tokio runtime, prints the banner
    /// on stdout, and serves until the process ends (also when nobody reads stdout any more).
    pub async fn serve(&self) -> Result<(), Error> {
        let tenant = self.tenant()?;
        let fake = self.builder(tenant.clone()).start().await?;
        let mut stdout = std::io::stdout().lock();
        // A closed stdout (a reader that took the base URL and left) must not stop the server.
        let _ = writeln!(stdout, "{}", self.banner(&fake, &tenant)).and_then(|()| stdout.flush());
        drop(stdout);
        std::future::pending::<()>().await;
        Ok(())
    }
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser, Debug)]
    struct Command {
        #[command(flatten)]
        args: ServeArgs,
    }

    fn parse(args: &[&str]) -> Result<ServeArgs, String> {
        Command::try_parse_from(std::iter::once("onenote-fake").chain(args.iter().copied()))
            .map(|c| c.args)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_defaults_listen_on_8080_with_nothing_else() {
        let args = parse(&[]).unwrap();
        assert_eq!(args.listen, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(args.throttling(), None);
        assert_eq!(args.pace(), None);
    }

    #[test]
    fn async_ms_paces_by_time_and_async_polls_by_polls() {
        let time = parse(&["--async-ms", "20,80"]).unwrap();
        assert_eq!(
            time.pace(),
            Some(AsyncPace::Time {
                not_started: Duration::from_millis(20),
                running: Duration::from_millis(80)
            })
        );
        assert_eq!(
            parse(&["--async-ms", "50"]).unwrap().async_ms,
            Some((50, 50))
        );
        let polls = parse(&["--async-polls", "2,3"]).unwrap();
        assert_eq!(
            polls.pace(),
            Some(AsyncPace::Polls {
                not_started: 2,
                running: 3
            })
        );
        let both = parse(&["--async-ms", "5", "--async-polls", "1,1"]).unwrap_err();
        assert!(both.contains("cannot be used with"), "{both}");
    }

    #[test]
    fn any_limit_turns_throttling_on() {
        let limits = parse(&["--per-minute", "30", "--retry-after", "2"])
            .unwrap()
            .throttling()
            .unwrap();
        assert_eq!(limits.requests_per_minute, 30);
        assert_eq!(limits.retry_after_seconds, Some(2));
        assert_eq!(
            limits.requests_per_hour,
            Throttling::onenote().requests_per_hour
        );
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        let rate = parse(&["--fail-rate", "120"]).unwrap_err();
        assert!(
            rate.contains("\"120\" is not a percentage from 0 to 100"),
            "{rate}"
        );
        let status = parse(&["--fail-rate", "5", "--fail-status", "99"]).unwrap_err();
        assert!(status.contains("--fail-status"), "{status}");
        let alone = parse(&["--fail-after"]).unwrap_err();
        assert!(alone.contains("--fail-rate"), "{alone}");
        let polls = parse(&["--async-polls", "1"]).unwrap_err();
        assert!(polls.contains("is not N,M"), "{polls}");
        let unknown = parse(&["--journl", "x"]).unwrap_err();
        assert!(unknown.contains("--journal"), "{unknown}");
    }
}
