//! The real server, started as people start it: it stops cleanly on SIGTERM, and the browser
//! journeys (`journeys.py`) run through it: the `amity` binary serving the
//! demo on a fresh SQLite file, driven by headless Chromium. Screenshots of every step go to
//! `target/journeys` (or `AMITY_JOURNEY_SHOTS`) for a person to look at.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Stops the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on loopback")
}

fn answers(addr: &str) -> bool {
    std::net::TcpStream::connect(addr).is_ok_and(|mut s| {
        use std::io::{Read, Write};
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let asked = s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").is_ok();
        let mut reply = String::new();
        asked
            && s.read_to_string(&mut reply).is_ok()
            && reply.starts_with("HTTP/1.")
            && reply.contains(" 200 ")
    })
}

/// Starts `amity serve --demo` on a fresh data folder and waits until it answers.
fn serve(data: &std::path::Path) -> (Server, String) {
    let _ = std::fs::remove_dir_all(data);
    serve_kept(data)
}

/// Starts the server on a data folder as it is (the demo only if its database is empty).
fn serve_kept(data: &std::path::Path) -> (Server, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let server = Server(
        Command::new(env!("CARGO_BIN_EXE_amity"))
            .args(["serve", "--demo", "--addr", &addr, "--data-dir"])
            .arg(data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the amity binary starts"),
    );
    let started = Instant::now();
    while !answers(&addr) {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server did not answer on {addr}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    (server, addr)
}

#[cfg(unix)]
#[test]
fn the_server_stops_cleanly_on_sigterm() {
    let data = std::env::temp_dir().join(format!("amity-sigterm-{}", std::process::id()));
    let (mut server, _) = serve(&data);
    let pid = server.0.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.0.try_wait().expect("the server's status") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "still running 20 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = std::fs::remove_dir_all(&data);
    assert!(
        status.success(),
        "it drained and exited by itself, not killed: {status:?}"
    );
}

/// One HTTP/1.0 exchange with the server: the status and the body.
fn exchange(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("the server answers");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("request sent");
    let mut reply = String::new();
    s.read_to_string(&mut reply).expect("reply");
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = reply
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// An API token for a demo account.
fn token_for(addr: &str, email: &str) -> String {
    let credentials = format!(r#"{{"email":"{email}","password":"amity-demo"}}"#);
    let (status, body) = exchange(addr, "POST", "/api/v1/auth/token", None, &credentials);
    assert_eq!(status, 201, "{body}");
    body.split(r#""token":""#)
        .nth(1)
        .and_then(|t| t.split('"').next())
        .expect("token")
        .to_owned()
}

/// How many delegations the central office sees, as the API counts them.
fn delegations_total(addr: &str) -> String {
    let token = token_for(addr, "vufo@demo.amity");
    let (status, body) = exchange(
        addr,
        "GET",
        "/api/v1/delegations?per_page=1",
        Some(&token),
        "",
    );
    assert_eq!(status, 200, "{body}");
    body.split(r#""total":"#)
        .nth(1)
        .map(|t| t.chars().take_while(char::is_ascii_digit).collect())
        .expect("total")
}

fn amity(args: &[&str], data: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_amity"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("AMITY_LOG", "warn")
        .output()
        .expect("the amity binary runs")
}

#[test]
fn a_backup_taken_while_serving_restores_the_same_records_and_files() {
    let base = std::env::temp_dir().join(format!("amity-backup-{}", std::process::id()));
    let (data, restored, archive) = (
        base.join("data"),
        base.join("restored"),
        base.join("amity.tar"),
    );
    let _ = std::fs::remove_dir_all(&base);
    let (server, addr) = serve(&data);
    // An attached file, stored by content as the server stores them.
    let stored = data.join("files/ab/ab12");
    std::fs::create_dir_all(stored.parent().expect("folder")).expect("files folder");
    std::fs::write(&stored, b"%PDF-1.4 a report").expect("a stored file");
    let before = delegations_total(&addr);
    let taken = amity(&["backup", "--to", archive.to_str().expect("utf-8")], &data);
    assert!(
        taken.status.success(),
        "{}",
        String::from_utf8_lossy(&taken.stderr)
    );
    assert!(String::from_utf8_lossy(&taken.stdout).contains("the database and 1 attached files"));
    drop(server);

    let put_back = amity(
        &["restore", "--from", archive.to_str().expect("utf-8")],
        &restored,
    );
    let said = String::from_utf8_lossy(&put_back.stdout);
    assert!(
        put_back.status.success() && said.contains("integrity check: ok"),
        "{said}{}",
        String::from_utf8_lossy(&put_back.stderr)
    );
    let again = amity(
        &["restore", "--from", archive.to_str().expect("utf-8")],
        &restored,
    );
    assert!(
        !again.status.success(),
        "a database already there is not replaced without --force"
    );
    assert_eq!(
        std::fs::read(restored.join("files/ab/ab12")).expect("the file came back"),
        b"%PDF-1.4 a report"
    );
    let checked = amity(&["check"], &restored);
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    let (_server, addr) = serve_kept(&restored);
    assert_eq!(delegations_total(&addr), before, "the same records");
    let _ = std::fs::remove_dir_all(&base);
}

/// R4: schemathesis generates requests for every operation of the API description (as the
/// administrator, the operations revoking its own token aside) for a bounded time: no answer is a
/// server error or differs from what the description says.
#[test]
fn the_api_answers_as_its_description_says_under_generated_requests() {
    let data = std::env::temp_dir().join(format!("amity-schemathesis-{}", std::process::id()));
    let (_server, addr) = serve(&data);
    let token = token_for(&addr, "admin@demo.amity");
    let seconds = std::env::var("AMITY_SCHEMATHESIS_SECONDS").unwrap_or_else(|_| "60".into());
    let ran = Command::new("schemathesis")
        .args(["run", &format!("http://{addr}/api/v1/openapi.json"), "--url", &format!("http://{addr}/api/v1")])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "status_code_conformance,content_type_conformance,response_schema_conformance,not_a_server_error"])
        .args(["--exclude-path-regex", "auth/token", "--max-time", &seconds, "--seed", "1"])
        .args(["--report", "junit", "--report-dir"])
        .arg(data.join("report"))
        .output()
        .expect("schemathesis runs (pip install schemathesis)");
    let said = String::from_utf8_lossy(&ran.stdout);
    let summary: String = said
        .lines()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");
    let _ = std::fs::remove_dir_all(&data);
    assert!(
        ran.status.success(),
        "{summary}\n{}",
        String::from_utf8_lossy(&ran.stderr)
    );
}

#[test]
fn the_four_journeys_pass_in_a_browser() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shots = std::env::var_os("AMITY_JOURNEY_SHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace.join("target/journeys"));
    let _ = std::fs::remove_dir_all(&shots);
    let data = std::env::temp_dir().join(format!("amity-journeys-{}", std::process::id()));
    let (_server, addr) = serve(&data);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/journeys.py");
    let status = Command::new("python3")
        .arg(&script)
        .arg(format!("http://{addr}"))
        .arg(&shots)
        .status()
        .expect("python3 runs the journeys (needs chromium, chromium-driver and selenium)");
    let _ = std::fs::remove_dir_all(&data);
    assert!(
        status.success(),
        "a journey failed; see the output above and {}",
        shots.display()
    );
}
