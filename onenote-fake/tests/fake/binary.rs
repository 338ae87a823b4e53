//! The binary: it starts with one command, prints its base URL and how to sign in, and
//! serves plain HTTP clients until it is stopped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_onenote-fake");

/// Kills the child when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary and reads its banner up to the last line; returns it and the banner.
fn run(args: &[&str]) -> (Running, Vec<String>) {
    let child = Command::new(BINARY)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let mut banner = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a line");
        let last = line.starts_with("serving until interrupted");
        banner.push(line);
        if last {
            break;
        }
    }
    (running, banner)
}

/// `GET path` with a token, over a plain TCP connection; the whole answer as text.
fn get(addr: &str, path: &str, upn: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer fake:{upn}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn the_binary_prints_how_to_use_it_and_serves() {
    let (_running, banner) = run(&["--listen", "127.0.0.1:0", "--page-size", "5"]);
    let text = banner.join("\n");
    let base = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("base URL"))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no base URL in:\n{text}"))
        .to_owned();
    assert!(
        base.starts_with("http://127.0.0.1:") && base.ends_with("/api"),
        "{base}"
    );
    assert!(text.contains("Authorization: Bearer fake:{upn}"), "{text}");
    assert!(
        text.contains("admin@contoso.com  (tenant administrator)"),
        "{text}"
    );
    assert!(
        text.contains("curl -H 'Authorization: Bearer fake:teacher1@contoso.com'"),
        "{text}"
    );
    let addr = base.trim_start_matches("http://").trim_end_matches("/api");
    let answer = get(
        addr,
        "/api/v1.0/me/notes/classNotebooks",
        "teacher1@contoso.com",
    );
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("x-correlationid: "),
        "{answer}"
    );
    assert!(answer.contains(r#""value":[]"#), "{answer}");
}

#[test]
fn the_binary_reads_a_seed_file_and_a_fault_file() {
    let dir = std::env::temp_dir().join(format!("onenote-fake-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let seed = dir.join("tenant.json");
    std::fs::write(
        &seed,
        r#"{ "domain": "fabrikam.edu",
             "users": [{ "upn": "ms.lee@fabrikam.edu", "displayName": "Ms Lee" }],
             "notebooks": [{ "name": "Physics", "location": { "user": "ms.lee@fabrikam.edu" },
                             "class": { "students": [] } }] }"#,
    )
    .unwrap();
    let faults = dir.join("faults.json");
    std::fs::write(
        &faults,
        r#"{ "rules": [{ "times": 1, "fault": { "status": 503 } }] }"#,
    )
    .unwrap();
    let (_running, banner) = run(&[
        "--listen",
        "127.0.0.1:0",
        "--seed-file",
        seed.to_str().unwrap(),
        "--faults",
        faults.to_str().unwrap(),
    ]);
    let text = banner.join("\n");
    assert!(text.contains("fabrikam.edu (from "), "{text}");
    assert!(
        text.contains("1 user, 0 groups, 0 sites, 1 notebook"),
        "{text}"
    );
    let base = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("base URL"))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    let addr = base.trim_start_matches("http://").trim_end_matches("/api");
    let path = "/api/v1.0/me/notes/classNotebooks";
    assert!(
        get(addr, path, "ms.lee@fabrikam.edu").starts_with("HTTP/1.1 503"),
        "the one fault"
    );
    let answer = get(addr, path, "ms.lee@fabrikam.edu");
    assert!(answer.contains(r#""name":"Physics""#), "{answer}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_arguments_say_what_is_wrong() {
    let output = Command::new(BINARY).arg("--listen").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("a value is required for '--listen <ADDR>'"),
        "{stderr}"
    );
    let output = Command::new(BINARY)
        .args(["--seed-file", "/nonexistent.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .starts_with("onenote-fake: /nonexistent.json: cannot read the file"),
    );
    let help = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("Usage: onenote-fake [OPTIONS]"), "{help}");
    assert!(help.contains("--journal <FILE>"), "{help}");
}
