//! `onenote-fake`: runs the fake OneNote service until interrupted, for curl, Postman,
//! schemathesis or a client in any language. Arguments are parsed by hand (no dependency).

#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use onenote_fake::{
    AsyncPace, FakeOneNote, FakeOneNoteBuilder, Fault, FaultRule, Phase, Tenant, Throttling,
};

const USAGE: &str = "\
usage: onenote-fake [options]

Serves a fake OneNote class-notebook and permissions API on 127.0.0.1 until interrupted
(Ctrl-C). Its state lives in memory and is lost when it stops.

options:
  --listen ADDR          address to listen on (default 127.0.0.1:8080; port 0 for any)
  --seed-file PATH       the tenant (users, groups, sites, notebooks) as JSON; default: the
                         demo tenant contoso.com
  --faults PATH          a fault plan as JSON (rules, seed, throttling)
  --fail-rate PCT        answer PCT percent of requests with --fail-status (default 503)
  --fail-status CODE     the status of --fail-rate failures
  --fail-after           --fail-rate failures strike after processing (the effect stays)
  --drop-rate PCT        drop PCT percent of connections without an answer
  --latency-ms MS        add MS milliseconds to every answer
  --throttle             OneNote's throttling: 120 requests a minute, 400 an hour, 5 at once
  --per-minute N, --per-hour N, --concurrent N
                         other throttling limits (imply --throttle)
  --retry-after SECS     send Retry-After on 429 (OneNote does not; implies --throttle)
  --async-polls N,M      asynchronous operations: N polls notStarted, M running (default 1,1)
  --page-size N          items per page before @odata.nextLink (default 20)
  --seed N               seed for ids and fault draws (default fixed)
  --help                 this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match Options::parse(&args) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("onenote-fake: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("onenote-fake: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let tenant = options.tenant.clone();
        let fake = match options.builder().start().await {
            Ok(fake) => fake,
            Err(error) => {
                eprintln!("onenote-fake: {error}");
                return ExitCode::FAILURE;
            }
        };
        print_banner(&fake, &tenant, &options);
        std::future::pending::<()>().await;
        ExitCode::SUCCESS
    })
}

#[derive(Debug)]
struct Options {
    listen: Option<SocketAddr>,
    seed_file: Option<PathBuf>,
    tenant: Tenant,
    faults: Option<PathBuf>,
    fail_rate: Option<f64>,
    fail_status: Option<u16>,
    fail_after: bool,
    drop_rate: Option<f64>,
    latency_ms: Option<u64>,
    throttling: Option<Throttling>,
    pace: Option<AsyncPace>,
    page_size: Option<usize>,
    seed: Option<u64>,
}

impl Options {
    /// The options, or `None` for `--help`.
    fn parse(args: &[String]) -> Result<Option<Options>, String> {
        let mut options = Options {
            listen: None,
            seed_file: None,
            tenant: Tenant::demo(),
            faults: None,
            fail_rate: None,
            fail_status: None,
            fail_after: false,
            drop_rate: None,
            latency_ms: None,
            throttling: None,
            pace: None,
            page_size: None,
            seed: None,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let mut value = |what: &str| {
                args.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs {what}"))
            };
            match flag.as_str() {
                "--help" | "-h" => return Ok(None),
                "--listen" => options.listen = Some(parse(flag, &value("an address")?)?),
                "--seed-file" => {
                    let path = PathBuf::from(value("a path")?);
                    options.tenant = Tenant::from_file(&path).map_err(|e| e.to_string())?;
                    options.seed_file = Some(path);
                }
                "--faults" => options.faults = Some(PathBuf::from(value("a path")?)),
                "--fail-rate" => options.fail_rate = Some(percent(flag, &value("a percentage")?)?),
                "--fail-status" => options.fail_status = Some(parse(flag, &value("a status")?)?),
                "--fail-after" => options.fail_after = true,
                "--drop-rate" => options.drop_rate = Some(percent(flag, &value("a percentage")?)?),
                "--latency-ms" => options.latency_ms = Some(parse(flag, &value("milliseconds")?)?),
                "--throttle" => {
                    options.throttling.get_or_insert_with(Throttling::onenote);
                }
                "--per-minute" | "--per-hour" | "--concurrent" => {
                    let n: u32 = parse(flag, &value("a number")?)?;
                    let limits = options.throttling.get_or_insert_with(Throttling::onenote);
                    match flag.as_str() {
                        "--per-minute" => limits.requests_per_minute = n,
                        "--per-hour" => limits.requests_per_hour = n,
                        _ => limits.concurrent_requests = n,
                    }
                }
                "--retry-after" => {
                    let seconds: u64 = parse(flag, &value("seconds")?)?;
                    let limits = options.throttling.get_or_insert_with(Throttling::onenote);
                    limits.retry_after_seconds = Some(seconds);
                }
                "--async-polls" => {
                    let text = value("N,M")?;
                    let (n, m) = text
                        .split_once(',')
                        .ok_or_else(|| format!("{flag} takes N,M (e.g. 1,1), not {text:?}"))?;
                    options.pace = Some(AsyncPace::Polls {
                        not_started: parse(flag, n)?,
                        running: parse(flag, m)?,
                    });
                }
                "--page-size" => options.page_size = Some(parse(flag, &value("a number")?)?),
                "--seed" => options.seed = Some(parse(flag, &value("a number")?)?),
                other => return Err(format!("unknown option {other:?}")),
            }
        }
        if options
            .fail_status
            .is_some_and(|s| !(100..=599).contains(&s))
        {
            return Err("--fail-status takes an HTTP status (100-599)".to_owned());
        }
        Ok(Some(options))
    }

    fn builder(&self) -> FakeOneNoteBuilder {
        let mut builder = FakeOneNote::builder().tenant(self.tenant.clone()).listen(
            self.listen
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
        );
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
        if let Some(limits) = &self.throttling {
            builder = builder.throttling(limits.clone());
        }
        if let Some(pace) = self.pace {
            builder = builder.async_pace(pace);
        }
        if let Some(size) = self.page_size {
            builder = builder.page_size(size);
        }
        if let Some(seed) = self.seed {
            builder = builder.seed(seed);
        }
        builder
    }
}

fn parse<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{flag}: {text:?} is not a valid value"))
}

fn percent(flag: &str, text: &str) -> Result<f64, String> {
    let value: f64 = parse(flag, text)?;
    if (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{flag} takes a percentage from 0 to 100, not {text}"
        ))
    }
}

fn print_banner(fake: &FakeOneNote, tenant: &Tenant, options: &Options) {
    let base = fake.base_url();
    let first = tenant
        .users
        .iter()
        .find(|u| !u.admin)
        .or(tenant.users.first())
        .map_or("user@example.com", |u| u.upn.as_str());
    println!("onenote-fake: a fake OneNote class-notebook and permissions API");
    println!("  base URL   {base}   (in place of https://www.onenote.com/api)");
    println!(
        "  tenant     {}{}: {}, {}, {}, {}",
        tenant.domain,
        options
            .seed_file
            .as_ref()
            .map_or(String::new(), |p| format!(" (from {})", p.display())),
        count(tenant.users.len(), "user"),
        count(tenant.groups.len(), "group"),
        count(tenant.sites.len(), "site"),
        count(tenant.notebooks.len(), "notebook")
    );
    println!("  sign in    Authorization: Bearer fake:{{upn}}, with one of:");
    for user in &tenant.users {
        let admin = if user.admin {
            "  (tenant administrator)"
        } else {
            ""
        };
        println!("               {}{admin}", user.upn);
    }
    println!(
        "  try        curl -H 'Authorization: Bearer fake:{first}' {base}/v1.0/me/notes/classNotebooks"
    );
    let throttling = options.throttling.as_ref().map_or("off".to_owned(), |t| {
        format!(
            "{} a minute, {} an hour, {} at once",
            t.requests_per_minute, t.requests_per_hour, t.concurrent_requests
        )
    });
    println!("  throttling {throttling}");
    if let Some(path) = &options.faults {
        println!("  faults     {}", path.display());
    }
    println!("serving until interrupted (Ctrl-C)");
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
