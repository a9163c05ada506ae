//! Headless Chromium over WebDriver, for the browser tests (`tests/browser.rs`,
//! `tests/overview_browser.rs`): finding Debian's `chromium` and `chromedriver`,
//! starting chromedriver on a free port, and opening a session with the options both
//! tests use (headless, no sandbox, Chinese, a fixed window).
#![allow(dead_code)]

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

/// The two programs a browser test needs.
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// `None` when either is not installed: the caller skips with a note.
pub fn find() -> Option<Browser> {
    Some(Browser {
        chromium: find_program(&["chromium", "chromium-browser", "google-chrome"])?,
        chromedriver: find_program(&["chromedriver"])?,
    })
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// A running chromedriver, killed when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_driver(bin: &Path) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let child = Command::new(bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, port };
    // Bounded wait for it to listen (not a timing assertion).
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    driver
}

/// A headless session of `chromium` through `driver`, with a window of `size`
/// (`"1366,768"`) and, when given, Chrome preferences (downloads).
pub async fn session(
    chromium: &Path,
    driver: &Driver,
    size: &str,
    prefs: Option<serde_json::Value>,
) -> Client {
    let mut options = json!({
        "binary": chromium.display().to_string(),
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-dev-shm-usage", format!("--window-size={size}"),
                 "--lang=zh-CN"],
    });
    if let Some(p) = prefs {
        options["prefs"] = p;
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session")
}
