//! Client overhead: the same requests through `onenote_api::Client` and through hand-written
//! reqwest + serde_json code, against one canned HTTP/1.1 server on 127.0.0.1.
//!
//! ```text
//! cargo bench -p onenote-api --bench client_overhead [-- --quick]   requests per second
//! <bench binary> --repeat get-sequential client 200                  200 requests, no output
//! <bench binary> --serve                                             the server alone
//! ```
//!
//! Two requests: `GET …/classNotebooks` decoding a 50-notebook collection, and `POST
//! …/classNotebooks` creating Math 101 (the documents' example, as in the wire tests) and
//! decoding the created notebook. Each runs sequentially and with 16 requests in flight.
//!
//! The client runs with pacing off (at OneNote's real limits it would send 2 requests a second);
//! one more case sends the concurrent `POST` through the pacer with limits no run reaches, to
//! show what admission costs.
//!
//! Requests per second: every round times the client and the hand-written code back to back
//! (alternating which goes first) on the same warm connections; each case prints the median
//! requests per second of each and the median of the per-round ratios, so slow drift of the
//! machine cancels out, as a line for people and a JSON line for `cargo xtask bench`. Rounds
//! are bounded both in requests and in time.
//!
//! Instructions per request: `--repeat <case> <client|hand> <n>` starts the server in a child
//! process (so it is not counted), warms up, sends `n` requests of one side and exits.
//! `cargo xtask bench` runs it under callgrind with 0 and with n requests and divides the
//! difference by n, so start-up, connecting and warm-up are not counted.

use std::future::Future;
use std::hint::black_box;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use onenote_api::{Client, CreateClassNotebook, Pacing, Principal, PrincipalType};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Notebooks in the collection the `GET` decodes.
const NOTEBOOKS: usize = 50;
/// Requests in flight in the concurrent runs.
const IN_FLIGHT: usize = 16;
const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.bench-token";

/// One request kind at one concurrency.
struct Case {
    /// The id `--repeat` and the JSON lines use.
    id: &'static str,
    label: &'static str,
    in_flight: usize,
    get: bool,
    /// Through the pacer (with limits no run reaches) instead of with pacing off.
    paced: bool,
}

const CASES: [Case; 5] = [
    Case {
        id: "get-sequential",
        label: "GET 50 notebooks, sequential",
        in_flight: 1,
        get: true,
        paced: false,
    },
    Case {
        id: "get-16-in-flight",
        label: "GET 50 notebooks, 16 in flight",
        in_flight: IN_FLIGHT,
        get: true,
        paced: false,
    },
    Case {
        id: "post-sequential",
        label: "POST create Math 101, sequential",
        in_flight: 1,
        get: false,
        paced: false,
    },
    Case {
        id: "post-16-in-flight",
        label: "POST create Math 101, 16 in flight",
        in_flight: IN_FLIGHT,
        get: false,
        paced: false,
    },
    Case {
        id: "post-16-in-flight-paced",
        label: "POST 16 in flight, through the pacer",
        in_flight: IN_FLIGHT,
        get: false,
        paced: true,
    },
];

/// How long the requests-per-second comparison runs.
struct Plan {
    warm_up: usize,
    rounds: usize,
    requests: usize,
    /// A round stops early after this long, counting the requests it finished.
    round_cap: Duration,
}

const FULL: Plan = Plan {
    warm_up: 300,
    rounds: 9,
    requests: 2_000,
    round_cap: Duration::from_secs(3),
};

const QUICK: Plan = Plan {
    warm_up: 50,
    rounds: 3,
    requests: 300,
    round_cap: Duration::from_millis(500),
};

/// Requests `--repeat` sends before the counted ones: opens every connection it will use.
const REPEAT_WARM_UP: usize = 2 * IN_FLIGHT;

fn main() {
    // `cargo bench` passes `--bench`; it means nothing here.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--bench")
        .collect();
    match args.as_slice() {
        [flag] if flag == "--serve" => serve_until_stdin_closes(),
        [flag, case, side, count] if flag == "--repeat" => {
            let case = CASES
                .iter()
                .find(|c| c.id == case)
                .unwrap_or_else(|| panic!("no case {case:?}: one of get-sequential, get-16-in-flight, post-sequential, post-16-in-flight, post-16-in-flight-paced"));
            let count = count
                .parse()
                .unwrap_or_else(|e| panic!("--repeat: {count:?} is not a count: {e}"));
            repeat(case, side, count);
        }
        _ => {
            let plan = if args.iter().any(|arg| arg == "--quick") {
                &QUICK
            } else {
                &FULL
            };
            let addr = start_server();
            current_thread().block_on(compare_all(addr, plan));
        }
    }
}

/// One thread for the clients (the server has its own): on a small machine a multi-thread
/// client runtime makes sequential latency bimodal (whether the reply wakes a parked worker),
/// which is scheduling noise, not client cost.
fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("cannot start the client runtime: {e}"))
}

fn client_for(base: &str, paced: bool) -> Client {
    let pacing = if paced {
        Pacing::custom()
            .limit(u32::MAX, Duration::from_secs(60))
            .concurrent(1024)
    } else {
        Pacing::off()
    };
    Client::builder()
        .base_url(base)
        .bearer_token(TOKEN)
        .pacing(pacing)
        .build()
        .unwrap_or_else(|e| panic!("cannot build the client: {e}"))
}

/// One request of `case` through the client.
async fn client_request(client: Client, get: bool) {
    if get {
        let page = client.me().class_notebooks().list().send().await;
        let page = page.unwrap_or_else(|e| panic!("client GET: {e}"));
        assert_eq!(page.value.len(), NOTEBOOKS);
        black_box(page);
    } else {
        let created = client
            .me()
            .class_notebooks()
            .create(math_101())
            .send()
            .await;
        black_box(created.unwrap_or_else(|e| panic!("client POST: {e}")));
    }
}

/// One request of `case` through the hand-written code.
async fn hand_request(hand: Hand, get: bool) {
    if get {
        let page = hand
            .list()
            .await
            .unwrap_or_else(|e| panic!("reqwest GET: {e}"));
        assert_eq!(page.value.len(), NOTEBOOKS);
        black_box(page);
    } else {
        let created = hand
            .create(&hand_math_101())
            .await
            .unwrap_or_else(|e| panic!("reqwest POST: {e}"));
        black_box(created);
    }
}

async fn compare_all(addr: SocketAddr, plan: &Plan) {
    let base = format!("http://{addr}/api");
    let (unpaced, paced) = (client_for(&base, false), client_for(&base, true));
    let hand = Hand::new(&base);

    println!(
        "client overhead: server http://{addr} (one thread, keep-alive, canned responses); \
         client on a current-thread runtime; {} rounds of up to {} requests or {:?} each, after \
         {} warm-up requests",
        plan.rounds, plan.requests, plan.round_cap, plan.warm_up,
    );
    println!();
    println!(
        "{:<36} {:>14} {:>16} {:>8}",
        "request", "onenote-api/s", "hand-written/s", "ratio"
    );
    for case in &CASES {
        let get = case.get;
        let client_call = {
            let client = if case.paced { &paced } else { &unpaced }.clone();
            move || client_request(client.clone(), get)
        };
        let hand_call = {
            let hand = hand.clone();
            move || hand_request(hand.clone(), get)
        };
        let result = compare(plan, case.in_flight, client_call, hand_call).await;
        println!(
            "{:<36} {:>14.0} {:>16.0} {:>8.3}",
            case.label, result.client, result.hand, result.ratio
        );
        println!(
            "{}",
            serde_json::json!({
                "bench": "client", "case": case.id, "label": case.label, "unit": "req/s",
                "client": result.client, "hand": result.hand, "ratio": result.ratio,
                "rounds": plan.rounds,
            })
        );
    }
}

/// Sends `count` requests of `case` from one side (`client` or `hand`) after a warm-up, to a
/// server in a child process, and nothing else: what callgrind counts.
fn repeat(case: &Case, side: &str, count: usize) {
    let mut server = Command::new(
        std::env::current_exe().unwrap_or_else(|e| panic!("no path to this benchmark: {e}")),
    )
    .arg("--serve")
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .spawn()
    .unwrap_or_else(|e| panic!("cannot start the server process: {e}"));
    let mut line = String::new();
    if let Some(stdout) = server.stdout.take() {
        BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("the server process printed no address: {e}"));
    }
    let base = format!("http://{}/api", line.trim());
    let (in_flight, get) = (case.in_flight, case.get);
    let runtime = current_thread();
    let forever = Duration::from_secs(24 * 3600);
    match side {
        "client" => {
            let client = client_for(&base, case.paced);
            let call = move || client_request(client.clone(), get);
            runtime.block_on(async {
                rate(call.clone(), REPEAT_WARM_UP, in_flight, forever).await;
                rate(call, count, in_flight, forever).await;
            });
        }
        "hand" => {
            let hand = Hand::new(&base);
            let call = move || hand_request(hand.clone(), get);
            runtime.block_on(async {
                rate(call.clone(), REPEAT_WARM_UP, in_flight, forever).await;
                rate(call, count, in_flight, forever).await;
            });
        }
        other => panic!("side {other:?}: expected client or hand"),
    }
    // Closing its stdin ends the server process.
    drop(server.stdin.take());
    let _ = server.wait();
}

/// Medians over the rounds.
struct Comparison {
    client: f64,
    hand: f64,
    ratio: f64,
}

async fn compare<C, CF, H, HF>(plan: &Plan, in_flight: usize, client: C, hand: H) -> Comparison
where
    C: Fn() -> CF + Clone + Send + Sync + 'static,
    CF: Future<Output = ()> + Send + 'static,
    H: Fn() -> HF + Clone + Send + Sync + 'static,
    HF: Future<Output = ()> + Send + 'static,
{
    // Warm-up also opens the pool's connections for `in_flight`.
    let warm = Duration::from_secs(10);
    rate(client.clone(), plan.warm_up, in_flight, warm).await;
    rate(hand.clone(), plan.warm_up, in_flight, warm).await;
    let (mut clients, mut hands, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..plan.rounds {
        let (c, h) = if round % 2 == 0 {
            let c = rate(client.clone(), plan.requests, in_flight, plan.round_cap).await;
            let h = rate(hand.clone(), plan.requests, in_flight, plan.round_cap).await;
            (c, h)
        } else {
            let h = rate(hand.clone(), plan.requests, in_flight, plan.round_cap).await;
            let c = rate(client.clone(), plan.requests, in_flight, plan.round_cap).await;
            (c, h)
        };
        clients.push(c);
        hands.push(h);
        ratios.push(c / h);
    }
    Comparison {
        client: median(clients),
        hand: median(hands),
        ratio: median(ratios),
    }
}

/// Runs up to `requests` calls, `in_flight` at a time, stopping early after `cap`; returns
/// completed calls per second.
async fn rate<F, Fut>(call: F, requests: usize, in_flight: usize, cap: Duration) -> f64
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let remaining = Arc::new(AtomicUsize::new(requests));
    let done = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + cap;
    let workers: Vec<_> = (0..in_flight)
        .map(|_| {
            let (call, remaining, done) = (call.clone(), remaining.clone(), done.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline
                    && remaining
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                        .is_ok()
                {
                    call().await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        if let Err(error) = worker.await {
            panic!("a request task failed: {error}");
        }
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

// ---------------------------------------------------------------------------------------------
// The request bodies.

fn person(upn: &str) -> Principal {
    Principal::new(upn, PrincipalType::Person)
}

/// The documents' create example (as in `tests/tests/wire_class_notebooks.rs`).
fn math_101() -> CreateClassNotebook {
    CreateClassNotebook::new("Math 101")
        .with_student_sections(vec![
            "Handouts".to_owned(),
            "Class Notes".to_owned(),
            "Homework".to_owned(),
            "Quizzes".to_owned(),
        ])
        .with_teachers(vec![person("teacher1@contoso.com")])
        .with_students(vec![
            person("student1@contoso.com"),
            person("student2@contoso.com"),
            person("student3@contoso.com"),
            person("student4@contoso.com"),
        ])
        .with_has_teacher_only_section_group(true)
}

// ---------------------------------------------------------------------------------------------
// The hand-written baseline: what a caller writes with reqwest and serde alone. Dates and enums
// stay strings (the client parses dates into `DateTime` and roles into `UserRole`).

#[derive(Clone)]
struct Hand {
    http: reqwest::Client,
    url: String,
}

impl Hand {
    fn new(base: &str) -> Self {
        // This crate builds reqwest without a crypto provider: install ring, as the client
        // configures it for itself.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .build()
            .unwrap_or_else(|e| panic!("cannot build the reqwest client: {e}"));
        Hand {
            http,
            url: format!("{base}/v1.0/me/notes/classNotebooks"),
        }
    }

    fn request(&self, method: reqwest::Method) -> reqwest::RequestBuilder {
        self.http
            .request(method, &self.url)
            .bearer_auth(TOKEN)
            .header(reqwest::header::ACCEPT, "application/json")
            .header(reqwest::header::USER_AGENT, "hand-written/0.1")
    }

    async fn list(&self) -> reqwest::Result<HandPage> {
        let response = self.request(reqwest::Method::GET).send().await?;
        response.error_for_status()?.json().await
    }

    async fn create(&self, body: &HandCreate) -> reqwest::Result<HandNotebook> {
        let response = self
            .request(reqwest::Method::POST)
            .json(body)
            .send()
            .await?;
        response.error_for_status()?.json().await
    }
}

#[derive(Deserialize)]
#[allow(dead_code)] // decoded as a caller would, then only dropped
struct HandPage {
    value: Vec<HandNotebook>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandPrincipal {
    id: String,
    principal_type: String,
}

#[derive(Deserialize)]
#[allow(dead_code)] // decoded as a caller would, then only dropped
struct HandLink {
    href: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // decoded as a caller would, then only dropped
#[serde(rename_all = "camelCase")]
struct HandLinks {
    one_note_client_url: Option<HandLink>,
    one_note_web_url: Option<HandLink>,
}

#[derive(Deserialize)]
#[allow(dead_code)] // decoded as a caller would, then only dropped
#[serde(rename_all = "camelCase")]
struct HandNotebook {
    #[serde(rename = "@odata.context")]
    context: Option<String>,
    id: Option<String>,
    name: Option<String>,
    #[serde(rename = "self")]
    self_: Option<String>,
    created_by: Option<String>,
    created_time: Option<String>,
    last_modified_by: Option<String>,
    last_modified_time: Option<String>,
    is_default: Option<bool>,
    is_shared: Option<bool>,
    user_role: Option<String>,
    sections_url: Option<String>,
    section_groups_url: Option<String>,
    links: Option<HandLinks>,
    student_sections: Option<Vec<String>>,
    teachers: Option<Vec<HandPrincipal>>,
    students: Option<Vec<HandPrincipal>>,
    has_teacher_only_section_group: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HandCreate {
    name: String,
    student_sections: Vec<String>,
    teachers: Vec<HandPrincipal>,
    students: Vec<HandPrincipal>,
    has_teacher_only_section_group: bool,
}

fn hand_math_101() -> HandCreate {
    let person = |upn: &str| HandPrincipal {
        id: upn.to_owned(),
        principal_type: "Person".to_owned(),
    };
    HandCreate {
        name: "Math 101".to_owned(),
        student_sections: ["Handouts", "Class Notes", "Homework", "Quizzes"]
            .map(str::to_owned)
            .to_vec(),
        teachers: vec![person("teacher1@contoso.com")],
        students: (1..=4)
            .map(|n| person(&format!("student{n}@contoso.com")))
            .collect(),
        has_teacher_only_section_group: true,
    }
}

// ---------------------------------------------------------------------------------------------
// The server: HTTP/1.1 with keep-alive on its own thread, answering `GET` with the collection
// and `POST` with the created notebook.

/// Starts the server on 127.0.0.1 (an ephemeral port) and returns its address.
fn start_server() -> SocketAddr {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot start the server runtime: {e}"));
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0")
                .await
                .unwrap_or_else(|e| panic!("cannot bind 127.0.0.1: {e}"));
            let addr = listener
                .local_addr()
                .unwrap_or_else(|e| panic!("no local address: {e}"));
            let _ = sender.send(addr);
            let responses = Arc::new(Responses::new());
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        let responses = responses.clone();
                        tokio::spawn(async move {
                            // A client closing its connection ends this task; nothing to report.
                            let _ = serve(stream, &responses).await;
                        });
                    }
                    Err(error) => eprintln!("server: accept failed: {error}"),
                }
            }
        });
    });
    receiver
        .recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|e| panic!("the server did not start: {e}"))
}

/// `--serve`: the server in this process, its address on stdout, until stdin closes.
fn serve_until_stdin_closes() {
    let addr = start_server();
    println!("{addr}");
    let mut sink = Vec::new();
    // EOF (or an error) means the benchmark that started us is done.
    let _ = std::io::stdin().read_to_end(&mut sink);
}

/// Complete HTTP responses, built once.
struct Responses {
    list: Vec<u8>,
    created: Vec<u8>,
    not_found: Vec<u8>,
}

impl Responses {
    fn new() -> Self {
        let context = "https://www.onenote.com/api/v1.0/$metadata#users('teacher1%40contoso.com')/notes/classNotebooks";
        let notebooks: Vec<serde_json::Value> = (0..NOTEBOOKS).map(notebook_json).collect();
        let list = serde_json::json!({ "@odata.context": context, "value": notebooks });
        let mut created = notebook_json(0);
        created["@odata.context"] = format!("{context}/$entity").into();
        Responses {
            list: response("200 OK", &list.to_string()),
            created: response("201 Created", &created.to_string()),
            not_found: response(
                "404 Not Found",
                r#"{"error":{"code":"20102","message":"no route"}}"#,
            ),
        }
    }
}

/// One class notebook with every property the documents show.
fn notebook_json(n: usize) -> serde_json::Value {
    let id = format!(
        "1-b68a21fd-cdb3-41f1-a566-{:012x}",
        0x0772_872a_8a0c_usize + n
    );
    let principal = |upn: String| serde_json::json!({ "id": upn, "principalType": "Person" });
    serde_json::json!({
        "id": id,
        "name": format!("Math {}", 101 + n),
        "self": format!("https://www.onenote.com/api/v1.0/users/teacher1@contoso.com/notes/classNotebooks/{id}"),
        "createdBy": "Teacher One",
        "createdTime": "2016-08-22T23:29:13.13Z",
        "lastModifiedBy": "Teacher One",
        "lastModifiedTime": "2016-08-23T10:01:02.5Z",
        "isDefault": false,
        "isShared": true,
        "userRole": "Owner",
        "sectionsUrl": format!("https://www.onenote.com/api/v1.0/users/teacher1@contoso.com/notes/classNotebooks/{id}/sections"),
        "sectionGroupsUrl": format!("https://www.onenote.com/api/v1.0/users/teacher1@contoso.com/notes/classNotebooks/{id}/sectionGroups"),
        "links": {
            "oneNoteClientUrl": { "href": format!("onenote:https://contoso.sharepoint.com/Math%20{}", 101 + n) },
            "oneNoteWebUrl": { "href": format!("https://contoso.sharepoint.com/Math%20{}", 101 + n) }
        },
        "studentSections": ["Handouts", "Class Notes", "Homework", "Quizzes"],
        "teachers": [principal("teacher1@contoso.com".to_owned())],
        "students": (1..=4).map(|s| principal(format!("student{s}@contoso.com"))).collect::<Vec<_>>(),
        "hasTeacherOnlySectionGroup": true
    })
}

fn response(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json; odata.metadata=minimal\r\n\
         content-length: {}\r\ndate: Mon, 23 Nov 2026 15:00:00 GMT\r\n\
         x-correlationid: 5b2e8e5c-2ad3-4b33-8b4b-2f6d8f1a0c11\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Answers requests on one connection until the client closes it.
async fn serve(mut stream: TcpStream, responses: &Responses) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        // Read until a whole request (head and body) is buffered.
        let (head_end, body_len) = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                break (end + 4, content_length(&buffer[..end]));
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        while buffer.len() < head_end + body_len {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        let reply = if buffer.starts_with(b"GET ") {
            &responses.list
        } else if buffer.starts_with(b"POST ") {
            &responses.created
        } else {
            &responses.not_found
        };
        buffer.drain(..head_end + body_len);
        stream.write_all(reply).await?;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}
