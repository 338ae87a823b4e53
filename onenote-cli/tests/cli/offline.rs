//! Trying it without a tenant: `onenote fake serve` prints the lines that point the other
//! commands at it and serves until Ctrl-C; `onenote completions` prints a shell's script.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[cfg(unix)]
#[test]
fn fake_serve_prints_where_it_is_serves_and_stops_on_ctrl_c() {
    let mut serve = Command::new(env!("CARGO_BIN_EXE_onenote"))
        .args(["fake", "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(serve.stdout.take().unwrap()).lines();
    let base = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.trim()
                .strip_prefix("export ONENOTE_BASE_URL=")
                .map(str::to_owned)
        })
        .expect("the base URL line");
    let list = Command::new(env!("CARGO_BIN_EXE_onenote"))
        .args(["class-notebooks", "list"])
        .env("ONENOTE_BASE_URL", &base)
        .env("ONENOTE_TOKEN", "fake:teacher1@contoso.com")
        .output()
        .unwrap();
    assert!(list.status.success(), "{list:?}");
    let stopped = Command::new("kill")
        .args(["-INT", &serve.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(serve.wait().unwrap().success());
}

/// A script that reads the base URL and closes the pipe (as `cargo xtask bench` does) must not
/// stop the fake. Here the pipe is closed before the banner is written, so every line of it
/// meets a closed stdout; the port is chosen beforehand, since the banner cannot say it.
#[cfg(unix)]
#[test]
fn fake_serve_keeps_serving_when_its_stdout_is_closed() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut serve = Command::new(env!("CARGO_BIN_EXE_onenote"))
        .args(["fake", "serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(serve.stdout.take());
    let base = format!("http://127.0.0.1:{port}/api");
    let mut create = None;
    for _ in 0..100 {
        let output = Command::new(env!("CARGO_BIN_EXE_onenote"))
            .args(["class-notebooks", "create", "Math 101"])
            .env("ONENOTE_BASE_URL", &base)
            .env("ONENOTE_TOKEN", "fake:teacher1@contoso.com")
            .output()
            .unwrap();
        let done = output.status.success() || serve.try_wait().unwrap().is_some();
        create = Some(output);
        if done {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = serve.kill();
    let _ = serve.wait();
    let create = create.unwrap();
    assert!(create.status.success(), "{create:?}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_onenote()"),
        ("zsh", "#compdef onenote"),
        ("fish", "complete -c onenote"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_onenote"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}: {output:?}");
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains(marker), "{shell}");
        assert!(script.contains("class-notebooks"), "{shell}");
    }
}
